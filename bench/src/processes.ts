import type { ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port was assigned");
  return address.port;
}

/** Resolves with the first stdout line of `child` that satisfies `accept`; rejects when it exits first or after `timeoutMs`. */
export function waitForLine(
  child: ChildProcess,
  accept: (line: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const finish = (error: Error | undefined, line?: string) => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(line ?? "");
    };
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      const line = lines.find(accept);
      if (line !== undefined) finish(undefined, line);
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`process ${child.pid} exited (code ${code}, signal ${signal}) before it was ready`));
    const timer = setTimeout(
      () => finish(new Error(`process ${child.pid} was not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Sends SIGTERM and waits up to `graceMs` (default 15 000) for the exit, then SIGKILLs the given pids. */
export async function stopProcess(
  child: ChildProcess,
  graceMs = 15_000,
  alsoKill: readonly number[] = [],
): Promise<{ code: number | null; signal: string | null; killed: boolean }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode, killed: false };
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), graceMs);
  });
  const result = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (result) return { ...result, killed: false };
  for (const pid of [child.pid, ...alsoKill]) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return { ...(await exited), killed: true };
}

/** `pid` and every descendant of it, from the parent ids in /proc. */
export async function processTree(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // The command name is parenthesised and may hold spaces; fields after it are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const children = parents.get(ppid) ?? [];
      children.push(Number(entry));
      parents.set(ppid, children);
    } catch {
      // The process ended while we were reading.
    }
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    tree.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return tree;
}

/** Resident and peak resident memory of one process in bytes (VmRSS, VmHWM of /proc/<pid>/status). */
export interface ProcessMemory {
  pid: number;
  /** Its command line, arguments joined by spaces. */
  command: string;
  rssBytes: number;
  /**
   * The anonymous part of RSS (heaps, stacks: what this process alone holds). The rest is mostly
   * file pages of the Node binary, which every process running it shares.
   */
  anonBytes: number;
  peakRssBytes: number;
}

/** Memory of each process of the tree under `pid`. */
export async function treeMemory(pid: number): Promise<ProcessMemory[]> {
  const result: ProcessMemory[] = [];
  for (const member of await processTree(pid)) {
    try {
      const status = await readFile(`/proc/${member}/status`, "utf8");
      const command = (await readFile(`/proc/${member}/cmdline`, "utf8")).split("\0").join(" ").trim();
      const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
      result.push({
        pid: member,
        command,
        rssBytes: kb("VmRSS") * 1024,
        anonBytes: kb("RssAnon") * 1024,
        peakRssBytes: kb("VmHWM") * 1024,
      });
    } catch {
      // Gone between the listing and the read.
    }
  }
  return result;
}
