#include <aws_sigv4/sign.hpp>
#include <aws_sigv4/uri.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <new>
#include <optional>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace aws_sigv4 {
namespace {

// Byte classes: HTTP token characters (RFC 9110 tchar) and ASCII lowercase.
struct char_tables {
    bool tchar[256] = {};
    char lower[256] = {};
    char token_lower[256] = {}; // lowercase of a token character, 0 for any other byte
    constexpr char_tables() {
        for (int c = 0; c < 256; ++c)
            lower[c] = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
        for (int c = 'a'; c <= 'z'; ++c)
            tchar[c] = true;
        for (int c = 'A'; c <= 'Z'; ++c)
            tchar[c] = true;
        for (int c = '0'; c <= '9'; ++c)
            tchar[c] = true;
        for (char c : std::string_view("!#$%&'*+-.^_`|~"))
            tchar[static_cast<unsigned char>(c)] = true;
        for (int c = 0; c < 256; ++c)
            token_lower[c] = tchar[c] ? lower[c] : '\0';
    }
};
constexpr char_tables tables;

bool is_token(std::string_view s) noexcept {
    if (s.empty())
        return false;
    for (char c : s)
        if (!tables.tchar[static_cast<unsigned char>(c)])
            return false;
    return true;
}

char lower(char c) noexcept {
    return tables.lower[static_cast<unsigned char>(c)];
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

bool is_ws(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// A header value may hold obs-fold continuation lines ("a\n  b"), but no NUL and no bare CR/LF.
bool valid_header_value(std::string_view v) noexcept {
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (static_cast<unsigned char>(c) > '\r')
            continue;
        if (c == '\0')
            return false;
        if (c == '\r' || c == '\n') {
            std::size_t j = i;
            if (c == '\r' && j + 1 < v.size() && v[j + 1] == '\n')
                ++j;
            if (j + 1 >= v.size() || (v[j + 1] != ' ' && v[j + 1] != '\t'))
                return false;
            i = j;
        }
    }
    return true;
}

#if defined(__SSE2__)
inline __m128i load16(const char* p) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// Lanes of x within [lo, hi] (unsigned bytes) as 0xff.
inline __m128i in_range(__m128i x, __m128i lo, __m128i hi) noexcept {
    return _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(x, lo), x), _mm_cmpeq_epi8(_mm_min_epu8(x, hi), x));
}
#endif

// True when every byte of `s` passes: `vec_ok(16 bytes)` gives 0xff in the lanes that pass,
// `byte_ok(c)` is the same test for one byte. Strings of 16 bytes or more are checked 16 at a
// time, the last 16 overlapping the previous ones (no byte-by-byte tail), 8..15 bytes as two
// overlapping halves of one register; shorter ones bytewise.
template <class Vec, class Byte>
inline bool all_bytes(std::string_view s, [[maybe_unused]] Vec vec_ok, Byte byte_ok) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
#if defined(__SSE2__)
    if (n >= 16) {
        std::size_t i = 0;
        for (; i + 16 <= n; i += 16)
            if (_mm_movemask_epi8(vec_ok(load16(p + i))) != 0xffff)
                return false;
        return i == n || _mm_movemask_epi8(vec_ok(load16(p + n - 16))) == 0xffff;
    }
    if (n >= 8) // the first 8 and the last 8 bytes (overlapping) in one register
        return _mm_movemask_epi8(vec_ok(_mm_unpacklo_epi64(
                   _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                   _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8))))) == 0xffff;
#endif
    for (std::size_t i = 0; i < n; ++i)
        if (!byte_ok(static_cast<unsigned char>(p[i])))
            return false;
    return true;
}

// True when `v` holds no byte <= 0x20 (no space, no control character): such a value is valid and
// already canonical. Almost every value a client sends (hosts, dates, content types, targets,
// hashes) is plain; only the others take the byte-by-byte checks below.
bool plain_value(std::string_view v) noexcept {
#if defined(__SSE2__)
    const __m128i limit = _mm_set1_epi8(0x20);
    // Unsigned x > 0x20 exactly when min(x, 0x20) != x.
    const auto vec_ok = [&](__m128i x) {
        return _mm_xor_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, limit), x), _mm_set1_epi8(-1));
    };
#else
    const auto vec_ok = nullptr;
#endif
    return all_bytes(v, vec_ok, [](unsigned char c) { return c > 0x20; });
}

// True when every byte of `s` lies in [lo, hi] (unsigned).
bool all_in_range(std::string_view s, unsigned char lo, unsigned char hi) noexcept {
#if defined(__SSE2__)
    const __m128i vlo = _mm_set1_epi8(static_cast<char>(lo)), vhi = _mm_set1_epi8(static_cast<char>(hi));
    const auto vec_ok = [&](__m128i x) { return in_range(x, vlo, vhi); };
#else
    const auto vec_ok = nullptr;
#endif
    return all_bytes(s, vec_ok, [&](unsigned char c) { return c >= lo && c <= hi; });
}

