import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ItemService } from "@mercato/contracts/mercato/testkit/v1/item_pb";
import { createRpcClient } from "@mercato/platform";
import { median } from "./load.js";
import type { BenchOptions } from "./options.js";
import { stopProcess } from "./processes.js";
import { cpuMs, spawnTarget } from "./read.js";
import { formatTable } from "./report.js";

type GetItem = (request: { id: string }) => Promise<unknown>;

/** Figures of one transport: medians over the rounds. */
export interface RpcFigures {
  name: string;
  callsPerSec: number;
  p50Ms: number;
  /** CPU of the calling (benchmark) process per call, in µs. */
  clientCpuUsPerCall: number;
  /** CPU of the service process per call, in µs. */
  serviceCpuUsPerCall: number;
}

const transports: { name: string; make: (baseUrl: string) => GetItem }[] = [
  {
    name: "platform createRpcClient: Connect binary, HTTP/2, node:http2 (as the gateway)",
    make: (baseUrl) => {
      const client = createRpcClient(ItemService, { baseUrl });
      return (request) => client.getItem(request);
    },
  },
  {
    name: "connect-node: Connect binary, HTTP/2 (the client before ADR 0020)",
    make: (baseUrl) => {
      const transport = createConnectTransport({
        baseUrl,
        httpVersion: "2",
        useBinaryFormat: true,
        acceptCompression: [],
      });
      const client = createClient(ItemService, transport);
      return (request) => client.getItem(request);
    },
  },
  {
    name: "connect-node: Connect JSON, HTTP/1.1",
    make: (baseUrl) => {
      const transport = createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false });
      const client = createClient(ItemService, transport);
      return (request) => client.getItem(request);
    },
  },
];

/** Calls `get` from `callers` concurrent loops for `ms`; returns the calls' latencies in ms. */
async function drive(get: GetItem, id: string, callers: number, ms: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await get({ id });
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies;
}

/**
 * What one gateway-to-service call costs per transport the service's port speaks: the item
 * service alone in its own process, called from this process by `connections` concurrent callers
 * with each Connect transport; CPU per call on both sides.
 */
export async function runRpc(options: BenchOptions): Promise<RpcFigures[]> {
  const { process: target, info } = await spawnTarget("service", options);
  const callers = options.connections[0] ?? 10;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    log(`rpc target: service pid ${target.pid} at ${info.serviceUrl}, ${callers} concurrent callers`);
    const runs = new Map<string, RpcFigures[]>(transports.map((t) => [t.name, []]));
    for (let round = 0; round < options.rounds; round++) {
      const order = transports.map((_, i) => transports[(i + round) % transports.length]);
      for (const transport of order) {
        if (!transport) continue;
        const get = transport.make(info.serviceUrl);
        await drive(get, info.itemId, callers, options.warmupS * 1000);
        const serviceBefore = await cpuMs(target.pid);
        const clientBefore = process.cpuUsage();
        const started = performance.now();
        const latencies = await drive(get, info.itemId, callers, options.durationS * 1000);
        const elapsedMs = performance.now() - started;
        const client = process.cpuUsage(clientBefore);
        const serviceMs = (await cpuMs(target.pid)) - serviceBefore;
        const figures: RpcFigures = {
          name: transport.name,
          callsPerSec: (latencies.length / elapsedMs) * 1000,
          p50Ms: median(latencies),
          clientCpuUsPerCall: (client.user + client.system) / latencies.length,
          serviceCpuUsPerCall: (serviceMs * 1000) / latencies.length,
        };
        runs.get(transport.name)?.push(figures);
        log(
          `  round ${round + 1}/${options.rounds} ${transport.name.padEnd(60)} ${figures.callsPerSec.toFixed(0).padStart(6)} calls/s  p50 ${figures.p50Ms.toFixed(2)} ms`,
        );
      }
    }
    const result = transports.map((t): RpcFigures => {
      const list = runs.get(t.name) ?? [];
      const med = (pick: (f: RpcFigures) => number) => median(list.map(pick));
      return {
        name: t.name,
        callsPerSec: med((f) => f.callsPerSec),
        p50Ms: med((f) => f.p50Ms),
        clientCpuUsPerCall: med((f) => f.clientCpuUsPerCall),
        serviceCpuUsPerCall: med((f) => f.serviceCpuUsPerCall),
      };
    });
    log(
      [
        "",
        `RPC transports to the item service (GetItem, ${callers} callers, ${options.durationS} s after ${options.warmupS} s warm-up${options.rounds > 1 ? `, medians of ${options.rounds} rounds` : ""})`,
        formatTable(
          ["transport", "calls/s", "p50 ms", "client CPU µs/call", "service CPU µs/call"],
          result.map((f) => [
            f.name,
            f.callsPerSec.toFixed(0),
            f.p50Ms.toFixed(2),
            f.clientCpuUsPerCall.toFixed(0),
            f.serviceCpuUsPerCall.toFixed(0),
          ]),
        ),
      ].join("\n"),
    );
    return result;
  } finally {
    await stopProcess(target.child);
  }
}
