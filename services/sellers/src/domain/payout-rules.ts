import type { OrderStatusChanged } from "@mercato/contracts/mercato/orders/v1/events_pb";
import {
  type Caller,
  FailedPrecondition,
  InvalidArgument,
  NotFound,
  PermanentEventError,
  PermissionDenied,
} from "@mercato/platform";
import { validate as isUuid } from "uuid";
import { checkedText, isAdmin, mayManage, maySee } from "./storefront-rules.js";

/** Where a payout stands: `requested` until an admin marks it `paid` or `failed` (both final). */
export type PayoutStatusName = "requested" | "paid" | "failed";

/** Why a balance changed. */
export type LedgerKind = "order_credit" | "payout_debit" | "payout_reversal";

/** Basis points in a whole (10000 bps = 100%). */
export const bpsPerWhole = 10_000n;

/** An order total split into the platform's commission and the seller's net, in minor units. */
export interface OrderSplit {
  grossMinor: bigint;
  commissionMinor: bigint;
  netMinor: bigint;
  commissionBps: number;
}

/**
 * Splits a non-negative order total: the commission is `gross × bps / 10000` rounded half up to a
 * whole minor unit (so 1005 at 10% is 101), and the seller keeps the rest. Integer arithmetic only.
 */
export function splitOrderTotal(grossMinor: bigint, commissionBps: number): OrderSplit {
  if (grossMinor < 0n) throw new RangeError(`an order total is never negative (got ${grossMinor})`);
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 10_000) {
    throw new RangeError(`commission must be 0 to 10000 basis points (got ${commissionBps})`);
  }
  const commissionMinor = (grossMinor * BigInt(commissionBps) + bpsPerWhole / 2n) / bpsPerWhole;
  return { grossMinor, commissionMinor, netMinor: grossMinor - commissionMinor, commissionBps };
}

/** A completed order as the balance ledger needs it. */
export interface CompletedOrder {
  orderId: string;
  storefrontId: string;
  currency: string;
  grossMinor: bigint;
}

/** An OrderStatusChanged that cannot be credited (it is parked at once, never retried or half-applied). */
export class UncreditableOrder extends PermanentEventError {
  constructor(message: string) {
    super(`OrderStatusChanged cannot be credited: ${message}`);
    this.name = "UncreditableOrder";
  }
}

/** The completed order an OrderStatusChanged announces; UncreditableOrder when a field is missing or malformed. */
export function completedOrderFrom(message: OrderStatusChanged): CompletedOrder {
  if (!isUuid(message.orderId))
    throw new UncreditableOrder(`order_id ${JSON.stringify(message.orderId)} is no UUID`);
  if (!isUuid(message.storefrontId))
    throw new UncreditableOrder(`storefront_id ${JSON.stringify(message.storefrontId)} is no UUID`);
  const total = message.total;
  if (!total) throw new UncreditableOrder("total is missing");
  if (!/^[A-Z]{3}$/.test(total.currency))
    throw new UncreditableOrder(`total.currency ${JSON.stringify(total.currency)} is no ISO 4217 code`);
  if (total.amountMinor < 0n)
    throw new UncreditableOrder(`total.amount_minor ${total.amountMinor} is negative`);
  return {
    orderId: message.orderId.toLowerCase(),
    storefrontId: message.storefrontId.toLowerCase(),
    currency: total.currency,
    grossMinor: total.amountMinor,
  };
}

/** Refuses a caller who may not see a storefront's money: NotFound when it may not see the storefront at all. */
export function assertMaySeeMoney(caller: Caller, storefront: { ownerId: string; status: string }): void {
  if (!maySee(caller, storefront)) throw new NotFound("storefront not found");
  if (!mayManage(caller, storefront.ownerId)) {
    throw new PermissionDenied(
      "only the storefront's owner or an admin sees its balance, ledger and payouts",
    );
  }
}

/** Refuses a payout request for a storefront that is not active (a suspended one's money is held). */
export function assertMayRequestPayout(storefront: { status: string }): void {
  if (storefront.status !== "active") {
    throw new FailedPrecondition(
      `the storefront is ${storefront.status}; payouts are held until an admin activates it`,
    );
  }
}

/** Refuses anyone but an admin marking a payout. */
export function assertMayMarkPayouts(caller: Caller): void {
  if (!isAdmin(caller)) throw new PermissionDenied("only an admin marks payouts paid or failed");
}

/** Refuses a mark on a payout that is no longer requested: paid and failed are final. */
export function assertMarkable(payout: { id: string; status: string }): void {
  if (payout.status !== "requested") {
    throw new FailedPrecondition(
      `payout ${payout.id} is already ${payout.status}; only a requested payout can be marked paid or failed`,
    );
  }
}

/** The refusal of a payout request when nothing is available in the currency. */
export function nothingToPayOut(currency: string): FailedPrecondition {
  return new FailedPrecondition(`no available balance in ${currency} to pay out`);
}

/** A failure reason: trimmed, required, no control characters but line breaks. */
export function checkedFailureReason(reason: string): string {
  const trimmed = checkedText("reason", reason, { multiline: true }).trim();
  if (trimmed === "") throw InvalidArgument.field("reason", "is required: say why the payout failed");
  return trimmed;
}

/** A transfer reference: trimmed, optional, on one line. */
export function checkedReference(reference: string): string {
  return checkedText("reference", reference).trim();
}
