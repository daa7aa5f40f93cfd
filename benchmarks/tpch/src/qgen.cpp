// qgen 2.17.3's parameter substitution (QUERIES.md §1–§4). Written from the prose specification;
// the distributions come from the embedded dists.tsv (tpch/dists.hpp), the RNG from tpch/rng.hpp.
#include <tpch/dbgen.hpp>
#include <tpch/dists.hpp>
#include <tpch/qgen.hpp>
#include <tpch/rng.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>

namespace tpch {
namespace {

class qgen_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "tpch.qgen"; }
    std::string message(int ev) const override {
        switch (static_cast<qgen_error>(ev)) {
        case qgen_error::ok:
            return "success";
        case qgen_error::invalid_query:
            return "query number must be 1..22";
        case qgen_error::invalid_seed:
            return "seed must be an integer in -2147483646..2147483646 other than 0";
        case qgen_error::invalid_scale:
            return "scale factor must be a number in (0, 100000]";
        case qgen_error::invalid_stream:
            return "stream number must not be negative";
        case qgen_error::invalid_position:
            return "position in a stream must be 1..22";
        case qgen_error::invalid_parameters:
            return "parameters do not fit the query";
        }
        return "unknown tpch.qgen error";
    }
};

// Specification Appendix A / the kit's permute.h: row s = the query numbers of stream s.
constexpr int permutation[permutation_rows][query_count] = {
    {14, 2, 9, 20, 6, 17, 18, 8, 21, 13, 3, 22, 16, 4, 11, 15, 1, 10, 19, 5, 7, 12},
    {21, 3, 18, 5, 11, 7, 6, 20, 17, 12, 16, 15, 13, 10, 2, 8, 14, 19, 9, 22, 1, 4},
    {6, 17, 14, 16, 19, 10, 9, 2, 15, 8, 5, 22, 12, 7, 13, 18, 1, 4, 20, 3, 11, 21},
    {8, 5, 4, 6, 17, 7, 1, 18, 22, 14, 9, 10, 15, 11, 20, 2, 21, 19, 13, 16, 12, 3},
    {5, 21, 14, 19, 15, 17, 12, 6, 4, 9, 8, 16, 11, 2, 10, 18, 1, 13, 7, 22, 3, 20},
    {21, 15, 4, 6, 7, 16, 19, 18, 14, 22, 11, 13, 3, 1, 2, 5, 8, 20, 12, 17, 10, 9},
    {10, 3, 15, 13, 6, 8, 9, 7, 4, 11, 22, 18, 12, 1, 5, 16, 2, 14, 19, 20, 17, 21},
    {18, 8, 20, 21, 2, 4, 22, 17, 1, 11, 9, 19, 3, 13, 5, 7, 10, 16, 6, 14, 15, 12},
    {19, 1, 15, 17, 5, 8, 9, 12, 14, 7, 4, 3, 20, 16, 6, 22, 10, 13, 2, 21, 18, 11},
    {8, 13, 2, 20, 17, 3, 6, 21, 18, 11, 19, 10, 15, 4, 22, 1, 7, 12, 9, 14, 5, 16},
    {6, 15, 18, 17, 12, 1, 7, 2, 22, 13, 21, 10, 14, 9, 3, 16, 20, 19, 11, 4, 8, 5},
    {15, 14, 18, 17, 10, 20, 16, 11, 1, 8, 4, 22, 5, 12, 3, 9, 21, 2, 13, 6, 19, 7},
    {1, 7, 16, 17, 18, 22, 12, 6, 8, 9, 11, 4, 2, 5, 20, 21, 13, 10, 19, 3, 14, 15},
    {21, 17, 7, 3, 1, 10, 12, 22, 9, 16, 6, 11, 2, 4, 5, 14, 8, 20, 13, 18, 15, 19},
    {2, 9, 5, 4, 18, 1, 20, 15, 16, 17, 7, 21, 13, 14, 19, 8, 22, 11, 10, 3, 12, 6},
    {16, 9, 17, 8, 14, 11, 10, 12, 6, 21, 7, 3, 15, 5, 22, 20, 1, 13, 19, 2, 4, 18},
    {1, 3, 6, 5, 2, 16, 14, 22, 17, 20, 4, 9, 10, 11, 15, 8, 12, 19, 18, 13, 7, 21},
    {3, 16, 5, 11, 21, 9, 2, 15, 10, 18, 17, 7, 8, 19, 14, 13, 1, 4, 22, 20, 6, 12},
    {14, 4, 13, 5, 21, 11, 8, 6, 3, 17, 2, 20, 1, 19, 10, 9, 12, 18, 15, 7, 22, 16},
    {4, 12, 22, 14, 5, 15, 16, 2, 8, 10, 17, 9, 21, 7, 3, 6, 13, 18, 11, 20, 19, 1},
    {16, 15, 14, 13, 4, 22, 18, 19, 7, 1, 12, 17, 5, 10, 20, 3, 9, 21, 11, 2, 6, 8},
    {20, 14, 21, 12, 15, 17, 4, 19, 13, 10, 11, 1, 16, 5, 18, 7, 8, 22, 9, 6, 3, 2},
    {16, 14, 13, 2, 21, 10, 11, 4, 1, 22, 18, 12, 19, 5, 7, 8, 6, 3, 15, 20, 9, 17},
    {18, 15, 9, 14, 12, 2, 8, 11, 22, 21, 16, 1, 6, 17, 5, 10, 19, 4, 20, 13, 3, 7},
    {7, 3, 10, 14, 13, 21, 18, 6, 20, 4, 9, 8, 22, 15, 2, 1, 5, 12, 19, 17, 11, 16},
    {18, 1, 13, 7, 16, 10, 14, 2, 19, 5, 21, 11, 22, 15, 8, 17, 20, 3, 4, 12, 6, 9},
    {13, 2, 22, 5, 11, 21, 20, 14, 7, 10, 4, 9, 19, 18, 6, 3, 1, 8, 15, 12, 17, 16},
    {14, 17, 21, 8, 2, 9, 6, 4, 5, 13, 22, 7, 15, 3, 1, 18, 16, 11, 10, 12, 20, 19},
    {10, 22, 1, 12, 13, 18, 21, 20, 2, 14, 16, 7, 15, 3, 4, 17, 5, 19, 6, 8, 9, 11},
    {10, 8, 9, 18, 12, 6, 1, 5, 20, 11, 17, 22, 16, 3, 13, 2, 15, 21, 14, 19, 7, 4},
    {7, 17, 22, 5, 3, 10, 13, 18, 9, 1, 14, 15, 21, 19, 16, 12, 8, 6, 11, 20, 4, 2},
    {2, 9, 21, 3, 4, 7, 1, 11, 16, 5, 20, 19, 18, 8, 17, 13, 10, 12, 15, 6, 14, 22},
    {15, 12, 8, 4, 22, 13, 16, 17, 18, 3, 7, 5, 6, 1, 9, 11, 21, 10, 14, 20, 19, 2},
    {15, 16, 2, 11, 17, 7, 5, 14, 20, 4, 21, 3, 10, 9, 12, 8, 13, 6, 18, 19, 22, 1},
    {1, 13, 11, 3, 4, 21, 6, 14, 15, 22, 18, 9, 7, 5, 10, 20, 12, 16, 17, 8, 19, 2},
    {14, 17, 22, 20, 8, 16, 5, 10, 1, 13, 2, 21, 12, 9, 4, 18, 3, 7, 6, 19, 15, 11},
    {9, 17, 7, 4, 5, 13, 21, 18, 11, 3, 22, 1, 6, 16, 20, 14, 15, 10, 8, 2, 12, 19},
    {13, 14, 5, 22, 19, 11, 9, 6, 18, 15, 8, 10, 7, 4, 17, 16, 3, 1, 12, 2, 21, 20},
    {20, 5, 4, 14, 11, 1, 6, 16, 8, 22, 7, 3, 2, 12, 21, 19, 17, 13, 10, 15, 18, 9},
    {3, 7, 14, 15, 6, 5, 21, 20, 18, 10, 4, 16, 19, 1, 13, 9, 8, 17, 11, 12, 22, 2},
    {13, 15, 17, 1, 22, 11, 3, 4, 7, 20, 14, 21, 9, 8, 2, 18, 16, 6, 10, 12, 5, 19},
};

