import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type LoadFigures, type LoadRequest, load, median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { formatTable, mark } from "./report.js";
import type { TargetInfo } from "./target.js";

/** The three ways of reading the same item. */
export type ReadPath = "direct" | "rest" | "graphql";

/** Figures of one read path: medians over the rounds, error counts summed. */
export interface ReadFigures extends LoadFigures {
  path: ReadPath;
  /** CPU time the target process spent per response, in µs (median over rounds). */
  targetCpuUsPerReq: number;
  /** Share of one core the load generator used, in % (median over rounds). */
  loaderCpuPct: number;
}

/** The outcome of the read scenario. */
export interface ReadOutcome {
  figures: Record<ReadPath, ReadFigures>;
  restRatio: number;
  graphqlRatio: number;
  restAddedP50Ms: number;
  graphqlAddedP50Ms: number;
}

const labels: Record<ReadPath, string> = {
  direct: "direct Connect (service)",
  rest: "gateway REST",
  graphql: "gateway GraphQL",
};

async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function requests(info: TargetInfo): Record<ReadPath, Omit<LoadRequest, "expectBody">> {
  const json = { "content-type": "application/json" };
  return {
    direct: {
      url: `${info.serviceUrl}/mercato.testkit.v1.ItemService/GetItem`,
      method: "POST",
      headers: json,
      body: JSON.stringify({ id: info.itemId }),
    },
    rest: { url: `${info.gatewayUrl}/api/v1/items/${info.itemId}`, method: "GET" },
    graphql: {
      url: `${info.gatewayUrl}/graphql`,
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: `{ item(id: "${info.itemId}") { id name priceMinor currency } }` }),
    },
  };
}

/** Sends `request` once and checks it answers 200 with the seeded item; returns the exact body. */
async function check(path: ReadPath, request: Omit<LoadRequest, "expectBody">, info: TargetInfo) {
  const answer = await fetch(request.url, {
    method: request.method,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body !== undefined ? { body: request.body } : {}),
  });
  const text = await answer.text();
  if (answer.status !== 200)
    throw new Error(`${labels[path]}: expected HTTP 200, got ${answer.status}: ${text}`);
  const parsed = JSON.parse(text) as { item?: unknown; data?: { item?: unknown } };
  const item = (path === "direct" ? parsed.item : path === "graphql" ? parsed.data?.item : parsed) as
    | Record<string, unknown>
    | undefined;
  for (const [key, value] of Object.entries(info.item)) {
    if (item?.[key] !== value)
      throw new Error(`${labels[path]}: expected ${key} ${JSON.stringify(value)} in the answer, got ${text}`);
  }
  return text;
}

