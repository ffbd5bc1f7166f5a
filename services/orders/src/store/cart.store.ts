import {
  Conflict,
  type Database,
  type Executor,
  FailedPrecondition,
  jsonRecordset,
  lockForTransaction,
  NotFound,
} from "@mercato/platform";
import { and, eq, sql } from "drizzle-orm";
import type { Money, WantedLine } from "../domain/checkout-plan.js";
import { cartAddKeys, cartLines } from "./schema.js";

/** Most lines one cart holds. */
export const maxCartLines = 100;
/** Most units of one line. */
export const maxLineQuantity = 1_000;
/** How long the idempotency key of a cart add is remembered: a day, in ms. */
export const cartAddKeyTtlMs = 86_400_000;

/** A cart line: a variant and its units, with the price it had when added. */
export interface CartLine {
  variantId: string;
  quantity: number;
  priceWhenAdded: Money;
  addedAt: Date;
}

/** A buyer's cart. */
export interface Cart {
  buyerId: string;
  lines: CartLine[];
  updatedAt: Date | undefined;
}

/** An add under a client's idempotency key: a retry of it adds nothing. */
export interface KeyedAdd {
  key: string;
  variantId: string;
  quantity: number;
}

const keyTtl = sql`make_interval(secs => ${cartAddKeyTtlMs / 1000})`;
/** An add key still remembered: used within the last day. */
const keyRemembered = sql`${cartAddKeys.createdAt} > now() - ${keyTtl}`;
/** An add key forgotten: used more than a day ago. */
const keyExpired = sql`${cartAddKeys.createdAt} <= now() - ${keyTtl}`;

/**
 * Carts: per buyer, lines of variant and quantity only (what they show is looked up when read), each
 * remembering the price it was added at so a change since can be shown.
 */
export class Carts {
  constructor(private readonly database: Database) {}

  /** The buyer's cart; empty when never used. */
  async get(buyerId: string, executor: Executor = this.database.db): Promise<Cart> {
    const rows = await executor
      .select()
      .from(cartLines)
      .where(eq(cartLines.buyerId, buyerId))
      .orderBy(cartLines.addedAt, cartLines.variantId);
    const lines = rows.map((row) => ({
      variantId: row.variantId,
      quantity: row.quantity,
      priceWhenAdded: { amountMinor: row.priceWhenAddedMinor, currency: row.currencyWhenAdded.trim() },
      addedAt: row.addedAt,
    }));
    const updatedAt = rows.reduce<Date | undefined>(
      (latest, row) => (!latest || row.updatedAt > latest ? row.updatedAt : latest),
      undefined,
    );
    return { buyerId, lines, updatedAt };
  }

  /**
   * The cart as it is now when `add`'s key was used within a day for the same variant and
   * quantity (the retry adds nothing); undefined when the key is new or expired. The key used for
   * another add is a Conflict naming it.
   */
  async replay(
    buyerId: string,
    add: KeyedAdd,
    executor: Executor = this.database.db,
  ): Promise<Cart | undefined> {
    const [prior] = await executor
      .select({ variantId: cartAddKeys.variantId, quantity: cartAddKeys.quantity })
      .from(cartAddKeys)
      .where(and(eq(cartAddKeys.buyerId, buyerId), eq(cartAddKeys.idempotencyKey, add.key), keyRemembered));
    if (!prior) return undefined;
    if (prior.variantId !== add.variantId.toLowerCase() || prior.quantity !== add.quantity)
      throw new Conflict(
        `idempotency key ${add.key} was used to add ${prior.quantity} of variant ${prior.variantId}; use a new key for a new add`,
      );
    return this.get(buyerId, executor);
  }

