#pragma once
// The HTTP client's request and response values.
#include <engine/http/body.hpp>
#include <protocol/http.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace engine::http {

/// Where a request goes; also the connection pool's key (scheme, host, port).
struct origin {
    bool tls = true;  ///< https (true) or http (false)
    std::string host; ///< DNS name or IP literal (IPv6 without brackets); used for SNI and
                      ///< certificate verification
    std::uint16_t port = 443;

    bool operator==(const origin&) const = default;
    /// "https://host:port" (the pool key, for logs and stats).
    std::string key() const;
};

/// A request to send. Plain value; the client reads it while the operation runs.
struct request {
    origin to;
    std::string method = "GET";
    std::string target = "/"; ///< origin-form: path and query, already encoded
    /// Headers in order. Host is added from `to` unless present here; Content-Length is always
    /// computed by the client (a Content-Length or Transfer-Encoding given here is invalid_request).
    std::vector<protocol::name_value> headers;
    /// The payload when `provider` is null.
    std::string body;
    /// When set, the payload comes from here (its size() is the Content-Length) and `body` must be
    /// empty. The provider must outlive the operation (the shared_ptr keeps it alive).
    std::shared_ptr<body_provider> provider;

    /// Number of body bytes (provider size or body size).
    std::uint64_t body_size() const noexcept;
};

/// Builds a request from the protocol layer's value: scheme/host/port become the origin, target()
/// the request target, authority() the Host header; headers and body are moved.
/// Fails (nullopt) only for a scheme other than "http"/"https".
std::optional<request> from_protocol(protocol::http_request&& req);

/// A received response. The header views point into storage owned by the response; the body is a
/// padded_buffer (empty when it went to a body_sink). Moving a response keeps every view valid.
class response {
public:
    response() = default;
    response(response&&) noexcept = default;
    response& operator=(response&&) noexcept = default;

    int status() const noexcept { return status_; }
    std::string_view reason() const noexcept { return reason_; }
    const std::vector<protocol::header_view>& headers() const noexcept { return headers_; }
    /// The first header with this name (ASCII case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const noexcept;
    const padded_buffer& body() const noexcept { return body_; }
    padded_buffer& body() noexcept { return body_; }
    /// Number of body bytes received (also when they went to a sink).
    std::uint64_t body_bytes() const noexcept { return body_bytes_; }

    /// The view the protocol layer's decoders take; body_padded is true.
    protocol::http_response_view view() const noexcept;

    // Filled by the client.
    void set_status(int status, std::string_view reason);
    /// Copies the headers (names and values) into owned storage.
    void set_headers(const std::vector<std::pair<std::string_view, std::string_view>>& fields);
    void set_body(padded_buffer&& b, std::uint64_t bytes) noexcept {
        body_ = std::move(b);
        body_bytes_ = bytes;
    }

private:
    int status_ = 0;
    std::string reason_;
    std::unique_ptr<char[]> header_bytes_;
    std::vector<protocol::header_view> headers_;
    padded_buffer body_;
    std::uint64_t body_bytes_ = 0;
};

} // namespace engine::http
