// Answer checking under TPC-H clause 2.1.3.5 (see tpch/answers.hpp).
#include <tpch/answers.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace tpch {
namespace {

using k = value_kind;

struct column_spec {
    std::vector<value_kind> kinds;
    std::vector<std::size_t> order_keys;
};

// Per query: the kind of each output column and the output columns of its ORDER BY.
const std::array<column_spec, 22>& specs() {
    static const std::array<column_spec, 22> s = {{
        {{k::text, k::text, k::sum, k::sum, k::sum, k::sum, k::average, k::average, k::average, k::integer},
         {0, 1}},
        {{k::decimal, k::text, k::text, k::integer, k::text, k::text, k::text, k::text}, {0, 2, 1, 3}},
        {{k::integer, k::sum, k::date, k::integer}, {1, 2}},
        {{k::text, k::integer}, {0}},
        {{k::text, k::sum}, {1}},
        {{k::sum}, {}},
        {{k::text, k::text, k::integer, k::sum}, {0, 1, 2}},
        {{k::integer, k::ratio}, {0}},
        {{k::text, k::integer, k::sum}, {0, 1}},
        {{k::integer, k::text, k::sum, k::decimal, k::text, k::text, k::text, k::text}, {2}},
        {{k::integer, k::sum}, {1}},
        {{k::text, k::integer, k::integer}, {0}},
        {{k::integer, k::integer}, {1, 0}},
        {{k::ratio}, {}},
        {{k::integer, k::text, k::text, k::text, k::sum}, {0}},
        {{k::text, k::text, k::integer, k::integer}, {3, 0, 1, 2}},
        {{k::ratio}, {}},
        {{k::text, k::integer, k::integer, k::date, k::decimal, k::sum}, {4, 3}},
        {{k::sum}, {}},
        {{k::text, k::text}, {0}},
        {{k::text, k::integer}, {1, 0}},
        {{k::text, k::integer, k::sum}, {0}},
    }};
    return s;
}

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

bool parse_number(std::string_view s, double& out) noexcept {
    s = trim(s);
    if (!s.empty() && s.front() == '+') {
        s.remove_prefix(1);
    }
    if (s.empty()) {
        return false;
    }
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(out);
}

// Slack for binary floating point when comparing printed decimals.
double eps(double v) noexcept {
    return 1e-14 * std::max(1.0, std::fabs(v));
}

std::string rule_text(value_kind kind, tolerance t) {
    switch (kind) {
    case k::integer:
        return "integer: exact";
    case k::decimal:
        return "singleton decimal: equal to 2 decimals (|got - expected| < 0.005)";
    case k::text:
        return "text: exact after trimming blanks";
    case k::date:
        return "date: exact";
    case k::sum:
        return t == tolerance::strict ? "sum: |got - expected| <= 0.01" : "sum: |got - expected| <= 100";
    case k::average:
    case k::ratio:
        return std::string(value_kind_name(kind)) + (t == tolerance::strict
                                                         ? ": |got - expected| <= 0.01"
                                                         : ": 0.99 v <= round(got, 2) <= 1.01 v");
    }
    return {};
}

std::string join(const std::vector<std::string>& row) {
    std::string s;
    for (std::size_t i = 0; i < row.size(); ++i) {
        s += i == 0 ? "" : "|";
        s += row[i];
    }
    return s;
}

bool same_keys(const answer_table& t, std::size_t a, std::size_t b) {
    if (t.order_keys.empty()) {
        return false;
    }
    for (const std::size_t c : t.order_keys) {
        if (t.rows[a][c] != t.rows[b][c]) {
            return false;
        }
    }
    return true;
}

// The first column where `got` differs from expected row `e`; npos when it matches entirely.
std::size_t first_difference(const answer_table& t, std::size_t e, const std::vector<std::string>& got,
                             tolerance tol) {
    const auto& row = t.rows[e];
    for (std::size_t c = 0; c < row.size(); ++c) {
        const value_kind kind = c < t.kinds.size() ? t.kinds[c] : k::text;
        if (!value_matches(kind, row[c], got[c], tol)) {
            return c;
        }
    }
    return std::string::npos;
}

answer_check value_mismatch(const answer_table& t, std::size_t row, std::size_t col,
                            const std::string& expected, const std::string& got, tolerance tol) {
    answer_check r;
    r.ok = false;
    r.mismatch.what = answer_mismatch::kind::value;
    r.mismatch.row = row;
    r.mismatch.column = col;
    r.mismatch.column_name = col < t.columns.size() ? t.columns[col] : std::string();
    r.mismatch.expected = expected;
    r.mismatch.got = got;
    r.mismatch.rule = rule_text(col < t.kinds.size() ? t.kinds[col] : k::text, tol);
    return r;
}

} // namespace

