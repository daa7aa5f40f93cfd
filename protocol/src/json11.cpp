#include <protocol/error.hpp>
#include <protocol/json11.hpp>

namespace protocol {

std::string_view json11_target_prefix(service s) noexcept {
    switch (s) {
    case service::athena:
        return "AmazonAthena";
    case service::glue:
        return "AWSGlue";
    default:
        return "";
    }
}

void make_json11_request(const endpoint& ep, service s, std::string_view operation, std::string body,
                         http_request& out) {
    out = http_request{};
    out.method = "POST";
    out.scheme = ep.scheme;
    out.host = ep.host;
    out.port = ep.port;
    out.path = ep.base_path + '/';
    std::string target(json11_target_prefix(s));
    target += '.';
    target += operation;
    out.headers.emplace_back("X-Amz-Target", std::move(target));
    out.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
    out.body = body.empty() ? std::string("{}") : std::move(body);
    out.signing_name = signing_name(s);
}

std::error_code decode_json11_empty(const http_response_view& r) noexcept {
    return r.success() ? std::error_code{} : std::error_code{error::not_success};
}

} // namespace protocol
