# syntax=docker/dockerfile:1.7
# Wavegraph's production images, from one Dockerfile with a target per process kind:
#   app    the gateway, every subgraph but media, and catalog-worker
#   media  the media subgraph and media-worker, with ffmpeg, ffprobe, flite and espeak-ng from Debian baked in
# Build: docker build --target app -t wavegraph/app .   (docker-compose.yml builds both)
# Each process is chosen by its command (scripts/services.json lists them); the image's default
# is the gateway (app) and the media subgraph (media). e2e/images.e2e.ts keeps this file,
# docker-compose.yml, the Kubernetes manifests and scripts/services.json in agreement.
ARG NODE_IMAGE=node:20.19-bookworm-slim
ARG PNPM_VERSION=10.34.8

FROM ${NODE_IMAGE} AS os
# tini as PID 1 forwards SIGTERM to node and reaps the ffmpeg and sandbox children a process leaves
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

FROM os AS build
ARG PNPM_VERSION
RUN npm install -g pnpm@${PNPM_VERSION}
# the store is filled from the lockfile alone, so this layer is rebuilt only when the lockfile changes
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --frozen-lockfile
COPY . .
RUN pnpm install --frozen-lockfile --offline \
 && node_modules/.bin/tsc -b
# production dependencies of what runs, nothing else: tests, benchmarks, sources and the test kit stay behind
RUN rm -rf node_modules */node_modules */*/node_modules \
 && pnpm install --frozen-lockfile --offline --prod --filter "@wavegraph/gateway..." --filter "{./subgraphs/*}..." \
 && rm -rf e2e bench clients/typescript clients/web packages/testkit \
    */src */*/src */tsconfig*.json */*/tsconfig*.json tsconfig*.json *.tsbuildinfo \
    */*.tsbuildinfo */*/*.tsbuildinfo \
 && mkdir -p var/media

FROM os AS app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    MEDIA_DIR=/app/var/media
COPY --from=build --chown=node:node /app /app
USER node
# the URL a process answers health on; each service sets its own (see docker-compose.yml)
ENV HEALTHCHECK_URL=http://127.0.0.1:4000/ready
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
EXPOSE 4000 4001 4002 4003 4004 4006 4012
CMD ["node", "gateway/dist/main.js"]

FROM os AS media-os
# flite and espeak-ng: the text-to-speech engines of the synthesize step (MEDIA_TTS_ENGINES)
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg flite espeak-ng \
 && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -version >/dev/null && ffprobe -version >/dev/null && flite -lv >/dev/null && espeak-ng --version >/dev/null

FROM media-os AS media
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    MEDIA_DIR=/app/var/media
COPY --from=build --chown=node:node /app /app
USER node
ENV HEALTHCHECK_URL=http://127.0.0.1:4005/ready
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "scripts/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--"]
EXPOSE 4005 4015
CMD ["node", "subgraphs/media/dist/main.js"]
