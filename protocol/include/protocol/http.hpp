#pragma once
// Plain values exchanged with the engine: the request a builder produces and the response a decoder
// reads. Neither owns a socket; the engine sends the one and fills the other.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace protocol {

/// A point in time with millisecond precision, UTC (AWS dates never carry more).
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// A header or a query parameter: name and value, unencoded.
using name_value = std::pair<std::string, std::string>;

/// A request as the service expects it. Builders fill every field; the engine adds Host (from
/// authority()), Content-Length, the signature headers and anything transport-specific, then sends it.
struct http_request {
    std::string method;              ///< "GET", "PUT", "POST", "HEAD", "DELETE"
    std::string scheme = "https";    ///< "https" or "http"
    std::string host;                ///< host to connect to (DNS name, IPv4, or IPv6 in brackets)
    std::uint16_t port = 443;        ///< TCP port
    std::string path = "/";          ///< absolute path, already URI-encoded ("/bucket/a%20b")
    std::vector<name_value> query;   ///< query parameters in order, NOT encoded (target() encodes)
    std::vector<name_value> headers; ///< headers other than Host and Content-Length, in order
    std::string body;                ///< the payload (may be left empty for the engine to stream)
    std::string_view signing_name;   ///< SigV4 service name: "athena", "glue", "s3" or "sts"
    bool sign = true;                ///< false for calls AWS accepts unsigned (AssumeRoleWithWebIdentity)

    /// The Host header value: host, plus ":port" when the port is not the scheme's default.
    std::string authority() const;
    /// The origin-form request target: path, then '?' and the query parameters RFC 3986-encoded
    /// ("name=value", or just "name" when the value is empty, e.g. "?uploads"), in order.
    std::string target() const;
    /// The first header with this name (ASCII case-insensitive), or nullptr.
    const std::string* find_header(std::string_view name) const noexcept;
};

/// A header of a received response, as views into the engine's buffers.
struct header_view {
    std::string_view name;
    std::string_view value;
};

/// A received response, as views into the engine's buffers (nothing is copied; the views must outlive
/// the decode call, and views a decoder returns point into `body`).
struct http_response_view {
    int status = 0;
    std::span<const header_view> headers;
    std::string_view body;
    /// True when at least json_padding readable bytes follow `body` in memory: JSON decoders then
    /// parse in place instead of copying the body.
    bool body_padded = false;

    /// The first header with this name (ASCII case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const noexcept;
    bool success() const noexcept { return status >= 200 && status <= 299; }
};

/// Bytes JSON decoders may read past the end of a body (simdjson's SIMDJSON_PADDING).
inline constexpr std::size_t json_padding = 64;

/// RFC 3986 percent-encoding: every byte but A-Z a-z 0-9 '-' '.' '_' '~' becomes %XX (upper-case hex).
/// With keep_slash, '/' is kept too (S3 object keys in paths).
std::string uri_encode(std::string_view s, bool keep_slash = false);
/// Percent-decoding; with plus_is_space, '+' decodes to ' ' (form and S3 EncodingType=url values).
/// Malformed escapes ("%G1", a trailing '%') are kept as they are.
std::string uri_decode(std::string_view s, bool plus_is_space = false);

/// ASCII case-insensitive equality (header names).
bool iequals(std::string_view a, std::string_view b) noexcept;

/// Parses "2011-07-15T23:28:33.359Z" (ISO 8601 / RFC 3339: 'T', 't' or ' ' between date and time, an
/// optional fraction kept to the millisecond, and 'Z' or an offset +HH, +HHMM, +HH:MM), as S3 and STS
/// bodies and credential documents use. nullopt if unreadable.
std::optional<timestamp> parse_iso8601(std::string_view s) noexcept;
/// Parses "Wed, 12 Oct 2009 17:50:00 GMT" (RFC 7231 IMF-fixdate), as the Last-Modified header uses.
std::optional<timestamp> parse_http_date(std::string_view s) noexcept;
/// Converts JSON 1.1 epoch seconds (fractional) to a timestamp; nullopt if not finite or out of range.
std::optional<timestamp> from_epoch_seconds(double seconds) noexcept;
/// Formats "2011-07-15T23:28:33.359Z".
std::string format_iso8601(timestamp t);

} // namespace protocol
