#!/usr/bin/env bash
# Sets up, builds and runs the main job on the embedded default.
# Until the bb-async driver lands, the main job is: show the CLI, sign an Athena request with the
# example key pair, generate a small TPC-H data set, then run the pipeline by hand against the
# embedded default, athena-local, over real HTTP with real signatures: upload the data with
# `bb-async s3 cp`, start a Spark session, register lineitem with Spark DDL and run TPC-H Q1 as a
# calculation (AWS CLI v2), and print the calculation's stdout from the local S3.
#   BB_BUILD_DIR   an existing build tree to use as configured (default build/release, Release -O2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh"
build=${BB_BUILD_DIR:-build/release}
# The tree shared by run.sh and test.sh: -O2 without debug info (debug info costs a third of the
# compile time of the Beast/coroutine-heavy units; developers' trees default to RelWithDebInfo).
release_flags=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O2 -DNDEBUG")
# A tree named by BB_BUILD_DIR keeps its own configuration.
[ -z "${BB_BUILD_DIR:-}" ] || release_flags=()
"$root/scripts/build.sh" "$build" ${release_flags[@]+"${release_flags[@]}"}
bb="$root/$build/bin/bb-async"

"$bb" --version
"$bb" --help

echo
echo "== SigV4: sign an Athena GetSessionStatus request (example credentials, fixed time) =="
"$bb" sigv4 sign --request examples/sigv4/athena-get-session-status.txt \
  --region us-east-1 --service athena --access-key AKIDEXAMPLE \
  --secret-key wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY --time 20261124T120000Z --output text

out="$root/build/run-output"
if "$bb" datagen --help >/dev/null 2>&1; then
  echo
  echo "== TPC-H: generate scale factor 0.01 into $out/tpch-sf0.01 =="
  "$bb" datagen tpch --scale 0.01 --output "$out/tpch-sf0.01"
  ls -l "$out/tpch-sf0.01"
fi
if "$bb" qgen --help >/dev/null 2>&1; then
  echo
  echo "== TPC-H: query 1 with the validation parameters =="
  "$bb" qgen tpch --default --query 1
fi

if [ -x "$root/$build/bin/athena-local" ]; then
  echo
  echo "== athena-local: the embedded default endpoint =="
  data="$out/athena-local"
  rm -rf "$data"
  "$root/$build/bin/athena-local" --listen 127.0.0.1:0 --data-dir "$data" --ready-file "$out/athena-local.url" \
    --stats >"$out/athena-local.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 100); do [ -s "$out/athena-local.url" ] && break; sleep 0.1; done
  url=$(cat "$out/athena-local.url")
  head -n 3 "$out/athena-local.log"
  export AWS_SHARED_CREDENTIALS_FILE="$data/credentials" AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE
  aws=(/usr/bin/aws --endpoint-url "$url" --output text)

  echo "-- upload TPC-H SF 0.01 with bb-async s3 cp"
  "$bb" s3 mb s3://tpch --endpoint-url "$url"
  "$bb" s3 cp --recursive "$out/tpch-sf0.01" s3://tpch/sf0.01/ --endpoint-url "$url"
  "$bb" s3 ls s3://tpch/sf0.01/ --endpoint-url "$url"

  echo "-- Spark session in workgroup primary-spark"
  session=$("${aws[@]}" athena start-session --work-group primary-spark \
    --engine-configuration MaxConcurrentDpus=4 --query SessionId)
  calculate() { # code -> waits, prints the state and the calculation's stdout
    local id state
    until [ "$("${aws[@]}" athena get-session-status --session-id "$session" --query Status.State)" = IDLE ]; do
      sleep 0.1
    done
    id=$("${aws[@]}" athena start-calculation-execution --session-id "$session" --code-block "$1" \
      --query CalculationExecutionId)
    while :; do
      state=$("${aws[@]}" athena get-calculation-execution-status --calculation-execution-id "$id" --query Status.State)
      case $state in COMPLETED|FAILED|CANCELED) break ;; esac
      sleep 0.1
    done
    echo "calculation $id: $state"
    "${aws[@]}" s3 cp "$("${aws[@]}" athena get-calculation-execution --calculation-execution-id "$id" \
      --query Result.StdOutS3Uri)" -
  }
  calculate "%%sql
CREATE DATABASE IF NOT EXISTS tpch;
CREATE EXTERNAL TABLE tpch.lineitem (l_orderkey BIGINT, l_partkey BIGINT, l_suppkey BIGINT,
  l_linenumber INT, l_quantity DECIMAL(15,2), l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2),
  l_tax DECIMAL(15,2), l_returnflag STRING, l_linestatus STRING, l_shipdate DATE, l_commitdate DATE,
  l_receiptdate DATE, l_shipinstruct STRING, l_shipmode STRING, l_comment STRING)
ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' LOCATION 's3://tpch/sf0.01/lineitem.tbl'"
  echo "-- Glue sees the table:"
  "${aws[@]}" glue get-tables --database-name tpch --query 'TableList[].[Name,StorageDescriptor.Location]'
  echo "-- TPC-H Q1 (validation parameters) as a %%sql calculation"
  calculate "%%sql
USE tpch;
$("$bb" qgen tpch --default --query 1)"
  "${aws[@]}" athena terminate-session --session-id "$session" >/dev/null
  kill $server; wait $server 2>/dev/null || true
  trap - EXIT
  tail -n 1 "$out/athena-local.log"
fi
