import type { KeyValue } from "@mercato/platform";
import type { StockLevel } from "./stock.store.js";

/** Reports a failed key-value operation; the cache falls back to PostgreSQL and never fails a call. */
export type KeyValueWarning = (error: unknown, message: string) => void;

/** Keys of the cached availability (ADR 0017). */
export const stockCacheKeys = {
  /** The level JSON of a variant, with the epoch it was read at. */
  level: (variantId: string) => `inventory:available:${variantId}`,
  /** A counter every committed change of the variant bumps; a cached level of another epoch is stale. */
  epoch: (variantId: string) => `inventory:available-epoch:${variantId}`,
} as const;

/** How long an epoch counter lives after its first bump, in ms (far longer than any cached level). */
const epochTtlMs = 24 * 60 * 60 * 1_000;

interface Entry {
  epoch: number;
  /** Null: the variant has no stock row. */
  level: (Omit<StockLevel, "updatedAt"> & { updatedAt: string }) | null;
}

/** Loads levels from PostgreSQL, the source of truth; variants without stock are left out. */
export type LevelLoader = (variantIds: readonly string[]) => Promise<StockLevel[]>;

/**
 * Read-through cache of stock levels in the key-value store (Redis in distributed mode), for the
 * GetStock that cart hydration calls on every cart read. A level is cached together with the epoch of
 * its variant it was read at; every committed change bumps the epoch (atomically) and then writes the
 * level read back from PostgreSQL, so an entry written from an older read never passes for current,
 * whatever order the writes land in. Entries live `ttlMs`.
 */
export class StockCache {
  constructor(
    private readonly kv: KeyValue,
    private readonly ttlMs: number,
    private readonly warn: KeyValueWarning = () => {},
  ) {}

  /** The levels of `variantIds` (deduplicated, lower-case), from the cache where current, else from `load`. */
  async read(variantIds: readonly string[], load: LevelLoader): Promise<Map<string, StockLevel>> {
    let seen: { variantId: string; epoch: number; entry: Entry | undefined }[];
    try {
      seen = await Promise.all(
        variantIds.map(async (variantId) => {
          const [raw, epoch] = await Promise.all([
            this.kv.get(stockCacheKeys.level(variantId)),
            this.kv.get(stockCacheKeys.epoch(variantId)),
          ]);
          return { variantId, epoch: epoch === undefined ? 0 : Number(epoch), entry: parseEntry(raw) };
        }),
      );
    } catch (error) {
      this.warn(error, "stock cache unreadable; reading stock from the database");
      return byVariant(await load(variantIds));
    }
    const found = new Map<string, StockLevel>();
    const misses: { variantId: string; epoch: number }[] = [];
    for (const { variantId, epoch, entry } of seen) {
      if (entry && entry.epoch === epoch) {
        if (entry.level) found.set(variantId, { ...entry.level, updatedAt: new Date(entry.level.updatedAt) });
      } else misses.push({ variantId, epoch });
    }
    if (misses.length === 0) return found;
    const loaded = byVariant(await load(misses.map((miss) => miss.variantId)));
    // Filled with the epoch seen before the database read: a change committed meanwhile has bumped it.
    await this.store(
      misses.map(({ variantId, epoch }) => ({ variantId, epoch, level: loaded.get(variantId) })),
    );
    for (const [variantId, level] of loaded) found.set(variantId, level);
    return found;
  }

  /** Marks the cached levels of `variantIds` stale after a committed change, then caches what `load` reads now. */
  async changed(variantIds: readonly string[], load: LevelLoader): Promise<void> {
    if (variantIds.length === 0) return;
    try {
      const epochs = await Promise.all(
        variantIds.map((variantId) =>
          this.kv.increment(stockCacheKeys.epoch(variantId), { ttlMs: epochTtlMs }),
        ),
      );
      const loaded = byVariant(await load(variantIds));
      await this.store(
        variantIds.map((variantId, i) => ({
          variantId,
          epoch: epochs[i] ?? 0,
          level: loaded.get(variantId),
        })),
      );
    } catch (error) {
      this.warn(error, "stock cache not updated after a change; cached figures may lag until they expire");
    }
  }

  private async store(
    entries: readonly { variantId: string; epoch: number; level: StockLevel | undefined }[],
  ): Promise<void> {
    try {
      await Promise.all(
        entries.map(({ variantId, epoch, level }) =>
          this.kv.set(stockCacheKeys.level(variantId), JSON.stringify({ epoch, level: level ?? null }), {
            ttlMs: this.ttlMs,
          }),
        ),
      );
    } catch (error) {
      this.warn(error, "stock cache not filled");
    }
  }
}

function byVariant(levels: readonly StockLevel[]): Map<string, StockLevel> {
  return new Map(levels.map((level) => [level.variantId, level]));
}

function parseEntry(raw: string | undefined): Entry | undefined {
  if (raw === undefined) return undefined;
  try {
    const entry = JSON.parse(raw) as Entry;
    return Number.isSafeInteger(entry.epoch) && entry.level !== undefined ? entry : undefined;
  } catch {
    return undefined;
  }
}
