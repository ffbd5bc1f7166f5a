import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@mercato/testing";
import { exportPKCS8, generateKeyPair as generateJoseKeyPair } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import webpush from "web-push";
import {
  type FcmTestServer,
  fcmTestReplies,
  startFcmTestServer,
} from "../../test/support/fcm-test-server.js";
import { describePushSenderContract } from "../../test/support/push-sender.contract.js";
import {
  startWebPushTestServer,
  type WebPushTestServer,
  webPushTestCertificate,
} from "../../test/support/web-push-test-server.js";
import { InvalidArgument } from "../errors/index.js";
import { createPushSender } from "./create-push-sender.js";
import { FcmPushSender, type FcmPushSenderOptions } from "./fcm-push-sender.js";
import { listOutboxPush, OutboxPushSender, pushTokenFingerprint } from "./outbox-push-sender.js";
import type { PushMessage } from "./push-sender.js";
import { RoutingPushSender } from "./routing-push-sender.js";
import { type VapidKeys, WebPushSender, type WebPushSenderOptions } from "./web-push-sender.js";

const tempDirs: string[] = [];
let tokenCounter = 0;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mercato-push-"));
  tempDirs.push(dir);
  return dir;
}

/** A made-up FCM registration token, unique per call. */
function fcmToken(): string {
  tokenCounter++;
  return `fcm-token-${tokenCounter}-${"x".repeat(140)}`;
}

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describePushSenderContract("OutboxPushSender contract", async () => {
  const sender = new OutboxPushSender({ dir: await tempDir() });
  return {
    sender,
    platform: "android",
    token: async () => fcmToken(),
    device: pushTokenFingerprint,
    delivered: async () =>
      (await sender.list()).map(({ device, title, body, data }) => ({ device, title, body, data })),
  };
});

