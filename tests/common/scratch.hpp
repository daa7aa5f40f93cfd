#pragma once
// Scratch files for tests: one directory per test process, removed at exit, and files of
// pseudo-random (incompressible, per-seed) bytes written in blocks.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace test {

/// <tmp>/<prefix>-<pid>, created empty on first use and removed when the process exits. One
/// directory per process: the first call's prefix names it (a test executable uses one prefix).
inline std::filesystem::path scratch_dir(const std::string& prefix) {
    namespace fs = std::filesystem;
    struct dir {
        fs::path path;
        explicit dir(fs::path p) : path(std::move(p)) {
            std::error_code ec;
            fs::remove_all(path, ec);
            fs::create_directories(path);
        }
        ~dir() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    };
    static const dir d(fs::temp_directory_path() / (prefix + "-" + std::to_string(::getpid())));
    return d.path;
}

/// Writes `size` pseudo-random bytes (std::mt19937_64 seeded with `seed`) to `path`.
inline std::filesystem::path write_random_file(const std::filesystem::path& path, std::uint64_t size,
                                               std::uint64_t seed) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    std::mt19937_64 rng(seed);
    std::vector<std::uint64_t> block(1 << 14);
    for (std::uint64_t done = 0; done < size;) {
        for (auto& w : block)
            w = rng();
        const auto n = std::min<std::uint64_t>(size - done, block.size() * 8);
        out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
        done += n;
    }
    return path;
}

} // namespace test
