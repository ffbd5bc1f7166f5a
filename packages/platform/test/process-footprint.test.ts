// What a service process carries that it does not use (issue 22): importing the platform loads
// no PGlite, mail, push or job-queue library, and the heap start-up grew is given back.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const platformRoot = resolve(import.meta.dirname, "..");

/** Runs `body` as an ES module in a fresh Node (the suite's own, through tsx) and parses what it prints. */
function inFreshNode<T>(body: string): T {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", body], {
    cwd: platformRoot,
    encoding: "utf8",
    timeout: 60_000,
  });
  if (run.status !== 0) throw new Error(`the child failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null") as T;
}

describe("process footprint", () => {
  it("imports no PGlite, nodemailer, web-push or BullMQ with the platform, and loads each where it is used", () => {
    const packages = inFreshNode<{ onImport: string[]; afterUse: string[] }>(`
      import { registerHooks } from "node:module";
      const seen = new Set();
      registerHooks({
        resolve(specifier, context, next) {
          const found = next(specifier, context);
          const name = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(found.url)?.[1];
          if (name) seen.add(name);
          return found;
        },
      });
      const platform = await import("@mercato/platform");
      const onImport = [...seen];
      const mailer = new platform.OutboxMailer({ dir: "/nonexistent", from: "a@example.com" });
      const pglite = await platform.PgliteHost.open({ postgis: false });
      await pglite.close();
      await mailer.close();
      console.log(JSON.stringify({ onImport, afterUse: [...seen] }));
    `);
    for (const unused of ["@electric-sql/pglite", "nodemailer", "web-push", "bullmq"])
      expect(packages.onImport, unused).not.toContain(unused);
    // What every service does use is there: the proof that the hook saw the imports at all.
    expect(packages.onImport).toEqual(expect.arrayContaining(["pg", "@nats-io/transport-node", "ioredis"]));
    expect(packages.afterUse).toEqual(expect.arrayContaining(["@electric-sql/pglite", "nodemailer"]));
  });

  it("gives back the heap that start-up grew", () => {
    const heap = inFreshNode<{ grown: number; released: number; live: number }>(`
      const { releaseStartupHeap } = await import("./src/runtime/heap.ts");
      // Start-up's pattern: many objects that survive a while (module graphs, caches), then idle.
      let keep = [];
      for (let round = 0; round < 40; round++) {
        keep.push(Array.from({ length: 20000 }, (_, i) => ({ i, s: "x" + i })));
        if (keep.length > 8) keep.shift();
      }
      keep = undefined;
      const grown = process.memoryUsage().heapTotal;
      releaseStartupHeap();
      const after = process.memoryUsage();
      console.log(JSON.stringify({ grown, released: after.heapTotal, live: after.heapUsed }));
    `);
    expect(heap.released).toBeLessThan(heap.grown / 2);
    expect(heap.released).toBeLessThan(heap.live * 2);
  });
});
