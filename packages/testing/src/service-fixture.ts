import { randomBytes } from "node:crypto";
import { type Code, ConnectError } from "@connectrpc/connect";
import {
  createJwksAuthenticator,
  createLogger,
  type Database,
  type EventBus,
  type EventEnvelope,
  fromConnectError,
  type JobQueueFactory,
  type KeyValue,
  MemoryEventBus,
  MemoryKeyValue,
  openPostgres,
  PgliteHost,
  type RunningService,
  type ServiceDefinition,
  type ServiceInfrastructure,
  ServiceTokens,
  startService,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { sql } from "drizzle-orm";

/** Where a service suite keeps the service's schema: a fresh place per run, removed afterwards. */
export interface DatabaseFixture {
  database(schema: string): Database;
  close(): Promise<void>;
}

/** How a call failed: its Connect code, the violated field paths and the message. */
export interface CallFailure {
  code: Code;
  fields: string[];
  message: string;
}

/** The code, violated field paths and message of a call expected to fail with a ConnectError. */
export async function failure(call: Promise<unknown>): Promise<CallFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ConnectError)) throw error;
    return {
      code: error.code,
      fields: fromConnectError(error).violations.map((v) => v.field),
      message: error.rawMessage,
    };
  }
  throw new Error("the call succeeded but was expected to fail");
}

/** A fixture on a fresh PGlite instance, closed with the fixture. */
export async function pgliteFixture(options: { postgis?: boolean } = {}): Promise<DatabaseFixture> {
  const pglite = await PgliteHost.open(options.postgis === false ? { postgis: false } : {});
  return { database: (schema) => pglite.forService(schema), close: () => pglite.close() };
}

/**
 * A fixture on a database of its own, created on the server at `url` and dropped on close (service
 * migrations name their schema, so each run needs a fresh database). Databases the fixture opened are
 * closed first.
 */
export async function postgresFixture(
  url: string,
  options: { prefix: string; maxConnections?: number },
): Promise<DatabaseFixture> {
  const name = `${options.prefix}_${randomBytes(6).toString("hex")}`;
  const admin = openPostgres({ url, schema: "public", maxConnections: 1 });
  await admin.db.execute(sql.raw(`create database ${name}`));
  const scoped = new URL(url);
  scoped.pathname = `/${name}`;
  const opened: Database[] = [];
  return {
    database: (schema) => {
      const database = openPostgres({
        url: scoped.toString(),
        schema,
        maxConnections: options.maxConnections ?? 4,
      });
      opened.push(database);
      return database;
    },
    close: async () => {
      for (const database of opened) await database.close().catch(() => {});
      await admin.db.execute(sql.raw(`drop database if exists ${name} with (force)`));
      await admin.close();
    },
  };
}

/** What a test service runs on: the fixture's databases, the given bus and KV, tokens of `issuer`. */
export interface TestInfrastructure {
  fixture: DatabaseFixture;
  bus: EventBus;
  kv: KeyValue;
  issuer: TestIssuer;
  /** Service tokens the services sign and accept; none: user tokens only. */
  serviceTokens?: ServiceTokens;
  env?: Record<string, string>;
  /** Job queues (BullMQ on a test's Redis); in-process ones when none. */
  jobQueue?: JobQueueFactory;
}

/** Service infrastructure for a test: silent logs, bearer tokens checked against the issuer's JWKS. */
export function testInfrastructure(infra: TestInfrastructure): ServiceInfrastructure {
  return {
    database: (name) => infra.fixture.database(name),
    bus: infra.bus,
    kv: infra.kv,
    logger: (name) => createLogger({ service: name, level: "silent" }),
    authenticate: createJwksAuthenticator({
      jwksUrl: infra.issuer.jwksUrl,
      issuer: infra.issuer.issuer,
      audience: infra.issuer.audience,
    }),
    ...(infra.serviceTokens ? { serviceTokens: infra.serviceTokens } : {}),
    ...(infra.env ? { env: infra.env } : {}),
    ...(infra.jobQueue ? { jobQueue: infra.jobQueue } : {}),
  };
}

/** Starts `service` on a spare local port with {@link testInfrastructure}. */
export function startTestService<Config>(
  service: ServiceDefinition<Config>,
  infra: TestInfrastructure,
): Promise<RunningService> {
  return startService(service, testInfrastructure(infra), { host: "127.0.0.1", port: 0 });
}

/** What a service suite runs its service on: a database fixture, a token issuer, in-memory bus and KV. */
export interface ServiceRig extends TestInfrastructure {
  bus: MemoryEventBus;
  kv: MemoryKeyValue;
  serviceTokens: ServiceTokens;
  /** Events published on the spied subject, in the order they arrived. */
  published: EventEnvelope[];
  /** Closes the bus, KV, issuer and fixture; stop the services on the rig first. */
  close(): Promise<void>;
}

/** Opens the fixture, a test issuer, an in-memory bus whose events on `spySubject` are kept, and KV. */
export async function openServiceRig(
  openFixture: () => Promise<DatabaseFixture>,
  spySubject: string,
): Promise<ServiceRig> {
  const fixture = await openFixture();
  const issuer = await createTestIssuer();
  const bus = new MemoryEventBus();
  const kv = new MemoryKeyValue();
  const published: EventEnvelope[] = [];
  await bus.consume({ durable: "spy", subject: spySubject, backoffMs: [10] }, async (event) => {
    published.push(event);
  });
  return {
    fixture,
    issuer,
    bus,
    kv,
    serviceTokens: new ServiceTokens(randomBytes(32).toString("base64url")),
    published,
    close: async () => {
      await bus.close();
      await kv.close();
      await issuer.close();
      await fixture.close();
    },
  };
}
