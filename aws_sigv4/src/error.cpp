#include <aws_sigv4/error.hpp>

#include <string>

namespace aws_sigv4 {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "aws_sigv4"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::ok:
            return "success";
        case error::invalid_method:
            return "invalid HTTP method (must be a non-empty token such as GET or PUT)";
        case error::invalid_target:
            return "invalid request target (must start with '/' and contain no control characters)";
        case error::invalid_header_name:
            return "invalid header name (must be a non-empty HTTP token)";
        case error::invalid_header_value:
            return "invalid header value (contains NUL, or CR/LF outside a continuation line)";
        case error::missing_host:
            return "the request has no Host header, or an empty one (SigV4 always signs host)";
        case error::invalid_time:
            return "invalid signing time (expected YYYYMMDDTHHMMSSZ or YYYY-MM-DDTHH:MM:SSZ, UTC, matching "
                   "any "
                   "X-Amz-Date header of the request)";
        case error::invalid_expires:
            return "X-Amz-Expires must be between 1 and 604800 seconds (7 days)";
        case error::invalid_region:
            return "invalid region (empty, or characters other than a-z, 0-9, '-')";
        case error::invalid_service:
            return "invalid service name (empty, or characters not allowed in a scope)";
        case error::invalid_credentials:
            return "invalid credentials (access key id and secret access key must be non-empty printable "
                   "ASCII)";
        case error::invalid_payload_hash:
            return "invalid payload hash (expected 64 lowercase hex digits, UNSIGNED-PAYLOAD or a "
                   "STREAMING-* value)";
        case error::invalid_request_file:
            return "invalid raw request (expected a request line 'METHOD TARGET HTTP/1.1', then headers)";
        case error::invalid_chunk:
            return "aws-chunked signing used out of order";
        case error::invalid_trailer:
            return "invalid trailer (expected 'name:value' with a valid header name)";
        }
        return "unknown aws_sigv4 error";
    }
};

} // namespace

const std::error_category& sigv4_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace aws_sigv4
