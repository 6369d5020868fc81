#!/usr/bin/env bash
# Runs the four issue-5 benchmarks from a bundle made by tools/bench-bundle.sh on a lent host, in the
# order that matters most (overhead, fanout, throughput, peer), each under its own time limit so that
# one stuck benchmark does not cost the others. For each NAME it writes OUTDIR/NAME.json (the --json
# rows) and OUTDIR/NAME.log (progress, tables, errors) and prints both. Run from a dnd checkout's root:
#   tools/bench-all-on-host.sh BUNDLE OUTDIR      (about 7 minutes on a 16-core host)
# The bundle is larger than one 64 MiB transfer: docs/benchmarks.md, "Running the benchmarks on a lent
# host", says how to ship it in three parts.
set -uo pipefail
bundle="${1:?usage: bench-all-on-host.sh BUNDLE OUTDIR}"; out="${2:?usage: bench-all-on-host.sh BUNDLE OUTDIR}"
mkdir -p "$out"
echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), python3 torch $(python3 -c 'import torch; print(torch.__version__)' 2>&1)"
bench() {  # NAME LIMIT_S BENCH ARGS...
  local name="$1" limit="$2"; shift 2
  echo "== $(date -u +%H:%M:%S) $name: dnd bench $*"
  timeout "$limit" "$bundle/bench-on-host.sh" "$bundle" "$@" --json >"$out/$name.json" 2>"$out/$name.log"
  local rc=$?  # before any other command: 124 means the limit stopped it
  echo "== $(date -u +%H:%M:%S) $name: exit $rc"
  tail -c 2000 "$out/$name.log"; cat "$out/$name.json"; echo
}
bench overhead 200 overhead --repeats 5 --warmup 20
bench fanout 110 fanout --repeats 6
bench throughput 110 throughput --only apparel,footwear --node-threads 6
bench peer 200 peer --only apparel,footwear --repeats 3 --python python3
