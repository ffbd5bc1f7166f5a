import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@mercato/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DeliveredMail, describeMailerContract } from "../../test/support/mailer.contract.js";
import { type SmtpTestServer, startSmtpTestServer } from "../../test/support/smtp-test-server.js";
import { FailedPrecondition, InvalidArgument, ServiceUnavailable } from "../errors/index.js";
import { createMailer } from "./create-mailer.js";
import { parseMail } from "./mime.js";
import { latestMailTo, OutboxMailer, type StoredMail } from "./outbox-mailer.js";
import { SmtpMailer } from "./smtp-mailer.js";

const from = "no-reply@mercato.test";
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mercato-mail-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

function fromStored(mail: StoredMail): DeliveredMail {
  return {
    headers: new Map(mail.headers),
    messageId: mail.id,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    date: mail.date,
    text: mail.text,
    html: mail.html,
    recipients: [mail.to],
  };
}

/** What `send` rejected with; fails the test when it resolved. */
async function failureOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error))
    throw new Error(`expected a rejection with an Error, got ${String(outcome)}`);
  return outcome;
}

describeMailerContract("OutboxMailer contract", async (defaultFrom) => {
  const mailer = new OutboxMailer({ dir: await tempDir(), from: defaultFrom });
  return { mailer, delivered: async () => (await mailer.list()).map(fromStored) };
});

