#include <aws_sigv4/uri.hpp>
#include <protocol/http.hpp>

#include <charconv>
#include <cmath>

namespace protocol {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Reads exactly n decimal digits at s[pos]; advances pos.
bool digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    pos += n;
    out = v;
    return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) noexcept {
    if (pos >= s.size() || s[pos] != c)
        return false;
    ++pos;
    return true;
}

std::optional<timestamp> make_time(int y, int mo, int d, int h, int mi, int sec, int ms) noexcept {
    using namespace std::chrono;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return std::nullopt;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return std::nullopt;
    return timestamp{sys_days{ymd}} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms};
}

} // namespace

std::string http_request::authority() const {
    bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
    if (default_port)
        return host;
    return host + ':' + std::to_string(port);
}

std::string http_request::target() const {
    std::string out = path;
    char sep = '?';
    for (const auto& [name, value] : query) {
        out += sep;
        sep = '&';
        out += uri_encode(name);
        if (!value.empty()) {
            out += '=';
            out += uri_encode(value);
        }
    }
    return out;
}

const std::string* http_request::find_header(std::string_view name) const noexcept {
    for (const auto& h : headers)
        if (iequals(h.first, name))
            return &h.second;
    return nullptr;
}

std::optional<std::string_view> http_response_view::header(std::string_view name) const noexcept {
    for (const auto& h : headers)
        if (iequals(h.name, name))
            return h.value;
    return std::nullopt;
}

std::string uri_encode(std::string_view s, bool keep_slash) {
    std::string out;
    out.reserve(s.size() + s.size() / 2);
    aws_sigv4::uri_encode(s, keep_slash, false, out);
    return out;
}

std::string uri_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '%' && i + 2 < s.size()) {
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += (plus_is_space && c == '+') ? ' ' : c;
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::optional<timestamp> parse_iso8601(std::string_view s) noexcept {
    std::size_t p = 0;
    int y, mo, d, h, mi, sec, ms = 0;
    if (!digits(s, p, 4, y) || !expect(s, p, '-') || !digits(s, p, 2, mo) || !expect(s, p, '-') ||
        !digits(s, p, 2, d))
        return std::nullopt;
    if (p >= s.size() || (s[p] != 'T' && s[p] != 't' && s[p] != ' '))
        return std::nullopt;
    ++p;
    if (!digits(s, p, 2, h) || !expect(s, p, ':') || !digits(s, p, 2, mi) || !expect(s, p, ':') ||
        !digits(s, p, 2, sec))
        return std::nullopt;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int scale = 100;
        std::size_t start = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            ms += (s[p] - '0') * scale;
            scale /= 10;
            ++p;
        }
        if (p == start)
            return std::nullopt;
    }
    // The zone: Z, or an offset +HH, +HHMM or +HH:MM (credential documents use offsets).
    int offset_minutes = 0;
    if (p >= s.size())
        return std::nullopt;
    if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
    } else if (s[p] == '+' || s[p] == '-') {
        const int sign = s[p] == '-' ? -1 : 1;
        ++p;
        int oh = 0, om = 0;
        if (!digits(s, p, 2, oh))
            return std::nullopt;
        if (p < s.size() && s[p] == ':')
            ++p;
        if (p < s.size() && !digits(s, p, 2, om))
            return std::nullopt;
        if (oh > 23 || om > 59)
            return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (p != s.size())
        return std::nullopt;
    auto t = make_time(y, mo, d, h, mi, sec, ms);
    if (!t)
        return std::nullopt;
    return *t - std::chrono::minutes(offset_minutes);
}

std::optional<timestamp> parse_http_date(std::string_view s) noexcept {
    // "Wed, 12 Oct 2009 17:50:00 GMT"
    static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::size_t comma = s.find(", ");
    if (comma == std::string_view::npos)
        return std::nullopt;
    std::size_t p = comma + 2;
    int d, y, h, mi, sec;
    if (!digits(s, p, 2, d) || !expect(s, p, ' ') || p + 3 > s.size())
        return std::nullopt;
    std::string_view mon = s.substr(p, 3);
    int mo = 0;
    for (int i = 0; i < 12; ++i)
        if (mon == months[i])
            mo = i + 1;
    p += 3;
    if (mo == 0 || !expect(s, p, ' ') || !digits(s, p, 4, y) || !expect(s, p, ' ') || !digits(s, p, 2, h) ||
        !expect(s, p, ':') || !digits(s, p, 2, mi) || !expect(s, p, ':') || !digits(s, p, 2, sec))
        return std::nullopt;
    if (s.substr(p) != " GMT")
        return std::nullopt;
    return make_time(y, mo, d, h, mi, sec, 0);
}

std::optional<timestamp> from_epoch_seconds(double seconds) noexcept {
    // Years 0..9999 are plenty; anything outside is a corrupt value.
    if (!std::isfinite(seconds) || seconds < -62167219200.0 || seconds > 253402300799.0)
        return std::nullopt;
    auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
    return timestamp{std::chrono::milliseconds{ms}};
}

std::string format_iso8601(timestamp t) {
    using namespace std::chrono;
    auto day = floor<days>(t);
    year_month_day ymd{day};
    auto tod = t - day;
    auto h = duration_cast<hours>(tod);
    auto mi = duration_cast<minutes>(tod - h);
    auto s = duration_cast<seconds>(tod - h - mi);
    auto ms = (tod - h - mi - s).count();
    char buf[40];
    int y = static_cast<int>(ymd.year());
    auto put = [&](std::size_t at, long v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            buf[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(0, y, 4);
    buf[4] = '-';
    put(5, static_cast<unsigned>(ymd.month()), 2);
    buf[7] = '-';
    put(8, static_cast<unsigned>(ymd.day()), 2);
    buf[10] = 'T';
    put(11, h.count(), 2);
    buf[13] = ':';
    put(14, mi.count(), 2);
    buf[16] = ':';
    put(17, s.count(), 2);
    buf[19] = '.';
    put(20, ms, 3);
    buf[23] = 'Z';
    return std::string(buf, 24);
}

} // namespace protocol
