import { create } from "@bufbuild/protobuf";
import { eventSubjects } from "@mercato/contracts/events";
import {
  MediaKind,
  MediaStatus,
  MediaStatusChangedSchema,
  type Purpose,
} from "@mercato/contracts/mercato/media/v1/media_pb";
import { type EventBus, type EventEnvelope, MediaReferences, type RunningService } from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";
import { eventEnvelope } from "./identity-events.js";
import { waitFor } from "./wait-for.js";

/** A media as the media service announces it; `mediaId` defaults to a new UUIDv7, kind to an image. */
export interface TestMedia {
  mediaId?: string;
  ownerId: string;
  purpose: Purpose;
  kind?: MediaKind;
}

const subjects = {
  ready: eventSubjects.media.assetReady,
  failed: eventSubjects.media.assetFailed,
  deleted: eventSubjects.media.assetDeleted,
} as const;

const statuses = {
  ready: MediaStatus.READY,
  failed: MediaStatus.FAILED,
  deleted: MediaStatus.DELETED,
} as const;

/** A MediaStatusChanged envelope as the media service's outbox relay publishes it. */
export function mediaStatusEvent(
  media: TestMedia & { mediaId: string },
  state: keyof typeof subjects,
): EventEnvelope {
  return eventEnvelope(
    subjects[state].subject,
    MediaStatusChangedSchema,
    create(MediaStatusChangedSchema, {
      mediaId: media.mediaId,
      ownerId: media.ownerId,
      purpose: media.purpose,
      kind: media.kind ?? MediaKind.IMAGE,
      status: statuses[state],
      failureReason: state === "failed" ? "not an image" : "",
    }),
  );
}

/**
 * Publishes the media's `state` on `bus` and waits until the media projection (ADR 0041) of every
 * service in `services` holds it; resolves with the media id.
 */
export async function publishMediaState(
  bus: EventBus,
  services: RunningService | readonly RunningService[],
  media: TestMedia,
  state: keyof typeof subjects,
): Promise<string> {
  const mediaId = media.mediaId ?? uuidv7();
  await bus.publish(mediaStatusEvent({ ...media, mediaId }, state));
  const list: readonly RunningService[] = "runtime" in services ? [services] : services;
  for (const service of list) {
    const references = new MediaReferences(service.runtime.database);
    await waitFor(async () => (await references.stateOf(mediaId)) === state, {
      message: `${service.name} did not see media ${mediaId} ${state}`,
    });
  }
  return mediaId;
}

/** A ready media of `ownerId` for `purpose` (an image unless `kind` says otherwise), known to `services`. */
export function readyMedia(
  bus: EventBus,
  services: RunningService | readonly RunningService[],
  media: TestMedia,
): Promise<string> {
  return publishMediaState(bus, services, media, "ready");
}
