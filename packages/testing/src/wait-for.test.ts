import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for.js";

describe("waitFor", () => {
  it("resolves with the first truthy value once the predicate becomes true", async () => {
    let calls = 0;

    const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : undefined), { intervalMs: 1 });

    expect(value).toBe("done after 3");
  });

  it("treats a throwing predicate as not yet", async () => {
    let calls = 0;

    const value = await waitFor(
      async () => {
        calls++;
        if (calls < 3) throw new Error("not ready");
        return true;
      },
      { intervalMs: 1 },
    );

    expect(value).toBe(true);
  });

  it("throws the given message with the last error as cause on timeout", async () => {
    const cause = new Error("still refused");

    const failure = waitFor(
      () => {
        throw cause;
      },
      { timeoutMs: 50, intervalMs: 5, message: "server never came up" },
    );

    await expect(failure).rejects.toThrow(
      /^server never came up \(waited 50 ms; last error: still refused\)$/,
    );
    await expect(failure).rejects.toMatchObject({ cause });
  });

  it("gives up on a predicate that never settles", async () => {
    await expect(waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 50 })).rejects.toThrow(
      /condition was not met \(waited 50 ms; last error: a single attempt did not settle/,
    );
  });
});
