// Differential test: thousands of random requests signed by aws_sigv4 and by botocore's signers
// (Debian python3-botocore through /usr/bin/python3), which must agree on the canonical request, the
// string to sign, the signature, the Authorization header and the headers / query parameters added.
//
// How it runs: the requests are generated here from a seed (one independent PRNG stream per request,
// so any single request can be replayed), written as JSON lines, signed by botocore_sign.py in one
// process, and compared. Environment:
//   BB_DIFF_SEED    seed (decimal); "random" takes one from the clock. Default: a fixed seed.
//   BB_DIFF_COUNT   number of requests (default 6000)
//   BB_DIFF_ONLY    comma-separated request ids to run alone (with the same seed), for replaying
//   BB_DIFF_KEEP    keep the JSON files in the temp directory (always kept on failure)
//   BB_BOTOCORE_PYTHON  the interpreter (default /usr/bin/python3)
//
// Where the two signers legitimately differ, the generator stays on the common ground; each such
// restriction is marked "botocore:" below and listed in tests/peer/sigv4_botocore/README.md.
#include <aws_sigv4/aws_sigv4.hpp>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace aws_sigv4;

namespace {

constexpr std::uint64_t default_seed = 20240611;
constexpr std::size_t default_count = 6000;
constexpr std::string_view script_path = BB_SOURCE_DIR "/tests/peer/sigv4_botocore/botocore_sign.py";

std::string env_or(const char* name, std::string fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string python_path() {
    return env_or("BB_BOTOCORE_PYTHON", "/usr/bin/python3");
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness: splitmix64 to seed, xoshiro256** to draw, and our own bounded draws (the
// std:: distributions are not the same on every standard library).

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

class rng {
public:
    rng(std::uint64_t seed, std::uint64_t stream) {
        std::uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
        for (auto& w : s_)
            w = splitmix64(x);
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }
    /// Uniform in [0, n), n > 0 (the modulo bias is irrelevant here).
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    std::size_t between(std::size_t lo, std::size_t hi) { return lo + below(hi - lo + 1); }
    /// True with probability percent / 100.
    bool chance(unsigned percent) { return below(100) < percent; }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& a) {
        return a[below(N)];
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> s_;
};

// ---------------------------------------------------------------------------------------------
// Building blocks

constexpr std::string_view unreserved_chars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
constexpr std::string_view hex_upper = "0123456789ABCDEF";
constexpr std::string_view hex_lower = "0123456789abcdef";

// Non-ASCII text that is not whitespace for Python's str.split() (botocore: U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 are whitespace to Python, not to HTTP).
constexpr std::array<std::string_view, 10> unicode_pieces = {"\xc3\xa9",
                                                             "\xc3\xbc",
                                                             "\xc3\x9f",
                                                             "\xc5\x99",
                                                             "\xce\xa9",
                                                             "\xe4\xb8\xad\xe6\x96\x87",
                                                             "\xe6\x97\xa5\xe6\x9c\xac",
                                                             "\xf0\x9f\x98\x80",
                                                             "\xd0\x96",
                                                             "\xe2\x82\xac"};

constexpr std::array<std::string_view, 12> words = {"a",    "b",      "key", "value", "Object",    "photos",
                                                    "2024", "x-y_z~", "A.B", "UPPER", "mixedCase", "~t"};

std::string random_word(rng& r) {
    if (r.chance(50))
        return std::string(r.pick(words));
    std::string s;
    const std::size_t n = r.between(1, 10);
    for (std::size_t i = 0; i < n; ++i)
        s.push_back(unreserved_chars[r.below(unreserved_chars.size())]);
    return s;
}

void append_escape(rng& r, unsigned char c, std::string& out, bool allow_lower) {
    const std::string_view hex = allow_lower && r.chance(25) ? hex_lower : hex_upper;
    out.push_back('%');
    out.push_back(hex[c >> 4]);
    out.push_back(hex[c & 0xf]);
}

bool is_unreserved(unsigned char c) {
    return unreserved_chars.find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// Canonical SigV4 encoding (what botocore's serializers put on the wire).
std::string encode_canonical(std::string_view s, bool keep_slash) {
    std::string out;
    uri_encode(s, keep_slash, false, out);
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string random_case(rng& r, std::string_view s) {
    std::string out(s);
    const auto style = r.below(4);
    for (auto& c : out) {
        const bool up = style == 0 ? false : style == 1 ? true : style == 2 ? (&c == &out[0]) : r.chance(50);
        if (up && c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (!up && c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string hex_of(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out.push_back(hex_lower[c >> 4]);
        out.push_back(hex_lower[c & 0xf]);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// One generated request, with what both signers need.

struct gen_case {
    std::size_t id = 0;
    std::string signer; // "sigv4" (SigV4Auth / SigV4QueryAuth) or "s3" (S3SigV4Auth / S3SigV4QueryAuth)
    std::string mode;   // "header" or "query"
    std::string method, scheme, host, target, query_via;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string time;
    std::string region, service, access_key, secret_key;
    std::optional<std::string> token;
    std::uint32_t expires = 900;
    json::object context;
    // Our side.
    settings config;
    std::string payload_hash;
    std::set<std::string> tags;
};

// Paths ---------------------------------------------------------------------------------------

/// A wire path for SigV4Auth (double encoding, normalization): anything botocore can hold in a URL.
std::string wire_path_double(rng& r, gen_case& c) {
    std::string p;
    const std::size_t segments = r.between(0, 6);
    for (std::size_t s = 0; s < segments; ++s) {
        p.push_back('/');
        const std::size_t kind = r.below(100);
        if (kind < 8) {
            p += ".";
            c.tags.insert("path-dot-segment");
            continue;
        }
        if (kind < 16) {
            p += "..";
            c.tags.insert("path-dot-segment");
            continue;
        }
        if (kind < 22) {
            c.tags.insert("path-empty-segment"); // "//"
            continue;
        }
        const std::size_t pieces = r.between(1, 4);
        for (std::size_t i = 0; i < pieces; ++i) {
            switch (r.below(8)) {
            case 0:
            case 1:
                p += random_word(r);
                break;
            case 2: { // reserved and other characters left raw on the wire
                static constexpr std::string_view raw = "!$&'()*+,;=:@\"<>\\^`{|}[] ";
                p.push_back(raw[r.below(raw.size())]);
                c.tags.insert("path-raw-reserved");
                break;
            }
            case 3: // an escaped ASCII byte, either hex case
                append_escape(r, static_cast<unsigned char>(r.between(0x20, 0x7e)), p, true);
                c.tags.insert("path-percent-escaped");
                break;
            case 4: { // percent-encoded UTF-8
                for (unsigned char b : r.pick(unicode_pieces))
                    append_escape(r, b, p, true);
                c.tags.insert("path-unicode-encoded");
                break;
            }
            case 5: // raw UTF-8
                p += r.pick(unicode_pieces);
                c.tags.insert("path-unicode-raw");
                break;
            case 6: { // a '%' that does not start an escape, or an encoded slash / dot
                static constexpr std::array<std::string_view, 5> odd = {"%", "%zz", "%4g", "%2F", "%2E%2E"};
                p += r.pick(odd);
                c.tags.insert("path-odd-percent");
                break;
            }
            default:
                p += ".";
                p += random_word(r);
                break;
            }
        }
    }
    if (p.empty() || r.chance(20))
        p.push_back('/');
    return p;
}

/// A wire path for S3SigV4Auth (single encoding, no normalization).
/// botocore: the S3 signers put the URL path into the canonical request as it is, trusting the
/// serializer to have encoded the key (percent_encode(key, safe='/~')). Our signer encodes what is
/// still raw and keeps %XX escapes. So the wire path here is an encoded key: unreserved bytes, '/',
/// and valid %XX escapes (either hex case, kept by both).
std::string wire_path_s3(rng& r, gen_case& c) {
    std::string key;
    const std::size_t pieces = r.between(0, 8);
    for (std::size_t i = 0; i < pieces; ++i) {
        switch (r.below(9)) {
        case 0:
        case 1:
            key += random_word(r);
            break;
        case 2:
            key += "/";
            break;
        case 3:
            key += r.chance(50) ? "/./" : "/../";
            c.tags.insert("path-dot-segment");
            break;
        case 4:
            key += "//";
            c.tags.insert("path-empty-segment");
            break;
        case 5: {
            static constexpr std::string_view raw = "!$&'()*+,;=:@ %?#\"<>\\^`{|}[]";
            key.push_back(raw[r.below(raw.size())]);
            c.tags.insert("path-reserved-encoded");
            break;
        }
        case 6:
            key += r.pick(unicode_pieces);
            c.tags.insert("path-unicode-encoded");
            break;
        default:
            key += ".";
            key += random_word(r);
            break;
        }
    }
    std::string p = r.chance(50) ? "/" : "/" + random_word(r) + "/"; // virtual-host or path style
    for (unsigned char ch : key) {
        if (is_unreserved(ch) || ch == '/') {
            p.push_back(static_cast<char>(ch));
        } else {
            append_escape(r, ch, p, true);
            if (ch == '%')
                c.tags.insert("path-percent-escaped");
        }
    }
    return p;
}

// Queries -------------------------------------------------------------------------------------

std::string random_query_text(rng& r, bool for_key, bool allow_plus, gen_case& c) {
    std::string s;
    if (!for_key && r.chance(12)) {
        c.tags.insert("query-empty-value");
        return s;
    }
    const std::size_t pieces = r.between(1, 4);
    for (std::size_t i = 0; i < pieces; ++i) {
        switch (r.below(7)) {
        case 0:
        case 1:
        case 2:
            s += random_word(r);
            break;
        case 3: {
            static constexpr std::string_view reserved = "!$'()*,;:@/?= &#%";
            s.push_back(reserved[r.below(reserved.size())]);
            c.tags.insert("query-reserved");
            break;
        }
        case 4:
            s += r.pick(unicode_pieces);
            c.tags.insert("query-unicode");
            break;
        case 5:
            if (allow_plus) {
                s.push_back('+');
                c.tags.insert("query-plus");
            } else {
                s.push_back('-');
            }
            break;
        default:
            s.push_back(static_cast<char>(r.between(0x01, 0x1f))); // control bytes, always escaped
            c.tags.insert("query-control");
            break;
        }
    }
    return s;
}

/// Encodes one decoded key or value for the wire without canonicalizing: unreserved characters
/// sometimes escaped (%41), reserved ones sometimes raw, either hex case, raw UTF-8, stray '%'.
std::string encode_loose(rng& r, std::string_view s, bool is_key, bool allow_plus, gen_case& c) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto ch = static_cast<unsigned char>(s[i]);
        if (is_unreserved(ch)) {
            if (r.chance(10)) {
                append_escape(r, ch, out, true);
                c.tags.insert("query-needless-escape");
            } else {
                out.push_back(static_cast<char>(ch));
            }
        } else if (std::string_view("!$'()*,;:@/?").find(static_cast<char>(ch)) != std::string_view::npos ||
                   (ch == '=' && !is_key) || (ch == '+' && allow_plus)) {
            if (r.chance(50)) {
                out.push_back(static_cast<char>(ch));
                c.tags.insert("query-raw-reserved");
            } else {
                append_escape(r, ch, out, true);
            }
        } else if (ch == '%' && (i + 1 >= s.size() || !is_hex(s[i + 1])) && r.chance(50)) {
            // Followed by neither a hex digit nor (after encoding) anything that could start one:
            // a literal '%' to both decoders.
            out.push_back('%');
            c.tags.insert("query-stray-percent");
        } else if (ch >= 0xc0) { // a whole UTF-8 sequence, raw or escaped (the wire stays valid UTF-8)
            std::size_t len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
            len = std::min(len, s.size() - i);
            const bool raw = r.chance(50);
            for (std::size_t j = 0; j < len; ++j) {
                if (raw)
                    out.push_back(s[i + j]);
                else
                    append_escape(r, static_cast<unsigned char>(s[i + j]), out, true);
            }
            if (raw)
                c.tags.insert("query-raw-utf8");
            i += len - 1;
        } else if (ch == ' ' && i + 1 < s.size() && r.chance(30)) {
            out.push_back(' ');
        } else {
            append_escape(r, ch, out, true);
        }
    }
    return out;
}

std::string make_query(rng& r, gen_case& c) {
    const bool presign = c.mode == "query";
    // botocore: the presigners re-read the query with parse_qs into a dict (repeated keys collapse to
    // the first value; '+' is read as a space, an HTML-form rule SigV4 does not have); our signer
    // keeps every pair and '+' as '+'. So presigned requests get unique keys and no raw '+'.
    const bool allow_plus = !presign;
    // botocore: SigV4Auth takes a URL query verbatim (no decoding, no re-encoding), trusting it to be
    // canonical already; through request.params it encodes each key and value itself. Our signer
    // decodes and re-encodes. So: "url" queries are canonical, "params" queries may be encoded loosely.
    c.query_via = presign ? "url" : (r.chance(50) ? "url" : "params");
    const bool canonical = c.query_via == "url" && !presign;
    if (c.query_via == "params")
        c.tags.insert("query-via-params");

    std::vector<std::pair<std::string, std::string>> pairs;
    std::set<std::string> keys;
    const std::size_t n = r.between(1, 6);
    for (std::size_t i = 0; i < n; ++i) {
        std::string k, v;
        if (!presign && !pairs.empty() && r.chance(20)) {
            k = pairs[r.below(pairs.size())].first;
            c.tags.insert("query-repeated-key");
        } else {
            k = random_query_text(r, true, allow_plus, c);
        }
        v = random_query_text(r, false, allow_plus, c);
        // botocore: presigned keys named like the X-Amz-* auth parameters would be duplicated.
        if (presign && (keys.count(k) || lower(k).starts_with("x-amz-")))
            continue;
        keys.insert(k);
        pairs.emplace_back(std::move(k), std::move(v));
    }
    std::string q;
    for (const auto& [k, v] : pairs) {
        if (!q.empty())
            q.push_back('&');
        if (canonical) {
            q += encode_canonical(k, false);
            if (v.empty() && r.chance(30)) { // "flag" without '=' means an empty value to both
                c.tags.insert("query-no-equals");
                continue;
            }
            q += "=" + encode_canonical(v, false);
        } else {
            q += encode_loose(r, k, true, allow_plus, c);
            if (v.empty() && r.chance(30)) {
                c.tags.insert("query-no-equals");
                continue;
            }
            q += "=" + encode_loose(r, v, false, allow_plus, c);
        }
    }
    return q;
}

// Headers -------------------------------------------------------------------------------------

std::string random_header_value(rng& r, gen_case& c) {
    std::string v;
    if (r.chance(5)) {
        c.tags.insert("header-empty-value");
        return r.chance(50) ? "" : "   ";
    }
    if (r.chance(20)) {
        v += std::string(r.between(1, 3), r.chance(70) ? ' ' : '\t');
        c.tags.insert("header-leading-space");
    }
    const std::size_t pieces = r.between(1, 6);
    for (std::size_t i = 0; i < pieces; ++i) {
        if (i > 0) {
            switch (r.below(6)) {
            case 0:
                v += std::string(r.between(2, 5), ' ');
                c.tags.insert("header-space-run");
                break;
            case 1:
                v += r.chance(50) ? "\r\n " : "\n\t  ";
                c.tags.insert("header-multi-line");
                break;
            case 2:
                v += "\t";
                break;
            default:
                v += " ";
                break;
            }
        }
        switch (r.below(5)) {
        case 0: {
            static constexpr std::string_view punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
            v.push_back(punct[r.below(punct.size())]);
            break;
        }
        case 1:
            v += r.pick(unicode_pieces);
            c.tags.insert("header-unicode");
            break;
        default:
            v += random_word(r);
            break;
        }
    }
    if (r.chance(20)) {
        v += std::string(r.between(1, 3), ' ');
        c.tags.insert("header-trailing-space");
    }
    return v;
}

std::string random_header_name(rng& r) {
    static constexpr std::string_view tchar = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";
    // botocore: these names have behaviour of their own (Date replaces X-Amz-Date; Authorization,
    // X-Amz-Security-Token and X-Amz-Content-SHA256 are rewritten; botocore signs Transfer-Encoding,
    // which our preset excludes). They are generated deliberately below, where both agree.
    static const std::set<std::string> reserved = {"date",
                                                   "authorization",
                                                   "x-amz-date",
                                                   "x-amz-security-token",
                                                   "x-amz-content-sha256",
                                                   "transfer-encoding",
                                                   "host",
                                                   "expect",
                                                   "user-agent",
                                                   "x-amzn-trace-id",
                                                   "content-md5"};
    for (;;) {
        std::string n = r.chance(50) ? "x-" : "";
        const std::size_t len = r.between(1, 12);
        for (std::size_t i = 0; i < len; ++i)
            n.push_back(tchar[r.below(tchar.size())]);
        if (!reserved.count(n))
            return random_case(r, n);
    }
}

// The whole request ---------------------------------------------------------------------------

gen_case generate(std::uint64_t seed, std::size_t id) {
    rng r(seed, id);
    gen_case c;
    c.id = id;

    const std::size_t kind = r.below(100);
    c.signer = kind < 55 ? "sigv4" : "s3";
    c.mode = (kind < 40 || (kind >= 55 && kind < 85)) ? "header" : "query";
    c.tags.insert(c.signer + "-" + c.mode);
    const bool presign = c.mode == "query";
    const bool s3 = c.signer == "s3";

    // Time, scope, credentials.
    std::error_code ec;
    const auto t = signing_time::from_unix(static_cast<std::int64_t>(r.between(946684800, 4102444799)), ec);
    c.time = std::string(t.amz_date());
    static constexpr std::array<std::string_view, 6> regions = {
        "us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1", "il-central-1"};
    if (r.chance(80)) {
        c.region = std::string(r.pick(regions));
    } else {
        static constexpr std::string_view rc = "abcdefghijklmnopqrstuvwxyz0123456789-";
        for (std::size_t i = r.between(1, 20); i > 0; --i)
            c.region.push_back(rc[r.below(rc.size())]);
    }
    static constexpr std::array<std::string_view, 7> services = {
        "athena", "glue", "sts", "execute-api", "service", "lambda", "s3-object-lambda"};
    c.service = s3 ? "s3" : std::string(r.pick(services));
    c.access_key = "AKIA";
    for (int i = 0; i < 16; ++i)
        c.access_key.push_back("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[r.below(32)]);
    for (std::size_t i = r.between(1, 60); i > 0; --i)
        c.secret_key.push_back(static_cast<char>(r.between(0x21, 0x7e)));
    if (r.chance(30)) {
        std::string tok;
        static constexpr std::string_view b64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        for (std::size_t i = r.between(1, 400); i > 0; --i)
            tok.push_back(r.chance(2) ? ' ' : b64[r.below(b64.size())]);
        c.token = tok;
        c.tags.insert("session-token");
    }

    // Method.
    static constexpr std::array<std::string_view, 12> methods = {
        "GET",     "PUT", "POST", "DELETE",   "HEAD",     "PATCH",
        "OPTIONS", "GET", "POST", "PROPFIND", "M-SEARCH", "X!#$%&'*+.^_`|~1"};
    // botocore: upper-cases the method (method.upper()); HTTP methods are case-sensitive and ours is
    // signed as sent, so methods are generated upper case.
    c.method = std::string(r.pick(methods));
    if (c.method == "PROPFIND" || c.method == "M-SEARCH" || c.method.starts_with("X!"))
        c.tags.insert("custom-method");

    // Endpoint and target.
    static constexpr std::array<std::string_view, 6> hosts = {
        "example.amazonaws.com",   "athena.us-east-1.amazonaws.com",
        "bucket.s3.amazonaws.com", "s3.eu-west-3.amazonaws.com",
        "localhost:9000",          "127.0.0.1:8080"};
    c.host = std::string(r.pick(hosts));
    c.scheme = r.chance(75) ? "https" : "http";
    c.target = s3 ? wire_path_s3(r, c) : wire_path_double(r, c);
    c.query_via = "url";
    if (r.chance(55)) {
        c.target += "?" + make_query(r, c);
    }
    // botocore: urlsplit() strips whitespace at the end of the URL.
    while (c.target.back() == ' ')
        c.target.back() = '-';

    // Body. botocore: the presigners move a request body into the query (as a JSON object), so
    // presigned requests have none.
    if (!presign) {
        const std::size_t b = r.below(100);
        if (b < 40) {
        } else if (b < 80) {
            c.body = "{\"QueryString\":\"SELECT " + random_word(r) + "\",\"WorkGroup\":\"primary\"}";
            c.body += std::string(r.below(200), 'x');
        } else {
            for (std::size_t i = r.between(1, 3000); i > 0; --i)
                c.body.push_back(static_cast<char>(r.below(256)));
            c.tags.insert("binary-body");
        }
    }
    const std::string body_hash = sha256_hex(c.body);

    // Headers: Host first, then a random mix.
    c.headers.emplace_back(random_case(r, "host"),
                           (r.chance(20) ? "  " : "") + c.host + (r.chance(20) ? " " : ""));
    const std::size_t extra = r.between(0, 8);
    for (std::size_t i = 0; i < extra; ++i) {
        switch (r.below(10)) {
        case 0: {
            static constexpr std::array<std::string_view, 4> types = {
                "application/x-amz-json-1.1", "application/json", "text/plain; charset=utf-8",
                "application/x-www-form-urlencoded"};
            // botocore: the presigners drop "Content-Type: application/x-www-form-urlencoded; charset=utf-8"
            // (botocore's own default); that exact value is never generated.
            c.headers.emplace_back(random_case(r, "content-type"), std::string(r.pick(types)));
            break;
        }
        case 1:
            c.headers.emplace_back(random_case(r, "x-amz-target"), "AmazonAthena.StartQueryExecution");
            break;
        case 2: { // excluded by both
            static constexpr std::array<std::string_view, 3> excluded = {"user-agent", "expect",
                                                                         "x-amzn-trace-id"};
            c.headers.emplace_back(random_case(r, r.pick(excluded)), random_header_value(r, c));
            c.tags.insert("excluded-header");
            break;
        }
        case 3: // the same name twice, in another case
            if (!c.headers.empty()) {
                const auto prev = c.headers[r.below(c.headers.size())].first;
                if (lower(prev) != "host") {
                    c.headers.emplace_back(random_case(r, prev), random_header_value(r, c));
                    c.tags.insert("duplicate-header");
                    break;
                }
            }
            [[fallthrough]];
        default:
            c.headers.emplace_back(random_header_name(r), random_header_value(r, c));
            break;
        }
    }
    // Headers the signers treat specially, where both agree.
    // X-Amz-Date: botocore replaces it with the signing time; ours keeps it. Same when it holds that time.
    if (r.chance(10)) {
        c.headers.emplace_back(random_case(r, "x-amz-date"), c.time);
        c.tags.insert("x-amz-date-present");
    }
    // X-Amz-Security-Token without session credentials: a plain signed header for both. (With them,
    // botocore replaces it while ours keeps it.)
    if (!c.token && r.chance(5)) {
        c.headers.emplace_back("X-Amz-Security-Token", "preset-token");
        c.tags.insert("token-header-present");
    }

    // Signing settings and payload hash, mapped from botocore's rules.
    if (!s3 && !presign) {
        c.config = settings::json_service();
        c.payload_hash = body_hash;
        const auto p = r.below(100);
        if (p < 8) {
            // context payload_signing_enabled=False: botocore adds and signs
            // "X-Amz-Content-SHA256: UNSIGNED-PAYLOAD" (whatever the scheme).
            c.context["payload_signing_enabled"] = false;
            c.config.content_sha256_header = true;
            c.payload_hash = std::string(payload::unsigned_payload);
            c.tags.insert("unsigned-payload");
        } else if (p < 16) {
            // An X-Amz-Content-SHA256 header already there: botocore takes its value as the payload hash.
            c.payload_hash = r.chance(50) ? body_hash : std::string(payload::unsigned_payload);
            c.headers.emplace_back(random_case(r, "x-amz-content-sha256"), c.payload_hash);
            c.tags.insert("content-sha256-present");
        }
    } else if (s3 && !presign) {
        c.config = settings::s3();
        // S3SigV4Auth skips hashing (UNSIGNED-PAYLOAD) only over https, with a Content-MD5 header
        // and a streaming body; otherwise it signs the body hash.
        const bool md5 = r.chance(40);
        if (md5)
            c.headers.emplace_back(random_case(r, "content-md5"), "1B2M2Y8AsgTpgAmY7PhCfg==");
        if (r.chance(40))
            c.context["has_streaming_input"] = true;
        const bool unsigned_body = md5 && c.scheme == "https" && c.context.contains("has_streaming_input");
        c.payload_hash = unsigned_body ? std::string(payload::unsigned_payload) : body_hash;
        if (unsigned_body)
            c.tags.insert("unsigned-payload");
        // botocore: S3SigV4Auth always rewrites x-amz-content-sha256 with its own payload hash, so an
        // existing header only agrees when it holds that hash.
        if (r.chance(10)) {
            c.headers.emplace_back(random_case(r, "x-amz-content-sha256"), c.payload_hash);
            c.tags.insert("content-sha256-present");
        }
    } else {
        c.expires = static_cast<std::uint32_t>(
            r.chance(30) ? r.pick(std::array<std::size_t, 3>{1, 3600, 604800}) : r.between(1, 604800));
        c.config = s3 ? settings::s3_presigned(c.expires) : settings::json_service();
        c.config.location = signature_location::query_params;
        c.config.expires_seconds = c.expires;
        // S3SigV4QueryAuth signs UNSIGNED-PAYLOAD; SigV4QueryAuth the (empty) body's hash.
        c.payload_hash = s3 ? std::string(payload::unsigned_payload) : body_hash;
    }
    if (std::any_of(c.headers.begin(), c.headers.end(),
                    [](auto& h) { return h.second.find('\n') != std::string::npos; }))
        c.tags.insert("header-multi-line");
    return c;
}

std::string to_json_line(const gen_case& c) {
    json::object o;
    o["id"] = c.id;
    o["signer"] = c.signer;
    o["mode"] = c.mode;
    o["method"] = c.method;
    o["scheme"] = c.scheme;
    o["host"] = c.host;
    o["target"] = c.target;
    o["query_via"] = c.query_via;
    json::array hs;
    for (const auto& [n, v] : c.headers)
        hs.push_back(json::array{json::string(n), json::string(v)});
    o["headers"] = std::move(hs);
    o["body_hex"] = hex_of(c.body);
    o["time"] = c.time;
    o["region"] = c.region;
    o["service"] = c.service;
    o["access_key"] = c.access_key;
    o["secret_key"] = c.secret_key;
    if (c.token)
        o["token"] = *c.token;
    else
        o["token"] = nullptr;
    o["expires"] = c.expires;
    o["context"] = c.context;
    return json::serialize(o);
}

// ---------------------------------------------------------------------------------------------
// Our side and the comparison.

struct our_result {
    std::error_code ec;
    signing_result res;
    std::string free_canonical; // canonical_request() free function, for a cross-check
};

our_result sign_ours(const gen_case& c, signer& cached) {
    our_result out;
    std::vector<header_view> hv;
    for (const auto& [n, v] : c.headers)
        hv.push_back({n, v});
    credentials creds{c.access_key, c.secret_key, c.token.value_or("")};
    std::error_code ec;
    const auto t = signing_time::parse(c.time, ec);
    if (ec) {
        out.ec = ec;
        return out;
    }
    const signing_params p{.creds = creds,
                           .region = c.region,
                           .service = c.service,
                           .time = t,
                           .payload_hash = c.payload_hash,
                           .config = c.config};
    const request_view req{c.method, c.target, hv};
    // Alternate between the caching signer and the one-shot function.
    out.ec = (c.id % 2 == 0) ? cached.sign(req, p, out.res) : sign(req, p, out.res);
    if (!out.ec) {
        std::string signed_headers;
        if (auto e2 = canonical_request(req, p, out.free_canonical, signed_headers))
            out.ec = e2;
    }
    return out;
}

/// "line N: ours <...> / botocore <...>" for the first line that differs, or "" when equal.
std::string first_difference(std::string_view ours, std::string_view theirs) {
    if (ours == theirs)
        return {};
    std::size_t line = 1;
    for (;;) {
        const auto a = ours.find('\n'), b = theirs.find('\n');
        const auto la = ours.substr(0, a), lb = theirs.substr(0, b);
        if (la != lb || a == std::string_view::npos || b == std::string_view::npos) {
            std::ostringstream os;
            os << "line " << line << ": ours <" << la << "> botocore <" << lb << ">";
            return os.str();
        }
        ours.remove_prefix(a + 1);
        theirs.remove_prefix(b + 1);
        ++line;
    }
}

using pair_list = std::vector<std::pair<std::string, std::string>>;

pair_list decoded_query(std::string_view target) {
    pair_list out;
    const auto q = target.find('?');
    if (q == std::string_view::npos)
        return out;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto part = query.substr(0, amp);
        if (!part.empty()) {
            const auto eq = part.find('=');
            std::string k, v;
            uri_decode(part.substr(0, eq), k);
            if (eq != std::string_view::npos)
                uri_decode(part.substr(eq + 1), v);
            out.emplace_back(std::move(k), std::move(v));
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string str(const json::value& v) {
    if (const auto* s = v.if_string())
        return std::string(*s);
    return {};
}

/// Every difference between our signing of `c` and botocore's (`theirs`); empty when they agree.
std::vector<std::string> compare(const gen_case& c, const our_result& ours, const json::object& theirs) {
    std::vector<std::string> diffs;
    if (const auto* e = theirs.if_contains("error")) {
        diffs.push_back("botocore failed: " + str(*e));
        return diffs;
    }
    if (ours.ec) {
        diffs.push_back("aws_sigv4 failed: " + ours.ec.message());
        return diffs;
    }
    const auto& r = ours.res;
    if (auto d = first_difference(r.canonical_request, str(theirs.at("canonical_request"))); !d.empty())
        diffs.push_back("canonical request differs at " + d);
    if (auto d = first_difference(r.string_to_sign, str(theirs.at("string_to_sign"))); !d.empty())
        diffs.push_back("string to sign differs at " + d);
    if (r.signature != str(theirs.at("signature")))
        diffs.push_back("signature: ours " + r.signature + " botocore " + str(theirs.at("signature")));
    if (ours.free_canonical != r.canonical_request)
        diffs.push_back("canonical_request() and signer::sign() disagree");
    if (c.mode == "header") {
        if (r.authorization != str(theirs.at("authorization")))
            diffs.push_back("authorization: ours <" + r.authorization + "> botocore <" +
                            str(theirs.at("authorization")) + ">");
        // The request's headers after signing, as a multiset of (lowercase name, value).
        pair_list mine, boto;
        for (const auto& [n, v] : c.headers)
            mine.emplace_back(lower(n), v);
        for (const auto& [n, v] : r.headers_to_add)
            mine.emplace_back(lower(n), v);
        for (const auto& h : theirs.at("headers").as_array())
            boto.emplace_back(lower(str(h.as_array().at(0))), str(h.as_array().at(1)));
        std::sort(mine.begin(), mine.end());
        std::sort(boto.begin(), boto.end());
        if (mine != boto) {
            std::string d = "headers after signing differ:";
            for (const auto& [n, v] : mine)
                if (!std::binary_search(boto.begin(), boto.end(), std::pair{n, v}))
                    d += " ours-only <" + n + ": " + v + ">";
            for (const auto& [n, v] : boto)
                if (!std::binary_search(mine.begin(), mine.end(), std::pair{n, v}))
                    d += " botocore-only <" + n + ": " + v + ">";
            diffs.push_back(d);
        }
    } else {
        // Presigned: same path, same query parameters (decoded, as a multiset).
        const std::string mine_target = r.presigned_target(c.target);
        const std::string boto_target = str(theirs.at("target"));
        if (mine_target.substr(0, mine_target.find('?')) != boto_target.substr(0, boto_target.find('?')))
            diffs.push_back("presigned path: ours <" + mine_target + "> botocore <" + boto_target + ">");
        if (decoded_query(mine_target) != decoded_query(boto_target))
            diffs.push_back("presigned query: ours <" + mine_target + "> botocore <" + boto_target + ">");
        if (r.query_to_add.empty() || r.query_to_add.back().first != "X-Amz-Signature")
            diffs.push_back("X-Amz-Signature is not the last parameter added");
    }
    return diffs;
}

// ---------------------------------------------------------------------------------------------
// Running botocore

struct run_files {
    fs::path dir, in, out, err;
};

/// Runs a command through the shell; returns its exit status (-1 when it could not run).
int run_command(const std::string& cmd) {
    const int rc = std::system(cmd.c_str());
    if (rc == -1)
        return -1;
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

std::string read_file(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::ostringstream os;
    os << f.rdbuf();
    return os.str();
}

std::string shell_quote(const fs::path& p) {
    return "'" + p.string() + "'";
}

/// Checks that the interpreter runs and imports botocore; returns its version or a reason in `why`.
std::optional<std::string> botocore_version(std::string& why) {
    const fs::path py = python_path();
    if (!fs::exists(py)) {
        why =
            py.string() + " does not exist; install Debian's python3 and python3-botocore (scripts/setup.sh)";
        return std::nullopt;
    }
    const fs::path tmp = fs::temp_directory_path() / ("bb-sigv4-diff-version-" + std::to_string(::getpid()));
    const int rc = run_command(shell_quote(py) + " " + shell_quote(fs::path(script_path)) + " --version >" +
                               shell_quote(tmp) + " 2>&1");
    std::string text = read_file(tmp);
    fs::remove(tmp);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    if (rc != 0) {
        why = py.string() + " cannot run botocore_sign.py (exit " + std::to_string(rc) + "): " + text +
              "; install python3-botocore (scripts/setup.sh)";
        return std::nullopt;
    }
    return text;
}

std::uint64_t pick_seed() {
    const std::string s = env_or("BB_DIFF_SEED", "");
    if (s.empty())
        return default_seed;
    if (s == "random")
        return static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) %
               1000000000000ULL;
    return std::stoull(s);
}

std::vector<std::size_t> pick_ids(std::size_t count) {
    std::vector<std::size_t> ids;
    const std::string only = env_or("BB_DIFF_ONLY", "");
    if (!only.empty()) {
        std::stringstream ss(only);
        std::string item;
        while (std::getline(ss, item, ','))
            if (!item.empty())
                ids.push_back(std::stoull(item));
        return ids;
    }
    for (std::size_t i = 0; i < count; ++i)
        ids.push_back(i);
    return ids;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sigv4_botocore)

BOOST_AUTO_TEST_CASE(botocore_is_available) {
    std::string why;
    const auto version = botocore_version(why);
    BOOST_TEST_REQUIRE(version.has_value(), "botocore is required for this test: " << why);
    BOOST_TEST_MESSAGE("botocore " << *version << " at " << python_path());
    BOOST_TEST(version->starts_with("1."), "unexpected botocore version " << *version);
}

BOOST_AUTO_TEST_CASE(generator_is_deterministic) {
    for (std::size_t id : {0, 1, 77, 4999})
        BOOST_TEST(to_json_line(generate(12345, id)) == to_json_line(generate(12345, id)));
    BOOST_TEST(to_json_line(generate(12345, 3)) != to_json_line(generate(12346, 3)));
}

BOOST_AUTO_TEST_CASE(comparison_reports_the_first_differing_line) {
    BOOST_TEST(first_difference("GET\n/a\nx=1", "GET\n/a\nx=1").empty());
    BOOST_TEST(first_difference("GET\n/a\nx=1\nh", "GET\n/b\nx=1\nh") == "line 2: ours </a> botocore </b>");
    BOOST_TEST(first_difference("GET\n/a", "GET\n/a\n") == "line 2: ours </a> botocore </a>");
}

BOOST_AUTO_TEST_CASE(random_requests_match_botocore) {
    std::string why;
    const auto version = botocore_version(why);
    BOOST_TEST_REQUIRE(version.has_value(), "botocore is required for this test: " << why);

    const std::uint64_t seed = pick_seed();
    const std::size_t count = std::stoull(env_or("BB_DIFF_COUNT", std::to_string(default_count)));
    const auto ids = pick_ids(count);
    BOOST_TEST_MESSAGE("seed " << seed << ", " << ids.size() << " requests, botocore " << *version
                               << " (replay: BB_DIFF_SEED=" << seed << " [BB_DIFF_ONLY=<id,...>])");

    run_files files;
    files.dir = fs::temp_directory_path() /
                ("bb-sigv4-diff-" + std::to_string(::getpid()) + "-" + std::to_string(seed));
    fs::create_directories(files.dir);
    files.in = files.dir / "requests.jsonl";
    files.out = files.dir / "botocore.jsonl";
    files.err = files.dir / "botocore.stderr";

    std::vector<gen_case> cases;
    cases.reserve(ids.size());
    {
        std::ofstream in(files.in, std::ios::binary);
        for (std::size_t id : ids) {
            cases.push_back(generate(seed, id));
            in << to_json_line(cases.back()) << '\n';
        }
    }
    const int rc =
        run_command(shell_quote(python_path()) + " " + shell_quote(fs::path(script_path)) + " " +
                    shell_quote(files.in) + " " + shell_quote(files.out) + " 2>" + shell_quote(files.err));
    BOOST_TEST_REQUIRE(rc == 0, "botocore_sign.py failed (exit " << rc << "): " << read_file(files.err));

    std::map<std::size_t, json::object> theirs;
    {
        std::ifstream out(files.out, std::ios::binary);
        std::string line;
        while (std::getline(out, line)) {
            auto v = json::parse(line);
            auto& o = v.as_object();
            theirs[static_cast<std::size_t>(o.at("id").to_number<std::uint64_t>())] = std::move(o);
        }
    }
    BOOST_TEST_REQUIRE(theirs.size() == cases.size(),
                       "botocore answered " << theirs.size() << " of " << cases.size());

    signer cached;
    std::size_t failures = 0, signatures_equal = 0;
    std::map<std::string, std::size_t> tag_counts, tag_failures;
    bool comparator_checked = false;
    for (const auto& c : cases) {
        const auto ours = sign_ours(c, cached);
        const auto it = theirs.find(c.id);
        BOOST_TEST_REQUIRE((it != theirs.end()), "no botocore answer for request " << c.id);
        const auto diffs = compare(c, ours, it->second);
        for (const auto& t : c.tags)
            ++tag_counts[t];
        if (diffs.empty()) {
            ++signatures_equal;
            if (!comparator_checked) {
                // The comparison must be able to fail: tamper with one result and expect it noticed.
                auto tampered = ours;
                tampered.res.canonical_request.back() ^= 1;
                tampered.res.signature[0] = tampered.res.signature[0] == '0' ? '1' : '0';
                BOOST_TEST(compare(c, tampered, it->second).size() >= 2);
                comparator_checked = true;
            }
            continue;
        }
        for (const auto& t : c.tags)
            ++tag_failures[t];
        if (++failures <= 10) {
            std::ostringstream os;
            os << "request " << c.id << " (" << c.signer << "/" << c.mode
               << ", replay with BB_DIFF_SEED=" << seed << " BB_DIFF_ONLY=" << c.id << "):\n  "
               << to_json_line(c);
            for (const auto& d : diffs)
                os << "\n  " << d;
            if (!ours.ec)
                os << "\n  our canonical request:\n" << ours.res.canonical_request;
            BOOST_ERROR(os.str());
        }
    }
    std::ostringstream summary;
    summary << signatures_equal << " of " << cases.size() << " requests agree; by tag (count/failures):";
    for (const auto& [t, n] : tag_counts)
        summary << " " << t << "=" << n << "/" << tag_failures[t];
    BOOST_TEST_MESSAGE(summary.str());
    BOOST_TEST(failures == 0u, failures << " of " << cases.size() << " requests differ from botocore (seed "
                                        << seed << "); files kept in " << files.dir.string());
    BOOST_TEST(comparator_checked);

    // The generator must really cover every dimension (a full run only; a replay may be one request).
    if (env_or("BB_DIFF_ONLY", "").empty() && cases.size() >= 5000) {
        for (const char* tag : {"sigv4-header",
                                "sigv4-query",
                                "s3-header",
                                "s3-query",
                                "session-token",
                                "custom-method",
                                "path-dot-segment",
                                "path-empty-segment",
                                "path-raw-reserved",
                                "path-percent-escaped",
                                "path-unicode-raw",
                                "path-unicode-encoded",
                                "path-odd-percent",
                                "path-reserved-encoded",
                                "query-repeated-key",
                                "query-empty-value",
                                "query-no-equals",
                                "query-reserved",
                                "query-unicode",
                                "query-plus",
                                "query-control",
                                "query-via-params",
                                "query-needless-escape",
                                "query-raw-reserved",
                                "query-stray-percent",
                                "query-raw-utf8",
                                "header-multi-line",
                                "header-space-run",
                                "header-leading-space",
                                "header-trailing-space",
                                "header-empty-value",
                                "header-unicode",
                                "duplicate-header",
                                "excluded-header",
                                "binary-body",
                                "unsigned-payload",
                                "x-amz-date-present",
                                "token-header-present",
                                "content-sha256-present"})
            BOOST_TEST(tag_counts[tag] >= 10u,
                       "generator covered '" << tag << "' only " << tag_counts[tag] << " times");
    }

    if (failures == 0 && env_or("BB_DIFF_KEEP", "").empty())
        fs::remove_all(files.dir);
}

BOOST_AUTO_TEST_SUITE_END()
