import { timestampDate } from "@bufbuild/protobuf/wkt";
import { eventSubjects } from "@mercato/contracts/events";
import { type ConsumerDefinition, defineConsumer } from "@mercato/platform";
import type { Notifier } from "../notify.workflow.js";

/** What any user hears about their account: a password changed or reset, a sign-in from a new device. */
export function securityConsumers(notifier: Notifier): ConsumerDefinition[] {
  return [
    defineConsumer({
      name: "security-password-changed",
      on: eventSubjects.auth.userPasswordChanged,
      async handle(_ctx, tx, event, envelope) {
        await notifier.notify(tx, envelope.id, event.userId, {
          kind: "security.password_changed",
          byReset: event.byReset,
        });
      },
    }),
    defineConsumer({
      name: "security-new-device",
      on: eventSubjects.auth.userNewDeviceSignedIn,
      async handle(_ctx, tx, event, envelope) {
        await notifier.notify(tx, envelope.id, event.userId, {
          kind: "security.new_device",
          userAgent: event.userAgent,
          ip: event.ip,
          at: event.signedInAt ? timestampDate(event.signedInAt) : envelope.occurredAt,
        });
      },
    }),
  ] as ConsumerDefinition[];
}
