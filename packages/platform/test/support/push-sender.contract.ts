import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgument } from "../../src/errors/index.js";
import type { PushMessage, PushPlatform, PushSender } from "../../src/messaging/push-sender.js";

/** A notification as it arrived where the adapter delivers it. */
export interface DeliveredPush {
  /** The device it went to, as `PushSenderUnderTest.device` names it. */
  device: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/** A push sender under test, tokens it can deliver to, and a way to see what it delivered since it was created. */
export interface PushSenderUnderTest {
  sender: PushSender;
  /** The platform the tokens are for. */
  platform: PushPlatform;
  /** A fresh token of a device that accepts notifications. */
  token(): Promise<string>;
  /** How `delivered` names the device of `token`. */
  device(token: string): string;
  /** What arrived since the sender was created, in any order. */
  delivered(): Promise<DeliveredPush[]>;
}

/** Creates a fresh push sender. */
export type PushSenderFactory = () => Promise<PushSenderUnderTest>;

/** Registers the behaviours every `PushSender` adapter must have, run against the senders `factory` creates. */
export function describePushSenderContract(name: string, factory: PushSenderFactory): void {
  describe(name, () => {
    const opened: PushSender[] = [];

    async function open(): Promise<PushSenderUnderTest> {
      const underTest = await factory();
      opened.push(underTest.sender);
      return underTest;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((sender) => sender.close()));
    });

    async function messagesTo(underTest: PushSenderUnderTest, count: number): Promise<PushMessage[]> {
      const messages: PushMessage[] = [];
      for (let index = 0; index < count; index++) {
        messages.push({
          token: await underTest.token(),
          platform: underTest.platform,
          title: `Order ${index} shipped`,
          body: `Parcel ${index} is on its way`,
          data: { orderId: `order-${index}` },
        });
      }
      return messages;
    }

    function byDevice(deliveries: DeliveredPush[]): DeliveredPush[] {
      return deliveries.toSorted((a, b) => a.device.localeCompare(b.device));
    }

    it("sends every message and answers one sent outcome per message, delivering title, body and data", async () => {
      const underTest = await open();
      const messages = await messagesTo(underTest, 3);

      const outcomes = await underTest.sender.send(messages);

      expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["sent", "sent", "sent"]);
      expect(byDevice(await underTest.delivered())).toEqual(
        byDevice(
          messages.map((message) => ({
            device: underTest.device(message.token),
            title: message.title,
            body: message.body,
            data: message.data ?? {},
          })),
        ),
      );
    });

    it("answers an empty batch with no outcomes and delivers nothing", async () => {
      const { sender, delivered } = await open();

      expect(await sender.send([])).toEqual([]);
      expect(await delivered()).toEqual([]);
    });

    it("keeps a UTF-8 title, body and data with emoji and quotes intact, and sends without data", async () => {
      const underTest = await open();
      const token = await underTest.token();
      const other = await underTest.token();
      const message: PushMessage = {
        token,
        platform: underTest.platform,
        title: 'Grüße 🛒 "Bestellung" <1>',
        body: "Zeile 1\nZeile 2 — ✓ & ß",
        data: { orderId: "ä/ö?x=1&y=2", note: "" },
      };

      await underTest.sender.send([
        message,
        { token: other, platform: underTest.platform, title: "t", body: "b" },
      ]);

      expect(byDevice(await underTest.delivered())).toEqual(
        byDevice([
          {
            device: underTest.device(token),
            title: message.title,
            body: message.body,
            data: message.data ?? {},
          },
          { device: underTest.device(other), title: "t", body: "b", data: {} },
        ]),
      );
    });

    it("accepts a title of exactly 200 and a body of exactly 2000 characters", async () => {
      const underTest = await open();
      const [message] = await messagesTo(underTest, 1);
      const long = { ...(message as PushMessage), title: "t".repeat(200), body: "b".repeat(2000) };

      expect(await underTest.sender.send([long])).toEqual([{ outcome: "sent" }]);
      expect((await underTest.delivered()).map((push) => [push.title.length, push.body.length])).toEqual([
        [200, 2000],
      ]);
    });

    it.each<[string, string, (message: PushMessage) => PushMessage]>([
      ["an empty token", "token", (message) => ({ ...message, token: "" })],
      ["a title over 200 characters", "title", (message) => ({ ...message, title: "t".repeat(201) })],
      ["a body over 2000 characters", "body", (message) => ({ ...message, body: "b".repeat(2001) })],
      [
        "a data value that is not a string",
        "data.count",
        (message) => ({ ...message, data: { count: 3 as unknown as string } }),
      ],
      ["an unknown platform", "platform", (message) => ({ ...message, platform: "windows" as PushPlatform })],
    ])(
      "refuses a batch with %s with InvalidArgument naming the message's field, and sends none of it",
      async (_, field, spoil) => {
        const underTest = await open();
        const [good, bad] = await messagesTo(underTest, 2);

        const failure = await underTest.sender
          .send([good as PushMessage, spoil(bad as PushMessage)])
          .catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(InvalidArgument);
        expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual([
          `messages[1].${field}`,
        ]);
        expect(await underTest.delivered()).toEqual([]);
      },
    );

    it("never puts the token into the error for a malformed message", async () => {
      const underTest = await open();
      const [message] = await messagesTo(underTest, 1);
      const spoilt = { ...(message as PushMessage), title: "t".repeat(201) };

      const failure = await underTest.sender.send([spoilt]).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect(JSON.stringify({ message: (failure as Error).message, ...(failure as object) })).not.toContain(
        spoilt.token,
      );
    });

    it("puts no token into the outcomes of sent messages", async () => {
      const underTest = await open();
      const messages = await messagesTo(underTest, 2);

      const outcomes = JSON.stringify(await underTest.sender.send(messages));

      for (const message of messages) expect(outcomes).not.toContain(message.token);
    });

    it("makes later sends reject once closed, and may be closed twice", async () => {
      const underTest = await open();
      const messages = await messagesTo(underTest, 1);

      await underTest.sender.close();
      await underTest.sender.close();

      await expect(underTest.sender.send(messages)).rejects.toThrow(/closed/);
      expect(await underTest.delivered()).toEqual([]);
    });
  });
}
