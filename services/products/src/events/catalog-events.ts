import { eventSubjects } from "@mercato/contracts/events";
import type { Category, Product } from "@mercato/contracts/mercato/products/v1/products_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Records CategoryChanged in the transaction that changed the category. */
export async function recordCategoryChanged(outbox: Outbox, tx: Executor, category: Category): Promise<void> {
  await outbox.add(tx, eventSubjects.products.categoryChanged, { category });
}

/** Records ProductChanged (on `.created` for a new product, else `.updated`) in the transaction of the change. */
export async function recordProductChanged(
  outbox: Outbox,
  tx: Executor,
  product: Product,
  kind: "created" | "updated",
): Promise<void> {
  const on =
    kind === "created" ? eventSubjects.products.productCreated : eventSubjects.products.productUpdated;
  await outbox.add(tx, on, { product });
}
