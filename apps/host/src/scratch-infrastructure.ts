import { NatsEventBus, openPostgres, RedisKeyValue } from "@mercato/platform";
import pg from "pg";
import type { HostInfrastructure } from "./embedded.js";

/** Options of scratchInfrastructure. */
export interface ScratchInfrastructureOptions {
  /** A PostgreSQL server (any database on it); the scratch database is created there. */
  databaseUrl: string;
  natsUrl: string;
  redisUrl: string;
  /** Name of the database created now and dropped at close; also the NATS connection's name. */
  database: string;
  /** Prefix of the run's durable consumers: runs sharing a stream never take each other's events. */
  durablePrefix: string;
  /** Prefix of the run's Redis keys. */
  keyPrefix: string;
  /** PostgreSQL connections per service; default 5. */
  poolSize?: number;
}

/**
 * Real PostgreSQL, NATS JetStream and Redis for one throwaway run of the hosts (end-to-end tests,
 * benchmarks): a database of its own (dropped at close), durable consumers of its own that start at
 * the run's start (not at the stream's first event, which other runs left there) and go away ten
 * minutes after it, and Redis keys under a prefix of its own.
 */
export async function scratchInfrastructure(
  options: ScratchInfrastructureOptions,
): Promise<HostInfrastructure> {
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database "${options.database}"`);
  const url = new URL(options.databaseUrl);
  url.pathname = `/${options.database}`;
  const pools: { close(): Promise<void> }[] = [];
  const bus = await NatsEventBus.connect({
    url: options.natsUrl,
    name: options.database,
    durablePrefix: options.durablePrefix,
    inactiveThresholdMs: 600_000,
    deliverFrom: new Date(),
  });
  const kv = new RedisKeyValue({ url: options.redisUrl, keyPrefix: options.keyPrefix });
  return {
    database: (schema) => {
      const db = openPostgres({ url: url.toString(), schema, maxConnections: options.poolSize ?? 5 });
      pools.push(db);
      return db;
    },
    bus,
    kv,
    close: async () => {
      await bus.close();
      await kv.close();
      for (const pool of pools) await pool.close().catch(() => {});
      await admin(`drop database if exists "${options.database}" with (force)`);
    },
  };
}
