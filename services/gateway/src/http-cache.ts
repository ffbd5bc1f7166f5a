// HTTP caching of the gateway's reads (ADR 0051): every successful GET of the API carries an ETag
// and answers 304 to a client that already holds it; what an anonymous caller reads of a public
// route (or of GraphQL by GET) may be kept by shared caches, everything else only by the caller.
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fresh from "fresh";
import vary from "vary";
import type { Access } from "./operation.js";

/** Options of the caching headers. */
export interface HttpCacheOptions {
  /** Path of GraphQL over HTTP, whose GET answers are cacheable queries. */
  graphqlPath: string;
  /** Seconds a shared cache may serve an anonymous public answer unasked; 0 = revalidate every time. */
  publicMaxAgeS: number;
  /** Route prefixes whose answers no cache keeps (sign-in, tokens, the e-mail verification GET). */
  noStore: readonly string[];
}

/** A weak validator of an answer's bytes: equal bytes, equal tag (the encoding may differ on the way). */
export function entityTag(payload: string | Buffer): string {
  return `W/"${createHash("sha1").update(payload).digest("base64url")}"`;
}

/**
 * Whether the answer to `request` is the same for every anonymous caller: a GET of GraphQL (a
 * query; mutations are refused over GET), or of a REST route that anyone may call, with no
 * Authorization header at all (a refused token is answered as anonymous, but is not shared).
 */
function isPublic(request: FastifyRequest, access: Access | undefined): boolean {
  return isAnonymous(request) && (access === undefined || !access.signedIn);
}

/** No Authorization header at all (a refused token is answered as anonymous, but is not shared). */
export function isAnonymous(request: FastifyRequest): boolean {
  return request.headers.authorization === undefined && !request.ctx?.caller;
}

/** Adds ETag, Cache-Control and Vary to successful GETs of the API and answers 304 when the client's copy is current. */
export function registerHttpCache(app: FastifyInstance, options: HttpCacheOptions): void {
  const shared = options.publicMaxAgeS > 0 ? `public, max-age=${options.publicMaxAgeS}` : "public, no-cache";
  app.addHook("onSend", async (request, reply, payload) => {
    if ((request.method !== "GET" && request.method !== "HEAD") || reply.statusCode !== 200) return payload;
    if (typeof payload !== "string" && !Buffer.isBuffer(payload)) return payload;
    const route = request.routeOptions.url ?? "";
    if (options.noStore.some((prefix) => route.startsWith(prefix))) {
      reply.header("cache-control", "no-store");
      return payload;
    }
    const graphql = route === options.graphqlPath;
    // GraphQL checks each field's access itself; a REST route declares its operation's.
    const access = (request.routeOptions.config as { access?: Access } | undefined)?.access;
    if (!graphql && access === undefined) return payload;
    // GraphQL answers errors with 200 under application/json: such an answer is nobody's to keep.
    if (graphql && payload.includes('"errors":[')) {
      reply.header("cache-control", "no-store");
      return payload;
    }
    const tag = entityTag(payload);
    reply.header("etag", tag);
    reply.header("cache-control", isPublic(request, access) ? shared : "private, no-cache");
    reply.header("vary", vary.append(String(reply.getHeader("vary") ?? ""), "Authorization, Accept"));
    if (!fresh(request.headers, { etag: tag })) return payload;
    reply.code(304);
    reply.removeHeader("content-length");
    return "";
  });
}
