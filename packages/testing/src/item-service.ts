import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  GetItemResponseSchema,
  type Item,
  ItemPutSchema,
  ItemSchema,
  ItemService,
  ListItemsResponseSchema,
  PutItemResponseSchema,
} from "@mercato/contracts/mercato/testkit/v1/item_pb";
import {
  createLogger,
  defineService,
  InvalidArgument,
  MemoryEventBus,
  MemoryKeyValue,
  NotFound,
  PgliteHost,
  type RunningService,
  type ServiceDefinition,
  startService,
} from "@mercato/platform";
import { and, asc, eq, gt } from "drizzle-orm";
import { bigint, pgSchema, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { v7 as uuidv7 } from "uuid";

function itemsTable(schema: string) {
  return pgSchema(schema).table("items", {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    priceMinor: bigint("price_minor", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  });
}

/** Options of itemService. */
export interface ItemServiceOptions {
  /** Service (and schema) name; tests pick a unique one. Default `testkit`. */
  name?: string;
  /** Artificial delay of GetItem in ms, to exercise deadlines. */
  getDelayMs?: () => number;
}

/**
 * A small but real service used by platform and gateway tests and the benchmark: items in its own
 * schema, an `ItemPut` event through the outbox on every write, validation from the contract.
 */
export function itemService(options: ItemServiceOptions = {}): ServiceDefinition {
  const name = options.name ?? "testkit";
  const items = itemsTable(name);
  const toProto = (row: typeof items.$inferSelect): Item =>
    create(ItemSchema, {
      id: row.id,
      name: row.name,
      priceMinor: row.priceMinor,
      currency: row.currency,
      createdAt: timestampFromDate(row.createdAt),
    });
  return defineService({
    name,
    defaultPort: 0,
    rpcServices: [ItemService.typeName],
    migrations: async () => [
      {
        id: "0001_items",
        statements: [
          `create table "${name}".items (id uuid primary key, name text not null, price_minor bigint not null, currency char(3) not null, created_at timestamptz not null default now())`,
        ],
      },
    ],
    setup: ({ database, outbox }) => ({
      rpc(router) {
        router.service(ItemService, {
          async getItem(req, context) {
            const delay = options.getDelayMs?.() ?? 0;
            if (delay > 0) {
              await new Promise((resolve, reject) => {
                const timer = setTimeout(resolve, delay);
                context.signal.addEventListener("abort", () => {
                  clearTimeout(timer);
                  reject(context.signal.reason);
                });
              });
            }
            const [row] = await database.db.select().from(items).where(eq(items.id, req.id)).limit(1);
            if (!row) throw new NotFound(`item ${req.id} not found`);
            return create(GetItemResponseSchema, { item: toProto(row) });
          },
          async putItem(req) {
            const row = await database.transaction(async (tx) => {
              const [inserted] = await tx
                .insert(items)
                .values({ id: uuidv7(), name: req.name, priceMinor: req.priceMinor, currency: req.currency })
                .returning();
              if (!inserted) throw new Error("insert returned no row");
              // Each fixture publishes under its own domain, so its own subject stands in for testkit's.
              const itemPut = { subject: `mercato.${name}.item.put`, schema: ItemPutSchema };
              await outbox.add(tx, itemPut, { item: toProto(inserted) });
              return inserted;
            });
            return create(PutItemResponseSchema, { item: toProto(row) });
          },
          async listItems(req) {
            const limit = req.limit === 0 ? 20 : req.limit;
            if (req.cursor && !/^[0-9a-f-]{36}$/.test(req.cursor))
              throw InvalidArgument.field("cursor", "is not a cursor from a previous page");
            const rows = await database.db
              .select()
              .from(items)
              .where(req.cursor ? and(gt(items.id, req.cursor)) : undefined)
              .orderBy(asc(items.id))
              .limit(limit + 1);
            const page = rows.slice(0, limit);
            return create(ListItemsResponseSchema, {
              items: page.map(toProto),
              nextCursor: rows.length > limit ? (page.at(-1)?.id ?? "") : "",
            });
          },
        });
      },
    }),
  });
}

/** The item service running on embedded infrastructure, for tests and the benchmark. */
export interface RunningItemService {
  service: RunningService;
  bus: MemoryEventBus;
  stop(): Promise<void>;
}

/**
 * Starts the item service on a free loopback port over in-memory PGlite (no PostGIS), the
 * in-process bus and key-value store, with silent logs. `beforeStart` may subscribe to the bus first.
 */
export async function startItemService(
  options: ItemServiceOptions & { beforeStart?: (bus: MemoryEventBus) => Promise<void> } = {},
): Promise<RunningItemService> {
  const pglite = await PgliteHost.open({ postgis: false });
  const bus = new MemoryEventBus();
  const kv = new MemoryKeyValue();
  await options.beforeStart?.(bus);
  const service = await startService(
    itemService(options),
    {
      database: (name) => pglite.forService(name),
      bus,
      kv,
      logger: (name) => createLogger({ service: name, level: "silent" }),
    },
    { host: "127.0.0.1", port: 0 },
  );
  return {
    service,
    bus,
    stop: async () => {
      await service.stop().catch(() => {});
      await bus.close();
      await kv.close();
      await pglite.close();
    },
  };
}