// True when `s` is only lowercase hex digits.
bool all_lower_hex(std::string_view s) noexcept {
#if defined(__SSE2__)
    const __m128i d0 = _mm_set1_epi8('0'), d9 = _mm_set1_epi8('9');
    const __m128i la = _mm_set1_epi8('a'), lf = _mm_set1_epi8('f');
    const auto vec_ok = [&](__m128i x) { return _mm_or_si128(in_range(x, d0, d9), in_range(x, la, lf)); };
#else
    const auto vec_ok = nullptr;
#endif
    return all_bytes(s, vec_ok,
                     [](unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An access key id: printable ASCII without space or '/' (it is followed by '/' in the scope).
bool valid_access_key_id(std::string_view s) noexcept {
#if defined(__SSE2__)
    const __m128i lo = _mm_set1_epi8(0x21), hi = _mm_set1_epi8(0x7e), slash = _mm_set1_epi8('/');
    const auto vec_ok = [&](__m128i x) {
        return _mm_andnot_si128(_mm_cmpeq_epi8(x, slash), in_range(x, lo, hi));
    };
#else
    const auto vec_ok = nullptr;
#endif
    return !s.empty() &&
           all_bytes(s, vec_ok, [](unsigned char c) { return c >= 0x21 && c <= 0x7e && c != '/'; });
}

// Equality of two byte ranges of length n, inline: a libc memcmp call costs more than comparing
// the few dozen bytes of a secret key, a date or a region.
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
#if defined(__SSE2__)
    if (n >= 16) {
        __m128i diff = _mm_setzero_si128();
        std::size_t i = 0;
        for (; i + 16 <= n; i += 16)
            diff = _mm_or_si128(diff, _mm_xor_si128(load16(a + i), load16(b + i)));
        if (i < n)
            diff = _mm_or_si128(diff, _mm_xor_si128(load16(a + n - 16), load16(b + n - 16)));
        return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) == 0xffff;
    }
#endif
    if (n >= 8 && n <= 16) { // two overlapping 8-byte words (4-byte ones below)
        std::uint64_t a0, a1, b0, b1;
        std::memcpy(&a0, a, 8);
        std::memcpy(&a1, a + n - 8, 8);
        std::memcpy(&b0, b, 8);
        std::memcpy(&b1, b + n - 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    if (n >= 4 && n < 8) {
        std::uint32_t a0, a1, b0, b1;
        std::memcpy(&a0, a, 4);
        std::memcpy(&a1, a + n - 4, 4);
        std::memcpy(&b0, b, 4);
        std::memcpy(&b1, b + n - 4, 4);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0;
    }
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return false;
    return true;
}

inline bool same(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && same_bytes(a.data(), b.data(), a.size());
}

// Copies `s` to `w` and returns the end. Inline for the short strings a signature is made of
// (names, values, dates, hashes): two overlapping loads and stores instead of a libc memcpy call.
inline char* put_bytes(char* w, std::string_view s) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    if (n >= 8 && n <= 16) {
        std::uint64_t a, b;
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + n - 8, 8);
        std::memcpy(w, &a, 8);
        std::memcpy(w + n - 8, &b, 8);
#if defined(__SSE2__)
    } else if (n > 16 && n <= 128) {
        const __m128i last = load16(p + n - 16);
        for (std::size_t i = 0; i + 16 < n; i += 16)
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w + i), load16(p + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(w + n - 16), last);
#endif
    } else if (n >= 4 && n < 8) {
        std::uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        std::memcpy(w, &a, 4);
        std::memcpy(w + n - 4, &b, 4);
    } else if (n < 4) {
        for (std::size_t i = 0; i < n; ++i)
            w[i] = p[i];
    } else {
        std::memcpy(w, p, n);
    }
    return w + n;
}

#if defined(__SSE2__)
// Lowercases the letters of `x` into `lowered`; the lanes holding a letter, digit or '-' are 0xff.
inline __m128i lower_alnum_dash_lanes(__m128i x, __m128i& lowered) noexcept {
    const __m128i upper = in_range(x, _mm_set1_epi8('A'), _mm_set1_epi8('Z'));
    const __m128i ok = _mm_or_si128(_mm_or_si128(upper, in_range(x, _mm_set1_epi8('a'), _mm_set1_epi8('z'))),
                                    _mm_or_si128(in_range(x, _mm_set1_epi8('0'), _mm_set1_epi8('9')),
                                                 _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))));
    lowered = _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    return ok;
}

// Lowercases 16 bytes; false when one is not a letter, digit or '-'.
inline bool lower_alnum_dash(__m128i x, __m128i& lowered) noexcept {
    return _mm_movemask_epi8(lower_alnum_dash_lanes(x, lowered)) == 0xffff;
}
#endif

