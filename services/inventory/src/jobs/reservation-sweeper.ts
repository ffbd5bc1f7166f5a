import { dueBucket, type ReservationHints } from "../store/reservation-hints.js";
import type { Inventory } from "../store/stock.store.js";

/**
 * How long after a bucket ends the sweeper reads it, in ms: PostgreSQL's clock decides expiry, and a
 * replica's clock may run a little ahead of it.
 */
export const dueLagMs = 250;
/** Most buckets one tick reads; a longer gap (a stalled process) gets a full sweep instead. */
const maxBucketsPerTick = 120;

/** Why a tick asked PostgreSQL for due reservations; undefined when it did not. */
export type SweepTrigger = "due" | "full" | "hints-unavailable" | undefined;

/** What one tick of the sweeper did. */
export interface SweepOutcome {
  trigger: SweepTrigger;
  /** Reservations it expired. */
  expired: number;
}

/** Settings of a ReservationSweeper. */
export interface ReservationSweeperOptions {
  inventory: Inventory;
  hints: ReservationHints;
  /** Longest time between two sweeps of PostgreSQL whatever the hints say, in ms. */
  fullSweepMs: number;
  /** Clock in ms since the epoch; default Date.now. */
  now?: () => number;
}

/**
 * Expires held reservations whose time is up (ADR 0015), asking PostgreSQL only when a due hint says
 * one can be due, when the hints cannot be read, and at least every `fullSweepMs` (ADR 0017). The
 * first tick always sweeps. Safe in every replica at once.
 */
export class ReservationSweeper {
  private checkedThrough: number;
  private lastSweepAt = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly options: ReservationSweeperOptions) {
    this.now = options.now ?? Date.now;
    this.checkedThrough = this.readableThrough(this.now());
  }

  /** Reads the due hints of the buckets that ended since the last tick and sweeps PostgreSQL when needed. */
  async tick(): Promise<SweepOutcome> {
    const now = this.now();
    const through = this.readableThrough(now);
    let trigger: SweepTrigger;
    if (now - this.lastSweepAt >= this.options.fullSweepMs) trigger = "full";
    else if (through - this.checkedThrough > maxBucketsPerTick) trigger = "full";
    else if (through > this.checkedThrough) {
      try {
        if (await this.options.hints.anyDue(this.checkedThrough + 1, through)) trigger = "due";
      } catch {
        trigger = "hints-unavailable";
      }
    }
    let expired = 0;
    if (trigger) {
      for (;;) {
        const count = this.stopped ? 0 : await this.options.inventory.expireDue();
        expired += count;
        if (count === 0) break;
      }
      this.lastSweepAt = now;
    }
    this.checkedThrough = Math.max(this.checkedThrough, through);
    return { trigger, expired };
  }

  /** Makes a running tick stop after its current batch. */
  stop(): void {
    this.stopped = true;
  }

  /** The last bucket that has ended, with the lag, at `now`. */
  private readableThrough(now: number): number {
    return dueBucket(now - dueLagMs) - 1;
  }
}
