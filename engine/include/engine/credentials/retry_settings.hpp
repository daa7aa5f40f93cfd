#pragma once
// Retry settings, resolved like the SDKs do: each of the mode and the attempt count comes from
// $AWS_RETRY_MODE / $AWS_MAX_ATTEMPTS if set, else from `retry_mode` / `max_attempts` of the
// selected profile, else the default (standard, 3 attempts).
#include <engine/credentials/config_file.hpp>
#include <engine/credentials/environment.hpp>
#include <protocol/retry.hpp>

#include <optional>
#include <string>

namespace engine::credentials {

/// Pure: `config` may be nullptr (no profile step). On a bad value returns a one-line message naming
/// where it came from and what is allowed, and `out` keeps the defaults for that field.
std::optional<std::string> resolve_retry_config(const environment& env, const shared_config* config,
                                                const std::string& profile_name,
                                                protocol::retry::config& out);

} // namespace engine::credentials