// Writes `name` lowercased to out[0, name.size()); false when a byte is not an HTTP token
// character. Names made of letters, digits and '-' (nearly all)
// are lowercased 16 bytes at a time; others take the table.
bool lower_token_name(std::string_view name, char* out) noexcept {
    const char* p = name.data();
    const std::size_t n = name.size();
#if defined(__SSE2__)
    if (n >= 8) {
        bool fast = true;
        if (n < 16) {
            // The first 8 and the last 8 bytes (overlapping), in one register.
            const __m128i x =
                _mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)),
                                   _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + n - 8)));
            __m128i l;
            if ((fast = lower_alnum_dash(x, l))) {
                _mm_storel_epi64(reinterpret_cast<__m128i*>(out), l);
                _mm_storel_epi64(reinterpret_cast<__m128i*>(out + n - 8), _mm_unpackhi_epi64(l, l));
            }
        } else {
            __m128i l;
            for (std::size_t i = 0; fast && i + 16 <= n; i += 16)
                if ((fast = lower_alnum_dash(load16(p + i), l)))
                    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), l);
            if (fast && n % 16 != 0 && (fast = lower_alnum_dash(load16(p + n - 16), l)))
                _mm_storeu_si128(reinterpret_cast<__m128i*>(out + n - 16), l);
        }
        if (fast)
            return true;
    } else if (n >= 4) {
        // The first 4 and the last 4 bytes (overlapping) in the low 8 lanes.
        std::uint32_t a, b;
        std::memcpy(&a, p, 4);
        std::memcpy(&b, p + n - 4, 4);
        const __m128i x = _mm_unpacklo_epi32(_mm_cvtsi32_si128(static_cast<int>(a)),
                                             _mm_cvtsi32_si128(static_cast<int>(b)));
        __m128i l;
        if ((_mm_movemask_epi8(lower_alnum_dash_lanes(x, l)) & 0xff) == 0xff) {
            a = static_cast<std::uint32_t>(_mm_cvtsi128_si32(l));
            b = static_cast<std::uint32_t>(_mm_cvtsi128_si32(_mm_srli_si128(l, 4)));
            std::memcpy(out, &a, 4);
            std::memcpy(out + n - 4, &b, 4);
            return true;
        }
    }
#endif
    unsigned bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char l = tables.token_lower[static_cast<unsigned char>(p[i])];
        out[i] = l;
        bad |= l == '\0';
    }
    return bad == 0;
}

// Byte order of two header names (already lowercase), inline: they nearly always differ in the
// first byte, where a string_view compare would still call memcmp.
inline bool name_less(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (a[i] != b[i])
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    return a.size() < b.size();
}

// Trims and squeezes each run of whitespace (folded lines included) to one space.
void append_canonical_value(std::string_view v, std::string& out) {
    // Fast path: nothing to trim or squeeze (the usual case).
    bool simple = v.empty() || (!is_ws(v.front()) && !is_ws(v.back()));
    for (std::size_t i = 0; simple && i < v.size(); ++i) {
        const char c = v[i];
        if (static_cast<unsigned char>(c) > ' ')
            continue;
        if (c == '\t' || c == '\r' || c == '\n' || (c == ' ' && v[i + 1] == ' ')) // v.back() is not ws
            simple = false;
    }
    if (simple) {
        out.append(v);
        return;
    }
    std::size_t b = 0, e = v.size();
    while (b < e && is_ws(v[b]))
        ++b;
    while (e > b && is_ws(v[e - 1]))
        --e;
    bool in_ws = false;
    for (std::size_t i = b; i < e; ++i) {
        if (is_ws(v[i])) {
            in_ws = true;
            continue;
        }
        if (in_ws) {
            out.push_back(' ');
            in_ws = false;
        }
        out.push_back(v[i]);
    }
}

bool valid_scope_part(std::string_view s) noexcept {
    if (s.empty())
        return false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || c == '/')
            return false;
    }
    return true;
}

bool valid_key_text(std::string_view s) noexcept {
    return !s.empty() && all_in_range(s, 0x21, 0x7e);
}

// The bit of a header name (any case, not empty) in the excluded-headers filter.
inline unsigned excluded_bit(std::string_view name) noexcept {
    return (static_cast<unsigned>(name.size()) * 7 + static_cast<unsigned char>(lower(name[0]))) & 63;
}

struct hdr {
    std::string_view name;
    std::string_view value;
    bool plain; // plain_value(value): copied as is
};

struct param {
    std::uint32_t key_off, key_len, val_off, val_len;
};

// Stable insertion sort by (lowercase) name: a handful of headers, usually nearly sorted.
void sort_headers(hdr* h, std::size_t n) noexcept {
    for (std::size_t i = 1; i < n; ++i) {
        const hdr x = h[i];
        std::size_t j = i;
        while (j > 0 && name_less(x.name, h[j - 1].name)) {
            h[j] = h[j - 1];
            --j;
        }
        h[j] = x;
    }
}

