import { readdir, readFile, readlink } from "node:fs/promises";

// What the launcher tests need to know about processes that are not their own children, read from
// Linux's /proc: who listens on a port, who descends from whom, who is still alive.

/** The parent of every live process, by pid. */
export async function parents(): Promise<Map<number, number>> {
  const table = new Map<number, number>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (stat && Number.isInteger(ppid)) table.set(Number(entry), ppid);
  }
  return table;
}

/** Every live process below `pid`. */
export async function descendants(pid: number): Promise<number[]> {
  const table = await parents();
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of table)
      if (ppid === parent) {
        found.push(child);
        visit(child);
      }
  };
  visit(pid);
  return found;
}

/** The pids holding a TCP socket that listens on `port` (IPv4 or IPv6). */
export async function listeners(port: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/);
      if (state === "0A" && local && Number.parseInt(local.split(":").at(-1) ?? "", 16) === port && inode)
        inodes.add(`socket:[${inode}]`);
    }
  }
  const pids: number[] = [];
  if (inodes.size === 0) return pids;
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => []);
    for (const fd of fds)
      if (inodes.has(await readlink(`/proc/${entry}/fd/${fd}`).catch(() => ""))) {
        pids.push(Number(entry));
        break;
      }
  }
  return pids;
}

/** Whether `pid` is a live process (a zombie, which holds no port, counts as gone). */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}
