import { fileURLToPath } from "node:url";
import { loadSqlMigrations, type Migration } from "@mercato/platform";

const folder = fileURLToPath(new URL("./migrations/", import.meta.url));

/** The search projection's migrations (ids from 1000 on, after the catalog's 0000_catalog). */
export function searchMigrations(): Promise<Migration[]> {
  return loadSqlMigrations(folder);
}
