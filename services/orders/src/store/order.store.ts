import type { Caller, Database, Executor, FieldViolation, Outbox, Tx } from "@mercato/platform";
import {
  type DomainError,
  InvalidArgument,
  NotFound,
  rowsOf,
  serviceCallerPrefix,
  uuidArray,
} from "@mercato/platform";
import { sql } from "drizzle-orm";
import { validate as isUuid, v7 as uuidv7 } from "uuid";
import type { OrderSnapshot, PlannedOrder, WantedLine } from "../domain/checkout-plan.js";
import { maySee, nextStatus, type OrderAction, type OrderStatus } from "../domain/order-status.js";
import { recordOrderStatusChanged } from "../events/order-events.js";

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
  status: "pending" | "completed" | "failed" | "abandoned";
  lines: WantedLine[];
  fromCart: boolean;
  error: { code: DomainError["code"]; message: string; violations: FieldViolation[] } | undefined;
  /** Its lease ran out: whoever ran it is gone, and another attempt may take it over. */
  leaseExpired: boolean;
  /** Who holds the lease: every write of a running checkout must present it (a fence). */
  leaseToken: string;
  /** Its reservation may hold stock that inventory has not yet confirmed released (ADR 0026). */
  releaseOwed: boolean;
  createdAt: Date;
}

interface OrderRow {
  id: string;
  checkout_id: string;
  buyer_id: string;
  storefront_id: string;
  seller_owner_id: string;
  status: OrderStatus;
  snapshot: OrderSnapshot | string;
  carrier: string;
  tracking_number: string;
  version: number | string;
  created_at: string | Date;
  updated_at: string | Date;
}

interface CheckoutRow {
  id: string;
  buyer_id: string;
  request_hash: string;
  status: CheckoutRecord["status"];
  lines: WantedLine[] | string;
  from_cart: boolean;
  error: CheckoutRecord["error"] | string | null;
  lease_expired: boolean;
  lease_token: string;
  release_owed: boolean;
  created_at: string | Date;
}

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));
const json = <T>(value: T | string): T => (typeof value === "string" ? (JSON.parse(value) as T) : value);

const orderColumns = sql.raw(
  "id, checkout_id, buyer_id, storefront_id, seller_owner_id, status, snapshot, carrier, tracking_number, version, created_at, updated_at",
);

const checkoutColumns = sql.raw(
  "id, buyer_id, request_hash, status, lines, from_cart, error, lease_until < now() as lease_expired, lease_token, release_owed, created_at",
);

function toCheckout(row: CheckoutRow): CheckoutRecord {
  const error = row.error === null ? undefined : json(row.error);
  return {
    id: row.id,
    buyerId: row.buyer_id,
    requestHash: row.request_hash,
    status: row.status,
    lines: json(row.lines),
    fromCart: row.from_cart,
    error,
    leaseExpired: row.lease_expired,
    leaseToken: row.lease_token,
    releaseOwed: row.release_owed,
    createdAt: toDate(row.created_at),
  };
}

/** Which orders a list shows. */
export interface OrderFilter {
  buyerId?: string;
  sellerOwnerId?: string;
  storefrontId?: string;
  status?: OrderStatus;
}

/** Orders and the checkouts that create them. */
export class Orders {
  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Claims the buyer's checkout under `key`: a new one is created pending with a lease of `leaseMs`;
   * an existing one is returned as it is, or taken over (with a fresh lease) when it is pending and
   * its lease ran out. `claimed` says whether the caller now runs it, `takenOver` whether it took
   * over one an earlier attempt began (which may have written orders).
   */
  async claimCheckout(input: {
    buyerId: string;
    key: string;
    requestHash: string;
    lines: readonly WantedLine[];
    fromCart: boolean;
    leaseMs: number;
  }): Promise<{ checkout: CheckoutRecord; claimed: boolean; takenOver: boolean }> {
    const lease = sql`now() + make_interval(secs => ${input.leaseMs / 1000})`;
    const [created] = rowsOf<CheckoutRow>(
      await this.database.db.execute(sql`
        insert into orders.checkouts (id, buyer_id, idempotency_key, request_hash, status, lines, from_cart, lease_until, lease_token)
        values (${uuidv7()}, ${input.buyerId}, ${input.key}, ${input.requestHash}, 'pending',
          ${JSON.stringify(input.lines)}::jsonb, ${input.fromCart}, ${lease}, ${uuidv7()})
        on conflict (buyer_id, idempotency_key) do nothing
        returning ${checkoutColumns}`),
    );
    if (created) return { checkout: toCheckout(created), claimed: true, takenOver: false };
    const [taken] = rowsOf<CheckoutRow>(
      await this.database.db.execute(sql`
        update orders.checkouts set lease_until = ${lease}, lease_token = ${uuidv7()}, updated_at = now()
        where buyer_id = ${input.buyerId} and idempotency_key = ${input.key}
          and status = 'pending' and lease_until < now() and request_hash = ${input.requestHash}
        returning ${checkoutColumns}`),
    );
    if (taken) return { checkout: toCheckout(taken), claimed: true, takenOver: true };
    const existing = await this.checkout(input.buyerId, input.key);
    if (!existing) throw new Error(`checkout ${input.key} of ${input.buyerId} vanished`);
    return { checkout: existing, claimed: false, takenOver: false };
  }

