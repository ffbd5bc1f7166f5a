import { type Static, Type } from "typebox";
import { closedObject, DateTime, nullable, PageQuery, page, stringEnum, Uuid } from "../../rest-schema.js";
import { Money, NullableMoney } from "../catalog-common.js";

/** Where a payout stands, as REST names it (GraphQL upper-cases it). */
export const payoutStatuses = ["requested", "paid", "failed"] as const;

/** A payout status as REST names it. */
export type PayoutStatusName = (typeof payoutStatuses)[number];

/** What a storefront holds in one currency (REST and GraphQL `CurrencyBalance`). */
const CurrencyBalance = Type.Object({
  currency: Type.String({ description: "ISO 4217" }),
  available: Money,
  inPayout: Money,
  updatedAt: DateTime,
});

/** What the GraphQL `CurrencyBalance` resolves from. */
export type CurrencyBalanceModel = Static<typeof CurrencyBalance>;

/** A storefront's balance in every currency it has earned in (REST and GraphQL `SellerBalance`). */
export const SellerBalance = Type.Object(
  {
    storefrontId: Uuid,
    // Written out so that the OpenAPI document keeps the description before the items.
    balances: Type.Unsafe<CurrencyBalanceModel[]>({
      type: "array",
      description: "one per currency the storefront has earned in, by currency code",
      items: CurrencyBalance,
    }),
  },
  { $id: "SellerBalance" },
);

/** What the GraphQL `SellerBalance` resolves from. */
export type SellerBalanceModel = Static<typeof SellerBalance>;

/** One change of a storefront's balance (lower-case kind; GraphQL upper-cases it). */
export const LedgerEntry = Type.Object(
  {
    id: Uuid,
    storefrontId: Uuid,
    kind: stringEnum(["order_credit", "payout_debit", "payout_reversal"]),
    amount: Money,
    balanceAfter: Money,
    orderId: nullable(Type.String({ description: "for an order credit" })),
    payoutId: nullable(Type.String({ description: "for a payout debit or reversal" })),
    gross: NullableMoney,
    commission: NullableMoney,
    commissionBps: nullable(Type.Integer({ description: "basis points (1000 = 10%), for an order credit" })),
    createdAt: DateTime,
  },
  { $id: "LedgerEntry" },
);

/** What the GraphQL `LedgerEntry` resolves from. */
export type LedgerEntryModel = Static<typeof LedgerEntry>;

/** Money on its way from the marketplace to a seller (lower-case status; GraphQL upper-cases it). */
export const Payout = Type.Object(
  {
    id: Uuid,
    storefrontId: Uuid,
    amount: Money,
    status: stringEnum(payoutStatuses),
    requestedBy: Type.String({ description: "account that requested it" }),
    provider: Type.String({ description: "payout provider, e.g. manual" }),
    providerReference: nullable(Type.String({ description: "reference of the transfer" })),
    failureReason: nullable(Type.String()),
    decidedBy: nullable(Type.String({ description: "admin who marked it" })),
    requestedAt: DateTime,
    decidedAt: nullable(Type.String({ format: "date-time" })),
  },
  { $id: "Payout" },
);

/** What the GraphQL `Payout` resolves from. */
export type PayoutModel = Static<typeof Payout>;

/** A REST page of ledger entries. */
export const LedgerEntryPage = page("LedgerEntryPage", LedgerEntry);

/** A REST page of payouts. */
export const PayoutPage = page("PayoutPage", Payout);

const storefrontId = Type.Optional(
  Type.String({ format: "uuid", description: "the storefront; default the caller's own (admins name one)" }),
);

const currency = (description: string) => Type.String({ pattern: "^[A-Za-z]{3}$", description });

/** REST query of a balance: the storefront, by default the caller's own. */
export const BalanceQuery = closedObject({ storefrontId });

/** REST query of a ledger page: the storefront and a currency to keep to. */
export const LedgerQuery = closedObject({
  ...PageQuery.properties,
  storefrontId,
  currency: Type.Optional(currency("only entries in this currency")),
});

/** REST query of a payout page: the storefront and a status to keep to. */
export const PayoutListQuery = closedObject({
  ...PageQuery.properties,
  storefrontId,
  status: Type.Optional(stringEnum(payoutStatuses)),
});

/** REST body of a payout request: the currency whose whole balance to pay out. */
export const PayoutRequestBody = closedObject({ currency: currency("ISO 4217, e.g. EUR") });

/** REST body of marking a payout paid: a transfer reference, or no body at all. */
export const PaidBody = nullable(
  closedObject({
    reference: Type.Optional(Type.String({ maxLength: 200, description: "reference of the transfer" })),
  }),
);

/** REST body of marking a payout failed: why, shown to the seller. */
export const FailedBody = closedObject({
  reason: Type.String({ minLength: 1, maxLength: 500, description: "shown to the seller" }),
});
