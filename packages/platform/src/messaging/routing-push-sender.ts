import { checkPushMessages, closedError } from "./checks.js";
import type { PushMessage, PushOutcome, PushPlatform, PushSender } from "./push-sender.js";

/** The senders `RoutingPushSender` hands messages to; a missing one means that kind of device is not served. */
export interface RoutingPushSenderOptions {
  /** Sends `ios` and `android` messages (FCM). */
  fcm?: PushSender | undefined;
  /** Sends `web` messages (Web Push). */
  web?: PushSender | undefined;
}

/**
 * One `PushSender` over the provider of each platform: `ios` and `android` to `fcm`, `web` to `web`, both parts of a
 * batch at once, outcomes back in the batch's order.
 *
 * A message for a platform without a configured provider gets the outcome `unsupported` ("no push provider configured
 * for web"), not `retry` (it would be retried forever) nor `dead` (the token is fine and would work once the provider
 * is configured). The caller records it and drops that send, keeping the token. Starting without a provider is allowed
 * on purpose: a deployment may serve only apps or only browsers.
 */
export class RoutingPushSender implements PushSender {
  readonly #fcm: PushSender | undefined;
  readonly #web: PushSender | undefined;
  #closed = false;

  constructor(options: RoutingPushSenderOptions) {
    this.#fcm = options.fcm;
    this.#web = options.web;
  }

  async send(messages: readonly PushMessage[]): Promise<PushOutcome[]> {
    if (this.#closed) throw closedError("RoutingPushSender");
    checkPushMessages(messages);
    const outcomes: PushOutcome[] = new Array(messages.length);
    const groups = new Map<PushSender, number[]>();
    messages.forEach((message, index) => {
      const sender = this.#senderFor(message.platform);
      if (sender === undefined) {
        outcomes[index] = {
          outcome: "unsupported",
          detail: `no push provider configured for ${message.platform}`,
        };
        return;
      }
      groups.set(sender, [...(groups.get(sender) ?? []), index]);
    });
    await Promise.all(
      [...groups].map(async ([sender, indexes]) => {
        const results = await sender.send(indexes.map((index) => messages[index] as PushMessage));
        indexes.forEach((index, position) => {
          outcomes[index] = results[position] ?? {
            outcome: "retry",
            detail: "the provider answered no outcome",
          };
        });
      }),
    );
    return outcomes;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([this.#fcm?.close(), this.#web?.close()]);
  }

  #senderFor(platform: PushPlatform): PushSender | undefined {
    return platform === "web" ? this.#web : this.#fcm;
  }
}
