import { randomBytes } from "node:crypto";
import { waitFor } from "@mercato/testing";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventEnvelope } from "./envelope.js";
import type { EventBus, Subscription } from "./event-bus.js";

/** A bus for one suite plus the subject prefix it may publish under. */
export interface EventBusFixture {
  bus: EventBus;
  /** A subject prefix private to this suite, so runs on a shared server do not see each other. */
  prefix: string;
  close(): Promise<void>;
}

/** A new envelope under `subject` with a UTF-8 text payload. */
export function textEvent(subject: string, text: string, id = uuidv7()): EventEnvelope {
  return {
    id,
    subject,
    type: "test.Text",
    occurredAt: new Date(),
    correlationId: `corr-${id}`,
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    payload: new TextEncoder().encode(text),
  };
}

const text = (event: EventEnvelope) => new TextDecoder().decode(event.payload);

/** The bus's ephemeral subscription, which every adapter under the contract has. */
function ephemeral(bus: EventBus): NonNullable<EventBus["subscribeEphemeral"]> {
  if (!bus.subscribeEphemeral) throw new Error("the adapter has no ephemeral subscriptions");
  return bus.subscribeEphemeral.bind(bus);
}

/** The behaviours every EventBus adapter must have. */
export function describeEventBusContract(label: string, makeFixture: () => Promise<EventBusFixture>): void {
  describe(label, () => {
    let fixture: EventBusFixture;
    const subscriptions: Subscription[] = [];
    const unique = () => randomBytes(4).toString("hex");

    beforeAll(async () => {
      fixture = await makeFixture();
    });
    afterAll(async () => {
      for (const subscription of subscriptions) await subscription.stop();
      await fixture.close();
    });

    it("delivers a published event with its metadata to a durable consumer", async () => {
      const subject = `${fixture.prefix}.order.placed`;
      const received: EventEnvelope[] = [];
      subscriptions.push(
        await fixture.bus.consume({ durable: `d-${unique()}`, subject, backoffMs: [50] }, async (event) => {
          received.push(event);
        }),
      );
      const sent = textEvent(subject, "hello");
      await fixture.bus.publish(sent);
      await waitFor(() => received.length === 1, { timeoutMs: 10_000, message: "event not delivered" });
      const [got] = received;
      expect(got?.id).toBe(sent.id);
      expect(got?.subject).toBe(subject);
      expect(got?.type).toBe("test.Text");
      expect(got?.correlationId).toBe(sent.correlationId);
      expect(got?.traceparent).toBe(sent.traceparent);
      expect(got?.occurredAt.toISOString()).toBe(sent.occurredAt.toISOString());
      expect(got && text(got)).toBe("hello");
    });

    it("stores an event published twice with the same id once", async () => {
      const subject = `${fixture.prefix}.dup.${unique()}`;
      const received: string[] = [];
      subscriptions.push(
        await fixture.bus.consume({ durable: `d-${unique()}`, subject, backoffMs: [50] }, async (event) => {
          received.push(event.id);
        }),
      );
      const event = textEvent(subject, "once");
      await fixture.bus.publish(event);
      await fixture.bus.publish(event);
      await fixture.bus.publish(textEvent(subject, "marker"));
      await waitFor(() => received.length >= 2, { timeoutMs: 10_000, message: "events not delivered" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received.filter((id) => id === event.id)).toHaveLength(1);
      expect(received).toHaveLength(2);
    });

    it("redelivers a failed delivery with a higher attempt number", async () => {
      const subject = `${fixture.prefix}.retry.${unique()}`;
      const attempts: number[] = [];
      subscriptions.push(
        await fixture.bus.consume(
          { durable: `d-${unique()}`, subject, backoffMs: [100, 100] },
          async (_event, attempt) => {
            attempts.push(attempt);
            if (attempt < 3) throw new Error("not yet");
          },
        ),
      );
      await fixture.bus.publish(textEvent(subject, "retry me"));
      await waitFor(() => attempts.length === 3, { timeoutMs: 15_000, message: "not redelivered" });
      expect(attempts).toEqual([1, 2, 3]);
    });

    it("keeps a durable's position while no subscriber runs", async () => {
      const subject = `${fixture.prefix}.durable.${unique()}`;
      const durable = `d-${unique()}`;
      const received: string[] = [];
      const handler = async (event: EventEnvelope) => {
        received.push(text(event));
      };
      const first = await fixture.bus.consume({ durable, subject, backoffMs: [50] }, handler);
      await fixture.bus.publish(textEvent(subject, "one"));
      await waitFor(() => received.length === 1, { timeoutMs: 10_000, message: "first not delivered" });
      await first.stop();
      await fixture.bus.publish(textEvent(subject, "two"));
      await fixture.bus.publish(textEvent(subject, "three"));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual(["one"]);
      subscriptions.push(await fixture.bus.consume({ durable, subject, backoffMs: [50] }, handler));
      await waitFor(() => received.length === 3, { timeoutMs: 10_000, message: "backlog not delivered" });
      expect(received).toEqual(["one", "two", "three"]);
    });

    it("starts a durable that does not exist yet at its startAt, and an existing one where it stopped", async () => {
      const subject = `${fixture.prefix}.start.${unique()}`;
      const durable = `d-${unique()}`;
      const received: string[] = [];
      const handler = async (event: EventEnvelope) => {
        received.push(text(event));
      };
      await fixture.bus.publish(textEvent(subject, "before"));
      // JetStream stores times in nanoseconds and a Date has milliseconds: let the clock move on.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const first = await fixture.bus.consume(
        { durable, subject, backoffMs: [50], startAt: new Date() },
        handler,
      );
      await fixture.bus.publish(textEvent(subject, "after"));
      await waitFor(() => received.length === 1, { timeoutMs: 10_000, message: "event not delivered" });
      await first.stop();
      await fixture.bus.publish(textEvent(subject, "while stopped"));
      await new Promise((resolve) => setTimeout(resolve, 20));
      subscriptions.push(
        await fixture.bus.consume({ durable, subject, backoffMs: [50], startAt: new Date() }, handler),
      );
      await waitFor(() => received.length === 2, { timeoutMs: 10_000, message: "backlog not delivered" });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual(["after", "while stopped"]);
    });

    it("delivers only subjects matching the filter, wildcards included", async () => {
      const base = `${fixture.prefix}.filter${unique()}`;
      const received: string[] = [];
      subscriptions.push(
        await fixture.bus.consume(
          { durable: `d-${unique()}`, subject: `${base}.*.created`, backoffMs: [50] },
          async (event) => {
            received.push(event.subject);
          },
        ),
      );
      await fixture.bus.publish(textEvent(`${base}.product.created`, "a"));
      await fixture.bus.publish(textEvent(`${base}.product.deleted`, "b"));
      await fixture.bus.publish(textEvent(`${base}.variant.created`, "c"));
      await waitFor(() => received.length === 2, {
        timeoutMs: 10_000,
        message: "filtered events not delivered",
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([`${base}.product.created`, `${base}.variant.created`]);
    });

    it("hands events published after an ephemeral subscription to every ephemeral subscriber, none before it or after stop", async () => {
      const base = `${fixture.prefix}.live${unique()}`;
      await fixture.bus.publish(textEvent(`${base}.order.shipped`, "before"));
      const first: string[] = [];
      const second: string[] = [];
      const one = await ephemeral(fixture.bus)(`${base}.order.*`, (event) => {
        first.push(`${event.subject}:${text(event)}`);
      });
      const two = await ephemeral(fixture.bus)(`${base}.>`, async (event) => {
        second.push(text(event));
        if (text(event) === "fails") throw new Error("a failing handler loses only its event");
      });
      subscriptions.push(one, two);
      const sent = textEvent(`${base}.order.accepted`, "accepted");
      await fixture.bus.publish(sent);
      await fixture.bus.publish(textEvent(`${base}.cart.updated`, "fails"));
      await fixture.bus.publish(textEvent(`${base}.order.shipped`, "shipped"));
      await waitFor(() => first.length === 2 && second.length === 3, {
        timeoutMs: 10_000,
        message: `ephemeral events not delivered: ${JSON.stringify({ first, second })}`,
      });
      expect(first).toEqual([`${base}.order.accepted:accepted`, `${base}.order.shipped:shipped`]);
      expect(second).toEqual(["accepted", "fails", "shipped"]);
      await one.stop();
      await fixture.bus.publish(textEvent(`${base}.order.delivered`, "delivered"));
      await waitFor(() => second.length === 4, { timeoutMs: 10_000, message: "second stopped too" });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(first).toHaveLength(2);
    });

    it("gives an ephemeral subscriber the event's metadata", async () => {
      const subject = `${fixture.prefix}.meta${unique()}.order.placed`;
      const received: EventEnvelope[] = [];
      subscriptions.push(
        await ephemeral(fixture.bus)(subject, (event) => {
          received.push(event);
        }),
      );
      const sent = textEvent(subject, "hello");
      await fixture.bus.publish(sent);
      await waitFor(() => received.length === 1, { timeoutMs: 10_000, message: "event not delivered" });
      expect(received[0]).toMatchObject({
        id: sent.id,
        subject,
        type: "test.Text",
        correlationId: sent.correlationId,
        traceparent: sent.traceparent,
      });
      expect(received[0] && text(received[0])).toBe("hello");
    });

    it("answers ping while connected", async () => {
      await expect(fixture.bus.ping()).resolves.toBeUndefined();
    });
  });
}
