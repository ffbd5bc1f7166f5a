import { randomBytes } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { InventoryService, MovementReason } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  createRpcClient,
  MemoryEventBus,
  RedisKeyValue,
  type RunningService,
  ServiceTokens,
  startService,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import {
  capturedLogs,
  type RedisServer,
  readinessOf,
  requireInfraUrl,
  startRedisServer,
  waitFor,
} from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  type DatabaseFixture,
  pgliteFixture,
  postgresFixture,
  testInfrastructure,
} from "@mercato/testing/service-fixture";
import { Redis } from "ioredis";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryService } from "../src/index.js";

// Issue 16, item 2 (ADR 0017, 0027): inventory answers from PostgreSQL while its Redis is stopped or
// frozen (SIGSTOP), says so in its log and /ready, and uses the cache again once Redis is back. A
// private redis-server; real PostgreSQL when DATABASE_URL is set, PGlite otherwise.

/** Deadline of each call: below the gateway's 5 s; without bounded Redis commands GetStock and Reserve waited past it. */
const deadlineMs = 4_000;
const keyPrefix = "mercato:inventory:";

describe("inventory while its Redis is down", () => {
  let redis: RedisServer;
  let kv: RedisKeyValue;
  let raw: Redis;
  let fixture: DatabaseFixture;
  let bus: MemoryEventBus;
  let issuer: TestIssuer;
  let serviceTokens: ServiceTokens;
  let service: RunningService;
  let client: ReturnType<typeof createRpcClient<typeof InventoryService>>;
  const log = capturedLogs("inventory", "warn");

  beforeAll(async () => {
    redis = await startRedisServer();
    kv = new RedisKeyValue({ url: redis.url, keyPrefix });
    raw = new Redis(redis.url, { lazyConnect: true, enableOfflineQueue: false });
    const databaseUrl = requireInfraUrl("DATABASE_URL");
    fixture = databaseUrl
      ? await postgresFixture(databaseUrl, { prefix: "inventory_redis_outage" })
      : await pgliteFixture({ postgis: false });
    bus = new MemoryEventBus();
    issuer = await createTestIssuer();
    serviceTokens = new ServiceTokens(randomBytes(32).toString("base64url"));
    service = await startService(
      inventoryService,
      {
        ...testInfrastructure({
          fixture,
          bus,
          kv,
          issuer,
          serviceTokens,
          // Short-lived entries: a figure cached before the outage and changed during it lags at most this long.
          env: { STOCK_CACHE_TTL_MS: "1000" },
        }),
        kvName: "redis",
        logger: () => log.logger,
      },
      { host: "127.0.0.1", port: 0 },
    );
    client = createRpcClient(InventoryService, {
      baseUrl: service.url,
      maxRetries: 0,
      timeoutMs: deadlineMs,
    });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await bus?.close();
    await kv?.close();
    raw?.disconnect();
    await issuer?.close();
    await fixture?.close();
    await redis?.dispose();
  });

  const orders = async () => ({
    headers: { authorization: `Bearer ${await serviceTokens.sign("orders")}` },
  });
  /** A variant of a new seller's storefront, known to inventory through the catalog's events, with `units` on hand. */
  const stockedVariant = async (units: bigint) => {
    const ownerId = uuidv7();
    const owner = {
      headers: { authorization: `Bearer ${await issuer.sign({ sub: ownerId, roles: ["seller"] })}` },
    };
    const storefrontId = uuidv7();
    const variantId = uuidv7();
    await bus.publish(
      eventEnvelope(
        "mercato.sellers.storefront.created",
        StorefrontChangedSchema,
        create(StorefrontChangedSchema, { storefront: { id: storefrontId, ownerId, version: 1n } }),
      ),
    );
    await bus.publish(
      eventEnvelope(
        "mercato.products.product.created",
        ProductChangedSchema,
        create(ProductChangedSchema, {
          product: { id: uuidv7(), storefrontId, variants: [{ id: variantId }], version: 1n },
        }),
      ),
    );
    await waitFor(
      async () =>
        client.adjustStock({ variantId, quantity: units, reason: MovementReason.REPLENISHMENT }, owner).then(
          () => true,
          () => false,
        ),
      { message: "the variant never reached inventory" },
    );
    return { variantId, owner };
  };
  const level = async (variantId: string) =>
    (await client.getStock({ variantIds: [variantId] }, await orders())).levels[0];
  /** The level cached in Redis for the variant, undefined when none is. */
  const cached = async (variantId: string) => {
    if (raw.status !== "ready") await raw.connect().catch(() => undefined);
    const entry = await raw.get(`${keyPrefix}inventory:available:${variantId}`);
    return entry
      ? (JSON.parse(entry) as { level: { onHand: number; reserved: number } | null }).level
      : undefined;
  };
  const ready = () => readinessOf(service.url);

  for (const outage of ["stopped", "hung"] as const) {
    it(`reads, reserves and changes stock from PostgreSQL within the deadline while Redis is ${outage}, and caches again after`, async () => {
      const { variantId, owner } = await stockedVariant(5n);
      expect(await level(variantId)).toMatchObject({ onHand: 5n, reserved: 0n });
      expect(await cached(variantId)).toMatchObject({ onHand: 5, reserved: 0 });
      log.lines.length = 0;

      if (outage === "stopped") await redis.stop();
      else await redis.pause();
      raw.disconnect();
      try {
        expect(await level(variantId)).toMatchObject({ onHand: 5n, reserved: 0n, available: 5n });
        const reservationId = uuidv7();
        await client.reserve(
          { reservationId, lines: [{ variantId, quantity: 2n }], ttlSeconds: 60 },
          await orders(),
        );
        await client.adjustStock({ variantId, quantity: 1n, reason: MovementReason.REPLENISHMENT }, owner);
        // Read from PostgreSQL, not from the entry cached before the outage.
        expect(await level(variantId)).toMatchObject({ onHand: 6n, reserved: 2n, available: 4n });
        await client.commitReservation({ reservationId }, await orders());
        expect(await level(variantId)).toMatchObject({ onHand: 4n, reserved: 0n, available: 4n });
        expect(await ready()).toEqual({
          status: 200,
          body: expect.objectContaining({ status: "degraded", degraded: ["redis"] }),
        });
        expect(log.lines.map((line) => line.msg)).toContain(
          "stock cache unreadable; reading stock from the database",
        );
      } finally {
        if (outage === "stopped") await redis.start();
        else await redis.resume();
      }

      await waitFor(async () => (await ready()).body.status === "ready", {
        timeoutMs: 15_000,
        message: "/ready never recovered after Redis returned",
      });
      // Once the entries from before the outage have lapsed, reads fill the cache again.
      await waitFor(
        async () => (await level(variantId))?.onHand === 4n && (await cached(variantId))?.onHand === 4,
        { timeoutMs: 15_000, intervalMs: 200, message: "GetStock never cached in Redis again" },
      );
    });
  }
});
