import { create, fromBinary } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import {
  type StockLevelChanged,
  StockLevelChangedSchema,
  StockLowSchema,
} from "@mercato/contracts/mercato/inventory/v1/events_pb";
import { InventoryService } from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import {
  type Caller,
  createRpcClient,
  type Database,
  DomainError,
  type EventEnvelope,
  type KeyValue,
  MemoryEventBus,
  MemoryKeyValue,
  migrateService,
  Outbox,
  OutboxRelay,
  RedisKeyValue,
  type RunningService,
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
  type OrderCancellation,
  OutOfStock,
  orderCancelledConsumer,
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
    let kv: MemoryKeyValue;
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
      kv = new MemoryKeyValue();
      // Every read below goes through the cached levels, so each test also checks they follow the changes.
      inventory = new Inventory(database, new Outbox("inventory", () => relay.kick()), { kv });
    });

    afterAll(async () => {
      await relay?.stop();
      await bus?.close();
      await kv?.close();
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
    /** Reserves and commits `lines` under a new checkout id, as a placed order's checkout does. */
    const sold = async (lines: { variantId: string; quantity: number }[]) => {
      const id = uuidv7();
      await inventory.reserve({ id, lines, ttlMs: 60_000 });
      await inventory.commit(id, "checkout");
      return id;
    };
    /** Restocks a cancelled order as the consumer does, in a transaction of its own. */
    const cancel = (input: Pick<OrderCancellation, "reservationId" | "lines"> & Partial<OrderCancellation>) =>
      database.transaction((tx) =>
        inventory.restockCancelledOrder(tx, { orderId: uuidv7(), actorId: seller.id, reason: "", ...input }),
      );
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

    it("refuses an adjustment that would put more than 1,000,000,000 units on hand, naming quantity", async () => {
      const variantId = await stocked(1);
      await database.db.execute(
        sql`update inventory.stock_levels set on_hand = 999999000 where variant_id = ${variantId}`,
      );
      const full = await inventory.adjust(seller, { variantId, quantity: 1000, reason: "replenishment" });
      expect(full.onHand).toBe(1_000_000_000);
      const error = await refusal(
        inventory.adjust(seller, { variantId, quantity: 1, reason: "replenishment" }),
      );
      expect(error.code).toBe("INVALID_ARGUMENT");
      expect(error.violations.map((v) => v.field)).toEqual(["quantity"]);
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(1_000_000_000);
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
        { field: "lines[1].quantity", message: "out of stock: only 2 available" },
        { field: "lines[2].quantity", message: "out of stock: only 0 available" },
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

    it("records the release of a reservation it never saw, so a Reserve of that id arriving later holds nothing", async () => {
      const variantId = await stocked(2);
      const id = uuidv7();
      expect(await inventory.release(id)).toMatchObject({ id, status: "released", lines: [] });
      expect((await inventory.release(id)).status).toBe("released");
      const late = await refusal(
        inventory.reserve({ id, lines: [{ variantId, quantity: 2 }], ttlMs: 60_000 }),
      );
      expect(late).toMatchObject({ code: "FAILED_PRECONDITION", message: expect.stringMatching(/released/) });
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        onHand: 2,
        reserved: 0,
        available: 2,
      });
      expect((await refusal(inventory.commit(id, "checkout"))).code).toBe("FAILED_PRECONDITION");
    });

    it("leaves nothing held when releases race reserves of the same ids, whichever lands first", async () => {
      const variantId = await stocked(40);
      const ids = Array.from({ length: 20 }, () => uuidv7());
      await Promise.allSettled(
        ids.flatMap((id) => [
          inventory.reserve({ id, lines: [{ variantId, quantity: 2 }], ttlMs: 60_000 }),
          inventory.release(id),
        ]),
      );
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 40, reserved: 0 });
      for (const id of ids) expect((await inventory.reservation(id))?.status).toBe("released");
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
          .filter((e) => e.subject === eventSubjects.inventory.stockChanged.subject)
          .map((e) => fromBinary(StockLevelChangedSchema, e.payload))
          .filter((e) => e.variantId === variantId);
      const lows = () =>
        published
          .filter((e) => e.subject === eventSubjects.inventory.stockLow.subject)
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

    it("puts a cancelled order's units back on hand once, one cancellation movement per line naming the order", async () => {
      const first = await stocked(5);
      const second = await stocked(3);
      const checkout = await sold([
        { variantId: first, quantity: 2 },
        { variantId: second, quantity: 3 },
      ]);
      expect((await inventory.levels([first, second])).map((l) => l.onHand)).toEqual([3, 0]);
      const buyer = uuidv7();
      const orderId = uuidv7();
      const order: OrderCancellation = {
        orderId,
        reservationId: checkout,
        actorId: buyer,
        reason: " buyer changed their mind ",
        lines: [
          { variantId: second, productId: product, quantity: 3 },
          { variantId: first, productId: product, quantity: 2 },
        ],
      };
      const restocked = await database.transaction((tx) => inventory.restockCancelledOrder(tx, order));
      expect(restocked?.map((l) => [l.variantId, l.onHand, l.available])).toEqual([
        [first, 5, 5],
        [second, 3, 3],
      ]);
      expect((await inventory.levels([first, second])).map((l) => [l.onHand, l.reserved])).toEqual([
        [5, 0],
        [3, 0],
      ]);
      const [movement] = await inventory.movements(seller, first, 1);
      expect(movement).toMatchObject({
        quantity: 2,
        reason: "cancellation",
        note: `order ${orderId} cancelled: buyer changed their mind`,
        actorId: buyer,
        reservationId: checkout,
        orderId,
        onHandAfter: 5,
      });
      // The same order again (an event replayed under another id) changes nothing.
      expect(await database.transaction((tx) => inventory.restockCancelledOrder(tx, order))).toBeUndefined();
      expect((await inventory.levels([first, second])).map((l) => l.onHand)).toEqual([5, 3]);
      expect(await ledgerSum(first)).toBe(5);
      expect(await ledgerSum(second)).toBe(3);
    });

    it("puts back no more than a checkout sold, over all the orders of the checkout", async () => {
      const variantId = await stocked(6);
      // One checkout of 4 units, split into an order of 3 and an order of 1.
      const checkout = await sold([{ variantId, quantity: 4 }]);
      await cancel({ reservationId: checkout, lines: [{ variantId, productId: product, quantity: 3 }] });
      const tooMany = await refusal(
        cancel({ reservationId: checkout, lines: [{ variantId, productId: product, quantity: 2 }] }),
      );
      expect(tooMany.code).toBe("FAILED_PRECONDITION");
      expect(tooMany.violations).toEqual([
        { field: "lines[0].quantity", message: `only 1 sold by checkout ${checkout} and not yet put back` },
      ]);
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(5);
      await cancel({ reservationId: checkout, lines: [{ variantId, productId: product, quantity: 1 }] });
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(6);
      expect(await ledgerSum(variantId)).toBe(6);
    });

    it("refuses to restock an order whose reservation never sold its units", async () => {
      const variantId = await stocked(2);
      const held = uuidv7();
      await inventory.reserve({ id: held, lines: [{ variantId, quantity: 1 }], ttlMs: 60_000 });
      const released = uuidv7();
      await inventory.reserve({ id: released, lines: [{ variantId, quantity: 1 }], ttlMs: 60_000 });
      await inventory.release(released);
      for (const reservationId of [held, released]) {
        const error = await refusal(
          cancel({ reservationId, lines: [{ variantId, productId: product, quantity: 1 }] }),
        );
        expect(error.code).toBe("FAILED_PRECONDITION");
        expect(error.message).toMatch(/not committed/);
      }
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ onHand: 2, reserved: 1 });
      expect(await ledgerSum(variantId)).toBe(2);
    });

    it("creates the stock of a variant it never stocked when an order of it is cancelled", async () => {
      const variantId = uuidv7();
      const productId = uuidv7();
      await cancel({ reservationId: uuidv7(), lines: [{ variantId, productId, quantity: 2 }] });
      expect((await inventory.levels([variantId]))[0]).toMatchObject({
        productId,
        onHand: 2,
        reserved: 0,
        available: 2,
        version: 1,
      });
      expect(await ledgerSum(variantId)).toBe(2);
    });

    it("publishes the restocked level, and a restock back above the threshold re-arms StockLow", async () => {
      const variantId = await stocked(10);
      await inventory.setLowStockThreshold(seller, variantId, 5);
      const checkout = await sold([{ variantId, quantity: 7 }]); // 3 < 5: low
      await cancel({ reservationId: checkout, lines: [{ variantId, productId: product, quantity: 7 }] });
      expect((await inventory.levels([variantId]))[0]).toMatchObject({ available: 10, low: false });
      await inventory.adjust(seller, { variantId, quantity: -6, reason: "adjustment" }); // 4: low again
      const changes = () =>
        published
          .filter((e) => e.subject === eventSubjects.inventory.stockChanged.subject)
          .map((e) => fromBinary(StockLevelChangedSchema, e.payload))
          .filter((e) => e.variantId === variantId);
      const lows = () =>
        published
          .filter((e) => e.subject === eventSubjects.inventory.stockLow.subject)
          .map((e) => fromBinary(StockLowSchema, e.payload))
          .filter((e) => e.variantId === variantId);
      await waitFor(() => changes().length === 5);
      await waitFor(() => lows().length === 2);
      expect(changes().map((e) => [Number(e.onHand), Number(e.available)])).toEqual([
        [10, 10],
        [10, 3],
        [3, 3],
        [10, 10],
        [4, 4],
      ]);
      expect(lows().map((e) => [Number(e.available), Number(e.threshold)])).toEqual([
        [3, 5],
        [4, 5],
      ]);
    });

    it("refuses a malformed cancellation naming the field, and changes nothing", async () => {
      const variantId = await stocked(1);
      const checkout = await sold([{ variantId, quantity: 1 }]);
      const line = { variantId, productId: product, quantity: 1 };
      const cases: [Partial<OrderCancellation>, string][] = [
        [{ orderId: "not-an-order" }, "order_id"],
        [{ reservationId: "" }, "checkout_id"],
        [{ lines: [] }, "lines"],
        [{ lines: [{ ...line, variantId: "x" }] }, "lines[0].variant_id"],
        [{ lines: [{ ...line, productId: "" }] }, "lines[0].product_id"],
        [{ lines: [{ ...line, quantity: 0 }] }, "lines[0].quantity"],
        [{ lines: [{ ...line, quantity: -1 }] }, "lines[0].quantity"],
        [{ lines: [{ ...line, quantity: 1.5 }] }, "lines[0].quantity"],
        [{ lines: [{ ...line, quantity: 2_000_000 }] }, "lines[0].quantity"],
        [{ lines: [line, { ...line, productId: uuidv7() }] }, "lines[1].product_id"],
      ];
      for (const [input, field] of cases) {
        const error = await refusal(cancel({ reservationId: checkout, lines: [line], ...input }));
        expect(error.code).toBe("INVALID_ARGUMENT");
        expect(error.violations.map((v) => v.field)).toEqual([field]);
      }
      expect((await inventory.levels([variantId]))[0]?.onHand).toBe(0);
      expect(await ledgerSum(variantId)).toBe(0);
    });
  });
}

