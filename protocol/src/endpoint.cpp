#include <protocol/endpoint.hpp>
#include <protocol/error.hpp>

#include <charconv>

namespace protocol {
namespace {

bool valid_region(std::string_view r) noexcept {
    if (r.empty() || r.size() > 63 || r.front() == '-' || r.back() == '-')
        return false;
    for (char c : r)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    return true;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool host_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

} // namespace

std::string_view signing_name(service s) noexcept {
    switch (s) {
    case service::athena:
        return "athena";
    case service::glue:
        return "glue";
    case service::s3:
        return "s3";
    case service::sts:
        return "sts";
    }
    return "";
}

std::error_code resolve_endpoint(service s, std::string_view region, endpoint& out) {
    if (!valid_region(region))
        return error::invalid_region;
    std::string_view suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
    endpoint ep;
    if (s == service::s3 && region == "us-east-1")
        ep.host = "s3.amazonaws.com";
    else
        ep.host = std::string(signing_name(s)) + '.' + std::string(region) + std::string(suffix);
    out = std::move(ep);
    return {};
}

std::error_code parse_endpoint_url(std::string_view url, endpoint& out) {
    std::size_t colon = url.find("://");
    if (colon == std::string_view::npos)
        return error::invalid_endpoint_url;
    std::string scheme;
    for (char c : url.substr(0, colon))
        scheme += lower(c);
    if (scheme != "http" && scheme != "https")
        return error::invalid_endpoint_url;
    std::string_view rest = url.substr(colon + 3);
    for (char c : rest)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '?' || c == '#' || c == '@' ||
            c == '\\')
            return error::invalid_endpoint_url;
    std::size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);

    std::string_view host = authority;
    std::string_view port_text;
    if (authority.starts_with('[')) {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos || close < 3)
            return error::invalid_endpoint_url;
        host = authority.substr(0, close + 1);
        for (char c : host.substr(1, host.size() - 2))
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                  c == '.'))
                return error::invalid_endpoint_url;
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return error::invalid_endpoint_url;
            port_text = after.substr(1);
            if (port_text.empty())
                return error::invalid_endpoint_url;
        }
    } else {
        std::size_t pc = authority.find(':');
        if (pc != std::string_view::npos) {
            host = authority.substr(0, pc);
            port_text = authority.substr(pc + 1);
            if (port_text.empty())
                return error::invalid_endpoint_url;
        }
        if (host.empty() || host.front() == '.' || host.front() == '-')
            return error::invalid_endpoint_url;
        for (char c : host)
            if (!host_char(c))
                return error::invalid_endpoint_url;
    }
    if (host.empty())
        return error::invalid_endpoint_url;

    std::uint16_t port = scheme == "https" ? 443 : 80;
    if (!port_text.empty()) {
        unsigned v = 0;
        auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
        if (ec != std::errc{} || ptr != port_text.data() + port_text.size() || v == 0 || v > 65535)
            return error::invalid_endpoint_url;
        port = static_cast<std::uint16_t>(v);
    }
    endpoint ep;
    ep.scheme = std::move(scheme);
    ep.host.reserve(host.size());
    for (char c : host)
        ep.host += lower(c);
    ep.port = port;
    ep.base_path.assign(path);
    ep.custom = true;
    out = std::move(ep);
    return {};
}

} // namespace protocol