  /**
   * Takes over up to `limit` pending checkouts whose lease ran out (their runner is gone), each with
   * a fresh lease of `leaseMs`, so one replica alone finishes or undoes each.
   */
  async takeOverStale(limit: number, leaseMs: number): Promise<CheckoutRecord[]> {
    const rows = rowsOf<CheckoutRow>(
      await this.database.db.execute(sql`
        update orders.checkouts set lease_until = now() + make_interval(secs => ${leaseMs / 1000}), lease_token = gen_random_uuid(), updated_at = now()
        where id in (
          select id from orders.checkouts where status = 'pending' and lease_until < now()
          order by lease_until limit ${limit} for update skip locked)
        returning ${checkoutColumns}`),
    );
    return rows.map(toCheckout);
  }

  /**
   * Takes up to `limit` given-up checkouts whose reservation is still owed a release and that nobody
   * has tried for `leaseMs` (the runner's own lease covers its first try), each for `leaseMs`.
   */
  async takeOwedReleases(limit: number, leaseMs: number): Promise<CheckoutRecord[]> {
    const rows = rowsOf<CheckoutRow>(
      await this.database.db.execute(sql`
        update orders.checkouts set lease_until = now() + make_interval(secs => ${leaseMs / 1000}), lease_token = gen_random_uuid()
        where id in (
          select id from orders.checkouts where release_owed and lease_until < now()
          order by lease_until limit ${limit} for update skip locked)
        returning ${checkoutColumns}`),
    );
    return rows.map(toCheckout);
  }

  /**
   * Records that inventory released the checkout's reservation: a given-up checkout goes, so its key
   * may be used again; a refused one keeps its refusal.
   */
  async released(checkoutId: string): Promise<void> {
    await this.database.db.execute(
      sql`delete from orders.checkouts where id = ${checkoutId} and status = 'abandoned'`,
    );
    await this.database.db.execute(sql`
      update orders.checkouts set release_owed = false, updated_at = now() where id = ${checkoutId} and release_owed`);
  }

  /** The buyer's checkout under `key`, or undefined. */
  async checkout(buyerId: string, key: string): Promise<CheckoutRecord | undefined> {
    const [row] = rowsOf<CheckoutRow>(
      await this.database.db.execute(sql`
        select ${checkoutColumns} from orders.checkouts where buyer_id = ${buyerId} and idempotency_key = ${key}`),
    );
    return row && toCheckout(row);
  }

  /** Writes the checkout's orders, still pending (invisible, publishing nothing); a retry finds them written. */
  async createPending(checkout: CheckoutRecord, planned: readonly PlannedOrder[]): Promise<void> {
    await this.database.transaction(async (tx) => {
      await holdLease(tx, checkout);
      for (const order of planned) {
        await tx.execute(sql`
          insert into orders.orders (id, checkout_id, buyer_id, storefront_id, seller_owner_id, status, currency, total_minor, snapshot)
          values (${uuidv7()}, ${checkout.id}, ${checkout.buyerId}, ${order.storefrontId}, ${order.sellerOwnerId},
            'pending', ${order.snapshot.total.currency}, ${order.snapshot.total.amountMinor}, ${JSON.stringify(order.snapshot)}::jsonb)
          on conflict (checkout_id, storefront_id) do nothing`);
      }
    });
  }

