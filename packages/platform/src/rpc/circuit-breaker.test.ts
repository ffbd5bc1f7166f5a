import { describe, expect, it } from "vitest";
import { NotFound, ServiceUnavailable } from "../errors/errors.js";
import { CircuitBreaker } from "./circuit-breaker.js";

const isAvailability = (error: unknown) => error instanceof ServiceUnavailable;
const down = () => Promise.reject(new ServiceUnavailable("connection refused"));

function breaker(options: { failureThreshold?: number; openMs?: number } = {}) {
  let now = 1_000_000;
  const cb = new CircuitBreaker("products", {
    failureThreshold: 3,
    openMs: 1_000,
    ...options,
    now: () => now,
  });
  return {
    cb,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function failTimes(cb: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(cb.run(down, isAvailability)).rejects.toThrow("refused");
}

describe("CircuitBreaker", () => {
  it("stays closed below the threshold and opens at it", async () => {
    const { cb } = breaker();
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
    await failTimes(cb, 1);
    expect(cb.state).toBe("open");
  });

  it("fails fast with ServiceUnavailable while open, without calling the dependency", async () => {
    const { cb, advance } = breaker();
    await failTimes(cb, 3);
    let calls = 0;
    advance(999);
    const error = await cb
      .run(async () => {
        calls++;
        return "ok";
      }, isAvailability)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailable);
    expect((error as Error).message).toContain("products");
    expect(calls).toBe(0);
  });

  it("lets exactly one trial call through when half-open", async () => {
    const { cb, advance } = breaker();
    await failTimes(cb, 3);
    advance(1_000);
    expect(cb.state).toBe("half-open");
    let calls = 0;
    let release: (value: string) => void = () => {};
    const trial = cb.run(() => {
      calls++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    }, isAvailability);
    const concurrent = await cb
      .run(async () => {
        calls++;
        return "second";
      }, isAvailability)
      .catch((e: unknown) => e);
    expect(concurrent).toBeInstanceOf(ServiceUnavailable);
    expect(calls).toBe(1);
    release("first");
    expect(await trial).toBe("first");
  });

  it("closes after a successful trial", async () => {
    const { cb, advance } = breaker();
    await failTimes(cb, 3);
    advance(1_000);
    expect(await cb.run(async () => "ok", isAvailability)).toBe("ok");
    expect(cb.state).toBe("closed");
    // Closed again means the full threshold is needed to reopen.
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
  });

  it("reopens for another full pause after a failed trial", async () => {
    const { cb, advance } = breaker();
    await failTimes(cb, 3);
    advance(1_000);
    await failTimes(cb, 1);
    expect(cb.state).toBe("open");
    advance(999);
    expect(cb.state).toBe("open");
    advance(1);
    expect(cb.state).toBe("half-open");
  });

  it("does not count errors that are not about availability", async () => {
    const { cb } = breaker();
    for (let i = 0; i < 10; i++) {
      await expect(
        cb.run(() => Promise.reject(new NotFound("no such product")), isAvailability),
      ).rejects.toThrow(NotFound);
    }
    expect(cb.state).toBe("closed");
  });

  it("needs consecutive failures: a success in between starts the count again", async () => {
    const { cb } = breaker();
    await failTimes(cb, 2);
    await cb.run(async () => "ok", isAvailability);
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
  });

  it("defaults to five failures and a five second pause", async () => {
    let now = 0;
    const cb = new CircuitBreaker("sellers", { now: () => now });
    await failTimes(cb, 4);
    expect(cb.state).toBe("closed");
    await failTimes(cb, 1);
    expect(cb.state).toBe("open");
    now += 4_999;
    expect(cb.state).toBe("open");
    now += 1;
    expect(cb.state).toBe("half-open");
  });
});
