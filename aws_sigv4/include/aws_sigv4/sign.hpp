#pragma once
// SigV4 signing: each stage is a public function (so tests can check each one), plus `signer`,
// which runs them all with a signing-key cache and reusable buffers.
//
//   canonical_request()  -> string_to_sign()  -> derive_signing_key() -> signature() -> authorization()
//
// Nothing here reads the clock or the environment, allocates global state, throws for bad input,
// or prints a secret.
#include <aws_sigv4/credentials.hpp>
#include <aws_sigv4/error.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/request.hpp>
#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/time.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace aws_sigv4 {

/// Payload hash values (the last line of the canonical request and x-amz-content-sha256).
namespace payload {
inline constexpr std::string_view empty_sha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view unsigned_payload = "UNSIGNED-PAYLOAD";
/// aws-chunked with a signature per chunk.
inline constexpr std::string_view streaming_signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// aws-chunked with a signature per chunk and signed trailing headers (e.g. a checksum).
inline constexpr std::string_view streaming_signed_trailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/// aws-chunked without chunk signatures, with unsigned trailing headers (TLS only).
inline constexpr std::string_view streaming_unsigned_trailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/// True for 64 lowercase hex digits or one of the literals above.
bool is_valid(std::string_view hash) noexcept;
} // namespace payload

inline constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";

/// Everything but the request that decides a signature.
struct signing_params {
    const credentials& creds;
    std::string_view region;
    std::string_view service;
    signing_time time;
    /// Lowercase hex SHA-256 of the body (sha256_hex), or a payload:: literal.
    std::string_view payload_hash = payload::empty_sha256;
    const settings& config;
};

/// "20150830/us-east-1/service/aws4_request"
std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

/// Checks region, service, credentials, payload hash and (query mode) expiry.
std::error_code validate(const signing_params& p) noexcept;

/// Stage 1. Writes the canonical request to `out` and the signed header list to `signed_headers`.
/// The header set is the request's (less excluded ones) plus what the signer adds before
/// signing: X-Amz-Date, X-Amz-Security-Token (when signed) and x-amz-content-sha256 (when
/// configured) in header mode; in query mode the X-Amz-* parameters join the canonical query.
std::error_code canonical_request(const request_view& req, const signing_params& p, std::string& out,
                                  std::string& signed_headers);

/// Stage 2. "AWS4-HMAC-SHA256\n<amz-date>\n<scope>\n<hex sha256(canonical request)>"
std::string string_to_sign(std::string_view canonical_request, const signing_time& t, std::string_view scope);

/// Stage 3. HMAC chain "AWS4"+secret -> date -> region -> service -> "aws4_request".
digest derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) noexcept;

/// Stage 4. Lowercase hex HMAC-SHA256(signing key, string to sign).
std::string signature(const digest& signing_key, std::string_view string_to_sign);

/// Stage 5. "AWS4-HMAC-SHA256 Credential=<akid>/<scope>, SignedHeaders=<list>, Signature=<sig>"
std::string authorization(std::string_view access_key_id, std::string_view scope,
                          std::string_view signed_headers, std::string_view signature);

/// A small cache of derived signing keys, keyed by (secret, date, region, service), holding each
/// key as a ready HMAC state. Not thread-safe: one per signer / event loop.
class signing_key_cache {
public:
    static constexpr std::size_t capacity = 8;
    /// The HMAC key for these inputs if cached (a hit), else null. Never derives.
    const hmac_key* find(std::string_view secret, std::string_view date, std::string_view region,
                         std::string_view service) noexcept;
    /// The HMAC key for these inputs, derived on a miss.
    const hmac_key& get(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);
    std::uint64_t hits() const noexcept { return hits_; }
    std::uint64_t misses() const noexcept { return misses_; }

private:
    struct entry {
        std::string secret, date, region, service;
        hmac_key key;
        bool used = false;
        bool matches(std::string_view secret, std::string_view date, std::string_view region,
                     std::string_view service) const noexcept;
    };
    std::array<entry, capacity> entries_;
    std::size_t next_ = 0; // the entry a miss replaces (round robin)
    std::size_t last_ = 0; // the entry of the last hit or miss, tried first
    std::uint64_t hits_ = 0, misses_ = 0;
};

/// What signing produced. Reused across calls by `signer::sign` (strings keep their capacity).
struct signing_result {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signed_headers;
    std::string signature;     ///< 64 lowercase hex digits
    std::string authorization; ///< header mode: the Authorization value; query mode: empty
    /// Header mode: the headers to add, in this order: X-Amz-Date (unless present),
    /// X-Amz-Security-Token, x-amz-content-sha256 (unless present), Authorization. Query mode:
    /// empty, or x-amz-content-sha256 with settings::content_sha256_header_in_presigned.
    std::vector<name_value> headers_to_add;
    /// Query mode: the parameters to append to the target, URI-encoded, ending in X-Amz-Signature.
    std::vector<name_value> query_to_add;

    void clear() noexcept;
    /// Query mode: the target with the parameters appended ("/path?a=b&X-Amz-Algorithm=...").
    std::string presigned_target(std::string_view original_target) const;
};

/// Signs requests, caching signing keys and reusing its buffers. Not thread-safe; cheap to keep
/// one per event loop.
class signer {
public:
    std::error_code sign(const request_view& req, const signing_params& p, signing_result& out);
    const signing_key_cache& key_cache() const noexcept { return cache_; }
    const prefix_hasher& canonical_hasher() const noexcept { return canonical_hasher_; }

private:
    signing_key_cache cache_;
    prefix_hasher canonical_hasher_;
    prefix_hasher string_to_sign_hasher_; // inner HMAC: seeded with the signing key's inner state
};

/// One-shot signing without a cache.
std::error_code sign(const request_view& req, const signing_params& p, signing_result& out);

} // namespace aws_sigv4
