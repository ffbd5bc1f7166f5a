import { randomBytes } from "node:crypto";
import { describeWithInfra, waitFor } from "@mercato/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { subjectMatches } from "./envelope.js";
import { describeEventBusContract, textEvent } from "./event-bus.contract.js";
import { MemoryEventBus } from "./memory-event-bus.js";
import { NatsEventBus, natsDurableName } from "./nats-event-bus.js";

describe("subjectMatches", () => {
  it("matches exact subjects, * for one token and > for the rest", () => {
    expect(subjectMatches("mercato.orders.order.placed", "mercato.orders.order.placed")).toBe(true);
    expect(subjectMatches("mercato.orders.*.placed", "mercato.orders.order.placed")).toBe(true);
    expect(subjectMatches("mercato.orders.>", "mercato.orders.order.placed")).toBe(true);
    expect(subjectMatches("mercato.orders.>", "mercato.orders")).toBe(false);
    expect(subjectMatches("mercato.orders.*", "mercato.orders.order.placed")).toBe(false);
    expect(subjectMatches("mercato.users.>", "mercato.orders.order.placed")).toBe(false);
  });
});

describe("natsDurableName", () => {
  it("replaces characters JetStream refuses in durable names", () => {
    expect(natsDurableName("users.profile-from registration*")).toBe("users_profile-from_registration_");
  });
});

describeEventBusContract("MemoryEventBus", async () => {
  const bus = new MemoryEventBus();
  return { bus, prefix: "mercato.test", close: () => bus.close() };
});

describeWithInfra("NATS_URL", "NatsEventBus on JetStream", (url) => {
  describeEventBusContract("contract", async () => {
    const tag = randomBytes(4).toString("hex");
    const stream = `TEST_${tag}`;
    const bus = await NatsEventBus.connect({ url, stream, subjects: [`mtest${tag}.>`] });
    return {
      bus,
      prefix: `mtest${tag}`,
      close: async () => {
        await bus.close();
        const nc = await connect({ servers: url });
        await (await jetstreamManager(nc)).streams.delete(stream);
        await nc.close();
      },
    };
  });
});

describeWithInfra("NATS_URL", "NatsEventBus durables on a shared JetStream stream", (url) => {
  it("starts new durables no earlier than deliverFrom when given, even with an earlier startAt", async () => {
    const tag = randomBytes(4).toString("hex");
    const stream = `TEST_FROM_${tag}`;
    const options = { url, stream, subjects: [`mfrom${tag}.>`] };
    const earlier = await NatsEventBus.connect(options);
    await earlier.publish(textEvent(`mfrom${tag}.a.b`, "before", `before-${tag}`));
    // Stored times have nanoseconds and a Date only milliseconds: let the clock move on first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const from = new Date();
    const fresh = await NatsEventBus.connect({ ...options, durablePrefix: "fresh_", deliverFrom: from });
    const whole = await NatsEventBus.connect({ ...options, durablePrefix: "whole_" });
    try {
      const seen: Record<string, string[]> = { fresh: [], whole: [] };
      for (const [name, bus] of [
        ["fresh", fresh],
        ["whole", whole],
      ] as const)
        await bus.consume(
          { durable: "reader", subject: `mfrom${tag}.>`, backoffMs: [10], startAt: new Date(0) },
          async (event) => {
            seen[name]?.push(event.id);
          },
        );
      await earlier.publish(textEvent(`mfrom${tag}.a.b`, "after", `after-${tag}`));
      await waitFor(() => seen.whole?.length === 2 && seen.fresh?.length === 1, {
        timeoutMs: 5_000,
        message: `events not delivered: ${JSON.stringify(seen)}`,
      });
      expect(seen.whole).toEqual([`before-${tag}`, `after-${tag}`]);
      expect(seen.fresh).toEqual([`after-${tag}`]);
    } finally {
      for (const bus of [fresh, whole, earlier]) await bus.close();
      const nc = await connect({ servers: url });
      await (await jetstreamManager(nc)).streams.delete(stream);
      await nc.close();
    }
  });
});

describeWithInfra("NATS_URL", "NatsEventBus ephemeral subscriptions across connections", (url) => {
  it("hands each event to every connection's ephemeral subscriber, as gateway replicas, leaving no consumer", async () => {
    const tag = randomBytes(4).toString("hex");
    const stream = `TEST_EPH_${tag}`;
    const options = { url, stream, subjects: [`meph${tag}.>`] };
    const replicas = [await NatsEventBus.connect(options), await NatsEventBus.connect(options)];
    const publisher = await NatsEventBus.connect(options);
    try {
      const seen: string[][] = [[], []];
      for (const [i, replica] of replicas.entries())
        await replica.subscribeEphemeral(`meph${tag}.orders.order.*`, (event) => {
          seen[i]?.push(event.id);
        });
      await publisher.publish(textEvent(`meph${tag}.orders.order.shipped`, "shipped", `shipped-${tag}`));
      await waitFor(() => seen.every((ids) => ids.length === 1), {
        timeoutMs: 5_000,
        message: `not every replica got the event: ${JSON.stringify(seen)}`,
      });
      expect(seen).toEqual([[`shipped-${tag}`], [`shipped-${tag}`]]);
      const nc = await connect({ servers: url });
      const consumers = await (await jetstreamManager(nc)).consumers.list(stream).next();
      await nc.close();
      expect(consumers).toHaveLength(0);
    } finally {
      for (const bus of [...replicas, publisher]) await bus.close();
      const nc = await connect({ servers: url });
      await (await jetstreamManager(nc)).streams.delete(stream);
      await nc.close();
    }
  });
});

describe("MemoryEventBus retention", () => {
  it("drops events every durable has taken beyond the retention, and keeps untaken ones", async () => {
    const bus = new MemoryEventBus({ retain: 3 });
    const fast: string[] = [];
    await bus.consume(
      { durable: "fast", subject: "mercato.test.r.*", backoffMs: [10] },
      async (event) => void fast.push(event.id),
    );
    for (let i = 0; i < 10; i++) await bus.publish(textEvent("mercato.test.r.x", `e${i}`, `id-${i}`));
    await waitFor(() => fast.length === 10, { timeoutMs: 2_000, message: "not delivered" });
    await bus.publish(textEvent("mercato.test.r.x", "e10", "id-10"));
    const late: string[] = [];
    await bus.consume(
      { durable: "late", subject: "mercato.test.r.*", backoffMs: [10] },
      async (event) => void late.push(event.id),
    );
    await waitFor(() => late.length === 3, {
      timeoutMs: 2_000,
      message: "retained events not delivered to a late durable",
    });
    expect(late).toEqual(["id-8", "id-9", "id-10"]);
    await bus.close();
  });
});
