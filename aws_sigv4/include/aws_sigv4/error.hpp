#pragma once
// Errors of the SigV4 signer. Every malformed input is reported as one of these codes; the signer
// never throws for bad input and never crashes on it.
#include <system_error>

namespace aws_sigv4 {

enum class error {
    ok = 0,
    invalid_method,        ///< method empty or not an HTTP token
    invalid_target,        ///< request target empty, not starting with '/', or with a control byte
    invalid_header_name,   ///< header name empty or not an HTTP token
    invalid_header_value,  ///< header value with NUL, or CR/LF that is not a continuation line
    missing_host,          ///< no Host header, or an empty one (SigV4 always signs host)
    invalid_time,          ///< signing time malformed / out of range, or an X-Amz-Date header that differs
    invalid_expires,       ///< presigned X-Amz-Expires outside 1..604800 seconds
    invalid_region,        ///< region empty or with characters not allowed in a credential scope
    invalid_service,       ///< service empty or with characters not allowed in a credential scope
    invalid_credentials,   ///< access key id or secret key empty, or with characters not allowed
    invalid_payload_hash,  ///< a precomputed payload hash that is neither 64 hex digits nor a known literal
    invalid_request_file,  ///< raw request text without a request line "METHOD TARGET HTTP/x"
    invalid_chunk,         ///< chunked signing used out of order (data after finish, bad trailer)
    invalid_trailer,       ///< trailer not "name:value" or with characters not allowed
};

/// The category named "aws_sigv4".
const std::error_category& sigv4_category() noexcept;

inline std::error_code make_error_code(error e) noexcept { return {static_cast<int>(e), sigv4_category()}; }

} // namespace aws_sigv4

template <>
struct std::is_error_code_enum<aws_sigv4::error> : std::true_type {};