// Sets element `i` of `v` (growing it by one when needed) without freeing the strings' storage
// left from an earlier call.
void put_nv(std::vector<name_value>& v, std::size_t& i, std::string_view name, std::string_view value) {
    if (i == v.size())
        v.emplace_back();
    v[i].first.assign(name);
    v[i].second.assign(value);
    ++i;
}

// Shared body of canonical_request() and signer::sign(): builds the canonical request and the
// signed header list, and records what has to be added to the request.
struct canonicalizer {
    const request_view& req;
    const signing_params& p;
    std::string_view scope;
    std::string& out;
    std::string& signed_headers;
    std::vector<name_value>* headers_to_add; // header mode additions (null: don't record)
    std::vector<name_value>* query_to_add;   // query mode additions (null: don't record)
    std::size_t headers_added = 0;           // elements of *headers_to_add in use

    std::error_code run() {
        const settings& cfg = p.config;
        const bool query_mode = cfg.location == signature_location::query_params;
        if (!is_token(req.method))
            return error::invalid_method;
        if (req.target.empty() || req.target[0] != '/')
            return error::invalid_target;
        // One pass: control characters, and where the query and the fragment start.
        std::size_t qpos = std::string_view::npos, fragment = req.target.size();
        for (std::size_t i = 0; i < req.target.size(); ++i) {
            const auto u = static_cast<unsigned char>(req.target[i]);
            if (u < 0x20 || u == 0x7f)
                return error::invalid_target;
            if (u == '?' && qpos == std::string_view::npos && i < fragment)
                qpos = i;
            else if (u == '#' && fragment == req.target.size())
                fragment = i;
        }

        // Headers: the request's, less excluded ones, plus the signer's additions (at most 3).
        // Raw storage (not hdr[32]): value-initializing 32 string_view pairs on every call costs
        // more than the rest of a small request's header handling. Elements are placement-new'd.
        constexpr std::size_t local_capacity = 32;
        alignas(hdr) unsigned char local[local_capacity * sizeof(hdr)];
        std::vector<hdr> heap;
        hdr* headers = reinterpret_cast<hdr*>(local);
        if (req.headers.size() + 3 > local_capacity) {
            heap.resize(req.headers.size() + 3);
            headers = heap.data();
        }
        std::size_t n = 0;
        auto push = [&](std::string_view name, std::string_view value, bool plain) {
            ::new (static_cast<void*>(headers + n)) hdr{name, value, plain};
            ++n;
        };
        // Every name is checked and lowercased once, into `names`; from then on names compare
        // and sort as plain bytes and are copied out as they are.
        std::size_t names_total = 0;
        for (const auto& h : req.headers)
            names_total += h.name.size();
        char names_local[1024];
        std::string names_heap;
        char* names = names_local;
        if (names_total > sizeof names_local) {
            names_heap.resize(names_total);
            names = names_heap.data();
        }
        // A 64-bit filter of the excluded names' (length, first letter): most names miss it and
        // skip the list (a loop of hard-to-predict length compares per header otherwise).
        std::uint64_t excluded_filter = 0;
        for (const auto& x : cfg.excluded_headers)
            if (!x.empty())
                excluded_filter |= std::uint64_t{1} << excluded_bit(x);
        bool has_host = false, has_token = false, has_content_sha = false;
        std::string_view date_value;
        bool has_date = false;
        for (const auto& h : req.headers) {
            if (h.name.empty())
                return error::invalid_header_name;
            if (!lower_token_name(h.name, names))
                return error::invalid_header_name;
            const std::string_view name(names, h.name.size());
            names += h.name.size();
            const bool plain = plain_value(h.value);
            if (!plain && !valid_header_value(h.value))
                return error::invalid_header_value;
            const char first = name[0];
            if (first == 'h' && name == "host") {
                std::string_view v = h.value;
                while (!v.empty() && is_ws(v.front()))
                    v.remove_prefix(1);
                if (v.empty())
                    return error::missing_host;
                has_host = true;
            } else if (first == 'x' && name.size() > 6 && name[2] == 'a') {
                if (name == "x-amz-date") {
                    has_date = true;
                    date_value = h.value;
                }
                has_token |= name == "x-amz-security-token";
                has_content_sha |= name == "x-amz-content-sha256";
            }
            bool excluded = false;
            if (excluded_filter >> excluded_bit(name) & 1)
                for (const auto& x : cfg.excluded_headers)
                    if (x.size() == name.size() && iequals(name, x)) {
                        excluded = true;
                        break;
                    }
            if (!excluded)
                push(name, h.value, plain);
        }
        if (!has_host)
            return error::missing_host;
        if (has_date) {
            // A request that already carries X-Amz-Date (the classic suite) must agree with the
            // signing time, or the signature could never verify.
            while (!date_value.empty() && is_ws(date_value.front()))
                date_value.remove_prefix(1);
            while (!date_value.empty() && is_ws(date_value.back()))
                date_value.remove_suffix(1);
            if (date_value != p.time.amz_date())
                return error::invalid_time;
        }

        const bool sign_token =
            p.creds.has_session_token() && cfg.token_mode == session_token_mode::sign && !has_token;
        if (!query_mode) {
            if (!has_date) {
                push("x-amz-date", p.time.amz_date(), true);
                if (headers_to_add)
                    put_nv(*headers_to_add, headers_added, "X-Amz-Date", p.time.amz_date());
            }
            if (sign_token) {
                push("x-amz-security-token", p.creds.session_token, plain_value(p.creds.session_token));
                if (headers_to_add)
                    put_nv(*headers_to_add, headers_added, "X-Amz-Security-Token", p.creds.session_token);
            }
        }
        if (!has_content_sha &&
            (query_mode ? cfg.content_sha256_header_in_presigned : cfg.content_sha256_header)) {
            push("x-amz-content-sha256", p.payload_hash, true);
            if (headers_to_add)
                put_nv(*headers_to_add, headers_added, "x-amz-content-sha256", p.payload_hash);
        }
        if (n <= local_capacity)
            sort_headers(headers, n);
        else
            std::stable_sort(headers, headers + n,
                             [](const hdr& a, const hdr& b) { return a.name < b.name; });

        // Duplicate names (adjacent after the stable sort) are one canonical header.
        std::size_t names_len = 0, values_len = 0;
        for (std::size_t i = 0; i < n; ++i) {
            names_len += headers[i].name.size() + 1;
            values_len += headers[i].value.size() + 2;
        }
        signed_headers.resize(names_len);
        {
            char* w = signed_headers.data();
            for (std::size_t i = 0; i < n; ++i) {
                if (i > 0 && same(headers[i].name, headers[i - 1].name))
                    continue;
                if (w != signed_headers.data())
                    *w++ = ';';
                w = put_bytes(w, headers[i].name);
            }
            signed_headers.resize(static_cast<std::size_t>(w - signed_headers.data()));
        }

        // Method, canonical URI and canonical query.
        const std::string_view target = req.target.substr(0, fragment); // a fragment is not signed
        const std::string_view path = target.substr(0, qpos);
        const std::string_view query =
            qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);
        // What follows: canonical headers, signed header list and payload hash. A canonical value
        // is never longer than the value, so names + values + separators bound the headers.
        const std::size_t tail_bound =
            names_len + values_len + 2 + signed_headers.size() + 1 + p.payload_hash.size();
        std::size_t start;
        if (path == "/" && query.empty() && !query_mode) {
            // "POST /" of the JSON 1.1 services: the whole canonical request is written in place,
            // in `out` as left by the previous call (resize zero-fills only growth).
            start = req.method.size() + 4;
            out.resize(start + tail_bound);
            std::memcpy(put_bytes(out.data(), req.method), "\n/\n\n", 4);
        } else {
            out.clear();
            out.reserve(256 + req.target.size() * 3 + signed_headers.size() * 2);
            out.append(req.method);
            out.push_back('\n');
            const bool keep_escapes = cfg.path_encoding == uri_encoding::single_encode;
            if (cfg.normalize_path) {
                if (path == "/")
                    out.push_back('/');
                else
                    uri_encode(normalize_path(path), true, keep_escapes, out);
            } else {
                uri_encode(path.empty() ? std::string_view("/") : path, true, keep_escapes, out);
            }
            out.push_back('\n');
            if (!query.empty() || query_mode)
                append_canonical_query(query, query_mode, signed_headers);
            out.push_back('\n');
            start = out.size();
            out.resize(start + tail_bound);
        }

