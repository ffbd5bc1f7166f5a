import { eventSubjects } from "@mercato/contracts/events";
import { defineConsumer } from "@mercato/platform";
import { validate as isUuid } from "uuid";
import type { Profiles } from "../store/profiles.store.js";

/**
 * Creates a profile for every registered account. The inbox drops redelivered events and the
 * insert ignores an existing profile, so the same registration never yields two profiles or two
 * ProfileCreated events.
 */
export function userRegisteredConsumer(profiles: Profiles) {
  return defineConsumer({
    name: "user-registered",
    on: eventSubjects.auth.userRegistered,
    async handle(_ctx, tx, message) {
      const account = message.account;
      // Retrying cannot fix such an event; it is parked after the attempts for inspection.
      if (!account || !isUuid(account.id))
        throw new Error("UserRegistered carries no account with a UUID id");
      await profiles.createForAccount(tx, account);
    },
  });
}
