import { createHash } from "node:crypto";
import {
  type Database,
  type Executor,
  InvalidArgument,
  type Placeholders,
  type PushPlatform,
  prepared,
} from "@mercato/platform";
import { and, desc, eq, notInArray } from "drizzle-orm";
import { validate as isUuid, v7 as uuidv7 } from "uuid";
import { deviceTokens } from "./schema.js";

/** Most push tokens one user holds: registering one more forgets the least recently seen. */
export const maxDevicesPerUser = 10;

/** A device as its owner sees it: never the token. */
export interface Device {
  id: string;
  platform: PushPlatform;
  label: string;
  createdAt: Date;
  lastSeenAt: Date;
}

/** How a token is looked up and named in logs: its sha256, never the token itself. */
export const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

const deviceFields = {
  id: deviceTokens.id,
  platform: deviceTokens.platform,
  label: deviceTokens.label,
  createdAt: deviceTokens.createdAt,
  lastSeenAt: deviceTokens.lastSeenAt,
};

const asDevice = (row: { platform: string } & Omit<Device, "platform">): Device => ({
  ...row,
  platform: row.platform as PushPlatform,
});

/** A user's devices, read for every notification that may push (built once, ADR 0037). */
const devicesOf = prepared("notifications.devices_of_user", (db, p: Placeholders<{ userId: string }>) =>
  db.select().from(deviceTokens).where(eq(deviceTokens.userId, p.userId)),
);

/** Users' push tokens. */
export class Devices {
  constructor(private readonly database: Database) {}

  /**
   * Records `token` for `userId`: a token already known moves to this user (a device changed hands)
   * and is seen now. A web token must be a Web Push subscription.
   */
  async register(
    userId: string,
    input: { token: string; platform: PushPlatform; label: string },
  ): Promise<Device> {
    if (input.platform === "web") checkSubscription(input.token);
    const hash = tokenHash(input.token);
    return this.database.transaction(async (tx) => {
      const [row] = await tx
        .insert(deviceTokens)
        .values({
          id: uuidv7(),
          userId,
          platform: input.platform,
          token: input.token,
          tokenHash: hash,
          label: input.label,
        })
        .onConflictDoUpdate({
          target: deviceTokens.tokenHash,
          set: { userId, platform: input.platform, label: input.label, lastSeenAt: new Date() },
        })
        .returning(deviceFields);
      if (!row) throw new Error("device token upsert returned nothing");
      const keep = tx
        .select({ id: deviceTokens.id })
        .from(deviceTokens)
        .where(eq(deviceTokens.userId, userId))
        .orderBy(desc(deviceTokens.lastSeenAt), desc(deviceTokens.id))
        .limit(maxDevicesPerUser);
      await tx
        .delete(deviceTokens)
        .where(and(eq(deviceTokens.userId, userId), notInArray(deviceTokens.id, keep)));
      return asDevice(row);
    });
  }

  /** Forgets one of `userId`'s devices, by id or by token; false when it has no such device. */
  async unregister(userId: string, by: { id?: string; token?: string }): Promise<boolean> {
    if (!by.id && !by.token) throw InvalidArgument.field("id", "name the device by id or token");
    if (by.id && !isUuid(by.id)) throw InvalidArgument.field("id", "must be a UUID");
    const which = by.id ? eq(deviceTokens.id, by.id) : eq(deviceTokens.tokenHash, tokenHash(by.token ?? ""));
    const removed = await this.database.db
      .delete(deviceTokens)
      .where(and(eq(deviceTokens.userId, userId), which))
      .returning({ id: deviceTokens.id });
    return removed.length > 0;
  }

  async list(userId: string): Promise<Device[]> {
    const rows = await this.database.db
      .select(deviceFields)
      .from(deviceTokens)
      .where(eq(deviceTokens.userId, userId))
      .orderBy(desc(deviceTokens.lastSeenAt));
    return rows.map(asDevice);
  }

  /** `userId`'s devices with their tokens, for sending. */
  async ofUser(executor: Executor, userId: string) {
    return devicesOf.run(executor, { userId });
  }

  async get(id: string) {
    const [row] = await this.database.db.select().from(deviceTokens).where(eq(deviceTokens.id, id));
    return row;
  }

  /** Forgets a device whose provider said its token is gone. */
  async drop(id: string): Promise<void> {
    await this.database.db.delete(deviceTokens).where(eq(deviceTokens.id, id));
  }
}

/**
 * A Web Push token is the browser's subscription as JSON: an https endpoint and its two keys. A token
 * that is not one is refused naming both fields, since either may be the mistake.
 */
function checkSubscription(token: string): void {
  const refuse = (why: string) =>
    new InvalidArgument(`token: ${why}`, [
      { field: "token", message: why },
      { field: "platform", message: "web needs a Web Push subscription as its token" },
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    throw refuse("a web token must be a Web Push subscription as JSON");
  }
  const s = parsed as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  if (typeof s.endpoint !== "string" || !/^https?:\/\//.test(s.endpoint))
    throw refuse("a Web Push subscription needs an https endpoint");
  if (typeof s.keys?.p256dh !== "string" || typeof s.keys?.auth !== "string")
    throw refuse("a Web Push subscription needs keys.p256dh and keys.auth");
}
