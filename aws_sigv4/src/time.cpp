#include <aws_sigv4/time.hpp>

namespace aws_sigv4 {
namespace {

// Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

void put(char* p, int v, int n) noexcept {
    for (int i = n - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
}

constexpr std::int64_t max_unix = 253402300799; // 9999-12-31T23:59:59Z

} // namespace

signing_time::signing_time() noexcept
    : amz_{'1', '9', '7', '0', '0', '1', '0', '1', 'T', '0', '0', '0', '0', '0', '0', 'Z'} {}

signing_time signing_time::from_unix(std::int64_t seconds, std::error_code& ec) noexcept {
    signing_time t;
    if (seconds < 0 || seconds > max_unix) {
        ec = error::invalid_time;
        return t;
    }
    ec.clear();
    std::int64_t days = seconds / 86400, rem = seconds % 86400, y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char* p = t.amz_.data();
    put(p, static_cast<int>(y), 4);
    put(p + 4, static_cast<int>(m), 2);
    put(p + 6, static_cast<int>(d), 2);
    p[8] = 'T';
    put(p + 9, static_cast<int>(rem / 3600), 2);
    put(p + 11, static_cast<int>(rem / 60 % 60), 2);
    put(p + 13, static_cast<int>(rem % 60), 2);
    p[15] = 'Z';
    t.unix_ = seconds;
    return t;
}

signing_time signing_time::parse(std::string_view s, std::error_code& ec) noexcept {
    int y, mo, d, h, mi, sec;
    bool ok;
    if (s.size() == 16) { // 20150830T123600Z
        ok = digits(s, 0, 4, y) && digits(s, 4, 2, mo) && digits(s, 6, 2, d) && s[8] == 'T' &&
             digits(s, 9, 2, h) && digits(s, 11, 2, mi) && digits(s, 13, 2, sec) && s[15] == 'Z';
    } else if (s.size() == 20) { // 2015-08-30T12:36:00Z
        ok = digits(s, 0, 4, y) && s[4] == '-' && digits(s, 5, 2, mo) && s[7] == '-' && digits(s, 8, 2, d) &&
             s[10] == 'T' && digits(s, 11, 2, h) && s[13] == ':' && digits(s, 14, 2, mi) && s[16] == ':' &&
             digits(s, 17, 2, sec) && s[19] == 'Z';
    } else {
        ok = false;
    }
    if (!ok || y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59) {
        ec = error::invalid_time;
        return {};
    }
    static constexpr int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] + (mo == 2 && leap)) {
        ec = error::invalid_time;
        return {};
    }
    const std::int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return from_unix(days * 86400 + h * 3600 + mi * 60 + sec, ec);
}

} // namespace aws_sigv4