describe("FcmPushSender against a local FCM-like server", () => {
  let server: FcmTestServer;

  beforeAll(async () => {
    server = await startFcmTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  describePushSenderContract("contract", async () => {
    const sender = new FcmPushSender({ credentials: server.credentials, baseUrl: server.baseUrl });
    const start = server.sent.length;
    return {
      sender,
      platform: "ios",
      token: async () => fcmToken(),
      device: (token) => token,
      delivered: async () =>
        server.sent.slice(start).map((message) => ({
          device: message.token,
          title: message.notification?.title ?? "(no title)",
          body: message.notification?.body ?? "(no body)",
          data: message.data ?? {},
        })),
    };
  });
});

/** An android message to a fresh token. */
function androidMessage(title = "Shipped"): PushMessage {
  return { token: fcmToken(), platform: "android", title, body: "On its way", data: { orderId: "o1" } };
}

describe("FcmPushSender", () => {
  let server: FcmTestServer;
  const senders: FcmPushSender[] = [];

  function fcm(options: Partial<FcmPushSenderOptions> = {}): FcmPushSender {
    const sender = new FcmPushSender({
      credentials: server.credentials,
      baseUrl: server.baseUrl,
      ...options,
    });
    senders.push(sender);
    return sender;
  }

  beforeEach(async () => {
    server = await startFcmTestServer();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.close()));
    await server.close();
  });

  it("posts token, notification and data to the project's messages:send with an access token got for a verified RS256 assertion", async () => {
    const message = androidMessage();

    expect(await fcm().send([message])).toEqual([{ outcome: "sent" }]);

    expect(server.refusedAssertions).toEqual([]);
    expect(server.accessTokens).toHaveLength(1);
    expect(server.messages).toEqual([
      {
        projectId: "mercato-test",
        accessToken: server.accessTokens[0],
        token: message.token,
        notification: { title: "Shipped", body: "On its way" },
        data: { orderId: "o1" },
      },
    ]);
  });

  it("accepts the service account as the key file's JSON text", async () => {
    const sender = fcm({ credentials: JSON.stringify(server.credentials) });

    expect(await sender.send([androidMessage()])).toEqual([{ outcome: "sent" }]);
  });

  it.each([
    ["404 UNREGISTERED", fcmTestReplies.unregistered(), "dead", /HTTP 404 UNREGISTERED/],
    [
      "400 INVALID_ARGUMENT about the token",
      fcmTestReplies.invalidToken(),
      "dead",
      /HTTP 400 INVALID_ARGUMENT/,
    ],
    ["503 UNAVAILABLE", fcmTestReplies.unavailable(), "retry", /HTTP 503/],
    ["429 QUOTA_EXCEEDED", fcmTestReplies.quotaExceeded(), "retry", /HTTP 429 QUOTA_EXCEEDED/],
    ["400 INVALID_ARGUMENT about the message", fcmTestReplies.invalidMessage(), "unsupported", /too big/],
  ] as const)("maps %s to %s with a detail saying so", async (_, reply, outcome, detail) => {
    const message = androidMessage();
    server.replyFor(message.token, reply);

    const [result] = await fcm().send([message]);

    expect(result?.outcome).toBe(outcome);
    expect(result?.detail).toMatch(detail);
  });

  it("answers each message of a mixed batch in the order given", async () => {
    const messages = [androidMessage("a"), androidMessage("b"), androidMessage("c"), androidMessage("d")];
    server.replyFor(messages[1]?.token ?? "", fcmTestReplies.unregistered());
    server.replyFor(messages[2]?.token ?? "", fcmTestReplies.unavailable());

    const outcomes = await fcm({ concurrency: 4 }).send(messages);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["sent", "dead", "retry", "sent"]);
    expect(server.sent.map((message) => message.notification?.title).sort()).toEqual(["a", "d"]);
  });

  it("answers retry for a message FCM never answers, once timeoutMs has passed", async () => {
    const message = androidMessage();
    server.replyFor(message.token, "hang");

    const outcomes = await fcm({ timeoutMs: 200 }).send([message, androidMessage()]);

    expect(outcomes).toEqual([
      { outcome: "retry", detail: expect.stringMatching(/no answer within 200 ms/) },
      { outcome: "sent" },
    ]);
  });

  it("answers retry for every message when FCM cannot be reached", async () => {
    const port = await freePort();

    const outcomes = await fcm({ baseUrl: `http://127.0.0.1:${port}` }).send([
      androidMessage(),
      androidMessage(),
    ]);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["retry", "retry"]);
    expect(outcomes[0]?.detail).toContain(`127.0.0.1:${port}`);
  });

  it("fetches the access token once for many messages over several batches", async () => {
    const sender = fcm();

    for (let batch = 0; batch < 3; batch++) {
      await sender.send(Array.from({ length: 8 }, () => androidMessage()));
    }

    expect(server.sent).toHaveLength(24);
    expect(server.accessTokens).toHaveLength(1);
    expect(new Set(server.sent.map((message) => message.accessToken))).toEqual(new Set(server.accessTokens));
  });

  it("fetches a new access token after a 401 and sends the refused messages again with it", async () => {
    const sender = fcm();
    await sender.send([androidMessage()]);
    server.revokeAccessTokens();

    const outcomes = await sender.send(Array.from({ length: 5 }, () => androidMessage()));

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["sent", "sent", "sent", "sent", "sent"]);
    expect(server.accessTokens).toHaveLength(2);
    expect(server.sent.slice(1).every((message) => message.accessToken === server.accessTokens[1])).toBe(
      true,
    );
  });

  it("answers retry when FCM refuses the new access token too, trying each message only twice", async () => {
    const message = androidMessage();
    server.replyFor(message.token, {
      status: 401,
      body: {
        error: {
          code: 401,
          message: "Request had invalid authentication credentials.",
          status: "UNAUTHENTICATED",
        },
      },
    });

    const [outcome] = await fcm().send([message]);

    expect(outcome).toEqual({ outcome: "retry", detail: expect.stringMatching(/HTTP 401 UNAUTHENTICATED/) });
    expect(server.messages).toHaveLength(2);
    expect(server.accessTokens).toHaveLength(2);
  });

  it("fetches a new access token when the cached one is about to expire", async () => {
    server.accessTokenLifetime = 30;
    const sender = fcm();

    await sender.send([androidMessage()]);
    await sender.send([androidMessage()]);

    expect(server.accessTokens).toHaveLength(2);
  });

  it("has at most concurrency messages in flight", async () => {
    server.delayMs = 50;

    const outcomes = await fcm({ concurrency: 3 }).send(Array.from({ length: 10 }, () => androidMessage()));

    expect(outcomes.every((outcome) => outcome.outcome === "sent")).toBe(true);
    expect(server.sent).toHaveLength(10);
    // At least two at once shows the batch is sent concurrently; how many overlap beyond that depends on the machine.
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
  });

  it("answers retry for every message, sending none, when the token endpoint refuses the assertion", async () => {
    const { privateKey } = await generateJoseKeyPair("RS256", { extractable: true });
    const credentials = { ...server.credentials, private_key: await exportPKCS8(privateKey) };

    const outcomes = await fcm({ credentials }).send([androidMessage(), androidMessage()]);

    expect(outcomes).toEqual([
      { outcome: "retry", detail: expect.stringMatching(/token endpoint refused .*HTTP 400: invalid_grant/) },
      { outcome: "retry", detail: expect.stringMatching(/token endpoint refused/) },
    ]);
    expect(server.refusedAssertions).toEqual([expect.stringMatching(/signature/i)]);
    expect(server.messages).toEqual([]);
  });

  it.each([400, 404, 429, 503])(
    "never puts the device token or the access token into the detail for %i, even when FCM echoes them",
    async (status) => {
      const message = androidMessage();
      server.reply = (received) => ({
        status,
        body: {
          error: { code: status, message: `echo ${received.token} ${received.accessToken}`, status: "X" },
        },
      });

      const [outcome] = await fcm().send([message]);

      expect(outcome?.detail).toContain("echo");
      expect(outcome?.detail).not.toContain(message.token);
      expect(outcome?.detail).not.toContain(server.accessTokens[0]);
    },
  );

  it("answers unsupported for a web subscription without sending it", async () => {
    const outcomes = await fcm().send([{ ...androidMessage(), platform: "web" }]);

    expect(outcomes).toEqual([{ outcome: "unsupported", detail: expect.stringMatching(/not web/) }]);
    expect(server.messages).toEqual([]);
  });

  it("rejects a batch still in flight when closed", async () => {
    const message = androidMessage();
    server.replyFor(message.token, "hang");
    const sender = fcm({ timeoutMs: 30_000 });

    const sending = sender.send([message]).catch((error: unknown) => error);
    await expect.poll(() => server.messages.length).toBe(1);
    await sender.close();

    expect(String(await sending)).toMatch(/closed/);
  });

  it.each(["project_id", "client_email", "private_key", "token_uri"] as const)(
    "refuses a service account without %s with InvalidArgument naming it",
    (field) => {
      const credentials = { ...server.credentials, [field]: "" };

      expect(() => new FcmPushSender({ credentials })).toThrow(InvalidArgument);
      expect(() => new FcmPushSender({ credentials })).toThrow(`credentials.${field}`);
    },
  );

  it("refuses a private key that is not PEM without quoting it", () => {
    const credentials = { ...server.credentials, private_key: "not-a-key-SECRET-material" };

    expect(() => new FcmPushSender({ credentials })).toThrow(
      /credentials\.private_key: must be a PEM private key$/,
    );
  });
});

