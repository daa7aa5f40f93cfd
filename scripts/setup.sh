#!/usr/bin/env bash
# Installs everything bb-async needs to build and test on Debian 12. Idempotent: when every
# package is already present it returns in well under a second without touching apt.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache clang libclang-rt-14-dev
  libboost1.81-all-dev libboost-json1.81-dev libssl-dev
  libsimdjson-dev libpugixml-dev libcli11-dev libfmt-dev
  zlib1g-dev time curl wrk rclone
  python3 python3-botocore python3-boto3 awscli
  radosgw ceph-mon ceph-osd uuid-runtime
  ca-certificates
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# npm fetches DuckDB. A machine may already have Node.js from another source (nodesource ships npm
# inside its nodejs package); only install Debian's when there is no npm at all.
if ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# DuckDB (the embedded SQL engine of athena-local and the Parquet writer) comes from npm.
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/fetch-duckdb.sh" ]; then
  "$here/fetch-duckdb.sh"
fi
