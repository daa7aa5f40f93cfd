#!/usr/bin/env bash
# Enforces the dependency rule of docs/ARCHITECTURE.md:
#   aws_sigv4/  includes only its own headers, OpenSSL and the standard library;
#   protocol/   never includes Asio or Beast (sans-io);
#   nothing below tools/ includes anything from tools/ or tests/.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
fail=0
report() { echo "layer violation: $1"; fail=1; }

std_headers='^(algorithm|any|array|atomic|bit|bitset|cassert|cctype|cerrno|charconv|chrono|cinttypes|climits|cmath|compare|concepts|cstddef|cstdint|cstdio|cstdlib|cstring|ctime|deque|exception|functional|initializer_list|iomanip|ios|iosfwd|iostream|istream|iterator|limits|list|map|memory|memory_resource|mutex|new|numeric|optional|ostream|random|ranges|ratio|set|shared_mutex|span|sstream|stdexcept|string|string_view|system_error|thread|tuple|type_traits|typeinfo|unordered_map|unordered_set|utility|variant|vector|version)$'

while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#\s*include\s*[<"]([^>"]+)[>"].*/\1/' <<<"$line")
    case "$inc" in
        aws_sigv4/*|openssl/*|nmmintrin.h|immintrin.h) ;; # own headers, OpenSSL, compiler intrinsics
        *.hpp|*.h) [[ "$line" == *'"'* ]] || report "$file includes <$inc> (aws_sigv4 may use OpenSSL and the standard library only)" ;;
        *) [[ "$inc" =~ $std_headers ]] || report "$file includes <$inc> (aws_sigv4 may use OpenSSL and the standard library only)" ;;
    esac
done < <(grep -rnE '^\s*#\s*include' aws_sigv4 --include='*.hpp' --include='*.cpp' --include='*.h' || true)

if grep -rnE '^\s*#\s*include\s*[<"]boost/(asio|beast)' protocol aws_sigv4 2>/dev/null; then
    report "protocol/ or aws_sigv4/ includes Asio or Beast (these layers are sans-io)"
fi
if grep -rnE '^\s*#\s*include\s*[<"](tools|tests)/' aws_sigv4 protocol engine benchmarks 2>/dev/null; then
    report "a library includes a header from tools/ or tests/"
fi
if grep -rnE '(getenv|std::chrono::system_clock::now|time\(nullptr\)|std::time\()' aws_sigv4 2>/dev/null; then
    report "aws_sigv4 reads the clock or the environment"
fi
[ $fail = 0 ] && echo "layers: ok"
exit $fail
