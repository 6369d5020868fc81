#!/usr/bin/env bash
# Tunes every composition method's own options on DEVELOPMENT seeds (disjoint from the reported
# ones), the same small grid per method, against one running cluster; prints a table and leaves
# one results.json per setting under OUT. The chosen settings go into dnd.eval.MethodDefaults.
#
#   deploy/local-cluster.sh up                      # coordinator on 127.0.0.1:7000
#   tools/tune-methods.sh [--prompts P] [--images N] [--seed S] [--out DIR] [--coordinator H:P] [-- extra eval args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prompts=8 images=2 seed=1 out="$root/dnd-out/tuning" coordinator=127.0.0.1:7000 extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prompts) prompts="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --coordinator) coordinator="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
mkdir -p "$out"

# Stage 1, method | label | --option overrides (space-separated METHOD.KEY=VALUE): six settings per
# method (composable has only two, average none), its default first.
grid=(
  "average|defaults|"
  "composable|weights=normalised|composable.weights=normalised"
  "composable|weights=each|composable.weights=each"
  "multidiffusion|bootstrap=0|multidiffusion.bootstrap=0"
  "multidiffusion|bootstrap=0.2|multidiffusion.bootstrap=0.2"
  "multidiffusion|bootstrap=0.4|multidiffusion.bootstrap=0.4"
  "multidiffusion|bootstrap=0.6|multidiffusion.bootstrap=0.6"
  "multidiffusion|bootstrap=0.8|multidiffusion.bootstrap=0.8"
  "multidiffusion|bootstrap=0.4,black|multidiffusion.bootstrap=0.4 multidiffusion.background=black"
  "amdm|window-end=3|amdm.window-end=3"
  "amdm|window-end=6|amdm.window-end=6"
  "amdm|window-end=12|amdm.window-end=12"
  "amdm|window-end=24|amdm.window-end=24"
  "amdm|target=code|amdm.target=code"
  "amdm|window-end=6,code|amdm.window-end=6 amdm.target=code"
)
grid+=(
  "dnd|beta=4,gamma=0|dnd.beta=4 dnd.gamma=0"
  "dnd|beta=1,gamma=0|dnd.beta=1 dnd.gamma=0"
  "dnd|beta=4,gamma=1|dnd.beta=4 dnd.gamma=1"
  "dnd|beta=4,gamma=0,solo=0.4|dnd.beta=4 dnd.gamma=0 dnd.solo=0.4"
  "dnd|beta=4,gamma=1,solo=0.4|dnd.beta=4 dnd.gamma=1 dnd.solo=0.4"
  "dnd|beta=1,gamma=1,solo=0.4|dnd.beta=1 dnd.gamma=1 dnd.solo=0.4"
)
# Stage 2: two more settings next to each method's best of stage 1 (same effort for every method
# with options left to vary). dnd-nofair is not tuned on its own: it is the ablation of dnd, so it
# runs dnd's chosen options without the fairness constraints.
grid+=(
  "multidiffusion|bootstrap=0.2,black|multidiffusion.bootstrap=0.2 multidiffusion.background=black"
  "multidiffusion|bootstrap=0.6,black|multidiffusion.bootstrap=0.6 multidiffusion.background=black"
  "amdm|window-end=3,no-renorm|amdm.window-end=3 amdm.renormalise=off"
  "amdm|window-end=3,no-clamp|amdm.window-end=3 amdm.clamp=off"
  "dnd|beta=4,gamma=2|dnd.beta=4 dnd.gamma=2"
  "dnd|beta=1,gamma=1|dnd.beta=1 dnd.gamma=1"
)
# Stage 3 (session 4, under eta 1 / CFG 2): two more settings next to each method's best so far:
# dnd's fairness notion (which the grid had left at proportional), multidiffusion's bootstrap on
# both sides of 0.2, amdm's window around 24 of 25 steps.
grid+=(
  "multidiffusion|bootstrap=0.1|multidiffusion.bootstrap=0.1"
  "multidiffusion|bootstrap=0.3|multidiffusion.bootstrap=0.3"
  "amdm|window-end=18|amdm.window-end=18"
  "amdm|window-end=24,code|amdm.window-end=24 amdm.target=code"
  "dnd|beta=4,gamma=1,envy-free|dnd.beta=4 dnd.gamma=1 dnd.fairness=envy-free"
  "dnd|beta=4,gamma=1,equitable|dnd.beta=4 dnd.gamma=1 dnd.fairness=equitable"
)
# Stage 4 (session 5): dnd's new option repel (a player's guidance pushes its attention out of the
# other players' regions), alone and with gamma 2, on a larger dev set (--prompts 16: the earlier
# stages' 16 images per task could not tell settings 6 points apart):
#   TUNE_METHODS=dnd TUNE_ONLY=repel tools/tune-methods.sh --prompts 16 --images 2 --seed 1 --out dnd-out/tuning-s5
grid+=(
  "dnd|beta=4,gamma=1,repel=0|dnd.beta=4 dnd.gamma=1 dnd.repel=0"
  "dnd|beta=4,gamma=1,repel=0.5|dnd.beta=4 dnd.gamma=1 dnd.repel=0.5"
  "dnd|beta=4,gamma=1,repel=1|dnd.beta=4 dnd.gamma=1 dnd.repel=1"
  "dnd|beta=4,gamma=1,repel=2|dnd.beta=4 dnd.gamma=1 dnd.repel=2"
  "dnd|beta=4,gamma=1,repel=4|dnd.beta=4 dnd.gamma=1 dnd.repel=4"
  "dnd|beta=4,gamma=1,repel=8|dnd.beta=4 dnd.gamma=1 dnd.repel=8"
  "dnd|beta=4,gamma=2,repel=2|dnd.beta=4 dnd.gamma=2 dnd.repel=2"
  "dnd|beta=4,gamma=2,repel=4|dnd.beta=4 dnd.gamma=2 dnd.repel=4"
  "dnd|beta=4,gamma=2,repel=8|dnd.beta=4 dnd.gamma=2 dnd.repel=8"
  "dnd|beta=4,gamma=3,repel=2|dnd.beta=4 dnd.gamma=3 dnd.repel=2"
  "dnd|beta=4,gamma=3,repel=4|dnd.beta=4 dnd.gamma=3 dnd.repel=4"
)
# Stage 4b (session 5, after the apparel/footwear fine-tune): multidiffusion's bootstrap on the
# same larger dev set, and dnd's fairness notion with repulsion, against the ablation:
#   TUNE_ONLY=s4b tools/tune-methods.sh --prompts 16 --images 2 --seed 1 --out dnd-out/tuning-s5
grid+=(
  "multidiffusion|s4b,bootstrap=0.1|multidiffusion.bootstrap=0.1"
  "multidiffusion|s4b,bootstrap=0.3|multidiffusion.bootstrap=0.3"
  "multidiffusion|s4b,bootstrap=0.5|multidiffusion.bootstrap=0.5"
  "dnd|s4b,gamma=2,repel=2|dnd.beta=4 dnd.gamma=2 dnd.repel=2"
  "dnd-nofair|s4b,gamma=2,repel=2|dnd-nofair.beta=4 dnd-nofair.gamma=2 dnd-nofair.repel=2"
  "dnd|s4b,gamma=2,repel=2,envy-free|dnd.beta=4 dnd.gamma=2 dnd.repel=2 dnd.fairness=envy-free"
  "dnd|s4b,gamma=2,repel=2,equitable|dnd.beta=4 dnd.gamma=2 dnd.repel=2 dnd.fairness=equitable"
  "composable|s4b,weights=each|composable.weights=each"
  "composable|s4b,weights=normalised|composable.weights=normalised"
  "amdm|s4b,window-end=24|amdm.window-end=24"
  "amdm|s4b,window-end=18|amdm.window-end=18"
  "average|s4b,defaults|"
)
# Stage 5 (session 6): how strongly proportional fairness binds. delta=0.35 puts every target below
# what a flat start gives (1/(n+1)), so nothing binds; share=S (new) targets S of a player's own
# utility (the default is (1 - 0.05)/n); then the best two and the ablation on fresh dev seeds:
#   TUNE_ONLY=s5, tools/tune-methods.sh --prompts 16 --images 2 --seed 1 --out dnd-out/tuning-s6   # the comma leaves out s5b
#   TUNE_ONLY=s5b tools/tune-methods.sh --prompts 24 --images 2 --seed 2 --out dnd-out/tuning-s6b
grid+=(
  "dnd|s5,delta=0.35|dnd.delta=0.35"
  "dnd|s5,share=0.5|dnd.share=0.5"
  "dnd|s5,share=0.7|dnd.share=0.7"
  "dnd|s5,share=0.85|dnd.share=0.85"
  "dnd|s5b,defaults|"
  "dnd|s5b,share=0.85|dnd.share=0.85"
  "dnd-nofair|s5b,defaults|"
)
filter="${TUNE_METHODS:-}"   # e.g. TUNE_METHODS=dnd,multidiffusion to run part of the grid
only="${TUNE_ONLY:-}"        # e.g. TUNE_ONLY=repel: only the settings whose label contains it

