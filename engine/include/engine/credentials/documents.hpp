#pragma once
// Pure parsers for the JSON credentials documents sources hand back, and for their timestamps.
// None of them throws for bad input; messages name the missing or bad field, never its value.
// Thread-safe.
#include <engine/credentials/identity.hpp>

#include <optional>
#include <string_view>

namespace engine::credentials {

/// ISO 8601 / RFC 3339 date-time: "2024-01-02T03:04:05Z", with optional fraction
/// ("...05.123Z"), 't'/' ' separators, 'z', or a numeric offset ("+02:00", "-0530", "+00").
/// nullopt when unreadable or out of range (years 1970..9999).
std::optional<time_point> parse_iso8601(std::string_view text) noexcept;

/// credential_process output (stdout):
///   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
///    "SessionToken": "..." (optional), "Expiration": "<ISO 8601>" (optional)}
/// error::invalid_document when not JSON, Version is not 1, a key field is missing or empty, or
/// Expiration is unreadable. Without Expiration the credentials are long-term (no refresh).
credentials_result parse_process_output(std::string_view json);

/// EC2 instance metadata document (GET /latest/meta-data/iam/security-credentials/<role>):
///   {"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"}
/// Code other than "Success" is error::invalid_document (the message quotes Code).
credentials_result parse_imds_document(std::string_view json);

/// ECS / container credentials document:
///   {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", "RoleArn" (ignored)}
credentials_result parse_container_document(std::string_view json);

} // namespace engine::credentials