std::string_view value_kind_name(value_kind kind) noexcept {
    switch (kind) {
    case k::integer:
        return "integer";
    case k::decimal:
        return "decimal";
    case k::text:
        return "text";
    case k::date:
        return "date";
    case k::sum:
        return "sum";
    case k::average:
        return "average";
    case k::ratio:
        return "ratio";
    }
    return "unknown";
}

bool value_matches(value_kind kind, std::string_view expected, std::string_view got, tolerance t) {
    expected = trim(expected);
    got = trim(got);
    if (kind == k::text || kind == k::date) {
        return expected == got;
    }
    double e = 0;
    double g = 0;
    if (!parse_number(expected, e)) {
        return expected == got;
    }
    if (!parse_number(got, g)) {
        return false;
    }
    switch (kind) {
    case k::integer:
        return g == e;
    case k::decimal:
        return std::fabs(g - e) < 0.005 + eps(e);
    case k::sum:
        return std::fabs(g - e) <= (t == tolerance::strict ? 0.01 : 100.0) + eps(e);
    case k::average:
    case k::ratio: {
        if (t == tolerance::strict) {
            return std::fabs(g - e) <= 0.01 + eps(e);
        }
        const double r = std::round(g * 100.0) / 100.0;
        const double lo = std::min(0.99 * e, 1.01 * e);
        const double hi = std::max(0.99 * e, 1.01 * e);
        return r >= lo - eps(e) && r <= hi + eps(e);
    }
    default:
        return false;
    }
}

std::error_code parse_answer(int query, std::string_view text, answer_table& out) {
    answer_table t;
    bool header = true;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty() && !header) {
            continue;
        }
        std::vector<std::string> fields;
        std::size_t start = 0;
        while (true) {
            const std::size_t bar = line.find('|', start);
            fields.emplace_back(trim(line.substr(start, bar == std::string_view::npos ? bar : bar - start)));
            if (bar == std::string_view::npos) {
                break;
            }
            start = bar + 1;
        }
        if (header) {
            if (line.empty()) {
                return std::make_error_code(std::errc::invalid_argument);
            }
            t.columns = std::move(fields);
            header = false;
        } else {
            if (fields.size() != t.columns.size()) {
                return std::make_error_code(std::errc::invalid_argument);
            }
            t.rows.push_back(std::move(fields));
        }
    }
    if (header) {
        return std::make_error_code(std::errc::invalid_argument);
    }
    if (query >= 1 && query <= 22) {
        const column_spec& s = specs()[static_cast<std::size_t>(query - 1)];
        if (s.kinds.size() != t.columns.size()) {
            return std::make_error_code(std::errc::invalid_argument);
        }
        t.kinds = s.kinds;
        t.order_keys = s.order_keys;
        t.query = query;
    } else {
        t.kinds.assign(t.columns.size(), k::text);
        t.query = 0;
    }
    out = std::move(t);
    return {};
}

const answer_table& expected_answer(int query) {
    static const std::array<answer_table, 23> all = [] {
        std::array<answer_table, 23> a;
        for (int q = 1; q <= 22; ++q) {
            // The embedded text is checked by the unit tests; a parse failure leaves the table empty.
            (void)parse_answer(q, detail::embedded_answer_text(q), a[static_cast<std::size_t>(q)]);
        }
        return a;
    }();
    return query >= 1 && query <= 22 ? all[static_cast<std::size_t>(query)] : all[0];
}

