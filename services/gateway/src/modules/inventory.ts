import {
  InventoryService,
  type Movement,
  MovementReason,
  type StockLevel,
} from "@mercato/contracts/mercato/inventory/v1/inventory_pb";
import type { RequestContext } from "@mercato/platform";
import { PermissionDenied } from "@mercato/platform";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  clientField,
  connection,
  dateTime,
  jsonInteger,
  nullableString,
  orNull,
  pageQueryProperties,
  pageSchema,
  pageSize,
  renamingFields,
  uuid,
  variantParams,
} from "./catalog-common.js";
import { enumName, enumValue } from "./catalog-json.js";
import { bearerSecurity, errorResponses, isoTime } from "./rest.js";

/** A variant's stock as clients see it. */
function stockJson(level: StockLevel | undefined) {
  if (!level) throw new Error("the inventory service answered without a stock level");
  return {
    variantId: level.variantId,
    productId: level.productId,
    onHand: jsonInteger(level.onHand),
    reserved: jsonInteger(level.reserved),
    available: jsonInteger(level.available),
    lowStockThreshold: level.lowStockThreshold === undefined ? null : jsonInteger(level.lowStockThreshold),
    low: level.low,
    version: jsonInteger(level.version),
    updatedAt: isoTime(level.updatedAt),
  };
}

/** A ledger entry as clients see it. */
function movementJson(movement: Movement) {
  return {
    id: movement.id,
    variantId: movement.variantId,
    quantity: jsonInteger(movement.quantity),
    reason: enumName(MovementReason, movement.reason),
    note: movement.note,
    actorId: movement.actorId,
    reservationId: orNull(movement.reservationId),
    onHandAfter: jsonInteger(movement.onHandAfter),
    createdAt: isoTime(movement.createdAt),
  };
}

/**
 * Stock is for sellers and admins: buyers see availability through products and carts. The
 * inventory service refuses a seller any variant of another storefront (403), as it does changes.
 */
function sellerOrAdmin(ctx: RequestContext): void {
  const caller = requireCaller(ctx);
  if (!caller.roles.includes("seller") && !caller.roles.includes("admin"))
    throw new PermissionDenied("stock is for sellers and admins");
}

