import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createExtension } from "./migrate.js";

/*
 * A new PGlite data folder needs initdb and, for the catalog, `create extension postgis` (a 7.5 MB
 * script). Both grow PGlite's WebAssembly memory, which never shrinks, and leave compiled code behind:
 * done in the host they kept ≈ 190 MB resident for the life of the process. So a first start does them
 * in a short-lived child process and the host then opens a ready folder, as on any later start.
 * See docs/adr/0014.
 */

/** Whether `dataDir` already holds a PostgreSQL cluster (initdb has run there). */
export function isInitialized(dataDir: string): boolean {
  return existsSync(join(dataDir, "PG_VERSION"));
}

/**
 * Initializes a new PGlite data folder and creates `extensions` in it, in a child Node process that
 * exits when done; does nothing when the folder is already initialized.
 */
export async function prepareDataDir(dataDir: string, extensions: readonly string[]): Promise<void> {
  if (isInitialized(dataDir)) return;
  for (const extension of extensions) createExtension(extension);
  // From the production build the script is JavaScript; from source it runs through tsx.
  const fromBuild = import.meta.url.endsWith(".js");
  const script = fileURLToPath(new URL(`./pglite-prepare-cli.${fromBuild ? "js" : "ts"}`, import.meta.url));
  const loader = fromBuild ? ["--conditions=mercato-dist"] : ["--import", import.meta.resolve("tsx")];
  const child = spawn(process.execPath, [...loader, script, dataDir, ...extensions], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => {
    errors += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0)
    throw new Error(
      `preparing the database folder ${dataDir} failed (exit ${code}): ${errors.trim().slice(-2_000)}`,
    );
}
