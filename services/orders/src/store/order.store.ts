import type { Caller, Database, Executor, Outbox, Tx } from "@mercato/platform";
import {
  type DomainError,
  InvalidArgument,
  NotFound,
  serviceCallerPrefix,
  uuidArray,
} from "@mercato/platform";
import { and, asc, desc, eq, inArray, lt, ne, type SQL, sql } from "drizzle-orm";
import { validate as isUuid, v7 as uuidv7 } from "uuid";
import type { OrderSnapshot, PlannedOrder, WantedLine } from "../domain/checkout-plan.js";
import { maySee, nextStatus, type OrderAction, type OrderStatus } from "../domain/order-status.js";
import { recordCheckoutCompleted, recordOrderStatusChanged } from "../events/order-events.js";
import { checkoutFields, checkoutStatements, heldBy, inSeconds } from "./order.statements.js";
import {
  type CheckoutStatus,
  checkouts,
  type OrderRow,
  orderHistory,
  orders,
  type StoredCheckoutError,
} from "./schema.js";

/** One step of an order's history. */
export interface Transition {
  status: OrderStatus;
  actorId: string;
  reason: string;
  at: Date;
}

/** What one seller owes one buyer from one checkout. */
export interface Order {
  id: string;
  checkoutId: string;
  buyerId: string;
  storefrontId: string;
  sellerOwnerId: string;
  status: OrderStatus;
  snapshot: OrderSnapshot;
  carrier: string;
  trackingNumber: string;
  history: Transition[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * A checkout as stored: who, under which key, which lines, and how it ended. `abandoned`: given up
 * after a service was unavailable, kept only until inventory confirms its reservation released.
 */
export interface CheckoutRecord {
  id: string;
  buyerId: string;
  requestHash: string;
  status: CheckoutStatus;
  lines: WantedLine[];
  fromCart: boolean;
  error: StoredCheckoutError | undefined;
  /** Its lease ran out: whoever ran it is gone, and another attempt may take it over. */
  leaseExpired: boolean;
  /** Who holds the lease: every write of a running checkout must present it (a fence). */
  leaseToken: string;
  /** Its reservation may hold stock that inventory has not yet confirmed released (ADR 0026). */
  releaseOwed: boolean;
  createdAt: Date;
}

type CheckoutRow = Omit<CheckoutRecord, "error"> & { error: StoredCheckoutError | null };

function toCheckout(row: CheckoutRow): CheckoutRecord {
  return { ...row, error: row.error ?? undefined };
}

const now = sql`now()`;
const seconds = (ms: number) => sql`make_interval(secs => ${ms / 1000})`;
const leaseSql = (ms: number) => inSeconds(ms / 1000);

/** Which orders a list shows. */
export interface OrderFilter {
  buyerId?: string;
  sellerOwnerId?: string;
  storefrontId?: string;
  status?: OrderStatus;
}

/** Orders and the checkouts that create them. */
export class Orders {
  private readonly statements: ReturnType<typeof checkoutStatements>;

  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
  ) {
    this.statements = checkoutStatements(database.db);
  }

  /**
   * Claims the buyer's checkout under `key`: a new one is created pending with a lease of `leaseMs`;
   * an existing one is returned as it is, or taken over (with a fresh lease) when it is pending and
   * its lease ran out. `claimed` says whether the caller now runs it, `takenOver` whether it took
   * over one an earlier attempt began (which may have written orders).
   */
  async claimCheckout(
    input: {
      buyerId: string;
      key: string;
      requestHash: string;
      lines: readonly WantedLine[];
      fromCart: boolean;
      leaseMs: number;
    },
    attempt = 1,
  ): Promise<{ checkout: CheckoutRecord; claimed: boolean; takenOver: boolean }> {
    const [created] = await this.statements.claim.run(this.database.db, {
      id: uuidv7(),
      buyerId: input.buyerId,
      key: input.key,
      requestHash: input.requestHash,
      lines: [...input.lines],
      fromCart: input.fromCart,
      leaseSeconds: input.leaseMs / 1000,
      leaseToken: uuidv7(),
    });
    if (created) return { checkout: toCheckout(created), claimed: true, takenOver: false };
    const [taken] = await this.database.db
      .update(checkouts)
      .set({ leaseUntil: leaseSql(input.leaseMs), leaseToken: uuidv7(), updatedAt: now })
      .where(
        and(
          eq(checkouts.buyerId, input.buyerId),
          eq(checkouts.idempotencyKey, input.key),
          eq(checkouts.status, "pending"),
          lt(checkouts.leaseUntil, now),
          eq(checkouts.requestHash, input.requestHash),
        ),
      )
      .returning(checkoutFields);
    if (taken) return { checkout: toCheckout(taken), claimed: true, takenOver: true };
    const existing = await this.checkout(input.buyerId, input.key);
    // Gone between these statements: its runner or the recovery undid it (`abandon` without an
    // error, or `released`), which frees the key, so it is claimed afresh. Under load with replicas
    // (a lease running out mid-checkout) this happened and answered 500.
    if (!existing && attempt < 3) return this.claimCheckout(input, attempt + 1);
    if (!existing) throw new Error(`checkout ${input.key} of ${input.buyerId} vanished`);
    return { checkout: existing, claimed: false, takenOver: false };
  }

  /**
   * Takes over up to `limit` pending checkouts whose lease ran out (their runner is gone), each with
   * a fresh lease of `leaseMs`, so one replica alone finishes or undoes each.
   */
  async takeOverStale(limit: number, leaseMs: number): Promise<CheckoutRecord[]> {
    const stale = this.database.db
      .select({ id: checkouts.id })
      .from(checkouts)
      .where(and(eq(checkouts.status, "pending"), lt(checkouts.leaseUntil, now)))
      .orderBy(checkouts.leaseUntil)
      .limit(limit)
      .for("update", { skipLocked: true });
    const rows = await this.database.db
      .update(checkouts)
      .set({
        leaseUntil: leaseSql(leaseMs),
        leaseToken: sql`gen_random_uuid()`,
        updatedAt: now,
      })
      .where(inArray(checkouts.id, stale))
      .returning(checkoutFields);
    return rows.map(toCheckout);
  }

  /**
   * Takes up to `limit` given-up checkouts whose reservation is still owed a release and that nobody
   * has tried for `leaseMs` (the runner's own lease covers its first try), each for `leaseMs`.
   */
  async takeOwedReleases(limit: number, leaseMs: number): Promise<CheckoutRecord[]> {
    const owed = this.database.db
      .select({ id: checkouts.id })
      .from(checkouts)
      .where(and(sql`${checkouts.releaseOwed}`, lt(checkouts.leaseUntil, now)))
      .orderBy(checkouts.leaseUntil)
      .limit(limit)
      .for("update", { skipLocked: true });
    const rows = await this.database.db
      .update(checkouts)
      .set({ leaseUntil: leaseSql(leaseMs), leaseToken: sql`gen_random_uuid()` })
      .where(inArray(checkouts.id, owed))
      .returning(checkoutFields);
    return rows.map(toCheckout);
  }

  /**
   * Records that inventory released the checkout's reservation: a given-up checkout goes, so its key
   * may be used again; a refused one keeps its refusal.
   */
  async released(checkoutId: string): Promise<void> {
    await this.database.db
      .delete(checkouts)
      .where(and(eq(checkouts.id, checkoutId), eq(checkouts.status, "abandoned")));
    await this.database.db
      .update(checkouts)
      .set({ releaseOwed: false, updatedAt: now })
      .where(and(eq(checkouts.id, checkoutId), sql`${checkouts.releaseOwed}`));
  }

  /** The buyer's checkout under `key`, or undefined. */
  async checkout(buyerId: string, key: string): Promise<CheckoutRecord | undefined> {
    const [row] = await this.statements.checkout.run(this.database.db, { buyerId, key });
    return row && toCheckout(row);
  }

  /**
   * Writes the checkout's orders, still pending (invisible, publishing nothing), and renews this
   * runner's lease for `leaseMs` in the same transaction; a retry finds them written.
   */
  async createPending(
    checkout: CheckoutRecord,
    planned: readonly PlannedOrder[],
    leaseMs: number,
  ): Promise<void> {
    await this.database.transaction(async (tx) => {
      await this.renewLease(checkout, leaseMs, tx);
      for (const order of planned) {
        await this.statements.insertPending.run(tx, {
          id: uuidv7(),
          checkoutId: checkout.id,
          buyerId: checkout.buyerId,
          storefrontId: order.storefrontId,
          sellerOwnerId: order.sellerOwnerId,
          currency: order.snapshot.total.currency,
          totalMinor: order.snapshot.total.amountMinor,
          snapshot: order.snapshot,
        });
      }
    });
  }

  /**
   * Places the checkout's pending orders (history, OrderPlaced events) and completes the checkout, in
   * one transaction; `afterPlaced` runs in it too (emptying the cart). Returns the checkout's orders.
   */
  async place(checkout: CheckoutRecord, afterPlaced: (tx: Tx) => Promise<void>): Promise<Order[]> {
    return this.database.transaction(async (tx) => {
      await this.holdLease(tx, checkout);
      const placed = await this.statements.placePending.run(tx, { checkoutId: checkout.id });
      for (const row of placed) {
        const at = row.updatedAt;
        await this.statements.firstHistory.run(tx, { orderId: row.id, actorId: checkout.buyerId, at });
        const order = toOrder(row, [{ status: "placed", actorId: checkout.buyerId, reason: "", at }]);
        await recordOrderStatusChanged(this.outbox, tx, order, {
          previousStatus: undefined,
          actorId: checkout.buyerId,
          reason: "",
          at,
        });
      }
      await this.statements.complete.run(tx, { id: checkout.id });
      await afterPlaced(tx);
      const all = await this.ofCheckout(checkout.id, tx);
      const at = placed[0]?.updatedAt;
      if (at) await recordCheckoutCompleted(this.outbox, tx, checkout, all, at);
      return all;
    });
  }

  /**
   * Undoes a checkout that did not get through: its pending orders go; with `error` (the buyer's
   * request was refused) the checkout keeps it, so the same key replays the refusal; without (a
   * service was unavailable) the checkout goes too, so the same key may try again. With
   * `releaseOwed` (a reservation may hold stock) it records the debt first: the checkout stays
   * `abandoned`, keeping its key, until `released` (ADR 0026).
   */
  async abandon(
    checkout: CheckoutRecord,
    error: DomainError | undefined,
    releaseOwed: boolean,
  ): Promise<void> {
    await this.database.transaction(async (tx) => {
      await this.holdLease(tx, checkout);
      await tx.delete(orders).where(and(eq(orders.checkoutId, checkout.id), eq(orders.status, "pending")));
      const thisCheckout = eq(checkouts.id, checkout.id);
      if (error) {
        const stored = { code: error.code, message: error.message, violations: [...error.violations] };
        await tx
          .update(checkouts)
          .set({ status: "failed", error: stored, releaseOwed, updatedAt: now })
          .where(thisCheckout);
      } else if (releaseOwed) {
        await tx
          .update(checkouts)
          .set({ status: "abandoned", releaseOwed: true, updatedAt: now })
          .where(thisCheckout);
      } else {
        await tx.delete(checkouts).where(thisCheckout);
      }
    });
  }

  /** Extends the lease of a checkout this runner still holds by `leaseMs`; LeaseLost otherwise. */
  async renewLease(
    checkout: CheckoutRecord,
    leaseMs: number,
    executor: Executor = this.database.db,
  ): Promise<void> {
    const renewed = await this.statements.renewLease.run(executor, {
      id: checkout.id,
      leaseToken: checkout.leaseToken,
      leaseSeconds: leaseMs / 1000,
    });
    if (renewed.length === 0) throw new LeaseLost(checkout.id);
  }

  /** Ends this runner's lease on a pending checkout now, so a retry or the sweep may take it over; a no-op once lost. */
  async endLease(checkout: CheckoutRecord): Promise<void> {
    await this.database.db
      .update(checkouts)
      .set({ leaseUntil: now })
      .where(heldBy(checkout.id, checkout.leaseToken));
  }

  /** Whether the checkout wrote orders that are not placed yet. */
  async hasPending(checkoutId: string): Promise<boolean> {
    const rows = await this.database.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.checkoutId, checkoutId), eq(orders.status, "pending")))
      .limit(1);
    return rows.length > 0;
  }

  /** The orders a checkout created, placed or later. */
  async ofCheckout(checkoutId: string, executor: Executor = this.database.db): Promise<Order[]> {
    const rows = await this.statements.ofCheckout.run(executor, { checkoutId });
    return this.withHistory(executor, rows);
  }

  /** An order `caller` may see (its buyer, its seller or an admin); NotFound otherwise. */
  async get(caller: Caller, idInput: string): Promise<Order> {
    const id = checkId("id", idInput);
    const [row] = await this.database.db.select().from(orders).where(eq(orders.id, id));
    if (!row || !maySee(caller, toOrder(row, []))) throw new NotFound(`order ${id} not found`);
    const [order] = await this.withHistory(this.database.db, [row]);
    if (!order) throw new NotFound(`order ${id} not found`);
    return order;
  }

  /** One page of orders matching `filter`, newest first, `limit` after the order `beforeId`. */
  async list(filter: OrderFilter, limit: number, beforeId?: string): Promise<Order[]> {
    const conditions: SQL[] = [ne(orders.status, "pending")];
    if (filter.buyerId) conditions.push(eq(orders.buyerId, filter.buyerId));
    if (filter.sellerOwnerId) conditions.push(eq(orders.sellerOwnerId, filter.sellerOwnerId));
    if (filter.storefrontId) conditions.push(eq(orders.storefrontId, filter.storefrontId));
    if (filter.status) conditions.push(eq(orders.status, filter.status));
    if (beforeId) conditions.push(lt(orders.id, checkId("cursor", beforeId)));
    const rows = await this.database.db
      .select()
      .from(orders)
      .where(and(...conditions))
      .orderBy(desc(orders.id))
      .limit(limit);
    return this.withHistory(this.database.db, rows);
  }

  /**
   * Moves an order one step for `caller`, if it is the step's rightful actor at the right moment,
   * with its history entry and event in the same transaction.
   */
  async transition(
    caller: Caller,
    idInput: string,
    action: OrderAction,
    details: { reason?: string; trackingNumber?: string; carrier?: string } = {},
  ): Promise<Order> {
    const id = checkId("id", idInput);
    return this.database.transaction(async (tx) => {
      const [row] = await tx.select().from(orders).where(eq(orders.id, id)).for("update");
      if (!row) throw new NotFound(`order ${id} not found`);
      const current = toOrder(row, []);
      const status = nextStatus(caller, current, action);
      return this.move(tx, current, status, caller.id, details);
    });
  }

  /**
   * Completes, as the orders service, up to `limit` orders delivered more than `afterMs` ago that
   * their buyers never confirmed, so their sellers get paid; safe in every replica at once. Returns
   * how many it completed.
   */
  async completeDelivered(afterMs: number, limit = 100): Promise<number> {
    return this.database.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.status, "delivered"), lt(orders.updatedAt, sql`now() - ${seconds(afterMs)}`)))
        .orderBy(asc(orders.updatedAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const days = Math.round((afterMs / 86_400_000) * 10) / 10;
      for (const row of due) {
        await this.move(tx, toOrder(row, []), "completed", `${serviceCallerPrefix}orders`, {
          reason: `completed automatically ${days} days after delivery`,
        });
      }
      return due.length;
    });
  }

  /** Writes a locked order's next status with its history entry and event. */
  private async move(
    tx: Tx,
    current: Order,
    status: OrderStatus,
    actorId: string,
    details: { reason?: string; trackingNumber?: string; carrier?: string },
  ): Promise<Order> {
    const id = current.id;
    const [updated] = await tx
      .update(orders)
      .set({
        status,
        version: sql`${orders.version} + 1`,
        updatedAt: now,
        ...(details.trackingNumber !== undefined ? { trackingNumber: details.trackingNumber } : {}),
        ...(details.carrier !== undefined ? { carrier: details.carrier } : {}),
      })
      .where(eq(orders.id, id))
      .returning();
    if (!updated) throw new Error(`order ${id} vanished`);
    const at = updated.updatedAt;
    const reason = details.reason ?? "";
    // The next number of the order's history; the order's row lock keeps two writers apart.
    await tx.insert(orderHistory).select(sql`
      select ${id}::uuid, coalesce(max(${orderHistory.seq}), 0) + 1, ${status}, ${actorId}, ${reason}, ${at}
      from ${orderHistory} where ${orderHistory.orderId} = ${id}`);
    const [order] = await this.withHistory(tx, [updated]);
    if (!order) throw new Error(`order ${id} vanished`);
    await recordOrderStatusChanged(this.outbox, tx, order, {
      previousStatus: current.status,
      actorId,
      reason,
      at,
    });
    return order;
  }

  /** Locks the checkout row and checks this runner still holds its lease and it is still pending; LeaseLost otherwise. */
  private async holdLease(tx: Tx, checkout: CheckoutRecord): Promise<void> {
    const held = await this.statements.holdLease.run(tx, {
      id: checkout.id,
      leaseToken: checkout.leaseToken,
    });
    if (held.length === 0) throw new LeaseLost(checkout.id);
  }

  private async withHistory(executor: Executor, rows: readonly OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const history = await this.statements.history.run(executor, {
      ids: uuidArray(rows.map((row) => row.id)),
    });
    const byOrder = new Map<string, Transition[]>();
    for (const { orderId, ...entry } of history) {
      const list = byOrder.get(orderId) ?? [];
      list.push(entry);
      byOrder.set(orderId, list);
    }
    return rows.map((row) => toOrder(row, byOrder.get(row.id) ?? []));
  }
}

function toOrder(row: OrderRow, history: Transition[]): Order {
  return {
    id: row.id,
    checkoutId: row.checkoutId,
    buyerId: row.buyerId,
    storefrontId: row.storefrontId,
    sellerOwnerId: row.sellerOwnerId,
    status: row.status,
    snapshot: row.snapshot,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    history,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The runner of a checkout lost its lease (it was too slow, and a retry or the recovery sweep took
 * the checkout over): it must stop without undoing anything, since the new holder carries on.
 */
export class LeaseLost extends Error {
  constructor(readonly checkoutId: string) {
    super(`checkout ${checkoutId} was taken over by another attempt`);
  }
}

function checkId(field: string, value: string): string {
  if (!isUuid(value)) throw InvalidArgument.field(field, "must be a UUID");
  return value.toLowerCase();
}
