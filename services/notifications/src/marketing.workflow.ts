import type { Database } from "@mercato/platform";
import type { Notifier } from "./notify.workflow.js";
import { directory } from "./store/directory.store.js";
import { marketing } from "./store/marketing.store.js";

/** Pairs handled per digest transaction. */
const batch = 200;

/**
 * Tells followers of storefronts what those storefronts newly published: gathered as products are
 * published, sent in batches, at most one message per storefront and follower per `gapMs` (a day),
 * listing every product since the last one. Safe in every replica at once.
 */
export class MarketingDigest {
  constructor(private readonly deps: { database: Database; notifier: Notifier; gapMs: number }) {}

  /** Sends what is due; returns how many messages it made. */
  async send(): Promise<number> {
    let sent = 0;
    for (;;) {
      const made = await this.deps.database.transaction(async (tx) => {
        const due = await marketing.due(tx, this.deps.gapMs, batch);
        for (const pair of due) {
          const storefront = await directory.storefront(tx, pair.storefrontId);
          // One key per pair and day: a digest retried after a crash sends nothing twice.
          const day = new Date().toISOString().slice(0, 10);
          await this.deps.notifier.notify(tx, `marketing/${pair.storefrontId}/${day}`, pair.followerId, {
            kind: "marketing.new_products",
            storefrontId: pair.storefrontId,
            storefrontName: storefront?.name ?? "",
            titles: pair.titles,
          });
        }
        return due.length;
      });
      sent += made;
      if (made < batch) break;
    }
    await marketing.prune(this.deps.database.db, 7 * this.deps.gapMs);
    return sent;
  }
}
