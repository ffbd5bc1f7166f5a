/**
 * An event as live updates read it: the fields of the bus's EventEnvelope they need. The gateway
 * holds no bus of its own (dependency rule gateway-holds-no-state); its host hands one in.
 */
export interface LiveEvent {
  id: string;
  subject: string;
  occurredAt: Date;
  payload: Uint8Array;
}

/** One update for one user's subscriptions of one field. */
export interface LiveDelivery {
  /** `liveTopic(field, userId)`. */
  topic: string;
  /** The subscription's answer: `{ [field]: model }`. */
  payload: Record<string, unknown>;
}

/**
 * One subject a domain passes on live: `route` decodes an event and names whom it goes to, each
 * topic naming a user the server found in the event, never one a client chose.
 */
export interface LiveFeed {
  subject: string;
  route(event: LiveEvent): readonly LiveDelivery[];
}

/** The topic of `field`'s updates for `userId`. */
export const liveTopic = (field: string, userId: string) => `${field}:${userId}`;
