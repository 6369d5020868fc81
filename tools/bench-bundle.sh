#!/usr/bin/env bash
# Packs what `dnd bench` needs to run on a host with no JDK and no network (e.g. a lent GPU machine,
# whose CPUs are all this needs): a jlinked JDK 17 runtime, the exploded dnd jar without its 446 MB
# libtorch, and DJL's CPU libtorch 2.7.1 from this machine's cache, xz-compressed and split into parts
# of at most PART bytes (default 34m) so that each part fits a transfer limit. Writes OUT/runtime.tar.xz,
# OUT/classes.tar.xz, OUT/libtorch_cpu.so.xz.part-*, OUT/libdjl_torch.so and OUT/bench-on-host.sh.
# Usage: tools/bench-bundle.sh OUT [PART]      (about 3-8 minutes on 2 cores, mostly xz)
set -euo pipefail
out="${1:?usage: tools/bench-bundle.sh OUT [PART]}"; part="${2:-34m}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jdk="${JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}"
cache="${DJL_CACHE_DIR:-$HOME/.djl.ai}/pytorch/2.7.1-20250812-cpu-linux-x86_64"
[ -f "$cache/libtorch_cpu.so" ] || { echo "no DJL libtorch cache at $cache: run ./dnd demo once first" >&2; exit 1; }
[ -f "$root/cli/target/dnd.jar" ] || (cd "$root" && mvn -q -B -DskipTests package -pl cli -am)
mkdir -p "$out"; work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
# jdk.jfr: Artery's flight recorder events are loaded on shutdown; the rest is what the jar's libraries use.
"$jdk/bin/jlink" --add-modules java.base,java.logging,java.management,java.naming,java.sql,java.xml,java.desktop,jdk.unsupported,jdk.management,java.net.http,jdk.crypto.ec,java.instrument,java.scripting,jdk.zipfs,jdk.jfr,jdk.management.jfr,jdk.net,jdk.naming.dns,java.security.jgss,java.compiler,jdk.attach,jdk.sctp \
  --strip-debug --no-header-files --no-man-pages --compress=0 --output "$work/jre"
tar cJf "$out/runtime.tar.xz" -C "$work" jre
cp "$root/cli/target/dnd.jar" "$work/dnd.jar"
# libtorch_cpu.so travels separately; native code for other platforms is dropped.
zip -q -d "$work/dnd.jar" 'pytorch/cpu/linux-x86_64/libtorch_cpu.so' 'jnilib/win*' 'jnilib/osx*' 'jnilib/linux-aarch64/*' \
  'jnilib/linux-x86_64/cu*' 'META-INF/native/*osx*' 'META-INF/native/*windows*' 'META-INF/native/*aarch*' >/dev/null || true
mkdir "$work/classes" && (cd "$work/classes" && unzip -q ../dnd.jar)
tar cJf "$out/classes.tar.xz" -C "$work/classes" .
xz -T0 -6 -c "$cache/libtorch_cpu.so" | split -b "$part" - "$out/libtorch_cpu.so.xz.part-"
cp "$cache"/*libdjl_torch.so "$out/libdjl_torch.so"
cp "$root/tools/bench-on-host.sh" "$out/"
ls -la "$out"
