import { type Db, type Placeholders, prepared } from "@mercato/platform";
import { and, eq, ne, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { OrderSnapshot, WantedLine } from "../domain/checkout-plan.js";
import { checkouts, orderHistory, orders } from "./schema.js";

// The statements every checkout runs, built once per process (ADR 0037); the rarer ones stay
// query builders in order.store.ts.

/** A checkout's columns as CheckoutRecord has them, whether its lease ran out by the database's clock. */
export const checkoutFields = {
  id: checkouts.id,
  buyerId: checkouts.buyerId,
  requestHash: checkouts.requestHash,
  status: checkouts.status,
  lines: checkouts.lines,
  fromCart: checkouts.fromCart,
  error: checkouts.error,
  leaseExpired: sql<boolean>`${checkouts.leaseUntil} < now()`,
  leaseToken: checkouts.leaseToken,
  releaseOwed: checkouts.releaseOwed,
  createdAt: checkouts.createdAt,
};

/** `now()` plus `seconds`, for leases. */
export const inSeconds = (seconds: number | Placeholder) => sql`now() + make_interval(secs => ${seconds})`;

/** The checkout's row while the runner holding `leaseToken` still holds its lease and it is pending. */
export function heldBy(id: string | Placeholder, leaseToken: string | Placeholder): SQL | undefined {
  return and(eq(checkouts.id, id), eq(checkouts.leaseToken, leaseToken), eq(checkouts.status, "pending"));
}

type Lease = { id: string; leaseToken: string };

/** The prepared statements of a checkout, on `db` and its transactions. */
export function checkoutStatements(db: Db) {
  return {
    checkout: prepared(db, "orders.checkout", (db, p: Placeholders<{ buyerId: string; key: string }>) =>
      db
        .select(checkoutFields)
        .from(checkouts)
        .where(and(eq(checkouts.buyerId, p.buyerId), eq(checkouts.idempotencyKey, p.key))),
    ),
    claim: prepared(
      db,
      "orders.claim",
      (
        db,
        p: Placeholders<{
          id: string;
          buyerId: string;
          key: string;
          requestHash: string;
          lines: WantedLine[];
          fromCart: boolean;
          leaseSeconds: number;
          leaseToken: string;
        }>,
      ) =>
        db
          .insert(checkouts)
          .values({
            id: p.id,
            buyerId: p.buyerId,
            idempotencyKey: p.key,
            requestHash: p.requestHash,
            status: "pending",
            lines: p.lines,
            fromCart: p.fromCart,
            leaseUntil: inSeconds(p.leaseSeconds),
            leaseToken: p.leaseToken,
          })
          .onConflictDoNothing({ target: [checkouts.buyerId, checkouts.idempotencyKey] })
          .returning(checkoutFields),
    ),
    /** Locks the checkout's row while its runner holds the lease; no row when it lost it. */
    holdLease: prepared(db, "orders.hold_lease", (db, p: Placeholders<Lease>) =>
      db.select({ id: checkouts.id }).from(checkouts).where(heldBy(p.id, p.leaseToken)).for("update"),
    ),
    renewLease: prepared(db, "orders.renew_lease", (db, p: Placeholders<Lease & { leaseSeconds: number }>) =>
      db
        .update(checkouts)
        .set({ leaseUntil: inSeconds(p.leaseSeconds) })
        .where(heldBy(p.id, p.leaseToken))
        .returning({ id: checkouts.id }),
    ),
    insertPending: prepared(
      db,
      "orders.insert_pending",
      (
        db,
        p: Placeholders<{
          id: string;
          checkoutId: string;
          buyerId: string;
          storefrontId: string;
          sellerOwnerId: string;
          currency: string;
          totalMinor: number;
          snapshot: OrderSnapshot;
        }>,
      ) =>
        db
          .insert(orders)
          .values({
            id: p.id,
            checkoutId: p.checkoutId,
            buyerId: p.buyerId,
            storefrontId: p.storefrontId,
            sellerOwnerId: p.sellerOwnerId,
            status: "pending",
            currency: p.currency,
            totalMinor: p.totalMinor,
            snapshot: p.snapshot,
          })
          .onConflictDoNothing({ target: [orders.checkoutId, orders.storefrontId] }),
    ),
    placePending: prepared(db, "orders.place_pending", (db, p: Placeholders<{ checkoutId: string }>) =>
      db
        .update(orders)
        .set({ status: "placed", updatedAt: sql`now()` })
        .where(and(eq(orders.checkoutId, p.checkoutId), eq(orders.status, "pending")))
        .returning(),
    ),
    firstHistory: prepared(
      db,
      "orders.first_history",
      (db, p: Placeholders<{ orderId: string; actorId: string; at: Date }>) =>
        db
          .insert(orderHistory)
          .values({ orderId: p.orderId, seq: 1, status: "placed", actorId: p.actorId, at: p.at }),
    ),
    complete: prepared(db, "orders.complete_checkout", (db, p: Placeholders<{ id: string }>) =>
      db.update(checkouts).set({ status: "completed", updatedAt: sql`now()` }).where(eq(checkouts.id, p.id)),
    ),
    ofCheckout: prepared(db, "orders.of_checkout", (db, p: Placeholders<{ checkoutId: string }>) =>
      db
        .select()
        .from(orders)
        .where(and(eq(orders.checkoutId, p.checkoutId), ne(orders.status, "pending")))
        .orderBy(orders.storefrontId),
    ),
    /** The history of the orders `ids` (a uuid[] literal, uuidArray), by order and step. */
    history: prepared(db, "orders.history", (db, p: Placeholders<{ ids: string }>) =>
      db
        .select({
          orderId: orderHistory.orderId,
          status: orderHistory.status,
          actorId: orderHistory.actorId,
          reason: orderHistory.reason,
          at: orderHistory.at,
        })
        .from(orderHistory)
        .where(sql`${orderHistory.orderId} = any(${p.ids}::uuid[])`)
        .orderBy(orderHistory.orderId, orderHistory.seq),
    ),
  };
}
