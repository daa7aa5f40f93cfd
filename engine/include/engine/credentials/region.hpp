#pragma once
// Region resolution, in the SDKs' order:
//   explicit value -> $AWS_REGION -> $AWS_DEFAULT_REGION -> `region` of the selected profile
//   (config file, or credentials file) -> "us-east-1".
#include <engine/credentials/config_file.hpp>
#include <engine/credentials/environment.hpp>

#include <optional>
#include <string>

namespace engine::credentials {

struct resolved_region {
    std::string region;
    /// "explicit", "AWS_REGION", "AWS_DEFAULT_REGION", "profile <name> (<file path>)" or "default".
    std::string source;
};

/// Pure: uses an already loaded configuration (`config` may be nullptr: no profile step).
resolved_region resolve_region_from_config(const environment& env,
                                           const std::optional<std::string>& explicit_region,
                                           const shared_config* config, const std::string& profile_name);

/// Loads the shared files (see load_shared_config) and resolves. A file that cannot be read or
/// parsed does not stop resolution: the profile step is skipped and `message` says why.
resolved_region resolve_region(const environment& env, const std::optional<std::string>& explicit_region,
                               const std::optional<std::string>& explicit_profile,
                               std::string* message = nullptr);

} // namespace engine::credentials
