#!/usr/bin/env bash
# A real multi-process dnd cluster on this machine, over loopback: one coordinator JVM and one
# model-node JVM per shipped model (times --replicas). Everything it starts is recorded under
# $DND_RUN_DIR (default: <repo>/.dnd-run): pids and logs.
#
#   deploy/local-cluster.sh up [--replicas R] [--models DIR] [--port 7000] [--cluster-port 2551] [--gmm]
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh down
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="${DND_RUN_DIR:-$root/.dnd-run}"
jar="$root/cli/target/dnd.jar"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }

java_opts=(${DND_JAVA_OPTS:-} -Ddnd.home="$root")
# A node's own Java work is glue around libtorch: the C1 compiler alone warms it up in seconds and
# leaves the cores to the models (docs/benchmarks.md, session 5). Override with DND_NODE_JAVA_OPTS.
node_java_opts=(${DND_NODE_JAVA_OPTS:--XX:TieredStopAtLevel=1})
export DJL_OFFLINE="${DJL_OFFLINE:-true}" OPT_OUT_TRACKING="${OPT_OUT_TRACKING:-true}"

start() { # name, args...: start a JVM in the background, remember its pid
  local name="$1"; shift
  local extra=()
  [ "$1" = node ] && extra=("${node_java_opts[@]}")
  nohup java "${java_opts[@]}" "${extra[@]}" -jar "$jar" "$@" >"$run/logs/$name.log" 2>&1 &
  echo "$!" >"$run/pids/$name.pid"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

up() {
  local replicas=1 models="$root/models" port=7000 cport=2551 gmm=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --replicas) replicas="$2"; shift 2 ;;
      --models) models="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      --cluster-port) cport="$2"; shift 2 ;;
      --gmm) gmm=1; shift ;;
      *) usage ;;
    esac
  done
  [[ "$replicas" =~ ^[1-9][0-9]*$ ]] || { echo "--replicas must be a positive number" >&2; exit 2; }
  for p in "$run"/pids/*.pid; do
    if alive "$p"; then echo "a cluster is already running (see $run); run '$0 down' first" >&2; exit 1; fi
  done
  rm -rf "$run"; mkdir -p "$run/pids" "$run/logs"
  # build the jar when missing or stale (the launcher knows how)
  "$root/dnd" --version >/dev/null

  # the models to serve: real ones; the test fixture only when there is no real one
  local dirs=() fixtures=()
  for d in "$models"/*/; do
    [ -f "$d/model.json" ] || continue
    if grep -q '"fixture"[[:space:]]*:[[:space:]]*true' "$d/model.json"; then fixtures+=("${d%/}"); else dirs+=("${d%/}"); fi
  done
  [ ${#dirs[@]} -gt 0 ] || dirs=("${fixtures[@]}")
  if [ ${#dirs[@]} -eq 0 ] && [ "$gmm" = 0 ]; then
    echo "no model under $models; pass --gmm to serve the analytic Gaussian-mixture model instead" >&2; exit 1
  fi

  start coordinator coordinator --host 127.0.0.1 --port "$port" --cluster-port "$cport"
  local i=0 names=()
  for d in "${dirs[@]}"; do
    local name; name="$(basename "$d")"; names+=("$name")
    for r in $(seq 1 "$replicas"); do
      i=$((i + 1))
      start "$name-$r" node --model "$d" --host 127.0.0.1 --port $((port + 100 + i)) --cluster-port $((cport + i)) \
        --seed-node "127.0.0.1:$cport" --node-id "$name-$r"
    done
  done
  if [ "$gmm" = 1 ]; then
    for r in $(seq 1 "$replicas"); do
      i=$((i + 1))
      start "gmm-$r" node --gmm default --host 127.0.0.1 --port $((port + 100 + i)) --cluster-port $((cport + i)) \
        --seed-node "127.0.0.1:$cport" --node-id "gmm-$r"
    done
  fi
  echo "127.0.0.1:$port" >"$run/coordinator"

  # wait until every node has registered with the coordinator
  local deadline=$((SECONDS + 180)) want=$((i))
  echo "waiting for $want node(s) to register with the coordinator at 127.0.0.1:$port ..." >&2
  while :; do
    for p in "$run"/pids/*.pid; do
      alive "$p" || { echo "$(basename "$p" .pid) exited; its log: $run/logs/$(basename "$p" .pid).log" >&2; tail -5 "$run/logs/$(basename "$p" .pid).log" >&2; exit 1; }
    done
    local listed
    listed="$(java "${java_opts[@]}" -jar "$jar" models --coordinator "127.0.0.1:$port" 2>/dev/null | sed -n 's/^  replicas (\([0-9]*\)).*/\1/p' | awk '{s+=$1} END {print s+0}' || true)"
    [ -n "$listed" ] && [ "$listed" -ge "$want" ] && break
    [ $SECONDS -lt $deadline ] || { echo "only ${listed:-0} of $want nodes registered after 180 s; logs in $run/logs" >&2; exit 1; }
    sleep 2
  done
  echo "dnd cluster up: coordinator 127.0.0.1:$port, $want node(s) (models: ${names[*]:-} $([ "$gmm" = 1 ] && echo gmm), $replicas replica(s) each); logs in $run/logs"
  echo "try: ./dnd cluster --coordinator 127.0.0.1:$port"
  echo "127.0.0.1:$port"
}

down() {
  [ -d "$run/pids" ] || { echo "no cluster recorded in $run"; return 0; }
  local pids=()
  # nodes first (they deregister and drain), the coordinator last
  for p in $(ls "$run"/pids/*.pid 2>/dev/null | grep -v /coordinator.pid) "$run/pids/coordinator.pid"; do
    [ -f "$p" ] || continue
    if alive "$p"; then kill -TERM "$(cat "$p")" 2>/dev/null || true; pids+=("$(cat "$p")"); fi
  done
  local deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$run"/pids/*.pid "$run/coordinator"
  echo "dnd cluster down (${#pids[@]} process(es) stopped)"
}

status() {
  [ -f "$run/coordinator" ] || { echo "no cluster recorded in $run"; return 1; }
  java "${java_opts[@]}" -jar "$jar" cluster --coordinator "$(cat "$run/coordinator")"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) usage ;;
esac
