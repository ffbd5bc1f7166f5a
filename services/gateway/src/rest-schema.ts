import { type Static, type TProperties, type TSchema, type TUnsafe, Type } from "typebox";

/** A UUID. */
export const Uuid = Type.String({ format: "uuid" });

/** An ISO 8601 time; the services may leave one unset, which is sent as null. */
export const DateTime = Type.Unsafe<string | null>({ type: "string", format: "date-time" });

/** A proto int64 as JSON: a number within ±(2^53-1), beyond it the bigint, written as its exact digits (ADR 0021). */
export function int64(options: { description?: string } = {}) {
  return Type.Unsafe<number | bigint>({ type: "integer", ...options });
}

/** One of a fixed list of strings. */
export function stringEnum<const Values extends readonly string[]>(values: Values) {
  return Type.Unsafe<Values[number]>({ type: "string", enum: values });
}

/**
 * `schema` or null, as a list of types (`["integer", "null"]`) rather than an anyOf: Ajv then
 * names the field once when it is wrong, and the serializer need not pick a branch.
 */
export function nullable<T extends TSchema>(schema: T): TUnsafe<Static<T> | null> {
  const { type } = schema as { type?: unknown };
  if (typeof type !== "string") throw new Error("nullable() takes a schema of one type");
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, "null"] });
}

/** A reference to a shared schema (one with `$id`, added to the domain's scope), typed as that schema. */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  const { $id } = schema as { $id?: unknown };
  if (typeof $id !== "string") throw new Error("ref() takes a schema with an $id");
  return Type.Unsafe<Static<T>>({ $ref: `${$id}#` });
}

/** A REST page named `id`: `items` of the shared schema `item` and the cursor of the next page. */
export function page<T extends TSchema>(id: string, item: T) {
  return Type.Object(
    {
      items: Type.Array(ref(item)),
      nextCursor: nullable(
        Type.String({ description: "pass as cursor for the next page; null on the last" }),
      ),
    },
    { $id: id },
  );
}

/**
 * An object that takes no other properties, as a client sends it (body, query, params): unknown
 * fields are refused by name. `additionalProperties` comes before `properties`, where the
 * gateway's hand-written schemas had it, so the OpenAPI document reads as before.
 */
export function closedObject<T extends TProperties>(properties: T, options: { description?: string } = {}) {
  const open = Type.Object(properties, options);
  const { properties: fields, ...head } = open;
  const closed = { ...head, additionalProperties: false, properties: fields };
  // TypeBox marks its schemas with non-enumerable keys (`~kind`); the copy keeps them.
  for (const key of Reflect.ownKeys(open))
    if (!Object.prototype.propertyIsEnumerable.call(open, key))
      Object.defineProperty(closed, key, { value: Reflect.get(open, key) });
  return closed as unknown as typeof open;
}

/** Query parameters of a REST page: limit 1 to 100 (default 20) and the cursor of the previous page. */
export const PageQuery = closedObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: "nextCursor of the previous page" })),
});

/** Route params naming one resource by `:id`. */
export const IdParams = closedObject({ id: Uuid });

/** Route params naming one variant by `:variantId`. */
export const VariantParams = closedObject({ variantId: Uuid });

/** One page asked for: how many and from where (the empty cursor is the first page). */
export interface PageRequest {
  limit: number;
  cursor: string;
}

/** The page a REST client asked for (Ajv fills in the default limit; the fallback only satisfies the type). */
export function restPage(query: Static<typeof PageQuery>): PageRequest {
  return { limit: query.limit ?? 20, cursor: query.cursor ?? "" };
}

/** The REST answer of an operation's page: its items, and the next page's cursor or null on the last. */
export async function restPageOf<T>(page: Promise<{ items: T[]; nextCursor: string }>) {
  const { items, nextCursor } = await page;
  return { items, nextCursor: nextCursor === "" ? null : nextCursor };
}
