import {
  type Database,
  type Executor,
  idFromCursor,
  idPage,
  type Placeholders,
  prepared,
  uuidArray,
} from "@mercato/platform";
import { and, count, desc, eq, isNull, lt, type SQL, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import type { Category } from "../domain/preferences.js";
import { type InboxRow, inbox } from "./schema.js";

/** A new in-app entry: `key` (event and kind) keeps one event to one entry per recipient. */
export interface NewEntry {
  recipientId: string;
  key: string;
  kind: string;
  category: Category;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** Every in-app notification is one of these (built once, ADR 0037). */
const addEntry = prepared(
  "notifications.inbox_add",
  (db, p: Placeholders<{ [K in keyof NewEntry]: NewEntry[K] } & { id: string }>) =>
    db
      .insert(inbox)
      .values({
        id: p.id,
        recipientId: p.recipientId,
        key: p.key,
        kind: p.kind,
        category: p.category,
        title: p.title,
        body: p.body,
        data: p.data,
      })
      .onConflictDoNothing({ target: [inbox.recipientId, inbox.key] })
      .returning(),
);

/** Largest page of a list. */
export const maxInboxPage = 100;

/** Each user's in-app notifications. */
export class Inbox {
  constructor(private readonly database: Database) {}

  /** Adds an entry in the caller's transaction; undefined when this key was already there. */
  async add(tx: Executor, entry: NewEntry): Promise<InboxRow | undefined> {
    const [row] = await addEntry.run(tx, { id: uuidv7(), ...entry });
    return row;
  }

  /** One page of `userId`'s entries, newest first, after `cursor`. */
  async list(
    userId: string,
    options: { limit: number; cursor?: string; unreadOnly?: boolean },
  ): Promise<{ entries: InboxRow[]; nextCursor: string }> {
    const conditions: SQL[] = [eq(inbox.recipientId, userId)];
    if (options.unreadOnly) conditions.push(isNull(inbox.readAt));
    if (options.cursor) conditions.push(lt(inbox.id, idFromCursor(options.cursor)));
    const rows = await this.database.db
      .select()
      .from(inbox)
      .where(and(...conditions))
      .orderBy(desc(inbox.id))
      .limit(options.limit + 1);
    const page = idPage(rows, options.limit);
    return { entries: page.rows, nextCursor: page.nextCursor };
  }

  async unread(userId: string, executor: Executor = this.database.db): Promise<number> {
    const [row] = await executor
      .select({ n: count() })
      .from(inbox)
      .where(and(eq(inbox.recipientId, userId), isNull(inbox.readAt)));
    return row?.n ?? 0;
  }

  /** Marks `ids` (only `userId`'s own count) or all of them read; returns how many changed and how many are left. */
  async markRead(
    userId: string,
    ids: readonly string[] | "all",
  ): Promise<{ marked: number; unread: number }> {
    return this.database.transaction(async (tx) => {
      const which = ids === "all" ? undefined : sql`${inbox.id} = any(${uuidArray(ids)}::uuid[])`;
      const marked = await tx
        .update(inbox)
        .set({ readAt: sql`now()` })
        .where(and(eq(inbox.recipientId, userId), isNull(inbox.readAt), which))
        .returning({ id: inbox.id });
      return { marked: marked.length, unread: await this.unread(userId, tx) };
    });
  }
}