  /**
   * Adds units of a variant at its current price; a line for the same variant grows (up to the
   * maximum). With `key`, the key is stored in the same transaction, so an add under a key seen
   * within a day adds nothing and answers the cart as it is now (`replayed`).
   */
  async add(
    buyerId: string,
    variantId: string,
    quantity: number,
    price: Money,
    key?: string,
  ): Promise<{ cart: Cart; replayed: boolean }> {
    return this.database.transaction(async (tx) => {
      await lockCart(tx, buyerId);
      // Under the cart's lock, so of two requests with one key only the first adds.
      const replayed =
        key === undefined ? undefined : await this.replay(buyerId, { key, variantId, quantity }, tx);
      if (replayed) return { cart: replayed, replayed: true };
      const cart = await this.get(buyerId, tx);
      const existing = cart.lines.find((line) => line.variantId === variantId);
      if (!existing && cart.lines.length >= maxCartLines)
        throw new FailedPrecondition(
          `a cart holds at most ${maxCartLines} lines; check out or remove some first`,
        );
      if ((existing?.quantity ?? 0) + quantity > maxLineQuantity)
        throw new FailedPrecondition(
          `a line holds at most ${maxLineQuantity} units; this one has ${existing?.quantity ?? 0}`,
        );
      // The remembered price is the one the buyer last saw when adding, so a change is shown from there.
      await tx
        .insert(cartLines)
        .values({
          buyerId,
          variantId,
          quantity,
          priceWhenAddedMinor: price.amountMinor,
          currencyWhenAdded: price.currency,
        })
        .onConflictDoUpdate({
          target: [cartLines.buyerId, cartLines.variantId],
          set: {
            quantity: sql`${cartLines.quantity} + excluded.quantity`,
            priceWhenAddedMinor: sql`excluded.price_when_added_minor`,
            currencyWhenAdded: sql`excluded.currency_when_added`,
            updatedAt: sql`now()`,
          },
        });
      // A row still here under the key has expired (replay found none): the key starts afresh.
      if (key !== undefined)
        await tx
          .insert(cartAddKeys)
          .values({ buyerId, idempotencyKey: key, variantId, quantity })
          .onConflictDoUpdate({
            target: [cartAddKeys.buyerId, cartAddKeys.idempotencyKey],
            set: {
              variantId: sql`excluded.variant_id`,
              quantity: sql`excluded.quantity`,
              createdAt: sql`now()`,
            },
          });
      return { cart: await this.get(buyerId, tx), replayed: false };
    });
  }

  /** Forgets up to `limit` (default 1,000) add keys older than a day; returns how many. */
  async forgetExpiredAddKeys(limit = 1_000): Promise<number> {
    const gone = await this.database.db
      .delete(cartAddKeys)
      .where(
        sql`(${cartAddKeys.buyerId}, ${cartAddKeys.idempotencyKey}) in (
          select ${cartAddKeys.buyerId}, ${cartAddKeys.idempotencyKey} from ${cartAddKeys}
          where ${keyExpired} limit ${limit})`,
      )
      .returning({ buyerId: cartAddKeys.buyerId });
    return gone.length;
  }

  /** Sets the units of a line already in the cart; NotFound when it is not there. */
  async update(buyerId: string, variantId: string, quantity: number): Promise<Cart> {
    return this.database.transaction(async (tx) => {
      await lockCart(tx, buyerId);
      const updated = await tx
        .update(cartLines)
        .set({ quantity, updatedAt: sql`now()` })
        .where(and(eq(cartLines.buyerId, buyerId), eq(cartLines.variantId, variantId)))
        .returning({ variantId: cartLines.variantId });
      if (updated.length === 0) throw new NotFound(`variant ${variantId} is not in the cart`);
      return this.get(buyerId, tx);
    });
  }

  /** Takes a variant out of the cart; no error when it was not there. */
  async remove(buyerId: string, variantId: string): Promise<Cart> {
    return this.database.transaction(async (tx) => {
      await tx
        .delete(cartLines)
        .where(and(eq(cartLines.buyerId, buyerId), eq(cartLines.variantId, variantId)));
      return this.get(buyerId, tx);
    });
  }

  /** Empties the cart. */
  async clear(buyerId: string): Promise<Cart> {
    await this.database.db.delete(cartLines).where(eq(cartLines.buyerId, buyerId));
    return { buyerId, lines: [], updatedAt: undefined };
  }

  /**
   * Takes what a checkout bought out of the cart, in the checkout's transaction: a line loses the
   * units bought and goes when none are left (units added while the checkout ran stay).
   */
  async removeBought(tx: Executor, buyerId: string, lines: readonly WantedLine[]): Promise<void> {
    if (lines.length === 0) return;
    await lockCart(tx, buyerId);
    const bought = lines.map((line) => ({ variant_id: line.variantId, quantity: line.quantity }));
    // Lines bought whole go first, so a line the update shrinks is not then taken for one.
    const sameLine = sql`${cartLines.buyerId} = ${buyerId} and ${cartLines.variantId} = r.variant_id`;
    await tx.execute(sql`
      delete from ${cartLines} using ${jsonRecordset(bought, "variant_id uuid, quantity int")}
      where ${sameLine} and ${cartLines.quantity} <= r.quantity`);
    await tx.execute(sql`
      update ${cartLines} set ${sql.identifier(cartLines.quantity.name)} = ${cartLines.quantity} - r.quantity,
        ${sql.identifier(cartLines.updatedAt.name)} = now()
      from ${jsonRecordset(bought, "variant_id uuid, quantity int")}
      where ${sameLine} and ${cartLines.quantity} > r.quantity`);
  }
}

/** Serializes changes of one buyer's cart, so the line limit holds under concurrent adds. */
async function lockCart(tx: Executor, buyerId: string): Promise<void> {
  await lockForTransaction(tx, `orders.cart.${buyerId}`);
}
