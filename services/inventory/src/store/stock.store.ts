import {
  afterCommit,
  type Caller,
  type Database,
  DomainError,
  type Executor,
  FailedPrecondition,
  InvalidArgument,
  type KeyValue,
  lockForTransaction,
  NotFound,
  type Outbox,
  type Tx,
  uuidArray,
} from "@mercato/platform";
import { and, desc, eq, lt, lte, sql } from "drizzle-orm";
import { validate as isUuid, v7 as uuidv7 } from "uuid";
import { recordStockChanged, recordStockLow } from "../events/stock-events.js";
import { assertManagesAll, managedVariant } from "./catalog-projection.js";
import { ReservationHints } from "./reservation-hints.js";
import {
  cancelledOrders,
  type MovementReason,
  type MovementRow,
  movements,
  type ReservationStatus,
  reservationLines,
  reservations,
  type StockRow,
  stockLevels,
} from "./schema.js";
import { stockStatements } from "./stock.statements.js";
import { type KeyValueWarning, StockCache } from "./stock-cache.js";

export type { MovementReason, ReservationStatus } from "./schema.js";

/** A variant's stock. */
export interface StockLevel {
  variantId: string;
  productId: string;
  onHand: number;
  reserved: number;
  /** On hand minus reserved. */
  available: number;
  lowStockThreshold: number | undefined;
  /** Below its threshold now (a StockLow was published for this crossing). */
  low: boolean;
  version: number;
  updatedAt: Date;
}

/** One entry of the movements ledger: the on-hand stock of the variant changed by `quantity`. */
export interface Movement {
  id: string;
  variantId: string;
  quantity: number;
  reason: MovementReason;
  note: string;
  actorId: string;
  reservationId: string | undefined;
  /** The cancelled order a `cancellation` put back; undefined otherwise. */
  orderId: string | undefined;
  onHandAfter: number;
  createdAt: Date;
}

/** Units of one variant held for a checkout. */
export interface ReservationLine {
  variantId: string;
  quantity: number;
}

export interface Reservation {
  id: string;
  status: ReservationStatus;
  expiresAt: Date;
  lines: ReservationLine[];
}

/** Largest change of one variant's stock, or of one reservation line, in one call. */
export const maxQuantity = 1_000_000;
/** Most units one variant may have on hand: stock is shown as a GraphQL Int (at most 2^31 - 1). */
export const maxOnHand = 1_000_000_000;
/** Most lines one reservation holds. */
export const maxReservationLines = 100;
/** Shortest and longest reservation time to live. */
export const minTtlMs = 1_000;
export const maxTtlMs = 24 * 60 * 60 * 1_000;

/** A cancelled order as the orders service announces it (OrderStatusChanged on mercato.orders.order.cancelled). */
export interface OrderCancellation {
  orderId: string;
  /** The checkout that created the order; also the id of the reservation that sold its units. */
  reservationId: string;
  /** Who cancelled it; empty when the platform did. */
  actorId: string;
  /** Why, for the ledger note. */
  reason: string;
  lines: readonly { variantId: string; productId: string; quantity: number }[];
}

/** Actor recorded for a cancellation that names nobody. */
export const systemActor = "system";

/** Refused reservation: the lines short of stock, each with what is available (FAILED_PRECONDITION). */
export class OutOfStock extends DomainError {
  constructor(readonly shortages: readonly { line: number; variantId: string; available: number }[]) {
    super(
      "FAILED_PRECONDITION",
      `out of stock: ${shortages.map((s) => `variant ${s.variantId} has ${s.available} available`).join("; ")}`,
      shortages.map((s) => ({
        field: `lines[${s.line}].quantity`,
        message: `out of stock: only ${s.available} available`,
      })),
    );
  }
}

const now = sql`now()`;

function toLevel(row: StockRow): StockLevel {
  return {
    variantId: row.variantId,
    productId: row.productId,
    onHand: row.onHand,
    reserved: row.reserved,
    available: Math.max(0, row.onHand - row.reserved),
    lowStockThreshold: row.lowStockThreshold ?? undefined,
    low: row.low,
    version: row.version,
    updatedAt: row.updatedAt,
  };
}

