import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve, sep } from "node:path";

/** Repository root (absolute). */
export const ROOT = resolve(import.meta.dirname, "../..");
/** Our own protos: one buf module. */
export const PROTO_DIR = "contracts/proto";
/** Third-party protos printed from npm packages: a second buf module, never linted or generated. */
export const VENDOR_DIR = "contracts/vendor";
/** Where buf.gen.yaml writes Protobuf-ES code, relative to ROOT. */
export const GEN_DIR = "packages/contracts/src/gen";

/** Result of a child process run with captured output. */
export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command from ROOT with node_modules/.bin first on PATH, so `buf` finds
 * `protoc-gen-es` and the project's Node 24 rather than whatever the system has.
 * Output is captured when `capture` is set, otherwise streamed to this process.
 */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { capture?: boolean; cwd?: string } = {},
): RunResult {
  const res = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    stdio: opts.capture ? ["ignore", "pipe", "pipe"] : "inherit",
    env: {
      ...process.env,
      PATH: `${join(ROOT, "node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    },
  });
  if (res.error) throw res.error;
  return { status: res.status ?? 1, stdout: res.stdout ?? "", stderr: res.stderr ?? "" };
}

/** Runs `buf <args>` (the @bufbuild/buf devDependency) from ROOT. */
export function buf(args: readonly string[], opts: { capture?: boolean; cwd?: string } = {}): RunResult {
  return run("buf", args, opts);
}

/** Creates a temporary directory and returns it with a disposer that removes it. */
export function tempDir(prefix: string): { path: string; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), `mercato-${prefix}-`));
  return { path, [Symbol.dispose]: () => rmSync(path, { recursive: true, force: true }) };
}

/** Lists files under `dir` recursively as sorted POSIX-style paths relative to it; [] when it is missing. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join("/"))
    .sort();
}
