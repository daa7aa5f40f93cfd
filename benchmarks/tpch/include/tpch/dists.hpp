#pragma once
// The distributions of the TPC-H kit's dists.dss (word lists, weights), compiled into the library
// from data/dists.tsv. Used by data generation (text, types, containers, ...) and by qgen.
//
// Thread-safety: the table is built once on first use (thread-safe static initialisation) and is
// immutable afterwards; every function may be called concurrently.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tpch {

/// One distribution: entries in file order with their raw and cumulative weights.
struct distribution {
    std::string_view name;                ///< as in dists.dss, e.g. "p_types", "nations", "Q13a"
    std::vector<std::string_view> values; ///< entry texts, index order
    std::vector<std::int64_t> weights;    ///< raw weights as written (deltas for "nations")
    std::vector<std::int64_t> cumweights; ///< running sums; what dbgen stores and searches

    std::size_t size() const noexcept { return values.size(); }
    /// The cumulative weight of the last entry: picks draw j uniformly from [1, total()].
    std::int64_t total() const noexcept { return cumweights.empty() ? 0 : cumweights.back(); }
    /// The first (lowest) index whose cumulative weight is >= j (dbgen's pick rule); size()-1 if none.
    std::size_t index_for(std::int64_t j) const noexcept;
};

/// The distribution named `name` (case-sensitive, as in dists.tsv), or nullptr when there is none.
const distribution* find_distribution(std::string_view name) noexcept;

/// The distribution named `name`; throws std::out_of_range when there is none (a programming error:
/// the names are fixed by the kit).
const distribution& dist(std::string_view name);

/// Every distribution, in file order.
std::span<const distribution> all_distributions() noexcept;

namespace detail {
/// The raw bytes of the embedded dists.tsv (generated source).
std::string_view dists_tsv() noexcept;
} // namespace detail

} // namespace tpch
