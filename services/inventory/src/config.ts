import { z } from "zod";

/** The inventory service's environment, validated at start. */
export const inventoryConfigSchema = z.object({
  /** How often each replica reads the reservation due hints (and sweeps when one is due), in ms. */
  RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
  /** Longest time between two sweeps of PostgreSQL whatever the hints say, in ms; default 30 s. */
  RESERVATION_FULL_SWEEP_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** How long GetStock may serve a cached level, in ms; 0 turns the cache off; default 10 s. */
  STOCK_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
});

/** The inventory service's validated settings. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