const schema = /* GraphQL */ `
  "Why on-hand stock changed."
  enum StockMovementReason {
    "Units received"
    REPLENISHMENT
    "A correction up or down"
    ADJUSTMENT
    "Units sold by a checkout"
    SALE
    "Units back from a cancelled order"
    CANCELLATION
  }
  "The reasons a seller records by hand."
  enum StockAdjustmentReason {
    REPLENISHMENT
    ADJUSTMENT
  }
  "A variant's stock."
  type StockLevel {
    variantId: ID!
    productId: ID!
    onHand: Int!
    "Held by checkouts in progress"
    reserved: Int!
    "On hand minus reserved"
    available: Int!
    "Null when none is set"
    lowStockThreshold: Int
    "Available is below the threshold"
    low: Boolean!
    version: Int!
    "ISO 8601"
    updatedAt: String!
  }
  "One entry of a variant's stock ledger."
  type StockMovement {
    id: ID!
    variantId: ID!
    "Positive in, negative out"
    quantity: Int!
    reason: StockMovementReason!
    note: String!
    actorId: ID!
    reservationId: ID
    onHandAfter: Int!
    "ISO 8601"
    createdAt: String!
  }
  "One entry of a page."
  type StockMovementEdge {
    cursor: String
    node: StockMovement!
  }
  "A page of ledger entries."
  type StockMovementConnection {
    edges: [StockMovementEdge!]!
    pageInfo: PageInfo!
  }
  extend type Query {
    "Stock of variants (their storefront's owner or an admin; another storefront's variant is PERMISSION_DENIED); variants never stocked are left out"
    stock(variantIds: [ID!]!): [StockLevel!]!
    "A variant's ledger, newest first (its storefront's owner or an admin)"
    stockMovements(variantId: ID!, first: Int, after: String): StockMovementConnection!
  }
  extend type Mutation {
    "Add (or, as an adjustment, remove) units on hand (the storefront's owner or an admin)"
    adjustStock(variantId: ID!, quantity: Int!, reason: StockAdjustmentReason!, note: String): StockLevel!
    "Set the level below which a low-stock event is published; null clears it"
    setLowStockThreshold(variantId: ID!, threshold: Int): StockLevel!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const tags = ["inventory"];
const reasons = ["replenishment", "adjustment"] as const;

const stockSchema = {
  $id: "StockLevel",
  type: "object",
  required: [
    "variantId",
    "productId",
    "onHand",
    "reserved",
    "available",
    "lowStockThreshold",
    "low",
    "version",
  ],
  properties: {
    variantId: uuid,
    productId: uuid,
    onHand: { type: "integer" },
    reserved: { type: "integer", description: "held by checkouts in progress" },
    available: { type: "integer", description: "on hand minus reserved" },
    lowStockThreshold: { type: ["integer", "null"] },
    low: { type: "boolean" },
    version: { type: "integer" },
    updatedAt: dateTime,
  },
} as const;

const movementSchema = {
  $id: "StockMovement",
  type: "object",
  required: ["id", "variantId", "quantity", "reason", "note", "actorId", "reservationId", "onHandAfter"],
  properties: {
    id: uuid,
    variantId: uuid,
    quantity: { type: "integer", description: "positive in, negative out" },
    reason: { type: "string", enum: ["replenishment", "adjustment", "sale", "cancellation"] },
    note: { type: "string" },
    actorId: { type: "string" },
    reservationId: { type: ["string", "null"] },
    onHandAfter: { type: "integer" },
    createdAt: dateTime,
  },
} as const;

async function sellerRoute(request: FastifyRequest): Promise<void> {
  sellerOrAdmin(request.ctx);
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const inventory = () => services.client(serviceName, InventoryService);
  for (const shared of [stockSchema, movementSchema, pageSchema("StockMovementPage", "StockMovement#")])
    app.addSchema(shared);
  const body = clientField("body");
  const one = { 200: { $ref: "StockLevel#" }, ...errors };

  app.get<{ Querystring: { variantIds: string } }>(
    "/inventory",
    {
      onRequest: sellerRoute,
      schema: {
        tags,
        summary:
          "Stock of variants (their storefront's owner or an admin; another storefront's variant: 403); variants never stocked are left out",
        security,
        querystring: {
          type: "object",
          required: ["variantIds"],
          additionalProperties: false,
          properties: {
            variantIds: {
              type: "string",
              pattern: "^[0-9a-fA-F-]{36}(,[0-9a-fA-F-]{36}){0,199}$",
              description: "comma-separated variant ids, 1 to 200",
            },
          },
        },
        response: {
          200: {
            type: "object",
            required: ["items"],
            properties: { items: { type: "array", items: { $ref: "StockLevel#" } } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const answer = await renamingFields(
        inventory().getStock({ variantIds: request.query.variantIds.split(",") }),
        clientField("querystring", {}),
      );
      return { items: answer.levels.map(stockJson) };
    },
  );

  app.post<{
    Params: { variantId: string };
    Body: { quantity: number; reason: (typeof reasons)[number]; note?: string | null };
  }>(
    "/inventory/:variantId/adjustments",
    {
      onRequest: sellerRoute,
      schema: {
        tags,
        summary: "Add (or, as an adjustment, remove) units on hand, recorded in the ledger (owner or admin)",
        security,
        params: variantParams,
        body: {
          type: "object",
          required: ["quantity", "reason"],
          additionalProperties: false,
          properties: {
            quantity: { type: "integer", minimum: -1_000_000, maximum: 1_000_000, not: { const: 0 } },
            reason: { type: "string", enum: reasons },
            note: nullableString(500),
          },
        },
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        inventory().adjustStock({
          variantId: request.params.variantId,
          quantity: BigInt(request.body.quantity),
          reason: enumValue(MovementReason, request.body.reason),
          note: request.body.note ?? "",
        }),
        body,
      );
      return stockJson(answer.level);
    },
  );

  app.put<{ Params: { variantId: string }; Body: { threshold: number | null } }>(
    "/inventory/:variantId/threshold",
    {
      onRequest: sellerRoute,
      schema: {
        tags,
        summary: "Set the low-stock threshold; null clears it (owner or admin)",
        security,
        params: variantParams,
        body: {
          type: "object",
          required: ["threshold"],
          additionalProperties: false,
          properties: { threshold: { type: ["integer", "null"], minimum: 0, maximum: 1_000_000 } },
        },
        response: one,
      },
    },
    async (request) => {
      const threshold = request.body.threshold;
      const answer = await renamingFields(
        inventory().setLowStockThreshold({
          variantId: request.params.variantId,
          ...(threshold === null ? {} : { threshold: BigInt(threshold) }),
        }),
        body,
      );
      return stockJson(answer.level);
    },
  );

  app.get<{ Params: { variantId: string }; Querystring: { limit: number; cursor?: string } }>(
    "/inventory/:variantId/movements",
    {
      onRequest: sellerRoute,
      schema: {
        tags,
        summary: "A variant's stock ledger, newest first (owner or admin)",
        security,
        params: variantParams,
        querystring: { type: "object", additionalProperties: false, properties: pageQueryProperties },
        response: { 200: { $ref: "StockMovementPage#" }, ...errors },
      },
    },
    async (request) => {
      const page = await renamingFields(
        inventory().listMovements({
          variantId: request.params.variantId,
          limit: request.query.limit,
          cursor: request.query.cursor ?? "",
        }),
        clientField("querystring"),
      );
      return { items: page.movements.map(movementJson), nextCursor: orNull(page.nextCursor) };
    },
  );
}

const upperReason = (movement: ReturnType<typeof movementJson>) => movement.reason.toUpperCase();

/**
 * Seller operations on the private inventory service: stock levels, adjustments, low-stock
 * thresholds and the ledger, in GraphQL and REST under /api/v1/inventory.
 */
export function inventoryGatewayModule(serviceName = "inventory"): GatewayModule {
  return defineGatewayModule({
    name: "inventory",
    schema,
    resolvers: ({ services }) => {
      const inventory = () => services.client(serviceName, InventoryService);
      const args = clientField(null, { cursor: "after", limit: "first" });
      return {
        StockMovement: { reason: upperReason },
        Query: {
          stock: async (_root: unknown, a: { variantIds: string[] }, context: GraphqlContext) => {
            sellerOrAdmin(context.ctx);
            const answer = await renamingFields(inventory().getStock({ variantIds: a.variantIds }), args);
            return answer.levels.map(stockJson);
          },
          stockMovements: async (
            _root: unknown,
            a: { variantId: string; first?: number | null; after?: string | null },
            context: GraphqlContext,
          ) => {
            sellerOrAdmin(context.ctx);
            const page = await renamingFields(
              inventory().listMovements({
                variantId: a.variantId,
                limit: pageSize(a.first),
                cursor: a.after ?? "",
              }),
              args,
            );
            return connection(page.movements.map(movementJson), page.nextCursor);
          },
        },
        Mutation: {
          adjustStock: async (
            _root: unknown,
            a: { variantId: string; quantity: number; reason: string; note?: string | null },
            context: GraphqlContext,
          ) => {
            sellerOrAdmin(context.ctx);
            const answer = await renamingFields(
              inventory().adjustStock({
                variantId: a.variantId,
                quantity: BigInt(a.quantity),
                reason: enumValue(MovementReason, a.reason),
                note: a.note ?? "",
              }),
              args,
            );
            return stockJson(answer.level);
          },
          setLowStockThreshold: async (
            _root: unknown,
            a: { variantId: string; threshold?: number | null },
            context: GraphqlContext,
          ) => {
            sellerOrAdmin(context.ctx);
            const answer = await renamingFields(
              inventory().setLowStockThreshold({
                variantId: a.variantId,
                ...(a.threshold === null || a.threshold === undefined
                  ? {}
                  : { threshold: BigInt(a.threshold) }),
              }),
              args,
            );
            return stockJson(answer.level);
          },
        },
      };
    },
    rest: async (app, { services }) => {
      await app.register(async (scoped) => restRoutes(scoped, services, serviceName));
    },
  });
}
