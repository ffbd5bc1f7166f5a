import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  fromBinary,
  getOption,
  type Registry,
} from "@bufbuild/protobuf";
import { type FileDescriptorProto, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { buf, ROOT, tempDir } from "./workspace.js";

/** Full name of the message option (contracts/proto/mercato/events/v1/options.proto) listing a message's subjects. */
export const SUBJECT_OPTION = "mercato.events.v1.subject";

/** Module path of the generated map, relative to packages/contracts/src/gen (`@mercato/contracts/events`). */
export const EVENT_SUBJECTS_FILE = "events.ts";

/** One subject declared by a `(mercato.events.v1.subject)` option, with what the generated map needs. */
export interface DeclaredSubject {
  /** `mercato.<domain>.<entity>.<verb>`. */
  subject: string;
  /** Full name of the message it carries, e.g. `mercato.orders.v1.OrderStatusChanged`. */
  typeName: string;
  /** Group of the generated map: the subject's `<domain>`. */
  domain: string;
  /** Key within its domain: `<entity>` and `<verb>` in camel case, e.g. `orderPlaced`. */
  key: string;
  /** Export of protoc-gen-es holding the message's schema, e.g. `OrderStatusChangedSchema`. */
  schemaName: string;
  /** Module of that export relative to the generated map, e.g. `./mercato/orders/v1/events_pb.js`. */
  importPath: string;
}

const subjectPattern = /^mercato\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/;

const camel = (parts: readonly string[]): string =>
  parts
    .flatMap((part) => part.split("_"))
    .map((word, index) => (index === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join("");

function* messagesOf(registry: Registry): Generator<DescMessage> {
  for (const type of registry) if (type.kind === "message") yield type;
}

/**
 * The subjects the option declares in `files` (a complete set: every import included), sorted by
 * subject. Throws on a subject that does not look like `mercato.<domain>.<entity>.<verb>`, whose domain
 * is not the second part of its message's package, or that two messages (or two spellings of one
 * map key) claim. Files without the option yield none.
 */
export function declaredSubjects(files: readonly FileDescriptorProto[]): DeclaredSubject[] {
  const registry = createFileRegistry({ $typeName: "google.protobuf.FileDescriptorSet", file: [...files] });
  const option = registry.getExtension(SUBJECT_OPTION) as DescExtension | undefined;
  if (!option) return [];
  const bySubject = new Map<string, DeclaredSubject>();
  const byKey = new Map<string, string>();
  for (const message of messagesOf(registry)) {
    const subjects = getOption(message, option) as unknown as readonly string[];
    for (const subject of subjects) {
      const where = `${subject} on ${message.typeName}`;
      const match = subjectPattern.exec(subject);
      if (!match) throw new Error(`${where}: a subject must look like mercato.<domain>.<entity>.<verb>`);
      const [, domain = "", entity = "", verb = ""] = match;
      const pkg = message.file.proto.package;
      if (pkg.split(".")[1] !== domain) {
        throw new Error(`${where}: a subject's domain must be its message's (package ${pkg})`);
      }
      const other = bySubject.get(subject);
      if (other) throw new Error(`${where}: already declared on ${other.typeName}`);
      const key = camel([entity, verb]);
      const clash = byKey.get(`${domain}.${key}`);
      if (clash) throw new Error(`${where}: its map key ${domain}.${key} is also ${clash}'s`);
      byKey.set(`${domain}.${key}`, subject);
      bySubject.set(subject, {
        subject,
        typeName: message.typeName,
        domain,
        key,
        schemaName: `${message.typeName.slice(pkg.length + 1).replaceAll(".", "_")}Schema`,
        importPath: `./${message.file.name}_pb.js`,
      });
    }
  }
  return [...bySubject.values()].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

/** The generated map `eventSubjects` (`@mercato/contracts/events`): domain → key → subject and schema. */
export function renderEventSubjects(subjects: readonly DeclaredSubject[]): string {
  const byOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // Two packages may both name a message OrderChanged; only then is an import renamed.
  const paths = new Map<string, Set<string>>();
  for (const s of subjects) paths.set(s.schemaName, (paths.get(s.schemaName) ?? new Set()).add(s.importPath));
  const local = (s: DeclaredSubject): string =>
    (paths.get(s.schemaName)?.size ?? 0) > 1 ? `${s.typeName.replaceAll(".", "_")}Schema` : s.schemaName;
  const imports = new Map<string, Set<string>>();
  for (const s of subjects) {
    const name = local(s) === s.schemaName ? s.schemaName : `${s.schemaName} as ${local(s)}`;
    imports.set(s.importPath, (imports.get(s.importPath) ?? new Set()).add(name));
  }
  const lines = [
    "// @generated by scripts/contracts/protoc-gen-event-subjects.ts from the (mercato.events.v1.subject)",
    "// options in contracts/proto. Do not edit; run `npm run gen`.",
    "",
    ...[...imports]
      .sort(([a], [b]) => byOrder(a, b))
      .map(([path, names]) => `import { ${[...names].sort(byOrder).join(", ")} } from "${path}";`),
    "",
    "/**",
    " * Every event subject with the message it carries, by domain, e.g. `eventSubjects.orders.orderPlaced`.",
    " * Producers and consumers take subjects from here only; the message type follows from the subject.",
    " */",
    "export const eventSubjects = {",
  ];
  for (const domain of [...new Set(subjects.map((s) => s.domain))].sort(byOrder)) {
    lines.push(`  ${domain}: {`);
    for (const s of subjects.filter((s) => s.domain === domain).sort((a, b) => byOrder(a.key, b.key))) {
      lines.push(`    /** ${s.subject}: ${s.typeName} */`);
      lines.push(`    ${s.key}: { subject: "${s.subject}", schema: ${local(s)} },`);
    }
    lines.push("  },");
  }
  lines.push(
    "} as const;",
    "",
    "/** The generated subject map's type. */",
    "export type EventSubjects = typeof eventSubjects;",
    "",
  );
  return lines.join("\n");
}

/**
 * Breaking changes from the subjects of a base revision to the current ones: a subject removed (or
 * renamed, which removes the old one) or moved to another message type. New subjects are compatible.
 */
export function subjectBreaks(
  base: readonly Pick<DeclaredSubject, "subject" | "typeName">[],
  current: readonly Pick<DeclaredSubject, "subject" | "typeName">[],
): string[] {
  const now = new Map(current.map((s) => [s.subject, s.typeName]));
  const breaks: string[] = [];
  for (const { subject, typeName } of base) {
    const typeNow = now.get(subject);
    if (typeNow === undefined) breaks.push(`subject ${subject} (${typeName}) was removed`);
    else if (typeNow !== typeName) breaks.push(`subject ${subject} now carries ${typeNow}, not ${typeName}`);
  }
  return breaks;
}

/** The subjects declared in the buf workspace at `dir` (a buf.yaml with its modules), built with `buf build`. */
export function workspaceSubjects(dir: string): DeclaredSubject[] {
  using out = tempDir("subjects");
  const image = join(out.path, "image.binpb");
  const res = buf(["build", dir, "--as-file-descriptor-set", "-o", image], { capture: true });
  if (res.status !== 0) throw new Error(`buf build ${dir} failed:\n${res.stdout}${res.stderr}`);
  return declaredSubjects(fromBinary(FileDescriptorSetSchema, readFileSync(image)).file);
}

/** subjectBreaks from the buf workspace at `baseDir` to the one at `currentDir` (default: this repository). */
export function subjectBreaksAgainst(baseDir: string, currentDir = ROOT): string[] {
  return subjectBreaks(workspaceSubjects(baseDir), workspaceSubjects(currentDir));
}
