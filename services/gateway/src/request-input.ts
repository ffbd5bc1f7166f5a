import { AjvCompiler } from "@fastify/ajv-compiler";
import { InvalidArgument } from "@mercato/platform/errors";
import { errorCodes, type FastifyServerOptions } from "fastify";

type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]>["buildValidator"]
>;
type Validate = ((data: unknown) => unknown) & { errors?: unknown };
interface PropertySchema {
  type?: string | string[];
  items?: PropertySchema;
}
interface RouteSchema {
  schema?: { properties?: Record<string, PropertySchema> };
  httpPart?: string;
}

// Decimal digits only: Number() and Ajv's coercion would also read "0x10", " 1", "1e400" and "Infinity".
const integerText = /^-?[0-9]{1,16}$/;
const numberText = /^-?[0-9]{1,16}(\.[0-9]+)?$/;

/**
 * Fastify's validator factory for the gateway: Ajv without type coercion, so a JSON body must
 * carry numbers as numbers and booleans as booleans, while query strings and path parameters,
 * which are text, are converted first by strict rules: an integer is a safe integer written in
 * decimal digits, a number is decimal digits with an optional fraction, a boolean is `true` or
 * `false`, and an array field takes one value or many. Anything else stays text and fails
 * validation naming the field.
 */
export function requestValidators(): ValidatorFactory {
  // Fastify hands the compiler a route definition, not the bare schema its types describe.
  const pool = AjvCompiler() as unknown as (
    externalSchemas: unknown,
    options: { customOptions?: object } | undefined,
  ) => (route: RouteSchema) => Validate;
  const build = (externalSchemas: unknown, options: { customOptions?: object } | undefined) => {
    const compile = pool(externalSchemas, {
      ...options,
      customOptions: { ...options?.customOptions, coerceTypes: false },
    });
    return (route: RouteSchema) => {
      const validate = compile(route);
      const properties = route.schema?.properties;
      if ((route.httpPart !== "querystring" && route.httpPart !== "params") || !properties) return validate;
      const coercing: Validate = (data) => {
        if (data !== null && typeof data === "object") {
          const values = data as Record<string, unknown>;
          for (const [name, property] of Object.entries(properties)) {
            if (values[name] !== undefined) values[name] = fromText(property, values[name]);
          }
        }
        const valid = validate(data);
        coercing.errors = validate.errors;
        return valid;
      };
      return coercing;
    };
  };
  return build as unknown as ValidatorFactory;
}

function fromText(schema: PropertySchema, value: unknown): unknown {
  if (typesOf(schema).has("array")) {
    const items = schema.items ?? {};
    return (Array.isArray(value) ? value : [value]).map((item) => scalarFromText(items, item));
  }
  return scalarFromText(schema, value);
}

function scalarFromText(schema: PropertySchema, value: unknown): unknown {
  if (typeof value !== "string") return value;
  const types = typesOf(schema);
  if (types.has("integer") && integerText.test(value)) {
    const number = Number(value);
    return Number.isSafeInteger(number) ? number : value;
  }
  if (types.has("number") && numberText.test(value)) return Number(value);
  if (types.has("boolean") && (value === "true" || value === "false")) return value === "true";
  return value;
}

function typesOf(schema: PropertySchema): Set<string> {
  return new Set(schema.type === undefined ? [] : [schema.type].flat());
}

/**
 * Fastify content-type parser for `application/json`: plain JSON.parse, then a refusal that names
 * a `__proto__` or `constructor.prototype` key (`body.items.0.__proto__ is not allowed`), where
 * Fastify's own parser calls such a body "not valid JSON".
 */
export async function parseJsonBody(_request: unknown, body: string): Promise<unknown> {
  if (body.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
  // A key can only be one of these if its name, or an escape that spells it, is in the text.
  if (body.includes("__proto__") || body.includes("constructor") || body.includes("\\u")) {
    const path = prototypeKey(value);
    if (path)
      throw new InvalidArgument(`${path} is not allowed`, [{ field: path, message: "is not allowed" }]);
  }
  return value;
}

/** Path of the first `__proto__` or `constructor.prototype` key in a parsed JSON value, breadth first. */
function prototypeKey(root: unknown): string | undefined {
  // A queue, not recursion: a 1 MB body can nest far deeper than the stack.
  const queue: [unknown, string][] = [[root, "body"]];
  for (let i = 0; i < queue.length; i++) {
    const [value, path] = queue[i] as [unknown, string];
    if (value === null || typeof value !== "object") continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === "__proto__") return `${path}.__proto__`;
      if (
        key === "constructor" &&
        child !== null &&
        typeof child === "object" &&
        Object.hasOwn(child, "prototype")
      )
        return `${path}.constructor.prototype`;
      queue.push([child, `${path}.${key}`]);
    }
  }
  return undefined;
}
