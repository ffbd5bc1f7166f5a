import {
  Conflict,
  type Database,
  type Executor,
  FailedPrecondition,
  jsonRecordset,
  NotFound,
  rowsOf,
} from "@mercato/platform";
import { sql } from "drizzle-orm";
import type { Money, WantedLine } from "../domain/checkout-plan.js";

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

interface LineRow {
  variant_id: string;
  quantity: number | string;
  price_when_added_minor: number | string;
  currency_when_added: string;
  added_at: string | Date;
  updated_at: string | Date;
}

const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(value));

/**
 * Carts: per buyer, lines of variant and quantity only (what they show is looked up when read), each
 * remembering the price it was added at so a change since can be shown.
 */
export class Carts {
  constructor(private readonly database: Database) {}

  /** The buyer's cart; empty when never used. */
  async get(buyerId: string, executor: Executor = this.database.db): Promise<Cart> {
    const rows = rowsOf<LineRow>(
      await executor.execute(sql`
        select variant_id, quantity, price_when_added_minor, currency_when_added, added_at, updated_at
        from orders.cart_lines where buyer_id = ${buyerId} order by added_at, variant_id`),
    );
    const lines = rows.map((row) => ({
      variantId: row.variant_id,
      quantity: Number(row.quantity),
      priceWhenAdded: {
        amountMinor: Number(row.price_when_added_minor),
        currency: row.currency_when_added.trim(),
      },
      addedAt: toDate(row.added_at),
    }));
    const updatedAt = rows.reduce<Date | undefined>((latest, row) => {
      const at = toDate(row.updated_at);
      return !latest || at > latest ? at : latest;
    }, undefined);
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
    const [prior] = rowsOf<{ variant_id: string; quantity: number | string }>(
      await executor.execute(sql`
        select variant_id, quantity from orders.cart_add_keys
        where buyer_id = ${buyerId} and idempotency_key = ${add.key}
          and created_at > now() - make_interval(secs => ${cartAddKeyTtlMs / 1000})`),
    );
    if (!prior) return undefined;
    if (prior.variant_id !== add.variantId.toLowerCase() || Number(prior.quantity) !== add.quantity)
      throw new Conflict(
        `idempotency key ${add.key} was used to add ${prior.quantity} of variant ${prior.variant_id}; use a new key for a new add`,
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
      await tx.execute(sql`
        insert into orders.cart_lines (buyer_id, variant_id, quantity, price_when_added_minor, currency_when_added)
        values (${buyerId}, ${variantId}, ${quantity}, ${price.amountMinor}, ${price.currency})
        on conflict (buyer_id, variant_id) do update set
          quantity = orders.cart_lines.quantity + excluded.quantity,
          price_when_added_minor = excluded.price_when_added_minor,
          currency_when_added = excluded.currency_when_added,
          updated_at = now()`);
      // A row still here under the key has expired (replay found none): the key starts afresh.
      if (key !== undefined)
        await tx.execute(sql`
          insert into orders.cart_add_keys (buyer_id, idempotency_key, variant_id, quantity)
          values (${buyerId}, ${key}, ${variantId}, ${quantity})
          on conflict (buyer_id, idempotency_key) do update set
            variant_id = excluded.variant_id, quantity = excluded.quantity, created_at = now()`);
      return { cart: await this.get(buyerId, tx), replayed: false };
    });
  }

  /** Forgets up to `limit` (default 1,000) add keys older than a day; returns how many. */
  async forgetExpiredAddKeys(limit = 1_000): Promise<number> {
    const gone = rowsOf(
      await this.database.db.execute(sql`
        delete from orders.cart_add_keys where (buyer_id, idempotency_key) in (
          select buyer_id, idempotency_key from orders.cart_add_keys
          where created_at <= now() - make_interval(secs => ${cartAddKeyTtlMs / 1000})
          limit ${limit})
        returning buyer_id`),
    );
    return gone.length;
  }

  /** Sets the units of a line already in the cart; NotFound when it is not there. */
  async update(buyerId: string, variantId: string, quantity: number): Promise<Cart> {
    return this.database.transaction(async (tx) => {
      await lockCart(tx, buyerId);
      const updated = rowsOf(
        await tx.execute(sql`
          update orders.cart_lines set quantity = ${quantity}, updated_at = now()
          where buyer_id = ${buyerId} and variant_id = ${variantId} returning variant_id`),
      );
      if (updated.length === 0) throw new NotFound(`variant ${variantId} is not in the cart`);
      return this.get(buyerId, tx);
    });
  }

  /** Takes a variant out of the cart; no error when it was not there. */
  async remove(buyerId: string, variantId: string): Promise<Cart> {
    return this.database.transaction(async (tx) => {
      await tx.execute(
        sql`delete from orders.cart_lines where buyer_id = ${buyerId} and variant_id = ${variantId}`,
      );
      return this.get(buyerId, tx);
    });
  }

  /** Empties the cart. */
  async clear(buyerId: string): Promise<Cart> {
    await this.database.db.execute(sql`delete from orders.cart_lines where buyer_id = ${buyerId}`);
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
    await tx.execute(sql`
      delete from orders.cart_lines c
      using ${jsonRecordset(bought, "variant_id uuid, quantity int")}
      where c.buyer_id = ${buyerId} and c.variant_id = r.variant_id and c.quantity <= r.quantity`);
    await tx.execute(sql`
      update orders.cart_lines c set quantity = c.quantity - r.quantity, updated_at = now()
      from ${jsonRecordset(bought, "variant_id uuid, quantity int")}
      where c.buyer_id = ${buyerId} and c.variant_id = r.variant_id and c.quantity > r.quantity`);
  }
}

/** Serializes changes of one buyer's cart, so the line limit holds under concurrent adds. */
async function lockCart(tx: Executor, buyerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`orders.cart.${buyerId}`}, 0))`);
}
