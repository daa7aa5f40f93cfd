#!/usr/bin/env bash
# Sets up, builds and runs the main job on the embedded default.
# Until the bb-async driver and athena-local land, the main job is: show the CLI, sign an
# Athena request with the example key pair, and generate + check a small TPC-H data set.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo
bb="$root/build/release/bin/bb-async"

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
