#!/usr/bin/env bash
# Runs the SigV4 benchmark next to botocore in the same run and prints the ratios.
#   usage: tests/perf/sigv4/run.sh [BUILD_DIR] [--quick]     (default BUILD_DIR: build/release)
# Builds perf_sigv4 in BUILD_DIR first (configure it as a release tree, e.g. scripts/build.sh
# build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo). Needs Debian's /usr/bin/python3 with botocore.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
build=${1:-$root/build/release}
shift || true
python=${BB_BOTOCORE_PYTHON:-/usr/bin/python3}

cmake --build "$build" --target perf_sigv4 >/dev/null
ours=$("$build/tests/perf/sigv4/perf_sigv4" "$@")
theirs=$("$python" "$root/tests/perf/sigv4/botocore_timing.py" "$@")
echo "$ours"
echo "$theirs"

field() { # figure name, key -> value
  awk -v n="$1" -v k="$2" '$1 == n { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'
}
sig_ours=$(echo "$ours" | sed -n 's/^# signature //p')
sig_boto=$(echo "$theirs" | sed -n 's/.*signature //p')
if [ "$sig_ours" != "$sig_boto" ]; then
  echo "signatures differ: ours $sig_ours botocore $sig_boto" >&2
  exit 1
fi
for k in median best; do
  o=$(echo "$ours" | field sign_athena_post $k)
  b=$(echo "$theirs" | field botocore_sign_athena_post $k)
  awk -v o="$o" -v b="$b" -v k="$k" 'BEGIN { printf "ratio_%s botocore/aws_sigv4 = %.1fx (%.0f ns / %.0f ns)\n", k, b / o, b, o }'
done
