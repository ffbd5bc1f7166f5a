// `npm run bench -- --only catalog`: catalog reads through the gateway in distributed mode (every
// service and the gateway in its own process, from the production build) on PostgreSQL, a private
// NATS and Redis, with `--products` (default 1 000) from the demo seed. Closed loop over
// --connections (default 50): a list of 20 search hits with each product's variants, a product
// page rotating over every product, a text search; then open loop at constant arrival rates
// (BENCH_RATES, default 100,200,350,500 per second): a text search near Berlin. Reports req/s,
// p50/p99 and the CPU per request of every process and of PostgreSQL (issue 22). The list and the
// searches are measured twice: the same request again and again, as a popular page is asked (the
// gateway may answer it from its kept answers, ADR 0052), and with a variable no request sent
// before (unused by the query, so the same work), which no kept answer serves.

import { seedMarketplace } from "@mercato/host/seed";
import { openPostgres, rowsOf } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { cpuByCommand } from "./checkout-client.js";
import { buildProduction, type DistributedStack, startDistributed } from "./distributed.js";
import { type LoadFigures, type LoadRequest, load, median } from "./load.js";
import { type OpenLoopFigures, openLoop } from "./open-loop.js";
import type { BenchOptions } from "./options.js";
import { formatTable, mark } from "./report.js";

const infrastructure = ["postgres", "nats-server", "redis-server"] as const;

const money = "{ amountMinor currency }";
const variantFields = `id sku price ${money} compareAtPrice ${money} options { name value }`;

/** The list of issue 22: 20 search hits, each with its product's variants. */
const listQuery = `query List { products(first: 20) { edges { node { id title priceRange { min ${money} max ${money} } product { id variants { ${variantFields} } } } } } }`;
/** A product page: the product, its variants and options, its storefront. */
const pageQuery = `query Page($id: ID!) { product(id: $id) { id title description optionNames attributes { name value } mediaIds priceRange { min ${money} max ${money} } variants { ${variantFields} } storefront { id name slug description } } }`;
const searchQuery = `query Search { products(query: "leather", first: 20) { edges { node { id title storefrontName priceRange { min ${money} } inStock } } } }`;
const nearQuery = `query Near { products(query: "leather", near: { lat: 52.52, lng: 13.405, radiusKm: 25 }, first: 20) { edges { node { id title distanceMeters } } } }`;

interface Scenario {
  label: string;
  /** Requests per second the issue asks for, or to keep; none for the measurements beside a bar. */
  bar?: number;
  request: LoadRequest;
}

interface Measured {
  figures: LoadFigures;
  /** CPU ms per answered request, by process (gateway, each service, postgres, nats-server, redis-server). */
  cpuPerRequest: Map<string, number>;
}

async function cpuSnapshot(stack: DistributedStack): Promise<Map<string, number>> {
  const figures = await stack.cpu();
  for (const [name, ms] of Object.entries(await cpuByCommand(infrastructure))) figures.set(name, ms);
  return figures;
}

async function measure(
  stack: DistributedStack,
  request: LoadRequest,
  options: BenchOptions,
  connections: number,
) {
  await load(request, connections, options.warmupS);
  const before = await cpuSnapshot(stack);
  const figures = await load(request, connections, options.durationS);
  const after = await cpuSnapshot(stack);
  const cpuPerRequest = new Map<string, number>();
  for (const [name, ms] of after)
    cpuPerRequest.set(name, (ms - (before.get(name) ?? 0)) / Math.max(1, figures.responses));
  return { figures, cpuPerRequest };
}

async function graphql(gatewayUrl: string, query: string, variables: Record<string, unknown> = {}) {
  const answer = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await answer.text();
  if (answer.status !== 200 || body.includes('"errors"'))
    throw new Error(`the gateway answered ${answer.status}: ${body.slice(0, 300)}`);
  return body;
}

