import { create } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { StockLevelChangedSchema, StockLowSchema } from "@mercato/contracts/mercato/inventory/v1/events_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Subjects of the events the inventory service publishes. */
export const inventorySubjects = {
  stockChanged: "mercato.inventory.stock.changed",
  stockLow: "mercato.inventory.stock.low",
} as const;

/** A variant's stock as the events carry it. */
export interface StockFigures {
  variantId: string;
  productId: string;
  onHand: number;
  reserved: number;
  version: number;
}

/** Records StockLevelChanged in the transaction that changed the stock. */
export async function recordStockChanged(outbox: Outbox, tx: Executor, stock: StockFigures): Promise<void> {
  await outbox.add(tx, {
    subject: inventorySubjects.stockChanged,
    schema: StockLevelChangedSchema,
    message: create(StockLevelChangedSchema, {
      variantId: stock.variantId,
      productId: stock.productId,
      onHand: BigInt(stock.onHand),
      reserved: BigInt(stock.reserved),
      available: BigInt(Math.max(0, stock.onHand - stock.reserved)),
      version: BigInt(stock.version),
      changedAt: timestampNow(),
    }),
  });
}

/** Records StockLow in the transaction that made the variant's available stock cross its threshold. */
export async function recordStockLow(
  outbox: Outbox,
  tx: Executor,
  low: { variantId: string; productId: string; available: number; threshold: number },
): Promise<void> {
  await outbox.add(tx, {
    subject: inventorySubjects.stockLow,
    schema: StockLowSchema,
    message: create(StockLowSchema, {
      variantId: low.variantId,
      productId: low.productId,
      available: BigInt(low.available),
      threshold: BigInt(low.threshold),
      crossedAt: timestampNow(),
    }),
  });
}
