import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Every service has the same shape (STYLE.md "A service folder"), so a reader who knows one finds
// their way in the others: what must be there, and nothing at the top of src that has no place.

const services = join(import.meta.dirname, "../../services");

/** What each service's src holds: files and folders every service has. */
const required = [
  "index.ts",
  "main.ts",
  "service.ts",
  "rpc/",
  "store/",
  "store/migrations/",
  "store/schema.ts",
];

/** What a service's src may hold besides: its config, a CLI, its ports to the outside, workflows, and these folders. */
const allowed = [
  /^config(\.test)?\.ts$/,
  /^cli\.ts$/,
  /^upstream\.ts$/,
  /^[a-z-]+\.workflow\.ts$/,
  /^(domain|events|jobs)\/$/,
];

/** Folders one service has for a reason of its own. */
const ownFolders: Record<string, string[]> = {
  // The search projection has its own migrations, consumers and rebuild command.
  products: ["search/"],
  // The image and video pipeline, which the AWS Lambda entry shares with the service.
  media: ["pipeline/", "lambda.ts"],
};

const isDir = (path: string) => statSync(path).isDirectory();
const entries = (dir: string) => readdirSync(dir).map((name) => (isDir(join(dir, name)) ? `${name}/` : name));

describe("every service folder", () => {
  const names = readdirSync(services).filter((name) => name !== "gateway" && isDir(join(services, name)));

  it("is found", () => {
    expect(names.sort()).toEqual([
      "auth",
      "inventory",
      "media",
      "notifications",
      "orders",
      "products",
      "sellers",
      "users",
    ]);
  });

  it.each(names)("%s has the files and folders of a service and nothing else at the top of src", (name) => {
    const src = join(services, name, "src");
    const missing = required.filter((entry) => {
      try {
        return isDir(join(src, entry)) !== entry.endsWith("/");
      } catch {
        return true;
      }
    });
    expect(missing, `missing in services/${name}/src`).toEqual([]);
    expect(isDir(join(services, name, "test")), `services/${name}/test`).toBe(true);
    const stray = entries(src).filter(
      (entry) =>
        !required.includes(entry) &&
        !allowed.some((pattern) => pattern.test(entry)) &&
        !(ownFolders[name] ?? []).includes(entry),
    );
    expect(stray, `entries of services/${name}/src without a place in the layout`).toEqual([]);
  });
});
