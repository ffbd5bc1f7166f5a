// The container image's HEALTHCHECK (Dockerfile): asks the process that SERVICE names whether it
// can serve — a service's `/ready` on PORT, the gateway's `/health` on GATEWAY_PORT — within 3 s.
// Exit 0 when it answers 200, 1 otherwise. Loads nothing else: it runs every few seconds.
const service = process.env.SERVICE ?? "";
const gateway = service === "gateway";
const port = (gateway ? process.env.GATEWAY_PORT : process.env.PORT) ?? "8080";
const url = `http://127.0.0.1:${port}${gateway ? "/health" : "/ready"}`;
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (response.status !== 200) {
    process.stderr.write(`${url} answered ${response.status}\n`);
    process.exit(1);
  }
} catch (error) {
  process.stderr.write(`${url}: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
