#pragma once
// The default credential chain and a one-call setup for programs.
#include <engine/credentials/provider.hpp>
#include <engine/credentials/region.hpp>

#include <optional>
#include <string>

namespace engine::credentials {

struct default_chain_options {
    /// Credentials given explicitly (command line); when set they come first.
    std::optional<aws_sigv4::credentials> explicit_credentials;
    /// Profile given explicitly. As in botocore, an explicit profile disables the environment
    /// provider (AWS_PROFILE does not).
    std::optional<std::string> profile;
    /// Region given explicitly (also the STS region for roles).
    std::optional<std::string> region;
    /// HTTP seam for IMDS, ECS and STS; nullptr: make_plain_http_fetcher() (http:// only, so STS
    /// needs a real client or an http endpoint override).
    std::shared_ptr<http_fetcher> http;
    std::string sts_endpoint_url; ///< see sts_options::endpoint_url
    imds_options imds;
    container_options container;
    process_options process;
    chain_options chain;
    cache_options cache;
};

/// The order of the default chain (names as they appear in messages):
///   static (only with explicit_credentials) -> environment (skipped with an explicit profile) ->
///   web-identity (AWS_WEB_IDENTITY_TOKEN_FILE) -> profile (shared files) -> container (ECS) ->
///   imds (EC2).
/// This is the Java/Rust SDK order; botocore differs only in placing a profile's role_arn before
/// environment web identity.
/// Returns cached(chain(...)); the region used for STS comes from resolve_region().
provider_ptr make_default_provider(environment env, default_chain_options options = {});

/// The multi-line "how to configure credentials" text appended to the no_credentials message.
std::string default_chain_help();

} // namespace engine::credentials
