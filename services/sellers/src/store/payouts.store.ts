import type { Caller, Database, Outbox, Tx } from "@mercato/platform";
import { NotFound } from "@mercato/platform";
import { and, asc, desc, eq, lt, type SQL, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import {
  assertMarkable,
  type CompletedOrder,
  nothingToPayOut,
  type PayoutStatusName,
  splitOrderTotal,
} from "../domain/payout-rules.js";
import { recordPayoutChanged } from "../events/payout-events.js";
import type { PayoutProvider } from "../upstream.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { payoutToProto } from "./payout-mappers.js";
import {
  type BalanceRow,
  balances,
  type LedgerEntryRow,
  ledgerEntries,
  type PayoutRow,
  payouts,
} from "./schema.js";
import type { Page } from "./storefronts.store.js";

/** One currency's balance of a storefront, with what requested payouts hold, in minor units. */
export interface CurrencyBalanceRow {
  currency: string;
  availableMinor: bigint;
  inPayoutMinor: bigint;
  updatedAt: Date;
}

/** What a list of payouts is narrowed to; undefined means any. */
export interface PayoutFilter {
  storefrontId?: string | undefined;
  status?: PayoutStatusName | undefined;
}

/** The balance row of a storefront in a currency, locked for the rest of the transaction; undefined when it has none. */
async function lockedBalance(
  tx: Tx,
  storefrontId: string,
  currency: string,
): Promise<BalanceRow | undefined> {
  const [row] = await tx
    .select()
    .from(balances)
    .where(and(eq(balances.storefrontId, storefrontId), eq(balances.currency, currency)))
    .for("update");
  return row;
}

/** Adds `amountMinor` to a locked balance and returns the new figure. */
async function moveBalance(tx: Tx, balance: BalanceRow, amountMinor: bigint): Promise<bigint> {
  const after = balance.availableMinor + amountMinor;
  await tx
    .update(balances)
    .set({ availableMinor: after, updatedAt: sql`now()` })
    .where(and(eq(balances.storefrontId, balance.storefrontId), eq(balances.currency, balance.currency)));
  return after;
}

/**
 * Credits a completed order to its storefront's balance, less the platform commission, in the
 * caller's transaction (the consumer's, which also records the event in the inbox). An order is
 * credited once: a second credit of the same order id changes nothing (unique order_id) and
 * returns false. The balance row is locked first, so credits and payout requests take turns.
 */
export async function creditCompletedOrder(
  tx: Tx,
  order: CompletedOrder,
  commissionBps: number,
): Promise<boolean> {
  const split = splitOrderTotal(order.grossMinor, commissionBps);
  await tx
    .insert(balances)
    .values({ storefrontId: order.storefrontId, currency: order.currency })
    .onConflictDoNothing();
  const balance = await lockedBalance(tx, order.storefrontId, order.currency);
  if (!balance) throw new Error(`balance row of ${order.storefrontId} in ${order.currency} vanished`);
  const [credited] = await tx
    .insert(ledgerEntries)
    .values({
      id: uuidv7(),
      storefrontId: order.storefrontId,
      currency: order.currency,
      kind: "order_credit",
      amountMinor: split.netMinor,
      balanceAfterMinor: balance.availableMinor + split.netMinor,
      orderId: order.orderId,
      grossMinor: split.grossMinor,
      commissionMinor: split.commissionMinor,
      commissionBps: split.commissionBps,
    })
    .onConflictDoNothing({ target: ledgerEntries.orderId })
    .returning({ id: ledgerEntries.id });
  if (!credited) return false;
  await moveBalance(tx, balance, split.netMinor);
  return true;
}

/**
 * Seller balances, their ledger and payouts. Every change of a balance locks its row
 * (storefront, currency) and writes the ledger entry in the same transaction, so the balance is
 * always the sum of its ledger and two payout requests never take the same money.
 */
export class Payouts {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    private readonly provider: PayoutProvider,
  ) {}

  /** The storefront's balance in each currency it has a ledger in, by currency code. */
  async balances(storefrontId: string): Promise<CurrencyBalanceRow[]> {
    const db = this.database.db;
    const rows = await db
      .select()
      .from(balances)
      .where(eq(balances.storefrontId, storefrontId))
      .orderBy(asc(balances.currency));
    const held = await db
      .select({ currency: payouts.currency, total: sql<string>`sum(${payouts.amountMinor})::text` })
      .from(payouts)
      .where(and(eq(payouts.storefrontId, storefrontId), eq(payouts.status, "requested")))
      .groupBy(payouts.currency);
    const heldBy = new Map(held.map((row) => [row.currency, BigInt(row.total)]));
    return rows.map((row) => ({
      currency: row.currency,
      availableMinor: row.availableMinor,
      inPayoutMinor: heldBy.get(row.currency) ?? 0n,
      updatedAt: row.updatedAt,
    }));
  }

  /** One page of the storefront's ledger, newest first, optionally in one currency only. */
  async ledger(
    storefrontId: string,
    currency: string | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<LedgerEntryRow>> {
    const conditions: SQL[] = [eq(ledgerEntries.storefrontId, storefrontId)];
    if (currency) conditions.push(eq(ledgerEntries.currency, currency));
    if (cursor !== undefined) conditions.push(lt(ledgerEntries.id, decodeCursor(cursor, "ledger").id));
    const rows = await this.database.db
      .select()
      .from(ledgerEntries)
      .where(and(...conditions))
      .orderBy(desc(ledgerEntries.id))
      .limit(limit + 1);
    return pageById(rows, limit, "ledger");
  }

  /** One page of payouts, newest first. */
  async list(filter: PayoutFilter, limit: number, cursor: string | undefined): Promise<Page<PayoutRow>> {
    const conditions: SQL[] = [];
    if (filter.storefrontId) conditions.push(eq(payouts.storefrontId, filter.storefrontId));
    if (filter.status) conditions.push(eq(payouts.status, filter.status));
    if (cursor !== undefined) conditions.push(lt(payouts.id, decodeCursor(cursor, "payouts").id));
    const rows = await this.database.db
      .select()
      .from(payouts)
      .where(and(...conditions))
      .orderBy(desc(payouts.id))
      .limit(limit + 1);
    return pageById(rows, limit, "payouts");
  }

  /**
   * Takes the storefront's whole available balance in `currency` as a requested payout for
   * `caller`, with its debit in the ledger, and hands it to the provider; FailedPrecondition when
   * nothing is available. The balance row is locked, so concurrent requests take it once.
   */
  async request(caller: Caller, storefrontId: string, currency: string): Promise<PayoutRow> {
    return this.database.transaction(async (tx) => {
      const balance = await lockedBalance(tx, storefrontId, currency);
      if (!balance || balance.availableMinor <= 0n) throw nothingToPayOut(currency);
      const id = uuidv7();
      const amountMinor = balance.availableMinor;
      await tx.insert(payouts).values({
        id,
        storefrontId,
        currency,
        amountMinor,
        status: "requested",
        requestedBy: caller.id,
        provider: this.provider.name,
      });
      await tx.insert(ledgerEntries).values({
        id: uuidv7(),
        storefrontId,
        currency,
        kind: "payout_debit",
        amountMinor: -amountMinor,
        balanceAfterMinor: 0n,
        payoutId: id,
      });
      await moveBalance(tx, balance, -amountMinor);
      const receipt = await this.provider.send({ payoutId: id, storefrontId, amountMinor, currency });
      const [row] = await tx
        .update(payouts)
        .set({ providerReference: receipt.reference })
        .where(eq(payouts.id, id))
        .returning();
      if (!row) throw new Error(`payout ${id} vanished`);
      await recordPayoutChanged(this.outbox, tx, "requested", payoutToProto(row));
      return row;
    });
  }

  /** Marks a requested payout paid by `caller` (an admin), keeping the provider's reference unless one is given. */
  async markPaid(caller: Caller, id: string, reference: string): Promise<PayoutRow> {
    return this.database.transaction(async (tx) => {
      const current = await this.lockedPayout(tx, id);
      assertMarkable(current);
      const [row] = await tx
        .update(payouts)
        .set({
          status: "paid",
          providerReference: reference || current.providerReference,
          decidedBy: caller.id,
          decidedAt: sql`now()`,
        })
        .where(eq(payouts.id, id))
        .returning();
      if (!row) throw new Error(`payout ${id} vanished`);
      await recordPayoutChanged(this.outbox, tx, "paid", payoutToProto(row));
      return row;
    });
  }

  /** Marks a requested payout failed by `caller` (an admin) and gives its amount back to the balance. */
  async markFailed(caller: Caller, id: string, reason: string): Promise<PayoutRow> {
    return this.database.transaction(async (tx) => {
      const current = await this.lockedPayout(tx, id);
      assertMarkable(current);
      const [row] = await tx
        .update(payouts)
        .set({ status: "failed", failureReason: reason, decidedBy: caller.id, decidedAt: sql`now()` })
        .where(eq(payouts.id, id))
        .returning();
      if (!row) throw new Error(`payout ${id} vanished`);
      const balance = await lockedBalance(tx, row.storefrontId, row.currency);
      if (!balance) throw new Error(`balance row of payout ${id} vanished`);
      await tx.insert(ledgerEntries).values({
        id: uuidv7(),
        storefrontId: row.storefrontId,
        currency: row.currency,
        kind: "payout_reversal",
        amountMinor: row.amountMinor,
        balanceAfterMinor: balance.availableMinor + row.amountMinor,
        payoutId: id,
      });
      await moveBalance(tx, balance, row.amountMinor);
      await recordPayoutChanged(this.outbox, tx, "failed", payoutToProto(row));
      return row;
    });
  }

  private async lockedPayout(tx: Tx, id: string): Promise<PayoutRow> {
    const [row] = await tx.select().from(payouts).where(eq(payouts.id, id)).for("update");
    if (!row) throw new NotFound(`payout ${id} not found`);
    return row;
  }
}

function pageById<T extends { id: string }>(rows: T[], limit: number, kind: "ledger" | "payouts"): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? encodeCursor({ kind, id: last.id }) : undefined,
  };
}