// The validation values of spec clause 2.4.x.4 (qgen -d), in template order. Q11's FRACTION is
// logged as "0.0001" but substituted as 0.0001/SF (q11_fraction).
const std::vector<std::vector<std::string_view>>& default_values() {
    static const std::vector<std::vector<std::string_view>> v = {
        {"90"},
        {"15", "BRASS", "EUROPE"},
        {"BUILDING", "1995-03-15"},
        {"1993-07-01"},
        {"ASIA", "1994-01-01"},
        {"1994-01-01", ".06", "24"},
        {"FRANCE", "GERMANY"},
        {"BRAZIL", "AMERICA", "ECONOMY ANODIZED STEEL"},
        {"green"},
        {"1993-10-01"},
        {"GERMANY", "0.0001"},
        {"MAIL", "SHIP", "1994-01-01"},
        {"special", "requests"},
        {"1995-09-01"},
        {"1996-01-01"},
        {"Brand#45", "MEDIUM POLISHED", "49", "14", "23", "45", "19", "3", "36", "9"},
        {"Brand#23", "MED BOX"},
        {"300"},
        {"Brand#12", "Brand#23", "Brand#34", "1", "10", "20"},
        {"forest", "1994-01-01", "CANADA"},
        {"SAUDI ARABIA"},
        {"13", "31", "23", "29", "30", "18", "17"},
    };
    return v;
}

