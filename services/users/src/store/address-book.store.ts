import { type Database, FailedPrecondition, NotFound, type Tx } from "@mercato/platform";
import { and, desc, eq, ne, type SQL, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import {
  type DefaultFlags,
  defaultsForNewAddress,
  defaultsRank,
  maxAddressesPerUser,
} from "../domain/address-book.js";
import type { AddressParts } from "../domain/address-rules.js";
import { type AddressCursor, encodeAddressCursor } from "./address-cursor.js";
import { type AddressRow, addresses } from "./schema.js";

/** One page of a user's addresses. */
export interface AddressPage {
  rows: AddressRow[];
  /** Cursor of the next page; undefined on the last one. */
  nextCursor: string | undefined;
}

/** What to change on an address: new parts, and default flags when given (`true` sets, `false` unsets). */
export interface AddressChange {
  parts: AddressParts;
  defaultShipping?: boolean | undefined;
  defaultBilling?: boolean | undefined;
}

// The listing order as SQL, the same as defaultsRank.
const rank = sql<number>`(case when ${addresses.defaultShipping} then 2 else 0 end + case when ${addresses.defaultBilling} then 1 else 0 end)`;

/**
 * Every user's address book. Writes to one book are serialised by a transaction-scoped advisory
 * lock on the user, so the size limit and the "first address is the default" rule hold under
 * concurrent requests; the partial unique indexes back up the one-default-each rule.
 */
export class AddressBook {
  constructor(private readonly database: Database) {}

  /** One of the user's addresses; another user's id is NotFound, exactly like an unknown one. */
  async get(userId: string, id: string): Promise<AddressRow> {
    const [row] = await this.database.db
      .select()
      .from(addresses)
      .where(and(eq(addresses.userId, userId), eq(addresses.id, id)))
      .limit(1);
    if (!row) throw notFound(id);
    return row;
  }

  /** A page of the user's addresses: defaults first, then newest (ids are UUIDv7, so by id). */
  async list(userId: string, limit: number, after: AddressCursor | undefined): Promise<AddressPage> {
    const conditions: SQL[] = [eq(addresses.userId, userId)];
    if (after) conditions.push(sql`(${rank}, ${addresses.id}) < (${after.rank}, ${after.id}::uuid)`);
    const rows = await this.database.db
      .select()
      .from(addresses)
      .where(and(...conditions))
      .orderBy(desc(rank), desc(addresses.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      rows: page,
      nextCursor:
        rows.length > limit && last
          ? encodeAddressCursor({ rank: defaultsRank(flagsOf(last)), id: last.id })
          : undefined,
    };
  }

  /**
   * Adds an address. The first address of a book becomes the default shipping and billing
   * address; a later one takes over a default when asked, in the same transaction that unsets the
   * old one. Refused with FailedPrecondition when the book is full.
   */
  async create(userId: string, parts: AddressParts, requested: DefaultFlags): Promise<AddressRow> {
    return this.database.transaction(async (tx) => {
      await lockBook(tx, userId);
      const [counted] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(addresses)
        .where(eq(addresses.userId, userId));
      const existing = Number(counted?.n ?? 0);
      if (existing >= maxAddressesPerUser) {
        throw new FailedPrecondition(
          `an address book holds at most ${maxAddressesPerUser} addresses; delete one before adding another`,
        );
      }
      const flags = defaultsForNewAddress(existing, requested);
      await unsetDefaults(tx, userId, flags, undefined);
      const [row] = await tx
        .insert(addresses)
        .values({
          id: uuidv7(),
          userId,
          ...parts,
          defaultShipping: flags.shipping,
          defaultBilling: flags.billing,
        })
        .returning();
      if (!row) throw new Error("insert returned no row");
      return row;
    });
  }

  /** Replaces an address's parts and sets or unsets its default flags when they are given. */
  async update(userId: string, id: string, change: AddressChange): Promise<AddressRow> {
    return this.database.transaction(async (tx) => {
      await lockBook(tx, userId);
      const taking = { shipping: change.defaultShipping === true, billing: change.defaultBilling === true };
      await unsetDefaults(tx, userId, taking, id);
      const [row] = await tx
        .update(addresses)
        .set({
          ...change.parts,
          ...(change.defaultShipping === undefined ? {} : { defaultShipping: change.defaultShipping }),
          ...(change.defaultBilling === undefined ? {} : { defaultBilling: change.defaultBilling }),
          updatedAt: sql`now()`,
        })
        .where(and(eq(addresses.userId, userId), eq(addresses.id, id)))
        .returning();
      // Throwing rolls back the defaults unset above.
      if (!row) throw notFound(id);
      return row;
    });
  }

  /**
   * Removes an address. When it was a default, the newest remaining address becomes that default,
   * so a book that is not empty always has a default shipping and billing address after a delete
   * (a user who wants another one picks it explicitly).
   */
  async delete(userId: string, id: string): Promise<void> {
    await this.database.transaction(async (tx) => {
      await lockBook(tx, userId);
      const [removed] = await tx
        .delete(addresses)
        .where(and(eq(addresses.userId, userId), eq(addresses.id, id)))
        .returning();
      if (!removed) throw notFound(id);
      if (removed.defaultShipping) await promoteNewest(tx, userId, "shipping");
      if (removed.defaultBilling) await promoteNewest(tx, userId, "billing");
    });
  }
}

function flagsOf(row: AddressRow): DefaultFlags {
  return { shipping: row.defaultShipping, billing: row.defaultBilling };
}

function notFound(id: string): NotFound {
  return new NotFound(`address ${id} not found`);
}

async function lockBook(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`users.address-book:${userId}`}))`);
}

/** Unsets the defaults `flags` asks to take over on every address of the user except `keep`. */
async function unsetDefaults(tx: Tx, userId: string, flags: DefaultFlags, keep: string | undefined) {
  const others = (column: typeof addresses.defaultShipping | typeof addresses.defaultBilling) =>
    and(eq(addresses.userId, userId), eq(column, true), keep ? ne(addresses.id, keep) : undefined);
  if (flags.shipping) {
    await tx
      .update(addresses)
      .set({ defaultShipping: false, updatedAt: sql`now()` })
      .where(others(addresses.defaultShipping));
  }
  if (flags.billing) {
    await tx
      .update(addresses)
      .set({ defaultBilling: false, updatedAt: sql`now()` })
      .where(others(addresses.defaultBilling));
  }
}

async function promoteNewest(tx: Tx, userId: string, which: "shipping" | "billing"): Promise<void> {
  const [newest] = await tx
    .select({ id: addresses.id })
    .from(addresses)
    .where(eq(addresses.userId, userId))
    .orderBy(desc(addresses.id))
    .limit(1);
  if (!newest) return;
  await tx
    .update(addresses)
    .set({
      ...(which === "shipping" ? { defaultShipping: true } : { defaultBilling: true }),
      updatedAt: sql`now()`,
    })
    .where(eq(addresses.id, newest.id));
}
