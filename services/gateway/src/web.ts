import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Paths the API owns: never answered with the web application's page. */
const apiPaths = /^\/(api|graphql|graphiql|docs|health|metrics|\.well-known)(\/|$|\?)/;

/** A built single-page application served by the gateway (ADR 0043). */
export interface WebApp {
  /** Answers the application's page for a browser's GET of a path no route serves; false otherwise. */
  fallback(request: FastifyRequest, reply: FastifyReply): boolean;
}

/**
 * Serves the files of a Vite build under `/`: hashed assets under `/assets/` are cached for a
 * year, the page itself is revalidated on every load, and any other path a browser asks for as a
 * page gets `index.html`, so the client router can answer `/reset-password?token=…`.
 * Registered before the rate limit: files are not API calls.
 */
export async function registerWebApp(app: FastifyInstance, root: string): Promise<WebApp | undefined> {
  const dir = resolve(root);
  const indexPath = join(dir, "index.html");
  if (!existsSync(indexPath)) {
    app.log.warn({ root: dir }, "WEB_ROOT has no index.html: the web application is not served");
    return undefined;
  }
  const index = await readFile(indexPath);
  await app.register(fastifyStatic, {
    root: dir,
    prefix: "/",
    index: false,
    wildcard: false,
    setHeaders: (res, path) => {
      res.header(
        "cache-control",
        path.includes(`${join(dir, "assets")}`) ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });
  const page = (reply: FastifyReply) =>
    reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(index);
  app.get("/", { schema: { hide: true } }, (_request, reply) => page(reply));
  return {
    fallback(request, reply) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      if (apiPaths.test(request.url)) return false;
      if (!String(request.headers.accept ?? "").includes("text/html")) return false;
      void page(reply);
      return true;
    },
  };
}
