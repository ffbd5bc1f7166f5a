import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

type GarbageCollect = (options: { type: "major"; execution: "sync"; flavor: "last-resort" }) => void;

/**
 * Gives back to the operating system the heap V8 grew while the process started. Loading hundreds
 * of modules, migrating and connecting make its young generation grow to its largest size (over
 * 100 MB here), and a process that then waits for requests never collects enough to shrink it: an
 * idle service held 260 MB resident with 35 MB of live objects. One full, memory-reducing
 * collection once start-up is done releases that (issue 22, ADR 0049). It pauses the process for
 * tens of milliseconds, once.
 */
export function releaseStartupHeap(): void {
  let collect = (globalThis as { gc?: GarbageCollect }).gc;
  if (collect === undefined) {
    // V8 hands `gc` only to contexts created after the flag is set; the main context stays as it was.
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as GarbageCollect;
  }
  collect({ type: "major", execution: "sync", flavor: "last-resort" });
}