        // Canonical headers: duplicates joined with ',' in request order, written in place.
        char* w = out.data() + start;
        for (std::size_t i = 0; i < n; ++i) {
            const bool continues = i > 0 && same(headers[i].name, headers[i - 1].name);
            if (continues) {
                *w++ = ',';
            } else {
                if (i > 0)
                    *w++ = '\n';
                w = put_bytes(w, headers[i].name);
                *w++ = ':';
            }
            const std::string_view v = headers[i].value;
            if (headers[i].plain) {
                w = put_bytes(w, v);
            } else {
                const std::size_t at = static_cast<std::size_t>(w - out.data());
                out.resize(at);
                append_canonical_value(v, out);
                const std::size_t now = out.size();
                out.resize(start + tail_bound);
                w = out.data() + now;
            }
        }
        if (n > 0)
            *w++ = '\n';
        *w++ = '\n';
        w = put_bytes(w, signed_headers);
        *w++ = '\n';
        w = put_bytes(w, p.payload_hash);
        out.resize(static_cast<std::size_t>(w - out.data()));
        return {};
    }

    // Canonical query: each key and value decoded, then encoded; sorted by key, then value. In
    // query mode the X-Amz-* authentication parameters join in.
    void append_canonical_query(std::string_view query, bool query_mode, std::string_view signed_list) {
        std::string qbuf, tmp;
        std::vector<param> params;
        auto add_param = [&](std::string_view k, std::string_view v, bool decode) {
            param pr;
            pr.key_off = static_cast<std::uint32_t>(qbuf.size());
            if (decode) {
                tmp.clear();
                uri_decode(k, tmp);
                uri_encode(tmp, false, false, qbuf);
            } else {
                uri_encode(k, false, false, qbuf);
            }
            pr.key_len = static_cast<std::uint32_t>(qbuf.size() - pr.key_off);
            pr.val_off = static_cast<std::uint32_t>(qbuf.size());
            if (decode) {
                tmp.clear();
                uri_decode(v, tmp);
                uri_encode(tmp, false, false, qbuf);
            } else {
                uri_encode(v, false, false, qbuf);
            }
            pr.val_len = static_cast<std::uint32_t>(qbuf.size() - pr.val_off);
            params.push_back(pr);
        };
        std::size_t pos = 0;
        while (pos < query.size()) {
            std::size_t amp = query.find('&', pos);
            if (amp == std::string_view::npos)
                amp = query.size();
            std::string_view kv = query.substr(pos, amp - pos);
            if (!kv.empty()) {
                const auto eq = kv.find('=');
                add_param(kv.substr(0, eq),
                          eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1), true);
            }
            pos = amp + 1;
        }
        if (query_mode) {
            const settings& cfg = p.config;
            std::string credential(p.creds.access_key_id);
            credential.push_back('/');
            credential.append(scope);
            char expires[16];
            const auto [end, ec] = std::to_chars(expires, expires + sizeof expires, cfg.expires_seconds);
            (void)ec;
            const std::size_t first_added = params.size();
            add_param("X-Amz-Algorithm", algorithm, false);
            add_param("X-Amz-Credential", credential, false);
            add_param("X-Amz-Date", p.time.amz_date(), false);
            add_param("X-Amz-Expires", std::string_view(expires, static_cast<std::size_t>(end - expires)),
                      false);
            add_param("X-Amz-SignedHeaders", signed_list, false);
            if (p.creds.has_session_token() && cfg.token_mode == session_token_mode::sign)
                add_param("X-Amz-Security-Token", p.creds.session_token, false);
            if (query_to_add)
                for (std::size_t i = first_added; i < params.size(); ++i)
                    query_to_add->emplace_back(qbuf.substr(params[i].key_off, params[i].key_len),
                                               qbuf.substr(params[i].val_off, params[i].val_len));
        }
        std::sort(params.begin(), params.end(), [&](const param& a, const param& b) {
            const std::string_view ak(qbuf.data() + a.key_off, a.key_len),
                bk(qbuf.data() + b.key_off, b.key_len);
            if (ak != bk)
                return ak < bk;
            return std::string_view(qbuf.data() + a.val_off, a.val_len) <
                   std::string_view(qbuf.data() + b.val_off, b.val_len);
        });
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (i > 0)
                out.push_back('&');
            out.append(qbuf, params[i].key_off, params[i].key_len);
            out.push_back('=');
            out.append(qbuf, params[i].val_off, params[i].val_len);
        }
    }
};

} // namespace

