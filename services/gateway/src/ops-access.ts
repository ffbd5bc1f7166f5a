import { createHash, timingSafeEqual } from "node:crypto";
import { Unauthenticated } from "@mercato/platform/errors";
import { bearerToken } from "@mercato/platform/rpc";
import type { FastifyRequest } from "fastify";
import type { GatewayConfig } from "./config.js";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * onRequest hook of the operator endpoints (`/metrics`, `/health/services`): they need
 * `Authorization: Bearer <METRICS_TOKEN>` when the token is set; without one they are open in
 * development and tests and closed in production, where they would show internal URLs to anyone.
 */
export function opsAccess(config: Pick<GatewayConfig, "METRICS_TOKEN" | "NODE_ENV">) {
  const expected = config.METRICS_TOKEN === undefined ? undefined : digest(config.METRICS_TOKEN);
  return async (request: FastifyRequest): Promise<void> => {
    if (expected === undefined) {
      if (config.NODE_ENV === "production")
        throw new Unauthenticated(
          `${request.routeOptions.url} is closed in production until METRICS_TOKEN is set`,
        );
      return;
    }
    const token = bearerToken(request.headers.authorization);
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (token === undefined || !timingSafeEqual(digest(token), expected))
      throw new Unauthenticated(`${request.routeOptions.url} needs Authorization: Bearer <METRICS_TOKEN>`);
  };
}
