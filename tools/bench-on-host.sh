#!/usr/bin/env bash
# Runs `dnd bench ARGS...` from a bundle made by tools/bench-bundle.sh, in a dnd checkout (for models/).
# Unpacks once into $DND_BUNDLE_HOME (default /tmp/dnd-bundle). Usage, from the checkout's root:
#   BUNDLE/bench-on-host.sh BUNDLE overhead --repeats 5
set -euo pipefail
bundle="$(cd "${1:?usage: bench-on-host.sh BUNDLE BENCH [ARGS...]}" && pwd)"; shift
home="${DND_BUNDLE_HOME:-/tmp/dnd-bundle}"
lib="$home/cache/pytorch/2.7.1-20250812-cpu-linux-x86_64"
if [ ! -x "$home/jre/bin/java" ]; then
  mkdir -p "$home/classes" "$lib"
  tar xJf "$bundle/runtime.tar.xz" -C "$home"
  tar xJf "$bundle/classes.tar.xz" -C "$home/classes"
fi
if [ ! -f "$lib/libtorch_cpu.so" ]; then
  cat "$bundle"/libtorch_cpu.so.xz.part-* | xz -T0 -dc > "$lib/libtorch_cpu.so.tmp" && mv "$lib/libtorch_cpu.so.tmp" "$lib/libtorch_cpu.so"
  cp "$home"/classes/pytorch/cpu/linux-x86_64/{libc10.so,libtorch.so,libgomp-98b21ff3.so.1} "$lib/"
  cp "$bundle/libdjl_torch.so" "$lib/0.36.0-libdjl_torch.so"
fi
export DJL_OFFLINE=true DJL_CACHE_DIR="$home/cache"
exec "$home/jre/bin/java" -Ddnd.home="$PWD" -cp "$home/classes" dnd.cli.Main bench "$@"
