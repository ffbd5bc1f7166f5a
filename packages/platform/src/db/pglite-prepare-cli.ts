/** Child process of prepareDataDir: `pglite-prepare-cli.ts <dataDir> [extension...]`. */
import { PgliteHost } from "./database.js";
import { createExtension } from "./migrate.js";

const [dataDir, ...extensions] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write("usage: pglite-prepare-cli.ts <dataDir> [extension...]\n");
  process.exit(2);
}
const host = await PgliteHost.open({ dataDir, postgis: extensions.includes("postgis") });
try {
  for (const extension of extensions) {
    await host.client.exec(createExtension(extension));
  }
} finally {
  await host.close();
}