function toMovement(row: MovementRow): Movement {
  return { ...row, reservationId: row.reservationId ?? undefined, orderId: row.orderId ?? undefined };
}

function fail(field: string, message: string): never {
  throw InvalidArgument.field(field, message);
}

function checkId(field: string, value: string): string {
  if (!isUuid(value)) fail(field, "must be a UUID");
  return value.toLowerCase();
}

function checkQuantity(field: string, value: number, options: { signed: boolean }): number {
  if (!Number.isSafeInteger(value)) fail(field, "must be a whole number");
  if (options.signed ? value === 0 : value <= 0)
    fail(field, options.signed ? "must not be 0" : "must be 1 or more");
  if (Math.abs(value) > maxQuantity) fail(field, `must be at most ${maxQuantity} units`);
  return value;
}

/** Serializes the Reserve and Release of one reservation id, in the transaction `tx`. */
async function lockReservationId(tx: Executor, id: string): Promise<void> {
  await lockForTransaction(tx, `inventory.reservation.${id}`);
}

/** The key-value side of the store (ADR 0017): reservation hints always, cached levels when `stockCacheTtlMs` > 0. */
export interface InventoryKeyValueOptions {
  kv: KeyValue;
  /** How long a cached level lives, in ms; 0 turns the cache off. Default 10 000. */
  stockCacheTtlMs?: number;
  /** Told about key-value failures, which never fail a call. */
  warn?: KeyValueWarning;
}

/**
 * Stock levels, the movements ledger and reservations. Every change locks the variant's row, bumps
 * its version and records StockLevelChanged in the same transaction; a change that takes the
 * available stock below the variant's threshold records StockLow once, until it is back up. With a
 * key-value store, held reservations leave due hints for the sweeper and levels are cached for reads.
 */
export class Inventory {
  /** Due hints of held reservations, when there is a key-value store. */
  readonly hints: ReservationHints | undefined;
  private readonly cache: StockCache | undefined;
  /** Variants each open transaction changed, for the cache once it commits. */
  private readonly touched = new WeakMap<object, Set<string>>();
  private readonly statements: ReturnType<typeof stockStatements>;

  constructor(
    private readonly database: Database,
    private readonly outbox: Outbox,
    keyValue?: InventoryKeyValueOptions,
  ) {
    this.statements = stockStatements(database.db);
    this.hints = keyValue && new ReservationHints(keyValue.kv, keyValue.warn);
    const ttlMs = keyValue?.stockCacheTtlMs ?? 10_000;
    this.cache = keyValue && ttlMs > 0 ? new StockCache(keyValue.kv, ttlMs, keyValue.warn) : undefined;
  }