namespace payload {
bool is_valid(std::string_view hash) noexcept {
    if (hash.size() == 64)
        return all_lower_hex(hash);
    return hash == unsigned_payload || hash == streaming_signed || hash == streaming_signed_trailer ||
           hash == streaming_unsigned_trailer;
}
} // namespace payload

std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
    std::string s;
    s.reserve(date.size() + region.size() + service.size() + 16);
    s.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
    return s;
}

namespace {
// The checks of validate() on what a cached signing key was derived from (secret key, region,
// service): signer::sign skips them when the key cache already holds these inputs.
std::error_code validate_key_inputs(const signing_params& p) noexcept {
    if (!valid_key_text(p.creds.secret_access_key))
        return error::invalid_credentials;
    if (!valid_scope_part(p.region) || !std::all_of(p.region.begin(), p.region.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        }))
        return error::invalid_region;
    if (!valid_scope_part(p.service))
        return error::invalid_service;
    return {};
}

// The rest of validate(): what may change from request to request under the same signing key.
std::error_code validate_request_inputs(const signing_params& p) noexcept {
    if (!payload::is_valid(p.payload_hash))
        return error::invalid_payload_hash;
    if (p.config.location == signature_location::query_params &&
        (p.config.expires_seconds < 1 || p.config.expires_seconds > 604800))
        return error::invalid_expires;
    if (!all_in_range(p.creds.session_token, 0x20, 0x7e)) // else: bytes >= 0x80 are allowed
        for (char c : p.creds.session_token)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                return error::invalid_credentials;
    return {};
}
} // namespace

std::error_code validate(const signing_params& p) noexcept {
    // Same order of checks (and so the same error for several faults) as ever: credentials,
    // region, service, payload hash, expiry, session token.
    if (!valid_access_key_id(p.creds.access_key_id))
        return error::invalid_credentials;
    if (auto ec = validate_key_inputs(p))
        return ec;
    return validate_request_inputs(p);
}