async function seed(stack: DistributedStack, products: number): Promise<string[]> {
  const names = ["sellers", "products", "inventory"] as const;
  const targets = Object.fromEntries(
    names.map((name) => [name, openPostgres({ url: stack.databaseUrl(name), schema: name })]),
  ) as Record<(typeof names)[number], ReturnType<typeof openPostgres>>;
  try {
    const result = await seedMarketplace(targets, { products });
    process.stdout.write(
      `seeded ${result.products} products of ${result.storefronts} storefronts in ${(result.tookMs / 1000).toFixed(1)} s\n`,
    );
    const rows = rowsOf<{ id: string }>(
      await targets.products.db.execute(
        sql`select id from products.products where status = 'active' order by id`,
      ),
    );
    return rows.map((row) => row.id);
  } finally {
    for (const name of names) await targets[name].close();
  }
}

/**
 * From the gateway's metrics: its longest event-loop delay since the last call, in ms (prom-client
 * keeps the maximum until it is read), and how many GraphQL requests it has answered and taken
 * longer than 100 ms over (from receiving the request to sending the answer) so far.
 */
async function gatewayView(
  gatewayUrl: string,
): Promise<{ lagMs: number; answered: number; over100Ms: number }> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const value = (pattern: RegExp) => {
    let sum = 0;
    for (const match of text.matchAll(pattern)) sum += Number(match[1]);
    return sum;
  };
  const lag = /^nodejs_eventloop_lag_max_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text);
  const route = 'route="/graphql"';
  const answered = value(
    new RegExp(`^http_request_duration_seconds_count\\{[^}]*${route}[^}]*\\} ([0-9.e+]+)$`, "gm"),
  );
  const within = value(
    new RegExp(
      `^http_request_duration_seconds_bucket\\{(?=[^}]*le="0\\.1")[^}]*${route}[^}]*\\} ([0-9.e+]+)$`,
      "gm",
    ),
  );
  return { lagMs: lag?.[1] ? Number(lag[1]) * 1000 : Number.NaN, answered, over100Ms: answered - within };
}

