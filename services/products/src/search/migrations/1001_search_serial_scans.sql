-- Search queries read a few thousand rows at most; a parallel worker would first have to load
-- PostGIS (about 100 ms per worker, measured on 100k documents), so the planner keeps them serial.
ALTER TABLE "products"."search_documents" SET (parallel_workers = 0);
