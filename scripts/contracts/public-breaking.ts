import { buildSchema, findBreakingChanges } from "graphql";
import jsonSchemaDiff from "json-schema-diff";
import { parse } from "yaml";

// Breaking changes of the gateway's public contracts between two versions of their files: GraphQL
// through graphql-js's own findBreakingChanges, REST by comparing each operation's schemas with
// json-schema-diff (openapi-diff reads OpenAPI 3.0 only; ours is 3.1). A request schema that
// refuses what it accepted breaks clients; so does an answer that may carry what it could not
// before (a new field excepted: clients ignore fields they do not know).

/** The GraphQL schema changes that break a client written against `before`. */
export function graphqlBreaks(before: string, after: string): string[] {
  return findBreakingChanges(buildSchema(before), buildSchema(after)).map(
    (change) => `GraphQL ${change.type}: ${change.description}`,
  );
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface OpenApi {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Json> };
}

interface Operation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const methods = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `schema` with every `#/components/schemas/…` reference replaced by its target, and with what
 * json-schema-diff does not compare dropped (descriptions, examples, formats). `open` leaves
 * objects open to other fields (for answers).
 */
function resolved(schema: Json, spec: OpenApi, open: boolean, seen: readonly string[] = []): Json {
  if (Array.isArray(schema)) return schema.map((item) => resolved(item, spec, open, seen));
  if (!isObject(schema)) return schema;
  const ref = schema.$ref;
  if (typeof ref === "string") {
    const name = ref.replace("#/components/schemas/", "");
    const target = spec.components?.schemas?.[name];
    if (target === undefined) throw new Error(`unresolved reference ${ref}`);
    // A recursive type compares as any value past its first level.
    return seen.includes(name) ? {} : resolved(target, spec, open, [...seen, name]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (["description", "summary", "examples", "example", "format", "title", "$id"].includes(key)) continue;
    if (open && key === "additionalProperties" && value === false) continue;
    out[key] =
      key === "properties" && isObject(value)
        ? propertiesOf(value, spec, open, seen)
        : resolved(value, spec, open, seen);
  }
  return out;
}

function propertiesOf(
  properties: JsonObject,
  spec: OpenApi,
  open: boolean,
  seen: readonly string[],
): JsonObject {
  return Object.fromEntries(
    Object.entries(properties).map(([name, schema]) => [name, resolved(schema, spec, open, seen)]),
  );
}

/**
 * Whether `after` refuses a value `before` accepted (`narrowed`) or accepts one it refused
 * (`widened`). json-schema-diff compares structure, not `enum` or `const`: those are compared
 * as sets of values at each place (property path) of the two schemas.
 */
async function compare(before: Json, after: Json): Promise<{ narrowed: boolean; widened: boolean }> {
  const result = await jsonSchemaDiff.diffSchemas({
    sourceSchema: before as object,
    destinationSchema: after as object,
  });
  const was = enumsByPlace(before);
  const now = enumsByPlace(after);
  const dropped = [...was].some(([place, values]) => {
    const current = now.get(place);
    return current !== undefined && [...values].some((v) => !current.has(v));
  });
  const added = [...now].some(([place, values]) => {
    const old = was.get(place);
    return old !== undefined && [...values].some((v) => !old.has(v));
  });
  return { narrowed: result.removalsFound || dropped, widened: result.additionsFound || added };
}

/** The values each place of `schema` is limited to by `enum` or `const` (the branches of anyOf/oneOf/allOf merged). */
function enumsByPlace(
  schema: Json,
  place = "",
  into = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  if (!isObject(schema)) return into;
  const limit = Array.isArray(schema.enum)
    ? schema.enum
    : "const" in schema
      ? [schema.const ?? null]
      : undefined;
  if (limit) {
    const values = into.get(place) ?? new Set<string>();
    for (const value of limit) values.add(JSON.stringify(value));
    into.set(place, values);
  }
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const branches = schema[key];
    if (Array.isArray(branches)) for (const branch of branches) enumsByPlace(branch, place, into);
  }
  if (isObject(schema.properties))
    for (const [name, property] of Object.entries(schema.properties))
      enumsByPlace(property, `${place}.${name}`, into);
  if (schema.items !== undefined) enumsByPlace(schema.items, `${place}[]`, into);
  return into;
}

/** The REST changes that break a client written against `before` (OpenAPI documents as YAML). */
export async function openApiBreaks(beforeYaml: string, afterYaml: string): Promise<string[]> {
  const before = parse(beforeYaml, { maxAliasCount: -1 }) as OpenApi;
  const after = parse(afterYaml, { maxAliasCount: -1 }) as OpenApi;
  const breaks: string[] = [];
  for (const [path, item] of Object.entries(before.paths ?? {})) {
    for (const method of methods) {
      const was = item[method];
      if (!was) continue;
      const name = `${method.toUpperCase()} ${path}`;
      const now = after.paths?.[path]?.[method];
      if (!now) {
        breaks.push(`REST ${name}: removed`);
        continue;
      }
      breaks.push(...(await operationBreaks(name, was, now, before, after)));
    }
  }
  return breaks;
}

async function operationBreaks(
  name: string,
  was: Operation,
  now: Operation,
  before: OpenApi,
  after: OpenApi,
): Promise<string[]> {
  const breaks: string[] = [];
  const request = (spec: OpenApi, schema: Json | undefined) => resolved(schema ?? {}, spec, false);
  const answer = (spec: OpenApi, schema: Json | undefined) => resolved(schema ?? {}, spec, true);

  for (const param of now.parameters ?? []) {
    const old = was.parameters?.find((p) => p.name === param.name && p.in === param.in);
    if (!old && param.required) breaks.push(`REST ${name}: new required ${param.in} parameter ${param.name}`);
    if (old && param.required && !old.required)
      breaks.push(`REST ${name}: ${param.in} parameter ${param.name} became required`);
    if (old && (await compare(request(before, old.schema), request(after, param.schema))).narrowed)
      breaks.push(`REST ${name}: ${param.in} parameter ${param.name} accepts less than before`);
  }
  for (const old of was.parameters ?? []) {
    if (old.in === "query") continue;
    if (!now.parameters?.some((p) => p.name === old.name && p.in === old.in))
      breaks.push(`REST ${name}: ${old.in} parameter ${old.name} removed`);
  }

  if (now.requestBody?.required && was.requestBody && !was.requestBody.required)
    breaks.push(`REST ${name}: request body became required`);
  for (const [type, media] of Object.entries(was.requestBody?.content ?? {})) {
    const current = now.requestBody?.content?.[type];
    if (!current) breaks.push(`REST ${name}: request body ${type} no longer accepted`);
    else if ((await compare(request(before, media.schema), request(after, current.schema))).narrowed)
      breaks.push(`REST ${name}: request body accepts less than before`);
  }

  for (const [status, response] of Object.entries(was.responses ?? {})) {
    if (!/^2/.test(status)) continue;
    const current = now.responses?.[status];
    if (!current) {
      breaks.push(`REST ${name}: answer ${status} removed`);
      continue;
    }
    for (const [type, media] of Object.entries(response.content ?? {})) {
      const now = current.content?.[type];
      if (!now) breaks.push(`REST ${name}: answer ${status} no longer ${type}`);
      else if ((await compare(answer(before, media.schema), answer(after, now.schema))).widened)
        breaks.push(`REST ${name}: answer ${status} may carry what it could not before`);
    }
  }
  return breaks;
}
