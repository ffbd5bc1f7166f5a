import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgument } from "../../src/errors/index.js";
import type { SmsSender } from "../../src/messaging/sms-sender.js";

/** A text message as it arrived where the adapter delivers it. */
export interface DeliveredSms {
  id: string;
  to: string;
  body: string;
}

/** An SMS sender under test and a way to see what it delivered since it was created, oldest first. */
export interface SmsSenderUnderTest {
  sender: SmsSender;
  delivered(): Promise<DeliveredSms[]>;
}

/** Creates a fresh SMS sender. */
export type SmsSenderFactory = () => Promise<SmsSenderUnderTest>;

/** Registers the behaviours every `SmsSender` adapter must have, run against the senders `factory` creates. */
export function describeSmsSenderContract(name: string, factory: SmsSenderFactory): void {
  describe(name, () => {
    const opened: SmsSender[] = [];

    async function open(): Promise<SmsSenderUnderTest> {
      const underTest = await factory();
      opened.push(underTest.sender);
      return underTest;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((sender) => sender.close()));
    });

    it("delivers the body to the recipient under the id send returned", async () => {
      const { sender, delivered } = await open();

      const { id } = await sender.send({ to: "+4915112345678", body: "Your code is 123456" });

      expect(id).not.toBe("");
      expect(await delivered()).toEqual([{ id, to: "+4915112345678", body: "Your code is 123456" }]);
    });

    it("keeps a UTF-8 body with a link, form-special characters and emoji intact", async () => {
      const { sender, delivered } = await open();
      const body =
        "Grüße! Code 123456 — bestätige: https://x.test/verify?token=abc_DEF-123&a=b+c%20d 🛒\nDanke";

      await sender.send({ to: "+4915112345678", body });

      const [sms] = await delivered();
      expect(sms?.body).toBe(body);
    });

    it("accepts a body of exactly 1600 characters", async () => {
      const { sender, delivered } = await open();
      const body = "x".repeat(1600);

      await sender.send({ to: "+4915112345678", body });

      expect((await delivered())[0]?.body).toBe(body);
    });

    it("gives each message its own id and delivers every one, in the order sent", async () => {
      const { sender, delivered } = await open();

      const sent: string[] = [];
      for (const to of ["+4915100000001", "+4915100000002", "+4915100000003"]) {
        sent.push((await sender.send({ to, body: `to ${to}` })).id);
      }

      expect(new Set(sent).size).toBe(3);
      expect((await delivered()).map((sms) => [sms.id, sms.to])).toEqual([
        [sent[0], "+4915100000001"],
        [sent[1], "+4915100000002"],
        [sent[2], "+4915100000003"],
      ]);
    });

    it.each([
      ["a national number", "015112345678"],
      ["a number with spaces", "+49 151 12345678"],
      ["a number with a leading zero after +", "+04915112345678"],
      ["longer than 15 digits", "+4915112345678901"],
      ["empty", ""],
    ])("rejects a recipient that is %s with InvalidArgument naming to, and sends nothing", async (_, to) => {
      const { sender, delivered } = await open();

      const failure = await sender.send({ to, body: "hi" }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["to"]);
      expect(await delivered()).toEqual([]);
    });

    it.each([
      ["empty", ""],
      ["over 1600 characters", "x".repeat(1601)],
    ])("rejects a body that is %s with InvalidArgument naming body, and sends nothing", async (_, body) => {
      const { sender, delivered } = await open();

      const failure = await sender.send({ to: "+4915112345678", body }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["body"]);
      expect(await delivered()).toEqual([]);
    });

    it("makes later sends reject once closed, and may be closed twice", async () => {
      const { sender, delivered } = await open();

      await sender.close();
      await sender.close();

      await expect(sender.send({ to: "+4915112345678", body: "hi" })).rejects.toThrow(/closed/);
      expect(await delivered()).toEqual([]);
    });
  });
}