  /** The stock of each of `variantIds` that has any, in request order; unknown ones are left out. */
  async levels(variantIds: readonly string[]): Promise<StockLevel[]> {
    const ids = [...new Set(variantIds.map((id, i) => checkId(`variant_ids[${i}]`, id)))];
    if (ids.length === 0) return [];
    const byId = this.cache
      ? await this.cache.read(ids, (missing) => this.storedLevels(missing))
      : new Map((await this.storedLevels(ids)).map((level) => [level.variantId, level]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The stock of each of `variantIds` that has any, as `levels` gives it, for a caller who manages
   * every one of them (assertManagesAll); PermissionDenied otherwise.
   */
  async managedLevels(caller: Caller, variantIds: readonly string[]): Promise<StockLevel[]> {
    const levels = await this.levels(variantIds);
    // Every asked variant whose owner is known is checked, stocked or not: an empty answer would
    // tell a stranger that a variant never had stock. An unknown one without stock has nothing to hide.
    const stocked = new Set(levels.map((level) => level.variantId));
    await assertManagesAll(this.database.db, caller, variantIds, (id) => stocked.has(id));
    return levels;
  }

  /** The stock rows of `ids` as PostgreSQL has them now. */
  private async storedLevels(ids: readonly string[]): Promise<StockLevel[]> {
    const rows = await this.statements.levels.run(this.database.db, { ids: uuidArray(ids) });
    return rows.map(toLevel);
  }

  /** Runs `fn` in a transaction; once it commits, the cached levels of the variants it changed are renewed. */
  private async change<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const touched = new Set<string>();
    const result = await this.database.transaction((tx) => {
      this.touched.set(tx, touched);
      return fn(tx);
    });
    await this.cache?.changed([...touched], (ids) => this.storedLevels(ids));
    return result;
  }

  /**
   * Adds (replenishment, adjustment) or removes (adjustment) units on hand for `caller` (the
   * storefront's owner or an admin) and records the movement. The first change of a variant creates
   * its stock. On-hand stock never goes below what is reserved.
   */
  async adjust(
    caller: Caller,
    input: { variantId: string; quantity: number; reason: "replenishment" | "adjustment"; note?: string },
  ): Promise<StockLevel> {
    const variantId = checkId("variant_id", input.variantId);
    const quantity = checkQuantity("quantity", input.quantity, { signed: true });
    if (input.reason === "replenishment" && quantity < 0)
      fail("quantity", "a replenishment adds units; record a removal as an adjustment");
    const note = (input.note ?? "").trim();
    if (note.length > 500) fail("note", "must be at most 500 characters");
    return this.change(async (tx) => {
      const { productId } = await managedVariant(tx, caller, variantId);
      await tx
        .insert(stockLevels)
        .values({ variantId, productId })
        .onConflictDoNothing({ target: stockLevels.variantId });
      const current = (await this.lockStock(tx, [variantId])).get(variantId);
      if (!current) throw new Error(`stock row of ${variantId} vanished`);
      const onHand = current.onHand + quantity;
      if (onHand > maxOnHand)
        fail("quantity", `would make ${onHand} on hand; a variant holds at most ${maxOnHand} units`);
      if (onHand < current.reserved) {
        throw new FailedPrecondition(
          `variant ${variantId} has ${current.onHand} on hand of which ${current.reserved} reserved; removing ${-quantity} would leave fewer than reserved`,
        );
      }
      const level = await this.write(tx, current, { onHand });
      await this.recordMovement(
        tx,
        { variantId, quantity, reason: input.reason, note, actorId: caller.id.toLowerCase() },
        onHand,
      );
      return level;
    });
  }

  /** Sets (or clears, with undefined) the variant's low-stock threshold. */
  async setLowStockThreshold(
    caller: Caller,
    variantIdInput: string,
    threshold: number | undefined,
  ): Promise<StockLevel> {
    const variantId = checkId("variant_id", variantIdInput);
    if (
      threshold !== undefined &&
      (!Number.isSafeInteger(threshold) || threshold < 0 || threshold > maxQuantity)
    )
      fail("threshold", `must be a whole number from 0 to ${maxQuantity}`);
    return this.change(async (tx) => {
      await managedVariant(tx, caller, variantId);
      const current = (await this.lockStock(tx, [variantId])).get(variantId);
      if (!current) throw new NotFound(`no stock is recorded for variant ${variantId}`);
      if (current.lowStockThreshold === threshold) return current;
      return this.write(tx, current, { threshold: threshold ?? null });
    });
  }

  /** The variant's movements, newest first, `limit` at a time after `beforeId`, for its manager. */
  async movements(
    caller: Caller,
    variantIdInput: string,
    limit: number,
    beforeId?: string,
  ): Promise<Movement[]> {
    const variantId = checkId("variant_id", variantIdInput);
    const before = beforeId === undefined ? undefined : checkId("cursor", beforeId);
    await managedVariant(this.database.db, caller, variantId);
    const rows = await this.database.db
      .select()
      .from(movements)
      .where(and(eq(movements.variantId, variantId), before ? lt(movements.id, before) : undefined))
      .orderBy(desc(movements.id))
      .limit(limit);
    return rows.map(toMovement);
  }

  /**
   * Holds every line for `ttlMs`, or none: a line short of stock fails the whole reservation with
   * OutOfStock naming each short line. The same id with the same lines returns the reservation
   * already made (a retried checkout); the same id with other lines is a FailedPrecondition.
   */
  async reserve(input: {
    id: string;
    lines: readonly ReservationLine[];
    ttlMs: number;
  }): Promise<Reservation> {
    const id = checkId("reservation_id", input.id);
    if (input.lines.length === 0) fail("lines", "must hold at least one line");
    if (input.lines.length > maxReservationLines)
      fail("lines", `must hold at most ${maxReservationLines} lines`);
    const lines = input.lines.map((line, i) => ({
      variantId: checkId(`lines[${i}].variant_id`, line.variantId),
      quantity: checkQuantity(`lines[${i}].quantity`, line.quantity, { signed: false }),
    }));
    const seen = new Set<string>();
    lines.forEach((line, i) => {
      if (seen.has(line.variantId)) fail(`lines[${i}].variant_id`, "appears twice; add the quantities up");
      seen.add(line.variantId);
    });
    if (!Number.isSafeInteger(input.ttlMs) || input.ttlMs < minTtlMs || input.ttlMs > maxTtlMs)
      fail("ttl", `must be from ${minTtlMs} ms to ${maxTtlMs} ms`);

    const { reservation, created } = await this.change(async (tx) => {
      // Retries of one checkout racing each other wait here, so only the first one holds stock.
      await lockReservationId(tx, id);
      const existing = await this.lockedReservation(tx, id);
      if (existing) {
        // A Reserve that arrives after its Release (the caller gave up waiting for it) holds nothing.
        if (existing.status === "released" || existing.status === "expired")
          throw new FailedPrecondition(
            `reservation ${id} was ${existing.status}; it holds no stock again, reserve under a new id`,
          );
        if (!sameLines(existing.lines, lines))
          throw new FailedPrecondition(`reservation ${id} exists with other lines`);
        return { reservation: withoutDue(existing), created: false };
      }
      const stock = await this.lockStock(
        tx,
        lines.map((line) => line.variantId),
      );
      const shortages = lines.flatMap((line, i) => {
        const available = stock.get(line.variantId)?.available ?? 0;
        return available >= line.quantity ? [] : [{ line: i, variantId: line.variantId, available }];
      });
      if (shortages.length > 0) throw new OutOfStock(shortages);
      const [row] = await this.statements.hold.run(tx, { id, ttlSeconds: input.ttlMs / 1000 });
      for (const line of lines) {
        const current = stock.get(line.variantId);
        if (!current) throw new Error(`stock row of ${line.variantId} vanished`);
        await this.statements.holdLine.run(tx, {
          reservationId: id,
          variantId: line.variantId,
          quantity: line.quantity,
        });
        await this.write(tx, current, { reserved: current.reserved + line.quantity });
      }
      const held: Reservation = {
        id,
        status: "held",
        expiresAt: row?.expiresAt ?? new Date(),
        lines,
      };
      return { reservation: held, created: true };
    });
    if (created) await this.hints?.held(reservation);
    return reservation;
  }

  /**
   * Turns a held reservation into sales: each line leaves on-hand stock and the reservation, with a
   * `sale` movement. Committing again returns it unchanged; a released or expired one (or a held one
   * past its expiry) is a FailedPrecondition, since its stock may have been sold to someone else.
   */
  async commit(idInput: string, actorId: string): Promise<Reservation> {
    const id = checkId("reservation_id", idInput);
    const committed = await this.change(async (tx) => {
      const reservation = await this.lockedReservation(tx, id);
      if (!reservation) throw new NotFound(`reservation ${id} not found`);
      if (reservation.status === "committed") return withoutDue(reservation);
      if (reservation.status !== "held" || reservation.due)
        throw new FailedPrecondition(`reservation ${id} has expired or was released; reserve again`);
      for (const { line, current } of await this.lockLines(tx, reservation.lines)) {
        const onHand = current.onHand - line.quantity;
        await this.write(tx, current, { onHand, reserved: current.reserved - line.quantity });
        await this.recordMovement(
          tx,
          {
            variantId: line.variantId,
            quantity: -line.quantity,
            reason: "sale",
            note: "",
            actorId,
            reservationId: id,
          },
          onHand,
        );
      }
      await this.settle(tx, id, "committed");
      return { ...withoutDue(reservation), status: "committed" as const };
    });
    await this.hints?.settled(id);
    return committed;
  }

  /**
   * Gives a held reservation's units back; releasing again is no error; a committed one is a
   * FailedPrecondition. A reservation it never saw is recorded released, holding nothing, so that a
   * Reserve still on its way (the caller gave up on it) is refused when it arrives (ADR 0026).
   */
  async release(idInput: string): Promise<Reservation> {
    const id = checkId("reservation_id", idInput);
    const released = await this.change(async (tx) => {
      // Waits for a Reserve of the same id in progress, which then is released here.
      await lockReservationId(tx, id);
      const reservation = await this.lockedReservation(tx, id);
      if (!reservation) {
        const [row] = await tx
          .insert(reservations)
          .values({ id, status: "released", expiresAt: now, settledAt: now })
          .returning({ expiresAt: reservations.expiresAt });
        return {
          id,
          status: "released" as const,
          expiresAt: row?.expiresAt ?? new Date(),
          lines: [],
        };
      }
      if (reservation.status === "committed")
        throw new FailedPrecondition(`reservation ${id} is committed; its units are sold`);
      if (reservation.status !== "held") return withoutDue(reservation);
      return this.giveBack(tx, reservation, "released");
    });
    await this.hints?.settled(id);
    return released;
  }

  /**
   * Puts the units of a cancelled order back on hand, in the consumer's transaction `tx`: one
   * `cancellation` movement per variant, naming the order and its reservation. Once per order: a
   * second call for the same order changes nothing and returns undefined. When inventory knows the
   * order's reservation, it must be committed, and no variant gets back more than it sold (over all
   * the orders of its checkout); a variant without stock gets its stock row.
   */
  async restockCancelledOrder(tx: Tx, input: OrderCancellation): Promise<StockLevel[] | undefined> {
    const orderId = checkId("order_id", input.orderId);
    const reservationId = checkId("checkout_id", input.reservationId);
    if (input.lines.length === 0) fail("lines", "must hold at least one line");
    if (input.lines.length > maxReservationLines)
      fail("lines", `must hold at most ${maxReservationLines} lines`);
    const byVariant = new Map<
      string,
      { variantId: string; productId: string; quantity: number; line: number }
    >();
    input.lines.forEach((line, i) => {
      const variantId = checkId(`lines[${i}].variant_id`, line.variantId);
      const productId = checkId(`lines[${i}].product_id`, line.productId);
      const quantity = checkQuantity(`lines[${i}].quantity`, line.quantity, { signed: false });
      const same = byVariant.get(variantId);
      if (same && same.productId !== productId)
        fail(`lines[${i}].product_id`, `differs from lines[${same.line}].product_id for the same variant`);
      byVariant.set(variantId, { variantId, productId, quantity: (same?.quantity ?? 0) + quantity, line: i });
    });
    const lines = [...byVariant.values()].sort((a, b) => (a.variantId < b.variantId ? -1 : 1));
    const actorId = input.actorId.trim().slice(0, 200) || systemActor;
    const why = input.reason.trim();
    const note = `order ${orderId} cancelled${why ? `: ${why}` : ""}`.slice(0, 500);

    // The first of two deliveries of one order waits here for the other to commit, then does nothing.
    const [first] = await tx
      .insert(cancelledOrders)
      .values({ orderId, reservationId })
      .onConflictDoNothing({ target: cancelledOrders.orderId })
      .returning({ orderId: cancelledOrders.orderId });
    if (!first) return undefined;
    const touched = new Set<string>();
    this.touched.set(tx, touched);
    afterCommit(tx, () => {
      void this.cache?.changed([...touched], (ids) => this.storedLevels(ids));
    });

    for (const line of lines) {
      await tx
        .insert(stockLevels)
        .values({ variantId: line.variantId, productId: line.productId })
        .onConflictDoNothing({ target: stockLevels.variantId });
    }
    const stock = await this.lockStock(
      tx,
      lines.map((line) => line.variantId),
    );
    await this.checkSold(tx, reservationId, orderId, lines);
    const levels: StockLevel[] = [];
    for (const line of lines) {
      const current = stock.get(line.variantId);
      if (!current) throw new Error(`stock row of ${line.variantId} vanished`);
      const onHand = current.onHand + line.quantity;
      levels.push(await this.write(tx, current, { onHand }));
      await this.recordMovement(
        tx,
        {
          variantId: line.variantId,
          quantity: line.quantity,
          reason: "cancellation",
          note,
          actorId,
          reservationId,
          orderId,
        },
        onHand,
      );
    }
    return levels;
  }

  /**
   * Refuses a cancellation that would put back units its reservation never sold: the reservation is
   * not committed, or a line exceeds what it sold less what earlier cancellations put back. A
   * reservation inventory does not know (an order from before it kept stock) is not checked.
   */
  private async checkSold(
    tx: Tx,
    reservationId: string,
    orderId: string,
    lines: readonly { variantId: string; quantity: number; line: number }[],
  ): Promise<void> {
    const [reservation] = await tx
      .select({ status: reservations.status })
      .from(reservations)
      .where(eq(reservations.id, reservationId))
      .for("share");
    if (!reservation) return;
    if (reservation.status !== "committed")
      throw new FailedPrecondition(
        `order ${orderId} is cancelled but its reservation ${reservationId} is ${reservation.status}, not committed: its units were never sold`,
      );
    const returned = tx
      .select({
        variantId: movements.variantId,
        // sum() of bigint is numeric, which reads as exact text.
        quantity: sql<number>`sum(${movements.quantity})`.mapWith(Number).as("returned_quantity"),
      })
      .from(movements)
      .where(and(eq(movements.reservationId, reservationId), eq(movements.reason, "cancellation")))
      .groupBy(movements.variantId)
      .as("returned");
    const rows = await tx
      .select({
        variantId: reservationLines.variantId,
        sold: reservationLines.quantity,
        returned: sql<number>`coalesce(${returned.quantity}, 0)`.mapWith(Number),
      })
      .from(reservationLines)
      .leftJoin(returned, eq(returned.variantId, reservationLines.variantId))
      .where(eq(reservationLines.reservationId, reservationId));
    const sold = new Map(rows.map((row) => [row.variantId, row.sold - row.returned]));
    const violations = lines.flatMap(({ variantId, quantity, line }) => {
      const left = sold.get(variantId) ?? 0;
      return quantity <= left
        ? []
        : [
            {
              field: `lines[${line}].quantity`,
              message: `only ${left} sold by checkout ${reservationId} and not yet put back`,
            },
          ];
    });
    if (violations.length > 0)
      throw new DomainError(
        "FAILED_PRECONDITION",
        `order ${orderId} would put back more than its checkout sold: ${violations.map((v) => `${v.field} ${v.message}`).join("; ")}`,
        violations,
      );
  }

  /**
   * Expires up to `limit` held reservations whose time is up, returning their units; safe in every
   * replica at once (rows another transaction holds are skipped). Returns how many it expired.
   */
  async expireDue(limit = 100): Promise<number> {
    return this.change(async (tx) => {
      const due = await tx
        .select({ id: reservations.id })
        .from(reservations)
        .where(and(eq(reservations.status, "held"), lte(reservations.expiresAt, now)))
        .orderBy(reservations.expiresAt)
        .limit(limit)
        .for("update", { skipLocked: true });
      for (const { id } of due) {
        const reservation = await this.lockedReservation(tx, id);
        if (reservation?.status === "held") await this.giveBack(tx, reservation, "expired");
      }
      return due.length;
    });
  }

  /** A reservation, or undefined. */
  async reservation(idInput: string): Promise<Reservation | undefined> {
    const id = checkId("reservation_id", idInput);
    const found = await this.readReservation(this.database.db, id, false);
    return found && withoutDue(found);
  }

  private lockedReservation(tx: Tx, id: string): Promise<(Reservation & { due: boolean }) | undefined> {
    return this.readReservation(tx, id, true);
  }

  /** A reservation; `due` says whether its expiry has passed by the database's clock. */
  private async readReservation(
    executor: Executor,
    id: string,
    lock: boolean,
  ): Promise<(Reservation & { due: boolean }) | undefined> {
    const [row] = await (lock ? this.statements.lockReservation : this.statements.reservation).run(executor, {
      id,
    });
    if (!row) return undefined;
    const lines = await this.statements.reservationLines.run(executor, { id });
    return { ...row, lines };
  }

  private async giveBack(
    tx: Tx,
    reservation: Reservation,
    status: "released" | "expired",
  ): Promise<Reservation> {
    for (const { line, current } of await this.lockLines(tx, reservation.lines)) {
      await this.write(tx, current, { reserved: current.reserved - line.quantity });
    }
    await this.settle(tx, reservation.id, status);
    return { ...withoutDue(reservation), status };
  }

  private async settle(tx: Tx, id: string, status: ReservationStatus): Promise<void> {
    await this.statements.settle.run(tx, { id, status });
  }

  /** Locks the stock rows of `variantIds` in id order (so two transactions never wait on each other in a circle). */
  private async lockStock(tx: Executor, variantIds: readonly string[]): Promise<Map<string, StockLevel>> {
    const rows = await this.statements.lockLevels.run(tx, { ids: uuidArray(variantIds) });
    return new Map(rows.map((row) => [row.variantId, toLevel(row)]));
  }

  /** Locks the stock rows of a reservation's lines; each line has one (reserving created them all). */
  private async lockLines(
    tx: Executor,
    lines: readonly ReservationLine[],
  ): Promise<{ line: ReservationLine; current: StockLevel }[]> {
    const stock = await this.lockStock(
      tx,
      lines.map((line) => line.variantId),
    );
    return lines.map((line) => {
      const current = stock.get(line.variantId);
      if (!current) throw new Error(`stock row of ${line.variantId} vanished`);
      return { line, current };
    });
  }

  private async recordMovement(
    tx: Tx,
    movement: Omit<Movement, "id" | "createdAt" | "onHandAfter" | "reservationId" | "orderId"> & {
      reservationId?: string;
      orderId?: string;
    },
    onHandAfter: number,
  ): Promise<void> {
    await this.statements.movement.run(tx, {
      id: uuidv7(),
      variantId: movement.variantId,
      quantity: movement.quantity,
      reason: movement.reason,
      note: movement.note,
      actorId: movement.actorId,
      reservationId: movement.reservationId ?? null,
      orderId: movement.orderId ?? null,
      onHandAfter,
    });
  }

  /**
   * Writes the new figures of a locked stock row with the next version, records StockLevelChanged,
   * and flips the low flag (recording StockLow when it turns on) when available stock crosses the threshold.
   */
  private async write(
    tx: Tx,
    current: StockLevel,
    change: { onHand?: number; reserved?: number; threshold?: number | null },
  ): Promise<StockLevel> {
    const onHand = change.onHand ?? current.onHand;
    const reserved = change.reserved ?? current.reserved;
    const threshold = change.threshold === undefined ? (current.lowStockThreshold ?? null) : change.threshold;
    const available = Math.max(0, onHand - reserved);
    const low = threshold !== null && available < threshold;
    const [row] = await this.statements.writeLevel.run(tx, {
      variantId: current.variantId,
      onHand,
      reserved,
      threshold,
      low,
    });
    if (!row) throw new Error(`stock row of ${current.variantId} vanished`);
    this.touched.get(tx)?.add(current.variantId);
    const level = toLevel(row);
    if (onHand !== current.onHand || reserved !== current.reserved)
      await recordStockChanged(this.outbox, tx, level);
    if (low && !current.low && threshold !== null)
      await recordStockLow(this.outbox, tx, { ...level, available, threshold });
    return level;
  }
}

function withoutDue({ due: _due, ...reservation }: Reservation & { due?: boolean }): Reservation {
  return reservation;
}

function sameLines(a: readonly ReservationLine[], b: readonly ReservationLine[]): boolean {
  const key = (lines: readonly ReservationLine[]) =>
    [...lines]
      .sort((x, y) => (x.variantId < y.variantId ? -1 : 1))
      .map((line) => `${line.variantId}:${line.quantity}`)
      .join(",");
  return key(a) === key(b);
}