std::error_code canonical_request(const request_view& req, const signing_params& p, std::string& out,
                                  std::string& signed_headers) {
    if (auto ec = validate(p))
        return ec;
    const std::string scope = credential_scope(p.time.date(), p.region, p.service);
    return canonicalizer{req, p, scope, out, signed_headers, nullptr, nullptr}.run();
}

namespace {
// Sets `out` to the concatenation of `parts` (string views, or anything that converts to one)
// with one resize and a memcpy each. A template so that the sizes of literals and fixed-size
// parts are constants and their copies inlined. The resize zero-fills only growth: callers that
// reuse `out` from call to call (signer::sign) do not clear it first.
template <class... Parts>
void assign_concat(std::string& out, const Parts&... parts) {
    out.resize((std::string_view(parts).size() + ...));
    char* w = out.data();
    ((w = put_bytes(w, std::string_view(parts))), ...);
}

void append_string_to_sign(std::string& out, std::string_view canonical, const signing_time& t,
                           std::string_view scope, prefix_hasher* hasher = nullptr) {
    char hex[64];
    to_hex(hasher ? hasher->hash(canonical) : sha256_of(canonical), hex);
    assign_concat(out, algorithm, "\n", t.amz_date(), "\n", scope, "\n", std::string_view(hex, 64));
}
} // namespace

std::string string_to_sign(std::string_view canonical, const signing_time& t, std::string_view scope) {
    std::string s;
    append_string_to_sign(s, canonical, t, scope);
    return s;
}

digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) noexcept {
    char k0[4 + 256];
    std::string seed;
    std::string_view key;
    if (secret.size() <= 256) {
        std::memcpy(k0, "AWS4", 4);
        std::memcpy(k0 + 4, secret.data(), secret.size());
        key = {k0, secret.size() + 4};
    } else {
        seed = std::string("AWS4").append(secret);
        key = seed;
    }
    digest k = hmac_key(key).mac(date);
    std::memset(k0, 0, sizeof k0);
    k = hmac_key(k).mac(region);
    k = hmac_key(k).mac(service);
    return hmac_key(k).mac("aws4_request");
}

std::string signature(const digest& signing_key, std::string_view sts) {
    return to_hex_string(hmac_key(signing_key).mac(sts));
}

std::string authorization(std::string_view access_key_id, std::string_view scope,
                          std::string_view signed_headers, std::string_view sig) {
    std::string s;
    s.reserve(algorithm.size() + access_key_id.size() + scope.size() + signed_headers.size() + sig.size() +
              40);
    s.append(algorithm)
        .append(" Credential=")
        .append(access_key_id)
        .append("/")
        .append(scope)
        .append(", SignedHeaders=")
        .append(signed_headers)
        .append(", Signature=")
        .append(sig);
    return s;
}

bool signing_key_cache::entry::matches(std::string_view secret_, std::string_view date_,
                                       std::string_view region_, std::string_view service_) const noexcept {
    return used && same(date, date_) && same(region, region_) && same(service, service_) &&
           same(secret, secret_);
}

const hmac_key* signing_key_cache::find(std::string_view secret, std::string_view date,
                                        std::string_view region, std::string_view service) noexcept {
    // The last key used first: a signer mostly signs for one region and service at a time.
    if (entries_[last_].matches(secret, date, region, service)) {
        ++hits_;
        return &entries_[last_].key;
    }
    for (std::size_t i = 0; i < capacity; ++i)
        if (entries_[i].matches(secret, date, region, service)) {
            last_ = i;
            ++hits_;
            return &entries_[i].key;
        }
    return nullptr;
}

const hmac_key& signing_key_cache::get(std::string_view secret, std::string_view date,
                                       std::string_view region, std::string_view service) {
    if (const hmac_key* k = find(secret, date, region, service))
        return *k;
    ++misses_;
    last_ = next_;
    entry& e = entries_[next_];
    next_ = (next_ + 1) % capacity;
    e.secret.assign(secret);
    e.date.assign(date);
    e.region.assign(region);
    e.service.assign(service);
    e.key = hmac_key(derive_signing_key(secret, date, region, service));
    e.used = true;
    return e.key;
}

void signing_result::clear() noexcept {
    canonical_request.clear();
    string_to_sign.clear();
    signed_headers.clear();
    signature.clear();
    authorization.clear();
    headers_to_add.clear();
    query_to_add.clear();
}

