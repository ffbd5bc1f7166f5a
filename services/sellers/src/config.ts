import { z } from "zod";

/** The sellers service's environment, validated at start. */
export const sellersConfigSchema = z.object({
  /** `auto`: a new storefront is active at once; `manual`: it waits, pending, for an admin. */
  STOREFRONT_APPROVAL: z.enum(["auto", "manual"]).default("auto"),
});

/** The sellers service's validated settings. */
export type SellersConfig = z.infer<typeof sellersConfigSchema>;
