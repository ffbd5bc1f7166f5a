import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { failedServiceKey, NotFound, ServiceUnavailable } from "../errors/errors.js";
import { CircuitBreaker } from "./circuit-breaker.js";

const refused = () => Promise.reject(new ConnectError("service unreachable: ECONNREFUSED", Code.Unavailable));
const relayed = () =>
  Promise.reject(
    new ConnectError(
      "service inventory is unavailable",
      Code.Unavailable,
      new Headers({ [failedServiceKey]: "inventory" }),
    ),
  );

function breaker(options: { failureThreshold?: number; openMs?: number; halfOpenCalls?: number } = {}) {
  return new CircuitBreaker("products", { failureThreshold: 3, openMs: 1_000, ...options });
}

const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);

async function failTimes(cb: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(cb.run(refused)).rejects.toThrow("ECONNREFUSED");
}

/** A call the test answers when it likes, counting how often the service was called. */
function pending() {
  let calls = 0;
  const answers: ((value: string) => void)[] = [];
  return {
    calls: () => calls,
    fn: () => {
      calls++;
      return new Promise<string>((resolve) => answers.push(resolve));
    },
    answerAll: (value: string) => {
      for (const answer of answers.splice(0)) answer(value);
    },
  };
}

const settle = (promise: Promise<unknown>) =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe("CircuitBreaker", () => {
  beforeEach(() => {
    // Only the clock: cockatiel reads Date.now(), and promises and timers stay real.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stays closed below the threshold and opens at it", async () => {
    const cb = breaker();
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
    await failTimes(cb, 1);
    expect(cb.state).toBe("open");
  });

  it("fails fast while open with ServiceUnavailable naming the service and the open circuit, without calling it", async () => {
    const cb = breaker();
    await failTimes(cb, 3);
    advance(999);
    let calls = 0;
    const error = await cb
      .run(async () => {
        calls++;
        return "ok";
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailable);
    expect((error as ServiceUnavailable).message).toBe("service products is unavailable (circuit open)");
    expect((error as ServiceUnavailable).service).toBe("products");
    expect(calls).toBe(0);
  });

  it("lets several concurrent calls through when half-open, and the calls beyond them wait instead of failing", async () => {
    const cb = breaker({ halfOpenCalls: 3 });
    await failTimes(cb, 3);
    advance(1_000);
    expect(cb.state).toBe("half-open");
    const service = pending();
    const results = Array.from({ length: 5 }, () => settle(cb.run(service.fn)));
    await vi.waitFor(() => expect(service.calls()).toBe(3));
    expect(cb.state).toBe("half-open");
    service.answerAll("first three");
    await vi.waitFor(() => expect(service.calls()).toBe(5));
    expect(cb.state).toBe("closed");
    service.answerAll("the two that waited");
    expect(await Promise.all(results)).toEqual([
      { value: "first three" },
      { value: "first three" },
      { value: "first three" },
      { value: "the two that waited" },
      { value: "the two that waited" },
    ]);
  });

  it("closes once its trial calls succeed, and then needs the full threshold to reopen", async () => {
    const cb = breaker({ halfOpenCalls: 2 });
    await failTimes(cb, 3);
    advance(1_000);
    expect(await cb.run(async () => "one")).toBe("one");
    expect(cb.state).toBe("half-open");
    expect(await cb.run(async () => "two")).toBe("two");
    expect(cb.state).toBe("closed");
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
  });

  it("reopens for another full pause after a failed trial call, and the waiting calls then fail fast", async () => {
    const cb = breaker({ halfOpenCalls: 1 });
    await failTimes(cb, 3);
    advance(1_000);
    let rejectTrial: (error: unknown) => void = () => {};
    const trial = settle(cb.run(() => new Promise((_, reject) => (rejectTrial = reject))));
    let waiterCalls = 0;
    const waiter = settle(
      cb.run(async () => {
        waiterCalls++;
        return "never";
      }),
    );
    rejectTrial(new ConnectError("service unreachable: ECONNREFUSED", Code.Unavailable));
    expect(await trial).toMatchObject({ error: { code: Code.Unavailable } });
    const waited = await waiter;
    expect(waited).toMatchObject({ error: { message: "service products is unavailable (circuit open)" } });
    expect(waiterCalls).toBe(0);
    expect(cb.state).toBe("open");
    advance(999);
    expect(cb.state).toBe("open");
    advance(1);
    expect(cb.state).toBe("half-open");
  });

  it("gives up a call waiting on trial calls at its deadline, without calling the service", async () => {
    const cb = breaker({ halfOpenCalls: 1 });
    await failTimes(cb, 3);
    advance(1_000);
    const service = pending();
    const trial = settle(cb.run(service.fn));
    const waiter = await settle(cb.run(service.fn, Date.now() + 20));
    expect(waiter).toMatchObject({
      error: { message: expect.stringMatching(/^service products is unavailable \(circuit half-open/) },
    });
    service.answerAll("late");
    expect(await trial).toEqual({ value: "late" });
    expect(service.calls()).toBe(1);
    expect(cb.state).toBe("closed");
  });

  it("does not count refusals or outages the service passes on from further up", async () => {
    const cb = breaker();
    for (let i = 0; i < 10; i++) {
      await expect(cb.run(() => Promise.reject(new NotFound("no such product")))).rejects.toThrow(NotFound);
      await expect(cb.run(relayed)).rejects.toThrow("service inventory is unavailable");
      await expect(
        cb.run(() => Promise.reject(new ServiceUnavailable("service sellers is unavailable", "sellers"))),
      ).rejects.toThrow("sellers");
    }
    expect(cb.state).toBe("closed");
  });

  it("counts a deadline the service itself missed", async () => {
    const cb = breaker();
    for (let i = 0; i < 3; i++) {
      await expect(
        cb.run(() => Promise.reject(new ConnectError("the operation timed out", Code.DeadlineExceeded))),
      ).rejects.toThrow("timed out");
    }
    expect(cb.state).toBe("open");
  });

  it("needs consecutive failures: a success in between starts the count again", async () => {
    const cb = breaker();
    await failTimes(cb, 2);
    await cb.run(async () => "ok");
    await failTimes(cb, 2);
    expect(cb.state).toBe("closed");
  });

  it("defaults to five failures and a five second pause", async () => {
    const cb = new CircuitBreaker("sellers");
    await failTimes(cb, 4);
    expect(cb.state).toBe("closed");
    await failTimes(cb, 1);
    expect(cb.state).toBe("open");
    advance(4_999);
    expect(cb.state).toBe("open");
    advance(1);
    expect(cb.state).toBe("half-open");
  });
});
