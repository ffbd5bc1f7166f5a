import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);

/** The files GraphiQL needs, each served from the installed package, never from a CDN. */
const assets = {
  "react.js": { pkg: "react", file: "umd/react.production.min.js", type: "application/javascript" },
  "react-dom.js": {
    pkg: "react-dom",
    file: "umd/react-dom.production.min.js",
    type: "application/javascript",
  },
  "graphiql.js": { pkg: "graphiql", file: "graphiql.min.js", type: "application/javascript" },
  "graphiql.css": { pkg: "graphiql", file: "graphiql.min.css", type: "text/css" },
} as const;

/** A file of an installed package, found through its package.json (react exports no umd/ path). */
const packageFile = (pkg: string, file: string) =>
  join(dirname(require.resolve(`${pkg}/package.json`)), file);

/** Scripts and styles from this origin only; GraphiQL's styles set inline `style` attributes. */
export const graphiqlPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="robots" content="noindex">
  <title>Mercato GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script src="/graphiql/assets/start.js"></script>
</body>
</html>
`;

const start = `const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, { fetcher }));
`;

/**
 * Serves GraphiQL at /graphiql (development only) from the installed graphiql, react and
 * react-dom packages under a CSP that allows this origin alone: Mercurius's own page loads them
 * from unpkg.com, which a strict network or an offline laptop does not reach.
 */
export function registerGraphiql(app: FastifyInstance): void {
  app.get("/graphiql", { schema: { hide: true } }, async (_request, reply) =>
    reply.header("content-security-policy", graphiqlPolicy).type("text/html; charset=utf-8").send(page),
  );
  app.get("/graphiql/assets/start.js", { schema: { hide: true } }, async (_request, reply) =>
    reply.type("application/javascript; charset=utf-8").header("cache-control", "no-cache").send(start),
  );
  const cache = new Map<string, Promise<Buffer>>();
  for (const [name, asset] of Object.entries(assets)) {
    app.get(`/graphiql/assets/${name}`, { schema: { hide: true } }, async (_request, reply) => {
      let body = cache.get(name);
      if (!body) {
        body = readFile(packageFile(asset.pkg, asset.file));
        cache.set(name, body);
      }
      return reply
        .type(`${asset.type}; charset=utf-8`)
        .header("cache-control", "public, max-age=86400")
        .send(await body);
    });
  }
}
