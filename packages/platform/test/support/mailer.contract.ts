import { afterEach, describe, expect, it } from "vitest";
import { InvalidArgument } from "../../src/errors/index.js";
import type { Mailer } from "../../src/messaging/mailer.js";
import type { ParsedMail } from "../../src/messaging/mime.js";

/** A message as it arrived where the adapter delivers it: parsed, plus the envelope recipients. */
export interface DeliveredMail extends ParsedMail {
  recipients: string[];
}

/** A mailer under test and a way to see what it delivered since it was created, oldest first. */
export interface MailerUnderTest {
  mailer: Mailer;
  delivered(): Promise<DeliveredMail[]>;
}

/** Creates a fresh mailer whose default sender is `from`. */
export type MailerFactory = (from: string) => Promise<MailerUnderTest>;

const defaultFrom = "no-reply@mercato.test";
const link = "https://x.test/verify?token=abc_DEF-123";

/** Registers the behaviours every `Mailer` adapter must have, run against the mailers `factory` creates. */
export function describeMailerContract(name: string, factory: MailerFactory): void {
  describe(name, () => {
    const opened: Mailer[] = [];

    async function open(): Promise<MailerUnderTest> {
      const underTest = await factory(defaultFrom);
      opened.push(underTest.mailer);
      return underTest;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((mailer) => mailer.close()));
    });

    it("delivers a message to its recipient with its subject and text, under the id send returned", async () => {
      const { mailer, delivered } = await open();

      const { id } = await mailer.send({
        to: "ada@x.test",
        subject: "Your order shipped",
        text: "It is on its way.",
      });

      const [mail, ...more] = await delivered();
      expect(more).toEqual([]);
      expect(mail?.recipients).toEqual(["ada@x.test"]);
      expect(mail?.to).toBe("ada@x.test");
      expect(mail?.subject).toBe("Your order shipped");
      expect(mail?.text).toBe("It is on its way.");
      expect(mail?.html).toBeUndefined();
      expect(id).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
      expect(mail?.messageId).toBe(id);
    });

    it("keeps a UTF-8 text with a verification link intact, long lines included", async () => {
      const { mailer, delivered } = await open();
      const longLink = `${link}&next=%2Forders%2F0197c0de-7a1b-7c2d-8e3f-4a5b6c7d8e9f%3Ftab%3Dtracking&utm_source=mail`;
      const text = [
        "Hallo Jürgen,",
        "",
        `bitte bestätige deine Adresse: ${link}`,
        `Oder öffne: ${longLink}`,
        "",
        "Grüße aus Köln — dein Mercato-Team ✓ 🛒",
      ].join("\n");

      await mailer.send({ to: "juergen@x.test", subject: "Bitte bestätigen", text });

      const [mail] = await delivered();
      expect(mail?.text).toBe(text);
      expect(mail?.text).toContain(link);
      expect(mail?.text).toContain(longLink);
      expect(mail?.text).toContain("Grüße");
    });

    it("keeps a UTF-8 subject intact even when it is longer than one header line", async () => {
      const { mailer, delivered } = await open();
      const subject =
        "Grüße von Mercato – bitte bestätige jetzt deine E-Mail-Adresse für dein Konto ✓ 🛒 (Schritt 1/2)";

      await mailer.send({ to: "juergen@x.test", subject, text: "x" });

      const [mail] = await delivered();
      expect(mail?.subject).toBe(subject);
    });

    it("sends the HTML as an alternative to the text", async () => {
      const { mailer, delivered } = await open();
      const html = `<p>Grüße! <a href="${link}">Bestätigen</a></p>`;

      await mailer.send({ to: "ada@x.test", subject: "Verify", text: `Grüße! ${link}`, html });

      const [mail] = await delivered();
      expect(mail?.text).toBe(`Grüße! ${link}`);
      expect(mail?.html).toBe(html);
    });

    it("carries the message's own headers, such as a one-click unsubscribe, and refuses a forged one", async () => {
      const { mailer, delivered } = await open();
      const unsubscribe = "<https://mercato.test/api/v1/notifications/unsubscribe?token=abc>";

      await mailer.send({
        to: "ada@x.test",
        subject: "News",
        text: "New products",
        headers: { "List-Unsubscribe": unsubscribe, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      const forged = await mailer
        .send({ to: "ada@x.test", subject: "News", text: "x", headers: { Bcc: "eve@x.test" } })
        .catch((error: unknown) => error);
      const injected = await mailer
        .send({ to: "ada@x.test", subject: "News", text: "x", headers: { "X-Note": "a\r\nBcc: eve@x.test" } })
        .catch((error: unknown) => error);

      const [mail, ...rest] = await delivered();
      expect(rest).toEqual([]);
      expect(mail?.headers.get("list-unsubscribe")).toBe(unsubscribe);
      expect(mail?.headers.get("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
      expect((forged as InvalidArgument).violations.map((v) => v.field)).toEqual(["headers.Bcc"]);
      expect((injected as InvalidArgument).violations.map((v) => v.field)).toEqual(["headers.X-Note"]);
    });

    it("sends from the default sender unless the message names its own", async () => {
      const { mailer, delivered } = await open();

      await mailer.send({ to: "ada@x.test", subject: "one", text: "x" });
      await mailer.send({
        to: "ada@x.test",
        subject: "two",
        text: "x",
        from: '"Mercato Büro" <office@mercato.test>',
      });

      const [first, second] = await delivered();
      expect(first?.from).toBe(defaultFrom);
      expect(second?.from).toBe("Mercato Büro <office@mercato.test>");
    });

    it("gives each message its own id and delivers every one, in the order sent", async () => {
      const { mailer, delivered } = await open();

      const ids: string[] = [];
      for (const index of [1, 2, 3]) {
        ids.push((await mailer.send({ to: `user${index}@x.test`, subject: `#${index}`, text: "x" })).id);
      }

      expect(new Set(ids).size).toBe(3);
      const mails = await delivered();
      expect(mails.map((mail) => [mail.messageId, mail.to, mail.subject])).toEqual([
        [ids[0], "user1@x.test", "#1"],
        [ids[1], "user2@x.test", "#2"],
        [ids[2], "user3@x.test", "#3"],
      ]);
    });

    it.each([
      ["not an address", "not-an-address"],
      ["a list", "a@x.test, b@x.test"],
      ["an address with a display name", "Ada <ada@x.test>"],
      ["an address followed by an injected header", "ada@x.test\r\nBcc: eve@x.test"],
      ["empty", ""],
    ])("rejects a recipient that is %s with InvalidArgument naming to, and sends nothing", async (_, to) => {
      const { mailer, delivered } = await open();

      const failure = await mailer.send({ to, subject: "s", text: "x" }).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["to"]);
      expect(await delivered()).toEqual([]);
    });

    it("rejects a subject with a line break, which could inject headers, and sends nothing", async () => {
      const { mailer, delivered } = await open();

      const failure = await mailer
        .send({ to: "ada@x.test", subject: "Hi\r\nBcc: eve@x.test", text: "x" })
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual([
        "subject",
      ]);
      expect(await delivered()).toEqual([]);
    });

    it("makes later sends reject once closed, and may be closed twice", async () => {
      const { mailer, delivered } = await open();

      await mailer.close();
      await mailer.close();

      await expect(mailer.send({ to: "ada@x.test", subject: "s", text: "x" })).rejects.toThrow(/closed/);
      expect(await delivered()).toEqual([]);
    });
  });
}
