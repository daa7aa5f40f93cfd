#pragma once
// dbgen's random number machinery (GENERATION.md §1): the Park–Miller generator, UnifInt, the
// 64-bit LCG of scale >= 30000, the NthElement jump, and the 48 streams with their seeds and
// per-row budgets. Header-only and constexpr-friendly; also used by qgen.
//
// Thread-safety: pure functions on caller-owned state.
#include <array>
#include <cstdint>

namespace tpch {

/// Park–Miller modulus M = 2^31 - 1.
inline constexpr std::int64_t rng_modulus = 2147483647;
/// Park–Miller multiplier.
inline constexpr std::int64_t rng_multiplier = 16807;
/// Number of dbgen streams.
inline constexpr int stream_count = 48;

/// Initial seed of each stream (GENERATION.md §1.5).
inline constexpr std::array<std::int64_t, stream_count> stream_seeds{
    1,          46831694,   1841581359, 1193163244, 727633698,  933588178,  804159733,  1671059989,
    1051288424, 1961692154, 1227283347, 1171034773, 276090261,  1066728069, 209208115,  554590007,
    721958466,  1371272478, 675466456,  1808217256, 2095021727, 1769349045, 904914315,  373135028,
    717419739,  1095462486, 881155353,  1489529863, 1521138112, 298370230,  1140279430, 1335826707,
    706178559,  110356601,  884434366,  962338209,  1341315363, 709314158,  591449447,  431918286,
    851767375,  606179079,  1500869201, 1434868289, 263032577,  753643799,  202794285,  715851524};

/// Per-row budget ("boundary") of each stream (GENERATION.md §1.5).
inline constexpr std::array<std::int64_t, stream_count> stream_budgets{
    1, 1,  1, 1, 1, 1, 2, 4, 4, 8, 1, 1, 2, 1,  7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 14, 9, 1, 3, 1, 1, 2, 9, 1, 3, 1, 2, 92, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1};

/// One Park–Miller step for a valid state 0 < x < M: x * 16807 mod M.
constexpr std::int64_t pm_next(std::int64_t x) noexcept {
    const auto p = static_cast<std::uint64_t>(x) * 16807u; // < 2^46
    std::uint64_t r = (p & 0x7fffffffu) + (p >> 31);
    if (r >= 0x7fffffffu) {
        r -= 0x7fffffffu;
    }
    return static_cast<std::int64_t>(r);
}

/// dbgen's UnifInt: advances `state` once and returns an integer in [lo, hi] (§1.2), including the
/// kit's 32-bit wrap of the range for lo == 0, hi == 2^31 - 1 (range -2^31, negative results).
/// The state must be a valid Park–Miller state (0 < state < M).
constexpr std::int64_t unif_int(std::int64_t& state, std::int64_t lo, std::int64_t hi) noexcept {
    const double range = (lo == 0 && hi == 2147483647) ? -2147483648.0 : static_cast<double>(hi - lo + 1);
    state = pm_next(state);
    const double q = static_cast<double>(state) / 2147483647.0;
    const double r = q * range;
    return lo + static_cast<std::int64_t>(r);
}

/// The 64-bit draw of scale >= 30000 (§1.3): LCG step on the full 64-bit state, then lo + |x| mod range.
constexpr std::int64_t unif_int64(std::int64_t& state, std::int64_t lo, std::int64_t hi) noexcept {
    if (lo > hi) {
        const auto t = lo;
        lo = hi;
        hi = t;
    }
    const std::uint64_t u = static_cast<std::uint64_t>(state) * 6364136223846793005ull + 1u;
    state = static_cast<std::int64_t>(u);
    std::int64_t v = state;
    if (v < 0) {
        v = static_cast<std::int64_t>(
            0u - static_cast<std::uint64_t>(v)); // INT64_MIN stays negative, as in the kit
    }
    return lo + (v % (hi - lo + 1));
}

/// dbgen's NthElement (§1.4): advances `x` by n Park–Miller steps by square-and-multiply, reproducing
/// the kit's wrapping 64-bit product and C remainder for states outside 1..M-1 (64-bit streams).
constexpr std::int64_t nth_element(std::int64_t x, std::int64_t n) noexcept {
    std::int64_t z = x;
    std::int64_t m = rng_multiplier;
    while (n > 0) {
        if (n & 1) {
            const auto p =
                static_cast<std::int64_t>(static_cast<std::uint64_t>(m) * static_cast<std::uint64_t>(z));
            z = p % rng_modulus;
        }
        n >>= 1;
        m = (m * m) % rng_modulus;
    }
    return z;
}

} // namespace tpch
