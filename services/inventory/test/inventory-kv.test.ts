import {
  type Caller,
  type Database,
  type KeyValue,
  MemoryKeyValue,
  migrateService,
  Outbox,
  RedisKeyValue,
  rowsOf,
} from "@mercato/platform";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { type DatabaseFixture, pgliteFixture } from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyProductVariants,
  applyStorefrontOwner,
  dueBucket,
  Inventory,
  inventoryService,
  ReservationHints,
  ReservationSweeper,
  reservationKeys,
  StockCache,
  type StockLevel,
  stockCacheKeys,
} from "../src/index.js";

/** Lifetime of cached levels in these tests: long enough never to lapse during one, in ms. */
const cacheTtlMs = 60_000;

/** A key-value store whose every call fails, as Redis does when it is down. */
class UnreachableKeyValue implements KeyValue {
  private fail(): Promise<never> {
    return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
  }
  get = () => this.fail();
  set = () => this.fail();
  setIfAbsent = () => this.fail();
  delete = () => this.fail();
  increment = () => this.fail();
  ttl = () => this.fail();
  close = async () => {};
}

function describeKeyValue(label: string, openKeyValue: () => KeyValue) {
  describe(label, () => {
    let fixture: DatabaseFixture;
    let database: Database;
    let kv: KeyValue;
    let inventory: Inventory;
    const seller: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
    const storefrontId = uuidv7();
    const product = uuidv7();
    let productVersion = 0;
    let ttlStep = 0;

    beforeAll(async () => {
      fixture = await pgliteFixture({ postgis: false });
      database = fixture.database("inventory");
      await migrateService(inventoryService, database);
      await database.transaction((tx) =>
        applyStorefrontOwner(tx, { id: storefrontId, ownerId: seller.id, version: 1 }),
      );
      kv = openKeyValue();
      inventory = new Inventory(database, new Outbox("inventory"), { kv, stockCacheTtlMs: cacheTtlMs });
    }, 120_000);

    afterAll(async () => {
      await kv?.close();
      await fixture?.close();
    });

    /** A new variant of `product` in the catalog with `units` on hand. */
    const stocked = async (units: number) => {
      const variantId = uuidv7();
      productVersion += 1;
      await database.transaction(async (tx) => {
        const known = rowsOf<{ variant_id: string }>(
          await tx.execute(
            sql`select variant_id from inventory.catalog_variants where product_id = ${product}`,
          ),
        ).map((row) => row.variant_id);
        await applyProductVariants(tx, {
          productId: product,
          storefrontId,
          variantIds: [...known, variantId],
          version: productVersion,
        });
      });
      if (units > 0) await inventory.adjust(seller, { variantId, quantity: units, reason: "replenishment" });
      return variantId;
    };
    /** A time to live no other test uses, so that each test's reservations have a due bucket of their own. */
    const ownTtlMs = () => 100_000 + 10_000 * ++ttlStep;
    const status = async (id: string) => (await inventory.reservation(id))?.status;
    /** Waits until PostgreSQL's clock has passed the reservation's expiry. */
    const dueInDatabase = (id: string) =>
      waitFor(
        async () =>
          rowsOf<{ due: boolean }>(
            await database.db.execute(
              sql`select expires_at <= now() as due from inventory.reservations where id = ${id}`,
            ),
          )[0]?.due === true,
      );

    it("keys a held reservation until it expires and counts it in its due bucket; commit and release take it out", async () => {
      const variantId = await stocked(5);
      const ttlMs = ownTtlMs();
      const id = uuidv7();
      const held = await inventory.reserve({ id, lines: [{ variantId, quantity: 1 }], ttlMs });
      const bucket = dueBucket(held.expiresAt.getTime());
      expect(await kv.get(reservationKeys.reservation(id))).toBe(String(bucket));
      const remaining = await kv.ttl(reservationKeys.reservation(id));
      expect(remaining).toBeGreaterThan(0);
      expect(remaining).toBeLessThanOrEqual(ttlMs);
      expect(await kv.get(reservationKeys.due(bucket))).toBe("1");
      // A retried checkout finds its reservation and is not counted twice.
      await inventory.reserve({ id, lines: [{ variantId, quantity: 1 }], ttlMs });
      expect(await kv.get(reservationKeys.due(bucket))).toBe("1");
      await inventory.commit(id, "checkout");
      expect(await kv.get(reservationKeys.reservation(id))).toBeUndefined();
      expect(await kv.get(reservationKeys.due(bucket))).toBe("0");

      const released = uuidv7();
      const other = await inventory.reserve({
        id: released,
        lines: [{ variantId, quantity: 1 }],
        ttlMs: ownTtlMs(),
      });
      await inventory.release(released);
      expect(await kv.get(reservationKeys.reservation(released))).toBeUndefined();
      expect(await kv.get(reservationKeys.due(dueBucket(other.expiresAt.getTime())))).toBe("0");
    });

    it("asks PostgreSQL only when a held reservation can be due", async () => {
      const variantId = await stocked(5);
      let now = Date.now();
      const sweeper = new ReservationSweeper({
        inventory,
        hints: new ReservationHints(kv),
        fullSweepMs: 3_600_000,
        now: () => now,
      });
      expect((await sweeper.tick()).trigger).toBe("full");
      const committed = uuidv7();
      const first = await inventory.reserve({
        id: committed,
        lines: [{ variantId, quantity: 1 }],
        ttlMs: 1_000,
      });
      await inventory.commit(committed, "checkout");
      const held = uuidv7();
      const second = await inventory.reserve({ id: held, lines: [{ variantId, quantity: 2 }], ttlMs: 3_000 });
      // Past the committed one's bucket (and the lag after it): its count went back to 0, so PostgreSQL is not asked.
      now = first.expiresAt.getTime() + 1_500;
      expect(await sweeper.tick()).toEqual({ trigger: undefined, expired: 0 });
      await dueInDatabase(held);
      now = second.expiresAt.getTime() + 1_500;
      expect(await sweeper.tick()).toEqual({ trigger: "due", expired: 1 });
      expect(await status(held)).toBe("expired");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 4, reserved: 0 });
      // Nothing new is due: the next tick asks nobody.
      now += 5_000;
      expect(await sweeper.tick()).toEqual({ trigger: undefined, expired: 0 });
    });

    it("expires a reservation whose hints were lost at the next full sweep", async () => {
      const variantId = await stocked(2);
      // Buckets of the reservations that earlier tests left due count as read already.
      let now = Date.now() + 1_500;
      const sweeper = new ReservationSweeper({
        inventory,
        hints: new ReservationHints(kv),
        fullSweepMs: 60_000,
        now: () => now,
      });
      await sweeper.tick();
      const id = uuidv7();
      const held = await inventory.reserve({ id, lines: [{ variantId, quantity: 2 }], ttlMs: 3_000 });
      // The key-value store forgets them (a Redis restart without persistence).
      await kv.delete(reservationKeys.reservation(id));
      await kv.delete(reservationKeys.due(dueBucket(held.expiresAt.getTime())));
      await dueInDatabase(id);
      now = held.expiresAt.getTime() + 1_500;
      expect(await sweeper.tick()).toEqual({ trigger: undefined, expired: 0 });
      expect(await status(id)).toBe("held");
      now += 60_000;
      expect(await sweeper.tick()).toEqual({ trigger: "full", expired: 1 });
      expect(await status(id)).toBe("expired");
      expect((await inventory.levels([variantId]))[0]?.available).toBe(2);
    });

    it("serves GetStock from the cache, and the read after a change from any replica sees the change", async () => {
      const variantId = await stocked(5);
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(5);
      const entry = await kv.get(stockCacheKeys.level(variantId));
      expect(JSON.parse(entry ?? "{}").level).toMatchObject({ variantId, onHand: 5, available: 5 });
      const remaining = await kv.ttl(stockCacheKeys.level(variantId));
      expect(remaining).toBeGreaterThan(0);
      expect(remaining).toBeLessThanOrEqual(cacheTtlMs);
      // A write behind the store's back is not seen: the figure comes from the cache.
      await database.db.execute(
        sql`update inventory.stock_levels set on_hand = 50 where variant_id = ${variantId}`,
      );
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(5);
      const replica = new Inventory(database, new Outbox("inventory"), { kv, stockCacheTtlMs: cacheTtlMs });
      await replica.adjust(seller, { variantId, quantity: 1, reason: "replenishment" });
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 51, available: 51 });
      const reservation = uuidv7();
      await replica.reserve({ id: reservation, lines: [{ variantId, quantity: 50 }], ttlMs: ownTtlMs() });
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        onHand: 51,
        reserved: 50,
        available: 1,
      });
      await inventory.release(reservation);
      expect((await replica.levels([variantId]))[0]).toMatchObject({ reserved: 0, available: 51 });
    });

    it("caches a variant without stock as absent until its first change", async () => {
      const variantId = await stocked(0);
      expect(await inventory.levels([variantId])).toEqual([]);
      expect(JSON.parse((await kv.get(stockCacheKeys.level(variantId))) ?? "{}").level).toBeNull();
      await inventory.adjust(seller, { variantId, quantity: 3, reason: "replenishment" });
      expect(await inventory.levels([variantId])).toMatchObject([{ variantId, onHand: 3 }]);
    });

    it("never serves a level read before a change that committed while the read was under way", async () => {
      const cache = new StockCache(kv, cacheTtlMs);
      const variantId = uuidv7();
      const level = (onHand: number): StockLevel => ({
        variantId,
        productId: product,
        onHand,
        reserved: 0,
        available: onHand,
        lowStockThreshold: undefined,
        low: false,
        version: onHand,
        updatedAt: new Date(),
      });
      // The read loads 1 unit from the database; before it fills the cache, a change to 2 commits.
      const read = await cache.read([variantId], async () => {
        await cache.changed([variantId], async () => [level(2)]);
        return [level(1)];
      });
      expect(read.get(variantId)?.onHand).toBe(1);
      const next = await cache.read([variantId], async () => [level(2)]);
      expect(next.get(variantId)?.onHand).toBe(2);
    });
  });
}

