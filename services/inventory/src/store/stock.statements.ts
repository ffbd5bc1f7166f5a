import { type Db, type Placeholders, prepared } from "@mercato/platform";
import { eq, sql } from "drizzle-orm";
import { movements, type ReservationStatus, reservationLines, reservations, stockLevels } from "./schema.js";

// The statements every reservation runs, built once per process (ADR 0037); the rarer ones stay
// query builders in stock.store.ts.

/** The stock rows of `ids`, a uuid[] literal (uuidArray): one bound parameter however many. */
const stockOf = (ids: unknown) => sql`${stockLevels.variantId} = any(${ids}::uuid[])`;

const reservationFields = {
  id: reservations.id,
  status: reservations.status,
  expiresAt: reservations.expiresAt,
  due: sql<boolean>`${reservations.expiresAt} <= now()`,
};

/** The prepared statements of reserving and selling stock, on `db` and its transactions. */
export function stockStatements(db: Db) {
  return {
    /** The stock rows of `ids` (uuidArray). */
    levels: prepared(db, "inventory.levels", (db, p: Placeholders<{ ids: string }>) =>
      db.select().from(stockLevels).where(stockOf(p.ids)),
    ),
    /** Locks the stock rows of `ids` (uuidArray) in id order. */
    lockLevels: prepared(db, "inventory.lock_levels", (db, p: Placeholders<{ ids: string }>) =>
      db.select().from(stockLevels).where(stockOf(p.ids)).orderBy(stockLevels.variantId).for("update"),
    ),
    reservation: prepared(db, "inventory.reservation", (db, p: Placeholders<{ id: string }>) =>
      db.select(reservationFields).from(reservations).where(eq(reservations.id, p.id)),
    ),
    lockReservation: prepared(db, "inventory.lock_reservation", (db, p: Placeholders<{ id: string }>) =>
      db.select(reservationFields).from(reservations).where(eq(reservations.id, p.id)).for("update"),
    ),
    reservationLines: prepared(db, "inventory.reservation_lines", (db, p: Placeholders<{ id: string }>) =>
      db
        .select({ variantId: reservationLines.variantId, quantity: reservationLines.quantity })
        .from(reservationLines)
        .where(eq(reservationLines.reservationId, p.id))
        .orderBy(reservationLines.variantId),
    ),
    hold: prepared(db, "inventory.hold", (db, p: Placeholders<{ id: string; ttlSeconds: number }>) =>
      db
        .insert(reservations)
        .values({ id: p.id, status: "held", expiresAt: sql`now() + make_interval(secs => ${p.ttlSeconds})` })
        .returning({ expiresAt: reservations.expiresAt }),
    ),
    holdLine: prepared(
      db,
      "inventory.hold_line",
      (db, p: Placeholders<{ reservationId: string; variantId: string; quantity: number }>) =>
        db
          .insert(reservationLines)
          .values({ reservationId: p.reservationId, variantId: p.variantId, quantity: p.quantity }),
    ),
    settle: prepared(
      db,
      "inventory.settle",
      (db, p: Placeholders<{ id: string; status: ReservationStatus }>) =>
        db
          .update(reservations)
          .set({ status: sql`${p.status}`, settledAt: sql`now()` })
          .where(eq(reservations.id, p.id)),
    ),
    /** Writes a locked stock row's figures with the next version. */
    writeLevel: prepared(
      db,
      "inventory.write_level",
      (
        db,
        p: Placeholders<{
          variantId: string;
          onHand: number;
          reserved: number;
          threshold: number | null;
          low: boolean;
        }>,
      ) =>
        db
          .update(stockLevels)
          .set({
            onHand: sql`${p.onHand}`,
            reserved: sql`${p.reserved}`,
            lowStockThreshold: sql`${p.threshold}`,
            low: sql`${p.low}`,
            version: sql`${stockLevels.version} + 1`,
            updatedAt: sql`now()`,
          })
          .where(eq(stockLevels.variantId, p.variantId))
          .returning(),
    ),
    movement: prepared(
      db,
      "inventory.movement",
      (db, p: Placeholders<Required<Omit<typeof movements.$inferInsert, "createdAt">>>) =>
        db.insert(movements).values({
          id: p.id,
          variantId: p.variantId,
          quantity: p.quantity,
          reason: p.reason,
          note: p.note,
          actorId: p.actorId,
          reservationId: p.reservationId,
          orderId: p.orderId,
          onHandAfter: p.onHandAfter,
        }),
    ),
  };
}
