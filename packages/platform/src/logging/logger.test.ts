import { readdirSync } from "node:fs";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { runWithContext } from "../context/als.js";
import { backgroundContext } from "../context/context.js";
import { createLogger } from "./logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe("createLogger", () => {
  it("stamps correlation id and trace id of the running context on every line", async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "orders", destination });
    const ctx = backgroundContext({ correlationId: "corr-1" });
    await runWithContext(ctx, async () => {
      logger.info("first");
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ step: "reserve" }).warn("second");
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ service: "orders", correlationId: "corr-1", traceId: ctx.trace.traceId });
    }
  });

  it("leaves out correlation fields outside a request", () => {
    const { lines, destination } = capture();
    createLogger({ service: "auth", destination }).info("boot");
    expect(lines[0]).not.toHaveProperty("correlationId");
  });

  it("redacts passwords, codes and tokens at the top level and one level down", () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: "auth", destination });
    logger.info(
      {
        password: "hunter2",
        input: { code: "123456", refreshToken: "rt" },
        headers: { authorization: "Bearer x" },
      },
      "login",
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("123456");
    expect(text).not.toContain('"rt"');
    expect(text).not.toContain("Bearer x");
    expect(text).toContain("[redacted]");
  });

  it("gives every pretty logger of a process one transport: one worker thread, not one each", async () => {
    const threads = () => readdirSync("/proc/self/task").length;
    const streamOf = (logger: pino.Logger) =>
      (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
    const first = createLogger({ service: "first", pretty: true, level: "silent" });
    await sleep(200);
    const withOne = threads();
    const others = ["second", "third", "fourth"].map((service) =>
      createLogger({ service, pretty: true, level: "silent" }),
    );
    await sleep(200);
    expect(threads()).toBe(withOne);
    for (const logger of others) expect(streamOf(logger)).toBe(streamOf(first));
  });
});
