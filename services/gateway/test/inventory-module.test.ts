import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import {
  InventoryService,
  MovementReason,
  MovementSchema,
  type StockLevel,
  StockLevelSchema,
} from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import { InvalidArgument, type Listening } from "@mercato/platform";
import { createTestIssuer, type TestIssuer } from "@mercato/platform/auth/test-keys";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../src/app.js";
import { inventoryGatewayModule } from "../src/modules/inventory/index.js";
import {
  callRecorder,
  injectors,
  issuerAuthenticator,
  moduleGateway,
  type RecordedCall,
  signedIn,
  startFakeService,
} from "./module-harness.js";

const variantId = uuidv7();

/** An InventoryService holding one variant with 5 units; a cursor past 10 characters is refused by name. */
function fakeInventory(calls: RecordedCall[]) {
  const record = callRecorder(calls);
  let level: StockLevel = create(StockLevelSchema, {
    variantId,
    productId: uuidv7(),
    onHand: 5n,
    available: 5n,
    version: 1n,
    updatedAt: timestampNow(),
  });
  return {
    getStock: (request: { variantIds: string[] }, context: never) => {
      record("getStock", request, context);
      return { levels: request.variantIds.includes(variantId) ? [level] : [] };
    },
    adjustStock: (request: { quantity: bigint }, context: never) => {
      record("adjustStock", request, context);
      const onHand = level.onHand + request.quantity;
      level = create(StockLevelSchema, { ...level, onHand, available: onHand, version: level.version + 1n });
      return { level };
    },
    setLowStockThreshold: (request: { threshold?: bigint }, context: never) => {
      record("setLowStockThreshold", request, context);
      const { lowStockThreshold: _cleared, ...rest } = level;
      level = create(StockLevelSchema, {
        ...rest,
        ...(request.threshold === undefined ? {} : { lowStockThreshold: request.threshold }),
      });
      return { level };
    },
    listMovements: (request: { cursor: string; limit: number }, context: never) => {
      record("listMovements", request, context);
      if (request.cursor.length > 10) throw InvalidArgument.field("cursor", "is not one of ours");
      const movement = create(MovementSchema, {
        id: uuidv7(),
        variantId,
        quantity: 5n,
        reason: MovementReason.REPLENISHMENT,
        actorId: "seller",
        onHandAfter: 5n,
        createdAt: timestampNow(),
      });
      return { movements: [movement], nextCursor: "next" };
    },
  };
}

describe("inventory gateway domain: one operation behind REST and GraphQL", () => {
  let issuer: TestIssuer;
  let server: Listening;
  let gateway: Gateway;
  const calls: RecordedCall[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const authenticate = issuerAuthenticator(issuer);
    server = await startFakeService(InventoryService, fakeInventory(calls) as never, authenticate);
    gateway = await moduleGateway({
      services: [{ name: "inventory", url: server.url }],
      // The ledger's GraphQL connection uses PageInfo, which the catalog modules define.
      modules: [inventoryGatewayModule(), pageInfoModule],
      authenticate,
    });
  });

  afterAll(async () => {
    await gateway?.app.close();
    await server?.close();
    await issuer?.close();
  });

  beforeEach(() => {
    calls.length = 0;
  });

  const { rest, graphql } = injectors(() => gateway);
  const seller = () => signedIn(issuer, { roles: ["seller"] });

  it("answers an anonymous caller 401 before validating its input, and a buyer 403, in both APIs", async () => {
    const anonymous = await rest("POST", `/inventory/${variantId}/adjustments`, undefined, { quantity: 0 });
    expect(anonymous.statusCode).toBe(401);
    const buyer = await signedIn(issuer, { roles: ["buyer"] });
    const refused = await rest("GET", `/inventory?variantIds=${variantId}`, buyer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe("stock is for sellers and admins");
    const query = await graphql(
      "query($v: ID!) { stockMovements(variantId: $v, first: 0) { edges { cursor } } }",
      { v: variantId },
    );
    expect(query.json().errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(calls).toEqual([]);
  });

  it("refuses a zero adjustment over REST with 400 naming the body field", async () => {
    const response = await rest("POST", `/inventory/${variantId}/adjustments`, await seller(), {
      quantity: 0,
      reason: "adjustment",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details[0].field).toBe("body.quantity");
  });

  it("adjusts stock through the same operation from REST and GraphQL", async () => {
    const user = await seller();
    const viaRest = await rest("POST", `/inventory/${variantId}/adjustments`, user, {
      quantity: 2,
      reason: "replenishment",
    });
    expect(viaRest.statusCode).toBe(200);
    const onHand = viaRest.json().onHand as number;
    const viaGraphql = await graphql(
      "mutation($v: ID!) { adjustStock(variantId: $v, quantity: 3, reason: REPLENISHMENT) { onHand lowStockThreshold } }",
      { v: variantId },
      user,
    );
    expect(viaGraphql.json().data.adjustStock).toEqual({ onHand: onHand + 3, lowStockThreshold: null });
    expect(calls.map((call) => call.method)).toEqual(["adjustStock", "adjustStock"]);
  });

  it("pages the ledger: REST items and nextCursor, GraphQL edges with upper-case reasons", async () => {
    const user = await seller();
    const viaRest = await rest("GET", `/inventory/${variantId}/movements?limit=1`, user);
    expect(viaRest.json()).toMatchObject({ items: [{ reason: "replenishment" }], nextCursor: "next" });
    const viaGraphql = await graphql(
      "query($v: ID!) { stockMovements(variantId: $v, first: 1) { edges { cursor node { reason } } pageInfo { endCursor } } }",
      { v: variantId },
      user,
    );
    expect(viaGraphql.json().data.stockMovements).toEqual({
      edges: [{ cursor: "next", node: { reason: "REPLENISHMENT" } }],
      pageInfo: { endCursor: "next" },
    });
  });

  it("names a field the service refuses as each client sent it: querystring.cursor in REST, after in GraphQL", async () => {
    const user = await seller();
    const viaRest = await rest("GET", `/inventory/${variantId}/movements?cursor=far-too-long-cursor`, user);
    expect(viaRest.statusCode).toBe(400);
    expect(viaRest.json().error.details).toEqual([
      { field: "querystring.cursor", message: "is not one of ours" },
    ]);
    const viaGraphql = await graphql(
      'query($v: ID!) { stockMovements(variantId: $v, after: "far-too-long-cursor") { edges { cursor } } }',
      { v: variantId },
      user,
    );
    expect(viaGraphql.json().errors[0].extensions.details).toEqual([
      { field: "after", message: "is not one of ours" },
    ]);
  });

  it("sets and clears the low-stock threshold", async () => {
    const user = await seller();
    const set = await rest("PUT", `/inventory/${variantId}/threshold`, user, { threshold: 3 });
    expect(set.json().lowStockThreshold).toBe(3);
    const cleared = await graphql(
      "mutation($v: ID!) { setLowStockThreshold(variantId: $v, threshold: null) { lowStockThreshold } }",
      { v: variantId },
      user,
    );
    expect(cleared.json().data.setLowStockThreshold).toEqual({ lowStockThreshold: null });
  });
});

/** The one type the inventory SDL borrows from the catalog modules. */
const pageInfoModule = {
  name: "page-info",
  schema: /* GraphQL */ `
    type PageInfo {
      hasNextPage: Boolean!
      endCursor: String
    }
  `,
};
