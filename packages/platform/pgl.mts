import { PGlite } from "@electric-sql/pglite";
import { postgis } from "@electric-sql/pglite-postgis";

const t = Date.now();
const db = await PGlite.create({ dataDir: "/tmp/pgl-data", extensions: { postgis } });
await db.exec("create extension if not exists postgis");
const r = await db.query(
  "select ST_Distance('SRID=4326;POINT(2.35 48.85)'::geography, 'SRID=4326;POINT(13.4 52.5)'::geography) as d",
);
console.log(r.rows, Date.now() - t, process.memoryUsage().rss / 1e6);
