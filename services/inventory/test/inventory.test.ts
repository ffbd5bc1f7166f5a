import { create, fromBinary } from "@bufbuild/protobuf";
import { StockLevelChangedSchema, StockLowSchema } from "@mercato/contracts/mercato/inventory/v1/events_pb";
import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  type Caller,
  type Database,
  DomainError,
  type EventEnvelope,
  MemoryEventBus,
  MemoryKeyValue,
  migrateService,
  Outbox,
  OutboxRelay,
  rowsOf,
} from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  type DatabaseFixture,
  pgliteFixture,
  postgresFixture,
  startTestService,
} from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyProductVariants,
  applyStorefrontOwner,
  catalogVariant,
  Inventory,
  inventoryService,
  inventorySubjects,
  OutOfStock,
} from "../src/index.js";

/** The domain error a call throws (every refusal of the store is one). */
async function refusal(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("the call succeeded but was expected to fail");
}

function describeInventory(label: string, open: () => Promise<DatabaseFixture>) {
  describe(label, () => {
    let fixture: DatabaseFixture;
    let database: Database;
    let inventory: Inventory;
    let bus: MemoryEventBus;
    let relay: OutboxRelay;
    const published: EventEnvelope[] = [];

    beforeAll(async () => {
      fixture = await open();
      database = fixture.database("inventory");
      await migrateService(inventoryService, database);
      bus = new MemoryEventBus();
      await database.transaction((tx) =>
        applyStorefrontOwner(tx, { id: storefrontId, ownerId: seller.id, version: 1 }),
      );
      await bus.consume(
        { durable: "test-inventory", subject: "mercato.inventory.>", backoffMs: [10] },
        async (event) => {
          published.push(event);
        },
      );
      relay = new OutboxRelay({ database, bus, pollMs: 20 });
      relay.start();
      inventory = new Inventory(database, new Outbox("inventory", () => relay.kick()));
    });

    afterAll(async () => {
      await relay?.stop();
      await bus?.close();
      await fixture?.close();
    });

    const seller: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
    const storefrontId = uuidv7();
    const product = uuidv7();
    let productVersion = 0;
    /** A new variant of `product` in the catalog projection, as the products service would announce it. */
    const listed = async () => {
      const variantId = uuidv7();
      productVersion += 1;
      await database.transaction(async (tx) => {
        const known = rowsOf<{ variant_id: string }>(
          await tx.execute(
            sql`select variant_id from inventory.catalog_variants where product_id = ${product} and not removed`,
          ),
        ).map((row) => row.variant_id);
        await applyProductVariants(tx, {
          productId: product,
          storefrontId,
          variantIds: [...known, variantId],
          version: productVersion,
        });
      });
      return variantId;
    };
    const stocked = async (units: number) => {
      const variantId = await listed();
      await inventory.adjust(seller, { variantId, quantity: units, reason: "replenishment" });
      return variantId;
    };
    const ledgerSum = async (variantId: string) =>
      Number(
        rowsOf<{ total: string | number }>(
          await database.db.execute(
            sql`select coalesce(sum(quantity), 0) as total from inventory.movements where variant_id = ${variantId}`,
          ),
        )[0]?.total,
      );

    it("replenishes and adjusts on-hand stock, each change a movement with reason and actor", async () => {
      const variantId = await stocked(10);
      const level = await inventory.adjust(seller, {
        variantId,
        quantity: -3,
        reason: "adjustment",
        note: " damaged in transit ",
      });
      expect(level).toMatchObject({ productId: product, onHand: 7, reserved: 0, available: 7, version: 2 });
      const movements = await inventory.movements(seller, variantId, 10);
      expect(movements.map((m) => [m.quantity, m.reason, m.note, m.actorId, m.onHandAfter])).toEqual([
        [-3, "adjustment", "damaged in transit", seller.id, 7],
        [10, "replenishment", "", seller.id, 10],
      ]);
      expect(await ledgerSum(variantId)).toBe(7);
    });

    it("refuses bad adjustments naming the field, and changes nothing", async () => {
      const variantId = await stocked(5);
      const cases: [Parameters<Inventory["adjust"]>[1], string][] = [
        [{ variantId: "nope", quantity: 1, reason: "replenishment" }, "variant_id"],
        [{ variantId, quantity: 0, reason: "adjustment" }, "quantity"],
        [{ variantId, quantity: 1.5, reason: "adjustment" }, "quantity"],
        [{ variantId, quantity: -1, reason: "replenishment" }, "quantity"],
        [{ variantId, quantity: 2_000_000, reason: "replenishment" }, "quantity"],
        [{ variantId, quantity: 1, reason: "adjustment", note: "x".repeat(501) }, "note"],
      ];
      for (const [input, field] of cases) {
        const error = await refusal(inventory.adjust(seller, input));
        expect(error.code).toBe("INVALID_ARGUMENT");
        expect(error.violations.map((v) => v.field)).toEqual([field]);
      }
      const below = await refusal(
        inventory.adjust(seller, { variantId, quantity: -6, reason: "adjustment" }),
      );
      expect(below.code).toBe("FAILED_PRECONDITION");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 5, version: 1 });
      expect(await ledgerSum(variantId)).toBe(5);
    });

    it("lets only the storefront's owner or an admin manage a variant's stock", async () => {
      const variantId = await stocked(5);
      const other: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
      const admin: Caller = { id: uuidv7(), roles: ["admin"], claims: {} };
      const attempts = [
        () => inventory.adjust(other, { variantId, quantity: 1, reason: "replenishment" }),
        () => inventory.setLowStockThreshold(other, variantId, 2),
        () => inventory.movements(other, variantId, 10),
      ];
      for (const attempt of attempts) expect((await refusal(attempt())).code).toBe("PERMISSION_DENIED");
      const unknown = inventory.adjust(seller, { variantId: uuidv7(), quantity: 1, reason: "replenishment" });
      expect((await refusal(unknown)).code).toBe("NOT_FOUND");
      expect((await inventory.adjust(admin, { variantId, quantity: 1, reason: "adjustment" })).onHand).toBe(
        6,
      );
      expect((await inventory.levels([variantId]))[0]?.version).toBe(2);
    });

    it("keeps the newest catalog: an older ProductChanged changes nothing, a dropped variant is not managed", async () => {
      const variantId = await stocked(1);
      const stale = await database.transaction((tx) =>
        applyProductVariants(tx, { productId: product, storefrontId: uuidv7(), variantIds: [], version: 1 }),
      );
      expect(stale).toBe(false);
      expect(
        (await inventory.adjust(seller, { variantId, quantity: 1, reason: "replenishment" })).onHand,
      ).toBe(2);
      productVersion += 1;
      const remaining = rowsOf<{ variant_id: string }>(
        await database.db.execute(
          sql`select variant_id from inventory.catalog_variants where product_id = ${product} and not removed`,
        ),
      )
        .map((row) => row.variant_id)
        .filter((id) => id !== variantId);
      await database.transaction((tx) =>
        applyProductVariants(tx, {
          productId: product,
          storefrontId,
          variantIds: remaining,
          version: productVersion,
        }),
      );
      const dropped = inventory.adjust(seller, { variantId, quantity: 1, reason: "replenishment" });
      expect((await refusal(dropped)).code).toBe("NOT_FOUND");
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(2);
    });

    it("reserves every line or none, and says which lines are short", async () => {
      const plenty = await stocked(10);
      const scarce = await stocked(2);
      const error = await refusal(
        inventory.reserve({
          id: uuidv7(),
          lines: [
            { variantId: plenty, quantity: 4 },
            { variantId: scarce, quantity: 3 },
            { variantId: uuidv7(), quantity: 1 },
          ],
          ttlMs: 60_000,
        }),
      );
      expect(error).toBeInstanceOf(OutOfStock);
      expect(error.code).toBe("FAILED_PRECONDITION");
      expect(error.violations).toEqual([
        { field: "lines[1].quantity", message: "only 2 available" },
        { field: "lines[2].quantity", message: "only 0 available" },
      ]);
      const levels = await inventory.levels([plenty, scarce]);
      expect(levels.map((l) => l.reserved)).toEqual([0, 0]);
    });

    it("refuses malformed reservations naming the field", async () => {
      const variantId = await stocked(3);
      const cases: [Parameters<Inventory["reserve"]>[0], string][] = [
        [{ id: "x", lines: [{ variantId, quantity: 1 }], ttlMs: 60_000 }, "reservation_id"],
        [{ id: uuidv7(), lines: [], ttlMs: 60_000 }, "lines"],
        [{ id: uuidv7(), lines: [{ variantId, quantity: 0 }], ttlMs: 60_000 }, "lines[0].quantity"],
        [
          {
            id: uuidv7(),
            lines: [
              { variantId, quantity: 1 },
              { variantId, quantity: 1 },
            ],
            ttlMs: 60_000,
          },
          "lines[1].variant_id",
        ],
        [{ id: uuidv7(), lines: [{ variantId, quantity: 1 }], ttlMs: 10 }, "ttl"],
      ];
      for (const [input, field] of cases) {
        const error = await refusal(inventory.reserve(input));
        expect(error.violations.map((v) => v.field)).toEqual([field]);
      }
    });

    it("commits a reservation into sales, once, with the ledger matching the stock", async () => {
      const variantId = await stocked(5);
      const id = uuidv7();
      const held = await inventory.reserve({ id, lines: [{ variantId, quantity: 2 }], ttlMs: 60_000 });
      expect(held.status).toBe("held");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        onHand: 5,
        reserved: 2,
        available: 3,
      });
      // The same id and lines again is the same reservation (a retried checkout), not a second hold.
      expect((await inventory.reserve({ id, lines: [{ variantId, quantity: 2 }], ttlMs: 60_000 })).id).toBe(
        id,
      );
      expect(
        (await refusal(inventory.reserve({ id, lines: [{ variantId, quantity: 3 }], ttlMs: 60_000 }))).code,
      ).toBe("FAILED_PRECONDITION");
      expect((await inventory.commit(id, "checkout")).status).toBe("committed");
      expect((await inventory.commit(id, "checkout")).status).toBe("committed");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        onHand: 3,
        reserved: 0,
        available: 3,
      });
      expect(await ledgerSum(variantId)).toBe(3);
      expect((await refusal(inventory.release(id))).code).toBe("FAILED_PRECONDITION");
    });

    it("holds stock once for 20 concurrent retries of one reservation", async () => {
      const variantId = await stocked(10);
      const id = uuidv7();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          inventory.reserve({ id, lines: [{ variantId, quantity: 3 }], ttlMs: 60_000 }),
        ),
      );
      expect(new Set(results.map((r) => r.id))).toEqual(new Set([id]));
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ reserved: 3, available: 7 });
    });

    it("releases a reservation's units, and refuses to commit it afterwards", async () => {
      const variantId = await stocked(4);
      const id = uuidv7();
      await inventory.reserve({ id, lines: [{ variantId, quantity: 4 }], ttlMs: 60_000 });
      expect((await inventory.release(id)).status).toBe("released");
      expect((await inventory.release(id)).status).toBe("released");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 4, reserved: 0 });
      expect((await refusal(inventory.commit(id, "checkout"))).code).toBe("FAILED_PRECONDITION");
      expect((await refusal(inventory.commit(uuidv7(), "checkout"))).code).toBe("NOT_FOUND");
    });

    it("never oversells: 200 concurrent reservations for 50 units sell exactly 50", async () => {
      const variantId = await stocked(50);
      const attempts = await Promise.allSettled(
        Array.from({ length: 200 }, async () => {
          const id = uuidv7();
          await inventory.reserve({ id, lines: [{ variantId, quantity: 1 }], ttlMs: 60_000 });
          return inventory.commit(id, "checkout");
        }),
      );
      const sold = attempts.filter((a) => a.status === "fulfilled");
      const refused = attempts.flatMap((a) => (a.status === "rejected" ? [a.reason] : []));
      expect(sold).toHaveLength(50);
      expect(refused).toHaveLength(150);
      for (const reason of refused) expect(reason).toBeInstanceOf(OutOfStock);
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        onHand: 0,
        reserved: 0,
        available: 0,
      });
      expect(await ledgerSum(variantId)).toBe(0);
    }, 60_000);

    it("expires held reservations whose time is up and returns their units", async () => {
      const variantId = await stocked(3);
      const id = uuidv7();
      await inventory.reserve({ id, lines: [{ variantId, quantity: 3 }], ttlMs: 1_000 });
      expect(await inventory.expireDue()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      // Past its expiry it cannot be sold, even before the sweep reaches it.
      expect((await refusal(inventory.commit(id, "checkout"))).code).toBe("FAILED_PRECONDITION");
      expect((await inventory.reservation(id))?.status).toBe("held");
      expect(await inventory.expireDue()).toBeGreaterThanOrEqual(1);
      expect((await inventory.reservation(id))?.status).toBe("expired");
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 3, reserved: 0 });
      expect((await refusal(inventory.commit(id, "checkout"))).code).toBe("FAILED_PRECONDITION");
    });

    it("publishes every stock change, and StockLow once per crossing below the threshold", async () => {
      const variantId = await stocked(10);
      await expect(inventory.setLowStockThreshold(seller, variantId, -1)).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
      await expect(inventory.setLowStockThreshold(seller, uuidv7(), 3)).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await inventory.setLowStockThreshold(seller, variantId, 5);
      const take = (quantity: number) =>
        inventory.adjust(seller, { variantId, quantity, reason: "adjustment" });
      await take(-6); // 4 < 5: low
      await take(-1); // still low: no second event
      await take(3); // 6: back above
      await take(-2); // 4: low again
      const changes = () =>
        published
          .filter((e) => e.subject === inventorySubjects.stockChanged)
          .map((e) => fromBinary(StockLevelChangedSchema, e.payload))
          .filter((e) => e.variantId === variantId);
      const lows = () =>
        published
          .filter((e) => e.subject === inventorySubjects.stockLow)
          .map((e) => fromBinary(StockLowSchema, e.payload))
          .filter((e) => e.variantId === variantId);
      await waitFor(() => changes().length === 5);
      await waitFor(() => lows().length === 2);
      expect(changes().map((e) => [Number(e.available), Number(e.version)])).toEqual([
        [10, 1],
        [4, 3],
        [3, 4],
        [6, 5],
        [4, 6],
      ]);
      expect(lows().map((e) => [Number(e.available), Number(e.threshold)])).toEqual([
        [4, 5],
        [4, 5],
      ]);
    });
  });
}

