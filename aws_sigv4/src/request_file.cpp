#include <aws_sigv4/request_file.hpp>

namespace aws_sigv4 {
namespace {

std::string strip_cr(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s)
        if (c != '\r')
            out.push_back(c);
    return out;
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t';
}

} // namespace

std::error_code parse_request_file(std::string_view text, parsed_request& out) {
    out = parsed_request{};
    // The head ends at the first empty line (LF LF, possibly with CRs in between).
    std::size_t head_end = std::string_view::npos, body_start = text.size();
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n')
            continue;
        std::size_t j = i + 1;
        while (j < text.size() && text[j] == '\r') // CRs are ignored: "\n\r\r\n" is an empty line too
            ++j;
        if (j < text.size() && text[j] == '\n') {
            head_end = i;
            body_start = j + 1;
            break;
        }
    }
    const std::string head = strip_cr(head_end == std::string_view::npos ? text : text.substr(0, head_end));
    if (body_start < text.size())
        out.body.assign(text.substr(body_start));

    std::string_view h(head);
    std::size_t eol = h.find('\n');
    std::string_view line = h.substr(0, eol);
    h = eol == std::string_view::npos ? std::string_view{} : h.substr(eol + 1);

    // Request line: method up to the first space, version after the last " HTTP/".
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0)
        return error::invalid_request_file;
    out.method.assign(line.substr(0, sp));
    std::string_view rest = line.substr(sp + 1);
    if (const std::size_t v = rest.rfind(" HTTP/"); v != std::string_view::npos) {
        out.version.assign(rest.substr(v + 1));
        rest = rest.substr(0, v);
    }
    if (rest.empty())
        return error::invalid_request_file;

    std::string authority;
    for (std::string_view scheme : {"http://", "https://"}) {
        if (rest.starts_with(scheme)) {
            rest.remove_prefix(scheme.size());
            const std::size_t slash = rest.find_first_of("/?");
            authority.assign(rest.substr(0, slash));
            rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
            if (authority.empty())
                return error::invalid_request_file;
            for (char c : authority)
                if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
                    return error::invalid_request_file;
            break;
        }
    }
    out.target.assign(rest);
    if (out.target.front() == '?')
        out.target.insert(out.target.begin(), '/');

    while (!h.empty()) {
        eol = h.find('\n');
        line = h.substr(0, eol);
        h = eol == std::string_view::npos ? std::string_view{} : h.substr(eol + 1);
        if (line.empty())
            break;
        if (is_space(line.front())) {
            if (out.headers.empty())
                return error::invalid_request_file;
            out.headers.back().second.append("\n").append(line);
            continue;
        }
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return error::invalid_request_file;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && is_space(value.front()))
            value.remove_prefix(1);
        out.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    if (!authority.empty()) {
        bool has_host = false;
        for (const auto& [n, v] : out.headers)
            has_host |= n.size() == 4 && (n[0] | 0x20) == 'h' && (n[1] | 0x20) == 'o' &&
                        (n[2] | 0x20) == 's' && (n[3] | 0x20) == 't';
        if (!has_host)
            out.headers.emplace(out.headers.begin(), "Host", authority);
    }
    return {};
}

request_view parsed_request::view(std::vector<header_view>& storage) const {
    storage.clear();
    for (const auto& [n, v] : headers)
        storage.push_back({n, v});
    return {method, target, storage};
}

std::string parsed_request::to_string() const {
    std::string s = method;
    s.append(" ").append(target);
    if (!version.empty())
        s.append(" ").append(version);
    s.push_back('\n');
    for (const auto& [n, v] : headers)
        s.append(n).append(":").append(v).append("\n");
    s.push_back('\n');
    s.append(body);
    return s;
}

} // namespace aws_sigv4
