# TODO(milestone 6): a multi-stage image for the registry service: a first stage that installs the dev
# dependencies and type-checks, a final stage on a small Node 22 base with only package.json and
# src/, a non-root USER, EXPOSE and ENV PORT, a HEALTHCHECK on the real health path, and
# CMD ["node", "src/services/registry.ts"]. See the README, milestone 6. Delete this comment when done.
FROM node:22-alpine
