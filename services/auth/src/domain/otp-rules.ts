/** What the stored challenge allows for a submitted code. */
export type OtpCheck =
  | { kind: "missing" }
  | { kind: "expired" }
  | { kind: "locked" }
  | { kind: "wrong"; attemptsLeft: number }
  | { kind: "ok" };

/** A pending code as stored. */
export interface Challenge {
  codeHash: string;
  attempts: number;
  expiresAt: Date;
}

/**
 * Judges a submitted code: no challenge, expired, out of attempts (the attempt after the last
 * allowed one is refused even with the right code), wrong (with the attempts left) or right.
 */
export function checkOtp(
  challenge: Challenge | undefined,
  matches: boolean,
  now: Date,
  maxAttempts: number,
): OtpCheck {
  if (!challenge) return { kind: "missing" };
  if (challenge.expiresAt.getTime() <= now.getTime()) return { kind: "expired" };
  if (challenge.attempts >= maxAttempts) return { kind: "locked" };
  if (!matches) return { kind: "wrong", attemptsLeft: maxAttempts - challenge.attempts - 1 };
  return { kind: "ok" };
}

/** Seconds until another code may be sent for a phone whose last code went out at `sentAt`. */
export function resendWaitSeconds(sentAt: Date | undefined, now: Date, cooldownMs: number): number {
  if (!sentAt) return 0;
  return Math.max(0, Math.ceil((sentAt.getTime() + cooldownMs - now.getTime()) / 1000));
}
