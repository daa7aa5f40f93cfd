#pragma once
// TPC-H query parameter generation, identical to the TPC's qgen 2.17.3 (QUERIES.md §1–§4): the
// seeding of qgen's 22 random streams, the substitution parameters of every query for any seed and
// scale factor, the validation (default, `qgen -d`) parameters, the query-stream permutations of the
// specification's Appendix A, qgen's query selection rules and its parameter log (`qgen -l`).
// The SQL text of the queries is in <tpch/queries.hpp>.
//
// TPC-H and TPC Benchmark are trademarks of the Transaction Processing Performance Council.
//
// Thread-safety: free functions are pure. A query_generator holds mutable stream state: use one
// object from one thread at a time (distinct objects are independent).
#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace tpch {

/// Errors of query generation (category "tpch.qgen"). File-system failures while writing the
/// parameter log are reported with std::system_category codes instead.
enum class qgen_error {
    ok = 0,
    invalid_query,      ///< query number outside 1..22
    invalid_seed,       ///< seed not in -2147483646..2147483646, or 0 (degenerate streams, qgen would hang)
    invalid_scale,      ///< scale factor not a number in (0, 100000]
    invalid_stream,     ///< negative stream number
    invalid_position,   ///< position outside 1..22 when selecting from a stream
    invalid_parameters, ///< parameter list that does not fit the query (count or date format)
};

const std::error_category& qgen_category() noexcept;
inline std::error_code make_error_code(qgen_error e) noexcept {
    return {static_cast<int>(e), qgen_category()};
}

/// Number of TPC-H queries.
inline constexpr int query_count = 22;
/// Rows of the stream permutation table (row 0 = power test, rows 1..40 = throughput streams).
inline constexpr int permutation_rows = 41;

/// The query numbers executed at positions 1..22 (index 0..21) by query stream `stream`: row
/// `stream mod 41` of the specification's Appendix A (identical to the kit's permute.h).
std::span<const int, query_count> stream_permutation(std::uint64_t stream) noexcept;

/// qgen's selection of the queries to generate (QUERIES.md §2): with `stream` < 0 (no `-p`), the
/// listed query numbers in the listed order, or 1..22 when `args` is empty; with `stream` >= 0
/// (`-p stream`), the query at each listed *position* of the stream's permutation row, or the whole
/// row when `args` is empty. Errors: invalid_query (a number outside 1..22 without a stream),
/// invalid_position (a position outside 1..22 with a stream).
std::error_code select_queries(std::int64_t stream, std::span<const int> args, std::vector<int>& out);

/// The substitution parameters of one generated query.
struct query_parameters {
    int query = 0;                   ///< 1..22
    std::vector<std::string> values; ///< `:1`, `:2`, ... exactly as qgen substitutes them into the text
    std::vector<std::string> logged; ///< exactly as qgen's `-l` logs them (differs only for `-d` Q11)
};

/// The parameter-log line of one query, exactly as `qgen -l` appends it: the query number, then
/// each logged value preceded by a TAB, then '\n' (QUERIES.md §4.2).
std::string param_log_line(const query_parameters& p);

/// Appends the log lines of `queries` to `file` (created when missing), like `qgen -l file`.
/// Errors: std::system_category codes from opening or writing the file.
std::error_code append_param_log(const std::filesystem::path& file,
                                 std::span<const query_parameters> queries);

/// Adjusts a seed as qgen does (a negative seed gets 2147483647 added) and checks it. Valid seeds
/// are -2147483646..2147483646 except 0 (outside, the kit's arithmetic leaves the Park–Miller range
/// or yields all-zero streams). Errors: invalid_seed.
std::error_code normalize_seed(std::int64_t seed, std::int64_t& seed0) noexcept;

/// Checks a scale factor: a finite number in (0, 100000]. Errors: invalid_scale.
std::error_code check_scale(double scale) noexcept;

/// The value of Q11's FRACTION in the query text: 0.0001 / scale printed with C's "%11.10f".
std::string q11_fraction(double scale);

/// Draws substitution parameters like one qgen process: either random (seeded like `qgen -r seed`)
/// or the validation values (`qgen -d`). Generating a query a second time continues its stream (and
/// for Q16/Q22 the permuted array), exactly as repeated queries in one qgen run do.
class query_generator {
public:
    /// Validation parameters at scale factor 1 (`qgen -d`).
    query_generator() noexcept;

    /// Validation parameters (`qgen -d -s scale`). Errors: invalid_scale.
    static std::error_code make_default(double scale, query_generator& out);
    /// Random parameters seeded like `qgen -r seed -s scale`. Errors: invalid_seed, invalid_scale.
    static std::error_code make_seeded(std::int64_t seed, double scale, query_generator& out);

    /// True for the validation parameters.
    bool uses_defaults() const noexcept { return defaults_; }
    /// The adjusted seed (`seed0`, after adding 2147483647 to a negative one); 0 with defaults.
    std::int64_t seed() const noexcept { return seed0_; }
    double scale() const noexcept { return scale_; }

    /// qgen's first line (without newline): "-- using <seed0> as a seed to the RNG" or
    /// "-- using default substitutions".
    std::string banner() const;

    /// Draws the parameters of query `query` (advancing its stream). Errors: invalid_query.
    std::error_code next(int query, query_parameters& out);

private:
    bool defaults_ = true;
    std::int64_t seed0_ = 0;
    double scale_ = 1.0;
    std::array<std::int64_t, query_count + 1> streams_{}; // index q = stream of query q
    std::array<int, 50> sizes_{};                         // Q16's permuted array
    std::array<int, 25> codes_{};                         // Q22's permuted array
};

/// The validation parameters of query `query` (spec clause 2.4.x.4, qgen -d) at `scale`
/// (Q11's FRACTION depends on it). Errors: invalid_query, invalid_scale.
std::error_code default_parameters(int query, double scale, query_parameters& out);

} // namespace tpch

template <>
struct std::is_error_code_enum<tpch::qgen_error> : std::true_type {};
