import { durationMs, flag, logLevel, port, url, urls } from "@mercato/platform/config";
import { z } from "zod";

/** The gateway's environment, validated at start. */
/** A whole number of things, 0 or more. */
const count = (fallback: number) =>
  z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(0, { error: "must be 0 or more" })
    .default(fallback);

export const gatewayConfigSchema = z.object({
  GATEWAY_PORT: port(8080),
  HOST: z.string().default("127.0.0.1"),
  NODE_ENV: z
    .enum(["development", "production", "test"], { error: "must be development, production or test" })
    .default("development"),
  LOG_LEVEL: logLevel,
  LOG_PRETTY: flag(false),
  /** Where the auth service publishes its signing keys; default the auth service's `/.well-known/jwks.json`. */
  JWKS_URL: url(["http:", "https:"]).optional(),
  JWT_ISSUER: z.string().min(1).default("mercato-auth"),
  JWT_AUDIENCE: z.string().min(1).default("mercato"),
  /**
   * NATS the gateway's GraphQL subscriptions take their events from (ADR 0039), with a core
   * subscription per replica. The gateway holds no bus of its own: the process that runs it
   * connects and hands the bus in (apps/host/src/gateway-main.ts). Unset: no live updates.
   */
  NATS_URL: urls(["nats:", "tls:"]).optional(),
  /**
   * Folder of the built web application (apps/web/dist) to serve at `/`, with its page for every
   * other path a browser opens; unset, the gateway serves only the API.
   */
  WEB_ROOT: z.string().min(1).optional(),
  /** Redis for shared rate-limit counters; in-memory counters when absent. */
  REDIS_URL: url(["redis:", "rediss:"]).optional(),
  RATE_LIMIT_MAX: z.coerce
    .number({ error: "must be a number" })
    .int()
    .positive({ error: "must be positive" })
    .default(600),
  RATE_LIMIT_WINDOW_MS: durationMs(60_000),
  /**
   * Public product and storefront documents each replica keeps between requests, forgotten on the
   * catalog events (ADR 0050); 0 keeps none. Needs the bus (NATS_URL, or the embedded host's).
   */
  CATALOG_CACHE_ENTRIES: count(10_000),
  /** Longest a kept catalog document lives with no event about it. */
  CATALOG_CACHE_TTL_MS: durationMs(300_000),
  /**
   * Bytes of whole GraphQL answers to anonymous catalog queries each replica keeps (ADR 0052),
   * forgotten on every catalog event; 0 keeps none. Needs the bus, as the documents do, and
   * CATALOG_CACHE_ENTRIES above 0 (0 turns the whole catalog cache off).
   */
  ANSWER_CACHE_BYTES: count(32 * 1024 * 1024),
  /**
   * How long a kept answer is served as it is; then one request computes it again while the
   * others are still sent the kept one, up to three times this (how far a list may lag its projection).
   */
  ANSWER_CACHE_TTL_MS: durationMs(1_000),
  /**
   * GraphQL documents each replica remembers by their SHA-256 for automatic persisted queries
   * (clients then send the hash instead of the document, and may send it by GET); 0 turns them off.
   */
  GRAPHQL_PERSISTED_QUERIES: count(1_000),
  /**
   * Seconds a shared cache (a CDN, a proxy) may serve an anonymous public read without asking
   * again; 0 (the default) lets it keep the answer but revalidate each time by its ETag (ADR 0051).
   */
  PUBLIC_CACHE_MAX_AGE_S: count(0),
  /** Comma-separated allowed origins, or `*`. */
  CORS_ORIGINS: z.string().default("*"),
  /**
   * Which proxies to believe about the client address (X-Forwarded-For): a hop count, or
   * comma-separated addresses/CIDRs of your proxies. Not `true`: that would believe the
   * left-most entry, which the client writes. Unset: the socket's peer is the client.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .refine((value) => value !== "true", { error: "must be a hop count or proxy addresses/CIDRs, not true" })
    .transform((value): string[] | ((address: string, hop: number) => boolean) | undefined => {
      if (value === undefined || value === "" || value === "false") return undefined;
      if (/^\d+$/.test(value)) {
        const hops = Number(value);
        return (_address, hop) => hop < hops;
      }
      return value.split(",").map((part) => part.trim());
    }),
  /**
   * Bearer token that `GET /metrics` and `GET /health/services` require when set. Unset, they are
   * open outside production and closed (401) in production: they list internal service URLs.
   */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~+/=-]{32,}$/, { error: "must be at least 32 letters, digits or ._~+/=-" })
    .optional(),
  BODY_LIMIT_BYTES: z.coerce.number({ error: "must be a number" }).int().positive().default(1_048_576),
  SERVICE_TIMEOUT_MS: durationMs(5_000),
  /** On SIGTERM, how long open requests may take to finish before their connections are cut. */
  SHUTDOWN_GRACE_MS: durationMs(5_000),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().positive().default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().positive().default(5_000),
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().positive().default(30),
  GRAPHQL_MAX_DIRECTIVES: z.coerce.number().int().positive().default(50),
  /** Most lexical tokens in one document; parsing stops at the first one past it. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().positive().default(10_000),
  /** Schema introspection; default on outside production. */
  GRAPHQL_INTROSPECTION: z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
    .transform((value) => value === "true" || value === "1" || value === "yes")
    .optional(),
});

/** Parsed gateway configuration. */
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
