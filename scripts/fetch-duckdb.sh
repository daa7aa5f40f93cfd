#!/usr/bin/env bash
# Fetches DuckDB into <repo>/third_party/duckdb/ (gitignored):
#   lib/libduckdb.so     the official shared library, from npm @duckdb/node-bindings-linux-x64
#   include/duckdb.h     the matching C header, from npm duckdb (src/duckdb/src/include/duckdb.h)
#   LICENSE              DuckDB's MIT license
#   VERSION              stamp: what was fetched; when it matches, this script is a fast no-op
#
# Both tarballs are downloaded with `npm pack` into a temporary directory (nothing is installed,
# no global state besides npm's download cache) and checked against the SHA-512 integrity values
# pinned below before anything is extracted. The library's own version is checked at test time
# (tests/unit/duckdb: duckdb_library_version() == v1.4.4).
#
#   DUCKDB_FORCE=1   fetch again even when the stamp matches
set -euo pipefail

duckdb_version=1.4.4
bindings_pkg=@duckdb/node-bindings-linux-x64
bindings_version=1.4.4-r.4
bindings_integrity='sha512-jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=='
header_pkg=duckdb
header_version=1.4.4
header_integrity='sha512-hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=='

root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/third_party/duckdb"
stamp_text="duckdb $duckdb_version ($bindings_pkg@$bindings_version, $header_pkg@$header_version)"

if [ "${DUCKDB_FORCE:-0}" != 1 ] && [ -f "$dest/lib/libduckdb.so" ] && [ -f "$dest/include/duckdb.h" ] &&
   [ -f "$dest/VERSION" ] && [ "$(cat "$dest/VERSION")" = "$stamp_text" ]; then
  exit 0
fi

die() { echo "fetch-duckdb: $*" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "only Linux x86-64 is supported (the npm package is $bindings_pkg), not $(uname -s)-$(uname -m)" ;;
esac
command -v npm >/dev/null 2>&1 ||
  die "npm is not installed; run scripts/setup.sh (it installs nodejs and npm) or install npm yourself"
command -v openssl >/dev/null 2>&1 || die "openssl is needed to check the download's SHA-512"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fetch-duckdb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "fetch-duckdb: downloading $bindings_pkg@$bindings_version and $header_pkg@$header_version with npm pack"
if ! (cd "$tmp" && npm pack --loglevel=error --no-fund --no-audit \
        "$bindings_pkg@$bindings_version" "$header_pkg@$header_version" >"$tmp/pack.out" 2>"$tmp/pack.err"); then
  sed 's/^/  /' "$tmp/pack.err" >&2
  registry=$(npm config get registry 2>/dev/null || echo '?')
  die "npm pack failed (registry $registry unreachable, or the packages are gone); see the npm output above"
fi

# npm pack already checks the registry's integrity value; the pinned one also guards against a
# registry serving a different tarball under the same version.
check() { # file, expected "sha512-<base64>"
  local got
  got="sha512-$(openssl dgst -sha512 -binary "$1" | openssl base64 -A)"
  [ "$got" = "$2" ] || die "integrity mismatch for $(basename "$1"): expected $2, got $got"
}
bindings_tgz="$tmp/duckdb-node-bindings-linux-x64-$bindings_version.tgz"
header_tgz="$tmp/duckdb-$header_version.tgz"
[ -f "$bindings_tgz" ] && [ -f "$header_tgz" ] || die "npm pack did not produce the expected tarballs: $(ls "$tmp")"
check "$bindings_tgz" "$bindings_integrity"
check "$header_tgz" "$header_integrity"

mkdir -p "$tmp/x"
tar -C "$tmp/x" -xzf "$bindings_tgz" package/libduckdb.so package/LICENSE
mv "$tmp/x/package/LICENSE" "$tmp/x/LICENSE"
tar -C "$tmp/x" -xzf "$header_tgz" package/src/duckdb/src/include/duckdb.h
grep -q 'duckdb_library_version' "$tmp/x/package/src/duckdb/src/include/duckdb.h" ||
  die "the header from $header_pkg@$header_version does not look like DuckDB's C API"

# Replace the previous contents in one step: stage next to the destination, then rename.
mkdir -p "$root/third_party"
stage="$root/third_party/.duckdb.new.$$"
rm -rf "$stage"
mkdir -p "$stage/lib" "$stage/include"
mv "$tmp/x/package/libduckdb.so" "$stage/lib/libduckdb.so"
chmod 0755 "$stage/lib/libduckdb.so"
mv "$tmp/x/package/src/duckdb/src/include/duckdb.h" "$stage/include/duckdb.h"
mv "$tmp/x/LICENSE" "$stage/LICENSE"
echo "$stamp_text" >"$stage/VERSION"
rm -rf "$dest"
mv "$stage" "$dest"
echo "fetch-duckdb: $stamp_text -> ${dest#"$root"/}"
