import {
  type DescExtension,
  type DescField,
  type DescMessage,
  getExtension,
  isFieldSet,
  type Message,
  type Registry,
  ScalarType,
} from "@bufbuild/protobuf";
import {
  isReflectMessage,
  protoCamelCase,
  type ReflectMessage,
  reflect,
  type ScalarValue,
} from "@bufbuild/protobuf/reflect";
import {
  type DescriptorProto,
  type EnumDescriptorProto,
  EnumOptionsSchema,
  EnumValueOptionsSchema,
  ExtensionRangeOptionsSchema,
  type FieldDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  type FileDescriptorProto,
  FileOptionsSchema,
  MessageOptionsSchema,
  MethodOptionsSchema,
  OneofOptionsSchema,
  type ServiceDescriptorProto,
  ServiceOptionsSchema,
} from "@bufbuild/protobuf/wkt";

// Field numbers are 29-bit; descriptors store exclusive ends, so 2^29 means "to max".
const MESSAGE_RANGE_MAX_EXCLUSIVE = 536_870_912;
const ENUM_RANGE_MAX_INCLUSIVE = 2_147_483_647;
const INDENT = "  ";

const scalarTypeNames: Partial<Record<FieldDescriptorProto_Type, string>> = {
  [FieldDescriptorProto_Type.DOUBLE]: "double",
  [FieldDescriptorProto_Type.FLOAT]: "float",
  [FieldDescriptorProto_Type.INT64]: "int64",
  [FieldDescriptorProto_Type.UINT64]: "uint64",
  [FieldDescriptorProto_Type.INT32]: "int32",
  [FieldDescriptorProto_Type.FIXED64]: "fixed64",
  [FieldDescriptorProto_Type.FIXED32]: "fixed32",
  [FieldDescriptorProto_Type.BOOL]: "bool",
  [FieldDescriptorProto_Type.STRING]: "string",
  [FieldDescriptorProto_Type.BYTES]: "bytes",
  [FieldDescriptorProto_Type.UINT32]: "uint32",
  [FieldDescriptorProto_Type.SFIXED32]: "sfixed32",
  [FieldDescriptorProto_Type.SFIXED64]: "sfixed64",
  [FieldDescriptorProto_Type.SINT32]: "sint32",
  [FieldDescriptorProto_Type.SINT64]: "sint64",
};

/** One option as it appears in .proto source: `name` is `java_package` or `(pkg.ext)`, `value` is text. */
interface OptionEntry {
  name: string;
  value: string;
}

/**
 * Prints a FileDescriptorProto (proto2 or proto3, no editions, no groups) back to .proto source.
 * Custom options are resolved through `registry`, which must know every extension they use;
 * an option that cannot be resolved is an error rather than a silent drop. The result compiles
 * to the same descriptor, minus comments (descriptors embedded in generated code carry none).
 */
export function printProtoFile(file: FileDescriptorProto, registry: Registry, header: string): string {
  const syntax = file.syntax === "" ? "proto2" : file.syntax;
  if (syntax !== "proto2" && syntax !== "proto3") {
    throw new Error(`${file.name}: syntax "${syntax}" is not supported by the printer`);
  }
  const p = new Printer(registry, syntax);
  for (const line of header.split("\n")) p.line(line === "" ? "//" : `// ${line}`);
  p.line(`syntax = "${syntax}";`);
  p.blank();
  if (file.package !== "") {
    p.line(`package ${file.package};`);
    p.blank();
  }
  file.dependency.forEach((dep, i) => {
    const modifier = file.publicDependency.includes(i)
      ? "public "
      : file.weakDependency.includes(i)
        ? "weak "
        : "";
    p.line(`import ${modifier}${quote(dep)};`);
  });
  if (file.dependency.length > 0) p.blank();
  const fileOptions = p.options(FileOptionsSchema, file.options, 0);
  for (const o of fileOptions) p.line(`option ${o.name} = ${o.value};`);
  if (fileOptions.length > 0) p.blank();
  for (const e of file.enumType) p.enum(e);
  for (const m of file.messageType) p.message(m, file.package === "" ? "" : `.${file.package}`);
  p.extensions(file.extension);
  for (const s of file.service) p.service(s);
  return `${p.text().trimEnd()}\n`;
}

class Printer {
  private readonly out: string[] = [];
  private depth = 0;

  constructor(
    private readonly registry: Registry,
    private readonly syntax: "proto2" | "proto3",
  ) {}

  text(): string {
    return this.out.join("\n");
  }

