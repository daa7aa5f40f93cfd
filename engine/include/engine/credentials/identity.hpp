#pragma once
// What a credentials provider returns: the signer's credentials value plus when it expires and
// where it came from, or an error with a message fit for a user.
#include <aws_sigv4/credentials.hpp>
#include <engine/credentials/error.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <system_error>

namespace engine::credentials {

using clock_type = std::chrono::system_clock;
using time_point = clock_type::time_point;

/// Credentials with their lifetime and origin.
struct identity {
    aws_sigv4::credentials keys;
    /// When the credentials stop working; nullopt for long-term credentials.
    std::optional<time_point> expiration;
    /// Where they came from, for logs: "environment", "profile dev (credentials file)",
    /// "assume-role arn:aws:iam::123:role/x (profile dev)", "imds", "container", ...
    std::string source;
};

/// "identity{access_key_id=AKID, secret=** redacted **, session_token=** redacted **,
/// expiration=2024-01-01T00:00:00Z, source=environment}". Never prints a secret.
std::string to_string(const identity& id);
std::ostream& operator<<(std::ostream& os, const identity& id);

/// The outcome of get_credentials(): a value, or an error code with a message.
struct credentials_result {
    std::error_code ec;  ///< empty on success
    std::string message; ///< why it failed (or, for error::not_configured, what was looked at)
    identity value;      ///< meaningful only when !ec

    explicit operator bool() const noexcept { return !ec; }
    bool not_configured() const noexcept { return ec == error::not_configured; }

    static credentials_result success(identity id) { return {{}, {}, std::move(id)}; }
    static credentials_result failure(std::error_code ec, std::string message) {
        return {ec, std::move(message), {}};
    }
};

/// Formats a time point as "2024-01-01T00:00:00Z" (UTC, whole seconds).
std::string format_time(time_point t);

} // namespace engine::credentials