describeInventory("inventory on PGlite", () => pgliteFixture({ postgis: false }));

describeWithInfra("DATABASE_URL", "inventory on PostgreSQL", (url) => {
  describeInventory("store", () => postgresFixture(url, { prefix: "inventory", maxConnections: 10 }));
});

/** A key-value store for a suite, closed (and its keys removed) with it. */
interface KeyValueFixture {
  kv: KeyValue;
  close(): Promise<void>;
}

const memoryKeyValue = async (): Promise<KeyValueFixture> => {
  const kv = new MemoryKeyValue();
  return { kv, close: () => kv.close() };
};

/**
 * A RedisKeyValue under a prefix of its own, so that runs sharing one Redis never collide; every key
 * inventory writes expires by itself, so nothing is left behind for long.
 */
async function redisKeyValue(url: string): Promise<KeyValueFixture> {
  const kv = new RedisKeyValue({ url, keyPrefix: `mercato-test:inventory:${uuidv7()}:` });
  return { kv, close: () => kv.close() };
}

function describeService(
  label: string,
  openFixture: () => Promise<DatabaseFixture>,
  openKeyValue: () => Promise<KeyValueFixture>,
) {
  describe(label, () => {
    let fixture: DatabaseFixture;
    let keyValue: KeyValueFixture;
    let issuer: TestIssuer;
    let bus: MemoryEventBus;
    let running: RunningService;
    let database: Database;
    let inventory: Inventory;
    let client: ReturnType<typeof createRpcClient<typeof InventoryService>>;
    const changes: StockLevelChanged[] = [];

    beforeAll(async () => {
      fixture = await openFixture();
      keyValue = await openKeyValue();
      issuer = await createTestIssuer();
      bus = new MemoryEventBus();
      await bus.consume(
        {
          durable: "test-stock-changes",
          subject: eventSubjects.inventory.stockChanged.subject,
          backoffMs: [10],
        },
        async (event) => {
          changes.push(fromBinary(StockLevelChangedSchema, event.payload));
        },
      );
      running = await startTestService(inventoryService, {
        fixture,
        bus,
        kv: keyValue.kv,
        issuer,
        // Only the due hints can wake the sweeper after its first sweep at start.
        env: { RESERVATION_SWEEP_MS: "100", RESERVATION_FULL_SWEEP_MS: "3600000" },
      });
      database = fixture.database("inventory");
      // Another replica of the service: same database, same key-value store.
      inventory = new Inventory(database, new Outbox("inventory"), { kv: keyValue.kv });
      client = createRpcClient(InventoryService, { baseUrl: running.url, maxRetries: 0 });
    }, 120_000);

    afterAll(async () => {
      await running?.stop();
      await bus?.close();
      await issuer?.close();
      await keyValue?.close();
      await fixture?.close();
    });

    const available = async (variantId: string) =>
      (await client.getStock({ variantIds: [variantId], availabilityOnly: true })).levels[0]?.available;

    /** A variant of a new product of a new seller's storefront, learnt from the catalog events. */
    const listed = async () => {
      const owner: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
      const storefrontId = uuidv7();
      const productId = uuidv7();
      const variantId = uuidv7();
      await bus.publish(
        eventEnvelope(
          "mercato.sellers.storefront.created",
          StorefrontChangedSchema,
          create(StorefrontChangedSchema, {
            storefront: { id: storefrontId, ownerId: owner.id, version: 1n },
          }),
        ),
      );
      await bus.publish(
        eventEnvelope(
          "mercato.products.product.created",
          ProductChangedSchema,
          create(ProductChangedSchema, {
            product: { id: productId, storefrontId, variants: [{ id: variantId }], version: 1n },
          }),
        ),
      );
      await waitFor(async () => (await catalogVariant(database.db, variantId))?.ownerId === owner.id);
      return { owner, productId, variantId };
    };

    const cancelled = (order: {
      orderId: string;
      checkoutId: string;
      lines: { variantId: string; productId: string; quantity: bigint }[];
    }) =>
      eventEnvelope(
        eventSubjects.orders.orderCancelled.subject,
        OrderStatusChangedSchema,
        create(OrderStatusChangedSchema, {
          ...order,
          status: "cancelled",
          previousStatus: "accepted",
          actorId: uuidv7(),
          reason: "out of packaging",
          version: 3n,
        }),
      );

    const inInbox = async (eventId: string) =>
      rowsOf(await database.db.execute(sql`select 1 from inventory.inbox where event_id = ${eventId}`))
        .length > 0;

    it("learns variant owners from catalog events and gives an expired reservation's units back on its own", async () => {
      const { owner, variantId } = await listed();
      await inventory.adjust(owner, { variantId, quantity: 2, reason: "replenishment" });
      // Long enough that a busy machine still reads the hold before it runs out.
      await inventory.reserve({ id: uuidv7(), lines: [{ variantId, quantity: 2 }], ttlMs: 3_000 });
      expect(await available(variantId)).toBe(0n);
      await waitFor(async () => (await available(variantId)) === 2n, { timeoutMs: 20_000 });
    });

    it("puts a cancelled order's units back on hand from OrderStatusChanged, once, and publishes the level", async () => {
      const { owner, productId, variantId } = await listed();
      await inventory.adjust(owner, { variantId, quantity: 5, reason: "replenishment" });
      const checkoutId = uuidv7();
      await inventory.reserve({ id: checkoutId, lines: [{ variantId, quantity: 3 }], ttlMs: 60_000 });
      await inventory.commit(checkoutId, "checkout");
      expect(await available(variantId)).toBe(2n);
      const order = { orderId: uuidv7(), checkoutId, lines: [{ variantId, productId, quantity: 3n }] };
      await bus.publish(cancelled(order));
      await waitFor(async () => (await available(variantId)) === 5n);
      await waitFor(() => changes.some((c) => c.variantId === variantId && c.available === 5n));
      const [movement] = await inventory.movements(owner, variantId, 1);
      expect(movement).toMatchObject({ quantity: 3, reason: "cancellation", orderId: order.orderId });
      // The same order under another event id (a replay from the orders service) puts nothing back.
      const replay = cancelled(order);
      await bus.publish(replay);
      await waitFor(() => inInbox(replay.id));
      expect(await available(variantId)).toBe(5n);
      expect((await inventory.movements(owner, variantId, 10)).map((m) => m.quantity)).toEqual([3, -3, 5]);
    });

    it("parks a malformed cancellation with an error naming the field", async () => {
      const { productId, variantId } = await listed();
      const consumer = running.consumers.get(orderCancelledConsumer);
      if (!consumer) throw new Error("no order-cancelled consumer");
      const bad = cancelled({
        orderId: uuidv7(),
        checkoutId: uuidv7(),
        lines: [{ variantId, productId, quantity: 0n }],
      });
      // The last attempt: the bus has redelivered it until now.
      expect(await consumer.handle(bad, 5)).toBe("parked");
      const parked = (await consumer.parked()).find((p) => p.event.id === bad.id);
      expect(parked?.error).toContain("lines[0].quantity: must be 1 or more");
      expect(await client.getStock({ variantIds: [variantId], availabilityOnly: true })).toMatchObject({
        levels: [],
      });
    });
  });
}

describeService("the inventory service on PGlite", () => pgliteFixture({ postgis: false }), memoryKeyValue);

describeWithInfra("DATABASE_URL", "the inventory service on PostgreSQL", (url) => {
  describeService(
    "with its key-value store",
    () => postgresFixture(url, { prefix: "inventory", maxConnections: 10 }),
    memoryKeyValue,
  );
});

describeWithInfra("REDIS_URL", "the inventory service on Redis", (url) => {
  describeService(
    "and PGlite",
    () => pgliteFixture({ postgis: false }),
    () => redisKeyValue(url),
  );
});
