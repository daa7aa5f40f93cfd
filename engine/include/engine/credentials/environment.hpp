#pragma once
// The outside world a provider may look at: environment variables, the home directory and the
// clock. Everything is injectable so tests never touch the real process environment and can move
// time without sleeping.
#include <engine/credentials/identity.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace engine::credentials {

class environment {
public:
    using lookup_fn = std::function<std::optional<std::string>(std::string_view name)>;
    using clock_fn = std::function<time_point()>;

    /// The real process: ::getenv and std::chrono::system_clock. The variables are read when a
    /// provider runs, not copied at construction.
    static environment process();

    /// Variables from a map (nothing else is visible) and a clock (default: system_clock).
    static environment from_map(std::map<std::string, std::string, std::less<>> vars, clock_fn now = {});

    environment(lookup_fn lookup, clock_fn now);

    /// The variable's value; nullopt when unset OR empty (the SDKs treat "" as unset).
    std::optional<std::string> get(std::string_view name) const;
    /// True when the variable is "true" (ASCII case-insensitive).
    bool get_bool(std::string_view name) const;

    /// The current time from the injected clock.
    time_point now() const;

    /// The home directory: the override if set, else $HOME, else "" (then ~ paths do not resolve).
    std::string home() const;
    /// Overrides the home directory (tests).
    void set_home(std::string home) { home_ = std::move(home); }

    /// Expands a leading "~/" (or a lone "~") with home().
    std::string expand_user(std::string_view path) const;

private:
    lookup_fn lookup_;
    clock_fn now_;
    std::optional<std::string> home_;
};

} // namespace engine::credentials
