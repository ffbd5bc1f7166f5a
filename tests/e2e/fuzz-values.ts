/**
 * Values for schema-driven fuzzing: valid baselines and malformed, boundary and hostile values
 * derived from JSON Schema (the gateway's OpenAPI document) and from GraphQL introspection types.
 */

/** What a value is meant to test: a wrong shape, an edge of the allowed range, or an attack. */
export type ValueClass = "malformed" | "boundary" | "hostile";

/** The three classes, in the order every target receives them. */
export const valueClasses: readonly ValueClass[] = ["malformed", "boundary", "hostile"];

/** JSON text written as is where a JavaScript value cannot say it (`1e400`, a `__proto__` key). */
export class Raw {
  constructor(readonly json: string) {}
}

/** One generated value: its class, a short label for reports, and the value itself. */
export interface FuzzValue {
  class: ValueClass;
  label: string;
  value: unknown;
}

/** JSON text of a value that may hold {@link Raw} parts. */
export function encodeJson(value: unknown): string {
  if (value instanceof Raw) return value.json;
  if (Array.isArray(value)) return `[${value.map(encodeJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${encodeJson(item)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** A short, readable form of a value for failure reports. */
export function describeValue(value: unknown): string {
  const text = encodeJson(value);
  return text.length > 80 ? `${text.slice(0, 60)}…(${text.length} chars)` : text;
}

/** A UUID (version 4 layout) drawn from `random`, so runs repeat. */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(random() * 4)] ?? "8";
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const nilUuid = "00000000-0000-0000-0000-000000000000";
const tenThousand = "x".repeat(10_000);

/** Strings that have broken parsers, databases, templates and encoders before. */
const hostileStrings: readonly [string, string][] = [
  ["NUL", "a\u0000b"],
  ["emoji", "🛒💥👩‍👩‍👧‍👦"],
  ["bidi and combining marks", "\u202Eabc\u0301\u0301\u200B"],
  ["lone surrogate", "\uD800x"],
  ["SQL", "' OR 1=1; DROP TABLE products; --"],
  ["HTML", '<script>alert("x")</script><img src=x onerror=alert(1)>'],
  ["__proto__", "__proto__"],
  ["path traversal", "../../../etc/passwd"],
  ["format string", "%s%n%x%d"],
  ["CRLF", "a\r\nSet-Cookie: x=1"],
];

/** A JSON Schema as the gateway's OpenAPI document writes request schemas. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  uniqueItems?: boolean;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  not?: JsonSchema;
  default?: unknown;
  $ref?: string;
}

/** The schema's one non-null type (a `["string","null"]` list or an `anyOf` with null reads as its other branch). */
export function mainType(schema: JsonSchema): { type: string; schema: JsonSchema; nullable: boolean } {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const other = branches.find((b) => b.type !== "null") ?? {};
    return { ...mainType(other), nullable: branches.some((b) => b.type === "null") };
  }
  const types = [schema.type ?? (schema.properties ? "object" : "string")].flat();
  const type = types.find((t) => t !== "null") ?? "null";
  return { type, schema, nullable: types.includes("null") };
}

/** Looks a valid value up by field name; undefined to derive one from the schema. */
export type KnownValues = (name: string) => unknown;

/**
 * A valid value for `schema`: a known value for its name first, else derived from enum, format,
 * range and length. Objects carry their required properties only, so a request names one fuzzed
 * property at a time. Throws for a pattern it cannot satisfy, so no baseline is silently wrong.
 */
export function validValue(schema: JsonSchema, name: string, known: KnownValues): unknown {
  const fromName = known(name);
  if (fromName !== undefined) return fromName;
  const { type, schema: s } = mainType(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  switch (type) {
    case "integer":
    case "number": {
      const low = s.minimum ?? (s.exclusiveMinimum === undefined ? 1 : s.exclusiveMinimum + 1);
      return Math.min(Math.max(1, low), s.maximum ?? Number.MAX_SAFE_INTEGER);
    }
    case "boolean":
      return false;
    case "array": {
      const item = s.items ? validValue(s.items, name, known) : "x";
      return [item];
    }
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of s.required ?? []) {
        const property = s.properties?.[key];
        if (property) out[key] = validValue(property, key, known);
      }
      return out;
    }
    default: {
      if (s.format === "uuid") return nilUuid.replace(/^0/, "1");
      if (s.format === "email") return `fuzz.${name.toLowerCase()}@mercato.test`;
      const text = "fuzz".padEnd(s.minLength ?? 1, "z").slice(0, s.maxLength ?? 100);
      if (s.pattern && !new RegExp(s.pattern, "u").test(text))
        throw new Error(`no valid value for ${name}: pattern ${s.pattern} needs a known value`);
      return text;
    }
  }
}

/** A place to fuzz inside a body: property names, with 0 for an array's first item. */
export type FuzzPath = (string | number)[];

/** Every property of a body schema down to `depth` levels, with its schema; the body itself first. */
export function bodyTargets(schema: JsonSchema, depth = 4): { path: FuzzPath; schema: JsonSchema }[] {
  const out: { path: FuzzPath; schema: JsonSchema }[] = [{ path: [], schema }];
  const walk = (current: JsonSchema, path: FuzzPath) => {
    if (path.filter((p) => typeof p === "string").length >= depth) return;
    const { type, schema: s } = mainType(current);
    if (type === "array" && s.items) {
      const items = mainType(s.items);
      if (items.type === "object") walk(s.items, [...path, 0]);
      return;
    }
    if (type !== "object") return;
    for (const [key, property] of Object.entries(s.properties ?? {})) {
      out.push({ path: [...path, key], schema: property });
      walk(property, [...path, key]);
    }
    if (typeof s.additionalProperties === "object") {
      out.push({ path: [...path, "fuzzKey"], schema: s.additionalProperties });
    }
  };
  walk(schema, []);
  return out;
}

/** `base` with `value` at `path`, creating missing parents from their schemas' valid values. */
export function withValueAt(
  base: unknown,
  root: JsonSchema,
  path: FuzzPath,
  value: unknown,
  known: KnownValues,
): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...FuzzPath];
  const { schema: s } = mainType(root);
  const childSchema =
    typeof head === "number"
      ? (s.items ?? {})
      : (s.properties?.[head] ?? (typeof s.additionalProperties === "object" ? s.additionalProperties : {}));
  if (typeof head === "number") {
    const list = Array.isArray(base) ? [...base] : [validValue(childSchema, "", known)];
    list[head] = withValueAt(
      list[head] ?? validValue(childSchema, "", known),
      childSchema,
      rest,
      value,
      known,
    );
    return list;
  }
  const object = base !== null && typeof base === "object" ? { ...(base as Record<string, unknown>) } : {};
  const current = head in object ? object[head] : validValue(childSchema, head, known);
  object[head] = withValueAt(current, childSchema, rest, value, known);
  return object;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Raw);

/** `valid` (an object) with a `__proto__` or `constructor.prototype` key added, as JSON text. */
function withPollutingKey(valid: unknown, key: string): Raw {
  const rest = isObject(valid) ? encodeJson(valid).slice(1, -1) : "";
  return new Raw(`{${key}${rest ? `,${rest}` : ""}}`);
}

const integerValues = (s: JsonSchema): FuzzValue[] => {
  const edges = [s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum].filter(
    (n): n is number => typeof n === "number" && Math.abs(n) < 2 ** 53,
  );
  return [
    ...m("'Infinity'", "Infinity"),
    ...m("1e400", new Raw("1e400")),
    ...m("'0x10'", "0x10"),
    ...m("true", true),
    ...m("1.5", 1.5),
    ...m("''", ""),
    ...m("'12'", "12"),
    ...m("[1]", [1]),
    ...b("-1", -1),
    ...b("0", 0),
    ...b("2^31", 2 ** 31),
    ...b("2^31-1", 2 ** 31 - 1),
    ...b("2^53+1", new Raw("9007199254740993")),
    ...b("-2^53-1", new Raw("-9007199254740993")),
    ...edges.flatMap((n) => [...b(`${n}-1`, n - 1), ...b(`${n}`, n), ...b(`${n}+1`, n + 1)]),
    ...h("-0", new Raw("-0")),
    ...h("1e-400", new Raw("1e-400")),
    ...h("1E2", new Raw("1E2")),
  ];
};

const numberValues = (s: JsonSchema): FuzzValue[] => [
  ...m("'NaN'", "NaN"),
  ...m("'Infinity'", "Infinity"),
  ...m("1e400", new Raw("1e400")),
  ...m("-1e400", new Raw("-1e400")),
  ...m("true", true),
  ...m("''", ""),
  ...m("'1.5'", "1.5"),
  ...b("0", 0),
  ...b("-1", -1),
  ...b("2^53+1", new Raw("9007199254740993")),
  ...[s.minimum, s.maximum, s.exclusiveMinimum, s.exclusiveMaximum]
    .filter((n): n is number => typeof n === "number")
    .flatMap((n) => [...b(`${n}`, n), ...b(`${n}+0.000001`, n + 1e-6), ...b(`${n}-0.000001`, n - 1e-6)]),
  ...h("5e-324", new Raw("5e-324")),
  ...h("1e-400", new Raw("1e-400")),
];

const stringValues = (s: JsonSchema, valid: unknown, random: () => number): FuzzValue[] => {
  const lengths = [s.minLength, s.maxLength].filter((n): n is number => typeof n === "number");
  return [
    ...m("42", 42),
    ...m("true", true),
    ...m("[]", []),
    ...m("{}", {}),
    ...b("''", ""),
    ...b("'   '", "   "),
    ...lengths.flatMap((n) => [
      ...b(`${n} chars`, "a".repeat(n)),
      ...(n > 0 ? b(`${n - 1} chars`, "a".repeat(n - 1)) : []),
      ...b(`${n + 1} chars`, "a".repeat(n + 1)),
    ]),
    ...b("10k chars", tenThousand),
    ...(s.format === "uuid"
      ? [
          ...m("'not-a-uuid'", "not-a-uuid"),
          ...b("nil uuid", nilUuid),
          ...b("random uuid", seededUuid(random)),
          ...b("upper-case uuid", typeof valid === "string" ? valid.toUpperCase() : nilUuid),
          ...h("uuid with SQL", `${nilUuid}' OR '1'='1`),
        ]
      : []),
    ...(s.format === "email"
      ? [
          ...m("'a@'", "a@"),
          ...m("'@b.test'", "@b.test"),
          ...b("300-char e-mail", `${"a".repeat(290)}@b.test`),
        ]
      : []),
    ...(s.enum
      ? [
          ...m("unknown enum value", "NOT_A_VALUE"),
          ...m("upper-cased enum value", String(s.enum[0]).toUpperCase()),
          ...s.enum.flatMap((e) => b(`enum ${String(e)}`, e)),
        ]
      : []),
    ...hostileStrings.flatMap(([label, text]) => h(label, text)),
  ];
};

const booleanValues = (): FuzzValue[] => [
  ...m("'true'", "true"),
  ...m("1", 1),
  ...m("'yes'", "yes"),
  ...m("[]", []),
  ...b("true", true),
  ...b("false", false),
  ...h("{}", {}),
];

const arrayValues = (s: JsonSchema, valid: unknown): FuzzValue[] => {
  const item = Array.isArray(valid) ? valid[0] : "x";
  const over = (s.maxItems ?? 100) + 1;
  return [
    ...m("a scalar", "x"),
    ...m("an object", {}),
    ...m("nested", [[item]]),
    ...m("[null]", [null]),
    ...m("[42]", [42]),
    ...b("[]", []),
    ...b(
      `${over} items`,
      Array.from({ length: over }, () => item),
    ),
    ...b(
      "10k items",
      Array.from({ length: 10_000 }, () => item),
    ),
    ...h("duplicates", [item, item]),
    ...h("items with __proto__ keys", [withPollutingKey(item, '"__proto__":{"polluted":true}')]),
  ];
};

const objectValues = (s: JsonSchema, valid: unknown): FuzzValue[] => {
  const isMap = typeof s.additionalProperties === "object";
  return [
    ...m("a string", "x"),
    ...m("an array", []),
    ...m("42", 42),
    ...b("{}", {}),
    ...h("extra property", { ...(isObject(valid) ? valid : {}), fuzzExtra: 1 }),
    ...h("__proto__ key", withPollutingKey(valid, '"__proto__":{"polluted":true}')),
    ...h(
      "constructor.prototype key",
      withPollutingKey(valid, '"constructor":{"prototype":{"polluted":true}}'),
    ),
    ...(isMap
      ? [
          ...b("empty key", { "": "x" }),
          ...b(
            `${(s.maxProperties ?? 50) + 1} keys`,
            Object.fromEntries(Array.from({ length: (s.maxProperties ?? 50) + 1 }, (_, i) => [`k${i}`, "x"])),
          ),
          ...m("a number value", { k: 42 }),
          ...h("key of 1000 chars", { ["k".repeat(1000)]: "x" }),
        ]
      : []),
  ];
};

function m(label: string, value: unknown): FuzzValue[] {
  return [{ class: "malformed", label, value }];
}
function b(label: string, value: unknown): FuzzValue[] {
  return [{ class: "boundary", label, value }];
}
function h(label: string, value: unknown): FuzzValue[] {
  return [{ class: "hostile", label, value }];
}

/** Values for one JSON body field (or the whole body), by its schema; `valid` is its baseline. */
export function jsonValues(schema: JsonSchema, valid: unknown, random: () => number): FuzzValue[] {
  const { type, schema: s, nullable } = mainType(schema);
  const byType =
    type === "integer"
      ? integerValues(s)
      : type === "number"
        ? numberValues(s)
        : type === "boolean"
          ? booleanValues()
          : type === "array"
            ? arrayValues(s, valid)
            : type === "object"
              ? objectValues(s, valid)
              : stringValues(s, valid, random);
  return [...byType, ...(nullable ? b("null", null) : m("null", null))];
}

/** Values for a query-string, path or header parameter, all text as the client writes it. */
export function textValues(schema: JsonSchema, valid: unknown, random: () => number): FuzzValue[] {
  const { type, schema: s } = mainType(schema);
  const asText = (values: FuzzValue[]) =>
    values
      .filter((v) => typeof v.value === "string" || typeof v.value === "number" || v.value instanceof Raw)
      .map((v) => ({ ...v, value: v.value instanceof Raw ? v.value.json : String(v.value) }));
  const common = [...m("'null'", "null"), ...b("''", ""), ...h("10k chars", tenThousand)];
  const numeric = [
    ...m("' 1'", " 1"),
    ...m("'1e2'", "1e2"),
    ...m("'+1'", "+1"),
    ...m("'true'", "true"),
    ...m("'99999999999999999999'", "99999999999999999999"),
  ];
  switch (type) {
    case "integer":
      return [...asText(integerValues(s)), ...numeric, ...common];
    case "number":
      return [...asText(numberValues(s)), ...numeric, ...m("'1,5'", "1,5"), ...common];
    case "boolean":
      return [
        ...m("'yes'", "yes"),
        ...m("'TRUE'", "TRUE"),
        ...m("'1'", "1"),
        ...b("'false'", "false"),
        ...common,
      ];
    case "array":
      return textValues(s.items ?? {}, Array.isArray(valid) ? valid[0] : valid, random);
    default:
      return [...asText(stringValues(s, valid, random)), ...m("'null'", "null")];
  }
}

/** A type reference as introspection writes it. */
export interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}

/** An argument or input field as introspection writes it. */
export interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}

/** A named type as introspection writes it (the parts fuzzing reads). */
export interface IntrospectedType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

/** The introspection query fuzzing needs: types, fields, arguments, input fields and enum values. */
export const introspectionQuery = `query FuzzIntrospection { __schema { queryType { name } mutationType { name }
  types { kind name enumValues(includeDeprecated: true) { name }
    fields(includeDeprecated: true) { name args { ...input } type { ...ref } }
    inputFields { ...input } } } }
fragment input on __InputValue { name defaultValue type { ...ref } }
fragment ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

/** `[ID!]!` for a type reference. */
export function printType(ref: TypeRef): string {
  if (ref.kind === "NON_NULL") return `${printType(ref.ofType as TypeRef)}!`;
  if (ref.kind === "LIST") return `[${printType(ref.ofType as TypeRef)}]`;
  return ref.name ?? "";
}

/** The named type under lists and non-null wrappers, and whether the outermost is non-null. */
export function unwrap(ref: TypeRef): { named: string; list: boolean; required: boolean } {
  let current = ref;
  let list = false;
  while (current.ofType) {
    if (current.kind === "LIST") list = true;
    current = current.ofType;
  }
  return { named: current.name ?? "", list, required: ref.kind === "NON_NULL" };
}

/** GraphQL types by name, with helpers to value and select them. */
export class GraphqlTypes {
  readonly byName: Map<string, IntrospectedType>;

  constructor(types: IntrospectedType[]) {
    this.byName = new Map(types.map((t) => [t.name, t]));
  }

  /** A valid value for an argument or input field: a known value for its name, else by type. */
  valid(ref: TypeRef, name: string, known: KnownValues): unknown {
    const fromName = known(name);
    const { named, list } = unwrap(ref);
    const type = this.byName.get(named);
    const one = (): unknown => {
      if (fromName !== undefined) return Array.isArray(fromName) ? fromName[0] : fromName;
      if (type?.kind === "ENUM") return type.enumValues?.[0]?.name;
      if (type?.kind === "INPUT_OBJECT") {
        const out: Record<string, unknown> = {};
        for (const field of type.inputFields ?? [])
          if (field.type.kind === "NON_NULL" && field.defaultValue === null)
            out[field.name] = this.valid(field.type, field.name, known);
        return out;
      }
      if (named === "Int" || named === "SafeInt" || named === "Float") return 1;
      if (named === "Boolean") return false;
      if (named === "ID") return nilUuid.replace(/^0/, "1");
      return "fuzz";
    };
    if (list) return Array.isArray(fromName) ? fromName : [one()];
    return one();
  }

  /** Every argument and input field inside `args`, down to `depth` input-object levels. */
  targets(args: InputValue[], depth = 3): { path: string[]; ref: TypeRef }[] {
    const out: { path: string[]; ref: TypeRef }[] = [];
    const walk = (values: InputValue[], path: string[]) => {
      for (const value of values) {
        out.push({ path: [...path, value.name], ref: value.type });
        const inner = this.byName.get(unwrap(value.type).named);
        if (inner?.kind === "INPUT_OBJECT" && path.length + 1 < depth)
          walk(inner.inputFields ?? [], [...path, value.name]);
      }
    };
    walk(args, []);
    return out;
  }

  /** The input fields of the input object `ref` names; undefined for any other type. */
  inputFieldsOf(ref: TypeRef): InputValue[] | undefined {
    const type = this.byName.get(unwrap(ref).named);
    return type?.kind === "INPUT_OBJECT" ? (type.inputFields ?? []) : undefined;
  }

  /** Malformed, boundary and hostile values for a GraphQL input of type `ref`. */
  values(ref: TypeRef, valid: unknown, random: () => number): FuzzValue[] {
    const { named, list, required } = unwrap(ref);
    const type = this.byName.get(named);
    const itemValid = Array.isArray(valid) ? valid[0] : valid;
    const scalar = (): FuzzValue[] => {
      if (type?.kind === "ENUM")
        return [
          ...m("unknown enum value", "NOT_A_VALUE"),
          ...m("lower-cased enum value", String(type.enumValues?.[0]?.name ?? "").toLowerCase()),
          ...m("1", 1),
          ...m("''", ""),
          ...hostileStrings.slice(0, 3).flatMap(([label, text]) => h(label, text)),
        ];
      if (type?.kind === "INPUT_OBJECT") return objectValues({}, itemValid);
      if (named === "Int" || named === "SafeInt")
        return [
          ...integerValues({}),
          ...b("2^53-1", 2 ** 53 - 1),
          ...b("2^53", 2 ** 53),
          ...b("-2^31-1", -(2 ** 31) - 1),
        ];
      if (named === "Float") return [...numberValues({}), ...b("91", 91), ...b("-181", -181)];
      if (named === "Boolean") return booleanValues();
      const format = named === "ID" ? { format: "uuid" } : {};
      return [...stringValues(format, itemValid, random), ...m("1.5", 1.5)];
    };
    const single = scalar();
    if (!list) return [...single, ...(required ? m("null", null) : b("null", null))];
    return [
      ...single.map((v) => ({ ...v, label: `[${v.label}]`, value: [v.value] })),
      ...b("[]", []),
      ...b(
        "10k items",
        Array.from({ length: 10_000 }, () => itemValid),
      ),
      ...m("nested list", [[itemValid]]),
      ...m("[null]", [null]),
      ...b("a single item for a list", itemValid),
      ...(required ? m("null", null) : b("null", null)),
    ];
  }

  /** A selection set for `ref`: its leaf fields and, down to `depth`, its object fields' leaves. */
  selection(ref: TypeRef, depth = 2): string {
    const type = this.byName.get(unwrap(ref).named);
    if (!type || type.kind === "SCALAR" || type.kind === "ENUM") return "";
    if (type.kind !== "OBJECT") return "{ __typename }";
    const parts = ["__typename"];
    for (const field of type.fields ?? []) {
      if (field.args.some((a) => a.type.kind === "NON_NULL" && a.defaultValue === null)) continue;
      const inner = this.byName.get(unwrap(field.type).named);
      if (inner?.kind === "SCALAR" || inner?.kind === "ENUM") parts.push(field.name);
      else if (depth > 1) parts.push(`${field.name} ${this.selection(field.type, depth - 1)}`);
    }
    return `{ ${parts.join(" ")} }`;
  }
}
