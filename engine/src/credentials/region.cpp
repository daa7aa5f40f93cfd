#include <engine/credentials/region.hpp>

namespace engine::credentials {

resolved_region resolve_region_from_config(const environment& env,
                                           const std::optional<std::string>& explicit_region,
                                           const shared_config* config, const std::string& profile_name) {
    if (explicit_region && !explicit_region->empty())
        return {*explicit_region, "explicit"};
    if (auto v = env.get("AWS_REGION"))
        return {*v, "AWS_REGION"};
    if (auto v = env.get("AWS_DEFAULT_REGION"))
        return {*v, "AWS_DEFAULT_REGION"};
    if (config != nullptr) {
        if (auto p = config->find(profile_name)) {
            if (auto r = p->get("region", file_kind::config))
                return {*r, "profile " + profile_name + " (" + config->config_path + ")"};
            if (auto r = p->get("region", file_kind::credentials))
                return {*r, "profile " + profile_name + " (" + config->credentials_path + ")"};
        }
    }
    return {"us-east-1", "default"};
}

resolved_region resolve_region(const environment& env, const std::optional<std::string>& explicit_region,
                               const std::optional<std::string>& explicit_profile, std::string* message) {
    if ((explicit_region && !explicit_region->empty()) || env.get("AWS_REGION") ||
        env.get("AWS_DEFAULT_REGION"))
        return resolve_region_from_config(env, explicit_region, nullptr, {});
    shared_config cfg;
    std::string msg;
    const std::string name = select_profile(env, explicit_profile);
    if (auto ec = load_shared_config(env, cfg, msg)) {
        if (message != nullptr)
            *message = msg;
        return resolve_region_from_config(env, explicit_region, nullptr, name);
    }
    return resolve_region_from_config(env, explicit_region, &cfg, name);
}

} // namespace engine::credentials
