/** One text message to one phone number. */
export interface SmsMessage {
  /** E.164 phone number, `+` and 2 to 15 digits (`+4915112345678`). */
  to: string;
  /** 1 to 1600 characters (the most a provider will split into segments). */
  body: string;
}

/** What an SMS sender answers once the message is accepted: the provider's (or outbox's) message id. */
export interface SentSms {
  id: string;
}

/** Sends text messages (OTP codes, order updates); adapters: `OutboxSmsSender` (files), `TwilioSmsSender`. */
export interface SmsSender {
  /** Sends one message; rejects with InvalidArgument for a bad recipient or body, ServiceUnavailable when the provider cannot be reached. */
  send(message: SmsMessage): Promise<SentSms>;
  /** Releases the adapter's resources; later sends reject. Idempotent. */
  close(): Promise<void>;
}
