// The exchange over real streams: explicit instantiations of basic_connection for TCP and TLS, and
// the non-template helpers they share.
#include <engine/http/detail/basic_connection.hpp>
#include <protocol/http.hpp>

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace engine::http::detail {

std::error_code translate(const beast::error_code& ec, error timeout) noexcept {
    namespace bh = beast::http;
    if (!ec)
        return {};
    if (ec == beast::error::timeout)
        return timeout;
    if (ec == bh::error::body_limit || ec == bh::error::header_limit || ec == bh::error::buffer_overflow)
        return error::response_too_large;
    if (ec == bh::error::end_of_stream || ec == bh::error::partial_message || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
        ec == asio::ssl::error::stream_truncated)
        return error::connection_closed;
    if (ec.category() == bh::make_error_code(bh::error::bad_version).category())
        return error::bad_response;
    return ec; // system and Asio codes (operation_aborted, ...) keep their meaning
}

namespace {

bool is_token(std::string_view s) noexcept {
    if (s.empty())
        return false;
    for (unsigned char c : s) {
        if (c <= 32 || c >= 127)
            return false;
        switch (c) {
        case '(':
        case ')':
        case ',':
        case '/':
        case ':':
        case ';':
        case '<':
        case '=':
        case '>':
        case '?':
        case '@':
        case '[':
        case '\\':
        case ']':
        case '{':
        case '}':
        case '"':
            return false;
        default:
            break;
        }
    }
    return true;
}

bool is_field_value(std::string_view s) noexcept {
    for (unsigned char c : s)
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    return true;
}

} // namespace

std::error_code serialize_head(const request& req, bool expect_continue, std::string& out) {
    if (!is_token(req.method) || req.target.empty() || !is_field_value(req.target) ||
        req.target.find(' ') != std::string::npos || req.to.host.empty() || !is_field_value(req.to.host) ||
        (req.provider && !req.body.empty()))
        return error::invalid_request;
    out.reserve(out.size() + 128 + req.target.size() + req.headers.size() * 48);
    out += req.method;
    out += ' ';
    out += req.target;
    out += " HTTP/1.1\r\n";
    bool have_host = false;
    for (const auto& [name, value] : req.headers) {
        if (!is_token(name) || !is_field_value(value))
            return error::invalid_request;
        if (protocol::iequals(name, "content-length") || protocol::iequals(name, "transfer-encoding") ||
            (expect_continue && protocol::iequals(name, "expect")))
            return error::invalid_request;
        if (protocol::iequals(name, "host"))
            have_host = true;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (!have_host) {
        out += "Host: ";
        const bool v6 = req.to.host.find(':') != std::string::npos;
        if (v6)
            out += '[';
        out += req.to.host;
        if (v6)
            out += ']';
        if (req.to.port != (req.to.tls ? 443 : 80)) {
            out += ':';
            out += std::to_string(req.to.port);
        }
        out += "\r\n";
    }
    const std::uint64_t n = req.body_size();
    if (n > 0 || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        out += "Content-Length: ";
        out += std::to_string(n);
        out += "\r\n";
    }
    if (expect_continue)
        out += "Expect: 100-continue\r\n";
    out += "\r\n";
    return {};
}

void copy_head(const beast::http::response_header<>& h, response& out) {
    out.set_status(static_cast<int>(h.result_int()), {h.reason().data(), h.reason().size()});
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    for (const auto& f : h)
        fields.emplace_back(std::string_view(f.name_string().data(), f.name_string().size()),
                            std::string_view(f.value().data(), f.value().size()));
    out.set_headers(fields);
}

template class basic_connection<beast::tcp_stream>;
template class basic_connection<beast::ssl_stream<beast::tcp_stream>>;

} // namespace engine::http::detail
