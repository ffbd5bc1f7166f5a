import { type Database, type Executor, type Placeholders, prepared } from "@mercato/platform";
import { and, desc, eq, lt, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { type DeliveryContent, type DeliveryRow, deliveries } from "./schema.js";

// What every send runs: recorded, read by its job, settled (built once per process, ADR 0037).
const addDelivery = prepared(
  "notifications.delivery_add",
  (
    db,
    p: Placeholders<{
      id: string;
      key: string;
      recipientId: string;
      kind: string;
      channel: DeliveryContent["channel"];
      content: DeliveryContent;
    }>,
  ) =>
    db
      .insert(deliveries)
      .values({
        id: p.id,
        key: p.key,
        recipientId: p.recipientId,
        kind: p.kind,
        channel: p.channel,
        content: p.content,
        status: "queued",
      })
      .onConflictDoNothing({ target: deliveries.key })
      .returning({ id: deliveries.id }),
);
const deliveryById = prepared("notifications.delivery", (db, p: Placeholders<{ id: string }>) =>
  db.select().from(deliveries).where(eq(deliveries.id, p.id)),
);
const settleDelivery = prepared(
  "notifications.delivery_settle",
  (db, p: Placeholders<{ id: string; status: DeliveryRow["status"]; attempts: number; lastError: string }>) =>
    db
      .update(deliveries)
      .set({
        status: sql`${p.status}`,
        attempts: sql`${p.attempts}`,
        lastError: sql`${p.lastError}`,
        updatedAt: sql`now()`,
      })
      .where(eq(deliveries.id, p.id)),
);

/** The sends of notifications and what became of them. */
export class Deliveries {
  constructor(private readonly database: Database) {}

  /** Records a send in the caller's transaction; undefined when `key` was already recorded. */
  async add(
    tx: Executor,
    input: { key: string; recipientId: string; kind: string; content: DeliveryContent },
  ): Promise<string | undefined> {
    const [row] = await addDelivery.run(tx, { id: uuidv7(), ...input, channel: input.content.channel });
    return row?.id;
  }

  async get(id: string): Promise<DeliveryRow | undefined> {
    const [row] = await deliveryById.run(this.database.db, { id });
    return row;
  }

  /** Records an attempt's end: `sent`, `dropped` (nowhere to send), `failed` (the last attempt failed) or still `queued`. */
  async settle(id: string, status: DeliveryRow["status"], attempts: number, error = ""): Promise<void> {
    await settleDelivery.run(this.database.db, { id, status, attempts, lastError: error.slice(0, 1000) });
  }

  /** Deliveries that failed every attempt, newest first. */
  async failed(limit: number): Promise<DeliveryRow[]> {
    return this.database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.status, "failed"))
      .orderBy(desc(deliveries.updatedAt))
      .limit(limit);
  }

  /** Puts a failed delivery back in the queue state with fresh attempts; false when it is not failed. */
  async reopen(id: string): Promise<boolean> {
    const rows = await this.database.db
      .update(deliveries)
      .set({ status: "queued", attempts: 0, updatedAt: sql`now()` })
      .where(and(eq(deliveries.id, id), eq(deliveries.status, "failed")))
      .returning({ id: deliveries.id });
    return rows.length > 0;
  }

  /** Deliveries still queued and untouched for `olderThanMs`: their job may have been lost (a restart of the in-process queue). */
  async stale(olderThanMs: number, limit: number): Promise<string[]> {
    const rows = await this.database.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(
        and(
          eq(deliveries.status, "queued"),
          lt(deliveries.updatedAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
        ),
      )
      .orderBy(deliveries.updatedAt)
      .limit(limit);
    return rows.map((row) => row.id);
  }

  /** Marks a stale delivery touched, so the next sweep leaves it alone for a while. */
  async touch(id: string): Promise<void> {
    await this.database.db.update(deliveries).set({ updatedAt: sql`now()` }).where(eq(deliveries.id, id));
  }
}
