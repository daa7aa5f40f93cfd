#pragma once
// AWS STS (query protocol): form-encoded POST bodies "Action=<Op>&Version=2011-06-15&...", XML responses.
//
// Builders return error::missing_parameter for an empty required input and error::invalid_parameter for
// values out of range (DurationSeconds outside 900..43200, RoleSessionName not 2..64 chars of
// [\w+=,.@-]). Decoders return error::not_success for non-2xx (then use decode_query_error()),
// malformed_xml, missing_field (Credentials and its four members), bad_value (unreadable Expiration).
// The credentials decoded here are secrets: never log them.
// All functions are pure and thread-safe.
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <optional>
#include <string>
#include <system_error>

namespace protocol::sts {

/// Temporary credentials.
struct credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    timestamp expiration;
};

struct assumed_role_user {
    std::string arn;
    std::string assumed_role_id;
};

struct assume_role_input {
    std::string role_arn;                ///< required
    std::string role_session_name;       ///< required, 2..64 of [\w+=,.@-]
    std::optional<int> duration_seconds; ///< 900..43200
    std::string external_id;             ///< optional
    std::string policy;                  ///< optional session policy (JSON text)
};
std::error_code build_assume_role(const endpoint& ep, const assume_role_input& in, http_request& out);
struct assume_role_output {
    credentials creds;
    assumed_role_user user;
    std::optional<std::uint64_t> packed_policy_size;
};
std::error_code decode_assume_role(const http_response_view& r, assume_role_output& out);

struct assume_role_with_web_identity_input {
    std::string role_arn;           ///< required
    std::string role_session_name;  ///< required
    std::string web_identity_token; ///< required (the OIDC token; a secret)
    std::optional<int> duration_seconds;
    std::string provider_id; ///< optional (OAuth 2.0 providers only)
};
/// The request is marked sign=false: STS accepts it unsigned (the token is the credential).
std::error_code build_assume_role_with_web_identity(const endpoint& ep,
                                                    const assume_role_with_web_identity_input& in,
                                                    http_request& out);
struct assume_role_with_web_identity_output {
    credentials creds;
    assumed_role_user user;
    std::string subject_from_web_identity_token;
    std::string provider;
    std::string audience;
};
std::error_code decode_assume_role_with_web_identity(const http_response_view& r,
                                                     assume_role_with_web_identity_output& out);

std::error_code build_get_caller_identity(const endpoint& ep, http_request& out);
struct caller_identity {
    std::string user_id;
    std::string account;
    std::string arn;
};
std::error_code decode_get_caller_identity(const http_response_view& r, caller_identity& out);

} // namespace protocol::sts
