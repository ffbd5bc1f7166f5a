import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { authService } from "@mercato/auth";
import {
  authGatewayModule,
  inventoryGatewayModule,
  mediaGatewayModule,
  notificationsGatewayModule,
  ordersGatewayModule,
  payoutsGatewayModule,
  productsGatewayModule,
  sellersGatewayModule,
  usersGatewayModule,
} from "@mercato/gateway";
import { type EmbeddedHost, startEmbedded } from "@mercato/host";
import { hostedServices } from "@mercato/host/catalog";
import { scratchInfrastructure } from "@mercato/host/scratch";
import {
  distributedSpecs,
  ensureDatabases,
  type Launched,
  launch,
  serviceDatabaseUrl,
} from "@mercato/host/services";
import { inventoryService } from "@mercato/inventory";
import { mediaService } from "@mercato/media";
import { notificationsService } from "@mercato/notifications";
import { ordersService } from "@mercato/orders";
import { createLogger, latestMailTo, latestSmsTo, type RunningService } from "@mercato/platform";
import { productsService } from "@mercato/products";
import { sellersService } from "@mercato/sellers";
import {
  freePort,
  type NatsServer,
  type RedisServer,
  startNatsServer,
  startRedisServer,
  waitFor,
} from "@mercato/testing";
import { usersService } from "@mercato/users";
import pg from "pg";

/** URLs of real infrastructure for a stack; absent = PGlite and the in-process adapters. */
export interface RealInfra {
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
}

/** The real infrastructure at `databaseUrl`, with NATS and Redis at NATS_URL and REDIS_URL or their local defaults. */
export function realInfra(databaseUrl: string): RealInfra {
  return {
    databaseUrl,
    natsUrl: process.env.NATS_URL ?? "nats://127.0.0.1:4222",
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  };
}