std::string signing_result::presigned_target(std::string_view original) const {
    original = original.substr(0, original.find('#')); // a fragment is never sent (nor signed)
    std::string t(original);
    // A separator is needed unless the query is empty ("/path?") or already ends in '&'. A '?'
    // at the end of a non-empty query is data, not the delimiter.
    const auto qpos = original.find('?');
    char sep = qpos == std::string_view::npos ? '?' : '&';
    if (qpos != std::string_view::npos && (qpos + 1 == original.size() || original.back() == '&'))
        sep = 0;
    for (const auto& [k, v] : query_to_add) {
        if (sep)
            t.push_back(sep);
        sep = '&';
        t.append(k).append("=").append(v);
    }
    return t;
}

namespace {

std::error_code sign_with_key(const request_view& req, const signing_params& p, signing_result& out,
                              signing_key_cache* cache, prefix_hasher* hasher, prefix_hasher* sts_hasher) {
    // The strings of `out` are reused from call to call: each is overwritten (resized to its new
    // length, not cleared first, so nothing is zero-filled twice); on failure all are cleared.
    out.query_to_add.clear();
    auto fail = [&](std::error_code ec) {
        out.clear();
        return ec;
    };
    // A cached signing key was derived from a secret key, region and service that passed
    // validation (only this function fills a signer's cache, and only after validate()): on a hit
    // only the per-request inputs are checked. Same errors, in the same order, as validate().
    const hmac_key* key = nullptr;
    if (cache && (key = cache->find(p.creds.secret_access_key, p.time.date(), p.region, p.service))) {
        if (!valid_access_key_id(p.creds.access_key_id))
            return fail(error::invalid_credentials);
        if (auto ec = validate_request_inputs(p))
            return fail(ec);
    } else if (auto ec = validate(p)) {
        return fail(ec);
    }
    char scope_buf[256];
    std::string scope_str;
    std::string_view scope;
    const std::size_t scope_len = p.time.date().size() + p.region.size() + p.service.size() + 15;
    if (scope_len <= sizeof scope_buf) {
        char* w = scope_buf;
        auto put = [&](std::string_view s) { w = put_bytes(w, s); };
        put(p.time.date());
        put("/");
        put(p.region);
        put("/");
        put(p.service);
        put("/aws4_request");
        scope = {scope_buf, static_cast<std::size_t>(w - scope_buf)};
    } else {
        scope_str = credential_scope(p.time.date(), p.region, p.service);
        scope = scope_str;
    }
    const bool query_mode = p.config.location == signature_location::query_params;
    canonicalizer canon{req,
                        p,
                        scope,
                        out.canonical_request,
                        out.signed_headers,
                        &out.headers_to_add,
                        query_mode ? &out.query_to_add : nullptr};
    if (auto ec = canon.run())
        return fail(ec);
    append_string_to_sign(out.string_to_sign, out.canonical_request, p.time, scope, hasher);
    // Only the uncached path builds a key here: an hmac_key costs two SHA-256 blocks to make.
    std::optional<hmac_key> local;
    if (key) {
        // found above
    } else if (cache) {
        key = &cache->get(p.creds.secret_access_key, p.time.date(), p.region, p.service);
    } else {
        local.emplace(derive_signing_key(p.creds.secret_access_key, p.time.date(), p.region, p.service));
        key = &*local;
    }
    out.signature.resize(64);
    // The string to sign's first block (algorithm, time, start of the scope) is the same for every
    // request in a second: its inner-HMAC state is cached like the canonical request's prefix.
    to_hex(sts_hasher ? key->outer(sts_hasher->hash(key->inner_start(), out.string_to_sign))
                      : key->mac(out.string_to_sign),
           out.signature.data());
    const bool token_after =
        p.creds.has_session_token() && p.config.token_mode == session_token_mode::append_after_signing;
    if (query_mode) {
        out.authorization.clear();
        out.headers_to_add.resize(canon.headers_added);
        if (token_after) {
            std::string v;
            uri_encode(p.creds.session_token, false, false, v);
            out.query_to_add.emplace_back("X-Amz-Security-Token", std::move(v));
        }
        out.query_to_add.emplace_back("X-Amz-Signature", out.signature);
    } else {
        assign_concat(out.authorization, algorithm, " Credential=", p.creds.access_key_id, "/", scope,
                      ", SignedHeaders=", out.signed_headers, ", Signature=", out.signature);
        std::size_t& n = canon.headers_added;
        if (token_after) {
            bool present = false;
            for (const auto& h : req.headers)
                present |= iequals(h.name, "x-amz-security-token");
            if (!present)
                put_nv(out.headers_to_add, n, "X-Amz-Security-Token", p.creds.session_token);
        }
        put_nv(out.headers_to_add, n, "Authorization", out.authorization);
        out.headers_to_add.resize(n);
    }
    return {};
}

} // namespace

std::error_code signer::sign(const request_view& req, const signing_params& p, signing_result& out) {
    return sign_with_key(req, p, out, &cache_, &canonical_hasher_, &string_to_sign_hasher_);
}

std::error_code sign(const request_view& req, const signing_params& p, signing_result& out) {
    return sign_with_key(req, p, out, nullptr, nullptr, nullptr);
}

} // namespace aws_sigv4
