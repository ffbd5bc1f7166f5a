// CI gate for the contracts: lint and format, breaking changes against a git ref (HEAD~1 by default)
// (buf's FILE rules; the event subjects, which buf does not compare; the gateway's public REST and
// GraphQL contracts), and freshness of the vendored protovalidate schema and of the committed
// generated code (the event subject map included).
// Usage: npx tsx scripts/contracts-check.ts [--against <git-ref>]
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { subjectBreaksAgainst } from "./contracts/event-subjects.js";
import { renderProtovalidate, VENDORED_PROTOVALIDATE } from "./contracts/protovalidate.js";
import { graphqlBreaks, openApiBreaks } from "./contracts/public-breaking.js";
import { buf, GEN_DIR, listFiles, PROTO_DIR, ROOT, tempDir, VENDOR_DIR } from "./contracts/workspace.js";

const { values } = parseArgs({ options: { against: { type: "string", default: "HEAD~1" } } });
const against = values.against;
const failures: string[] = [];

function report(name: string, error?: string): void {
  if (error === undefined) {
    console.log(`contracts-check: ${name} ok`);
    return;
  }
  console.error(`contracts-check: ${name} FAILED\n${error}`);
  failures.push(name);
}

function git(args: readonly string[]): { status: number; stdout: Buffer } {
  const res = spawnSync("git", args, { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] });
  if (res.error) throw res.error;
  return { status: res.status ?? 1, stdout: res.stdout };
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function checkVendor(): void {
  const onDisk = readOrEmpty(join(ROOT, VENDORED_PROTOVALIDATE));
  report(
    "vendored protovalidate",
    onDisk === renderProtovalidate()
      ? undefined
      : `  ${VENDORED_PROTOVALIDATE} does not match the installed @bufbuild/protovalidate; run \`npm run gen\` and commit.`,
  );
}

function checkLint(): void {
  const lint = buf(["lint"], { capture: true });
  report("buf lint", lint.status === 0 ? undefined : lint.stdout + lint.stderr);
  const format = buf(["format", "--diff", "--exit-code", PROTO_DIR], { capture: true });
  report(
    "buf format",
    format.status === 0
      ? undefined
      : `${format.stdout}${format.stderr}  fix with \`npx buf format -w ${PROTO_DIR}\``,
  );
}

// Materialises the buf workspace of `ref` with `git show`, which works in worktrees and needs no
// clone, then lets buf compare the two workspaces with the FILE rules from buf.yaml.
function checkBreaking(): void {
  if (git(["rev-parse", "--verify", "--quiet", `${against}^{commit}`]).status !== 0) {
    console.log(
      `contracts-check: breaking skipped: ${against} is not available (single commit or shallow clone)`,
    );
    return;
  }
  const listed = git([
    "ls-tree",
    "-r",
    "-z",
    "--name-only",
    against,
    "--",
    "buf.yaml",
    PROTO_DIR,
    VENDOR_DIR,
  ]);
  const files = listed.stdout.toString("utf8").split("\0").filter(Boolean);
  if (!files.includes("buf.yaml") || !files.some((f) => f.startsWith(`${PROTO_DIR}/`))) {
    console.log(
      `contracts-check: breaking skipped: ${against} has no contracts workspace (buf.yaml and ${PROTO_DIR})`,
    );
    return;
  }
  using base = tempDir("breaking");
  for (const file of files) {
    const blob = git(["show", `${against}:${file}`]);
    if (blob.status !== 0) throw new Error(`git show ${against}:${file} failed`);
    mkdirSync(join(base.path, dirname(file)), { recursive: true });
    writeFileSync(join(base.path, file), blob.stdout);
  }
  const res = buf(["breaking", "--against", base.path], { capture: true });
  report(
    `breaking changes against ${against}`,
    res.status === 0
      ? undefined
      : `${res.stdout}${res.stderr}  a breaking change needs a new package version (v2), not an edit in place.`,
  );
  // buf breaking ignores custom option values, so a renamed (mercato.events.v1.subject) passes it.
  const subjects = subjectBreaksAgainst(base.path);
  report(
    `event subjects against ${against}`,
    subjects.length === 0
      ? undefined
      : `${subjects.map((line) => `  ${line}`).join("\n")}\n  consumers still listen on the old subject: publish on a new one next to it instead.`,
  );
}

