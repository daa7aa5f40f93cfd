#pragma once
// Shared helpers of the aws_sigv4 unit tests: reading the vectors in tests/data/sigv4 and the
// comparison rules of tests/data/sigv4/check_design.md §3.
#include <aws_sigv4/aws_sigv4.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sigv4_test {

namespace fs = std::filesystem;

inline fs::path data_dir() {
    return fs::path(BB_TEST_DATA_DIR) / "sigv4";
}

inline std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + p.string());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline boost::json::value read_json(const fs::path& p) {
    return boost::json::parse(read_file(p));
}

inline std::string str(const boost::json::value& v) {
    return std::string(v.as_string());
}

/// Expected-file normalisation: no '\r', at most one trailing '\n' removed.
inline std::string normalized(std::string s) {
    std::erase(s, '\r');
    if (!s.empty() && s.back() == '\n')
        s.pop_back();
    return s;
}

/// Empty when equal; otherwise the first differing line ("line 3: expected '...', got '...'").
inline std::string first_diff(std::string_view expected, std::string_view actual) {
    if (expected == actual)
        return {};
    std::size_t line = 1;
    while (true) {
        const auto e = expected.find('\n'), a = actual.find('\n');
        const std::string_view el = expected.substr(0, e), al = actual.substr(0, a);
        if (el != al || e == std::string_view::npos || a == std::string_view::npos) {
            std::ostringstream os;
            os << "line " << line << ": expected '" << el << "', got '" << al << "'";
            return os.str();
        }
        expected.remove_prefix(e + 1);
        actual.remove_prefix(a + 1);
        ++line;
    }
}

inline std::string lower(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return r;
}

inline std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
        s.remove_suffix(1);
    return std::string(s);
}

using multiset = std::multiset<std::pair<std::string, std::string>>;

/// Query parameters of a target, percent-decoded, as a multiset.
inline multiset query_params(std::string_view target) {
    multiset out;
    const auto q = target.find('?');
    if (q == std::string_view::npos)
        return out;
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view kv = query.substr(0, amp);
        if (!kv.empty()) {
            const auto eq = kv.find('=');
            std::string k, v;
            aws_sigv4::uri_decode(kv.substr(0, eq), k);
            if (eq != std::string_view::npos)
                aws_sigv4::uri_decode(kv.substr(eq + 1), v);
            out.emplace(std::move(k), std::move(v));
        }
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return out;
}

inline std::string path_of(std::string_view target) {
    return std::string(target.substr(0, target.find('?')));
}

/// A signed request reduced to what aws-c-auth's harness compares.
struct request_parts {
    std::string method, target, path;
    multiset headers; ///< (lowercase name, trimmed value)
    multiset query;
    std::string body;
};

inline request_parts parts_of(const aws_sigv4::parsed_request& r) {
    request_parts p{r.method, r.target, path_of(r.target), {}, query_params(r.target), r.body};
    for (const auto& [n, v] : r.headers)
        p.headers.emplace(lower(n), trim(v));
    return p;
}

inline request_parts parts_of(std::string_view text) {
    aws_sigv4::parsed_request r;
    if (auto ec = aws_sigv4::parse_request_file(text, r))
        throw std::runtime_error("cannot parse request text: " + ec.message());
    return parts_of(r);
}

inline std::string to_text(const multiset& m) {
    std::string s;
    for (const auto& [k, v] : m)
        s.append(k).append("=").append(v).append("\n");
    return s;
}

/// "AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=x;y, Signature=s" -> {algorithm, Credential, ...};
/// accepts "," and ", " separators.
inline std::map<std::string, std::string> authorization_parts(std::string_view a) {
    std::map<std::string, std::string> out;
    a = std::string_view(a).substr(0, a.find_last_not_of(" \n") + 1);
    const auto sp = a.find(' ');
    out["algorithm"] = std::string(a.substr(0, sp));
    std::string_view rest = sp == std::string_view::npos ? std::string_view{} : a.substr(sp + 1);
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string item = trim(rest.substr(0, comma));
        const auto eq = item.find('=');
        out[item.substr(0, eq)] = eq == std::string::npos ? std::string{} : item.substr(eq + 1);
        if (comma == std::string_view::npos)
            break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

inline aws_sigv4::signing_time parse_time(std::string_view text) {
    std::error_code ec;
    auto t = aws_sigv4::signing_time::parse(text, ec);
    if (ec)
        throw std::runtime_error("bad time in test data: " + std::string(text));
    return t;
}

} // namespace sigv4_test
