import { describe, expect, it } from "vitest";
import { currentContext, runWithContext } from "./als.js";
import {
  acceptCorrelationId,
  backgroundContext,
  childTraceparent,
  newTrace,
  parseTraceparent,
  remainingMs,
} from "./context.js";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const spanId = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("reads trace id, span id and the sampled flag of a valid header", () => {
    expect(parseTraceparent(`00-${traceId}-${spanId}-01`)).toEqual({ traceId, spanId, sampled: true });
    expect(parseTraceparent(`00-${traceId}-${spanId}-00`)).toEqual({ traceId, spanId, sampled: false });
    expect(parseTraceparent(`  00-${traceId}-${spanId}-03 `)?.sampled).toBe(true);
  });

  it.each([
    ["absent", undefined],
    ["null", null],
    ["empty", ""],
    ["garbage", "hello"],
    ["upper-case hex", `00-${traceId.toUpperCase()}-${spanId}-01`],
    ["another version", `01-${traceId}-${spanId}-01`],
    ["a short trace id", `00-${traceId.slice(1)}-${spanId}-01`],
    ["a short span id", `00-${traceId}-${spanId.slice(1)}-01`],
    ["non-hex flags", `00-${traceId}-${spanId}-0g`],
    ["extra fields", `00-${traceId}-${spanId}-01-extra`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${spanId}-01`],
    ["an all-zero span id", `00-${traceId}-${"0".repeat(16)}-01`],
  ])("rejects %s", (_, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe("childTraceparent and newTrace", () => {
  it("keeps the trace id and flags and mints a new span id", () => {
    const parent = { traceId, spanId, sampled: false };
    const child = parseTraceparent(childTraceparent(parent));
    expect(child?.traceId).toBe(traceId);
    expect(child?.sampled).toBe(false);
    expect(child?.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(child?.spanId).not.toBe(spanId);
  });

  it("mints distinct, parseable traces", () => {
    const a = newTrace();
    const b = newTrace();
    expect(a.traceId).not.toBe(b.traceId);
    expect(parseTraceparent(childTraceparent(a))?.traceId).toBe(a.traceId);
  });
});

describe("acceptCorrelationId", () => {
  it.each(["abc-123", "0190a000-0000-7000-8000-000000000000", "gw:req.42_x", "a".repeat(128)])(
    "keeps the well-formed id %s",
    (id) => {
      expect(acceptCorrelationId(id)).toBe(id);
    },
  );

  it.each([
    ["absent", undefined],
    ["null", null],
    ["empty", ""],
    ["with a space", "abc 123"],
    ["with a newline (log injection)", "abc\nlevel=error"],
    ["with non-ASCII", "abc€"],
    ["oversized", "a".repeat(129)],
  ])("replaces an id that is %s with a new UUID", (_, value) => {
    const id = acceptCorrelationId(value);
    expect(id).toMatch(uuidPattern);
    expect(id).not.toBe(value);
  });

  it("mints a different id each time", () => {
    expect(acceptCorrelationId("bad id")).not.toBe(acceptCorrelationId("bad id"));
  });
});

describe("remainingMs", () => {
  it("is Infinity without a deadline", () => {
    expect(remainingMs(backgroundContext())).toBe(Number.POSITIVE_INFINITY);
  });

  it("counts down to the deadline and never goes below zero", () => {
    const ctx = backgroundContext({ deadline: 10_000 });
    expect(remainingMs(ctx, 9_750)).toBe(250);
    expect(remainingMs(ctx, 10_000)).toBe(0);
    expect(remainingMs(ctx, 12_000)).toBe(0);
  });

  it("uses the clock when no time is given", () => {
    const left = remainingMs(backgroundContext({ deadline: Date.now() + 60_000 }));
    expect(left).toBeGreaterThan(59_000);
    expect(left).toBeLessThanOrEqual(60_000);
  });
});

describe("runWithContext", () => {
  it("makes the context current across awaits and only inside", async () => {
    const ctx = backgroundContext({ correlationId: "ctx-1" });
    expect(currentContext()).toBeUndefined();
    const seen = await runWithContext(ctx, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentContext()?.correlationId;
    });
    expect(seen).toBe("ctx-1");
    expect(currentContext()).toBeUndefined();
  });
});
