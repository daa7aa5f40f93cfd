#include <engine/credentials/environment.hpp>

#include <cstdlib>

namespace engine::credentials {

environment::environment(lookup_fn lookup, clock_fn now)
    : lookup_(std::move(lookup))
    , now_(std::move(now)) {
    if (!now_)
        now_ = [] { return clock_type::now(); };
}

environment environment::process() {
    return environment(
        [](std::string_view name) -> std::optional<std::string> {
            const std::string key(name);
            if (const char* v = std::getenv(key.c_str()))
                return std::string(v);
            return std::nullopt;
        },
        {});
}

environment environment::from_map(std::map<std::string, std::string, std::less<>> vars, clock_fn now) {
    return environment(
        [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
            if (auto it = vars.find(name); it != vars.end())
                return it->second;
            return std::nullopt;
        },
        std::move(now));
}

std::optional<std::string> environment::get(std::string_view name) const {
    if (!lookup_)
        return std::nullopt;
    auto v = lookup_(name);
    if (v && v->empty())
        return std::nullopt;
    return v;
}

bool environment::get_bool(std::string_view name) const {
    auto v = get(name);
    if (!v || v->size() != 4)
        return false;
    static constexpr std::string_view t = "true";
    for (std::size_t i = 0; i < 4; ++i)
        if (((*v)[i] | 0x20) != t[i])
            return false;
    return true;
}

time_point environment::now() const {
    return now_();
}

std::string environment::home() const {
    if (home_)
        return *home_;
    return get("HOME").value_or(std::string());
}

std::string environment::expand_user(std::string_view path) const {
    if (path == "~")
        return home();
    if (path.size() >= 2 && path[0] == '~' && path[1] == '/') {
        const std::string h = home();
        if (!h.empty())
            return h + std::string(path.substr(1));
    }
    return std::string(path);
}

} // namespace engine::credentials
