import { runCatalog } from "./catalog.js";
import { runCheckout } from "./checkout.js";
import { runMedia } from "./media.js";
import { runMemory } from "./memory.js";
import { runNotifications } from "./notifications.js";
import { parseOptions } from "./options.js";
import { runRead } from "./read.js";
import { runRpc } from "./rpc.js";
import { runSearch } from "./search.js";
import { runStart } from "./start.js";

// `npm run bench`: starts what it measures in child processes and loads them from here. Prints
// figures and pass/fail against the bars of the foundation issue; it never fails a build on them.
const options = (() => {
  try {
    return parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
})();

process.stdout.write(
  `Mercato bench — node ${process.version}, ${new Date().toISOString()}, duration ${options.durationS} s, warm-up ${options.warmupS} s, ${options.connections.join(",")} connections, ${options.rounds} round(s), ${options.topology} read target\n`,
);
try {
  if (options.only === undefined || options.only === "read") await runRead(options);
  if (options.only === undefined || options.only === "start") await runStart(options);
  if (options.only === "rpc") await runRpc(options);
  if (options.only === "search") await runSearch(options);
  if (options.only === "catalog") await runCatalog(options);
  if (options.only === "checkout") await runCheckout(options);
  if (options.only === "notifications") await runNotifications(options);
  if (options.only === "media") await runMedia(options);
  if (options.only === "memory") await runMemory(options);
} catch (error) {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
}