// Weighted pick (GENERATION.md §2): one draw; returns the index.
std::size_t pick(const distribution& d, std::int64_t& stream) {
    const std::int64_t j = unif_int(stream, 1, d.total());
    return d.index_for(j);
}

std::string two_digits(std::int64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02lld", static_cast<long long>(v));
    return buf;
}

// "19yy-mm-01" from a month draw t: year 1993 + t/12, month t%12 + 1.
std::string month_date(std::int64_t t) {
    return "19" + two_digits(93 + t / 12) + "-" + two_digits(t % 12 + 1) + "-01";
}

std::string year_date(std::int64_t yy) {
    return "19" + two_digits(yy) + "-01-01";
}

std::string brand(std::int64_t& s) {
    const std::int64_t m = unif_int(s, 1, 5);
    const std::int64_t n = unif_int(s, 1, 5);
    return "Brand#" + std::to_string(m) + std::to_string(n);
}

template <std::size_t N, typename T>
void permute(std::array<T, N>& a, std::int64_t& s) {
    const auto n = static_cast<std::int64_t>(N);
    for (std::int64_t k = 0; k < n; ++k) {
        const std::int64_t j = unif_int(s, k, n - 1);
        std::swap(a[static_cast<std::size_t>(k)], a[static_cast<std::size_t>(j)]);
    }
}

// Day index of a proleptic Gregorian date (days since 1970-01-01) and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

namespace detail {
// Shared with queries.cpp: "YYYY-MM-DD" of a day index (days since 1970-01-01).
std::string civil_date(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
    return buf;
}

std::int64_t civil_days(std::int64_t y, unsigned m, unsigned d) noexcept {
    return days_from_civil(y, m, d);
}
} // namespace detail

const std::error_category& qgen_category() noexcept {
    static const qgen_category_impl c;
    return c;
}

std::span<const int, query_count> stream_permutation(std::uint64_t stream) noexcept {
    return std::span<const int, query_count>(permutation[stream % permutation_rows], query_count);
}

std::error_code select_queries(std::int64_t stream, std::span<const int> args, std::vector<int>& out) {
    out.clear();
    if (stream < 0) {
        if (args.empty()) {
            for (int q = 1; q <= query_count; ++q) {
                out.push_back(q);
            }
            return {};
        }
        for (const int q : args) {
            if (q < 1 || q > query_count) {
                out.clear();
                return qgen_error::invalid_query;
            }
            out.push_back(q);
        }
        return {};
    }
    const auto row = stream_permutation(static_cast<std::uint64_t>(stream));
    if (args.empty()) {
        out.assign(row.begin(), row.end());
        return {};
    }
    for (const int pos : args) {
        if (pos < 1 || pos > query_count) {
            out.clear();
            return qgen_error::invalid_position;
        }
        out.push_back(row[static_cast<std::size_t>(pos - 1)]);
    }
    return {};
}

std::string param_log_line(const query_parameters& p) {
    std::string line = std::to_string(p.query);
    std::size_t n = 0;
    for (const auto& v : p.logged) {
        if (v.empty() || n == 10) { // qgen stops at the first empty parameter, at most 10
            break;
        }
        line += '\t';
        line += v;
        ++n;
    }
    line += '\n';
    return line;
}

