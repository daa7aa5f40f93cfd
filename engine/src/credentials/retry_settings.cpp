#include <engine/credentials/retry_settings.hpp>

namespace engine::credentials {

std::optional<std::string> resolve_retry_config(const environment& env, const shared_config* config,
                                                const std::string& profile_name,
                                                protocol::retry::config& out) {
    std::optional<profile> p;
    if (config != nullptr)
        p = config->find(profile_name);
    // One setting at a time, so that a bad profile value does not hide a good environment one.
    auto pick = [&](std::string_view env_name, std::string_view key, std::string& where) -> std::string {
        if (auto v = env.get(env_name); v && !v->empty()) {
            where = "$" + std::string(env_name);
            return *v;
        }
        if (p) {
            if (const std::string* v = p->get(key)) {
                where = std::string(key) + " in profile " + profile_name;
                return *v;
            }
        }
        return {};
    };
    std::string mode_from, attempts_from;
    const std::string mode = pick("AWS_RETRY_MODE", "retry_mode", mode_from);
    const std::string attempts = pick("AWS_MAX_ATTEMPTS", "max_attempts", attempts_from);
    std::optional<std::string> problem;
    if (auto m = protocol::retry::apply_settings(out, mode, {}))
        problem = mode_from + ": " + *m;
    if (auto m = protocol::retry::apply_settings(out, {}, attempts)) {
        const std::string msg = attempts_from + ": " + *m;
        problem = problem ? *problem + "; " + msg : msg;
    }
    return problem;
}

} // namespace engine::credentials
