import type { Money } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type CurrencyBalance,
  type GetBalanceResponse,
  type LedgerEntry,
  LedgerEntryKind,
  type Payout,
  PayoutStatus,
  PayoutsService,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { GatewayDeps } from "../../module.js";
import { operation, signedIn } from "../../operation.js";
import type { PageRequest } from "../../rest-schema.js";
import { type MoneyJson, moneyJson, orNull } from "../catalog-common.js";
import { enumName, enumValue } from "../catalog-json.js";
import { isoTime } from "../rest.js";
import type {
  CurrencyBalanceModel,
  LedgerEntryModel,
  PayoutModel,
  PayoutStatusName,
  SellerBalanceModel,
} from "./schemas.js";

/** Money the contract always sets (an amount, a balance). */
function money(value: Money | undefined): MoneyJson {
  const json = moneyJson(value);
  if (!json) throw new Error("the sellers service answered without an amount");
  return json;
}

/** One currency's balance as clients see it. */
function currencyBalanceJson(balance: CurrencyBalance): CurrencyBalanceModel {
  return {
    currency: balance.available?.currency ?? "",
    available: money(balance.available),
    inPayout: money(balance.inPayout),
    updatedAt: isoTime(balance.updatedAt),
  };
}

/** A storefront's balances as clients see them. */
function balanceJson(answer: GetBalanceResponse): SellerBalanceModel {
  return { storefrontId: answer.storefrontId, balances: answer.balances.map(currencyBalanceJson) };
}

/** A ledger entry as clients see it: kind in snake case, unset links and order figures null. */
function ledgerEntryJson(entry: LedgerEntry): LedgerEntryModel {
  return {
    id: entry.id,
    storefrontId: entry.storefrontId,
    kind: enumName(LedgerEntryKind, entry.kind) as LedgerEntryModel["kind"],
    amount: money(entry.amount),
    balanceAfter: money(entry.balanceAfter),
    orderId: orNull(entry.orderId),
    payoutId: orNull(entry.payoutId),
    gross: moneyJson(entry.gross),
    commission: moneyJson(entry.commission),
    commissionBps: entry.kind === LedgerEntryKind.ORDER_CREDIT ? entry.commissionBps : null,
    createdAt: isoTime(entry.createdAt),
  };
}

/** A payout as clients see it: status lower-case, unset fields null. */
function payoutJson(payout: Payout | undefined): PayoutModel {
  if (!payout) throw new Error("the sellers service answered without a payout");
  return {
    id: payout.id,
    storefrontId: payout.storefrontId,
    amount: money(payout.amount),
    status: enumName(PayoutStatus, payout.status) as PayoutStatusName,
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

/** The storefront an input names: absent or null is the caller's own (the contract's ""). */
type StorefrontInput = { storefrontId?: string | null | undefined };

/**
 * Sellers' balances and payouts, served by the sellers service. Only the caller's sign-in is
 * checked here; whose balance a caller may see and who marks payouts are the service's rules.
 * Field names in refusals are the service's; the adapters rename them.
 */
export function payoutsOperations({ services }: GatewayDeps, serviceName = "sellers") {
  const payouts = () => services.client(serviceName, PayoutsService);
  const one = async (answer: Promise<{ payout?: Payout | undefined }>) => payoutJson((await answer).payout);
  return {
    /** A storefront's balance per currency. */
    balance: operation(signedIn, async (_ctx, input: StorefrontInput) =>
      balanceJson(await payouts().getBalance({ storefrontId: input.storefrontId ?? "" })),
    ),

    /** A storefront's balance ledger, newest first, one page. */
    ledger: operation(
      signedIn,
      async (_ctx, input: StorefrontInput & PageRequest & { currency?: string | null | undefined }) => {
        const page = await payouts().listLedgerEntries({
          storefrontId: input.storefrontId ?? "",
          currency: upperCurrency(input.currency),
          limit: input.limit,
          cursor: input.cursor,
        });
        return { items: page.entries.map(ledgerEntryJson), nextCursor: page.nextCursor };
      },
    ),

    /** Payouts, newest first, one page: of a storefront, or of every storefront for an admin. */
    list: operation(
      signedIn,
      async (_ctx, input: StorefrontInput & PageRequest & { status?: PayoutStatusName | undefined }) => {
        const page = await payouts().listPayouts({
          storefrontId: input.storefrontId ?? "",
          status: input.status ? enumValue(PayoutStatus, input.status) : PayoutStatus.UNSPECIFIED,
          limit: input.limit,
          cursor: input.cursor,
        });
        return { items: page.payouts.map(payoutJson), nextCursor: page.nextCursor };
      },
    ),

    /** Pays out the caller's whole available balance in one currency. */
    request: operation(signedIn, (_ctx, input: { currency: string }) =>
      one(payouts().requestPayout({ currency: upperCurrency(input.currency) })),
    ),

    /** Marks a requested payout paid, with the transfer's reference. */
    markPaid: operation(signedIn, (_ctx, input: { id: string; reference?: string | null | undefined }) =>
      one(payouts().markPayoutPaid({ id: input.id, reference: input.reference ?? "" })),
    ),

    /** Marks a requested payout failed; its amount goes back to the balance. */
    markFailed: operation(signedIn, (_ctx, input: { id: string; reason: string }) =>
      one(payouts().markPayoutFailed(input)),
    ),
  };
}

/** The payouts domain's operations. */
export type PayoutsOperations = ReturnType<typeof payoutsOperations>;
