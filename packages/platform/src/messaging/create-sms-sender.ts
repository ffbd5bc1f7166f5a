import { OutboxSmsSender } from "./outbox-sms-sender.js";
import type { SmsSender } from "./sms-sender.js";
import { TwilioSmsSender, type TwilioSmsSenderOptions } from "./twilio-sms-sender.js";

/** Options of `createSmsSender`: Twilio credentials when texts should really go out, else the outbox folder is used. */
export interface CreateSmsSenderOptions {
  twilio?: TwilioSmsSenderOptions | undefined;
  /** Outbox root for `OutboxSmsSender` (messages in `<outboxDir>/sms/`). */
  outboxDir: string;
  /** Line printer for `OutboxSmsSender`. */
  print?: ((line: string) => void) | undefined;
}

/** `TwilioSmsSender` when Twilio options are given, otherwise `OutboxSmsSender`. */
export function createSmsSender(options: CreateSmsSenderOptions): SmsSender {
  if (options.twilio) return new TwilioSmsSender(options.twilio);
  return new OutboxSmsSender({ dir: options.outboxDir, print: options.print });
}
