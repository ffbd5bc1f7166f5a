import { eventSubjects } from "@mercato/contracts/events";
import type { Profile } from "@mercato/contracts/mercato/users/v1/users_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Records ProfileCreated in the transaction that created the profile. */
export async function recordProfileCreated(outbox: Outbox, tx: Executor, profile: Profile): Promise<void> {
  await outbox.add(tx, eventSubjects.users.profileCreated, { profile });
}

/** Records ProfileUpdated in the transaction that changed the profile. */
export async function recordProfileUpdated(outbox: Outbox, tx: Executor, profile: Profile): Promise<void> {
  await outbox.add(tx, eventSubjects.users.profileUpdated, { profile });
}
