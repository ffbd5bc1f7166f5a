import { eventSubjects } from "@mercato/contracts/events";
import type { OrderStatusChanged } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Executor } from "../db/database.js";
import { defineConsumer } from "./consumer.js";
import type { Outbox } from "./outbox.js";

// Type-level checks, enforced by `npm run check` (tsc): a subject from the contracts decides the type
// of the message a consumer handles and a producer records.
describe("event subjects from the contracts", () => {
  it("type a consumer's message by the subject it is on", () => {
    const consumer = defineConsumer({
      name: "typed",
      on: eventSubjects.orders.orderPlaced,
      async handle(_ctx, _tx, message) {
        expectTypeOf(message).toEqualTypeOf<OrderStatusChanged>();
      },
    });
    expect(consumer.on.subject).toBe("mercato.orders.order.placed");
  });

  it("refuse to record a message of another type on a subject", () => {
    const record = (outbox: Outbox, tx: Executor) => [
      outbox.add(tx, eventSubjects.inventory.stockLow, { threshold: 3n }),
      // @ts-expect-error StockLow's threshold is no field of OrderStatusChanged
      outbox.add(tx, eventSubjects.orders.orderPlaced, { threshold: 3n }),
    ];
    expectTypeOf(record).returns.toEqualTypeOf<Promise<string>[]>();
  });
});
