// Parses the embedded dists.tsv once.
#include <tpch/dists.hpp>

#include <charconv>
#include <stdexcept>
#include <string>

namespace tpch {
namespace {

std::vector<distribution> parse(std::string_view text) {
    std::vector<distribution> out;
    bool header_seen = false;
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.empty() || line.front() == '#') {
            continue;
        }
        if (!header_seen) { // "dist index value weight cumweight"
            header_seen = true;
            continue;
        }
        std::string_view f[5];
        for (int i = 0; i < 4; ++i) {
            auto tab = line.find('\t');
            f[i] = line.substr(0, tab);
            line = tab == std::string_view::npos ? std::string_view{} : line.substr(tab + 1);
        }
        f[4] = line;
        auto num = [](std::string_view s) {
            std::int64_t v = 0;
            std::from_chars(s.data(), s.data() + s.size(), v);
            return v;
        };
        if (out.empty() || out.back().name != f[0]) {
            out.push_back(distribution{f[0], {}, {}, {}});
        }
        out.back().values.push_back(f[2]);
        out.back().weights.push_back(num(f[3]));
        out.back().cumweights.push_back(num(f[4]));
    }
    return out;
}

const std::vector<distribution>& table() {
    static const std::vector<distribution> dists = parse(detail::dists_tsv());
    return dists;
}

} // namespace

std::size_t distribution::index_for(std::int64_t j) const noexcept {
    // Linear like the kit: the cumulative weights of "nations" are not monotonic.
    for (std::size_t i = 0; i < cumweights.size(); ++i) {
        if (cumweights[i] >= j) {
            return i;
        }
    }
    return cumweights.empty() ? 0 : cumweights.size() - 1;
}

const distribution* find_distribution(std::string_view name) noexcept {
    for (const auto& d : table()) {
        if (d.name == name) {
            return &d;
        }
    }
    return nullptr;
}

const distribution& dist(std::string_view name) {
    if (const auto* d = find_distribution(name)) {
        return *d;
    }
    throw std::out_of_range("tpch: no distribution named " + std::string(name));
}

std::span<const distribution> all_distributions() noexcept {
    return table();
}

} // namespace tpch
