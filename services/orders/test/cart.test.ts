import { fileURLToPath } from "node:url";
import {
  Conflict,
  type Database,
  FailedPrecondition,
  loadSqlMigrations,
  migrate,
  rowsOf,
} from "@mercato/platform";
import { describeWithInfra } from "@mercato/testing";
import { type DatabaseFixture, pgliteFixture, postgresFixture } from "@mercato/testing/service-fixture";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Carts, maxLineQuantity } from "../src/index.js";

const migrations = fileURLToPath(new URL("../src/store/migrations/", import.meta.url));
const price = { amountMinor: 450, currency: "EUR" };
const units = (cart: { lines: { variantId: string; quantity: number }[] }) =>
  cart.lines.map((line) => [line.variantId, line.quantity]);

function describeCartAdds(label: string, openFixture: () => Promise<DatabaseFixture>): void {
  describe(label, { timeout: 60_000 }, () => {
    let fixture: DatabaseFixture;
    let database: Database;
    let carts: Carts;

    beforeAll(async () => {
      fixture = await openFixture();
      database = fixture.database("orders");
      await migrate(database, await loadSqlMigrations(migrations));
      carts = new Carts(database);
    }, 60_000);

    afterAll(async () => {
      await fixture?.close();
    });

    /** Makes the buyer's add keys a day and a second old. */
    const ageKeys = (buyerId: string) =>
      database.db.execute(sql`
        update orders.cart_add_keys set created_at = now() - interval '1 day 1 second'
        where buyer_id = ${buyerId}`);

    it("adds once per idempotency key: a retry adds nothing and answers the cart as it is now, replayed", async () => {
      const [buyer, bread, bowl] = [uuidv7(), uuidv7(), uuidv7()];
      const first = await carts.add(buyer, bread, 2, price, "add-bread");
      expect(first.replayed).toBe(false);
      expect(units(first.cart)).toEqual([[bread, 2]]);
      await carts.add(buyer, bowl, 1, price);
      const retry = await carts.add(buyer, bread, 2, price, "add-bread");
      expect(retry.replayed).toBe(true);
      expect(units(retry.cart)).toEqual([
        [bread, 2],
        [bowl, 1],
      ]);
      expect(
        await carts.replay(buyer, { key: "add-bread", variantId: bread.toUpperCase(), quantity: 2 }),
      ).toEqual(retry.cart);
      // Keys are the buyer's own: another buyer's same key is another add.
      const stranger = await carts.add(uuidv7(), bread, 2, price, "add-bread");
      expect(stranger.replayed).toBe(false);
      // Without a key every add is new.
      expect(units((await carts.add(buyer, bread, 2, price)).cart)).toContainEqual([bread, 4]);
    });

    it("refuses a key used for another variant or quantity as a conflict naming the key, adding nothing", async () => {
      const [buyer, bread, bowl] = [uuidv7(), uuidv7(), uuidv7()];
      await carts.add(buyer, bread, 2, price, "key-1");
      for (const [variantId, quantity] of [
        [bowl, 2],
        [bread, 3],
      ] as const) {
        const refused = carts.add(buyer, variantId, quantity, price, "key-1");
        await expect(refused).rejects.toBeInstanceOf(Conflict);
        await expect(refused).rejects.toThrow(/idempotency key key-1 was used to add 2 of variant/);
        await expect(carts.replay(buyer, { key: "key-1", variantId, quantity })).rejects.toBeInstanceOf(
          Conflict,
        );
      }
      expect(units(await carts.get(buyer))).toEqual([[bread, 2]]);
    });

    it("adds once when two requests with one key arrive together", async () => {
      const [buyer, bread] = [uuidv7(), uuidv7()];
      const answers = await Promise.all([1, 2, 3].map(() => carts.add(buyer, bread, 5, price, "together")));
      expect(answers.map((a) => a.replayed).sort()).toEqual([false, true, true]);
      expect(units(await carts.get(buyer))).toEqual([[bread, 5]]);
    });

    it("keeps no key for a refused add, so the same key adds once the cart allows it", async () => {
      const [buyer, bread] = [uuidv7(), uuidv7()];
      await carts.add(buyer, bread, maxLineQuantity, price);
      await expect(carts.add(buyer, bread, 1, price, "one-more")).rejects.toBeInstanceOf(FailedPrecondition);
      await carts.update(buyer, bread, 1);
      const added = await carts.add(buyer, bread, 1, price, "one-more");
      expect(added.replayed).toBe(false);
      expect(units(added.cart)).toEqual([[bread, 2]]);
    });

    it("forgets a key after a day: the key adds again, and the sweep deletes only expired keys", async () => {
      const [buyer, other, bread] = [uuidv7(), uuidv7(), uuidv7()];
      await carts.add(buyer, bread, 1, price, "daily");
      await carts.add(other, bread, 1, price, "fresh");
      await ageKeys(buyer);
      expect(await carts.replay(buyer, { key: "daily", variantId: bread, quantity: 7 })).toBeUndefined();
      // Expired: even another quantity under the old key is a new add.
      const again = await carts.add(buyer, bread, 7, price, "daily");
      expect(again.replayed).toBe(false);
      expect(units(again.cart)).toEqual([[bread, 8]]);
      expect((await carts.add(buyer, bread, 7, price, "daily")).replayed).toBe(true);

      await ageKeys(buyer);
      expect(await carts.forgetExpiredAddKeys()).toBeGreaterThanOrEqual(1);
      const left = await database.db.execute(sql`
        select buyer_id from orders.cart_add_keys where buyer_id in (${buyer}, ${other})`);
      expect(rowsOf<{ buyer_id: string }>(left).map((row) => row.buyer_id)).toEqual([other]);
    });
  });
}

describeCartAdds("cart adds under idempotency keys on PGlite", () => pgliteFixture({ postgis: false }));

describeWithInfra("DATABASE_URL", "cart adds under idempotency keys on PostgreSQL", (url) => {
  describeCartAdds("a fresh database", () => postgresFixture(url, { prefix: "orders_cart_test" }));
});