describeKeyValue("inventory with MemoryKeyValue", () => new MemoryKeyValue());

describeWithInfra("REDIS_URL", "inventory with RedisKeyValue", (url) => {
  // A prefix per run keeps runs sharing one Redis apart; every key inventory writes expires by itself.
  describeKeyValue(
    "a prefix of its own",
    () => new RedisKeyValue({ url, keyPrefix: `mercato-test:${uuidv7()}:` }),
  );
});

describe("inventory when the key-value store is down", () => {
  let fixture: DatabaseFixture;
  let inventory: Inventory;
  const warnings: string[] = [];
  const admin: Caller = { id: uuidv7(), roles: ["admin"], claims: {} };
  const variantId = uuidv7();

  beforeAll(async () => {
    fixture = await pgliteFixture({ postgis: false });
    const database = fixture.database("inventory");
    await migrateService(inventoryService, database);
    inventory = new Inventory(database, new Outbox("inventory"), {
      kv: new UnreachableKeyValue(),
      warn: (_error, message) => void warnings.push(message),
    });
    await database.transaction((tx) =>
      applyProductVariants(tx, {
        productId: uuidv7(),
        storefrontId: uuidv7(),
        variantIds: [variantId],
        version: 1,
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await fixture?.close();
  });

  it("changes, reserves and reads stock from PostgreSQL alone, and says so", async () => {
    await inventory.adjust(admin, { variantId, quantity: 4, reason: "replenishment" });
    const id = uuidv7();
    await inventory.reserve({ id, lines: [{ variantId, quantity: 1 }], ttlMs: 60_000 });
    await inventory.commit(id, "checkout");
    expect(await inventory.levels([variantId])).toMatchObject([{ onHand: 3, available: 3 }]);
    expect(warnings).toContain("stock cache unreadable; reading stock from the database");
    expect(warnings).toContain("reservation hint not written; the full sweep will expire it");
  });

  it("sweeps PostgreSQL on every tick while the hints cannot be read", async () => {
    let now = Date.now();
    const sweeper = new ReservationSweeper({
      inventory,
      hints: new ReservationHints(new UnreachableKeyValue()),
      fullSweepMs: 3_600_000,
      now: () => now,
    });
    expect((await sweeper.tick()).trigger).toBe("full");
    now += 2_000;
    expect((await sweeper.tick()).trigger).toBe("hints-unavailable");
  });
});