const vapid: VapidKeys = { ...webpush.generateVAPIDKeys(), subject: "mailto:push@mercato.test" };

describe("WebPushSender against a local push service", () => {
  let server: WebPushTestServer;

  beforeAll(async () => {
    server = await startWebPushTestServer();
  });

  afterAll(async () => {
    await server.close();
  });

  describePushSenderContract("contract", async () => {
    const sender = new WebPushSender({ vapid, ca: webPushTestCertificate });
    const start = server.delivered.length;
    return {
      sender,
      platform: "web",
      token: async () => server.subscribe(),
      device: (token) => (JSON.parse(token) as { endpoint: string }).endpoint,
      delivered: async () =>
        server.delivered.slice(start).map((push) => {
          const payload = push.payload as
            | { title: string; body: string; data: Record<string, string> }
            | undefined;
          return {
            device: push.endpoint,
            title: payload?.title ?? "(undecryptable)",
            body: payload?.body ?? "(undecryptable)",
            data: payload?.data ?? {},
          };
        }),
    };
  });
});

describe("WebPushSender", () => {
  let server: WebPushTestServer;
  const senders: WebPushSender[] = [];

  function web(options: Partial<WebPushSenderOptions> = {}): WebPushSender {
    const sender = new WebPushSender({ vapid, ca: webPushTestCertificate, ...options });
    senders.push(sender);
    return sender;
  }

  function webMessage(token: string): PushMessage {
    return { token, platform: "web", title: "Shipped", body: "On its way", data: { orderId: "o1" } };
  }

  beforeEach(async () => {
    server = await startWebPushTestServer();
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.close()));
    await server.close();
  });

  it("posts the payload encrypted for the subscription with a VAPID signature for the push service, and a TTL", async () => {
    const token = server.subscribe();

    expect(await web({ ttlSeconds: 600 }).send([webMessage(token)])).toEqual([{ outcome: "sent" }]);

    expect(server.requests).toEqual([
      {
        endpoint: (JSON.parse(token) as { endpoint: string }).endpoint,
        authorization: expect.stringMatching(/^vapid t=/),
        vapidKey: vapid.publicKey,
        ttl: "600",
        contentEncoding: "aes128gcm",
        payload: { title: "Shipped", body: "On its way", data: { orderId: "o1" } },
      },
    ]);
  });

  it.each([
    [410, "dead"],
    [404, "dead"],
    [500, "retry"],
    [503, "retry"],
    [429, "retry"],
    [413, "unsupported"],
  ] as const)("maps %i from the push service to %s", async (status, outcome) => {
    const token = server.subscribe();
    server.replyFor(token, { status, body: "push service says no" });

    const [result] = await web().send([webMessage(token)]);

    expect(result).toEqual({
      outcome,
      detail: expect.stringMatching(new RegExp(`HTTP ${status}: push service says no`)),
    });
  });

  it.each([
    ["not JSON", "not-json", /not JSON/],
    [
      "without an endpoint",
      JSON.stringify({ keys: { p256dh: "x", auth: "y" } }),
      /endpoint must be an https URL/,
    ],
    [
      "with an http endpoint",
      JSON.stringify({ endpoint: "http://push.example/x", keys: { p256dh: "x", auth: "y" } }),
      /endpoint must be an https URL/,
    ],
    ["without keys", JSON.stringify({ endpoint: "https://push.example/abc-secret-id" }), /keys\.p256dh/],
    [
      "with a short auth",
      JSON.stringify({
        endpoint: "https://push.example/abc-secret-id",
        keys: {
          p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString("base64url"),
          auth: "AAAA",
        },
      }),
      /keys\.auth/,
    ],
  ])("answers dead for a token that is %s, saying why without quoting it", async (_, token, why) => {
    const [result] = await web().send([webMessage(token)]);

    expect(result).toEqual({ outcome: "dead", detail: expect.stringMatching(why) });
    expect(result?.detail).toMatch(/^token is not a Web Push subscription: /);
    expect(result?.detail).not.toContain("abc-secret-id");
    expect(server.requests).toEqual([]);
  });

  it("answers each message of a mixed batch in the order given", async () => {
    const tokens = [server.subscribe(), server.subscribe(), "{}", server.subscribe()];
    server.replyFor(tokens[1] ?? "", { status: 410 });
    server.replyFor(tokens[3] ?? "", { status: 502 });

    const outcomes = await web().send(tokens.map(webMessage));

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["sent", "dead", "dead", "retry"]);
  });

  it("answers retry for a push service that never answers, once timeoutMs has passed", async () => {
    const token = server.subscribe();
    server.replyFor(token, "hang");

    const [result] = await web({ timeoutMs: 200 }).send([webMessage(token)]);

    expect(result).toEqual({ outcome: "retry", detail: expect.stringMatching(/no answer within 200 ms/) });
  });

  it("answers retry when the push service cannot be reached", async () => {
    const port = await freePort();
    const token = server.subscribe().replace(new URL(server.origin).port, String(port));

    const [result] = await web().send([webMessage(token)]);

    expect(result).toEqual({ outcome: "retry", detail: expect.stringMatching(/ECONNREFUSED/) });
  });

  it.each([404, 410, 500])(
    "never puts the subscription into the detail for %i, even when the push service echoes it",
    async (status) => {
      const token = server.subscribe();
      const { endpoint, keys } = JSON.parse(token) as { endpoint: string; keys: { auth: string } };
      server.replyFor(token, { status, body: `echo ${endpoint} ${keys.auth} ${token}` });

      const [result] = await web().send([webMessage(token)]);

      expect(result?.detail).toContain("echo");
      expect(result?.detail).not.toContain(endpoint);
      expect(result?.detail).not.toContain(keys.auth);
      expect(result?.detail).not.toContain(new URL(endpoint).pathname);
    },
  );

  it("rejects a batch still in flight when closed", async () => {
    const token = server.subscribe();
    server.replyFor(token, "hang");
    const sender = web({ timeoutMs: 30_000 });

    const sending = sender.send([webMessage(token)]).catch((error: unknown) => error);
    await expect.poll(() => server.requests.length).toBe(1);
    await sender.close();

    expect(String(await sending)).toMatch(/closed/);
  });

  it("has at most concurrency messages in flight", async () => {
    const tokens = Array.from({ length: 6 }, () => server.subscribe());
    for (const token of tokens) server.replyFor(token, "hang");
    const sender = web({ concurrency: 2, timeoutMs: 30_000 });

    const sending = sender.send(tokens.map(webMessage)).catch((error: unknown) => error);
    await expect.poll(() => server.requests.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(server.requests).toHaveLength(2);
    await sender.close();
    expect(String(await sending)).toMatch(/closed/);
  });

  it("answers unsupported for an FCM token without sending it", async () => {
    const outcomes = await web().send([{ ...webMessage(server.subscribe()), platform: "ios" }]);

    expect(outcomes).toEqual([{ outcome: "unsupported", detail: expect.stringMatching(/not ios/) }]);
    expect(server.requests).toEqual([]);
  });

  it("refuses VAPID keys the push services would refuse, without quoting the private key", () => {
    expect(() => new WebPushSender({ vapid: { ...vapid, subject: "push@mercato.test" } })).toThrow(
      InvalidArgument,
    );
    const failure = (() => {
      try {
        new WebPushSender({ vapid: { ...vapid, privateKey: `${vapid.privateKey}AAAA` } });
      } catch (error) {
        return error as Error;
      }
      return undefined;
    })();
    expect(failure).toBeInstanceOf(InvalidArgument);
    expect(failure?.message).not.toContain(vapid.privateKey);
  });
});

