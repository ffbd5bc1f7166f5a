# syntax=docker/dockerfile:1
# One image for every Mercato process (ADR 0045). Build:  docker build -t mercato .
# Run one process:  docker run -e SERVICE=orders -e DATABASE_URL=… -e NATS_URL=… -e REDIS_URL=… mercato
# SERVICE is a service's name (auth, users, sellers, products, inventory, orders, notifications,
# media) or gateway. apps/host/test/image.test.ts performs the npm and node steps of this file in
# a temporary directory on every CI run, so keep each of them on its own RUN line.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: every dependency, then the production build (services, gateway, hosts, web app) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build
# Keep what production runs: each workspace's package.json and dist, the web app's build.
RUN npm ci --omit=dev --no-audit --no-fund
RUN node apps/host/dist/prune-image.js

# --- runtime: Node, ffmpeg for the media service's videos, the build, no dev dependencies ---
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build --chown=root:root /app /app
ARG SERVICE=gateway
ENV SERVICE=${SERVICE} \
    NODE_ENV=production \
    NODE_OPTIONS=--conditions=mercato-dist \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=8080 \
    GATEWAY_PORT=8080 \
    DATA_DIR=/var/lib/mercato
RUN mkdir -p /var/lib/mercato && chown node:node /var/lib/mercato
# The code is root's and read-only to the process; only DATA_DIR is writable.
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "apps/host/dist/healthcheck.js"]
CMD ["node", "apps/host/dist/container.js"]
