#include <engine/credentials/identity.hpp>

#include <ctime>
#include <ostream>

namespace engine::credentials {

std::string format_time(time_point t) {
    const std::time_t secs = clock_type::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf, n);
}

std::string to_string(const identity& id) {
    std::string s = "identity{access_key_id=" + id.keys.access_key_id + ", secret=** redacted **";
    if (id.keys.has_session_token())
        s += ", session_token=** redacted **";
    if (id.expiration)
        s += ", expiration=" + format_time(*id.expiration);
    s += ", source=" + id.source + "}";
    return s;
}

std::ostream& operator<<(std::ostream& os, const identity& id) {
    return os << to_string(id);
}

} // namespace engine::credentials