describeInventory("inventory on PGlite", () => pgliteFixture({ postgis: false }));

describeWithInfra("DATABASE_URL", "inventory on PostgreSQL", (url) => {
  describeInventory("store", () => postgresFixture(url, { prefix: "inventory", maxConnections: 10 }));
});

describe("the inventory service", () => {
  let fixture: DatabaseFixture;
  let issuer: TestIssuer;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    fixture = await pgliteFixture({ postgis: false });
    issuer = await createTestIssuer();
  });
  afterAll(async () => {
    await stop?.();
    await issuer?.close();
    await fixture?.close();
  });

  it("learns variant owners from catalog events and gives an expired reservation's units back on its own", async () => {
    const bus = new MemoryEventBus();
    const running = await startTestService(inventoryService, {
      fixture,
      bus,
      kv: new MemoryKeyValue(),
      issuer,
      env: { RESERVATION_SWEEP_MS: "100" },
    });
    stop = () => running.stop();
    const database = fixture.database("inventory");
    const inventory = new Inventory(database, new Outbox("inventory"));
    // The catalog projection is fed by the products' and sellers' events, as in a running marketplace.
    const owner: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
    const storefrontId = uuidv7();
    const variantId = uuidv7();
    await bus.publish(
      eventEnvelope(
        "mercato.sellers.storefront.created",
        StorefrontChangedSchema,
        create(StorefrontChangedSchema, { storefront: { id: storefrontId, ownerId: owner.id, version: 1n } }),
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
    await waitFor(async () => (await catalogVariant(database.db, variantId))?.ownerId === owner.id);
    await inventory.adjust(owner, { variantId, quantity: 2, reason: "replenishment" });
    await inventory.reserve({ id: uuidv7(), lines: [{ variantId, quantity: 2 }], ttlMs: 1_000 });
    expect((await inventory.levels([variantId]))[0]?.available).toBe(0);
    await waitFor(async () => (await inventory.levels([variantId]))[0]?.available === 2, {
      timeoutMs: 5_000,
    });
  });
});
