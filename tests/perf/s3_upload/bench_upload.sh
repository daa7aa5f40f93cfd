#!/bin/bash
# Upload throughput to radosgw (or any S3 endpoint, e.g. athena-local): `bb-async s3 cp` (signed,
# unsigned, aws-chunked payloads) against the AWS CLI v2 (/usr/bin/aws s3 cp: signed SHA-256 +
# Content-MD5) and rclone (Debian, when installed) in the same run, same file, same server, one after
# the other. Keys: BENCH_ACCESS_KEY / BENCH_SECRET_KEY (default radosgw's TESTKEY / TESTSECRET). Reports wall seconds, MB/s, client CPU seconds (user+sys) and
# peak RSS of each (GNU time). The server shares the machine's cores, so absolute numbers depend
# on the host; the ratios are what docs/PERFORMANCE.md records.
#
# Usage: bench_upload.sh BB_ASYNC ENDPOINT_URL [SIZE_MIB=512] [WORKDIR=/tmp] [ROUNDS=1]
set -euo pipefail
BB=${1:?bb-async executable}; EP=${2:?endpoint URL, e.g. http://127.0.0.1:7480}
SIZE_MIB=${3:-512}; WORK=${4:-/tmp}; ROUNDS=${5:-1}
[[ -x /usr/bin/aws ]] || { echo "bench_upload.sh: /usr/bin/aws (Debian awscli) is not installed" >&2; exit 3; }
[[ -x /usr/bin/time ]] || { echo "bench_upload.sh: /usr/bin/time (Debian time) is not installed" >&2; exit 3; }
F=$WORK/bb-upload-bench-$$.bin
trap 'rm -f "$F" "$F.time" "$F.warm"' EXIT
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$F"
export AWS_ACCESS_KEY_ID=${BENCH_ACCESS_KEY:-TESTKEY} AWS_SECRET_ACCESS_KEY=${BENCH_SECRET_KEY:-TESTSECRET} AWS_REGION=us-east-1 \
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN
BUCKET=bb-upload-bench-$$
"$BB" s3 mb "s3://$BUCKET" --endpoint-url "$EP" >/dev/null
bytes=$((SIZE_MIB * 1048576))
# Warm-up: radosgw creates its data pool on the first object write (seconds on a fresh cluster);
# no client should pay for that in its figures.
head -c $((20 * 1048576)) "$F" > "$F.warm"
"$BB" s3 cp "$F.warm" "s3://$BUCKET/warm-up" --endpoint-url "$EP" >/dev/null
/usr/bin/aws s3 cp "$F.warm" "s3://$BUCKET/warm-up-aws" --endpoint-url "$EP" --no-progress >/dev/null
rm -f "$F.warm"
printf '%-22s %8s %9s %8s %10s\n' client wall_s MB/s cpu_s peak_rss_MiB
measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$F.time" "$@" >/dev/null
  read -r wall user sys rss < "$F.time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" \
    'BEGIN { printf "%-22s %8.2f %9.1f %8.2f %10.1f\n", n, w, b/1e6/w, u+s, r/1024 }'
}
for round in $(seq 1 "$ROUNDS"); do
  for mode in signed unsigned aws-chunked; do
    measure "bb-async $mode" "$BB" s3 cp "$F" "s3://$BUCKET/bb-$mode" --payload "$mode" --endpoint-url "$EP"
  done
  measure "aws-cli-v2 s3 cp" /usr/bin/aws s3 cp "$F" "s3://$BUCKET/aws" --endpoint-url "$EP" --no-progress
  if command -v rclone >/dev/null; then
    RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENV_AUTH=false \
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
    RCLONE_CONFIG_BENCH_ENDPOINT=$EP RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
      measure "rclone copyto" env -u AWS_CA_BUNDLE rclone --config /dev/null copyto "$F" "bench:$BUCKET/rclone"
  fi
done
"$BB" s3 rm "s3://$BUCKET/" --recursive --endpoint-url "$EP" >/dev/null
