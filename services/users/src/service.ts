import { fileURLToPath } from "node:url";
import { UsersService } from "@mercato/contracts/mercato/users/v1/users_pb";
import { defineService, loadDrizzleMigrations } from "@mercato/platform";
import { userRegisteredConsumer } from "./events/user-registered.consumer.js";
import { usersRoutes } from "./rpc/users.rpc.js";
import { AddressBook } from "./store/address-book.store.js";
import { Profiles } from "./store/profiles.store.js";

const migrationsFolder = fileURLToPath(new URL("./store/migrations/", import.meta.url));

/** The users service (port 9001): profiles created from registrations, and address books. */
export const usersService = defineService({
  name: "users",
  defaultPort: 9001,
  rpcServices: [UsersService.typeName],
  migrations: () => loadDrizzleMigrations(migrationsFolder),
  rpc(router, { database, outbox }) {
    usersRoutes(router, { profiles: new Profiles(database, outbox), addressBook: new AddressBook(database) });
  },
  consumers: ({ database, outbox }) => [userRegisteredConsumer(new Profiles(database, outbox))],
});
