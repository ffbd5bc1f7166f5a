import { MediaService } from "@mercato/contracts/mercato/media/v1/media_pb";
import type { RequestContext } from "@mercato/platform/context";
import DataLoader from "dataloader";
import { markAnswerPartial } from "../../graphql-answers.js";
import type { GatewayDeps } from "../../module.js";
import type { ServiceDirectory } from "../../services.js";
import { mediaImageJson, mediaJson } from "./media-json.js";
import type { MediaImageJson, MediaModel } from "./schemas.js";

/**
 * Ready media by id through one BatchGetMedia per request (per 200 ids): a media that is not
 * ready, or unknown, is null; every media of a batch the media service could not answer (down,
 * not configured, or slower than `mediaWaitMs`) is undefined, so a page still answers without
 * its pictures.
 */
export type MediaLoader = DataLoader<string, MediaModel | null | undefined>;

/** Name of the media service in the gateway's directory. */
export const defaultMediaServiceName = "media";

/**
 * How long an answer waits for its pictures, in milliseconds: a hung media service costs a product
 * page this much, not the whole service deadline, until its circuit opens.
 */
export const mediaWaitMs = 1_000;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const perRequest = new WeakMap<RequestContext, Map<string, MediaLoader>>();

/**
 * The media loader of the request `ctx`, made on first use and shared by every resolver and REST
 * answer of that request (and no other: signed URLs are made for the caller).
 */
export function mediaLoader(
  ctx: RequestContext,
  services: ServiceDirectory,
  serviceName = defaultMediaServiceName,
): MediaLoader {
  let mine = perRequest.get(ctx);
  if (!mine) {
    mine = new Map();
    perRequest.set(ctx, mine);
  }
  const existing = mine.get(serviceName);
  if (existing) return existing;
  const loader: MediaLoader = new DataLoader(
    async (ids) => {
      // A gateway without a media service (some tests, a partial deployment) shows no pictures.
      if (!services.has(serviceName)) return ids.map(() => undefined);
      // One malformed id (data from before ids were checked) must not fail the whole batch.
      const wellFormed = [...new Set(ids.filter((id) => uuidPattern.test(id)))];
      if (wellFormed.length === 0) return ids.map(() => null);
      try {
        const answer = await services
          .client(serviceName, MediaService)
          .batchGetMedia(
            { mediaIds: wellFormed },
            { signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(mediaWaitMs)]) },
          );
        const found = new Map(answer.media.map((media) => [media.id, mediaJson(media)]));
        return ids.map((id) => found.get(id) ?? null);
      } catch {
        // Pictures are decoration: without them the product, cart or order still answers (but is
        // not kept as the answer for everyone, ADR 0052). The failed call is counted by the
        // client's metrics and circuit breaker.
        markAnswerPartial(ctx);
        return ids.map(() => undefined);
      }
    },
    { maxBatchSize: 200 },
  );
  mine.set(serviceName, loader);
  return loader;
}

/** The ready media of `ids`, in their order; undefined when the media service could not be asked. */
export async function readyMedia(
  loader: MediaLoader,
  ids: readonly string[],
): Promise<MediaModel[] | undefined> {
  if (ids.length === 0) return [];
  const found = await loader.loadMany(ids);
  if (found.some((media) => media === undefined || media instanceof Error)) return undefined;
  return found.filter((media): media is MediaModel => media !== null && !(media instanceof Error));
}

/** A field of a REST answer naming one media by id (`mediaId`, `logoMediaId`, ...): its name before `MediaId`. */
const singleField = /^(?:mediaId|(\w+)MediaId)$/;

/**
 * Hydrates a REST answer with one BatchGetMedia: in every object of it, a `mediaIds` list is
 * carried as `media` (the ready ones, in order) and `image` (the first of them), `mediaId` as
 * `image`, and any other `<name>MediaId` (`logoMediaId`, `avatarMediaId`, ...) as `<name>`. When the
 * media service cannot be asked, those fields stay absent and the rest answers as it is.
 */
export function mediaHydration({ services }: GatewayDeps, serviceName = defaultMediaServiceName) {
  return async (ctx: RequestContext, payload: unknown): Promise<void> => {
    if (!services.has(serviceName)) return;
    const holders: Record<string, unknown>[] = [];
    const ids = new Set<string>();
    collect(payload, holders, ids, 0);
    if (holders.length === 0) return;
    const loader = mediaLoader(ctx, services, serviceName);
    const list = [...ids];
    const found = await loader.loadMany(list);
    if (found.some((media) => media === undefined || media instanceof Error)) return;
    const byId = new Map<string, MediaImageJson>();
    list.forEach((id, index) => {
      const media = found[index];
      if (media && !(media instanceof Error)) byId.set(id, mediaImageJson(media));
    });
    const one = (id: unknown) => (typeof id === "string" ? (byId.get(id) ?? null) : null);
    for (const holder of holders) {
      for (const [key, value] of Object.entries(holder)) {
        if (key === "mediaIds" && Array.isArray(value)) {
          const media = value.flatMap((id) => byId.get(id) ?? []);
          holder.media = media;
          holder.image = media[0] ?? null;
          continue;
        }
        const match = singleField.exec(key);
        if (match) holder[match[1] ?? "image"] = one(value);
      }
    }
  };
}

/**
 * Maps whose names and values sellers and buyers write (product attributes, variant options): a
 * name there that looks like `mediaId` is text, never a media to show.
 */
const freeFormMaps = new Set(["attributes", "options"]);

/** Finds the objects of `value` that name media, and the ids they name (a bounded walk). */
function collect(value: unknown, holders: Record<string, unknown>[], ids: Set<string>, depth: number): void {
  if (depth > 8 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value) collect(item, holders, ids, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  let names = false;
  for (const [key, field] of Object.entries(record)) {
    if (key === "mediaIds" && Array.isArray(field)) {
      names = true;
      for (const id of field) if (typeof id === "string") ids.add(id);
    } else if (singleField.test(key)) {
      names = true;
      if (typeof field === "string") ids.add(field);
    } else if (!freeFormMaps.has(key)) collect(field, holders, ids, depth + 1);
  }
  if (names) holders.push(record);
}