  line(s: string): void {
    this.out.push(s === "" ? "" : INDENT.repeat(this.depth) + s);
  }

  blank(): void {
    if (this.out.length > 0 && this.out[this.out.length - 1] !== "") this.out.push("");
  }

  private block(head: string, body: () => void): void {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line("}");
    if (this.depth === 0) this.blank();
  }

  /** Prints a message; `scope` is its parent's fully-qualified name with a leading dot. */
  message(m: DescriptorProto, scope: string): void {
    const fullName = `${scope}.${m.name}`;
    // Map entries are keyed by full name: they come from `map<K, V>` fields, not from declarations.
    const mapEntries = new Map<string, DescriptorProto>(
      m.nestedType
        .filter((n) => n.options?.mapEntry === true)
        .map((n) => [`${fullName}.${n.name}`, n] as const),
    );
    this.block(`message ${m.name}`, () => {
      for (const o of this.options(MessageOptionsSchema, m.options, this.depth))
        this.line(`option ${o.name} = ${o.value};`);
      for (const e of m.enumType) this.enum(e);
      const printedOneofs = new Set<number>();
      const printField = (f: FieldDescriptorProto): void => {
        const oneof = realOneofIndex(f);
        if (oneof === undefined) {
          this.field(f, mapEntries, false);
          return;
        }
        if (printedOneofs.has(oneof)) return;
        printedOneofs.add(oneof);
        const decl = m.oneofDecl[oneof];
        if (decl === undefined) throw new Error(`${fullName}.${f.name}: oneof_index ${oneof} out of range`);
        this.block(`oneof ${decl.name}`, () => {
          for (const o of this.options(OneofOptionsSchema, decl.options, this.depth))
            this.line(`option ${o.name} = ${o.value};`);
          for (const member of m.field)
            if (realOneofIndex(member) === oneof) this.field(member, mapEntries, true);
        });
      };
      // A map field creates its entry type where it is declared, so fields and nested messages are
      // interleaved to reproduce the descriptor's nested_type order exactly.
      let next = 0;
      const printFieldsThrough = (last: FieldDescriptorProto | undefined): void => {
        while (next < m.field.length) {
          const f = m.field[next++];
          if (f === undefined) break;
          printField(f);
          if (f === last) break;
        }
      };
      for (const n of m.nestedType) {
        const entryName = `${fullName}.${n.name}`;
        if (mapEntries.has(entryName)) printFieldsThrough(m.field.find((f) => f.typeName === entryName));
        else this.message(n, fullName);
      }
      printFieldsThrough(undefined);
      this.extensions(m.extension);
      for (const r of m.extensionRange) {
        const opts = this.options(ExtensionRangeOptionsSchema, r.options);
        this.line(
          `extensions ${range(r.start, r.end - 1, MESSAGE_RANGE_MAX_EXCLUSIVE - 1)}${bracket(opts, this.depth)};`,
        );
      }
      if (m.reservedRange.length > 0) {
        const ranges = m.reservedRange.map((r) => range(r.start, r.end - 1, MESSAGE_RANGE_MAX_EXCLUSIVE - 1));
        this.line(`reserved ${ranges.join(", ")};`);
      }
      if (m.reservedName.length > 0) this.line(`reserved ${m.reservedName.map(quote).join(", ")};`);
    });
  }

  private field(
    f: FieldDescriptorProto,
    mapEntries: ReadonlyMap<string, DescriptorProto>,
    inOneof: boolean,
  ): void {
    const entry = f.type === FieldDescriptorProto_Type.MESSAGE ? mapEntries.get(f.typeName) : undefined;
    let typeAndLabel: string;
    if (entry !== undefined && f.label === FieldDescriptorProto_Label.REPEATED) {
      const key = entry.field.find((x) => x.number === 1);
      const value = entry.field.find((x) => x.number === 2);
      if (key === undefined || value === undefined) throw new Error(`${entry.name}: malformed map entry`);
      typeAndLabel = `map<${typeName(key)}, ${typeName(value)}>`;
    } else {
      typeAndLabel = `${inOneof ? "" : this.label(f)}${typeName(f)}`;
    }
    const opts: OptionEntry[] = [];
    if (isFieldSet(f, FieldDescriptorProtoSchema.field.defaultValue)) {
      opts.push({ name: "default", value: defaultLiteral(f) });
    }
    if (isFieldSet(f, FieldDescriptorProtoSchema.field.jsonName) && f.jsonName !== protoCamelCase(f.name)) {
      opts.push({ name: "json_name", value: quote(f.jsonName) });
    }
    opts.push(...this.options(FieldOptionsSchema, f.options));
    this.line(`${typeAndLabel} ${f.name} = ${f.number}${bracket(opts, this.depth)};`);
  }

