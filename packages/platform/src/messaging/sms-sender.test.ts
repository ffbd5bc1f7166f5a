import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@mercato/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { describeSmsSenderContract } from "../../test/support/sms-sender.contract.js";
import { startTwilioTestServer, type TwilioTestServer } from "../../test/support/twilio-test-server.js";
import { FailedPrecondition, InvalidArgument, ServiceUnavailable } from "../errors/index.js";
import { createSmsSender } from "./create-sms-sender.js";
import { latestSmsTo, OutboxSmsSender } from "./outbox-sms-sender.js";
import { TwilioSmsSender } from "./twilio-sms-sender.js";

const accountSid = "AC0123456789abcdef0123456789abcdef";
const authToken = "tok3n-0123456789abcdef-SECRET";
const twilioFrom = "+15005550006";
const tempDirs: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mercato-sms-"));
  tempDirs.push(dir);
  return dir;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

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

describeSmsSenderContract("OutboxSmsSender contract", async () => {
  const sender = new OutboxSmsSender({ dir: await tempDir() });
  return {
    sender,
    delivered: async () => (await sender.list()).map(({ id, to, body }) => ({ id, to, body })),
  };
});

describe("TwilioSmsSender against a local Twilio-like server", () => {
  let server: TwilioTestServer;

  beforeAll(async () => {
    server = await startTwilioTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  describeSmsSenderContract("contract", async () => {
    const sender = new TwilioSmsSender({ accountSid, authToken, from: twilioFrom, baseUrl: server.baseUrl });
    const start = server.requests.length;
    const startSids = server.sids.length;
    return {
      sender,
      delivered: async () =>
        server.requests.slice(start).map((request, index) => ({
          id: server.sids[startSids + index] ?? "(no sid)",
          to: request.form.To ?? "",
          body: request.form.Body ?? "",
        })),
    };
  });
});

describe("OutboxSmsSender", () => {
  let dir: string;
  let sender: OutboxSmsSender;

  beforeEach(async () => {
    dir = await tempDir();
    sender = new OutboxSmsSender({ dir });
  });

  afterEach(async () => {
    await sender.close();
  });

  it("writes each message as <dir>/sms/<time>-<id>.json holding id, to, body and createdAt", async () => {
    const before = Date.now();
    const { id } = await sender.send({ to: "+4915112345678", body: "Code 123456" });

    const names = await readdir(join(dir, "sms"));
    expect(names).toEqual([
      expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z-${id}\\.json$`)),
    ]);
    const file = JSON.parse(await readFile(join(dir, "sms", names[0] ?? ""), "utf8"));
    expect(file).toEqual({ id, to: "+4915112345678", body: "Code 123456", createdAt: expect.any(String) });
    expect(Date.parse(file.createdAt)).toBeGreaterThanOrEqual(before);
  });

  it("lists messages oldest first, skipping unfinished or foreign files", async () => {
    const bodies = Array.from({ length: 8 }, (_, index) => `message ${index}`);
    for (const body of bodies) await sender.send({ to: "+4915112345678", body });
    await writeFile(join(dir, "sms", ".2099-01-01T00-00-00.000Z-partial.json.tmp"), "{");
    await writeFile(join(dir, "sms", "notes.txt"), "not sms");

    const listed = await sender.list();

    expect(listed.map((sms) => sms.body)).toEqual(bodies);
    expect(listed.every((sms) => sms.createdAt instanceof Date && sms.path.endsWith(".json"))).toBe(true);
  });

  it("prints one line naming the recipient and the body", async () => {
    const lines: string[] = [];
    const printing = new OutboxSmsSender({ dir, print: (line) => lines.push(line) });

    await printing.send({ to: "+4915112345678", body: "Your code is 123456" });

    expect(lines).toEqual(["sms to +4915112345678: Your code is 123456"]);
  });

  it("finds the newest message for a number with latestSmsTo, and undefined for others", async () => {
    await sender.send({ to: "+4915100000001", body: "first" });
    await sender.send({ to: "+4915100000002", body: "other" });
    await sender.send({ to: "+4915100000001", body: "second" });

    expect((await latestSmsTo(dir, "+4915100000001"))?.body).toBe("second");
    expect(await latestSmsTo(dir, "+4915100000009")).toBeUndefined();
    expect(await latestSmsTo(join(dir, "missing"), "+4915100000001")).toBeUndefined();
  });
});

describe("TwilioSmsSender", () => {
  let server: TwilioTestServer;
  const senders: TwilioSmsSender[] = [];

  function twilio(options: { from?: string; timeoutMs?: number; baseUrl?: string } = {}): TwilioSmsSender {
    const sender = new TwilioSmsSender({
      accountSid,
      authToken,
      from: twilioFrom,
      baseUrl: server.baseUrl,
      ...options,
    });
    senders.push(sender);
    return sender;
  }

  beforeEach(async () => {
    server = await startTwilioTestServer();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.close()));
    await server.close();
  });

  it("posts To, From and Body as a form to the account's Messages.json with Basic auth, and returns the sid", async () => {
    const { id } = await twilio().send({ to: "+4915112345678", body: "Code 123456" });

    expect(server.requests).toEqual([
      {
        method: "POST",
        path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
        contentType: "application/x-www-form-urlencoded",
        form: { To: "+4915112345678", From: twilioFrom, Body: "Code 123456" },
      },
    ]);
    expect(id).toMatch(/^SM[0-9a-f]{32}$/);
    expect(server.sids).toEqual([id]);
  });

  it("sends MessagingServiceSid instead of From when from is a Messaging Service SID", async () => {
    const service = "MG0123456789abcdef0123456789abcdef";

    await twilio({ from: service }).send({ to: "+4915112345678", body: "hi" });

    expect(server.requests[0]?.form).toEqual({
      To: "+4915112345678",
      MessagingServiceSid: service,
      Body: "hi",
    });
  });

  it("maps 400 with Twilio error 21211 (invalid To) to InvalidArgument naming to", async () => {
    server.reply = (request) => ({
      status: 400,
      body: {
        code: 21211,
        message: `The 'To' number ${request.form.To} is not a valid phone number.`,
        status: 400,
      },
    });

    const failure = await failureOf(twilio().send({ to: "+4915112345678", body: "hi" }));

    expect(failure).toBeInstanceOf(InvalidArgument);
    expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["to"]);
    expect(failure.message).toContain("+4915112345678");
    expect(failure.message).toContain("21211");
  });

  it("maps 400 with Twilio error 21617 (body too long) to InvalidArgument naming body", async () => {
    server.reply = () => ({
      status: 400,
      body: {
        code: 21617,
        message: "The concatenated message body exceeds the 1600 character limit.",
        status: 400,
      },
    });

    const failure = await failureOf(twilio().send({ to: "+4915112345678", body: "hi" }));

    expect(failure).toBeInstanceOf(InvalidArgument);
    expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual(["body"]);
  });

  it.each([401, 403])(
    "maps %i to FailedPrecondition saying the credentials were rejected",
    async (status) => {
      server.reply = () => ({ status, body: { code: 20003, message: "Authenticate", status } });

      const failure = await failureOf(twilio().send({ to: "+4915112345678", body: "hi" }));

      expect(failure).toBeInstanceOf(FailedPrecondition);
      expect(failure.message).toMatch(/^SMS provider rejected the credentials/);
    },
  );

  it.each([429, 500, 503])("maps %i to ServiceUnavailable", async (status) => {
    server.reply = () => ({ status, body: { code: 20500, message: "Internal Server Error", status } });

    const failure = await failureOf(twilio().send({ to: "+4915112345678", body: "hi" }));

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toContain(String(status));
  });

  it("maps a server that never answers to ServiceUnavailable once timeoutMs has passed", async () => {
    server.reply = () => "hang";

    const failure = await failureOf(twilio({ timeoutMs: 200 }).send({ to: "+4915112345678", body: "hi" }));

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toMatch(/did not answer within 200 ms/);
    expect(server.requests).toHaveLength(1);
  });

  it("maps a server that cannot be reached to ServiceUnavailable", async () => {
    const port = await freePort();

    const failure = await failureOf(
      twilio({ baseUrl: `http://127.0.0.1:${port}` }).send({ to: "+4915112345678", body: "hi" }),
    );

    expect(failure).toBeInstanceOf(ServiceUnavailable);
    expect(failure.message).toContain(`127.0.0.1:${port}`);
  });

  it("rejects a 201 answer without a sid as ServiceUnavailable", async () => {
    server.reply = () => ({ status: 201, body: { status: "queued" } });

    await expect(twilio().send({ to: "+4915112345678", body: "hi" })).rejects.toBeInstanceOf(
      ServiceUnavailable,
    );
  });

  it.each([400, 401, 404, 429, 500])(
    "never puts the auth token or the message body into the error for %i, even when the provider echoes them",
    async (status) => {
      const body = "Your secret code is 987654";
      server.reply = () => ({
        status,
        body: {
          code: 21211,
          message: `echo ${authToken} ${body} ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`,
          status,
        },
      });

      const failure = await failureOf(twilio().send({ to: "+4915112345678", body }));

      expect(failure.message).toContain("echo");
      expect(failure.message).not.toContain(authToken);
      expect(failure.message).not.toContain("987654");
      expect(failure.message).not.toContain(Buffer.from(`${accountSid}:${authToken}`).toString("base64"));
    },
  );

  it("rejects a call still in flight when closed", async () => {
    server.reply = () => "hang";
    const sender = twilio({ timeoutMs: 30_000 });

    const sending = failureOf(sender.send({ to: "+4915112345678", body: "hi" }));
    await expect.poll(() => server.requests.length).toBe(1);
    await sender.close();

    expect((await sending).message).toMatch(/closed/);
  });
});

describe("createSmsSender", () => {
  it("creates a TwilioSmsSender when given Twilio options and an OutboxSmsSender otherwise", async () => {
    const outboxDir = await tempDir();
    const senders = [
      createSmsSender({ twilio: { accountSid, authToken, from: twilioFrom }, outboxDir }),
      createSmsSender({ outboxDir }),
    ];

    expect(senders.map((sender) => sender.constructor)).toEqual([TwilioSmsSender, OutboxSmsSender]);
    await Promise.all(senders.map((sender) => sender.close()));
  });

  it("writes the outbox under outboxDir and prints through print", async () => {
    const outboxDir = await tempDir();
    const lines: string[] = [];
    const sender = createSmsSender({ outboxDir, print: (line) => lines.push(line) });

    await sender.send({ to: "+4915112345678", body: "hi" });

    expect((await latestSmsTo(outboxDir, "+4915112345678"))?.body).toBe("hi");
    expect(lines).toEqual(["sms to +4915112345678: hi"]);
  });
});
