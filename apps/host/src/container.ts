// The container image's entry (Dockerfile, ADR 0045): runs from the build the one process that
// SERVICE names — a service (`orders`, `products`, …) or `gateway`. An unknown name exits 1 with
// one line listing the names the image has.
import { existsSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const root = resolve(import.meta.dirname, "../../..");

/** The entry file of each process the build holds, by name. */
export function builtEntries(base = root): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(resolve(base, "services")).sort()) {
    const main = resolve(base, "services", name, "dist/main.js");
    if (name !== "gateway" && existsSync(main)) entries.set(name, main);
  }
  // The gateway as the distributed host runs it: with the NATS bus for its live updates.
  const gateway = resolve(base, "apps/host/dist/gateway-main.js");
  if (existsSync(gateway)) entries.set("gateway", gateway);
  return entries;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const entries = builtEntries();
  const service = process.env.SERVICE ?? "";
  const entry = entries.get(service);
  if (!entry) {
    process.stderr.write(
      `invalid configuration: SERVICE must be one of ${[...entries.keys()].join(", ")} (got "${service}")\n`,
    );
    process.exit(1);
  }
  await import(pathToFileURL(entry).href);
}
