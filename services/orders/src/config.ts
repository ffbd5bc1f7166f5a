import { durationMs, urls } from "@mercato/platform";
import { z } from "zod";

// One URL or several (the replicas), comma-separated.
const http = urls(["http:", "https:"]);

/** The orders service's environment, validated at start. */
export const ordersConfigSchema = z.object({
  /** Where the products service listens (authoritative prices); default its port on loopback. */
  PRODUCTS_SERVICE_URL: http.default("http://127.0.0.1:9003"),
  /** Where the sellers service listens (the seller in each order's snapshot). */
  SELLERS_SERVICE_URL: http.default("http://127.0.0.1:9002"),
  /** Where the inventory service listens (reserve, commit, release). */
  INVENTORY_SERVICE_URL: http.default("http://127.0.0.1:9004"),
  /** Deadline of each call to those services, in ms. */
  UPSTREAM_TIMEOUT_MS: durationMs(5_000),
  /** How long a checkout's reserved units wait for its commit, in seconds; they return by themselves after. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** How long one attempt holds a checkout before a retry with the same key may take it over, in ms. */
  CHECKOUT_LEASE_MS: durationMs(30_000),
  /** How often each replica looks for checkouts whose runner died, to finish or undo them, in ms. */
  CHECKOUT_RECOVERY_MS: durationMs(5_000),
  /**
   * How long after delivery an order the buyer never confirmed is completed by the service (so its
   * seller is credited), in ms; default 14 days.
   */
  ORDER_AUTO_COMPLETE_MS: durationMs(14 * 24 * 60 * 60 * 1000),
});

/** The orders service's validated settings. */
export type OrdersConfig = z.infer<typeof ordersConfigSchema>;