  /**
   * Places the checkout's pending orders (history, OrderPlaced events) and completes the checkout, in
   * one transaction; `afterPlaced` runs in it too (emptying the cart). Returns the checkout's orders.
   */
  async place(checkout: CheckoutRecord, afterPlaced: (tx: Tx) => Promise<void>): Promise<Order[]> {
    return this.database.transaction(async (tx) => {
      await holdLease(tx, checkout);
      const placed = rowsOf<OrderRow>(
        await tx.execute(sql`
          update orders.orders set status = 'placed', updated_at = now()
          where checkout_id = ${checkout.id} and status = 'pending'
          returning ${orderColumns}`),
      );
      for (const row of placed) {
        const at = toDate(row.updated_at);
        await tx.execute(sql`
          insert into orders.order_history (order_id, seq, status, actor_id, at)
          values (${row.id}, 1, 'placed', ${checkout.buyerId}, ${at})`);
        const order = toOrder(row, [{ status: "placed", actorId: checkout.buyerId, reason: "", at }]);
        await recordOrderStatusChanged(this.outbox, tx, order, {
          previousStatus: undefined,
          actorId: checkout.buyerId,
          reason: "",
          at,
        });
      }
      await tx.execute(sql`
        update orders.checkouts set status = 'completed', updated_at = now() where id = ${checkout.id}`);
      await afterPlaced(tx);
      return this.ofCheckout(checkout.id, tx);
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
      await holdLease(tx, checkout);
      await tx.execute(
        sql`delete from orders.orders where checkout_id = ${checkout.id} and status = 'pending'`,
      );
      if (error) {
        const stored = { code: error.code, message: error.message, violations: error.violations };
        await tx.execute(sql`
          update orders.checkouts set status = 'failed', error = ${JSON.stringify(stored)}::jsonb,
            release_owed = ${releaseOwed}, updated_at = now()
          where id = ${checkout.id}`);
      } else if (releaseOwed) {
        await tx.execute(sql`
          update orders.checkouts set status = 'abandoned', release_owed = true, updated_at = now()
          where id = ${checkout.id}`);
      } else {
        await tx.execute(sql`delete from orders.checkouts where id = ${checkout.id}`);
      }
    });
  }

  /** Extends the lease of a checkout this runner still holds by `leaseMs`; LeaseLost otherwise. */
  async renewLease(checkout: CheckoutRecord, leaseMs: number): Promise<void> {
    const renewed = rowsOf(
      await this.database.db.execute(sql`
        update orders.checkouts set lease_until = now() + make_interval(secs => ${leaseMs / 1000})
        where id = ${checkout.id} and lease_token = ${checkout.leaseToken} and status = 'pending'
        returning id`),
    );
    if (renewed.length === 0) throw new LeaseLost(checkout.id);
  }

  /** Ends this runner's lease on a pending checkout now, so a retry or the sweep may take it over; a no-op once lost. */
  async endLease(checkout: CheckoutRecord): Promise<void> {
    await this.database.db.execute(sql`
      update orders.checkouts set lease_until = now()
      where id = ${checkout.id} and lease_token = ${checkout.leaseToken} and status = 'pending'`);
  }

  /** Whether the checkout wrote orders that are not placed yet. */
  async hasPending(checkoutId: string): Promise<boolean> {
    const rows = rowsOf(
      await this.database.db.execute(
        sql`select 1 from orders.orders where checkout_id = ${checkoutId} and status = 'pending' limit 1`,
      ),
    );
    return rows.length > 0;
  }

  /** The orders a checkout created, placed or later. */
  async ofCheckout(checkoutId: string, executor: Executor = this.database.db): Promise<Order[]> {
    const rows = rowsOf<OrderRow>(
      await executor.execute(sql`
        select ${orderColumns} from orders.orders
        where checkout_id = ${checkoutId} and status <> 'pending' order by storefront_id`),
    );
    return this.withHistory(executor, rows);
  }

  /** An order `caller` may see (its buyer, its seller or an admin); NotFound otherwise. */
  async get(caller: Caller, idInput: string): Promise<Order> {
    const id = checkId("id", idInput);
    const [row] = rowsOf<OrderRow>(
      await this.database.db.execute(sql`select ${orderColumns} from orders.orders where id = ${id}`),
    );
    if (!row || !maySee(caller, toOrder(row, []))) throw new NotFound(`order ${id} not found`);
    const [order] = await this.withHistory(this.database.db, [row]);
    if (!order) throw new NotFound(`order ${id} not found`);
    return order;
  }