function cpuColumns(cpu: Map<string, number>): string {
  return [...cpu]
    .filter(([, ms]) => ms >= 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(", ");
}

export async function runCatalog(options: BenchOptions): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("--only catalog needs DATABASE_URL (PostgreSQL with PostGIS)");
  buildProduction();
  const connections = options.connections[0] ?? 50;
  {
    // One client sends every request: the per-client rate limit would measure itself.
    const stack = await startDistributed("build", databaseUrl, { RATE_LIMIT_MAX: "100000000" });
    try {
      const ids = await seed(stack, options.products);
      if (ids.length === 0) throw new Error("the seed made no active product");
      const url = `${stack.gatewayUrl}/graphql`;
      const json = { "content-type": "application/json" };
      const constant = async (label: string, bar: number, query: string): Promise<Scenario> => {
        const body = JSON.stringify({ query, variables: {} });
        return {
          label,
          bar,
          request: {
            url,
            method: "POST",
            headers: json,
            body,
            expectBody: await graphql(stack.gatewayUrl, query),
          },
        };
      };
      let nonce = 0;
      /** The same query with a variable never sent before: the work of an answer no cache holds. */
      const fresh = async (label: string, query: string): Promise<Scenario> => {
        const expected = await graphql(stack.gatewayUrl, query);
        return {
          label: `${label}, never asked before`,
          request: {
            url,
            method: "POST",
            headers: json,
            expectBody: "",
            nextBody: () => JSON.stringify({ query, variables: { nonce: nonce++ } }),
            verifyBody: (body) => body === expected,
          },
        };
      };
      let turn = 0;
      const scenarios: Scenario[] = [
        await constant("products(first: 20) with variants", 2_000, listQuery),
        await fresh("products(first: 20) with variants", listQuery),
        {
          label: `product(id) page, rotating over ${ids.length} products`,
          bar: 3_000,
          request: {
            url,
            method: "POST",
            headers: json,
            expectBody: "",
            nextBody: () => JSON.stringify({ query: pageQuery, variables: { id: ids[turn++ % ids.length] } }),
            verifyBody: (body) => body.startsWith('{"data":{"product":{"id"') && !body.includes('"errors"'),
          },
        },
        await constant('search "leather", 20 hits', 800, searchQuery),
        await fresh('search "leather", 20 hits', searchQuery),
      ];
      await graphql(stack.gatewayUrl, pageQuery, { id: ids[0] });
      const results = new Map<string, Measured[]>();
      // BENCH_CLOSED_LOOP=off measures the open loop alone.
      for (let round = 0; round < (process.env.BENCH_CLOSED_LOOP === "off" ? 0 : options.rounds); round++)
        for (const scenario of scenarios) {
          const measured = await measure(stack, scenario.request, options, connections);
          results.set(scenario.label, [...(results.get(scenario.label) ?? []), measured]);
        }
      const rows = scenarios.map((scenario) => {
        const runs = results.get(scenario.label) ?? [];
        const reqPerSec = median(runs.map((r) => r.figures.reqPerSec));
        const middle = runs.find((r) => r.figures.reqPerSec === reqPerSec) ?? runs[0];
        return [
          scenario.label,
          reqPerSec.toFixed(0),
          `${median(runs.map((r) => r.figures.p50Ms)).toFixed(1)} / ${median(runs.map((r) => r.figures.p99Ms)).toFixed(1)}`,
          String(runs.reduce((sum, r) => sum + r.figures.errors + r.figures.non2xx, 0)),
          middle ? cpuColumns(middle.cpuPerRequest) : "",
          scenario.bar === undefined ? "" : `≥ ${scenario.bar}: ${mark(reqPerSec >= scenario.bar)}`,
        ];
      });
      process.stdout.write(
        `\nCatalog reads, distributed (production build), ${ids.length} products, ${connections} connections, ${options.durationS} s after ${options.warmupS} s warm-up, median of ${options.rounds}; the gateway keeps whole answers: ${process.env.ANSWER_CACHE_BYTES === "0" ? "no (ANSWER_CACHE_BYTES=0)" : "yes"}\n${formatTable(["scenario", "req/s", "p50 / p99 ms", "errors", "CPU ms per request, by process", "bar"], rows)}\n`,
      );
      const rates = (process.env.BENCH_RATES ?? "100,200,350,500").split(",").map(Number);
      // BENCH_OPEN_LOOP: same (one request again and again), fresh (each new), or both (the default).
      const kinds =
        (process.env.BENCH_OPEN_LOOP ?? "both") === "both"
          ? ["same", "fresh"]
          : [process.env.BENCH_OPEN_LOOP];
      const open: (OpenLoopFigures & { kind: string; gatewayLagMs?: number; gatewayOver100Ms?: number })[] =
        [];
      const nearBody = JSON.stringify({ query: nearQuery, variables: {} });
      await graphql(stack.gatewayUrl, nearQuery);
      for (const rate of rates)
        for (const kind of kinds) {
          const before = await gatewayView(stack.gatewayUrl); // also starts the lag window afresh
          open.push({
            kind: kind === "fresh" ? "never asked before" : "the same request",
            ...(await openLoop(
              { url, method: "POST", headers: json, body: nearBody, fresh: kind === "fresh" },
              rate,
              options.durationS,
              options.warmupS,
            )),
          });
          const after = await gatewayView(stack.gatewayUrl);
          Object.assign(open[open.length - 1] ?? {}, {
            gatewayLagMs: after.lagMs,
            gatewayOver100Ms: after.over100Ms - before.over100Ms,
          });
        }
      process.stdout.write(
        `\nSearch "leather" near Berlin (25 km), open loop at a constant arrival rate, latency from the scheduled send time\n${formatTable(
          [
            "rate/s",
            "requests",
            "answered",
            "failed",
            "p50 ms",
            "p99 ms",
            "max ms",
            "> 100 ms",
            "slowest at (s)",
            "generator late, max ms",
            "gateway loop lag, max ms",
            "> 100 ms in the gateway",
            "p99 < 50 ms, none > 100 ms",
          ],
          open.map((o) => [
            String(o.rate),
            o.kind,
            String(o.ok),
            String(o.failed),
            o.p50Ms.toFixed(1),
            o.p99Ms.toFixed(1),
            o.maxMs.toFixed(1),
            String(o.over100Ms),
            o.slowestAtS.join(" "),
            o.lateMaxMs.toFixed(1),
            (o.gatewayLagMs ?? Number.NaN).toFixed(1),
            String(o.gatewayOver100Ms ?? ""),
            mark(o.p99Ms < 50 && o.over100Ms === 0 && o.failed === 0),
          ]),
        )}\n`,
      );
    } finally {
      await stack.stop();
    }
  }
}