std::error_code append_param_log(const std::filesystem::path& file,
                                 std::span<const query_parameters> queries) {
    std::string text;
    for (const auto& p : queries) {
        text += param_log_line(p);
    }
    std::FILE* f = std::fopen(file.c_str(), "ab");
    if (f == nullptr) {
        return {errno, std::system_category()};
    }
    const std::size_t written = std::fwrite(text.data(), 1, text.size(), f);
    const int write_errno = errno;
    if (std::fclose(f) != 0) {
        return {errno, std::system_category()};
    }
    if (written != text.size()) {
        return {write_errno != 0 ? write_errno : EIO, std::system_category()};
    }
    return {};
}

std::error_code normalize_seed(std::int64_t seed, std::int64_t& seed0) noexcept {
    if (seed <= -(rng_modulus - 1) - 1 || seed >= rng_modulus || seed == 0) {
        return qgen_error::invalid_seed;
    }
    seed0 = seed < 0 ? seed + rng_modulus : seed;
    return {};
}

std::error_code check_scale(double scale) noexcept {
    if (!std::isfinite(scale) || scale <= 0 || scale > max_scale_factor) {
        return qgen_error::invalid_scale;
    }
    return {};
}

std::string q11_fraction(double scale) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%11.10f", 0.0001 / scale);
    return buf;
}

query_generator::query_generator() noexcept {
    for (std::size_t i = 0; i < sizes_.size(); ++i) {
        sizes_[i] = static_cast<int>(i) + 1;
    }
    for (std::size_t i = 0; i < codes_.size(); ++i) {
        codes_[i] = static_cast<int>(i);
    }
}

std::error_code query_generator::make_default(double scale, query_generator& out) {
    if (auto ec = check_scale(scale)) {
        return ec;
    }
    out = query_generator();
    out.scale_ = scale;
    return {};
}

std::error_code query_generator::make_seeded(std::int64_t seed, double scale, query_generator& out) {
    std::int64_t seed0 = 0;
    if (auto ec = normalize_seed(seed, seed0)) {
        return ec;
    }
    if (auto ec = check_scale(scale)) {
        return ec;
    }
    out = query_generator();
    out.defaults_ = false;
    out.seed0_ = seed0;
    out.scale_ = scale;
    std::int64_t x = seed0;
    for (int q = 1; q <= query_count; ++q) {
        x = pm_next(x);
        out.streams_[static_cast<std::size_t>(q)] = x;
    }
    return {};
}

std::string query_generator::banner() const {
    if (defaults_) {
        return "-- using default substitutions";
    }
    return "-- using " + std::to_string(seed0_) + " as a seed to the RNG";
}

std::error_code default_parameters(int query, double scale, query_parameters& out) {
    if (query < 1 || query > query_count) {
        return qgen_error::invalid_query;
    }
    if (auto ec = check_scale(scale)) {
        return ec;
    }
    const auto& d = default_values()[static_cast<std::size_t>(query - 1)];
    out.query = query;
    out.logged.assign(d.begin(), d.end());
    out.values = out.logged;
    if (query == 11) {
        out.values[1] = q11_fraction(scale);
    }
    return {};
}

