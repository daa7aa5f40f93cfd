#pragma once
// Credential providers (after aws-c-auth's aws_credentials_provider): an interface with one
// asynchronous operation, get_credentials(), leaf providers for each source, and two decorators:
// cached (refreshes ahead of expiry, one refresh shared by every waiter) and chain (tries sources
// in order).
//
// Asynchrony. get_credentials() is a C++20 coroutine on the caller's executor: the engine has no
// threads and no global state, and every provider runs on whatever executor co_awaits it.
//
// Cancellation. Terminal cancellation of the awaiting coroutine (e.g. from
// boost::asio::experimental::awaitable_operators `||` with a timer, or a bound cancellation slot in
// co_spawn) is honoured: the result is boost::asio::error::operation_aborted, a running
// credential_process child is killed, HTTP exchanges are abandoned.
//
// Errors. The result's `ec` is error::not_configured when the source has nothing set up (a
// chain moves on), another engine::credentials::error when the source is configured but failed,
// or a transport / Asio code. `message` explains it for a user and never contains a secret.
//
// Thread-safety. A provider object may be shared by many coroutines, but they must all run on one
// thread (or one strand); providers are not internally synchronized.
#include <engine/credentials/environment.hpp>
#include <engine/credentials/http_fetcher.hpp>
#include <engine/credentials/identity.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engine::credentials {

class credentials_provider {
public:
    virtual ~credentials_provider() = default;

    /// Short name used in messages: "environment", "profile", "imds", ...
    virtual std::string_view name() const noexcept = 0;

    /// Fetches credentials. Never throws for a failure of the source (only std::bad_alloc and the
    /// like escape); see the file comment for errors and cancellation.
    virtual boost::asio::awaitable<credentials_result> get_credentials() = 0;
};

using provider_ptr = std::shared_ptr<credentials_provider>;

// --- leaf providers --------------------------------------------------------------------------

/// Fixed credentials (e.g. from command-line options). Never fails.
provider_ptr make_static_provider(aws_sigv4::credentials keys, std::optional<time_point> expiration = {},
                                  std::string source = "static");

/// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and AWS_CREDENTIAL_EXPIRATION,
/// ISO 8601, optional), read at each call. not_configured when neither key variable is set;
/// invalid_configuration when only one of them is.
provider_ptr make_environment_provider(environment env);

struct process_options {
    /// The whole run (start to exit) must fit in this; then the child is killed (SIGKILL to its
    /// process group) and the result is error::timeout.
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};
    /// Larger stdout is error::process_output_too_large (the child is killed).
    std::size_t max_output = 1 << 20;
};

/// credential_process: runs `command` with /bin/sh -c, stdin from /dev/null, stderr inherited
/// (so the command's diagnostics reach the user), stdout captured through a pipe read
/// asynchronously (the event loop is never blocked). The child gets the real process
/// environment. Exit status 0 and a valid document (see parse_process_output) -> credentials;
/// otherwise process_spawn, process_exit (the message has the exit status or signal), timeout,
/// process_output_too_large, invalid_document. POSIX only.
provider_ptr make_process_provider(std::string command, process_options options = {},
                                   std::string source = "credential_process");

struct imds_options {
    /// Base URL; when empty: $AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://[fd00:ec2::254] when
    /// $AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is IPv6, else http://169.254.169.254.
    std::string endpoint;
    /// Per HTTP request. Short, so that a container with hop limit 1 fails fast.
    std::chrono::milliseconds timeout{std::chrono::seconds(1)};
    /// X-aws-ec2-metadata-token-ttl-seconds of the IMDSv2 session token.
    int token_ttl_seconds = 21600;
    /// Use IMDSv1 (no token) when the token PUT is refused with 403, 404 or 405. Off by default:
    /// a failed token PUT means no IMDS credentials.
    bool allow_v1_fallback = false;
};

/// EC2 instance metadata (IMDSv2): PUT /latest/api/token, GET
/// /latest/meta-data/iam/security-credentials/ (the role name), GET .../<role>.
/// not_configured when AWS_EC2_METADATA_DISABLED=true, when the endpoint does not answer (not on
/// EC2, or hop limit reached), when the token is refused and v1 fallback is off, or when no role
/// is attached (404). http_status / invalid_document for other failures.
provider_ptr make_imds_provider(environment env, std::shared_ptr<http_fetcher> http,
                                imds_options options = {});

struct container_options {
    std::chrono::milliseconds timeout{std::chrono::seconds(2)};
};

/// ECS / EKS Pod Identity container credentials:
///   AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -> http://169.254.170.2<uri>
///   AWS_CONTAINER_CREDENTIALS_FULL_URI     -> that URL; http only to loopback addresses,
///       localhost, 169.254.170.2, 169.254.170.23 or [fd00:ec2::23] (https to any host)
///   Authorization header from the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, else from
///   AWS_CONTAINER_AUTHORIZATION_TOKEN (a token with CR or LF is rejected).
/// not_configured when neither URI variable is set; invalid_configuration for a disallowed host or
/// a bad URL; http_status, invalid_document, timeout otherwise.
provider_ptr make_container_provider(environment env, std::shared_ptr<http_fetcher> http,
                                     container_options options = {});