  private label(f: FieldDescriptorProto): string {
    switch (f.label) {
      case FieldDescriptorProto_Label.REPEATED:
        return "repeated ";
      case FieldDescriptorProto_Label.REQUIRED:
        return "required ";
      default:
        return this.syntax === "proto2" || f.proto3Optional ? "optional " : "";
    }
  }

  enum(e: EnumDescriptorProto): void {
    this.block(`enum ${e.name}`, () => {
      for (const o of this.options(EnumOptionsSchema, e.options, this.depth))
        this.line(`option ${o.name} = ${o.value};`);
      for (const v of e.value) {
        this.line(
          `${v.name} = ${v.number}${bracket(this.options(EnumValueOptionsSchema, v.options), this.depth)};`,
        );
      }
      if (e.reservedRange.length > 0) {
        this.line(
          `reserved ${e.reservedRange.map((r) => range(r.start, r.end, ENUM_RANGE_MAX_INCLUSIVE)).join(", ")};`,
        );
      }
      if (e.reservedName.length > 0) this.line(`reserved ${e.reservedName.map(quote).join(", ")};`);
    });
  }

  extensions(exts: readonly FieldDescriptorProto[]): void {
    let i = 0;
    while (i < exts.length) {
      const extendee = exts[i]?.extendee;
      const group: FieldDescriptorProto[] = [];
      for (let x = exts[i]; x !== undefined && x.extendee === extendee; x = exts[++i]) group.push(x);
      this.block(`extend ${extendee}`, () => {
        for (const f of group) this.field(f, new Map(), false);
      });
    }
  }

  service(s: ServiceDescriptorProto): void {
    this.block(`service ${s.name}`, () => {
      for (const o of this.options(ServiceOptionsSchema, s.options, this.depth))
        this.line(`option ${o.name} = ${o.value};`);
      for (const m of s.method) {
        const sig = `rpc ${m.name}(${m.clientStreaming ? "stream " : ""}${m.inputType}) returns (${m.serverStreaming ? "stream " : ""}${m.outputType})`;
        const opts = this.options(MethodOptionsSchema, m.options, this.depth + 1);
        if (opts.length === 0) {
          this.line(`${sig};`);
          continue;
        }
        this.block(sig, () => {
          for (const o of opts) this.line(`option ${o.name} = ${o.value};`);
        });
      }
    });
  }

  /** Lists the set options of an options message: plain fields first, then extensions. */
  options(schema: DescMessage, msg: Message | undefined, depth = this.depth + 1): OptionEntry[] {
    if (msg === undefined) return [];
    const entries: OptionEntry[] = [];
    for (const item of this.setFields(reflect(schema, msg))) {
      const name = item.extName !== undefined ? `(${item.extName})` : item.field.name;
      for (const v of item.values) entries.push({ name, value: this.value(item.field, v, depth) });
    }
    return entries;
  }

  /** Yields every populated field of a message, including extensions found in its unknown fields. */
  private *setFields(r: ReflectMessage): Generator<{
    field: DescField | DescExtension;
    extName: string | undefined;
    values: unknown[];
  }> {
    for (const f of r.fields) {
      if (!r.isSet(f)) continue;
      const v = r.get(f);
      yield {
        field: f,
        extName: undefined,
        values: f.fieldKind === "list" || f.fieldKind === "map" ? [...(v as Iterable<unknown>)] : [v],
      };
    }
    const seen = new Set<number>();
    for (const u of r.getUnknown() ?? []) {
      if (seen.has(u.no)) continue;
      seen.add(u.no);
      const ext = this.registry.getExtensionFor(r.desc, u.no);
      if (ext === undefined) throw new Error(`${r.desc.typeName}: cannot resolve option field ${u.no}`);
      const v: unknown = getExtension(r.message, ext);
      yield {
        field: ext,
        extName: ext.typeName,
        values: ext.fieldKind === "list" ? [...(v as unknown[])] : [v],
      };
    }
  }

