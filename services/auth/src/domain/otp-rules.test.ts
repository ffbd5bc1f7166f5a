import { describe, expect, it } from "vitest";
import { checkOtp, resendWaitSeconds } from "./otp-rules.js";

const now = new Date("2026-11-23T12:00:00Z");
const challenge = (attempts: number, expiresInMs = 60_000) => ({
  codeHash: "h",
  attempts,
  expiresAt: new Date(now.getTime() + expiresInMs),
});

describe("checkOtp", () => {
  it("accepts the right code of a live challenge", () => {
    expect(checkOtp(challenge(0), true, now, 5)).toEqual({ kind: "ok" });
  });
  it("counts down the attempts left on a wrong code", () => {
    expect(checkOtp(challenge(0), false, now, 5)).toEqual({ kind: "wrong", attemptsLeft: 4 });
    expect(checkOtp(challenge(4), false, now, 5)).toEqual({ kind: "wrong", attemptsLeft: 0 });
  });
  it("refuses even the right code once every attempt is spent", () => {
    expect(checkOtp(challenge(5), true, now, 5)).toEqual({ kind: "locked" });
  });
  it("refuses a code at or after its expiry", () => {
    expect(checkOtp(challenge(0, 0), true, now, 5)).toEqual({ kind: "expired" });
  });
  it("says when no code is pending", () => {
    expect(checkOtp(undefined, false, now, 5)).toEqual({ kind: "missing" });
  });
});

describe("resendWaitSeconds", () => {
  it("is zero without a previous code or after the cooldown", () => {
    expect(resendWaitSeconds(undefined, now, 30_000)).toBe(0);
    expect(resendWaitSeconds(new Date(now.getTime() - 30_000), now, 30_000)).toBe(0);
  });
  it("rounds the remaining cooldown up to whole seconds", () => {
    expect(resendWaitSeconds(new Date(now.getTime() - 10_500), now, 30_000)).toBe(20);
  });
});
