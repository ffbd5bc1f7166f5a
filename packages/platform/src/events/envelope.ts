import type { DescMessage } from "@bufbuild/protobuf";

/** One event as it travels: metadata plus the Protobuf-encoded payload. */
export interface EventEnvelope {
  /** UUIDv7; also the JetStream `Nats-Msg-Id` and the inbox key. */
  id: string;
  /** `mercato.<domain>.<entity>.<verb>`, e.g. `mercato.orders.order.placed`. */
  subject: string;
  /** Full Protobuf message name of the payload, e.g. `mercato.orders.v1.OrderPlaced`. */
  type: string;
  occurredAt: Date;
  correlationId: string;
  /** W3C traceparent of the change that produced the event. */
  traceparent: string | undefined;
  payload: Uint8Array;
}

/**
 * A subject with the Protobuf message every event on it carries. The real ones are generated from the
 * contracts: `eventSubjects` of `@mercato/contracts/events`; producers and consumers take them from there.
 */
export interface EventSubject<Desc extends DescMessage = DescMessage> {
  /** `mercato.<domain>.<entity>.<verb>`. */
  readonly subject: string;
  readonly schema: Desc;
}

/** Header names carrying envelope metadata on the wire. */
export const eventHeaders = {
  type: "Mercato-Event-Type",
  occurredAt: "Mercato-Occurred-At",
  correlationId: "X-Correlation-Id",
  traceparent: "traceparent",
} as const;

const subjectPattern = /^mercato(\.[a-z0-9_-]+){3,}$/;

/** Throws when a subject does not follow `mercato.<domain>.<entity>.<verb>`. */
export function assertEventSubject(subject: string): void {
  if (!subjectPattern.test(subject)) {
    throw new Error(
      `event subject ${JSON.stringify(subject)} must look like mercato.<domain>.<entity>.<verb>`,
    );
  }
}

/** True when a concrete subject matches a NATS-style filter with `*` and `>` wildcards. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