  /** Renders one value (a list element, map entry or singular value) as a text-format literal. */
  private value(field: DescField | DescExtension, v: unknown, depth: number): string {
    const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
    switch (kind) {
      case "scalar": {
        const scalar =
          field.fieldKind === "list" ? field.scalar : field.fieldKind === "scalar" ? field.scalar : undefined;
        if (scalar === undefined) throw new Error(`${field.name}: no scalar type`);
        return scalarLiteral(scalar, v as ScalarValue);
      }
      case "enum": {
        const e = field.fieldKind === "list" || field.fieldKind === "enum" ? field.enum : undefined;
        return e?.values.find((x) => x.number === v)?.name ?? String(v);
      }
      case "message": {
        const desc = field.fieldKind === "list" || field.fieldKind === "message" ? field.message : undefined;
        if (desc === undefined) throw new Error(`${field.name}: no message type`);
        const r = isReflectMessage(v) ? v : reflect(desc, v as Message);
        return this.aggregate(r, depth);
      }
      case "map": {
        if (field.fieldKind !== "map") throw new Error(`${field.name}: not a map`);
        const [k, val] = v as [unknown, unknown];
        const inner = INDENT.repeat(depth + 1);
        const valueText =
          field.mapKind === "message"
            ? this.aggregate(isReflectMessage(val) ? val : reflect(field.message, val as Message), depth + 1)
            : field.mapKind === "enum"
              ? (field.enum.values.find((x) => x.number === val)?.name ?? String(val))
              : scalarLiteral(field.scalar, val as ScalarValue);
        return `{\n${inner}key: ${scalarLiteral(field.mapKey, k as ScalarValue)}\n${inner}value: ${valueText}\n${INDENT.repeat(depth)}}`;
      }
    }
  }

  /** Renders a message as a text-format aggregate `{ ... }` whose closing brace sits at `depth`. */
  private aggregate(r: ReflectMessage, depth: number): string {
    const inner = INDENT.repeat(depth + 1);
    const lines: string[] = [];
    for (const item of this.setFields(r)) {
      const name = item.extName !== undefined ? `[${item.extName}]` : item.field.name;
      for (const v of item.values) lines.push(`${inner}${name}: ${this.value(item.field, v, depth + 1)}`);
    }
    return lines.length === 0 ? "{}" : `{\n${lines.join("\n")}\n${INDENT.repeat(depth)}}`;
  }
}

function realOneofIndex(f: FieldDescriptorProto): number | undefined {
  if (!isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex) || f.proto3Optional) return undefined;
  return f.oneofIndex;
}

function typeName(f: FieldDescriptorProto): string {
  if (f.type === FieldDescriptorProto_Type.GROUP) throw new Error(`${f.name}: groups are not supported`);
  if (f.type === FieldDescriptorProto_Type.MESSAGE || f.type === FieldDescriptorProto_Type.ENUM)
    return f.typeName;
  const name = scalarTypeNames[f.type];
  if (name === undefined) throw new Error(`${f.name}: unknown field type ${f.type}`);
  return name;
}

function range(start: number, endInclusive: number, max: number): string {
  if (start === endInclusive) return String(start);
  return `${start} to ${endInclusive === max ? "max" : endInclusive}`;
}

function bracket(opts: readonly OptionEntry[], depth = 0): string {
  if (opts.length === 0) return "";
  const parts = opts.map((o) => `${o.name} = ${o.value}`);
  const oneLine = ` [${parts.join(", ")}]`;
  if (!oneLine.includes("\n") && oneLine.length <= 80) return oneLine;
  const inner = INDENT.repeat(depth + 1);
  return ` [\n${parts.map((p) => inner + p).join(`,\n`)}\n${INDENT.repeat(depth)}]`;
}

function defaultLiteral(f: FieldDescriptorProto): string {
  switch (f.type) {
    case FieldDescriptorProto_Type.STRING:
      return quote(f.defaultValue);
    case FieldDescriptorProto_Type.BYTES:
      // descriptor.proto: bytes defaults are already C-escaped.
      return `"${f.defaultValue}"`;
    default:
      return f.defaultValue;
  }
}

function scalarLiteral(type: ScalarType, v: ScalarValue): string {
  switch (type) {
    case ScalarType.STRING:
      return quote(v as string);
    case ScalarType.BYTES:
      return quoteBytes(v as Uint8Array);
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT: {
      const n = v as number;
      if (Number.isNaN(n)) return "nan";
      if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
      return String(n);
    }
    default:
      return String(v);
  }
}

/** Quotes a string for .proto and text format, escaping everything outside printable ASCII. */
export function quote(s: string): string {
  return quoteBytes(new TextEncoder().encode(s));
}

function quoteBytes(bytes: Uint8Array): string {
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22) out += '\\"';
    else if (b === 0x5c) out += "\\\\";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b === 0x09) out += "\\t";
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(8).padStart(3, "0")}`;
  }
  return `${out}"`;
}
