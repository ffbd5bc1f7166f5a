import {
  type CurrencyBalance,
  type GetBalanceResponse,
  type LedgerEntry,
  LedgerEntryKind,
  type Payout,
  PayoutStatus,
  PayoutsService,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { defineGatewayModule, type GatewayModule, type GraphqlContext, requireCaller } from "../module.js";
import type { ServiceDirectory } from "../services.js";
import {
  clientField,
  connection,
  dateTime,
  idParams,
  moneyJson,
  moneyRef,
  moneySchema,
  nullableMoneyRef,
  nullableMoneySchema,
  orNull,
  pageQueryProperties,
  pageSchema,
  pageSize,
  renamingFields,
  uuid,
} from "./catalog-common.js";
import { enumValue } from "./catalog-json.js";
import { bearerSecurity, errorResponses, isoTime } from "./rest.js";

/** A contract enum value as clients see it: `PAYOUT_STATUS_PAID` (2) → `paid`. */
function enumName(names: Record<number, string>, value: number): string {
  return (names[value] ?? "unspecified").toLowerCase();
}

/** One currency's balance as clients see it. */
function currencyBalanceJson(balance: CurrencyBalance) {
  return {
    currency: balance.available?.currency ?? "",
    available: moneyJson(balance.available),
    inPayout: moneyJson(balance.inPayout),
    updatedAt: isoTime(balance.updatedAt),
  };
}

/** A storefront's balances as clients see them. */
function balanceJson(answer: GetBalanceResponse) {
  return { storefrontId: answer.storefrontId, balances: answer.balances.map(currencyBalanceJson) };
}

/** A ledger entry as clients see it: kind in snake case, unset links and order figures null. */
function ledgerEntryJson(entry: LedgerEntry) {
  return {
    id: entry.id,
    storefrontId: entry.storefrontId,
    kind: enumName(LedgerEntryKind, entry.kind),
    amount: moneyJson(entry.amount),
    balanceAfter: moneyJson(entry.balanceAfter),
    orderId: orNull(entry.orderId),
    payoutId: orNull(entry.payoutId),
    gross: moneyJson(entry.gross),
    commission: moneyJson(entry.commission),
    commissionBps: entry.kind === LedgerEntryKind.ORDER_CREDIT ? entry.commissionBps : null,
    createdAt: isoTime(entry.createdAt),
  };
}

/** A payout as clients see it: status lower-case, unset fields null. */
function payoutJson(payout: Payout | undefined) {
  if (!payout) throw new Error("the sellers service answered without a payout");
  return {
    id: payout.id,
    storefrontId: payout.storefrontId,
    amount: moneyJson(payout.amount),
    status: enumName(PayoutStatus, payout.status),
    requestedBy: payout.requestedBy,
    provider: payout.provider,
    providerReference: orNull(payout.providerReference),
    failureReason: orNull(payout.failureReason),
    decidedBy: orNull(payout.decidedBy),
    requestedAt: isoTime(payout.requestedAt),
    decidedAt: isoTime(payout.decidedAt),
  };
}

const upperCurrency = (currency: string | null | undefined) => (currency ?? "").trim().toUpperCase();

const schema = /* GraphQL */ `
  "Why a seller's balance changed."
  enum LedgerEntryKind {
    "A completed order: its total less the platform commission"
    ORDER_CREDIT
    "A requested payout took the balance"
    PAYOUT_DEBIT
    "A failed payout gave its amount back"
    PAYOUT_REVERSAL
  }
  "Where a payout stands."
  enum PayoutStatus {
    "Taken from the balance; waiting for an admin to mark it"
    REQUESTED
    "The money reached the seller"
    PAID
    "The money did not reach the seller; its amount went back to the balance"
    FAILED
  }
  "What a storefront holds in one currency."
  type CurrencyBalance {
    "ISO 4217"
    currency: String!
    "What a payout request would take now: the sum of the ledger"
    available: Money!
    "Requested payouts not yet marked paid or failed"
    inPayout: Money!
    "ISO 8601"
    updatedAt: String!
  }
  "A storefront's balance in every currency it has earned in."
  type SellerBalance {
    storefrontId: ID!
    balances: [CurrencyBalance!]!
  }
  "One change of a storefront's balance."
  type LedgerEntry {
    id: ID!
    storefrontId: ID!
    kind: LedgerEntryKind!
    "Signed: what the entry adds to the balance"
    amount: Money!
    balanceAfter: Money!
    "For an order credit"
    orderId: ID
    "For a payout debit or reversal"
    payoutId: ID
    "The order total, for an order credit"
    gross: Money
    "The platform commission, for an order credit"
    commission: Money
    "Basis points (1000 = 10%), for an order credit"
    commissionBps: Int
    "ISO 8601"
    createdAt: String!
  }
  "One ledger entry of a page."
  type LedgerEntryEdge {
    "The cursor after this entry; only the last edge of a page that has a next one carries it."
    cursor: String
    node: LedgerEntry!
  }
  "A page of ledger entries, newest first."
  type LedgerEntryConnection {
    edges: [LedgerEntryEdge!]!
    pageInfo: PageInfo!
  }
  "Money on its way from the marketplace to a seller."
  type Payout {
    id: ID!
    storefrontId: ID!
    "The whole available balance in its currency when requested"
    amount: Money!
    status: PayoutStatus!
    "Account that requested it"
    requestedBy: ID!
    "The payout provider, e.g. manual"
    provider: String!
    "Reference of the transfer"
    providerReference: String
    failureReason: String
    "Admin who marked it"
    decidedBy: ID
    "ISO 8601"
    requestedAt: String!
    "ISO 8601"
    decidedAt: String
  }
  "One payout of a page."
  type PayoutEdge {
    "The cursor after this payout; only the last edge of a page that has a next one carries it."
    cursor: String
    node: Payout!
  }
  "A page of payouts, newest first."
  type PayoutConnection {
    edges: [PayoutEdge!]!
    pageInfo: PageInfo!
  }
  extend type Query {
    "A storefront's balance: the caller's own, or any named one for an admin"
    balance(storefrontId: ID): SellerBalance!
    "A storefront's balance ledger, newest first (owner or admin). first: 1 to 100, default 20"
    ledgerEntries(storefrontId: ID, "ISO 4217" currency: String, first: Int, after: String): LedgerEntryConnection!
    "Payouts, newest first: the caller's storefront's, a named one's, or every storefront's for an admin"
    payouts(storefrontId: ID, status: PayoutStatus, first: Int, after: String): PayoutConnection!
  }
  extend type Mutation {
    "Pay out the caller's whole available balance in one currency"
    requestPayout("ISO 4217" currency: String!): Payout!
    "Mark a requested payout paid (admin)"
    markPayoutPaid(id: ID!, "Reference of the transfer" reference: String): Payout!
    "Mark a requested payout failed and give its amount back to the balance (admin)"
    markPayoutFailed(id: ID!, "Shown to the seller" reason: String!): Payout!
  }
`;

const errors = errorResponses;
const security = bearerSecurity;
const tags = ["payouts"];
const payoutStatusNames = ["requested", "paid", "failed"] as const;
const currencyPattern = {
  type: "string",
  pattern: "^[A-Za-z]{3}$",
  description: "ISO 4217, e.g. EUR",
} as const;

const balanceSchema = {
  $id: "SellerBalance",
  type: "object",
  required: ["storefrontId", "balances"],
  properties: {
    storefrontId: uuid,
    balances: {
      type: "array",
      description: "one per currency the storefront has earned in, by currency code",
      items: {
        type: "object",
        required: ["currency", "available", "inPayout", "updatedAt"],
        properties: {
          currency: { type: "string", description: "ISO 4217" },
          available: {
            ...moneyRef,
            description: "what a payout request would take now: the sum of the ledger",
          },
          inPayout: { ...moneyRef, description: "requested payouts not yet marked paid or failed" },
          updatedAt: dateTime,
        },
      },
    },
  },
} as const;

const ledgerEntrySchema = {
  $id: "LedgerEntry",
  type: "object",
  required: [
    "id",
    "storefrontId",
    "kind",
    "amount",
    "balanceAfter",
    "orderId",
    "payoutId",
    "gross",
    "commission",
    "commissionBps",
    "createdAt",
  ],
  properties: {
    id: uuid,
    storefrontId: uuid,
    kind: { type: "string", enum: ["order_credit", "payout_debit", "payout_reversal"] },
    amount: { ...moneyRef, description: "signed: what the entry adds to the balance" },
    balanceAfter: moneyRef,
    orderId: { type: ["string", "null"], description: "for an order credit" },
    payoutId: { type: ["string", "null"], description: "for a payout debit or reversal" },
    gross: { ...nullableMoneyRef, description: "the order total, for an order credit" },
    commission: { ...nullableMoneyRef, description: "the platform commission, for an order credit" },
    commissionBps: {
      type: ["integer", "null"],
      description: "basis points (1000 = 10%), for an order credit",
    },
    createdAt: dateTime,
  },
} as const;

const payoutSchema = {
  $id: "Payout",
  type: "object",
  required: [
    "id",
    "storefrontId",
    "amount",
    "status",
    "requestedBy",
    "provider",
    "providerReference",
    "failureReason",
    "decidedBy",
    "requestedAt",
    "decidedAt",
  ],
  properties: {
    id: uuid,
    storefrontId: uuid,
    amount: moneyRef,
    status: { type: "string", enum: payoutStatusNames },
    requestedBy: { type: "string", description: "account that requested it" },
    provider: { type: "string", description: "payout provider, e.g. manual" },
    providerReference: { type: ["string", "null"], description: "reference of the transfer" },
    failureReason: { type: ["string", "null"] },
    decidedBy: { type: ["string", "null"], description: "admin who marked it" },
    requestedAt: dateTime,
    decidedAt: { type: ["string", "null"], format: "date-time" },
  },
} as const;

const ledgerPageSchema = pageSchema("LedgerEntryPage", "LedgerEntry#");
const payoutPageSchema = pageSchema("PayoutPage", "Payout#");

const storefrontQuery = {
  storefrontId: { ...uuid, description: "the storefront; default the caller's own (admins name one)" },
} as const;

/** Checked before validation, so an anonymous call is a 401 whatever it sends. */
async function signedIn(request: FastifyRequest): Promise<void> {
  requireCaller(request.ctx);
}

function restRoutes(app: FastifyInstance, services: ServiceDirectory, serviceName: string): void {
  const payouts = () => services.client(serviceName, PayoutsService);
  for (const shared of [
    moneySchema,
    nullableMoneySchema,
    balanceSchema,
    ledgerEntrySchema,
    payoutSchema,
    ledgerPageSchema,
    payoutPageSchema,
  ])
    app.addSchema(shared);
  const body = clientField("body", { id: "params.id" });
  const query = clientField("querystring");
  const one = { 200: { $ref: "Payout#" }, ...errors };

  app.get<{ Querystring: { storefrontId?: string } }>(
    "/payouts/balance",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "A storefront's balance per currency: the caller's own, or any named one for an admin",
        security,
        querystring: { type: "object", additionalProperties: false, properties: storefrontQuery },
        response: { 200: { $ref: "SellerBalance#" }, ...errors },
      },
    },
    async (request) =>
      balanceJson(
        await renamingFields(payouts().getBalance({ storefrontId: request.query.storefrontId ?? "" }), query),
      ),
  );

  app.get<{ Querystring: { storefrontId?: string; currency?: string; limit: number; cursor?: string } }>(
    "/payouts/ledger",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "A storefront's balance ledger, newest first (owner or admin)",
        security,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            ...storefrontQuery,
            currency: { ...currencyPattern, description: "only entries in this currency" },
          },
        },
        response: { 200: { $ref: "LedgerEntryPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await renamingFields(
        payouts().listLedgerEntries({
          storefrontId: q.storefrontId ?? "",
          currency: upperCurrency(q.currency),
          limit: q.limit,
          cursor: q.cursor ?? "",
        }),
        query,
      );
      return { items: page.entries.map(ledgerEntryJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.get<{
    Querystring: {
      storefrontId?: string;
      status?: (typeof payoutStatusNames)[number];
      limit: number;
      cursor?: string;
    };
  }>(
    "/payouts",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary:
          "Payouts, newest first: the caller's storefront's, a named one's, or every storefront's for an admin",
        security,
        querystring: {
          type: "object",
          additionalProperties: false,
          properties: {
            ...pageQueryProperties,
            ...storefrontQuery,
            status: { type: "string", enum: payoutStatusNames },
          },
        },
        response: { 200: { $ref: "PayoutPage#" }, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await renamingFields(
        payouts().listPayouts({
          storefrontId: q.storefrontId ?? "",
          status: q.status ? enumValue(PayoutStatus, q.status) : PayoutStatus.UNSPECIFIED,
          limit: q.limit,
          cursor: q.cursor ?? "",
        }),
        query,
      );
      return { items: page.payouts.map(payoutJson), nextCursor: orNull(page.nextCursor) };
    },
  );

  app.post<{ Body: { currency: string } }>(
    "/payouts",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Pay out the caller's whole available balance in one currency (422 when it is 0)",
        security,
        body: {
          type: "object",
          required: ["currency"],
          additionalProperties: false,
          properties: { currency: currencyPattern },
        },
        response: { 201: { $ref: "Payout#" }, ...errors },
      },
    },
    async (request, reply) => {
      const answer = await renamingFields(
        payouts().requestPayout({ currency: upperCurrency(request.body.currency) }),
        body,
      );
      return reply.status(201).send(payoutJson(answer.payout));
    },
  );

  app.post<{ Params: { id: string }; Body: { reference?: string } | undefined }>(
    "/payouts/:id/paid",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary: "Mark a requested payout paid (admin); 422 when it is already paid or failed",
        security,
        params: idParams,
        body: {
          type: ["object", "null"],
          additionalProperties: false,
          properties: {
            reference: { type: "string", maxLength: 200, description: "reference of the transfer" },
          },
        },
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        payouts().markPayoutPaid({ id: request.params.id, reference: request.body?.reference ?? "" }),
        body,
      );
      return payoutJson(answer.payout);
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string } }>(
    "/payouts/:id/failed",
    {
      onRequest: signedIn,
      schema: {
        tags,
        summary:
          "Mark a requested payout failed and give its amount back to the balance (admin); 422 when it is already paid or failed",
        security,
        params: idParams,
        body: {
          type: "object",
          required: ["reason"],
          additionalProperties: false,
          properties: {
            reason: { type: "string", minLength: 1, maxLength: 500, description: "shown to the seller" },
          },
        },
        response: one,
      },
    },
    async (request) => {
      const answer = await renamingFields(
        payouts().markPayoutFailed({ id: request.params.id, reason: request.body.reason }),
        body,
      );
      return payoutJson(answer.payout);
    },
  );
}