/** The gateway's public REST and GraphQL contracts must not break clients written against `against`. */
async function checkPublicBreaking(): Promise<void> {
  const files = { rest: "contracts/openapi/gateway.v1.yaml", graphql: "contracts/graphql/schema.graphql" };
  const base = (file: string) => {
    const blob = git(["show", `${against}:${file}`]);
    return blob.status === 0 ? blob.stdout.toString("utf8") : undefined;
  };
  const [restBefore, graphqlBefore] = [base(files.rest), base(files.graphql)];
  if (restBefore === undefined || graphqlBefore === undefined) {
    console.log(`contracts-check: public breaking skipped: ${against} has no public contracts`);
    return;
  }
  const breaks = [
    ...(await openApiBreaks(restBefore, readFileSync(join(ROOT, files.rest), "utf8"))),
    ...graphqlBreaks(graphqlBefore, readFileSync(join(ROOT, files.graphql), "utf8")),
  ];
  report(
    `public REST and GraphQL contracts against ${against}`,
    breaks.length === 0
      ? undefined
      : `${breaks.map((line) => `  ${line}`).join("\n")}\n  clients written against ${against} would break: add next to the old instead, or version the API.`,
  );
}

function checkGenerated(): void {
  using fresh = tempDir("gen");
  const res = buf(["generate", "-o", fresh.path], { capture: true });
  if (res.status !== 0) {
    report("generated code", `  buf generate failed:\n${res.stdout}${res.stderr}`);
    return;
  }
  const want = join(fresh.path, GEN_DIR);
  const have = join(ROOT, GEN_DIR);
  const wantFiles = listFiles(want);
  const haveFiles = new Set(listFiles(have));
  const stale: string[] = [];
  for (const f of wantFiles) {
    if (!haveFiles.has(f)) stale.push(`  missing   ${GEN_DIR}/${f}`);
    else if (readFileSync(join(want, f), "utf8") !== readFileSync(join(have, f), "utf8")) {
      stale.push(`  outdated  ${GEN_DIR}/${f}`);
    }
    haveFiles.delete(f);
  }
  for (const f of haveFiles) stale.push(`  orphaned  ${GEN_DIR}/${f}`);
  report(
    "generated code",
    stale.length === 0
      ? undefined
      : `${stale.join("\n")}\n  generated code is stale; run \`npm run gen\` and commit.`,
  );
}

/** The web app's operation types (apps/web/src/gql) against the schema and the operations under apps/web/src. */
async function checkWebTypes(): Promise<void> {
  const { generate } = await import("@graphql-codegen/cli");
  const { default: config } = await import("../apps/web/codegen.js");
  const cwd = join(ROOT, "apps/web");
  const outputs = await generate({ ...config, cwd, silent: true }, false);
  const stale = outputs
    .filter((file: { filename: string; content: string }) => {
      try {
        return readFileSync(join(cwd, file.filename), "utf8") !== file.content;
      } catch {
        return true;
      }
    })
    .map((file: { filename: string }) => `  outdated  apps/web/${file.filename}`);
  report(
    "web app operation types",
    stale.length === 0 ? undefined : `${stale.join("\n")}\n  run \`npm run gen\` and commit.`,
  );
}

checkVendor();
checkLint();
checkBreaking();
await checkPublicBreaking();
checkGenerated();
await checkWebTypes();
if (failures.length > 0) {
  console.error(`contracts-check: ${failures.length} failed: ${failures.join(", ")}`);
  process.exitCode = 1;
}
