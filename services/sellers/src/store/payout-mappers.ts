import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { MoneySchema } from "@mercato/contracts/mercato/common/v1/common_pb";
import {
  type CurrencyBalance,
  CurrencyBalanceSchema,
  type LedgerEntry,
  LedgerEntryKind,
  LedgerEntrySchema,
  type Payout,
  PayoutSchema,
  PayoutStatus,
} from "@mercato/contracts/mercato/sellers/v1/sellers_pb";
import type { LedgerKind, PayoutStatusName } from "../domain/payout-rules.js";
import type { LedgerEntryRow, PayoutRow } from "./schema.js";

const kinds: Readonly<Record<LedgerKind, LedgerEntryKind>> = {
  order_credit: LedgerEntryKind.ORDER_CREDIT,
  payout_debit: LedgerEntryKind.PAYOUT_DEBIT,
  payout_reversal: LedgerEntryKind.PAYOUT_REVERSAL,
};

const payoutStatuses: Readonly<Record<PayoutStatusName, PayoutStatus>> = {
  requested: PayoutStatus.REQUESTED,
  paid: PayoutStatus.PAID,
  failed: PayoutStatus.FAILED,
};

/** The stored payout status for the contract's; undefined for UNSPECIFIED (any). */
export function payoutStatusFromProto(status: PayoutStatus): PayoutStatusName | undefined {
  const found = Object.entries(payoutStatuses).find(([, value]) => value === status);
  return found?.[0] as PayoutStatusName | undefined;
}

const money = (amountMinor: bigint, currency: string) => create(MoneySchema, { amountMinor, currency });

/** One currency's balance as the contract speaks it. */
export function currencyBalanceToProto(balance: {
  currency: string;
  availableMinor: bigint;
  inPayoutMinor: bigint;
  updatedAt: Date;
}): CurrencyBalance {
  return create(CurrencyBalanceSchema, {
    available: money(balance.availableMinor, balance.currency),
    inPayout: money(balance.inPayoutMinor, balance.currency),
    updatedAt: timestampFromDate(balance.updatedAt),
  });
}

/** A stored ledger entry as the contract speaks it; gross and commission only on an order credit. */
export function ledgerEntryToProto(row: LedgerEntryRow): LedgerEntry {
  return create(LedgerEntrySchema, {
    id: row.id,
    storefrontId: row.storefrontId,
    kind: kinds[row.kind as LedgerKind] ?? LedgerEntryKind.UNSPECIFIED,
    amount: money(row.amountMinor, row.currency),
    balanceAfter: money(row.balanceAfterMinor, row.currency),
    orderId: row.orderId ?? "",
    payoutId: row.payoutId ?? "",
    ...(row.grossMinor === null ? {} : { gross: money(row.grossMinor, row.currency) }),
    ...(row.commissionMinor === null ? {} : { commission: money(row.commissionMinor, row.currency) }),
    commissionBps: row.commissionBps ?? 0,
    createdAt: timestampFromDate(row.createdAt),
  });
}

/** A stored payout as the contract speaks it. */
export function payoutToProto(row: PayoutRow): Payout {
  return create(PayoutSchema, {
    id: row.id,
    storefrontId: row.storefrontId,
    amount: money(row.amountMinor, row.currency),
    status: payoutStatuses[row.status as PayoutStatusName] ?? PayoutStatus.UNSPECIFIED,
    requestedBy: row.requestedBy,
    provider: row.provider,
    providerReference: row.providerReference,
    failureReason: row.failureReason,
    decidedBy: row.decidedBy ?? "",
    requestedAt: timestampFromDate(row.requestedAt),
    ...(row.decidedAt ? { decidedAt: timestampFromDate(row.decidedAt) } : {}),
  });
}
