import { create } from "@bufbuild/protobuf";
import { OrderStatusChangedSchema } from "@mercato/contracts/mercato/orders/v1/events_pb";
import { DomainError } from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";
import { describe, expect, it } from "vitest";
import {
  assertMarkable,
  checkedFailureReason,
  completedOrderFrom,
  splitOrderTotal,
  UncreditableOrder,
} from "./payout-rules.js";

describe("splitOrderTotal", () => {
  it.each([
    [10_000n, 1000, 1_000n, 9_000n],
    [1_005n, 1000, 101n, 904n],
    [1_004n, 1000, 100n, 904n],
    [1_015n, 1000, 102n, 913n],
    [5n, 1000, 1n, 4n],
    [4n, 1000, 0n, 4n],
    [999n, 0, 0n, 999n],
    [999n, 10_000, 999n, 0n],
    [0n, 1000, 0n, 0n],
    [12_345n, 250, 309n, 12_036n],
  ])(
    "splits %s minor units at %s bps into %s commission and %s net, half up",
    (gross, bps, commission, net) => {
      expect(splitOrderTotal(gross, bps)).toEqual({
        grossMinor: gross,
        commissionMinor: commission,
        netMinor: net,
        commissionBps: bps,
      });
    },
  );

  it("stays exact beyond 2^53 minor units", () => {
    const gross = 2n ** 62n + 5n;
    const { commissionMinor, netMinor } = splitOrderTotal(gross, 1000);
    expect(commissionMinor + netMinor).toBe(gross);
    expect(commissionMinor).toBe((gross + 5n) / 10n);
  });

  it.each([
    [-1n, 1000],
    [1n, -1],
    [1n, 10_001],
    [1n, 1.5],
  ])("refuses a total of %s or a rate of %s bps", (gross, bps) => {
    expect(() => splitOrderTotal(gross, bps)).toThrow(RangeError);
  });
});

describe("completedOrderFrom", () => {
  const valid = () =>
    create(OrderStatusChangedSchema, {
      orderId: uuidv7(),
      storefrontId: uuidv7().toUpperCase(),
      status: "completed",
      total: { amountMinor: 2500n, currency: "EUR" },
    });

  it("reads the order, storefront (lower case) and total", () => {
    const message = valid();
    expect(completedOrderFrom(message)).toEqual({
      orderId: message.orderId,
      storefrontId: message.storefrontId.toLowerCase(),
      currency: "EUR",
      grossMinor: 2500n,
    });
  });

  it.each([
    ["order_id", { orderId: "order-1" }],
    ["storefront_id", { storefrontId: "" }],
    ["total", { total: undefined }],
    ["total.currency", { total: { amountMinor: 1n, currency: "eur" } }],
    ["total.amount_minor", { total: { amountMinor: -1n, currency: "EUR" } }],
  ])("refuses an event whose %s is wrong, naming it", (field, change) => {
    const message = Object.assign(valid(), change);
    expect(() => completedOrderFrom(message)).toThrow(UncreditableOrder);
    expect(() => completedOrderFrom(message)).toThrow(field);
  });
});

describe("payout marks and reasons", () => {
  it("lets only a requested payout be marked, naming its final status otherwise", () => {
    expect(() => assertMarkable({ id: "p1", status: "requested" })).not.toThrow();
    for (const status of ["paid", "failed"]) {
      let error: unknown;
      try {
        assertMarkable({ id: "p1", status });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe("FAILED_PRECONDITION");
      expect((error as DomainError).message).toContain(`already ${status}`);
    }
  });

  it("requires a failure reason besides spaces, and refuses control characters", () => {
    expect(checkedFailureReason("  bank rejected IBAN \n")).toBe("bank rejected IBAN");
    for (const reason of ["", "   ", "bad\u0000"]) {
      expect(() => checkedFailureReason(reason)).toThrow(
        expect.objectContaining({
          code: "INVALID_ARGUMENT",
          violations: [expect.objectContaining({ field: "reason" })],
        }),
      );
    }
  });
});
