import { Type } from "typebox";
import type { RestApp } from "../../domain.js";
import { PageQuery, ref, restPage, VariantParams } from "../../rest-schema.js";
import { clientField, orNull, renamingFields } from "../catalog-common.js";
import type { InventoryOperations } from "./operations.js";
import { AdjustmentBody, StockLevel, StockMovementPage, StockQuery, ThresholdBody } from "./schemas.js";

const body = clientField("body");
const query = clientField("querystring");

/** REST under /api/v1/inventory: each route declares its operation's access and calls it. */
export function inventoryRoutes(app: RestApp, ops: InventoryOperations): void {
  app.get(
    "/inventory",
    {
      config: { access: ops.stock.access },
      schema: {
        summary:
          "Stock of variants (their storefront's owner or an admin; another storefront's variant: 403); variants never stocked are left out",
        querystring: StockQuery,
        response: { 200: Type.Object({ items: Type.Array(ref(StockLevel)) }) },
      },
    },
    async (request) => {
      const variantIds = request.query.variantIds.split(",");
      return { items: await renamingFields(ops.stock(request.ctx, { variantIds }), query) };
    },
  );

  app.post(
    "/inventory/:variantId/adjustments",
    {
      config: { access: ops.adjust.access },
      schema: {
        summary: "Add (or, as an adjustment, remove) units on hand, recorded in the ledger (owner or admin)",
        params: VariantParams,
        body: AdjustmentBody,
        response: { 200: ref(StockLevel) },
      },
    },
    (request) => renamingFields(ops.adjust(request.ctx, { ...request.params, ...request.body }), body),
  );

  app.put(
    "/inventory/:variantId/threshold",
    {
      config: { access: ops.setThreshold.access },
      schema: {
        summary: "Set the low-stock threshold; null clears it (owner or admin)",
        params: VariantParams,
        body: ThresholdBody,
        response: { 200: ref(StockLevel) },
      },
    },
    (request) => renamingFields(ops.setThreshold(request.ctx, { ...request.params, ...request.body }), body),
  );

  app.get(
    "/inventory/:variantId/movements",
    {
      config: { access: ops.movements.access },
      schema: {
        summary: "A variant's stock ledger, newest first (owner or admin)",
        params: VariantParams,
        querystring: PageQuery,
        response: { 200: ref(StockMovementPage) },
      },
    },
    async (request) => {
      const input = { ...request.params, ...restPage(request.query) };
      const page = await renamingFields(ops.movements(request.ctx, input), query);
      return { items: page.items, nextCursor: orNull(page.nextCursor) };
    },
  );
}
