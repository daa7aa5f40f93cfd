#!/usr/bin/env bash
# TPC-H data generation benchmark: `bb-async datagen tpch` at a scale factor, all tables, .tbl,
# N threads; wall time, CPU time, MB/s and peak RSS from /usr/bin/time -v, best and median of RUNS.
# Then peak RSS at other scale factors, to show that memory does not grow with the scale factor.
#
# usage: bench_datagen.sh BB_ASYNC [SF=1] [THREADS=2] [RUNS=5] [OUTDIR=${TMPDIR:-/tmp}]
#   BB_ASYNC  path of the bb-async executable (release build)
#   OUTDIR    a directory on the file system to measure (each run writes into a fresh subdirectory,
#             deleted afterwards); /dev/shm measures without the disk's page-cache costs
set -euo pipefail
exe=${1:?usage: bench_datagen.sh BB_ASYNC [SF] [THREADS] [RUNS] [OUTDIR]}
sf=${2:-1}
threads=${3:-2}
runs=${4:-5}
base=${5:-${TMPDIR:-/tmp}}
[ -x /usr/bin/time ] || { echo "bench_datagen: /usr/bin/time (package 'time') is required" >&2; exit 1; }

work=$(mktemp -d "$base/bb-tpch-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run SF THREADS -> "wall user sys rss_kb bytes"
one_run() {
    local out="$work/out" log="$work/time.log"
    rm -rf "$out"
    /usr/bin/time -v "$exe" datagen tpch --scale "$1" --threads "$2" --output "$out" --quiet 2>"$log"
    local wall user sys rss bytes
    wall=$(sed -nE 's/.*Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)/\1/p' "$log" |
           awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
    user=$(sed -nE 's/.*User time \(seconds\): (.*)/\1/p' "$log")
    sys=$(sed -nE 's/.*System time \(seconds\): (.*)/\1/p' "$log")
    rss=$(sed -nE 's/.*Maximum resident set size \(kbytes\): (.*)/\1/p' "$log")
    bytes=$(find "$out" -name '*.tbl' -printf '%s\n' | awk '{ s += $1 } END { print s }')
    rm -rf "$out"
    echo "$wall $user $sys $rss $bytes"
}

echo "bb-async datagen tpch --scale $sf --threads $threads (all tables, tbl) into $base, $runs runs"
echo "machine: $(nproc) cores, $(sed -nE 's/model name\s*: (.*)/\1/p' /proc/cpuinfo | head -n1), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %8s %8s %8s %10s %12s %8s\n' run wall_s user_s sys_s rss_MiB bytes MB/s
results=()
for i in $(seq 1 "$runs"); do
    read -r wall user sys rss bytes < <(one_run "$sf" "$threads")
    mbps=$(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.0f", b / 1e6 / w }')
    printf '%-5s %8.2f %8.2f %8.2f %10.0f %12s %8s\n' "$i" "$wall" "$user" "$sys" "$((rss / 1024))" "$bytes" "$mbps"
    results+=("$wall")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "best %.2f s, median %.2f s\n", a[1], a[int((NR + 1) / 2)] }'

echo "peak RSS by scale factor ($threads threads):"
for s in 0.01 0.1 "$sf"; do
    read -r wall user sys rss bytes < <(one_run "$s" "$threads")
    printf '  SF %-6s %8.2f s %8.0f MiB  %12s bytes\n' "$s" "$wall" "$((rss / 1024))" "$bytes"
done