std::string answer_check::message() const {
    if (ok) {
        return {};
    }
    const answer_mismatch& m = mismatch;
    switch (m.what) {
    case answer_mismatch::kind::column_count:
        return "column count: expected " + m.expected + ", got " + m.got;
    case answer_mismatch::kind::row_width:
        return "row " + std::to_string(m.row) + ": expected " + m.expected + " values, got " + m.got;
    case answer_mismatch::kind::missing_row:
        return "row " + std::to_string(m.row) + " missing (result has " + std::to_string(m.row) +
               " rows): expected " + m.expected;
    case answer_mismatch::kind::extra_row:
        return "row " + std::to_string(m.row) + " is extra (answer has " + std::to_string(m.row) +
               " rows): got " + m.got;
    case answer_mismatch::kind::value:
        return "row " + std::to_string(m.row) + ", column " + std::to_string(m.column) + " (" +
               m.column_name + "): expected " + m.expected + ", got " + m.got + " (" + m.rule + ")";
    }
    return "mismatch";
}

answer_check check_answer(const answer_table& expected, const result_set& got, tolerance tol) {
    answer_check r;
    const std::size_t ncol = expected.columns.size();
    if (got.column_count != ncol) {
        r.ok = false;
        r.mismatch.what = answer_mismatch::kind::column_count;
        r.mismatch.expected = std::to_string(ncol);
        r.mismatch.got = std::to_string(got.column_count);
        return r;
    }
    const std::size_t n_exp = expected.rows.size();
    const std::size_t n_got = got.rows.size();
    for (std::size_t i = 0; i < n_got; ++i) {
        if (got.rows[i].size() != ncol) {
            r.ok = false;
            r.mismatch.what = answer_mismatch::kind::row_width;
            r.mismatch.row = i;
            r.mismatch.expected = std::to_string(ncol);
            r.mismatch.got = std::to_string(got.rows[i].size());
            return r;
        }
    }
    const std::size_t n = std::min(n_exp, n_got);
    std::size_t i = 0;
    while (i < n) {
        // Rows i..j-1 of the answer have equal ORDER BY keys: any order among them is right.
        std::size_t j = i + 1;
        while (j < n_exp && same_keys(expected, i, j)) {
            ++j;
        }
        if (j - i == 1) {
            const std::size_t c = first_difference(expected, i, got.rows[i], tol);
            if (c != std::string::npos) {
                return value_mismatch(expected, i, c, expected.rows[i][c], got.rows[i][c], tol);
            }
        } else {
            std::vector<bool> used(j - i, false);
            for (std::size_t g = i; g < std::min(j, n_got); ++g) {
                bool found = false;
                for (std::size_t e = i; e < j && !found; ++e) {
                    if (!used[e - i] &&
                        first_difference(expected, e, got.rows[g], tol) == std::string::npos) {
                        used[e - i] = true;
                        found = true;
                    }
                }
                if (!found) {
                    // Report against the answer's row at this position, or the first one still unmatched.
                    std::size_t e = g;
                    if (used[e - i]) {
                        e = static_cast<std::size_t>(std::find(used.begin(), used.end(), false) -
                                                     used.begin()) +
                            i;
                    }
                    std::size_t c = first_difference(expected, e, got.rows[g], tol);
                    if (c == std::string::npos) {
                        c = 0;
                    }
                    return value_mismatch(expected, g, c, expected.rows[e][c], got.rows[g][c], tol);
                }
            }
        }
        i = j;
    }
    if (n_got < n_exp) {
        r.ok = false;
        r.mismatch.what = answer_mismatch::kind::missing_row;
        r.mismatch.row = n_got;
        r.mismatch.expected = join(expected.rows[n_got]);
        return r;
    }
    if (n_got > n_exp) {
        r.ok = false;
        r.mismatch.what = answer_mismatch::kind::extra_row;
        r.mismatch.row = n_exp;
        r.mismatch.got = join(got.rows[n_exp]);
        return r;
    }
    return r;
}

answer_check check_answer(int query, const result_set& got, tolerance t) {
    return check_answer(expected_answer(query), got, t);
}

} // namespace tpch
