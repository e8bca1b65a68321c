# TODO(milestone 6): a multi-stage image for the catalog service: a first stage that installs the dev
# dependencies and type-checks, a final stage on a small Node 22 base with only package.json and
# src/, a non-root USER, EXPOSE and ENV PORT, a HEALTHCHECK on the real health path run by a
# program the base has (node: slim images have no curl), and CMD ["node", "src/services/catalog.ts"].
# Keep the base in ARG BASE_IMAGE and write each FROM as FROM ${BASE_IMAGE}: where Docker Hub is
# unreachable the checks build with a local stand-in. See the README, milestone 6. Delete this
# comment when done.
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE}
