import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type LoadFigures, type LoadRequest, load, median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { stopProcess, waitForLine } from "./processes.js";
import { formatTable, mark } from "./report.js";
import type { TargetInfo } from "./target.js";

/**
 * The ways of reading the same item: the three the bars compare, and the gateway's REST and
 * GraphQL routes that answer it from memory, without the RPC ("floor": the gateway's own cost).
 */
export type ReadPath = "direct" | "rest" | "graphql" | "restFloor" | "graphqlFloor";

/** Figures of one read path: medians over the rounds, error counts summed. */
export interface ReadFigures extends LoadFigures {
  path: ReadPath;
  /** CPU time the target processes spent per response, in µs, by process name (median over rounds). */
  targetCpuUsPerReq: Record<string, number>;
  /** Share of one core the load generator used, in % (median over rounds). */
  loaderCpuPct: number;
}

/** One pass over every path with a number of connections, and how the gateway compares with direct. */
export interface ReadPass {
  connections: number;
  figures: Record<ReadPath, ReadFigures>;
  restRatio: number;
  graphqlRatio: number;
  restAddedP50Ms: number;
  graphqlAddedP50Ms: number;
}

/** The outcome of the read scenario: one pass per connection count. */
export interface ReadOutcome {
  passes: ReadPass[];
}

const paths: readonly ReadPath[] = ["direct", "rest", "graphql", "restFloor", "graphqlFloor"];
const labels: Record<ReadPath, string> = {
  direct: "direct Connect (service)",
  rest: "gateway REST",
  graphql: "gateway GraphQL",
  restFloor: "gateway REST, no RPC",
  graphqlFloor: "gateway GraphQL, no RPC",
};

/** A running target process. */
export interface TargetProcess {
  name: string;
  child: ChildProcess;
  pid: number;
}

/** CPU time (user + system) `pid` has used so far, in ms. */
export async function cpuMs(pid: number): Promise<number> {
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
    restFloor: { url: `${info.gatewayUrl}/api/v1/bench/items/${info.itemId}`, method: "GET" },
    graphqlFloor: {
      url: `${info.gatewayUrl}/graphql`,
      method: "POST",
      headers: json,
      body: JSON.stringify({ query: `{ benchItem(id: "${info.itemId}") { id name priceMinor currency } }` }),
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
  const parsed = JSON.parse(text) as { item?: unknown; data?: { item?: unknown; benchItem?: unknown } };
  const item = (
    path === "direct"
      ? parsed.item
      : path === "graphql"
        ? parsed.data?.item
        : path === "graphqlFloor"
          ? parsed.data?.benchItem
          : parsed
  ) as Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(info.item)) {
    if (item?.[key] !== value)
      throw new Error(`${labels[path]}: expected ${key} ${JSON.stringify(value)} in the answer, got ${text}`);
  }
  return text;
}

