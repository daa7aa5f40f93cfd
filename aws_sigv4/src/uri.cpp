#include <aws_sigv4/uri.hpp>

#include <vector>

namespace aws_sigv4 {
namespace {

constexpr char upper_hex[] = "0123456789ABCDEF";

struct unreserved_table {
    bool v[256] = {};
    constexpr unreserved_table() {
        for (int c = 'A'; c <= 'Z'; ++c)
            v[c] = true;
        for (int c = 'a'; c <= 'z'; ++c)
            v[c] = true;
        for (int c = '0'; c <= '9'; ++c)
            v[c] = true;
        v[static_cast<unsigned char>('-')] = v[static_cast<unsigned char>('.')] = true;
        v[static_cast<unsigned char>('_')] = v[static_cast<unsigned char>('~')] = true;
    }
};
constexpr unreserved_table unreserved;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

void uri_encode(std::string_view in, bool keep_slash, bool keep_escapes, std::string& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto c = static_cast<unsigned char>(in[i]);
        if (unreserved.v[c] || (keep_slash && c == '/')) {
            out.push_back(static_cast<char>(c));
        } else if (keep_escapes && c == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out.append(in.substr(i, 3));
            i += 2;
        } else {
            const char esc[3] = {'%', upper_hex[c >> 4], upper_hex[c & 0xf]};
            out.append(esc, 3);
        }
    }
}

void uri_decode(std::string_view in, std::string& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        int hi, lo;
        if (in[i] == '%' && i + 2 < in.size() && (hi = hex_value(in[i + 1])) >= 0 &&
            (lo = hex_value(in[i + 2])) >= 0) {
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
}

std::string normalize_path(std::string_view path) {
    std::vector<std::string_view> segments;
    std::size_t pos = 0;
    while (pos <= path.size()) {
        std::size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos)
            slash = path.size();
        std::string_view seg = path.substr(pos, slash - pos);
        if (seg == "..") {
            if (!segments.empty())
                segments.pop_back();
        } else if (!seg.empty() && seg != ".") {
            segments.push_back(seg);
        }
        pos = slash + 1;
    }
    std::string out;
    out.reserve(path.size() + 1);
    for (auto seg : segments) {
        out.push_back('/');
        out.append(seg);
    }
    // As botocore and aws-c-auth: a trailing '/' is kept when something is left before it.
    if (out.empty() || (path.back() == '/'))
        out.push_back('/');
    return out;
}

} // namespace aws_sigv4
