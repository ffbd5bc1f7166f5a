import type { KeyValue } from "@mercato/platform";
import type { KeyValueWarning } from "./stock-cache.js";

/** Width of one due bucket: reservations expiring in the same second share a counter, in ms. */
export const dueBucketMs = 1_000;
/** How long a due counter outlives its bucket, in ms, so that a late sweeper tick still reads it. */
const dueRetentionMs = 10 * 60 * 1_000;

/** Keys of the reservation TTL hints (ADR 0017). */
export const reservationKeys = {
  /** A held reservation, expiring when it does; holds its due bucket. Deleted on commit and release. */
  reservation: (id: string) => `inventory:reservation:${id}`,
  /** How many held reservations expire within the bucket (the number of the second they expire in). */
  due: (bucket: number) => `inventory:reservations-due:${bucket}`,
} as const;

/** The due bucket of an instant, in ms since the epoch. */
export const dueBucket = (atMs: number) => Math.floor(atMs / dueBucketMs);

/**
 * Hints in the key-value store that tell the sweeper when a held reservation can be due, so that it
 * asks PostgreSQL only then. They are hints: PostgreSQL decides what is due, and a lost hint only
 * delays an expiry until the sweeper's full sweep.
 */
export class ReservationHints {
  constructor(
    private readonly kv: KeyValue,
    private readonly warn: KeyValueWarning = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a reservation just held until `expiresAt`: counts it in its due bucket and keys it until then. */
  async held(reservation: { id: string; expiresAt: Date }): Promise<void> {
    const now = this.now();
    const expiresMs = reservation.expiresAt.getTime();
    if (expiresMs <= now) return;
    const bucket = dueBucket(expiresMs);
    try {
      await this.kv.increment(reservationKeys.due(bucket), { ttlMs: this.dueTtlMs(bucket, now) });
      await this.kv.set(reservationKeys.reservation(reservation.id), String(bucket), {
        ttlMs: Math.ceil(expiresMs - now),
      });
    } catch (error) {
      this.warn(error, "reservation hint not written; the full sweep will expire it");
    }
  }

  /** Forgets a reservation that was committed or released, so that its bucket no longer wakes the sweeper. */
  async settled(id: string): Promise<void> {
    try {
      const bucket = Number(await this.kv.get(reservationKeys.reservation(id)));
      if (!Number.isSafeInteger(bucket) || !(await this.kv.delete(reservationKeys.reservation(id)))) return;
      await this.kv.increment(reservationKeys.due(bucket), {
        by: -1,
        ttlMs: this.dueTtlMs(bucket, this.now()),
      });
    } catch (error) {
      this.warn(error, "reservation hint not removed; its bucket wakes the sweeper once for nothing");
    }
  }

  /**
   * Whether a held reservation may expire in buckets `from` to `through` (inclusive). A counter that
   * is not 0 counts, so that a counter rebuilt after a loss errs towards a sweep. Throws when the
   * store cannot be read (the sweeper then asks PostgreSQL).
   */
  async anyDue(from: number, through: number): Promise<boolean> {
    const counts = await Promise.all(
      Array.from({ length: Math.max(0, through - from + 1) }, (_, i) =>
        this.kv.get(reservationKeys.due(from + i)),
      ),
    );
    return counts.some((count) => count !== undefined && Number(count) !== 0);
  }

  private dueTtlMs(bucket: number, now: number): number {
    return Math.max(1, Math.ceil((bucket + 1) * dueBucketMs - now)) + dueRetentionMs;
  }
}