/** Starts the target (PGlite + item service + gateway) in its own process and waits for its URLs. */
async function startTarget(options: BenchOptions): Promise<{ child: ChildProcess; info: TargetInfo }> {
  const script = resolve(import.meta.dirname, "target.ts");
  const profile = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.profileDir)}`, "--cpu-prof-interval=200"]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  try {
    const line = await waitForLine(child, (l) => l.startsWith("{"), 120_000);
    return { child, info: JSON.parse(line) as TargetInfo };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/**
 * The same read three ways, in one run against one target process: a direct Connect call to the
 * service, the gateway's REST route and its GraphQL query. Each round warms up and measures every
 * path in turn (the starting path rotates per round).
 */
export async function runRead(options: BenchOptions): Promise<ReadOutcome> {
  const { child, info } = await startTarget(options);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    log(
      `read target pid ${info.pid}: service ${info.serviceUrl}, gateway ${info.gatewayUrl}, item ${info.itemId}`,
    );
    const plain = requests(info);
    const paths: ReadPath[] = ["direct", "rest", "graphql"];
    const loads = {} as Record<ReadPath, LoadRequest>;
    for (const path of paths) {
      const first = await check(path, plain[path], info);
      const second = await check(path, plain[path], info);
      if (first !== second) throw new Error(`${labels[path]}: the body differs between two reads`);
      loads[path] = { ...plain[path], expectBody: first };
    }
    log("checked: every path answers 200 with the seeded item");

    const runs: Record<ReadPath, (LoadFigures & { targetCpuUsPerReq: number; loaderCpuPct: number })[]> = {
      direct: [],
      rest: [],
      graphql: [],
    };
    for (let round = 0; round < options.rounds; round++) {
      const order = paths.map((_, i) => paths[(i + round) % paths.length] as ReadPath);
      for (const path of order) {
        await load(loads[path], options.connections, options.warmupS);
        const cpuBefore = await cpuMs(info.pid);
        const loaderBefore = process.cpuUsage();
        const figures = await load(loads[path], options.connections, options.durationS);
        const loaderUsed = process.cpuUsage(loaderBefore);
        const targetCpuUsPerReq =
          (((await cpuMs(info.pid)) - cpuBefore) * 1000) / Math.max(1, figures.responses);
        const loaderCpuPct =
          ((loaderUsed.user + loaderUsed.system) / 1000 / (figures.durationS * 1000)) * 100;
        runs[path].push({ ...figures, targetCpuUsPerReq, loaderCpuPct });
        log(
          `  round ${round + 1}/${options.rounds} ${labels[path].padEnd(25)} ${figures.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${figures.p50Ms.toFixed(2)} ms  p99 ${figures.p99Ms.toFixed(2)} ms  errors ${figures.errors}  non-2xx ${figures.non2xx}`,
        );
      }
    }

    const figures = {} as Record<ReadPath, ReadFigures>;
    for (const path of paths) {
      const list = runs[path];
      const med = (pick: (f: (typeof list)[number]) => number) => median(list.map(pick));
      const sum = (pick: (f: (typeof list)[number]) => number) => list.reduce((acc, f) => acc + pick(f), 0);
      figures[path] = {
        path,
        reqPerSec: med((f) => f.reqPerSec),
        p50Ms: med((f) => f.p50Ms),
        p99Ms: med((f) => f.p99Ms),
        responses: sum((f) => f.responses),
        durationS: sum((f) => f.durationS),
        non2xx: sum((f) => f.non2xx),
        errors: sum((f) => f.errors),
        timeouts: sum((f) => f.timeouts),
        mismatches: sum((f) => f.mismatches),
        targetCpuUsPerReq: med((f) => f.targetCpuUsPerReq),
        loaderCpuPct: med((f) => f.loaderCpuPct),
      };
    }
    const outcome: ReadOutcome = {
      figures,
      restRatio: figures.rest.reqPerSec / figures.direct.reqPerSec,
      graphqlRatio: figures.graphql.reqPerSec / figures.direct.reqPerSec,
      restAddedP50Ms: figures.rest.p50Ms - figures.direct.p50Ms,
      graphqlAddedP50Ms: figures.graphql.p50Ms - figures.direct.p50Ms,
    };
    printRead(outcome, options);
    return outcome;
  } finally {
    const stopped = await stopProcess(child);
    if (options.profileDir) log(`CPU profile of the target written to ${resolve(options.profileDir)}`);
    if (stopped.killed) log("the read target did not stop on SIGTERM and was killed");
  }
}

function printRead(outcome: ReadOutcome, options: BenchOptions): void {
  const { figures } = outcome;
  const medianNote = options.rounds > 1 ? `, medians of ${options.rounds} rounds` : "";
  const lines = [
    "",
    `Gateway read — ${options.connections} connections, ${options.durationS} s measured after ${options.warmupS} s warm-up${medianNote}`,
    formatTable(
      ["path", "req/s", "p50 ms", "p99 ms", "errors", "non-2xx", "target CPU µs/req", "loader CPU %"],
      (["direct", "rest", "graphql"] as const).map((path) => {
        const f = figures[path];
        return [
          labels[path],
          f.reqPerSec.toFixed(0),
          f.p50Ms.toFixed(2),
          f.p99Ms.toFixed(2),
          String(f.errors),
          String(f.non2xx),
          f.targetCpuUsPerReq.toFixed(0),
          f.loaderCpuPct.toFixed(0),
        ];
      }),
    ),
    "",
    formatTable(
      ["bar", "REST", "GraphQL"],
      [
        [
          "throughput / direct ≥ 0.50",
          `${outcome.restRatio.toFixed(2)} ${mark(outcome.restRatio >= 0.5)}`,
          `${outcome.graphqlRatio.toFixed(2)} ${mark(outcome.graphqlRatio >= 0.5)}`,
        ],
        [
          "added p50 ≤ 2.00 ms",
          `${outcome.restAddedP50Ms.toFixed(2)} ms ${mark(outcome.restAddedP50Ms <= 2)}`,
          `${outcome.graphqlAddedP50Ms.toFixed(2)} ms ${mark(outcome.graphqlAddedP50Ms <= 2)}`,
        ],
      ],
    ),
  ];
  if (options.connections !== 10)
    lines.push(`(the bars are defined for 10 connections; this run used ${options.connections})`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