printf '%-15s %-20s %8s %8s %8s %8s\n' method setting two_obj color three mean
for row in "${grid[@]}"; do
  IFS='|' read -r method label opts <<<"$row"
  if [ -n "$filter" ] && [[ ",$filter," != *",$method,"* ]]; then continue; fi
  if [ -n "$only" ] && [[ "$label" != *"$only"* ]]; then continue; fi
  args=()
  for o in $opts; do args+=(--option "$o"); done
  dir="$out/$method/$label"
  mkdir -p "$dir"
  if [ ! -f "$dir/results.json" ]; then
    "$root/dnd" eval --dev --seed "$seed" --prompts "$prompts" --images-per-prompt "$images" --methods "$method" \
        --coordinator "$coordinator" --no-progress --json ${args[@]+"${args[@]}"} ${extra[@]+"${extra[@]}"} >"$dir/results.json" 2>"$dir/eval.log"
  fi
  python3 - "$dir/results.json" "$method" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["tasks"]; m = sys.argv[2]
v = [r[t][m]["images_pct"] for t in ("two_object", "color_attr", "three_object") if t in r]
print("%-15s %-20s %8.1f %8.1f %8.1f %8.1f" % (m, sys.argv[3], *(v + [0] * (3 - len(v))), sum(v) / len(v)))
PY
done
