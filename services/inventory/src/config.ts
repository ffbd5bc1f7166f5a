import { z } from "zod";

/** The inventory service's environment, validated at start. */
export const inventoryConfigSchema = z.object({
  /** How often each replica looks for reservations whose time is up, in ms. */
  RESERVATION_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
});

/** The inventory service's validated settings. */
export type InventoryConfig = z.infer<typeof inventoryConfigSchema>;
