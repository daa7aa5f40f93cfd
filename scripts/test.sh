#!/usr/bin/env bash
# Sets up, builds and runs every test: the release build, the ASan+UBSan build and a short
# libFuzzer run of every fuzz target. Exits non-zero on the first failing stage.
#   FUZZ_SECONDS   seconds per fuzz target (default 8)
#   BB_JOBS        parallel jobs (default: nproc)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=${BB_JOBS:-$(nproc)}
fuzz_seconds=${FUZZ_SECONDS:-8}

"$root/scripts/setup.sh"

passed=0
failed=0
stage_start=$SECONDS
stage() { # name: prints how long the previous stage took, then the new stage's title
  echo "== ($((SECONDS - stage_start)) s) =="
  stage_start=$SECONDS
  echo "== $1 =="
}
run_ctest() { # dir, extra ctest args...
  local dir=$1; shift
  local log; log=$(mktemp)
  set +e
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  local total fails
  total=$(sed -nE 's/.*tests failed out of ([0-9]+).*/\1/p' "$log" | tail -n1)
  fails=$(sed -nE 's/.* ([0-9]+) tests failed out of.*/\1/p' "$log" | tail -n1)
  rm -f "$log"
  passed=$((passed + ${total:-0} - ${fails:-0}))
  failed=$((failed + ${fails:-0}))
  if [ "$rc" != 0 ]; then
    echo "== ($((SECONDS - stage_start)) s; ${SECONDS} s in all) =="
    echo "$passed passed, $failed failed"
    exit 1
  fi
}

stage "release build"
# The tree shared by run.sh and test.sh: -O2 without debug info (debug info costs a third of the
# compile time of the Beast/coroutine-heavy units; developers' trees default to RelWithDebInfo).
release_flags=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG")
"$root/scripts/build.sh" build/release "${release_flags[@]}"
stage "release tests"
run_ctest build/release -LE perf

stage "ASan + UBSan build"
"$root/scripts/build.sh" build/asan -DCMAKE_BUILD_TYPE=Debug -DBB_SANITIZE=ON -DBB_BUILD_PERF=OFF
stage "ASan + UBSan tests"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_ctest build/asan -LE 'perf|long'

stage "fuzz (${fuzz_seconds}s per target)"
"$root/scripts/build.sh" build/fuzz -DBB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
for target in build/fuzz/tests/fuzz/fuzz_*; do
  [ -x "$target" ] || continue
  name=$(basename "$target")
  corpus="build/fuzz/corpus/$name"
  mkdir -p "$corpus"
  seeds="tests/fuzz/seeds/$name"
  [ -d "$seeds" ] || seeds=""
  if "$target" -max_total_time="$fuzz_seconds" -print_final_stats=0 "$corpus" $seeds >"build/fuzz/$name.log" 2>&1; then
    echo "fuzz $name: ok ($(grep -c '' "build/fuzz/$name.log") log lines)"
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED"; tail -n 40 "build/fuzz/$name.log"
    failed=$((failed + 1))
    echo "== ($((SECONDS - stage_start)) s; ${SECONDS} s in all) =="
    echo "$passed passed, $failed failed"
    exit 1
  fi
done

echo "== ($((SECONDS - stage_start)) s; ${SECONDS} s in all) =="
echo "$passed passed, $failed failed"
