// HTTP caching of the gateway's reads (ADR 0051): every successful GET of the API carries an ETag
// and answers 304 to a client that already holds it; what an anonymous caller reads of a public
// route (or of GraphQL by GET) may be kept by shared caches, everything else only by the caller.
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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

/** True when the request's If-None-Match names `tag` (or `*`), compared weakly as RFC 9110 says for GET. */
export function matchesIfNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  const opaque = tag.replace(/^W\//, "");
  return header.split(",").some((part) => {
    const candidate = part.trim();
    return candidate === "*" || candidate.replace(/^W\//, "") === opaque;
  });
}

/** Appends `fields` to the answer's Vary header, keeping what CORS and others put there. */
function vary(reply: FastifyReply, fields: readonly string[]): void {
  const current = String(reply.getHeader("vary") ?? "");
  const have = new Set(
    current
      .split(",")
      .map((field) => field.trim().toLowerCase())
      .filter(Boolean),
  );
  if (have.has("*")) return;
  const added = fields.filter((field) => !have.has(field.toLowerCase()));
  if (added.length > 0) reply.header("vary", [current, ...added].filter(Boolean).join(", "));
}

/**
 * Whether the answer to `request` is the same for every anonymous caller: a GET of GraphQL (a
 * query; mutations are refused over GET), or of a REST route that anyone may call, with no
 * Authorization header at all (a refused token is answered as anonymous, but is not shared).
 */
function isPublic(request: FastifyRequest, graphql: boolean): boolean {
  if (request.headers.authorization !== undefined || request.ctx?.caller) return false;
  if (graphql) return true;
  const access = (request.routeOptions.config as { access?: Access } | undefined)?.access;
  return access !== undefined && !access.signedIn;
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
    const config = request.routeOptions.config as { access?: Access } | undefined;
    if (!graphql && config?.access === undefined) return payload;
    // GraphQL answers errors with 200 under application/json: such an answer is nobody's to keep.
    if (graphql && payload.includes('"errors":[')) {
      reply.header("cache-control", "no-store");
      return payload;
    }
    const tag = entityTag(payload);
    reply.header("etag", tag);
    reply.header("cache-control", isPublic(request, graphql) ? shared : "private, no-cache");
    vary(reply, ["Authorization", "Accept"]);
    if (!matchesIfNoneMatch(request.headers["if-none-match"], tag)) return payload;
    reply.code(304);
    reply.removeHeader("content-length");
    return "";
  });
}