const pageRenames = { cursor: "after", limit: "first" };

/**
 * The public surface of sellers' balances and payouts (served by the sellers service): `balance`,
 * `ledgerEntries`, `payouts`, `requestPayout`, `markPayoutPaid` and `markPayoutFailed` in GraphQL
 * and REST under /api/v1/payouts. Its GraphQL types use Money and PageInfo of the sellers module.
 */
export function payoutsGatewayModule(serviceName = "sellers"): GatewayModule {
  return defineGatewayModule({
    name: "payouts",
    schema,
    resolvers: ({ services }) => {
      const payouts = () => services.client(serviceName, PayoutsService);
      const args = clientField(null, pageRenames);
      const signedInOnly = (context: GraphqlContext) => requireCaller(context.ctx);
      return {
        LedgerEntry: { kind: (entry: { kind: string }) => entry.kind.toUpperCase() },
        Payout: { status: (payout: { status: string }) => payout.status.toUpperCase() },
        Query: {
          balance: async (_root: unknown, a: { storefrontId?: string | null }, context: GraphqlContext) => {
            signedInOnly(context);
            return balanceJson(
              await renamingFields(payouts().getBalance({ storefrontId: a.storefrontId ?? "" }), args),
            );
          },
          ledgerEntries: async (
            _root: unknown,
            a: {
              storefrontId?: string | null;
              currency?: string | null;
              first?: number | null;
              after?: string | null;
            },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const page = await renamingFields(
              payouts().listLedgerEntries({
                storefrontId: a.storefrontId ?? "",
                currency: upperCurrency(a.currency),
                limit: pageSize(a.first),
                cursor: a.after ?? "",
              }),
              args,
            );
            return connection(page.entries.map(ledgerEntryJson), page.nextCursor);
          },
          payouts: async (
            _root: unknown,
            a: {
              storefrontId?: string | null;
              status?: string | null;
              first?: number | null;
              after?: string | null;
            },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const page = await renamingFields(
              payouts().listPayouts({
                storefrontId: a.storefrontId ?? "",
                status: a.status ? enumValue(PayoutStatus, a.status) : PayoutStatus.UNSPECIFIED,
                limit: pageSize(a.first),
                cursor: a.after ?? "",
              }),
              args,
            );
            return connection(page.payouts.map(payoutJson), page.nextCursor);
          },
        },
        Mutation: {
          requestPayout: async (_root: unknown, a: { currency: string }, context: GraphqlContext) => {
            signedInOnly(context);
            const answer = await renamingFields(
              payouts().requestPayout({ currency: upperCurrency(a.currency) }),
              args,
            );
            return payoutJson(answer.payout);
          },
          markPayoutPaid: async (
            _root: unknown,
            a: { id: string; reference?: string | null },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              payouts().markPayoutPaid({ id: a.id, reference: a.reference ?? "" }),
              args,
            );
            return payoutJson(answer.payout);
          },
          markPayoutFailed: async (
            _root: unknown,
            a: { id: string; reason: string },
            context: GraphqlContext,
          ) => {
            signedInOnly(context);
            const answer = await renamingFields(
              payouts().markPayoutFailed({ id: a.id, reason: a.reason }),
              args,
            );
            return payoutJson(answer.payout);
          },
        },
      };
    },
    rest: async (app, { services }) => {
      await app.register(async (scoped) => restRoutes(scoped, services, serviceName));
    },
  });
}
