#!/usr/bin/env bash
# Issue 16's bar for a CPU kernel configuration: runs of 1,500 steps (plain TorchSharp, the seed network, batch 32,
# SGD lr 0.05 momentum 0.5, seeds 0..N-1) that must never reach a non-finite loss or gradient. Prints a table.
#   tools/onednn-nan/soundness.sh [runs=20] [configuration ...]
# A configuration is "im2col", "onednn" or "onednn:ISA" (ONEDNN_MAX_CPU_ISA=ISA, e.g. onednn:AVX2), optionally with
# "@T" for T threads (onednn@1). Default: im2col onednn. Runs niced; logs go to ${LOGS:-/tmp/onednn-soundness}.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}; shift || true
if [ $# -eq 0 ]; then configs=(im2col onednn); else configs=("$@"); fi
logs=${LOGS:-/tmp/onednn-soundness}; mkdir -p "$logs"
dotnet build -c Release tools/onednn-nan -o "$logs/bin" -v q -nologo >/dev/null
rows=()
for config in "${configs[@]}"; do
  kernels=${config%%[:@]*}; isa=; threads=
  [[ $config == *:* ]] && { isa=${config#*:}; isa=${isa%@*}; }
  [[ $config == *@* ]] && threads=${config#*@}
  log="$logs/${config//[:@]/-}.log"
  start=$(date +%s)
  env ${isa:+ONEDNN_MAX_CPU_ISA=$isa} ${threads:+OMP_NUM_THREADS=$threads} nice -n 15 \
    dotnet "$logs/bin/OneDnnNan.dll" hunt --kernels "$kernels" --seeds "0-$((runs - 1))" ${threads:+--threads $threads} \
    --save "$logs/${config//[:@]/-}" >"$log" 2>/dev/null
  bad=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 != "-"' "$log" | wc -l)
  done_runs=$(awk -F'\t' '$1 ~ /^[0-9]+$/' "$log" | wc -l)
  steps=$(awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 != "-" {printf "%s%s", sep, $2; sep=","}' "$log")
  rows+=("| $config | $done_runs | $bad | ${steps:--} | $(( $(date +%s) - start )) |")
done
echo "# $(date -u +%F) · $(lscpu | sed -n 's/^Model name: *//p') · $(nproc) cores · load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| configuration | runs of 1,500 steps | non-finite | first non-finite steps | seconds |"
echo "| --- | ---: | ---: | --- | ---: |"
printf '%s\n' "${rows[@]}"