std::error_code query_generator::next(int query, query_parameters& out) {
    if (query < 1 || query > query_count) {
        return qgen_error::invalid_query;
    }
    if (defaults_) {
        return default_parameters(query, scale_, out);
    }
    std::int64_t& s = streams_[static_cast<std::size_t>(query)];
    std::vector<std::string> v;
    switch (query) {
    case 1:
        v.push_back(std::to_string(unif_int(s, 60, 120)));
        break;
    case 2: {
        v.push_back(std::to_string(unif_int(s, 1, 50)));
        const auto& types = dist("p_types");
        const std::string_view type = types.values[pick(types, s)];
        v.emplace_back(type.substr(type.rfind(' ') + 1)); // the third syllable
        const auto& regions = dist("regions");
        v.emplace_back(regions.values[pick(regions, s)]);
        break;
    }
    case 3: {
        const auto& seg = dist("msegmnt");
        v.emplace_back(seg.values[pick(seg, s)]);
        const std::int64_t d = unif_int(s, 0, 30); // dbgen calendar day 1155 + d = 1995-03-01 + d
        v.push_back(detail::civil_date(days_from_civil(1995, 3, 1) + d));
        break;
    }
    case 4:
    case 15:
        v.push_back(month_date(unif_int(s, 0, 57)));
        break;
    case 5: {
        const auto& regions = dist("regions");
        v.emplace_back(regions.values[pick(regions, s)]);
        v.push_back(year_date(unif_int(s, 93, 97)));
        break;
    }
    case 6:
        v.push_back(year_date(unif_int(s, 93, 97)));
        v.push_back("0." + two_digits(unif_int(s, 2, 9)));
        v.push_back(std::to_string(unif_int(s, 24, 25)));
        break;
    case 7: {
        const auto& n2 = dist("nations2");
        const std::size_t i1 = pick(n2, s);
        std::size_t i2 = pick(n2, s);
        while (i2 == i1) {
            i2 = pick(n2, s);
        }
        v.emplace_back(n2.values[i1]);
        v.emplace_back(n2.values[i2]);
        break;
    }
    case 8: {
        const auto& n2 = dist("nations2");
        const std::size_t i = pick(n2, s);
        v.emplace_back(n2.values[i]);
        const auto region = static_cast<std::size_t>(dist("nations").cumweights[i]);
        v.emplace_back(dist("regions").values[region]);
        const auto& types = dist("p_types");
        v.emplace_back(types.values[pick(types, s)]);
        break;
    }
    case 9: {
        const auto& colors = dist("colors");
        v.emplace_back(colors.values[pick(colors, s)]);
        break;
    }
    case 10:
        v.push_back(month_date(unif_int(s, 1, 24)));
        break;
    case 11: {
        const auto& n2 = dist("nations2");
        v.emplace_back(n2.values[pick(n2, s)]);
        v.push_back(q11_fraction(scale_));
        break;
    }
    case 12: {
        const auto& modes = dist("smode");
        const std::size_t i1 = pick(modes, s);
        std::size_t i2 = pick(modes, s);
        while (i2 == i1) {
            i2 = pick(modes, s);
        }
        v.emplace_back(modes.values[i1]);
        v.emplace_back(modes.values[i2]);
        v.push_back(year_date(unif_int(s, 93, 97)));
        break;
    }
    case 13: {
        const auto& a = dist("Q13a");
        v.emplace_back(a.values[pick(a, s)]);
        const auto& b = dist("Q13b");
        v.emplace_back(b.values[pick(b, s)]);
        break;
    }
    case 14:
        v.push_back(month_date(unif_int(s, 0, 59)));
        break;
    case 16: {
        v.push_back(brand(s));
        const auto& types = dist("p_types");
        const std::string_view type = types.values[pick(types, s)];
        v.emplace_back(type.substr(0, type.rfind(' '))); // the first two syllables
        permute(sizes_, s);
        for (std::size_t k = 0; k < 8; ++k) {
            v.push_back(std::to_string(sizes_[k]));
        }
        break;
    }
    case 17: {
        v.push_back(brand(s));
        const auto& cntr = dist("p_cntr");
        v.emplace_back(cntr.values[pick(cntr, s)]);
        break;
    }
    case 18:
        v.push_back(std::to_string(unif_int(s, 312, 315)));
        break;
    case 19:
        for (int k = 0; k < 3; ++k) {
            v.push_back(brand(s));
        }
        v.push_back(std::to_string(unif_int(s, 1, 10)));
        v.push_back(std::to_string(unif_int(s, 10, 20)));
        v.push_back(std::to_string(unif_int(s, 20, 30)));
        break;
    case 20: {
        const auto& colors = dist("colors");
        v.emplace_back(colors.values[pick(colors, s)]);
        v.push_back(year_date(unif_int(s, 93, 97)));
        const auto& n2 = dist("nations2");
        v.emplace_back(n2.values[pick(n2, s)]);
        break;
    }
    case 21: {
        const auto& n2 = dist("nations2");
        v.emplace_back(n2.values[pick(n2, s)]);
        break;
    }
    case 22:
        permute(codes_, s);
        for (std::size_t k = 0; k < 7; ++k) {
            v.push_back(std::to_string(10 + codes_[k]));
        }
        break;
    default:
        return qgen_error::invalid_query;
    }
    out.query = query;
    out.values = v;
    out.logged = std::move(v);
    return {};
}

} // namespace tpch
