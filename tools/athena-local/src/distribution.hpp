#pragma once
// A duration distribution for simulated latency and calculation times: "fixed:20ms", "uniform:50ms..2s",
// "exp:200ms" (exponential with that mean). Durations take us, ms or s.

#include <random>
#include <string>
#include <string_view>

namespace athena_local {

struct distribution {
    enum kind_t { none, fixed, uniform, exponential } kind = none;
    double a = 0, b = 0; ///< microseconds: fixed value / uniform bounds / exponential mean
    double sample_us(std::mt19937_64& rng) const;
};

/// Parses a spec ("" is none). On error returns false and says why.
bool parse_distribution(std::string_view spec, distribution& out, std::string& why);

} // namespace athena_local
