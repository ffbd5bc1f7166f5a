import { create, type DescMessage, type MessageShape, toBinary } from "@bufbuild/protobuf";
import { timestampNow } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { AccountSchema, UserRegisteredSchema } from "@mercato/contracts/mercato/auth/v1/auth_pb";
import type { EventEnvelope } from "@mercato/platform";
import { v7 as uuidv7 } from "uuid";

/** An envelope of `message` on `subject`, as another service's outbox relay publishes it. */
export function eventEnvelope<Desc extends DescMessage>(
  subject: string,
  schema: Desc,
  message: MessageShape<Desc>,
): EventEnvelope {
  return {
    id: uuidv7(),
    subject,
    type: schema.typeName,
    occurredAt: new Date(),
    correlationId: uuidv7(),
    traceparent: undefined,
    payload: toBinary(schema, message),
  };
}

/** A UserRegistered envelope as the auth service's outbox relay publishes it, for tests of its consumers. */
export function userRegisteredEvent(account: {
  id: string;
  roles?: string[];
  email?: string;
  phone?: string;
}): EventEnvelope {
  return eventEnvelope(
    eventSubjects.auth.userRegistered.subject,
    UserRegisteredSchema,
    create(UserRegisteredSchema, {
      account: create(AccountSchema, {
        id: account.id,
        roles: account.roles ?? ["buyer"],
        email: account.email ?? "",
        phone: account.phone ?? "",
        createdAt: timestampNow(),
      }),
    }),
  );
}
