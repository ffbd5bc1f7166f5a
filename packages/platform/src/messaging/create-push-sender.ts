import { FcmPushSender, type FcmPushSenderOptions, type FcmServiceAccount } from "./fcm-push-sender.js";
import { OutboxPushSender } from "./outbox-push-sender.js";
import type { PushSender } from "./push-sender.js";
import { RoutingPushSender } from "./routing-push-sender.js";
import { WebPushSender, type WebPushSenderOptions } from "./web-push-sender.js";

/** Options of `createPushSender`: provider settings when pushes should really go out, else the outbox folder is used. */
export interface CreatePushSenderOptions {
  /** FCM service account (parsed, or the key file's JSON text) for `ios` and `android` devices. */
  fcmCredentials?: FcmServiceAccount | string | undefined;
  /** The other `FcmPushSender` options (baseUrl, timeoutMs, concurrency); used only with `fcmCredentials`. */
  fcm?: Omit<FcmPushSenderOptions, "credentials"> | undefined;
  /** VAPID keys and options for `web` devices. */
  webPush?: WebPushSenderOptions | undefined;
  /** Outbox root for `OutboxPushSender` (messages in `<outboxDir>/push/`). */
  outboxDir: string;
  /** Line printer for `OutboxPushSender`. */
  print?: ((line: string) => void) | undefined;
}

/**
 * A `RoutingPushSender` over `FcmPushSender` and/or `WebPushSender` when either is configured (a platform left without
 * one answers `unsupported`), otherwise `OutboxPushSender` for every platform.
 */
export function createPushSender(options: CreatePushSenderOptions): PushSender {
  if (options.fcmCredentials === undefined && options.webPush === undefined) {
    return new OutboxPushSender({ dir: options.outboxDir, print: options.print });
  }
  return new RoutingPushSender({
    fcm:
      options.fcmCredentials === undefined
        ? undefined
        : new FcmPushSender({ ...options.fcm, credentials: options.fcmCredentials }),
    web: options.webPush === undefined ? undefined : new WebPushSender(options.webPush),
  });
}
