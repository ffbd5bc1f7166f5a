import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import {
  InventoryService,
  MovementReason,
  ReservationStatus,
} from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { ProductChangedSchema } from "@mercato/contracts/mercato/products/v1/products_pb";
import { StorefrontChangedSchema } from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import { createRpcClient, type RunningService } from "@mercato/platform";
import { waitFor } from "@mercato/testing";
import { eventEnvelope } from "@mercato/testing/identity-events";
import {
  failure,
  openServiceRig,
  pgliteFixture,
  type ServiceRig,
  startTestService,
} from "@mercato/testing/service-fixture";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inventoryService } from "../src/index.js";

describe("InventoryService over RPC (PGlite)", () => {
  let rig: ServiceRig;
  let service: RunningService;
  let client: ReturnType<typeof createRpcClient<typeof InventoryService>>;

  beforeAll(async () => {
    rig = await openServiceRig(() => pgliteFixture({ postgis: false }), "mercato.inventory.>");
    service = await startTestService(inventoryService, rig);
    client = createRpcClient(InventoryService, { baseUrl: service.url, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await rig?.close();
  });

  /** Call options of the orders service, the one caller reservations accept. */
  const ordersService = async () => ({
    headers: { authorization: `Bearer ${await rig.serviceTokens.sign("orders")}` },
  });

  const account = async (roles: string[]) => {
    const id = uuidv7();
    const jwt = await rig.issuer.sign({ sub: id, roles });
    return { id, as: { headers: { authorization: `Bearer ${jwt}` } } };
  };

  /** A storefront owned by a new seller with one product of one variant, known to inventory through events. */
  const listedVariant = async () => {
    const owner = await account(["seller"]);
    const storefrontId = uuidv7();
    const variantId = uuidv7();
    await rig.bus.publish(
      eventEnvelope(
        "mercato.sellers.storefront.created",
        StorefrontChangedSchema,
        create(StorefrontChangedSchema, { storefront: { id: storefrontId, ownerId: owner.id, version: 1n } }),
      ),
    );
    await rig.bus.publish(
      eventEnvelope(
        "mercato.products.product.created",
        ProductChangedSchema,
        create(ProductChangedSchema, {
          product: { id: uuidv7(), storefrontId, variants: [{ id: variantId }], version: 1n },
        }),
      ),
    );
    await waitFor(async () => {
      try {
        await client.listMovements({ variantId }, owner.as);
        return true;
      } catch {
        return false;
      }
    });
    return { owner, variantId };
  };

  it("lets the owner stock, page the ledger and set a threshold; others get 403, 404 or 401", async () => {
    const { owner, variantId } = await listedVariant();
    for (const quantity of [5n, 3n, -2n]) {
      await client.adjustStock(
        {
          variantId,
          quantity,
          reason: quantity > 0n && quantity !== 3n ? MovementReason.REPLENISHMENT : MovementReason.ADJUSTMENT,
          note: "count",
        },
        owner.as,
      );
    }
    const first = await client.listMovements({ variantId, limit: 2 }, owner.as);
    expect(first.movements.map((m) => Number(m.quantity))).toEqual([-2, 3]);
    const second = await client.listMovements({ variantId, limit: 2, cursor: first.nextCursor }, owner.as);
    expect(second.movements.map((m) => Number(m.quantity))).toEqual([5]);
    expect(second.nextCursor).toBe("");
    const { level } = await client.setLowStockThreshold({ variantId, threshold: 2n }, owner.as);
    expect(level).toMatchObject({ onHand: 6n, available: 6n, lowStockThreshold: 2n, low: false });

    const other = await account(["seller"]);
    expect(
      (
        await failure(
          client.adjustStock({ variantId, quantity: 1n, reason: MovementReason.ADJUSTMENT }, other.as),
        )
      ).code,
    ).toBe(Code.PermissionDenied);
    expect((await failure(client.listMovements({ variantId }, other.as))).code).toBe(Code.PermissionDenied);
    expect(
      (
        await failure(
          client.adjustStock(
            { variantId: uuidv7(), quantity: 1n, reason: MovementReason.ADJUSTMENT },
            owner.as,
          ),
        )
      ).code,
    ).toBe(Code.NotFound);
    expect(
      (await failure(client.adjustStock({ variantId, quantity: 1n, reason: MovementReason.ADJUSTMENT })))
        .code,
    ).toBe(Code.Unauthenticated);
    expect(
      (await client.getStock({ variantIds: [variantId, uuidv7()] }, owner.as)).levels.map((l) => l.onHand),
    ).toEqual([6n]);
  });

  it("GetStock shows stock to the variant's owner, admins and services only, and availability to anybody", async () => {
    const { owner, variantId } = await listedVariant();
    const theirs = await listedVariant();
    await client.adjustStock({ variantId, quantity: 7n, reason: MovementReason.REPLENISHMENT }, owner.as);
    await client.setLowStockThreshold({ variantId, threshold: 3n }, owner.as);
    const full = { variantId, onHand: 7n, reserved: 0n, available: 7n, lowStockThreshold: 3n };
    const stock = (as?: { headers: { authorization: string } }, availabilityOnly = false) =>
      client.getStock({ variantIds: [variantId], availabilityOnly }, as);

    expect((await stock(owner.as)).levels).toEqual([expect.objectContaining(full)]);
    expect((await stock((await account(["admin"])).as)).levels).toEqual([expect.objectContaining(full)]);
    expect((await stock(await ordersService())).levels).toEqual([expect.objectContaining(full)]);

    for (const someone of [theirs.owner, await account(["buyer"])]) {
      const refused = await failure(stock(someone.as));
      expect(refused.code).toBe(Code.PermissionDenied);
      expect(refused.message).toContain(variantId);
    }
    // One foreign variant among the caller's own refuses the whole request.
    const mixed = await failure(
      client.getStock({ variantIds: [theirs.variantId, variantId] }, theirs.owner.as),
    );
    expect(mixed.code).toBe(Code.PermissionDenied);
    // A foreign variant that was never stocked is refused too, not answered with nothing.
    const unstocked = await failure(client.getStock({ variantIds: [theirs.variantId] }, owner.as));
    expect(unstocked.code).toBe(Code.PermissionDenied);
    expect(unstocked.message).toContain(theirs.variantId);
    expect((await failure(stock())).code).toBe(Code.Unauthenticated);

    for (const as of [undefined, theirs.owner.as]) {
      const [level] = (await stock(as, true)).levels;
      expect(level).toMatchObject({ variantId, available: 7n, onHand: 0n, reserved: 0n, version: 0n });
      expect(level?.lowStockThreshold).toBeUndefined();
    }
  });

  it("GetStock shows each change of the stock at once, though it reads through the cache", async () => {
    const { owner, variantId } = await listedVariant();
    const level = async () => (await client.getStock({ variantIds: [variantId] }, owner.as)).levels[0];
    expect(await level()).toBeUndefined();
    await client.adjustStock({ variantId, quantity: 5n, reason: MovementReason.REPLENISHMENT }, owner.as);
    expect(await level()).toMatchObject({ onHand: 5n, available: 5n });
    expect(await rig.kv.get(`inventory:available:${variantId}`)).toContain('"onHand":5');
    const orders = await ordersService();
    const reservationId = uuidv7();
    await client.reserve({ reservationId, lines: [{ variantId, quantity: 2n }], ttlSeconds: 60 }, orders);
    expect(await level()).toMatchObject({ onHand: 5n, reserved: 2n, available: 3n });
    await client.commitReservation({ reservationId }, orders);
    expect(await level()).toMatchObject({ onHand: 3n, reserved: 0n, available: 3n });
    await client.setLowStockThreshold({ variantId, threshold: 4n }, owner.as);
    expect(await level()).toMatchObject({ available: 3n, lowStockThreshold: 4n, low: true });
  });

  it("refuses malformed requests with InvalidArgument naming the field", async () => {
    const { owner, variantId } = await listedVariant();
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => client.adjustStock({ variantId, quantity: 0n, reason: MovementReason.ADJUSTMENT }, owner.as),
        "quantity",
      ],
      [
        () => client.adjustStock({ variantId, quantity: 1n, reason: MovementReason.SALE }, owner.as),
        "reason",
      ],
      [
        () =>
          client.adjustStock({ variantId: "x", quantity: 1n, reason: MovementReason.ADJUSTMENT }, owner.as),
        "variant_id",
      ],
      [() => client.listMovements({ variantId, cursor: "not-a-cursor" }, owner.as), "cursor"],
      [() => client.reserve({ reservationId: uuidv7(), lines: [], ttlSeconds: 60 }, owner.as), "lines"],
      [
        () =>
          client.reserve(
            { reservationId: uuidv7(), lines: [{ variantId, quantity: 0n }], ttlSeconds: 60 },
            owner.as,
          ),
        "lines[0].quantity",
      ],
      [
        () =>
          client.reserve(
            { reservationId: uuidv7(), lines: [{ variantId, quantity: 1n }], ttlSeconds: 0 },
            owner.as,
          ),
        "ttl_seconds",
      ],
      [() => client.getStock({ variantIds: [] }, owner.as), "variant_ids"],
    ];
    for (const [call, field] of cases) {
      const result = await failure(call());
      expect(result.code).toBe(Code.InvalidArgument);
      expect(result.fields).toEqual([field]);
    }
  });

  it("reserves, refuses a short reservation naming the line, commits and releases", async () => {
    const { owner, variantId } = await listedVariant();
    await client.adjustStock({ variantId, quantity: 4n, reason: MovementReason.REPLENISHMENT }, owner.as);
    const buyer = await account(["buyer"]);
    const orders = await ordersService();
    const short = await failure(
      client.reserve(
        { reservationId: uuidv7(), lines: [{ variantId, quantity: 5n }], ttlSeconds: 60 },
        orders,
      ),
    );
    expect(short.code).toBe(Code.FailedPrecondition);
    expect(short.fields).toEqual(["lines[0].quantity"]);
    const sold = uuidv7();
    const { reservation } = await client.reserve(
      { reservationId: sold, lines: [{ variantId, quantity: 3n }], ttlSeconds: 60 },
      orders,
    );
    expect(reservation?.status).toBe(ReservationStatus.HELD);
    expect(
      (await client.commitReservation({ reservationId: sold, actorId: buyer.id }, orders)).reservation
        ?.status,
    ).toBe(ReservationStatus.COMMITTED);
    const given = uuidv7();
    await client.reserve(
      { reservationId: given, lines: [{ variantId, quantity: 1n }], ttlSeconds: 60 },
      orders,
    );
    expect((await client.releaseReservation({ reservationId: given }, orders)).reservation?.status).toBe(
      ReservationStatus.RELEASED,
    );
    const [level] = (await client.getStock({ variantIds: [variantId] }, owner.as)).levels;
    expect(level).toMatchObject({ onHand: 1n, reserved: 0n, available: 1n });
    const { movements } = await client.listMovements({ variantId }, owner.as);
    expect(movements[0]).toMatchObject({
      reason: MovementReason.SALE,
      actorId: buyer.id,
      reservationId: sold,
    });
    // Users, buyers and the owner alike, cannot hold, sell or free stock themselves.
    for (const user of [buyer, owner]) {
      const reservationId = uuidv7();
      for (const call of [
        () =>
          client.reserve({ reservationId, lines: [{ variantId, quantity: 1n }], ttlSeconds: 60 }, user.as),
        () => client.commitReservation({ reservationId: sold }, user.as),
        () => client.releaseReservation({ reservationId: given }, user.as),
      ])
        expect((await failure(call())).code).toBe(Code.PermissionDenied);
    }
    expect(
      (
        await failure(
          client.reserve({ reservationId: uuidv7(), lines: [{ variantId, quantity: 1n }], ttlSeconds: 60 }),
        )
      ).code,
    ).toBe(Code.Unauthenticated);
  });
});
