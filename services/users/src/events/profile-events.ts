import { create } from "@bufbuild/protobuf";
import {
  type Profile,
  ProfileCreatedSchema,
  ProfileUpdatedSchema,
} from "@mercato/contracts/mercato/users/v1/users_pb";
import type { Executor, Outbox } from "@mercato/platform";

/** Subjects of the events the users service publishes. */
export const usersSubjects = {
  profileCreated: "mercato.users.profile.created",
  profileUpdated: "mercato.users.profile.updated",
} as const;

/** Records ProfileCreated in the transaction that created the profile. */
export async function recordProfileCreated(outbox: Outbox, tx: Executor, profile: Profile): Promise<void> {
  await outbox.add(tx, {
    subject: usersSubjects.profileCreated,
    schema: ProfileCreatedSchema,
    message: create(ProfileCreatedSchema, { profile }),
  });
}

/** Records ProfileUpdated in the transaction that changed the profile. */
export async function recordProfileUpdated(outbox: Outbox, tx: Executor, profile: Profile): Promise<void> {
  await outbox.add(tx, {
    subject: usersSubjects.profileUpdated,
    schema: ProfileUpdatedSchema,
    message: create(ProfileUpdatedSchema, { profile }),
  });
}