/** The identity services and the gateway, running as `npm start` runs them, on free ports. */
export interface Stack {
  url: string;
  host: EmbeddedHost;
  outboxDir: string;
  /** Every log line every service and the gateway wrote, as JSON text. */
  logs: string[];
  service(name: string): RunningService;
  /** The code in the newest SMS to `phone`. */
  otpFor(phone: string): Promise<string>;
  /** The token of the newest link e-mailed to `email` whose URL contains `path`. */
  linkTokenFor(email: string, path: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts auth, users (with `catalog`, sellers and products; with `commerce`, inventory and orders
 * too; with `notifications`, the notifications service as well; with `media`, media) and the gateway on embedded or real
 * infrastructure, with logs captured. The demo seed stays off: suites make their own data.
 */
export async function startStack(
  options: {
    real?: RealInfra;
    env?: Record<string, string>;
    catalog?: boolean;
    commerce?: boolean;
    notifications?: boolean;
    /** The media service and its gateway module (files under the stack's data folder unless `env` names S3). */
    media?: boolean;
  } = {},
): Promise<Stack> {
  const run = randomBytes(5).toString("hex");
  const dataDir = await mkdtemp(join(tmpdir(), "mercato-e2e-"));
  const outboxDir = join(dataDir, "outbox");
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) logs.push(line);
      done();
    },
  });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    OUTBOX_DIR: outboxDir,
    LOG_LEVEL: "debug",
    GATEWAY_PORT: "0",
    PUBLIC_URL: "http://mercato.test",
    // Every request of the suite comes from 127.0.0.1; the per-IP limit has its own test.
    OTP_RATE_PER_IP: "1000",
    REGISTRATIONS_PER_IP: "1000",
    EMAILS_PER_IP: "1000",
    RATE_LIMIT_MAX: "100000",
    SEED_DEMO: "false",
    ...options.env,
  };
  const infrastructure = options.real
    ? await scratchInfrastructure({
        databaseUrl: options.real.databaseUrl,
        natsUrl: options.real.natsUrl,
        redisUrl: options.real.redisUrl,
        database: `mercato_e2e_${run}`,
        durablePrefix: `e2e_${run}_`,
        keyPrefix: `mercato-e2e:${run}:`,
      })
    : undefined;
  const catalog = options.catalog || options.commerce;
  const host = await startEmbedded({
    env,
    services: [
      authService,
      usersService,
      ...(catalog ? [sellersService, productsService] : []),
      ...(options.commerce ? [inventoryService, ordersService] : []),
      ...(options.notifications ? [notificationsService] : []),
      ...(options.media ? [mediaService] : []),
    ],
    modules: [
      authGatewayModule(),
      usersGatewayModule(),
      ...(catalog ? [sellersGatewayModule(), productsGatewayModule()] : []),
      ...(options.commerce ? [inventoryGatewayModule(), ordersGatewayModule(), payoutsGatewayModule()] : []),
      ...(options.notifications ? [notificationsGatewayModule()] : []),
      ...(options.media ? [mediaGatewayModule()] : []),
    ],
    ports: {
      auth: 0,
      users: 0,
      sellers: 0,
      products: 0,
      inventory: 0,
      orders: 0,
      ...(options.notifications ? { notifications: 0 } : {}),
      ...(options.media ? { media: 0 } : {}),
    },
    logger: (service) => createLogger({ service, level: "debug", destination: sink }),
    ...(infrastructure ? { infrastructure } : {}),
  });
  return {
    url: host.gatewayUrl,
    host,
    outboxDir,
    logs,
    service: (name) => {
      const found = host.services.find((s) => s.name === name);
      if (!found) throw new Error(`no service ${name}`);
      return found;
    },
    ...outboxReader(outboxDir),
    stop: async () => {
      await host.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The SMS codes and e-mailed link tokens a stack wrote to its local outbox, waited for. */
export function outboxReader(outboxDir: string): Pick<Stack, "otpFor" | "linkTokenFor"> {
  return {
    otpFor: async (phone: string) => {
      const sms = await waitFor(() => latestSmsTo(outboxDir, phone), {
        timeoutMs: 10_000,
        intervalMs: 50,
        message: `no SMS to ${phone} in the outbox`,
      });
      const code = /\b(\d{6})\b/.exec(sms.body)?.[1];
      if (!code) throw new Error(`no code in the SMS to ${phone}`);
      return code;
    },
    linkTokenFor: async (email: string, path: string) => {
      const mail = await waitFor(
        async () => {
          const found = await latestMailTo(outboxDir, email);
          return found?.text.includes(path) ? found : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 50, message: `no mail to ${email} with ${path} in the outbox` },
      );
      const link = new RegExp(`${path.replace(/[/.?]/g, "\\$&")}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
      if (!link?.[1]) throw new Error(`no ${path} link in the mail to ${email}`);
      return link[1];
    },
  };
}

/** Every service its own process with its own database, a private NATS and Redis, and the gateway. */
export interface PrivateDistributedStack extends Pick<Stack, "otpFor" | "linkTokenFor"> {
  /** This run's id (in its database names), to make the suite's own data unique. */
  run: string;
  /** The gateway's base URL, `http://127.0.0.1:<port>`. */
  gatewayUrl: string;
  /** The gateway's REST API, `<gatewayUrl>/api/v1`. */
  api: string;
  /** The port of each service and of the gateway, by name. */
  ports: Record<string, number>;
  /** The names of the services launched (besides the gateway). */
  services: readonly string[];
  /** The URL of `service`'s own database. */
  databaseUrlOf(service: string): string;
  /** The private nats-server every process uses, to stop and start it. */
  nats: NatsServer;
  /** The private redis-server every process uses, to stop and start it. */
  redis: RedisServer;
  /** The launched processes, to kill one (the launcher restarts it). */
  launched: Launched;
  /** Where SMS and e-mails not sent elsewhere land. */
  outboxDir: string;
  /** Stops the processes, NATS and Redis, drops the databases and removes the outbox. */
  stop(): Promise<void>;
}

/**
 * Starts every service (the hosts' catalog unless `services` says otherwise) as its own process,
 * as `npm run start:services` runs them, and the gateway, on free ports: on the PostgreSQL server
 * of `databaseUrl` (a database per service and run), a private nats-server and a private Redis,
 * and returns once the gateway finds every service healthy. NATS and Redis are private because
 * the services' durable consumer names and queue keys are fixed: on shared servers another running
 * stack would take this one's events and jobs. `env` adds to each process's environment by name.
 */
export async function startPrivateDistributedStack(options: {
  databaseUrl: string;
  /** Names the run (the outbox directory `mercato-<name>-…`, databases `mercato_<initial>…`). */
  name: string;
  services?: readonly string[];
  /** Replicas per service (`{ orders: 2 }`): processes `orders` and `orders-2`, on ports of their own. */
  replicas?: Record<string, number>;
  logLevel?: string;
  env?: (process: string) => Record<string, string | undefined>;
  /** Run the production build (`dist`) rather than the sources; default as the launcher itself runs. */
  build?: boolean;
}): Promise<PrivateDistributedStack> {
  const { databaseUrl } = options;
  const run = `${options.name.slice(0, 1)}${randomBytes(3).toString("hex")}`;
  const services = options.services ?? hostedServices.map((s) => s.name);
  const dbName = (service: string) => `${run}_${service}`;
  const [nats, redis] = await Promise.all([startNatsServer(), startRedisServer()]);
  const outboxDir = await mkdtemp(join(tmpdir(), `mercato-${options.name}-`));
  const replicaNames = Object.entries(options.replicas ?? {}).flatMap(([name, count]) =>
    Array.from({ length: count - 1 }, (_, k) => `${name}-${k + 2}`),
  );
  const ports: Record<string, number> = Object.fromEntries(
    await Promise.all(
      [...services, ...replicaNames, "gateway"].map(async (name) => [name, await freePort()] as const),
    ),
  );
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NATS_URL: nats.url,
    REDIS_URL: redis.url,
    ...Object.fromEntries(
      [...services, "gateway"].map((name) => [`${name.toUpperCase()}_PORT`, String(ports[name])]),
    ),
    ...Object.fromEntries(
      Object.entries(options.replicas ?? {}).map(([name, count]) => [
        `${name.toUpperCase()}_REPLICA_PORTS`,
        Array.from({ length: count - 1 }, (_, k) => ports[`${name}-${k + 2}`]).join(","),
      ]),
    ),
  };
  const specs = distributedSpecs(env, {
    replicas: options.replicas ?? {},
    ...(options.build === undefined ? {} : { build: options.build }),
  }).map((spec) => ({
    ...spec,
    env: {
      ...spec.env,
      ...(spec.name === "gateway"
        ? {}
        : // A replica (`orders-2`) shares its service's database.
          { DATABASE_URL: serviceDatabaseUrl(databaseUrl, dbName(spec.name.replace(/-\d+$/, ""))) }),
      NATS_URL: nats.url,
      REDIS_URL: redis.url,
      OUTBOX_DIR: outboxDir,
      // Every process's local files (media's uploads and renditions, anything under DATA_DIR) stay
      // with the run, not in the repository's ./data.
      DATA_DIR: join(outboxDir, "data"),
      MEDIA_DIR: join(outboxDir, "media"),
      LOG_LEVEL: options.logLevel ?? "warn",
      ...options.env?.(spec.name.replace(/-\d+$/, "")),
    },
  }));
  await ensureDatabases(databaseUrl, services.map(dbName));
  const launched = launch(specs);
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const stop = async () => {
    await launched.stop();
    await Promise.allSettled([
      nats.dispose(),
      redis.dispose(),
      rm(outboxDir, { recursive: true, force: true }),
    ]);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const service of services)
      await admin.query(`drop database if exists "mercato_${dbName(service)}" with (force)`).catch(() => {});
    await admin.end();
  };
  try {
    await waitFor(
      async () => (await fetch(`${gatewayUrl}/health/services`).catch(() => undefined))?.status === 200,
      { timeoutMs: 120_000, intervalMs: 250, message: "the services never all answered" },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...outboxReader(outboxDir),
    run,
    gatewayUrl,
    api: `${gatewayUrl}/api/v1`,
    ports,
    services,
    databaseUrlOf: (service) => serviceDatabaseUrl(databaseUrl, dbName(service)),
    nats,
    redis,
    launched,
    outboxDir,
    stop,
  };
}

/** The sum of every movement in a variant's ledger (its stock on hand), read page by page as its owner. */
export async function ledgerSum(
  rest: ReturnType<typeof restClient>,
  token: string,
  variantId: string,
): Promise<number> {
  let sum = 0;
  let cursor: string | null = null;
  do {
    const page: RestReply = await rest(
      "GET",
      `/inventory/${variantId}/movements?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      { token },
    );
    sum += page.body.items.reduce((total: number, m: { quantity: number }) => total + m.quantity, 0);
    cursor = page.body.nextCursor;
  } while (cursor);
  return sum;
}

/** Signs the admin in (`ADMIN_EMAIL`/`ADMIN_PASSWORD` of the stack) and creates a category; returns its id. */
export async function adminCategory(
  rest: ReturnType<typeof restClient>,
  admin: { email: string; password: string },
  category: { name: string; slug: string },
): Promise<string> {
  const signedIn = await rest("POST", "/auth/login", { body: admin });
  if (signedIn.status !== 200) throw new Error(`the admin cannot sign in: ${JSON.stringify(signedIn.body)}`);
  const created = await rest("POST", "/categories", { token: signedIn.body.accessToken, body: category });
  if (created.status !== 201)
    throw new Error(`the category was not created: ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/**
 * Registers a seller, follows the verification link from the stack's mail outbox and signs in
 * again; with `storefront`, opens a storefront in Berlin too. Returns the verified session's token.
 */
export async function verifiedSeller(
  stack: Pick<Stack, "linkTokenFor">,
  rest: ReturnType<typeof restClient>,
  name: string,
  options: { storefront?: boolean } = {},
): Promise<{ email: string; token: string }> {
  const email = `${name}-${randomBytes(4).toString("hex")}@shop.test`;
  const password = `${name} has a long passphrase`;
  const registered = await rest("POST", "/auth/sellers", { body: { email, password } });
  if (registered.status !== 201)
    throw new Error(`seller ${name} was not registered: ${JSON.stringify(registered.body)}`);
  const verify = await stack.linkTokenFor(email, "/verify-email");
  const verified = await rest("GET", `/auth/email/verify?token=${verify}`);
  if (verified.status !== 200)
    throw new Error(`seller ${name} was not verified: ${JSON.stringify(verified.body)}`);
  const login = await rest("POST", "/auth/login", { body: { email, password } });
  if (login.status !== 200) throw new Error(`seller ${name} cannot sign in: ${JSON.stringify(login.body)}`);
  const token = login.body.accessToken as string;
  if (options.storefront) {
    const slug = `${name}-${randomBytes(3).toString("hex")}`;
    const store = await rest("POST", "/sellers", {
      token,
      body: {
        name: `${name} shop`,
        slug,
        contact: { email: `hello@${slug}.test` },
        address: { line1: "Hauptstraße 1", city: "Berlin", postalCode: "10115", countryCode: "DE" },
        location: { lat: 52.52, lng: 13.405 },
      },
    });
    if (store.status !== 201)
      throw new Error(`seller ${name} has no storefront: ${JSON.stringify(store.body)}`);
  }
  return { email, token };
}

/** Signs a new buyer in by SMS code (a random phone, the code from the stack's outbox); returns the token. */
export async function phoneBuyer(
  stack: Pick<Stack, "otpFor">,
  rest: ReturnType<typeof restClient>,
): Promise<string> {
  const phone = randomPhone();
  const requested = await rest("POST", "/auth/otp/request", { body: { phone } });
  if (requested.status !== 202) throw new Error(`no code for ${phone}: ${JSON.stringify(requested.body)}`);
  const signedIn = await rest("POST", "/auth/otp/verify", {
    body: { phone, code: await stack.otpFor(phone) },
  });
  if (signedIn.status !== 200) throw new Error(`${phone} cannot sign in: ${JSON.stringify(signedIn.body)}`);
  return signedIn.body.accessToken as string;
}

/** A GraphQL answer of the gateway: its data and errors (each with `extensions.code`). */
export interface GraphqlReply {
  // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each query and checked by the assertions
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** Posts queries to the gateway's `/graphql` under `url()` (a function, for suites whose stack starts later). */
export function graphqlClient(url: () => string) {
  return async (
    query: string,
    variables: Record<string, unknown> = {},
    token?: string,
  ): Promise<GraphqlReply> => {
    const response = await fetch(`${url()}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    return (await response.json()) as GraphqlReply;
  };
}

/** A random valid German mobile number, so runs on shared infrastructure never collide. */
export function randomPhone(): string {
  return `+49151${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
}

/** A REST answer of the gateway, its body parsed (`{}` when empty). */
export interface RestReply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: answers are shaped by each route and checked by the assertions
  body: Record<string, any>;
}

/** Options of one REST call: a JSON body, a bearer token, more headers. */
export interface RestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

/**
 * Calls the gateway's REST API under `api()` (a function, for suites whose stack starts later),
 * each call given up after 30 s.
 */
export function restClient(api: () => string) {
  return async (method: string, path: string, options: RestOptions = {}): Promise<RestReply> => {
    const response = await fetch(`${api()}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  };
}
