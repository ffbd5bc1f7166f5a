import type { RestApp } from "../../domain.js";
import { IdParams, ref, restPage, restPageOf } from "../../rest-schema.js";
import { clientField, renamingFields } from "../catalog-common.js";
import type { PayoutsOperations } from "./operations.js";
import {
  BalanceQuery,
  FailedBody,
  LedgerEntryPage,
  LedgerQuery,
  PaidBody,
  Payout,
  PayoutListQuery,
  PayoutPage,
  PayoutRequestBody,
  SellerBalance,
} from "./schemas.js";

const body = clientField("body", { id: "params.id" });
const query = clientField("querystring");

/** REST under /api/v1/payouts: each route declares its operation's access and calls it. */
export function payoutsRoutes(app: RestApp, ops: PayoutsOperations): void {
  const one = { 200: ref(Payout) };

  app.get(
    "/payouts/balance",
    {
      config: { access: ops.balance.access },
      schema: {
        summary: "A storefront's balance per currency: the caller's own, or any named one for an admin",
        querystring: BalanceQuery,
        response: { 200: ref(SellerBalance) },
      },
    },
    (request) => renamingFields(ops.balance(request.ctx, request.query), query),
  );

  app.get(
    "/payouts/ledger",
    {
      config: { access: ops.ledger.access },
      schema: {
        summary: "A storefront's balance ledger, newest first (owner or admin)",
        querystring: LedgerQuery,
        response: { 200: ref(LedgerEntryPage) },
      },
    },
    (request) => {
      const input = { ...request.query, ...restPage(request.query) };
      return restPageOf(renamingFields(ops.ledger(request.ctx, input), query));
    },
  );

  app.get(
    "/payouts",
    {
      config: { access: ops.list.access },
      schema: {
        summary:
          "Payouts, newest first: the caller's storefront's, a named one's, or every storefront's for an admin",
        querystring: PayoutListQuery,
        response: { 200: ref(PayoutPage) },
      },
    },
    (request) => {
      const input = { ...request.query, ...restPage(request.query) };
      return restPageOf(renamingFields(ops.list(request.ctx, input), query));
    },
  );

  app.post(
    "/payouts",
    {
      config: { access: ops.request.access },
      schema: {
        summary: "Pay out the caller's whole available balance in one currency (422 when it is 0)",
        body: PayoutRequestBody,
        response: { 201: ref(Payout) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await renamingFields(ops.request(request.ctx, request.body), body)),
  );

  app.post(
    "/payouts/:id/paid",
    {
      config: { access: ops.markPaid.access },
      schema: {
        summary: "Mark a requested payout paid (admin); 422 when it is already paid or failed",
        params: IdParams,
        body: PaidBody,
        response: one,
      },
    },
    (request) =>
      renamingFields(
        ops.markPaid(request.ctx, { id: request.params.id, reference: request.body?.reference }),
        body,
      ),
  );

  app.post(
    "/payouts/:id/failed",
    {
      config: { access: ops.markFailed.access },
      schema: {
        summary:
          "Mark a requested payout failed and give its amount back to the balance (admin); 422 when it is already paid or failed",
        params: IdParams,
        body: FailedBody,
        response: one,
      },
    },
    (request) => renamingFields(ops.markFailed(request.ctx, { ...request.params, ...request.body }), body),
  );
}
