#pragma once
// Where requests go: standard AWS endpoints per service and region, or a custom endpoint URL
// (LocalStack, MinIO, radosgw, athena-local). Pure string work; nothing is resolved over DNS.
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace protocol {

enum class service { athena, glue, s3, sts };

/// The SigV4 signing name of a service: "athena", "glue", "s3", "sts".
std::string_view signing_name(service s) noexcept;

/// A base URL split into parts.
struct endpoint {
    std::string scheme = "https"; ///< "https" or "http"
    std::string host;             ///< DNS name, IPv4 address, or IPv6 address in brackets ("[::1]")
    std::uint16_t port = 443;
    std::string base_path; ///< "" or a prefix without trailing slash ("/proxy"), already encoded
    bool custom = false;   ///< true when it came from an endpoint URL (S3 then uses path-style)
};

/// The standard endpoint of a service in a region (scheme https, port 443):
///   athena  athena.<region>.amazonaws.com
///   glue    glue.<region>.amazonaws.com
///   s3      s3.<region>.amazonaws.com, except us-east-1: s3.amazonaws.com (botocore's default,
///           the "legacy" us_east_1_regional_endpoint mode)
///   sts     sts.<region>.amazonaws.com (regional; botocore 1.29 still defaults to the global
///           sts.amazonaws.com, AWS recommends regional and newer SDKs use it)
/// Regions starting with "cn-" use the ".amazonaws.com.cn" suffix.
/// Errors: error::invalid_region when region is empty or has characters other than a-z, 0-9, '-'.
std::error_code resolve_endpoint(service s, std::string_view region, endpoint& out);

/// Parses a custom endpoint URL "http(s)://host[:port][/path]" (e.g. "http://127.0.0.1:9000").
/// The scheme is case-insensitive; the default port follows it; a trailing '/' is dropped; IPv6
/// literals need brackets. Rejected (error::invalid_endpoint_url): other schemes, empty host, user info,
/// a query or fragment, port 0 or above 65535, non-digits in the port, spaces or control characters.
std::error_code parse_endpoint_url(std::string_view url, endpoint& out);

} // namespace protocol