describe("OutboxPushSender", () => {
  let dir: string;
  let sender: OutboxPushSender;

  beforeEach(async () => {
    dir = await tempDir();
    sender = new OutboxPushSender({ dir });
  });

  afterEach(async () => {
    await sender.close();
  });

  it("writes each message as <dir>/push/<time>-<id>.json with the token only as a 12-digit fingerprint", async () => {
    const token = fcmToken();

    await sender.send([
      { token, platform: "ios", title: "Shipped", body: "On its way", data: { orderId: "o1" } },
    ]);

    const names = await readdir(join(dir, "push"));
    expect(names).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-[0-9a-f-]{36}\.json$/),
    ]);
    const text = await readFile(join(dir, "push", names[0] ?? ""), "utf8");
    expect(JSON.parse(text)).toEqual({
      id: expect.any(String),
      platform: "ios",
      device: expect.stringMatching(/^[0-9a-f]{12}$/),
      title: "Shipped",
      body: "On its way",
      data: { orderId: "o1" },
      createdAt: expect.any(String),
    });
    expect(text).not.toContain(token);
  });

  it("gives the same token the same fingerprint and different tokens different ones", () => {
    const token = fcmToken();

    expect(pushTokenFingerprint(token)).toBe(pushTokenFingerprint(token));
    expect(pushTokenFingerprint(token)).not.toBe(pushTokenFingerprint(fcmToken()));
  });

  it("lists messages in the order of the batch, skipping unfinished or foreign files", async () => {
    const titles = Array.from({ length: 6 }, (_, index) => `message ${index}`);
    await sender.send(
      titles.map((title) => ({ token: fcmToken(), platform: "web" as const, title, body: "b" })),
    );
    await writeFile(join(dir, "push", ".2099-01-01T00-00-00.000Z-partial.json.tmp"), "{");
    await writeFile(join(dir, "push", "notes.txt"), "not push");

    const listed = await sender.list();

    expect(listed.map((push) => push.title)).toEqual(titles);
    expect(listed.every((push) => push.createdAt instanceof Date && push.path.endsWith(".json"))).toBe(true);
  });

  it("prints one line naming the platform, the fingerprint, title and body, never the token", async () => {
    const lines: string[] = [];
    const printing = new OutboxPushSender({ dir, print: (line) => lines.push(line) });
    const token = fcmToken();

    await printing.send([{ token, platform: "android", title: "Hi", body: "There" }]);

    expect(lines).toEqual([`push to android device ${pushTokenFingerprint(token)}: Hi — There`]);
  });

  it.each(["from", "notification", "message_type", "google.c.a", "gcm.n.e"])(
    "refuses the data key %s that FCM reserves, naming it",
    async (key) => {
      const failure = await sender
        .send([{ token: fcmToken(), platform: "android", title: "t", body: "b", data: { [key]: "x" } }])
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidArgument);
      expect((failure as InvalidArgument).violations.map((violation) => violation.field)).toEqual([
        `messages[0].data.${key}`,
      ]);
    },
  );

  it("accepts data keys that only start like a reserved word, such as fromCity", async () => {
    const outcomes = await sender.send([
      { token: fcmToken(), platform: "android", title: "t", body: "b", data: { fromCity: "Berlin" } },
    ]);

    expect(outcomes).toEqual([{ outcome: "sent" }]);
  });

  it("writes under ./data/outbox/push when no dir is given", () => {
    expect(new OutboxPushSender().pushDir).toBe(join("data", "outbox", "push"));
  });
});