describe("SmtpMailer against a real SMTP server", () => {
  let server: SmtpTestServer;

  beforeAll(async () => {
    server = await startSmtpTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  describeMailerContract("contract", async (defaultFrom) => {
    const mailer = new SmtpMailer({ url: server.url(), from: defaultFrom });
    const start = server.received.length;
    return {
      mailer,
      delivered: async () =>
        server.received
          .slice(start)
          .map((message) => ({ ...parseMail(message.raw), recipients: message.rcptTo })),
    };
  });
});

describe("OutboxMailer", () => {
  let dir: string;
  let mailer: OutboxMailer;

  beforeEach(async () => {
    dir = await tempDir();
    mailer = new OutboxMailer({ dir, from: '"Mercato" <no-reply@mercato.test>' });
  });

  afterEach(async () => {
    await mailer.close();
  });

  it("writes each message as an RFC 5322 .eml file in <dir>/mail with To, From, Subject, Date and Message-ID", async () => {
    const { id } = await mailer.send({ to: "ada@x.test", subject: "Grüße", text: "Hallo" });

    const names = (await readdir(join(dir, "mail"))).filter((name) => name.endsWith(".eml"));
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f-]{36}\.eml$/);
    const raw = await readFile(join(dir, "mail", names[0] ?? ""), "latin1");
    const head = raw.slice(0, raw.indexOf("\r\n\r\n"));
    expect(head).toMatch(/^To: ada@x\.test$/m);
    expect(head).toMatch(/^From: Mercato <no-reply@mercato\.test>$/m);
    expect(head).toMatch(/^Subject: =\?UTF-8\?[QB]\?.+\?=$/m);
    expect(head).toMatch(/^Date: \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/m);
    expect(head).toContain(`\r\nMessage-ID: ${id}\r\n`);
    expect(head).toMatch(/^MIME-Version: 1\.0$/m);
    expect(head).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    // RFC 5322: every line ends in CRLF, none in a bare LF.
    expect(raw).not.toMatch(/(?<!\r)\n/);
  });

  it("names its files so that they sort by time, and list() returns the messages oldest first", async () => {
    const subjects = Array.from({ length: 8 }, (_, index) => `message ${index}`);
    const ids: string[] = [];
    for (const subject of subjects)
      ids.push((await mailer.send({ to: "ada@x.test", subject, text: "x" })).id);

    const listed = await mailer.list();

    expect(listed.map((mail) => mail.subject)).toEqual(subjects);
    expect(listed.map((mail) => mail.id)).toEqual(ids);
    const names = (await readdir(join(dir, "mail"))).filter((name) => name.endsWith(".eml"));
    expect(listed.map((mail) => mail.path)).toEqual([...names].sort().map((name) => join(dir, "mail", name)));
    for (const mail of listed) expect(mail.date.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it("leaves no temporary file behind, and list() skips unfinished or foreign files", async () => {
    await mailer.send({ to: "ada@x.test", subject: "done", text: "x" });
    const finished = await readdir(join(dir, "mail"));
    await writeFile(join(dir, "mail", ".2099-01-01T00-00-00.000Z-partial.eml.tmp"), "To: half");
    await writeFile(join(dir, "mail", "notes.txt"), "not mail");

    expect(finished.sort().map((name) => name.replace(/\.(eml|txt)$/, ".*"))).toEqual([
      finished[0]?.replace(/\.eml$/, ".*"),
      finished[0]?.replace(/\.eml$/, ".*"),
    ]);
    expect(finished.some((name) => name.startsWith("."))).toBe(false);
    expect((await mailer.list()).map((mail) => mail.subject)).toEqual(["done"]);
  });

  it("prints one line naming the recipient, the subject and the file", async () => {
    const lines: string[] = [];
    const printing = new OutboxMailer({ dir, from, print: (line) => lines.push(line) });

    await printing.send({ to: "ada@x.test", subject: "Welcome", text: "x" });
    await printing.close();

    const [mail] = await printing.list();
    expect(lines).toEqual([`mail to ada@x.test: Welcome → ${mail?.path}`]);
  });

  it("keeps a plain-text copy beside each .eml and prints each link of the text, so a long link can be copied whole", async () => {
    const lines: string[] = [];
    const printing = new OutboxMailer({ dir, from, print: (line) => lines.push(line) });
    const link = `http://127.0.0.1:8080/api/v1/auth/email/verify?token=${"Ab3-_x".repeat(16)}`;

    await printing.send({
      to: "ada@x.test",
      subject: "Verify your e-mail address",
      text: `Grüße! Open this link:\n${link}\n\nThanks.`,
    });
    await printing.close();

    const [mail] = await printing.list();
    const copy = await readFile(mail?.path.replace(/\.eml$/, ".txt") ?? "", "utf8");
    expect(copy.split("\n")).toContain(link);
    expect(copy).toMatch(
      /^From: no-reply@mercato\.test\nTo: ada@x\.test\nSubject: Verify your e-mail address\nDate: /,
    );
    expect(copy).toContain("Grüße! Open this link:");
    expect(lines).toEqual([`mail to ada@x.test: Verify your e-mail address → ${mail?.path}; link: ${link}`]);
  });

  it("finds the newest message for an address with latestMailTo, ignoring case, and undefined for others", async () => {
    await mailer.send({ to: "ada@x.test", subject: "first", text: "x" });
    await mailer.send({ to: "bob@x.test", subject: "for bob", text: "x" });
    await mailer.send({ to: "ada@x.test", subject: "second", text: "x" });

    expect((await latestMailTo(dir, "Ada@X.test"))?.subject).toBe("second");
    expect((await latestMailTo(dir, "bob@x.test"))?.subject).toBe("for bob");
    expect(await latestMailTo(dir, "eve@x.test")).toBeUndefined();
  });

  it("lists nothing for an outbox that was never written to", async () => {
    expect(await new OutboxMailer({ dir: join(dir, "missing"), from }).list()).toEqual([]);
    expect(await latestMailTo(join(dir, "missing"), "ada@x.test")).toBeUndefined();
  });
});

describe("SmtpMailer", () => {
  let server: SmtpTestServer | undefined;
  const mailers: SmtpMailer[] = [];

  function smtpMailer(
    url: string,
    options: { timeoutMs?: number; tls?: { rejectUnauthorized: boolean } } = {},
  ) {
    const mailer = new SmtpMailer({ url, from, ...options });
    mailers.push(mailer);
    return mailer;
  }

  afterEach(async () => {
    await Promise.all(mailers.splice(0).map((mailer) => mailer.close()));
    await server?.close();
    server = undefined;
  });

  it("logs in with the URL-decoded user and password and sends the envelope from the default sender", async () => {
    server = await startSmtpTestServer({ user: "mailer@mercato.test" });
    const mailer = smtpMailer(server.url());

    await mailer.send({ to: "ada@x.test", subject: "s", text: "x" });

    expect(server.received.map(({ user, mailFrom, rcptTo }) => ({ user, mailFrom, rcptTo }))).toEqual([
      { user: "mailer@mercato.test", mailFrom: from, rcptTo: ["ada@x.test"] },
    ]);
  });

  it("reports a server that is down as ServiceUnavailable naming host and port but not the password", async () => {
    const port = await freePort();
    const mailer = smtpMailer(`smtp://mailer:hunter2-secret@127.0.0.1:${port}`, { timeoutMs: 2000 });

    const failure = await failureOf(mailer.send({ to: "ada@x.test", subject: "s", text: "x" }));

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toContain(`127.0.0.1:${port}`);
    expect(failure.message).not.toContain("hunter2");
  });

  describe("against a server that accepts connections but never greets", () => {
    let silent: Server;
    const sockets = new Set<Socket>();

    beforeEach(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    });

    afterEach(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it("gives up after timeoutMs with ServiceUnavailable", async () => {
      const { port } = silent.address() as { port: number };
      const mailer = smtpMailer(`smtp://mailer:hunter2@127.0.0.1:${port}`, { timeoutMs: 300 });

      const failure = await failureOf(mailer.send({ to: "ada@x.test", subject: "s", text: "x" }));

      expect(failure).toBeInstanceOf(ServiceUnavailable);
      expect(failure.message).toContain(`127.0.0.1:${port}`);
      expect(failure.message).toMatch(/ETIMEDOUT/);
    });
  });

  it("reports a wrong password as FailedPrecondition naming the user, without the password, and sends nothing", async () => {
    server = await startSmtpTestServer();
    const mailer = smtpMailer(server.url("wrong-Passw0rd"));

    const failure = await failureOf(mailer.send({ to: "ada@x.test", subject: "s", text: "x" }));

    expect(failure).toBeInstanceOf(FailedPrecondition);
    expect(failure.message).toMatch(/rejected the credentials of user "mailer"/);
    expect(failure.message).not.toContain("wrong-Passw0rd");
    expect(failure.message).not.toContain(server.password);
    expect(server.received).toEqual([]);
  });

  it("reports a recipient the server rejects for good (550) as InvalidArgument naming to", async () => {
    server = await startSmtpTestServer({
      refuseRecipient: (address) =>
        address === "gone@x.test"
          ? Object.assign(new Error("No such user"), { responseCode: 550 })
          : undefined,
    });
    const mailer = smtpMailer(server.url());

    const failure = await failureOf(mailer.send({ to: "gone@x.test", subject: "s", text: "x" }));

    expect(failure).toBeInstanceOf(InvalidArgument);
    expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["to"]);
    expect(failure.message).toContain("gone@x.test");
    expect(server.received).toEqual([]);
  });

  it("reports a recipient the server refuses for now (450) as ServiceUnavailable", async () => {
    server = await startSmtpTestServer({
      refuseRecipient: () => Object.assign(new Error("Mailbox busy, try later"), { responseCode: 450 }),
    });
    const mailer = smtpMailer(server.url());

    const failure = await failureOf(mailer.send({ to: "ada@x.test", subject: "s", text: "x" }));

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toContain("450");
  });

  it("speaks TLS from the first byte for an smtps:// URL", async () => {
    server = await startSmtpTestServer({ secure: true });
    // smtp-server's built-in certificate is self-signed.
    const mailer = smtpMailer(server.url(), { tls: { rejectUnauthorized: false } });

    await mailer.send({ to: "ada@x.test", subject: "over TLS", text: "x" });

    expect(server.received.map((message) => message.secure)).toEqual([true]);
  });

  it("refuses an smtps server whose certificate it cannot verify, with ServiceUnavailable", async () => {
    server = await startSmtpTestServer({ secure: true });
    const mailer = smtpMailer(server.url(), { timeoutMs: 2000 });

    const failure = await failureOf(mailer.send({ to: "ada@x.test", subject: "s", text: "x" }));

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toMatch(/certificate/i);
    expect(server.received).toEqual([]);
  });

  it.each([
    ["not a URL", "mailer:hunter2@nowhere"],
    ["not smtp", "https://mailer:hunter2@mail.x.test"],
  ])("refuses an SMTP URL that is %s, without repeating the password", (_, url) => {
    expect(() => new SmtpMailer({ url, from })).toThrow(/smtp:\/\//);
    expect(() => new SmtpMailer({ url, from })).not.toThrow(/hunter2/);
  });
});

describe("createMailer", () => {
  it("creates an SmtpMailer when given an SMTP URL and an OutboxMailer when the URL is missing or empty", async () => {
    const outboxDir = await tempDir();
    const mailers = [
      createMailer({ smtpUrl: "smtp://u:p@127.0.0.1:2525", outboxDir, from }),
      createMailer({ outboxDir, from }),
      createMailer({ smtpUrl: "", outboxDir, from }),
    ];

    expect(mailers.map((mailer) => mailer.constructor)).toEqual([SmtpMailer, OutboxMailer, OutboxMailer]);
    await Promise.all(mailers.map((mailer) => mailer.close()));
  });

  it("writes the outbox under outboxDir and prints through print", async () => {
    const outboxDir = await tempDir();
    const lines: string[] = [];
    const mailer = createMailer({ outboxDir, from, print: (line) => lines.push(line) });

    await mailer.send({ to: "ada@x.test", subject: "hi", text: "x" });
    await mailer.close();

    expect((await latestMailTo(outboxDir, "ada@x.test"))?.subject).toBe("hi");
    expect(lines).toHaveLength(1);
  });
});
