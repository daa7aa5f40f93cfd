#pragma once
// SigV4 verification of incoming requests, the way AWS checks them: header auth (Authorization) and presigned
// URLs (X-Amz-* query parameters), the credential scope, the 15-minute clock-skew window, presigned expiry,
// x-amz-content-sha256 against the body, and aws-chunked bodies (every chunk signature, the final chunk and the
// trailer signature). Pure: no I/O, the clock is a parameter. The signature itself is recomputed with aws_sigv4.

#include <aws_sigv4/credentials.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athena_local::auth {

/// Which error vocabulary a refusal uses.
enum class service_family { s3, json };

/// A refusal: HTTP status, AWS error code and message, as the real service sends them.
struct auth_error {
    unsigned status = 403;
    std::string code;
    std::string message;
};

struct incoming {
    std::string_view method;
    std::string_view target;                                     ///< raw request target, path and query
    std::vector<std::pair<std::string_view, std::string_view>> headers; ///< as received, in order
    std::string_view body;                                       ///< raw body (aws-chunked framing included)
    /// The body has not been read yet (streamed to disk afterwards): the signature is checked, and the caller
    /// compares the body's SHA-256 with verified::payload_hash once it has it.
    bool body_deferred = false;
};

struct verified {
    std::string access_key;
    std::string region;
    std::string service;
    bool presigned = false;
    std::string payload_hash; ///< what the signature covers: hex SHA-256 or a payload literal
    /// The payload after aws-chunked decoding (points into `decoded` or into the request body).
    std::string_view payload;
    std::string decoded;
    std::map<std::string, std::string> trailers; ///< aws-chunked trailers, lower-case names
};

struct verifier {
    aws_sigv4::credentials creds; ///< the one key pair athena-local accepts
    std::int64_t max_skew_seconds = 15 * 60;

    /// Verifies `req` at time `now` (Unix seconds). On success fills `out`; otherwise returns the refusal.
    std::optional<auth_error> verify(const incoming& req, service_family family, std::string_view expected_service,
                                     std::int64_t now, verified& out) const;
};

/// Decodes an aws-chunked body; when `signer` context is given every chunk signature is checked. Exposed for tests
/// and the fuzz target. Returns an error message, or empty on success.
struct chunk_check {
    std::string signing_key_secret;
    std::string date, region, service, amz_date, seed_signature;
    bool signed_chunks = true;
    bool trailer = false;
};
std::string decode_aws_chunked(std::string_view body, const chunk_check* check, std::string& payload,
                               std::map<std::string, std::string>& trailers);

} // namespace athena_local::auth
