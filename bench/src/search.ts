import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { type LoadFigures, type LoadRequest, load, median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { cpuMs, type TargetProcess } from "./read.js";
import { formatTable, mark } from "./report.js";
import type { SearchTargetInfo } from "./search-target.js";

/** One search the benchmark repeats: near a city centre with a text filter. */
interface SearchCase {
  label: string;
  path: string;
}

/** The searches of the catalog issue's bar: a point, a radius and a word, as a buyer's app asks. */
const cases: readonly SearchCase[] = [
  {
    label: "'leather' within 25 km of Berlin",
    path: "/api/v1/products?query=leather&near=52.52,13.405&radius=25000",
  },
  {
    label: "'coffee' within 10 km of Paris, nearest first",
    path: "/api/v1/products?query=coffee&near=48.8566,2.3522&radius=10000&sort=distance",
  },
  {
    label: "'wallet' €20-80 within 50 km of Rome",
    path: "/api/v1/products?query=wallet&near=41.9028,12.4964&radius=50000&minPrice=2000&maxPrice=8000&currency=EUR",
  },
];

/** The p99 bar of the catalog issue at 20 connections. */
const p99BarMs = 50;

async function spawnSearchTarget(
  role: "services" | "gateway",
  options: BenchOptions,
  env: Record<string, string>,
): Promise<{ process: TargetProcess; info: SearchTargetInfo }> {
  const script = resolve(import.meta.dirname, "search-target.ts");
  const profile = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.profileDir)}`, "--cpu-prof-interval=200"]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script, role], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", BENCH_PRODUCTS: String(options.products), ...env },
  });
  try {
    // Seeding 100k products on a first run takes a few minutes.
    const line = await waitForLine(child, (l) => l.startsWith("{"), 900_000);
    const info = JSON.parse(line) as SearchTargetInfo;
    return { process: { name: role, child, pid: info.pid }, info };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** Sends the search once; it must answer 200 with at least one hit carrying a distance. */
async function check(gatewayUrl: string, search: SearchCase): Promise<{ body: string; hits: number }> {
  const answer = await fetch(`${gatewayUrl}${search.path}`);
  const body = await answer.text();
  if (answer.status !== 200) throw new Error(`${search.label}: HTTP ${answer.status}: ${body}`);
  const page = JSON.parse(body) as { items: { distanceMeters: number | null }[] };
  if (page.items.length === 0 || page.items.some((hit) => hit.distanceMeters === null))
    throw new Error(`${search.label}: expected hits with distances, got ${body.slice(0, 300)}`);
  return { body, hits: page.items.length };
}

/**
 * Search near a point with a text filter on a catalog of `--products` products (default 100k) in
 * real PostgreSQL, through the gateway's REST route; services and gateway in their own processes
 * as in distributed mode.
 */
export async function runSearch(options: BenchOptions): Promise<void> {
  process.stdout.write(
    `\nSearch — ${options.products} products on real PostgreSQL (${process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432"}), near + text through the gateway\n`,
  );
  const services = await spawnSearchTarget("services", options, {});
  let gateway: Awaited<ReturnType<typeof spawnSearchTarget>> | undefined;
  try {
    gateway = await spawnSearchTarget("gateway", options, {
      TARGET_SELLERS_URL: services.info.sellersUrl,
      TARGET_PRODUCTS_URL: services.info.productsUrl,
    });
    const processes = [services.process, gateway.process];
    process.stdout.write(
      `  catalog: ${services.info.documents} products${services.info.seededS > 0 ? ` (seeded now in ${services.info.seededS} s)` : ""}\n`,
    );
    const gatewayUrl = gateway.info.gatewayUrl;
    const rows: string[][] = [];
    for (const connections of options.connections) {
      for (const search of cases) {
        const { body, hits } = await check(gatewayUrl, search);
        const request: LoadRequest = { url: `${gatewayUrl}${search.path}`, method: "GET", expectBody: body };
        const runs: (LoadFigures & { cpu: Record<string, number> })[] = [];
        for (let round = 0; round < options.rounds; round++) {
          await load(request, connections, options.warmupS);
          const before = await Promise.all(processes.map((p) => cpuMs(p.pid)));
          const figures = await load(request, connections, options.durationS);
          const after = await Promise.all(processes.map((p) => cpuMs(p.pid)));
          const cpu: Record<string, number> = {};
          processes.forEach((p, i) => {
            cpu[p.name] = (((after[i] ?? 0) - (before[i] ?? 0)) * 1000) / Math.max(1, figures.responses);
          });
          runs.push({ ...figures, cpu });
          process.stdout.write(
            `  round ${round + 1}/${options.rounds} c=${connections} ${search.label}: ${figures.reqPerSec.toFixed(0)} req/s  p50 ${figures.p50Ms.toFixed(2)} ms  p99 ${figures.p99Ms.toFixed(2)} ms  errors ${figures.errors}  non-2xx ${figures.non2xx}\n`,
          );
        }
        const p99 = median(runs.map((r) => r.p99Ms));
        rows.push([
          search.label,
          String(connections),
          String(hits),
          median(runs.map((r) => r.reqPerSec)).toFixed(0),
          median(runs.map((r) => r.p50Ms)).toFixed(2),
          p99.toFixed(2),
          String(runs.reduce((sum, r) => sum + r.errors + r.non2xx, 0)),
          processes
            .map((p) => `${p.name} ${median(runs.map((r) => r.cpu[p.name] ?? 0)).toFixed(0)}`)
            .join(", "),
          connections === 20 ? `${mark(p99 < p99BarMs)} (< ${p99BarMs} ms)` : "-",
        ]);
      }
    }
    process.stdout.write(
      `\n${formatTable(["search (REST)", "conns", "hits", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req", "p99 bar at 20"], rows)}\n`,
    );
  } finally {
    if (gateway) await stopProcess(gateway.process.child);
    await stopProcess(services.process.child);
  }
}
