import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { describePushSenderContract } from "../../test/support/push-sender.contract.js";
import { OutboxPushSender, pushTokenFingerprint } from "./outbox-push-sender.js";

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

  it("writes under ./data/outbox/push when no dir is given", () => {
    expect(new OutboxPushSender().pushDir).toBe(join("data", "outbox", "push"));
  });
});
