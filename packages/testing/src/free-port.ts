import { createServer } from "node:net";

/** A TCP port that was free on `host` (default 127.0.0.1) a moment ago, found by listening on port 0. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error(`no TCP port was assigned on ${host}`);
  return address.port;
}
