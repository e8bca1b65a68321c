#!/usr/bin/env bash
# The Docker engine for the microservices template's milestone 6 (its live test builds and runs the
# shop's images): on a machine without systemd, installs Debian's docker.io when it is missing and
# starts dockerd in the background, logging to a file, and stops it again only if this script
# started it. Needs root for install and start; `status` needs nothing.
#
#   bash scripts/docker/engine.sh ensure   # install if missing, start if not answering, wait for `docker info`
#   bash scripts/docker/engine.sh stop     # stop the dockerd this script started (none: nothing to do)
#   bash scripts/docker/engine.sh status   # exit 0 when `docker info` answers
set -euo pipefail

STATE=${DS_ROADMAP_DOCKER_STATE:-/run/ds-roadmap-docker}
LOG=${DS_ROADMAP_DOCKER_LOG:-/var/log/ds-roadmap-dockerd.log}
PIDFILE=$STATE/dockerd.pid

answers() { command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1; }

ensure() {
  if answers; then
    echo "docker engine: already answering ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
    return 0
  fi
  [[ $(id -u) == 0 ]] || { echo "docker engine: none answers and this is not root: cannot install or start dockerd" >&2; return 1; }
  if ! command -v dockerd >/dev/null; then
    command -v apt-get >/dev/null || { echo "docker engine: dockerd is missing and there is no apt-get to install docker.io" >&2; return 1; }
    echo "docker engine: installing Debian's docker.io"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
    # On a machine with systemd the package starts its own dockerd: use that one, not a second.
    if answers; then
      echo "docker engine: docker.io installed; its service answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
      return 0
    fi
  fi
  mkdir -p "$STATE" "$(dirname "$LOG")"
  # No systemd here: dockerd runs in the background, in its own session so that it outlives the
  # shell that started it, and this script remembers its pid so that `stop` ends only that one.
  setsid dockerd --storage-driver=overlay2 >>"$LOG" 2>&1 < /dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 60); do
    if answers; then
      echo "docker engine: dockerd $(docker version --format '{{.Server.Version}}') started (pid $(cat "$PIDFILE"), log $LOG)"
      return 0
    fi
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 1
  done
  echo "docker engine: dockerd did not answer; the end of $LOG:" >&2
  tail -20 "$LOG" >&2
  return 1
}

stop() {
  [[ -f $PIDFILE ]] || { echo "docker engine: not started by this script; left alone"; return 0; }
  local pid
  pid=$(cat "$PIDFILE")
  rm -f "$PIDFILE"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 30); do
    kill -0 "$pid" 2>/dev/null || { echo "docker engine: dockerd (pid $pid) stopped"; return 0; }
    sleep 1
  done
  echo "docker engine: dockerd (pid $pid) still running after 30 s" >&2
  return 1
}

case ${1:-} in
  ensure) ensure ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 ensure|stop|status" >&2; exit 2 ;;
esac
