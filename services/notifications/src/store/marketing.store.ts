import type { Executor, Tx } from "@mercato/platform";
import { and, eq, gt, lt, notExists, sql } from "drizzle-orm";
import { follows, marketingPending, marketingSent } from "./schema.js";

/** What followers of storefronts have yet to hear of their new products, and when they last did. */
export const marketing = {
  /** Notes a newly published product for every follower of its storefront; returns how many. */
  async published(
    tx: Executor,
    product: { id: string; storefrontId: string; title: string },
  ): Promise<number> {
    const rows = await tx
      .insert(marketingPending)
      .select(
        tx
          .select({
            followerId: follows.userId,
            productId: sql<string>`${product.id}::uuid`.as("product_id"),
            storefrontId: follows.storefrontId,
            title: sql<string>`${product.title}`.as("title"),
            createdAt: sql<Date>`now()`.as("created_at"),
          })
          .from(follows)
          .where(eq(follows.storefrontId, product.storefrontId)),
      )
      .onConflictDoNothing()
      .returning({ followerId: marketingPending.followerId });
    return rows.length;
  },

  /**
   * Locks up to `limit` follower-storefront pairs with news whose follower has not heard of that
   * storefront for `gapMs` (a day), with their products, oldest first.
   */
  async due(tx: Tx, gapMs: number, limit: number) {
    const pairs = await tx
      .selectDistinct({
        followerId: marketingPending.followerId,
        storefrontId: marketingPending.storefrontId,
      })
      .from(marketingPending)
      .where(
        notExists(
          tx
            .select({ one: sql`1` })
            .from(marketingSent)
            .where(
              and(
                eq(marketingSent.followerId, marketingPending.followerId),
                eq(marketingSent.storefrontId, marketingPending.storefrontId),
                gt(marketingSent.sentAt, sql`now() - make_interval(secs => ${gapMs / 1000})`),
              ),
            ),
        ),
      )
      .limit(limit);
    const out: { followerId: string; storefrontId: string; titles: string[] }[] = [];
    for (const pair of pairs) {
      const items = await tx
        .delete(marketingPending)
        .where(
          and(
            eq(marketingPending.followerId, pair.followerId),
            eq(marketingPending.storefrontId, pair.storefrontId),
          ),
        )
        .returning({ title: marketingPending.title, createdAt: marketingPending.createdAt });
      if (items.length === 0) continue; // another replica took them
      items.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      await tx
        .insert(marketingSent)
        .values({ ...pair, sentAt: new Date() })
        .onConflictDoUpdate({
          target: [marketingSent.followerId, marketingSent.storefrontId],
          set: { sentAt: new Date() },
        });
      out.push({ ...pair, titles: items.map((item) => item.title) });
    }
    return out;
  },

  /** Forgets news older than `maxAgeMs` that was never sent (its follower turned marketing off). */
  async prune(executor: Executor, maxAgeMs: number): Promise<void> {
    await executor
      .delete(marketingPending)
      .where(lt(marketingPending.createdAt, sql`now() - make_interval(secs => ${maxAgeMs / 1000})`));
  },
};
