import { create } from "@bufbuild/protobuf";
import { MediaKind, MediaStatusChangedSchema, Purpose } from "@mercato/contracts/mercato/media/v1/media_pb";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backgroundContext, type Caller } from "../context/context.js";
import { type Database, PgliteHost } from "../db/database.js";
import type { ConsumerDefinition } from "../events/consumer.js";
import { listedMediaReferences, type MediaReference, MediaReferences } from "./media-refs.js";

describe("MediaReferences", () => {
  let host: PgliteHost;
  let database: Database;
  let media: MediaReferences;
  let consumers: Map<string, ConsumerDefinition>;
  const owner: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
  const admin: Caller = { id: uuidv7(), roles: ["admin"], claims: {} };

  beforeAll(async () => {
    host = await PgliteHost.open({ postgis: false });
    database = host.forService("mediarefs");
    await database.db.execute(sql.raw(`create schema mediarefs`));
    await database.db.execute(
      sql.raw(`create table mediarefs.media_assets (media_id uuid primary key, owner_id uuid not null,
        purpose text not null, kind text not null, status text not null, updated_at timestamptz not null)`),
    );
    media = new MediaReferences(database);
    consumers = new Map(media.consumers().map((c) => [c.name, c]));
  }, 60_000);

  afterAll(async () => {
    await host?.close();
  });

  /** Applies one status event of `mediaId` published at `at`, as its consumer would. */
  const apply = async (
    state: "ready" | "failed" | "deleted",
    mediaId: string,
    at: Date,
    kind = MediaKind.IMAGE,
  ) => {
    const consumer = consumers.get(`media-${state}`);
    if (!consumer) throw new Error(`no media-${state} consumer`);
    const message = create(MediaStatusChangedSchema, {
      mediaId,
      ownerId: owner.id,
      purpose: Purpose.PRODUCT,
      kind,
    });
    await database.transaction((tx) =>
      consumer.handle(backgroundContext(), tx, message, {
        id: uuidv7(),
        subject: consumer.on.subject,
        type: MediaStatusChangedSchema.typeName,
        occurredAt: at,
        correlationId: uuidv7(),
        traceparent: undefined,
        payload: new Uint8Array(),
      }),
    );
  };

  const product = (mediaId: string): MediaReference[] => [
    { field: "media_ids[0]", mediaId, purpose: "product" },
  ];

  it("takes one durable consumer per status subject", () => {
    expect([...consumers.values()].map((c) => [c.name, c.on.subject])).toEqual([
      ["media-ready", "mercato.media.asset.ready"],
      ["media-failed", "mercato.media.asset.failed"],
      ["media-deleted", "mercato.media.asset.deleted"],
    ]);
  });

  it("keeps a deletion that arrives before the ready event: a deleted media never comes back", async () => {
    const id = uuidv7();
    await apply("deleted", id, new Date(2_000));
    await apply("ready", id, new Date(1_000));
    expect(await media.stateOf(id)).toBe("deleted");
    await apply("ready", id, new Date(3_000));
    expect(await media.stateOf(id)).toBe("deleted");
  });

  it("lets the later of ready and failed win, whichever consumer ran first", async () => {
    const id = uuidv7();
    await apply("failed", id, new Date(2_000));
    await apply("ready", id, new Date(1_000));
    expect(await media.stateOf(id)).toBe("failed");
    await apply("ready", id, new Date(3_000));
    expect(await media.stateOf(id)).toBe("ready");
  });

  it("accepts a ready media of the caller and refuses a stranger's, but not an admin's attaching it", async () => {
    const id = uuidv7();
    await apply("ready", id, new Date());
    expect(await media.violations(database.db, owner, product(id))).toEqual([]);
    expect(await media.violations(database.db, admin, product(id))).toEqual([]);
    const stranger: Caller = { id: uuidv7(), roles: ["seller"], claims: {} };
    expect(await media.violations(database.db, stranger, product(id))).toEqual([
      { field: "media_ids[0]", message: `media ${id} is not a ready product image or video of yours` },
    ]);
  });

  it("refuses a kind the field does not take, and an id that is no UUID as a violation rather than a database error", async () => {
    const video = uuidv7();
    await apply("ready", video, new Date(), MediaKind.VIDEO);
    const refs: MediaReference[] = [
      { field: "logo", mediaId: video, purpose: "product", kinds: ["image"] },
      { field: "other", mediaId: "not-a-uuid", purpose: "product" },
    ];
    await expect(media.check(database.db, owner, refs)).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
      violations: [
        { field: "logo", message: `media ${video} is not a ready product image of yours` },
        { field: "other", message: "media not-a-uuid is not a ready product image or video of yours" },
      ],
    });
  });

  it("names only the ids a list change adds, by their index in the new list", () => {
    expect(listedMediaReferences("media_ids", ["a", "b", "c"], "product", ["B"])).toEqual([
      { field: "media_ids[0]", mediaId: "a", purpose: "product" },
      { field: "media_ids[2]", mediaId: "c", purpose: "product" },
    ]);
  });
});
