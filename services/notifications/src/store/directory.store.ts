import { type Executor, type Placeholders, prepared } from "@mercato/platform";
import { and, eq, lt } from "drizzle-orm";
import { follows, products, recipients, storefronts } from "./schema.js";

/** Every notification looks its recipient up: built once per process (ADR 0037). */
const recipientById = prepared("notifications.recipient", (db, p: Placeholders<{ userId: string }>) =>
  db.select().from(recipients).where(eq(recipients.userId, p.userId)),
);

/** Who a user is to a notification. */
export interface Recipient {
  userId: string;
  email: string;
  displayName: string;
  locale: string;
}

/**
 * What the service knows of other services' data, kept from their events: recipients (profiles),
 * storefronts with their owners, products with their storefronts, and follows.
 */
export const directory = {
  /** Keeps a profile as of `updatedAt`: an older one arriving late changes nothing. */
  async applyProfile(tx: Executor, profile: Recipient & { updatedAt: Date }): Promise<void> {
    await tx
      .insert(recipients)
      .values(profile)
      .onConflictDoUpdate({
        target: recipients.userId,
        set: {
          email: profile.email,
          displayName: profile.displayName,
          locale: profile.locale,
          updatedAt: profile.updatedAt,
        },
        setWhere: lt(recipients.updatedAt, profile.updatedAt),
      });
  },

  async recipient(tx: Executor, userId: string): Promise<Recipient & { updatedAt?: Date }> {
    const [row] = await recipientById.run(tx, { userId });
    // A user whose profile has not arrived yet still gets in-app and push, in English.
    return row ?? { userId, email: "", displayName: "", locale: "en" };
  },

  async applyStorefront(
    tx: Executor,
    storefront: { id: string; ownerId: string; name: string; status: string; version: number },
  ): Promise<void> {
    await tx
      .insert(storefronts)
      .values(storefront)
      .onConflictDoUpdate({
        target: storefronts.id,
        set: {
          ownerId: storefront.ownerId,
          name: storefront.name,
          status: storefront.status,
          version: storefront.version,
        },
        setWhere: lt(storefronts.version, storefront.version),
      });
  },

  async storefront(tx: Executor, id: string) {
    const [row] = await tx.select().from(storefronts).where(eq(storefronts.id, id));
    return row;
  },

  /** Keeps a product as of `version`; returns the status known before, or undefined for a new product (a stale version returns the current status). */
  async applyProduct(
    tx: Executor,
    product: { id: string; storefrontId: string; title: string; status: string; version: number },
  ): Promise<{ before: string | undefined; applied: boolean }> {
    const [known] = await tx.select().from(products).where(eq(products.id, product.id)).for("update");
    if (known && known.version >= product.version) return { before: known.status, applied: false };
    await tx
      .insert(products)
      .values(product)
      .onConflictDoUpdate({
        target: products.id,
        set: {
          storefrontId: product.storefrontId,
          title: product.title,
          status: product.status,
          version: product.version,
        },
      });
    return { before: known?.status, applied: true };
  },

  /** A product with its storefront's owner, when both are known. */
  async productOwner(tx: Executor, productId: string) {
    const [row] = await tx
      .select({ title: products.title, storefrontId: products.storefrontId, ownerId: storefronts.ownerId })
      .from(products)
      .innerJoin(storefronts, eq(storefronts.id, products.storefrontId))
      .where(eq(products.id, productId));
    return row;
  },

  async follow(tx: Executor, storefrontId: string, userId: string, at: Date): Promise<boolean> {
    const added = await tx
      .insert(follows)
      .values({ storefrontId, userId, followedAt: at })
      .onConflictDoNothing()
      .returning({ userId: follows.userId });
    return added.length > 0;
  },

  async unfollow(tx: Executor, storefrontId: string, userId: string): Promise<void> {
    await tx.delete(follows).where(and(eq(follows.storefrontId, storefrontId), eq(follows.userId, userId)));
  },
};
