import { create } from "@bufbuild/protobuf";
import {
  type Category,
  CategoryChangedSchema,
  type Product,
  ProductChangedSchema,
} from "@mercato/contracts/mercato/products/v1/products_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Subjects of the events the products service publishes about its catalog. */
export const catalogSubjects = {
  categoryChanged: "mercato.products.category.changed",
  productCreated: "mercato.products.product.created",
  productUpdated: "mercato.products.product.updated",
} as const;

/** Records CategoryChanged in the transaction that changed the category. */
export async function recordCategoryChanged(outbox: Outbox, tx: Executor, category: Category): Promise<void> {
  await outbox.add(tx, {
    subject: catalogSubjects.categoryChanged,
    schema: CategoryChangedSchema,
    message: create(CategoryChangedSchema, { category }),
  });
}

/** Records ProductChanged (on `.created` for a new product, else `.updated`) in the transaction of the change. */
export async function recordProductChanged(
  outbox: Outbox,
  tx: Executor,
  product: Product,
  kind: "created" | "updated",
): Promise<void> {
  await outbox.add(tx, {
    subject: kind === "created" ? catalogSubjects.productCreated : catalogSubjects.productUpdated,
    schema: ProductChangedSchema,
    message: create(ProductChangedSchema, { product }),
  });
}
