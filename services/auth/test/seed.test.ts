import { migrateService, PgliteHost, rowsOf } from "@mercato/platform";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authService } from "../src/service.js";
import { seedSellerAccounts } from "../src/store/seed.js";

describe("seedSellerAccounts", () => {
  let pglite: PgliteHost;
  beforeAll(async () => {
    pglite = await PgliteHost.open({ postgis: false });
    await migrateService(authService, pglite.forService("auth"));
  });
  afterAll(async () => {
    await pglite.close();
  });

  it("writes verified seller accounts once, keeps an address someone already has, and stores no usable password", async () => {
    const database = pglite.forService("auth");
    const createdAt = new Date("2026-01-01T00:00:00Z");
    await database.db.execute(
      sql`insert into auth.accounts (id, roles, email, password_hash) values ('01900000-0000-7000-8000-000000000009', '{seller}', 'owner@taken.example', 'kept')`,
    );
    const rows = [
      { id: "01900000-0000-7000-8000-000000000001", email: "Owner@One.example", createdAt },
      { id: "01900000-0000-7000-8000-000000000002", email: "owner@taken.example", createdAt },
    ];
    expect(await seedSellerAccounts(database, rows)).toBe(1);
    expect(await seedSellerAccounts(database, rows)).toBe(0);
    const accounts = rowsOf<{
      id: string;
      email: string;
      roles: string[];
      verified: boolean;
      password_hash: string;
    }>(
      await database.db.execute(
        sql`select id, email, roles, email_verified_at is not null as verified, password_hash from auth.accounts order by id`,
      ),
    );
    expect(accounts.map((a) => [a.id, a.email, a.roles, a.verified])).toEqual([
      ["01900000-0000-7000-8000-000000000001", "owner@one.example", ["seller"], true],
      ["01900000-0000-7000-8000-000000000009", "owner@taken.example", ["seller"], false],
    ]);
    expect(accounts[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(accounts[1]?.password_hash).toBe("kept");
  });
});