describe("createPushSender and RoutingPushSender on local FCM and push services", () => {
  let fcmServer: FcmTestServer;
  let webServer: WebPushTestServer;
  const senders: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    [fcmServer, webServer] = await Promise.all([startFcmTestServer(), startWebPushTestServer()]);
  });

  afterAll(async () => {
    await Promise.all([fcmServer.close(), webServer.close()]);
  });

  afterEach(async () => {
    await Promise.all(senders.splice(0).map((sender) => sender.close()));
  });

  function both() {
    const sender = createPushSender({
      fcmCredentials: fcmServer.credentials,
      fcm: { baseUrl: fcmServer.baseUrl },
      webPush: { vapid, ca: webPushTestCertificate },
      outboxDir: "unused",
    });
    senders.push(sender);
    return sender;
  }

  describePushSenderContract("contract (web through the router)", async () => {
    const sender = both();
    const start = webServer.delivered.length;
    return {
      sender,
      platform: "web",
      token: async () => webServer.subscribe(),
      device: (token) => (JSON.parse(token) as { endpoint: string }).endpoint,
      delivered: async () =>
        webServer.delivered.slice(start).map((push) => {
          const payload = push.payload as { title: string; body: string; data: Record<string, string> };
          return { device: push.endpoint, title: payload.title, body: payload.body, data: payload.data };
        }),
    };
  });

  it("creates a RoutingPushSender when a provider is configured and an OutboxPushSender otherwise", async () => {
    const created = [
      both(),
      createPushSender({ webPush: { vapid }, outboxDir: "unused" }),
      createPushSender({ outboxDir: "unused" }),
    ];
    senders.push(...created);

    expect(created.map((sender) => sender.constructor)).toEqual([
      RoutingPushSender,
      RoutingPushSender,
      OutboxPushSender,
    ]);
  });

  it("sends ios and android to FCM and web to Web Push, answering in the batch's order", async () => {
    const android = androidMessage("to android");
    const ios = { ...androidMessage("to ios"), platform: "ios" as const };
    const web = { ...android, token: webServer.subscribe(), platform: "web" as const, title: "to web" };
    const gone = { ...web, token: webServer.subscribe(), title: "to a gone browser" };
    webServer.replyFor(gone.token, { status: 410 });
    const fcmBefore = fcmServer.sent.length;
    const webBefore = webServer.delivered.length;

    const outcomes = await both().send([web, android, gone, ios]);

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(["sent", "sent", "dead", "sent"]);
    expect(
      fcmServer.sent
        .slice(fcmBefore)
        .map((message) => message.token)
        .sort(),
    ).toEqual([android.token, ios.token].sort());
    expect(
      webServer.delivered.slice(webBefore).map((push) => (push.payload as { title: string }).title),
    ).toEqual(["to web"]);
  });

  it("answers unsupported, naming the platform, for a platform without a configured provider and sends the rest", async () => {
    const sender = createPushSender({
      fcmCredentials: fcmServer.credentials,
      fcm: { baseUrl: fcmServer.baseUrl },
      outboxDir: "unused",
    });
    senders.push(sender);
    const android = androidMessage();

    const outcomes = await sender.send([
      { ...android, token: webServer.subscribe(), platform: "web" },
      android,
    ]);

    expect(outcomes).toEqual([
      { outcome: "unsupported", detail: "no push provider configured for web" },
      { outcome: "sent" },
    ]);
  });

  it("closes the providers it routes to", async () => {
    const fcm = new FcmPushSender({ credentials: fcmServer.credentials, baseUrl: fcmServer.baseUrl });
    const router = new RoutingPushSender({ fcm });

    await router.close();

    await expect(fcm.send([androidMessage()])).rejects.toThrow(/closed/);
    await expect(router.send([androidMessage()])).rejects.toThrow(/closed/);
  });

  it("writes the outbox under outboxDir/push and prints through print when no provider is configured", async () => {
    const outboxDir = await tempDir();
    const lines: string[] = [];
    const sender = createPushSender({ outboxDir, print: (line) => lines.push(line) });
    senders.push(sender);

    await sender.send([androidMessage("Hello")]);

    expect((await listOutboxPush(join(outboxDir, "push"))).map((push) => push.title)).toEqual(["Hello"]);
    expect(lines).toEqual([expect.stringMatching(/^push to android device [0-9a-f]{12}: Hello — /)]);
  });
});
