import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AuthService } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import {
  createJwksAuthenticator,
  createLogger,
  type EventEnvelope,
  type KeyValue,
  latestMailTo,
  latestSmsTo,
  MemoryEventBus,
  MemoryKeyValue,
  PgliteHost,
  type RunningService,
  startService,
} from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { authService, jwksPath } from "../src/service.js";

/** An auth service on PGlite and the in-process adapters, with a client and a spy on its events. */
export interface AuthHarness {
  service: RunningService;
  outboxDir: string;
  events: EventEnvelope[];
  /** A client that sends `token` as its bearer token, when given. */
  client(token?: string): Client<typeof AuthService>;
  otpFor(phone: string): Promise<string>;
  mailTo(email: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the auth service with environment overrides, on `kv` when given (left open) or its own MemoryKeyValue. */
export async function startAuth(
  env: Record<string, string> = {},
  options: { kv?: KeyValue } = {},
): Promise<AuthHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), "mercato-auth-"));
  const outboxDir = join(dataDir, "outbox");
  const pglite = await PgliteHost.open({ postgis: false });
  const bus = new MemoryEventBus();
  const kv = options.kv ?? new MemoryKeyValue();
  const events: EventEnvelope[] = [];
  await bus.consume({ durable: "spy", subject: "mercato.auth.>", backoffMs: [10] }, async (event) => {
    events.push(event);
  });
  let url = "";
  const verify = (token: string) =>
    createJwksAuthenticator({
      jwksUrl: `${url}${jwksPath}`,
      issuer: "mercato-auth",
      audience: "mercato",
      cooldownMs: 0,
    })(token);
  const service = await startService(
    authService,
    {
      database: (name) => pglite.forService(name),
      bus,
      kv,
      logger: (name) => createLogger({ service: name, level: "silent" }),
      authenticate: verify,
      env: { DATA_DIR: dataDir, OUTBOX_DIR: outboxDir, ...env },
    },
    { host: "127.0.0.1", port: 0 },
  );
  url = service.url;
  const poll = <T>(find: () => Promise<T | undefined>) =>
    waitFor(find, { timeoutMs: 5_000, intervalMs: 25, message: "nothing arrived in the outbox" });
  return {
    service,
    outboxDir,
    events,
    client: (token) =>
      createClient(
        AuthService,
        createConnectTransport({
          baseUrl: service.url,
          httpVersion: "2",
          interceptors: token
            ? [
                (next) => (req) => {
                  req.header.set("authorization", `Bearer ${token}`);
                  return next(req);
                },
              ]
            : [],
        }),
      ),
    otpFor: async (phone) => {
      const sms = await poll(() => latestSmsTo(outboxDir, phone));
      return /\b(\d{6})\b/.exec(sms.body)?.[1] ?? "";
    },
    mailTo: async (email) => (await poll(() => latestMailTo(outboxDir, email))).text,
    stop: async () => {
      await service.stop();
      await bus.close();
      if (!options.kv) await kv.close();
      await pglite.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
