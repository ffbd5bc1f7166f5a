/** Where a device token comes from: an FCM registration token (`ios`, `android`) or a Web Push subscription (`web`). */
export type PushPlatform = "ios" | "android" | "web";

/** The platforms a `PushMessage` may name, for checks and loops. */
export const pushPlatforms: readonly PushPlatform[] = ["ios", "android", "web"];

/** One notification to one device. */
export interface PushMessage {
  /** The device's token: an FCM registration token (ios, android) or a Web Push subscription as JSON (web). Never logged. */
  token: string;
  platform: PushPlatform;
  /** At most 200 characters. */
  title: string;
  /** At most 2 000 characters. */
  body: string;
  /** String key/values the app receives with it (e.g. orderId); keys FCM reserves (`from`, `notification`, `message_type`, `google…`, `gcm…`) are refused. */
  data?: Record<string, string> | undefined;
}

/**
 * What became of one message:
 * - `sent`: the provider accepted it.
 * - `dead`: the provider says the token is gone (unregistered, invalid, not a subscription): delete the token.
 * - `retry`: try later (rate limit, 5xx, network, timeout, credentials the provider refused); the token is fine.
 * - `unsupported`: this sender cannot deliver this message as it is (no provider configured for its platform, or the
 *   provider refused the message itself, e.g. too large); record it and drop this send, but keep the token. Retrying
 *   would fail the same way forever, and deleting the token would lose a device that is fine.
 */
export interface PushOutcome {
  outcome: "sent" | "dead" | "retry" | "unsupported";
  /** Why, for logs: the provider's status and error; never the token. */
  detail?: string;
}

/** Sends push notifications to devices; adapters: `OutboxPushSender` (files), `FcmPushSender`, `WebPushSender`, `RoutingPushSender`. */
export interface PushSender {
  /**
   * Sends each message; one outcome per message, in order. Never throws for one bad token; rejects with InvalidArgument
   * (naming `messages[i].<field>`, sending none) when a message is malformed, and once closed.
   */
  send(messages: readonly PushMessage[]): Promise<PushOutcome[]>;
  /** Releases the adapter's resources; later sends reject. Idempotent. */
  close(): Promise<void>;
}
