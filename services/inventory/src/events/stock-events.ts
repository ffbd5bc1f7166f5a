import { timestampNow } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import type { Executor, Outbox } from "@mercato/platform";

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
  await outbox.add(tx, eventSubjects.inventory.stockChanged, {
    variantId: stock.variantId,
    productId: stock.productId,
    onHand: BigInt(stock.onHand),
    reserved: BigInt(stock.reserved),
    available: BigInt(Math.max(0, stock.onHand - stock.reserved)),
    version: BigInt(stock.version),
    changedAt: timestampNow(),
  });
}

/** Records StockLow in the transaction that made the variant's available stock cross its threshold. */
export async function recordStockLow(
  outbox: Outbox,
  tx: Executor,
  low: { variantId: string; productId: string; available: number; threshold: number },
): Promise<void> {
  await outbox.add(tx, eventSubjects.inventory.stockLow, {
    variantId: low.variantId,
    productId: low.productId,
    available: BigInt(low.available),
    threshold: BigInt(low.threshold),
    crossedAt: timestampNow(),
  });
}
