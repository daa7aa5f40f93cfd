#pragma once
// How a service wants its requests signed. Per-service quirks are settings with named presets,
// never `if (service == "s3")` inside the signer.
#include <cstdint>
#include <string>
#include <vector>

namespace aws_sigv4 {

/// How the request path becomes the canonical URI.
enum class uri_encoding {
    /// Every byte but unreserved characters and '/' is percent-encoded, '%' included, so a path
    /// that is already escaped on the wire is encoded a second time. All services but S3.
    double_encode,
    /// Like double_encode, but existing %XX escapes are kept as they are. S3.
    single_encode,
};

/// What happens to the session token of temporary credentials.
enum class session_token_mode {
    sign,                 ///< X-Amz-Security-Token is added before signing and signed (the default)
    append_after_signing, ///< added after signing, unsigned (some services, e.g. IoT presigned URLs)
};

/// Where the signature goes.
enum class signature_location {
    headers,      ///< Authorization header (and X-Amz-Date, X-Amz-Security-Token headers)
    query_params, ///< a presigned URL: X-Amz-* query parameters
};

struct settings {
    uri_encoding path_encoding = uri_encoding::double_encode;
    /// Remove "." and ".." segments and collapse repeated '/' in the canonical URI.
    bool normalize_path = true;
    /// Add and sign "x-amz-content-sha256: <payload hash>" in header mode (required by S3).
    bool content_sha256_header = false;
    /// Also add that header in query (presigned) mode. Non-standard; off in every preset.
    bool content_sha256_header_in_presigned = false;
    session_token_mode token_mode = session_token_mode::sign;
    signature_location location = signature_location::headers;
    /// X-Amz-Expires of a presigned URL, 1..604800 seconds.
    std::uint32_t expires_seconds = 900;
    /// Headers never signed, lowercase. Proxies and clients may change them in flight.
    std::vector<std::string> excluded_headers = {"authorization", "user-agent", "x-amzn-trace-id",
                                                 "transfer-encoding", "expect"};

    /// Defaults (smithy-rs): double encoding, path normalization, no content-sha256 header.
    /// Right for the AWS JSON 1.1 services (Athena, Glue) and the query services (STS).
    static settings json_service() { return {}; }

    /// S3: single encoding, no path normalization, x-amz-content-sha256 in header mode.
    static settings s3() {
        settings s;
        s.path_encoding = uri_encoding::single_encode;
        s.normalize_path = false;
        s.content_sha256_header = true;
        return s;
    }

    /// An S3 presigned URL valid for `expires` seconds (pair it with UNSIGNED-PAYLOAD).
    static settings s3_presigned(std::uint32_t expires) {
        settings s = s3();
        s.location = signature_location::query_params;
        s.expires_seconds = expires;
        return s;
    }
};

} // namespace aws_sigv4
