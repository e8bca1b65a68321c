#!/usr/bin/env bash
# Proves README's two commands on a fresh machine: a clean Debian 12 (debootstrap, minbase plus
# what a machine of this kind comes with: git, python3, make, g++), this machine's Node and npm,
# a clean clone of the current commit, no chromium, no libkrb5-dev, no ~/.cache, no ~/.npm. Runs
# `npm install`, `npm start` in its self-check mode, then `npm test` with CI=true and no stdin,
# each timed, in a chroot with its own PID namespace (so nothing it starts outlives it).
#
#   sudo bash scripts/fresh-machine-check.sh              # everything, `npm test` in full
#   FRESH_TEST='npm run test:integration' sudo bash ...   # something shorter than `npm test`
#   FRESH_ROOTFS=/srv/x FRESH_KEEP=1 ...                  # where the chroot lives; keep it after
#
# Docker: the microservices proof in `npm test` builds and runs containers. A chroot cannot run a
# dockerd of its own (it has no cgroup mounts), so this machine's engine is started here
# (scripts/docker/engine.sh, stopped again at the end if it started it) and its socket is bound into
# the chroot: there `npm test` installs Debian's docker.io itself and finds that engine answering.
# What this does not prove is starting dockerd on a fresh machine; CI, on one, does.
#
# Needs root, the npm registry and Debian's mirror. Output and timings: $FRESH_ROOTFS/root/check.log
# and the last lines printed here.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOTFS=${FRESH_ROOTFS:-/srv/ds-roadmap-fresh}
BASE=${FRESH_BASE:-/srv/ds-roadmap-bookworm-base}
MIRROR=${FRESH_MIRROR:-http://deb.debian.org/debian}
TEST_COMMAND=${FRESH_TEST:-npm test}
COMMIT=$(git -C "$REPO" rev-parse HEAD)

[[ $(id -u) == 0 ]] || { echo "fresh-machine-check: run as root (it uses debootstrap, chroot and mount)" >&2; exit 1; }
[[ -z $(git -C "$REPO" status --porcelain) ]] || echo "fresh-machine-check: note: uncommitted changes are not in the check; it clones $COMMIT" >&2

# 1. A Debian 12 base, made once and kept (about 2.5 min), then copied for each run.
if [[ ! -e $BASE/.complete ]]; then
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  rm -rf "$BASE"
  debootstrap --variant=minbase --include=ca-certificates,git,python3,make,g++,xz-utils,procps bookworm "$BASE" "$MIRROR"
  touch "$BASE/.complete"
fi

unmount_all() {
  umount -l "$ROOTFS/run/docker.sock" 2>/dev/null || true
  for mount in proc dev/pts dev sys; do
    if mountpoint -q "$ROOTFS/$mount"; then umount -l "$ROOTFS/$mount"; fi
  done
}
cleanup() {
  unmount_all
  DS_ROADMAP_DOCKER_STATE=/run/ds-roadmap-fresh-docker bash "$REPO/scripts/docker/engine.sh" stop || true
  [[ -n ${FRESH_KEEP:-} ]] || rm -rf --one-file-system "$ROOTFS"
}
unmount_all
rm -rf --one-file-system "$ROOTFS"
trap cleanup EXIT
cp -a "$BASE" "$ROOTFS"

# 2. What a machine of this kind has beyond Debian: Node and npm (copied from this machine, with
#    Node's headers for node-gyp), the npm settings, and the certificate authorities it trusts.
node_prefix=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
npm_root=$(npm root -g)
cp "$(readlink -f "$(command -v node)")" "$ROOTFS/usr/bin/node"
mkdir -p "$ROOTFS/usr/lib/node_modules" "$ROOTFS/usr/include"
cp -a "$npm_root/npm" "$ROOTFS/usr/lib/node_modules/npm"
[[ -d $node_prefix/include/node ]] && cp -a "$node_prefix/include/node" "$ROOTFS/usr/include/node"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/bin/npx"
[[ -f /root/.npmrc ]] && cp /root/.npmrc "$ROOTFS/root/.npmrc"
[[ -f /usr/etc/npmrc ]] && mkdir -p "$ROOTFS/usr/etc" && cp /usr/etc/npmrc "$ROOTFS/usr/etc/npmrc"
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  cp /usr/local/share/ca-certificates/*.crt "$ROOTFS/usr/local/share/ca-certificates/"
  chroot "$ROOTFS" update-ca-certificates >/dev/null
fi
cp /etc/resolv.conf "$ROOTFS/etc/resolv.conf"

# 3. A clean clone of this commit, with shared/ beside it as CI has it (nothing needs it: the seed
#    text the tests compare with is test/fixtures/roadmap-seed.txt).
git clone --quiet --no-local "$REPO" "$ROOTFS/root/ds-roadmap"
git -C "$ROOTFS/root/ds-roadmap" checkout --quiet "$COMMIT"
if [[ -d $REPO/../shared ]]; then cp -a "$REPO/../shared" "$ROOTFS/root/shared"; fi

# 4. Nothing of what the commands install by themselves.
for absent in /usr/bin/chromium /usr/include/gssapi/gssapi.h /root/.cache /root/.npm; do
  [[ ! -e $ROOTFS$absent ]] || { echo "fresh-machine-check: $absent is in the base; it must not be" >&2; exit 1; }
done

mount --bind /dev "$ROOTFS/dev"
mount --bind /dev/pts "$ROOTFS/dev/pts"
mount --bind /sys "$ROOTFS/sys"
DS_ROADMAP_DOCKER_STATE=/run/ds-roadmap-fresh-docker bash "$REPO/scripts/docker/engine.sh" ensure
mkdir -p "$ROOTFS/run" && touch "$ROOTFS/run/docker.sock"
# No service starts inside the chroot (docker.io's install would try to start a dockerd of its own).
printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d" && chmod +x "$ROOTFS/usr/sbin/policy-rc.d"
mount --bind /run/docker.sock "$ROOTFS/run/docker.sock"

cat >"$ROOTFS/root/check.sh" <<EOF
set -uo pipefail
mount -t proc proc /proc
cd /root/ds-roadmap
echo "fresh-machine-check: \$(cat /etc/debian_version), node \$(node --version), npm \$(npm --version), commit $COMMIT"
step() {
  local name=\$1; shift
  local started=\$(date +%s)
  echo "=== \$name: \$*"
  "\$@" </dev/null
  local status=\$?
  echo "=== \$name: exit \$status after \$((\$(date +%s) - started)) s"
  echo "\$name exit=\$status seconds=\$((\$(date +%s) - started))" >>/root/timings
  return \$status
}
step install npm install &&
  step start env DS_ROADMAP_USE_SERVER=1 DS_ROADMAP_START_CHECK=1 npm start &&
  step test env CI=true $TEST_COMMAND
status=\$?
umount /proc
exit \$status
EOF

# A PID namespace of its own: whatever the commands leave running ends with the check.
status=0
env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb \
  ${NODE_EXTRA_CA_CERTS:+NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS} \
  unshare --pid --fork --mount chroot "$ROOTFS" /bin/bash /root/check.sh 2>&1 | tee "$ROOTFS/root/check.log" || status=$?
echo "fresh-machine-check: timings (seconds)"
cat "$ROOTFS/root/timings" 2>/dev/null || true
for absent in /usr/bin/chromium /usr/include/gssapi/gssapi.h; do
  [[ -e $ROOTFS$absent ]] && echo "fresh-machine-check: note: $absent is now installed" || echo "fresh-machine-check: $absent still absent"
done
[[ -n ${FRESH_KEEP:-} ]] && echo "fresh-machine-check: kept $ROOTFS (log: $ROOTFS/root/check.log)"
exit "$status"
