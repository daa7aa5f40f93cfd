#pragma once
// Errors of the credential providers (category "engine.credentials").
//
// Every provider result carries one of these codes (or a transport / Asio code such as
// boost::asio::error::operation_aborted when the caller cancelled) plus a human-readable message.
// Messages name files, variables, profiles, URLs and HTTP statuses; they never contain a secret
// (secret keys, session tokens, web identity tokens, IMDS tokens or container authorization tokens).
#include <system_error>

namespace engine::credentials {

enum class error {
    ok = 0,
    /// The source has nothing configured here (no variables, no profile, not on EC2...). A chain
    /// moves on to the next source. Never returned by the chain itself.
    not_configured,
    /// A chain tried every source and none had credentials. The message lists every source tried
    /// and how to configure one.
    no_credentials,
    /// A source did not answer in time (HTTP request, process, or a chain's per-source limit).
    timeout,
    /// A profile that was asked for (explicitly, through AWS_PROFILE, or as a source_profile) does
    /// not exist in the shared config or credentials file.
    profile_not_found,
    /// A source is configured but incompletely or inconsistently: AWS_ACCESS_KEY_ID without
    /// AWS_SECRET_ACCESS_KEY, role_arn without source_profile, a source_profile loop, an ECS full
    /// URI whose host is not allowed, ...
    invalid_configuration,
    /// A shared config or credentials file is not valid INI (the message names file and line).
    config_parse,
    /// A file that must be read (config, credentials, web identity token, container token) could
    /// not be read.
    file_read,
    /// credential_process: the command could not be started.
    process_spawn,
    /// credential_process: the command exited with a non-zero status or was killed by a signal.
    process_exit,
    /// credential_process: the command wrote more than the allowed amount to stdout.
    process_output_too_large,
    /// A credentials document (credential_process output, IMDS or ECS JSON) is malformed,
    /// misses a required field, or has an unsupported Version.
    invalid_document,
    /// An HTTP endpoint (IMDS, ECS) answered with a status that is not 2xx.
    http_status,
    /// STS refused AssumeRole / AssumeRoleWithWebIdentity (the message has the STS error code).
    sts_error,
    /// The configuration uses a feature this engine does not implement (SSO, mfa_serial).
    unsupported,
    /// The HTTP seam cannot serve this URL (e.g. https with the plain HTTP fetcher).
    unsupported_scheme,
};

/// The category named "engine.credentials".
const std::error_category& credentials_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), credentials_category()};
}

} // namespace engine::credentials

template <>
struct std::is_error_code_enum<engine::credentials::error> : std::true_type {};
