import { fileURLToPath } from "node:url";
import { UsersService } from "@mercato/contracts/mercato/users/v1/users_pb";
import { defineService, loadSqlMigrations, MediaReferences } from "@mercato/platform";
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
  migrations: () => loadSqlMigrations(migrationsFolder),
  setup({ database, outbox }) {
    const media = new MediaReferences(database);
    const profiles = new Profiles(database, outbox, media);
    return {
      rpc: (router) => usersRoutes(router, { profiles, addressBook: new AddressBook(database) }),
      consumers: [userRegisteredConsumer(profiles), ...media.consumers()],
    };
  },
});
