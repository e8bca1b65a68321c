# The orders service's image. Build from the project root:
#   docker build -f docker/orders.Dockerfile -t shop/orders:0.1.0 .
# Stage 1 installs the dev dependencies and type-checks the whole project: an image is only made
# from code that checks. Stage 2 is what runs: a small base, package.json and src/, nothing else
# (no node_modules: the services have no runtime dependency), as the unprivileged "node" user.
# BASE_IMAGE: Docker Hub's official Node 22 image by default; where no registry is reachable, the
# checks build with --build-arg BASE_IMAGE=ds-roadmap/node:22-bookworm-slim, a local stand-in.
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE} AS check
WORKDIR /app
COPY package*.json ./
RUN npm install --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY harness ./harness
COPY test ./test
RUN npm run typecheck

FROM ${BASE_IMAGE}
ENV NODE_ENV=production
ENV PORT=8080
WORKDIR /app
COPY --from=check /app/package.json ./
COPY --from=check /app/src ./src
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=10s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/services/orders.ts"]