/** Spawns `target.ts <role>` on the benchmark's Node and waits for its JSON line. */
export async function spawnTarget(
  role: "all" | "service" | "gateway",
  options: BenchOptions,
  env: Record<string, string> = {},
): Promise<{ process: TargetProcess; info: TargetInfo }> {
  const script = resolve(import.meta.dirname, "target.ts");
  const profile = options.profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${resolve(options.profileDir)}`, "--cpu-prof-interval=200"]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", script, role], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_ENV: "production", ...env },
  });
  try {
    const line = await waitForLine(child, (l) => l.startsWith("{"), 120_000);
    const info = JSON.parse(line) as TargetInfo;
    return { process: { name: role === "all" ? "service+gateway" : role, child, pid: info.pid }, info };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** The item service and the gateway, in one process (`shared`) or one each (`split`). */
async function startTargets(
  options: BenchOptions,
): Promise<{ processes: TargetProcess[]; info: TargetInfo }> {
  if (options.topology === "shared") {
    const { process: target, info } = await spawnTarget("all", options);
    return { processes: [target], info };
  }
  const service = await spawnTarget("service", options);
  try {
    const gateway = await spawnTarget("gateway", options, {
      TARGET_SERVICE_URL: service.info.serviceUrl,
      TARGET_ITEM: JSON.stringify(service.info.item),
    });
    return {
      processes: [service.process, gateway.process],
      info: { ...service.info, gatewayUrl: gateway.info.gatewayUrl },
    };
  } catch (error) {
    await stopProcess(service.process.child);
    throw error;
  }
}

type Run = LoadFigures & { targetCpuUsPerReq: Record<string, number>; loaderCpuPct: number };

/** Warms up and measures every path per round (the first path rotates per round); medians over rounds. */
async function measurePass(
  loads: Record<ReadPath, LoadRequest>,
  processes: readonly TargetProcess[],
  options: BenchOptions,
  connections: number,
): Promise<ReadPass> {
  const runs: Record<ReadPath, Run[]> = {
    direct: [],
    rest: [],
    graphql: [],
    restFloor: [],
    graphqlFloor: [],
  };
  for (let round = 0; round < options.rounds; round++) {
    const order = paths.map((_, i) => paths[(i + round) % paths.length] as ReadPath);
    for (const path of order) {
      await load(loads[path], connections, options.warmupS);
      const cpuBefore = await Promise.all(processes.map((p) => cpuMs(p.pid)));
      const loaderBefore = process.cpuUsage();
      const figures = await load(loads[path], connections, options.durationS);
      const loaderUsed = process.cpuUsage(loaderBefore);
      const cpuAfter = await Promise.all(processes.map((p) => cpuMs(p.pid)));
      const targetCpuUsPerReq: Record<string, number> = {};
      processes.forEach((p, i) => {
        targetCpuUsPerReq[p.name] =
          (((cpuAfter[i] ?? 0) - (cpuBefore[i] ?? 0)) * 1000) / Math.max(1, figures.responses);
      });
      const loaderCpuPct = ((loaderUsed.user + loaderUsed.system) / 1000 / (figures.durationS * 1000)) * 100;
      runs[path].push({ ...figures, targetCpuUsPerReq, loaderCpuPct });
      process.stdout.write(
        `  round ${round + 1}/${options.rounds} c=${connections} ${labels[path].padEnd(25)} ${figures.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${figures.p50Ms.toFixed(2)} ms  p99 ${figures.p99Ms.toFixed(2)} ms  errors ${figures.errors}  non-2xx ${figures.non2xx}\n`,
      );
    }
  }
  const figures = {} as Record<ReadPath, ReadFigures>;
  for (const path of paths) {
    const list = runs[path];
    const med = (pick: (f: Run) => number) => median(list.map(pick));
    const sum = (pick: (f: Run) => number) => list.reduce((acc, f) => acc + pick(f), 0);
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
      targetCpuUsPerReq: Object.fromEntries(
        processes.map((p) => [p.name, med((f) => f.targetCpuUsPerReq[p.name] ?? 0)]),
      ),
      loaderCpuPct: med((f) => f.loaderCpuPct),
    };
  }
  return {
    connections,
    figures,
    restRatio: figures.rest.reqPerSec / figures.direct.reqPerSec,
    graphqlRatio: figures.graphql.reqPerSec / figures.direct.reqPerSec,
    restAddedP50Ms: figures.rest.p50Ms - figures.direct.p50Ms,
    graphqlAddedP50Ms: figures.graphql.p50Ms - figures.direct.p50Ms,
  };
}

/**
 * The same read three ways, in one run against the same target processes: a direct Connect call
 * to the service, the gateway's REST route and its GraphQL query; one pass per connection count.
 */
export async function runRead(options: BenchOptions): Promise<ReadOutcome> {
  const { processes, info } = await startTargets(options);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    log(
      `read target (${options.topology}: ${processes.map((p) => `${p.name} pid ${p.pid}`).join(", ")}): service ${info.serviceUrl}, gateway ${info.gatewayUrl}, item ${info.itemId}`,
    );
    const plain = requests(info);
    const loads = {} as Record<ReadPath, LoadRequest>;
    for (const path of paths) {
      const first = await check(path, plain[path], info);
      const second = await check(path, plain[path], info);
      if (first !== second) throw new Error(`${labels[path]}: the body differs between two reads`);
      loads[path] = { ...plain[path], expectBody: first };
    }
    log("checked: every path answers 200 with the seeded item");
    const passes: ReadPass[] = [];
    for (const connections of options.connections)
      passes.push(await measurePass(loads, processes, options, connections));
    for (const pass of passes) printPass(pass, processes, options);
    return { passes };
  } finally {
    for (const target of [...processes].reverse()) {
      const stopped = await stopProcess(target.child);
      if (stopped.killed) log(`the ${target.name} target did not stop on SIGTERM and was killed`);
    }
    if (options.profileDir) log(`CPU profiles of the target written to ${resolve(options.profileDir)}`);
  }
}

function printPass(pass: ReadPass, processes: readonly TargetProcess[], options: BenchOptions): void {
  const { figures } = pass;
  const medianNote = options.rounds > 1 ? `, medians of ${options.rounds} rounds` : "";
  const cpuHeader =
    processes.length > 1
      ? `target CPU µs/req (${processes.map((p) => p.name).join(" + ")})`
      : "target CPU µs/req";
  const cpu = (f: ReadFigures) => {
    const parts = processes.map((p) => f.targetCpuUsPerReq[p.name] ?? 0);
    const total = parts.reduce((a, b) => a + b, 0).toFixed(0);
    return parts.length > 1 ? `${total} (${parts.map((v) => v.toFixed(0)).join(" + ")})` : total;
  };
  const lines = [
    "",
    `Gateway read (${options.topology} target) — ${pass.connections} connection${pass.connections === 1 ? "" : "s"}, ${options.durationS} s measured after ${options.warmupS} s warm-up${medianNote}`,
    formatTable(
      ["path", "req/s", "p50 ms", "p99 ms", "errors", "non-2xx", cpuHeader, "loader CPU %"],
      paths.map((path) => {
        const f = figures[path];
        return [
          labels[path],
          f.reqPerSec.toFixed(0),
          f.p50Ms.toFixed(2),
          f.p99Ms.toFixed(2),
          String(f.errors),
          String(f.non2xx),
          cpu(f),
          f.loaderCpuPct.toFixed(0),
        ];
      }),
    ),
    "",
  ];
  const added = (ms: number) => `${ms.toFixed(2)} ms`;
  // The bars are defined for 10 connections; other counts are shown for analysis only.
  const verdict = (ok: boolean) => (pass.connections === 10 ? ` ${mark(ok)}` : "");
  lines.push(
    formatTable(
      [pass.connections === 10 ? "bar" : "vs direct (bars apply at 10 connections)", "REST", "GraphQL"],
      [
        [
          "throughput / direct ≥ 0.50",
          `${pass.restRatio.toFixed(2)}${verdict(pass.restRatio >= 0.5)}`,
          `${pass.graphqlRatio.toFixed(2)}${verdict(pass.graphqlRatio >= 0.5)}`,
        ],
        [
          "added p50 ≤ 2.00 ms",
          `${added(pass.restAddedP50Ms)}${verdict(pass.restAddedP50Ms <= 2)}`,
          `${added(pass.graphqlAddedP50Ms)}${verdict(pass.graphqlAddedP50Ms <= 2)}`,
        ],
      ],
    ),
  );
  const cpuTotal = (f: ReadFigures) => Object.values(f.targetCpuUsPerReq).reduce((x, y) => x + y, 0);
  const split = (api: "rest" | "graphql", floor: "restFloor" | "graphqlFloor") => {
    const added = cpuTotal(figures[api]) - cpuTotal(figures.direct);
    const own = cpuTotal(figures[floor]);
    return `${added.toFixed(0)} µs = gateway alone ${own.toFixed(0)} + RPC hop ${(added - own).toFixed(0)}`;
  };
  lines.push(
    "",
    "target CPU added per request vs direct (gateway alone = its no-RPC route; RPC hop = the rest: gRPC client, HTTP/2, service side):",
    `  REST     ${split("rest", "restFloor")}`,
    `  GraphQL  ${split("graphql", "graphqlFloor")}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}
