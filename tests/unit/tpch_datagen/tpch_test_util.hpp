#pragma once
// Helpers of the TPC-H data generation tests: MD5, the test vectors of tests/data/tpch, gzip
// reading, a temporary directory.
#include <tpch/dbgen.hpp>

#include <openssl/evp.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(BB_TEST_HAVE_ZLIB)
#include <zlib.h>
#endif

namespace tpch {
/// Boost.Test prints tables by name.
inline std::ostream& boost_test_print_type(std::ostream& os, table t) {
    return os << table_name(t);
}
} // namespace tpch

namespace tpch_test {

inline std::string md5_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), md, &n, EVP_md5(), nullptr);
    std::string out;
    char b[3];
    for (unsigned i = 0; i < n; ++i) {
        std::snprintf(b, sizeof b, "%02x", md[i]);
        out += b;
    }
    return out;
}

/// Streaming MD5.
class md5_stream {
public:
    md5_stream()
        : ctx_(EVP_MD_CTX_new()) {
        EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr);
    }
    ~md5_stream() { EVP_MD_CTX_free(ctx_); }
    md5_stream(const md5_stream&) = delete;
    md5_stream& operator=(const md5_stream&) = delete;
    void update(std::string_view s) { EVP_DigestUpdate(ctx_, s.data(), s.size()); }
    std::string hex() {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx_, md, &n);
        std::string out;
        char b[3];
        for (unsigned i = 0; i < n; ++i) {
            std::snprintf(b, sizeof b, "%02x", md[i]);
            out += b;
        }
        return out;
    }

private:
    EVP_MD_CTX* ctx_;
};

inline std::string data_dir() {
    return std::string(BB_TEST_DATA_DIR) + "/tpch";
}

struct file_vector {
    std::uint64_t bytes = 0;
    std::int64_t lines = 0;
    std::string md5;
};

/// datagen_md5.tsv: key "0.01/lineitem.tbl".
inline std::map<std::string, file_vector> file_vectors() {
    std::ifstream in(data_dir() + "/datagen_md5.tsv");
    if (!in) {
        throw std::runtime_error("cannot read datagen_md5.tsv");
    }
    std::map<std::string, file_vector> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        std::istringstream ls(line);
        std::string sf, file;
        file_vector v;
        ls >> sf >> file >> v.bytes >> v.lines >> v.md5;
        out[sf + "/" + file] = v;
    }
    return out;
}

/// datagen_first_rows.tsv: key "0.01/orders.tbl" -> line (without the newline).
inline std::map<std::string, std::string> first_rows() {
    std::ifstream in(data_dir() + "/datagen_first_rows.tsv");
    if (!in) {
        throw std::runtime_error("cannot read datagen_first_rows.tsv");
    }
    std::map<std::string, std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto t1 = line.find('\t');
        const auto t2 = line.find('\t', t1 + 1);
        out[line.substr(0, t1) + "/" + line.substr(t1 + 1, t2 - t1 - 1)] = line.substr(t2 + 1);
    }
    return out;
}

#if defined(BB_TEST_HAVE_ZLIB)
inline std::string read_gz(const std::string& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) {
        throw std::runtime_error("cannot open " + path);
    }
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) {
        out.append(buf, static_cast<std::size_t>(n));
    }
    gzclose(f);
    return out;
}
#endif

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::int64_t count_lines(std::string_view s) {
    std::int64_t n = 0;
    for (char c : s) {
        n += c == '\n';
    }
    return n;
}

inline std::string first_line(std::string_view s) {
    return std::string(s.substr(0, s.find('\n')));
}

/// A fresh directory under the build tree's temp area, removed on destruction.
class temp_dir {
public:
    explicit temp_dir(const std::string& tag) {
        std::random_device rd;
        path_ = std::filesystem::path(BB_BINARY_DIR) / "tmp" / (tag + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

/// Generates a whole table group at scale `sf` in one sequential pass.
inline std::pair<std::string, std::string> generate_group(tpch::table_group g, double sf,
                                                          tpch::text_format fmt = tpch::text_format::tbl) {
    const auto sc = *tpch::scale_info::from_factor(sf);
    tpch::row_generator gen(g, sc, fmt, tpch::text_pool::instance());
    tpch::out_buffer parent, child;
    gen.generate(tpch::group_rows(g, sc), &parent, &child);
    return {std::string(parent.view()), std::string(child.view())};
}

/// Text of table `t` at scale `sf`, generated sequentially (cached per process).
inline const std::string& table_text(tpch::table t, double sf) {
    static std::map<std::pair<int, double>, std::string> cache;
    auto key = std::pair(static_cast<int>(t), sf);
    auto it = cache.find(key);
    if (it == cache.end()) {
        auto g = tpch::group_of(t);
        auto [p, c] = generate_group(g, sf);
        cache[std::pair(static_cast<int>(tpch::group_parent(g)), sf)] = std::move(p);
        if (auto child = tpch::group_child(g)) {
            cache[std::pair(static_cast<int>(*child), sf)] = std::move(c);
        }
        it = cache.find(key);
    }
    return it->second;
}

} // namespace tpch_test
