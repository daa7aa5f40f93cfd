#!/bin/bash
# Upload throughput to radosgw (or any S3 endpoint, e.g. athena-local): `bb-async s3 cp` (signed,
# unsigned, aws-chunked payloads) against the AWS CLI v2 (/usr/bin/aws s3 cp: signed SHA-256 +
# Content-MD5) and rclone (Debian, when installed) in the same run, same file, same server, one after
# the other. Keys: BENCH_ACCESS_KEY / BENCH_SECRET_KEY (default radosgw's TESTKEY / TESTSECRET). Reports wall seconds, MB/s, client CPU seconds (user+sys) and
# peak RSS of each (GNU time). The server shares the machine's cores, so absolute numbers depend
# on the host; the ratios are what docs/PERFORMANCE.md records.
#
# Client settings (each tool's defaults, stated so the comparison is fair): bb-async 8 MiB parts, 8
# in flight, --checksum auto (signed and aws-chunked: the signed SHA-256 the server verifies, no
# Content-MD5; unsigned: Content-MD5), plus a row with unsigned + x-amz-checksum-crc32c and one with the
# AWS CLI's set, signed + Content-MD5; BENCH_BB_ARGS adds options to every bb-async row, e.g. "--parallel 10"); AWS CLI v2 8 MiB
# parts, 10 concurrent requests, signed SHA-256 + Content-MD5 (its defaults; it reads no config
# here); rclone 5 MiB chunks, 4 concurrent, UNSIGNED-PAYLOAD + Content-MD5 per part (its defaults
# for provider Other; BENCH_RCLONE_ARGS adds flags such as "--s3-upload-concurrency 8
# --s3-chunk-size 8M").
# rclone writes a new key each round (it skips a file that is already there). Rounds rotate the order
# of the clients; with ROUNDS > 1 a median row per client follows.
# BENCH_SERVER_DIR=<radosgw.sh DIR>: also report the server's CPU seconds per upload (utime+stime of
# the daemons in DIR/run/*.pid, from /proc, before and after each upload), and wait before each upload
# until the server is idle (its garbage collector frees the previous round's overwritten objects).
#
# Usage: bench_upload.sh BB_ASYNC ENDPOINT_URL [SIZE_MIB=512] [WORKDIR=/tmp] [ROUNDS=1]
set -euo pipefail
BB=${1:?bb-async executable}; EP=${2:?endpoint URL, e.g. http://127.0.0.1:7480}
SIZE_MIB=${3:-512}; WORK=${4:-/tmp}; ROUNDS=${5:-1}
[[ -x /usr/bin/aws ]] || { echo "bench_upload.sh: /usr/bin/aws (Debian awscli) is not installed" >&2; exit 3; }
[[ -x /usr/bin/time ]] || { echo "bench_upload.sh: /usr/bin/time (Debian time) is not installed" >&2; exit 3; }
F=$WORK/bb-upload-bench-$$.bin
trap 'rm -f "$F" "$F.time" "$F.warm" "$F.results"' EXIT
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
SERVER_DIR=${BENCH_SERVER_DIR:-}
TCK=$(getconf CLK_TCK)
server_ticks() { # utime+stime of the server's daemons, in clock ticks (0 without BENCH_SERVER_DIR)
  local t=0 p pid
  if [[ -n $SERVER_DIR ]]; then
    for p in "$SERVER_DIR"/run/*.pid; do
      pid=$(cat "$p")
      [[ -r /proc/$pid/stat ]] || continue
      # fields 14, 15 after the ")" that ends the command name
      t=$((t + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
    done
  fi
  echo "$t"
}
RES=$F.results
: > "$RES"
printf '%-26s %8s %9s %8s %10s %12s\n' client wall_s MB/s cpu_s peak_rss_MiB server_cpu_s
settle() { # before each upload: wait until the server is idle (radosgw's garbage collector frees
  # an overwritten object's data 10-30 s later; no client should pay for the previous one's), at most 60 s
  if [[ -z $SERVER_DIR ]]; then sleep 2; return; fi
  local a b
  for _ in $(seq 1 60); do
    a=$(server_ticks); sleep 1; b=$(server_ticks)
    (( (b - a) * 20 < TCK )) && return  # under 5% of a core for a second
  done
}
measure() { # name, command...
  local name=$1; shift
  local t0 t1
  settle
  t0=$(server_ticks)
  /usr/bin/time -f '%e %U %S %M' -o "$F.time" "$@" >/dev/null
  t1=$(server_ticks)
  read -r wall user sys rss < "$F.time"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" -v sc="$(( t1 - t0 ))" -v tck="$TCK" \
    'BEGIN { printf "%-26s %8.2f %9.1f %8.2f %10.1f %12.2f\n", n, w, b/1e6/w, u+s, r/1024, sc/tck }' | tee -a "$RES"
}
BB_ARGS=${BENCH_BB_ARGS:-}
RCLONE_ARGS=${BENCH_RCLONE_ARGS:-}
run_client() { # index 0..6
  case $1 in
    0|1|2) local mode; mode=$(echo signed unsigned aws-chunked | cut -d' ' -f$(( $1 + 1 )))
       # the default --checksum auto: none with a signed SHA-256 (signed, aws-chunked), Content-MD5 with unsigned
       # shellcheck disable=SC2086
       measure "bb-async $mode" "$BB" s3 cp "$F" "s3://$BUCKET/bb-$mode" --payload "$mode" --endpoint-url "$EP" $BB_ARGS ;;
    3) measure "aws-cli-v2 s3 cp" /usr/bin/aws s3 cp "$F" "s3://$BUCKET/aws" --endpoint-url "$EP" --no-progress ;;
    4) command -v rclone >/dev/null || return 0
       # shellcheck disable=SC2086
       RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENV_AUTH=false \
       RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY \
       RCLONE_CONFIG_BENCH_ENDPOINT=$EP RCLONE_CONFIG_BENCH_REGION=us-east-1 RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true \
         measure "rclone copyto" env -u AWS_CA_BUNDLE rclone --config /dev/null copyto "$F" "bench:$BUCKET/rclone-$round" $RCLONE_ARGS ;;
    5) # shellcheck disable=SC2086
       measure "bb-async unsigned+crc32c" "$BB" s3 cp "$F" "s3://$BUCKET/bb-crc" --payload unsigned --checksum crc32c --endpoint-url "$EP" $BB_ARGS ;;
    6) # the AWS CLI's integrity set: signed SHA-256 and Content-MD5
       # shellcheck disable=SC2086
       measure "bb-async signed+md5" "$BB" s3 cp "$F" "s3://$BUCKET/bb-md5" --payload signed --checksum md5 --endpoint-url "$EP" $BB_ARGS ;;
  esac
}
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2 3 4 5 6; do
    run_client $(( (i + round - 1) % 7 ))
  done
done
if (( ROUNDS > 1 )); then
  echo "median of $ROUNDS rounds:"
  for name in "bb-async signed" "bb-async unsigned" "bb-async aws-chunked" "bb-async unsigned+crc32c" "bb-async signed+md5" "aws-cli-v2 s3 cp" "rclone copyto"; do
    grep -F "$name " "$RES" | awk -v n="$name" -v b="$bytes" '
      { w[NR]=$(NF-4); c[NR]=$(NF-2); r[NR]=$(NF-1); s[NR]=$NF }
      function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { if (NR) printf "%-26s %8.2f %9.1f %8.2f %10.1f %12.2f\n", n, med(w, NR), b/1e6/med(w, NR), med(c, NR), med(r, NR), med(s, NR) }'
  done
fi
"$BB" s3 rm "s3://$BUCKET/" --recursive --endpoint-url "$EP" >/dev/null
