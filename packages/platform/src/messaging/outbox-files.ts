import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A file name that sorts by creation time and is unique: `<ISO time, ':' as '-'>-<id><extension>`. */
export function outboxFileName(id: string, createdAt: Date, extension: string): string {
  return `${createdAt.toISOString().replaceAll(":", "-")}-${id}${extension}`;
}

/** Writes `data` to `dir/name` via a hidden temp file and a rename, so readers never see half a file; returns the path. */
export async function writeFileAtomically(
  dir: string,
  name: string,
  data: string | Uint8Array,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  // The temp name starts with a dot and lacks the extension, so listings skip it.
  const temp = join(dir, `.${name}.tmp`);
  try {
    await writeFile(temp, data, { flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return path;
}

/** Paths of the finished files with `extension` in `dir`, oldest first; none when `dir` does not exist. */
export async function listOutboxFiles(dir: string, extension: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return names
    .filter((name) => name.endsWith(extension) && !name.startsWith("."))
    .sort()
    .map((name) => join(dir, name));
}