/// Where and how STS is called (AssumeRole, AssumeRoleWithWebIdentity).
struct sts_options {
    /// Region of the STS endpoint (regional endpoint sts.<region>.amazonaws.com). Required.
    std::string region = "us-east-1";
    /// Endpoint URL override; when empty: $AWS_ENDPOINT_URL_STS, else $AWS_ENDPOINT_URL, else the
    /// regional endpoint.
    std::string endpoint_url;
    std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

/// Parameters of a role to assume.
struct role_config {
    std::string role_arn;
    std::string session_name; ///< empty: "bb-async-<unix seconds>"
    std::string external_id;  ///< optional
    std::optional<int> duration_seconds;
};

/// sts:AssumeRole signed (SigV4, the environment's clock) with credentials from `source`.
/// Errors from the source are returned as they are, with the message prefixed.
provider_ptr make_assume_role_provider(provider_ptr source, role_config role, environment env,
                                       std::shared_ptr<http_fetcher> http, sts_options sts);

/// sts:AssumeRoleWithWebIdentity (unsigned) with the token read from `token_file` at each call.
provider_ptr make_web_identity_provider(std::string token_file, role_config role, environment env,
                                        std::shared_ptr<http_fetcher> http, sts_options sts);

/// Web identity from the environment: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
/// AWS_ROLE_SESSION_NAME (optional). not_configured when the token file variable is not set;
/// invalid_configuration when it is set without AWS_ROLE_ARN.
provider_ptr make_web_identity_env_provider(environment env, std::shared_ptr<http_fetcher> http,
                                            sts_options sts);

struct profile_options {
    /// Explicit profile (e.g. --profile); else AWS_PROFILE, AWS_DEFAULT_PROFILE, "default".
    std::optional<std::string> profile;
    sts_options sts;             ///< for role_arn / web_identity_token_file profiles
    process_options process;     ///< for credential_process
    imds_options imds;           ///< for credential_source = Ec2InstanceMetadata
    container_options container; ///< for credential_source = EcsContainer
};

/// The shared config and credentials files, re-read at each call. For the selected profile, in
/// botocore's order:
///   1. role_arn (without web_identity_token_file): AssumeRole with credentials from
///      source_profile (resolved recursively with these same rules; a profile that names itself
///      uses its own static keys) or credential_source (Environment, Ec2InstanceMetadata,
///      EcsContainer); role_session_name, external_id, duration_seconds honoured; mfa_serial is
///      error::unsupported.
///   2. web_identity_token_file + role_arn: AssumeRoleWithWebIdentity.
///   3. sso_session / sso_start_url: error::unsupported (with a credential_process workaround).
///   4. aws_access_key_id + aws_secret_access_key (+ aws_session_token) from the credentials file.
///   5. credential_process.
///   6. aws_access_key_id + aws_secret_access_key (+ aws_session_token) from the config file.
/// not_configured when the profile "default" is absent (when it was not asked for explicitly) or
/// has none of the above; profile_not_found when an explicitly chosen profile is absent.
provider_ptr make_profile_provider(environment env, std::shared_ptr<http_fetcher> http,
                                   profile_options options = {});

// --- decorators ------------------------------------------------------------------------------

struct cache_options {
    /// Refresh credentials that expire within this window. If the refresh fails while the cached
    /// credentials have not expired yet, the cached ones are returned.
    std::chrono::seconds refresh_before{std::chrono::minutes(5)};
};

/// Caches the inner provider's credentials: long-term ones forever, expiring ones until
/// `refresh_before` ahead of expiry (by the environment's clock). While a refresh runs, every
/// caller waits for that one refresh (at most one inner call at a time). The refresh itself runs
/// detached on the executor of the caller that started it, so cancelling one waiter does not
/// cancel it for the others. Failures are not cached: the next call tries again.
provider_ptr make_cached_provider(provider_ptr inner, environment env, cache_options options = {});

struct chain_options {
    /// A source that has not answered after this long is abandoned (noted in the final message)
    /// and the chain moves on.
    std::chrono::milliseconds per_provider_timeout{std::chrono::seconds(60)};
    /// Appended to the "no credentials" message (e.g. how to configure credentials).
    std::string help;
};

/// Tries each provider in order and returns the first credentials. A provider that answers
/// not_configured, or times out, passes to the next; a provider that is configured but fails
/// stops the chain with its error (the SDKs' behaviour: a broken configuration is not silently
/// skipped). When every provider passed: error::no_credentials, with a message listing every
/// source and what it said, followed by options.help.
provider_ptr make_chain_provider(std::vector<provider_ptr> providers, chain_options options = {});

} // namespace engine::credentials
