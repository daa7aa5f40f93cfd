#!/usr/bin/env bash
# athena-local benchmarks on this machine: the server pinned to core 0, the client to core 1.
#   tests/perf/athena_local/run.sh BUILD_DIR [--quick]
#   SERVER_CPUS=0,1 tests/perf/athena_local/run.sh ...   lets the server use both cores (its PUT hash lane runs
#   beside its loop); the client stays on core 1.
# 1. GetCalculationExecutionStatus requests/s over keep-alive: wrk (64 connections) replaying one signed
#    request, and the engine's own Athena client (athena_local_load) with 1, 16 and 64 in flight; server CPU µs
#    per request from /proc.
# 2. S3 PUT and GET throughput on loopback with curl and presigned URLs (a file in /dev/shm).
# 3. Simulation: N sessions x M calculations (--simulate exp:200ms) through athena_local_load, server peak RSS.
set -euo pipefail
build=$(cd "$1" && pwd); quick=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
server=$build/bin/athena-local
load=$build/tests/perf/athena_local/athena_local_load
work=$(mktemp -d /dev/shm/athena-local-bench.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
server_cpus=${SERVER_CPUS:-0}
secs=10; size_mb=1024; sessions=10000; calcs=10
if [ "$quick" = --quick ]; then secs=2; size_mb=64; sessions=200; calcs=3; fi

start_server() { # args...
  rm -f "$work/ready"
  taskset -c "$server_cpus" "$server" --listen 127.0.0.1:0 --data-dir "$work/data" --ready-file "$work/ready" --no-fsync "$@" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do [ -f "$work/ready" ] && break; sleep 0.05; done
  url=$(cat "$work/ready")
  key=$(sed -n 's/^aws_access_key_id=//p' "$work/data/credentials")
  secret=$(sed -n 's/^aws_secret_access_key=//p' "$work/data/credentials")
}
cpu_ticks() { awk '{print $14+$15}' /proc/$server_pid/stat; }
hz=$(getconf CLK_TCK)

echo "== GetCalculationExecutionStatus, server on core(s) $server_cpus =="
start_server
/usr/bin/python3 "$here/sign_request.py" "$url" "$work/data/credentials" status >"$work/status.lua"
if command -v wrk >/dev/null; then
  before=$(cpu_ticks)
  out=$(taskset -c 1 wrk -t1 -c64 -d${secs}s -s "$work/status.lua" "$url/")
  after=$(cpu_ticks)
  rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/{print $NF}')
  total=$(echo "$out" | awk '/requests in/{print $1}')
  echo "wrk 64 connections: ${rps} requests/s, server $(awk -v t=$((after-before)) -v n="$total" -v hz=$hz 'BEGIN{printf "%.1f", t/hz*1e6/n}') µs CPU/request, non-2xx: ${non2xx:-0}"
fi
for n in 1 16 64; do
  before=$(cpu_ticks)
  line=$(taskset -c 1 "$load" status --endpoint "$url" --key "$key" --secret "$secret" --in-flight $n --seconds $secs)
  after=$(cpu_ticks)
  reqs=$(echo "$line" | sed -n 's/.* requests=\([0-9]*\).*/\1/p')
  echo "$line server_cpu_us_per_req=$(awk -v t=$((after-before)) -v n="$reqs" -v hz=$hz 'BEGIN{printf "%.1f", t/hz*1e6/n}')"
done

echo "== S3 PUT / GET, ${size_mb} MiB, curl with presigned URLs =="
AWS_SHARED_CREDENTIALS_FILE=$work/data/credentials AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 \
  /usr/bin/aws --endpoint-url "$url" s3 mb s3://bench >/dev/null
head -c $((size_mb << 20)) /dev/urandom >"$work/blob"
put=$(/usr/bin/python3 "$here/sign_request.py" "$url" "$work/data/credentials" put bench blob)
get=$(/usr/bin/python3 "$here/sign_request.py" "$url" "$work/data/credentials" get bench blob)
t=$(taskset -c 1 curl -s -o /dev/null -w '%{time_total}' -T "$work/blob" "$put")
echo "PUT: $(awk -v s=$size_mb -v t=$t 'BEGIN{printf "%.0f MB/s (%.2f s)", s*1.048576/t, t}')"
t=$(taskset -c 1 curl -s -o /dev/null -w '%{time_total}' "$get")
echo "GET: $(awk -v s=$size_mb -v t=$t 'BEGIN{printf "%.0f MB/s (%.2f s)", s*1.048576/t, t}')"
kill $server_pid; wait $server_pid 2>/dev/null || true

echo "== simulation: $sessions sessions x $calcs calculations (exp:200ms) =="
rm -rf "$work/data"
start_server --simulate exp:200ms --dpu-quota 1000000
taskset -c 1 "$load" sessions --endpoint "$url" --key "$key" --secret "$secret" --sessions $sessions \
  --calcs $calcs --in-flight $sessions --poll-ms 250 --server-pid $server_pid
kill $server_pid; wait $server_pid 2>/dev/null || true