  /** One page of orders matching `filter`, newest first, `limit` after the order `beforeId`. */
  async list(filter: OrderFilter, limit: number, beforeId?: string): Promise<Order[]> {
    const conditions = [sql`status <> 'pending'`];
    if (filter.buyerId) conditions.push(sql`buyer_id = ${filter.buyerId}`);
    if (filter.sellerOwnerId) conditions.push(sql`seller_owner_id = ${filter.sellerOwnerId}`);
    if (filter.storefrontId) conditions.push(sql`storefront_id = ${filter.storefrontId}`);
    if (filter.status) conditions.push(sql`status = ${filter.status}`);
    if (beforeId) conditions.push(sql`id < ${checkId("cursor", beforeId)}`);
    const rows = rowsOf<OrderRow>(
      await this.database.db.execute(sql`
        select ${orderColumns} from orders.orders where ${sql.join(conditions, sql` and `)}
        order by id desc limit ${limit}`),
    );
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
      const [row] = rowsOf<OrderRow>(
        await tx.execute(sql`select ${orderColumns} from orders.orders where id = ${id} for update`),
      );
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
      const due = rowsOf<OrderRow>(
        await tx.execute(sql`
          select ${orderColumns} from orders.orders
          where status = 'delivered' and updated_at < now() - make_interval(secs => ${afterMs / 1000})
          order by updated_at limit ${limit} for update skip locked`),
      );
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
    const [updated] = rowsOf<OrderRow>(
      await tx.execute(sql`
        update orders.orders set status = ${status}, version = version + 1, updated_at = now()
          ${details.trackingNumber !== undefined ? sql`, tracking_number = ${details.trackingNumber}` : sql``}
          ${details.carrier !== undefined ? sql`, carrier = ${details.carrier}` : sql``}
        where id = ${id} returning ${orderColumns}`),
    );
    if (!updated) throw new Error(`order ${id} vanished`);
    const at = toDate(updated.updated_at);
    const reason = details.reason ?? "";
    await tx.execute(sql`
      insert into orders.order_history (order_id, seq, status, actor_id, reason, at)
      select ${id}, coalesce(max(seq), 0) + 1, ${status}, ${actorId}, ${reason}, ${at}
      from orders.order_history where order_id = ${id}`);
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

  private async withHistory(executor: Executor, rows: readonly OrderRow[]): Promise<Order[]> {
    if (rows.length === 0) return [];
    const history = rowsOf<{
      order_id: string;
      status: OrderStatus;
      actor_id: string;
      reason: string;
      at: string | Date;
    }>(
      await executor.execute(sql`
        select order_id, status, actor_id, reason, at from orders.order_history
        where order_id = any(${uuidArray(rows.map((row) => row.id))}::uuid[]) order by order_id, seq`),
    );
    const byOrder = new Map<string, Transition[]>();
    for (const entry of history) {
      const list = byOrder.get(entry.order_id) ?? [];
      list.push({
        status: entry.status,
        actorId: entry.actor_id,
        reason: entry.reason,
        at: toDate(entry.at),
      });
      byOrder.set(entry.order_id, list);
    }
    return rows.map((row) => toOrder(row, byOrder.get(row.id) ?? []));
  }
}

function toOrder(row: OrderRow, history: Transition[]): Order {
  return {
    id: row.id,
    checkoutId: row.checkout_id,
    buyerId: row.buyer_id,
    storefrontId: row.storefront_id,
    sellerOwnerId: row.seller_owner_id,
    status: row.status,
    snapshot: json(row.snapshot),
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    history,
    version: Number(row.version),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
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

/** Locks the checkout row and checks this runner still holds its lease and it is still pending; LeaseLost otherwise. */
async function holdLease(tx: Executor, checkout: CheckoutRecord): Promise<void> {
  const held = rowsOf(
    await tx.execute(sql`
      select 1 from orders.checkouts
      where id = ${checkout.id} and lease_token = ${checkout.leaseToken} and status = 'pending'
      for update`),
  );
  if (held.length === 0) throw new LeaseLost(checkout.id);
}

function checkId(field: string, value: string): string {
  if (!isUuid(value)) throw InvalidArgument.field(field, "must be a UUID");
  return value.toLowerCase();
}
