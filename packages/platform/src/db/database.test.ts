import { describeWithInfra } from "@mercato/testing";
import { describeDatabaseContract } from "./database.contract.js";
import { openPostgres, PgliteHost } from "./database.js";

describeDatabaseContract("Database on PGlite (embedded)", async () => {
  const host = await PgliteHost.open();
  return {
    open: async (schema) => host.forService(schema),
    dropSchema: async () => {},
    close: () => host.close(),
  };
});

describeWithInfra("DATABASE_URL", "Database on PostgreSQL", (url) => {
  describeDatabaseContract("contract", async () => {
    const admin = openPostgres({ url, schema: "public" });
    return {
      open: async (schema) => openPostgres({ url, schema, maxConnections: 4 }),
      dropSchema: async (schema) => {
        await admin.db.execute(`drop schema if exists "${schema}" cascade`);
      },
      close: () => admin.close(),
    };
  });
});
