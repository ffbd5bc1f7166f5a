import { z } from "zod";

const basisPoints = "must be a whole number of basis points from 0 to 10000 (1000 = 10%)";

/** The sellers service's environment, validated at start. */
export const sellersConfigSchema = z.object({
  /** `auto`: a new storefront is active at once; `manual`: it waits, pending, for an admin. */
  STOREFRONT_APPROVAL: z.enum(["auto", "manual"]).default("auto"),
  /** Platform commission on a completed order's total, in basis points (0 to 10000); default 1000 = 10%. */
  PLATFORM_COMMISSION_BPS: z
    .string()
    .trim()
    .regex(/^[0-9]{1,5}$/, { error: basisPoints })
    .transform(Number)
    .pipe(z.number().max(10_000, { error: basisPoints }))
    .default(1_000),
});

/** The sellers service's validated settings. */
export type SellersConfig = z.infer<typeof sellersConfigSchema>;
