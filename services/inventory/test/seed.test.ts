import { MemoryKeyValue, migrateService, Outbox } from "@mercato/platform";
import { pgliteFixture } from "@mercato/testing/service-fixture";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Inventory, inventoryService, seedActor, seedStock } from "../src/index.js";

describe("inventory demo seed", () => {
  let fixture: Awaited<ReturnType<typeof pgliteFixture>>;
  let inventory: Inventory;
  let database: ReturnType<Awaited<ReturnType<typeof pgliteFixture>>["database"]>;

  beforeAll(async () => {
    fixture = await pgliteFixture({ postgis: false });
    database = fixture.database("inventory");
    await migrateService(inventoryService, database);
    inventory = new Inventory(database, new Outbox("inventory"), { kv: new MemoryKeyValue() });
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
  });

  it("stocks variants with one replenishment each, keeps what is there on a second run, and lets the owner manage them", async () => {
    const owner = uuidv7();
    const storefrontId = uuidv7();
    const productId = uuidv7();
    const rows = [12, 0, 60].map((onHand) => ({
      variantId: uuidv7(),
      productId,
      storefrontId,
      ownerId: owner,
      onHand,
    }));
    expect(await seedStock(database, rows)).toBe(3);
    expect(
      await seedStock(
        database,
        rows.map((row) => ({ ...row, onHand: 99 })),
      ),
    ).toBe(0);
    const levels = await inventory.levels(rows.map((row) => row.variantId));
    expect(levels.map((level) => [level.onHand, level.available, level.version])).toEqual([
      [12, 12, 1],
      [0, 0, 1],
      [60, 60, 1],
    ]);
    const caller = { id: owner, roles: ["seller" as const], claims: {} };
    const ledger = await inventory.movements(caller, rows[0]?.variantId ?? "", 10);
    expect(ledger).toMatchObject([
      { quantity: 12, reason: "replenishment", actorId: seedActor, onHandAfter: 12 },
    ]);
    expect(await inventory.movements(caller, rows[1]?.variantId ?? "", 10)).toEqual([]);
    const after = await inventory.adjust(caller, {
      variantId: rows[1]?.variantId ?? "",
      quantity: 5,
      reason: "replenishment",
    });
    expect(after).toMatchObject({ onHand: 5, version: 2 });
  });
});
