// Test doubles for the calculation runner: an in-memory Glue catalog and an object store over a temporary
// directory (objects are plain files under <dir>/<bucket>/<key>).
#pragma once

#include <athena_local/calc.hpp>
#include <athena_local/catalog.hpp>
#include <athena_local/service.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <string>

#include <unistd.h>

namespace calc_test {

namespace fs = std::filesystem;

class memory_catalog final : public athena_local::catalog {
public:
    std::vector<athena_local::database_def> databases() const override {
        std::lock_guard lock(m_);
        std::vector<athena_local::database_def> out;
        for (const auto& [n, d] : dbs_)
            out.push_back(d);
        return out;
    }
    std::optional<athena_local::database_def> database(std::string_view name) const override {
        std::lock_guard lock(m_);
        auto it = dbs_.find(std::string(name));
        if (it == dbs_.end())
            return std::nullopt;
        return it->second;
    }
    athena_local::catalog_status create_database(athena_local::database_def db) override {
        std::lock_guard lock(m_);
        if (dbs_.count(db.name))
            return athena_local::catalog_status::already_exists;
        std::string n = db.name;
        dbs_.emplace(n, std::move(db));
        return athena_local::catalog_status::ok;
    }
    athena_local::catalog_status delete_database(std::string_view name) override {
        std::lock_guard lock(m_);
        if (!dbs_.erase(std::string(name)))
            return athena_local::catalog_status::not_found;
        for (auto it = tables_.begin(); it != tables_.end();)
            it = it->first.first == name ? tables_.erase(it) : std::next(it);
        return athena_local::catalog_status::ok;
    }
    std::vector<athena_local::table_def> tables(std::string_view database) const override {
        std::lock_guard lock(m_);
        std::vector<athena_local::table_def> out;
        for (const auto& [k, t] : tables_)
            if (k.first == database)
                out.push_back(t);
        return out;
    }
    std::optional<athena_local::table_def> table(std::string_view database, std::string_view name) const override {
        std::lock_guard lock(m_);
        auto it = tables_.find({std::string(database), std::string(name)});
        if (it == tables_.end())
            return std::nullopt;
        return it->second;
    }
    athena_local::catalog_status create_table(athena_local::table_def t) override {
        std::lock_guard lock(m_);
        if (!dbs_.count(t.database))
            return athena_local::catalog_status::not_found;
        auto key = std::make_pair(t.database, t.name);
        if (tables_.count(key))
            return athena_local::catalog_status::already_exists;
        tables_.emplace(key, std::move(t));
        return athena_local::catalog_status::ok;
    }
    athena_local::catalog_status update_table(athena_local::table_def t) override {
        std::lock_guard lock(m_);
        auto it = tables_.find({t.database, t.name});
        if (it == tables_.end())
            return athena_local::catalog_status::not_found;
        it->second = std::move(t);
        return athena_local::catalog_status::ok;
    }
    athena_local::catalog_status delete_table(std::string_view database, std::string_view name) override {
        std::lock_guard lock(m_);
        return tables_.erase({std::string(database), std::string(name)}) ? athena_local::catalog_status::ok
                                                                          : athena_local::catalog_status::not_found;
    }

private:
    mutable std::mutex m_;
    std::map<std::string, athena_local::database_def> dbs_;
    std::map<std::pair<std::string, std::string>, athena_local::table_def> tables_;
};

class dir_store final : public athena_local::object_store {
public:
    explicit dir_store(fs::path root)
        : root_(std::move(root)) {
        fs::create_directories(root_);
    }
    bool bucket_exists(std::string_view bucket) const override { return fs::is_directory(root_ / bucket); }
    std::error_code ensure_bucket(std::string_view bucket) override {
        std::error_code ec;
        fs::create_directories(root_ / bucket, ec);
        return ec;
    }
    std::error_code put_object(std::string_view bucket, std::string_view key, std::string_view data,
                               std::string_view = "application/octet-stream") override {
        const fs::path p = root_ / bucket / key;
        std::error_code ec;
        fs::create_directories(p.parent_path(), ec);
        std::ofstream out(p, std::ios::binary);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        return ec;
    }
    std::optional<fs::path> object_path(std::string_view bucket, std::string_view key) const override {
        const fs::path p = root_ / bucket / key;
        if (key.empty() || key.back() == '/' || !fs::is_regular_file(p))
            return std::nullopt;
        return p;
    }
    std::vector<athena_local::object_info> list(std::string_view bucket, std::string_view prefix) const override {
        std::vector<athena_local::object_info> out;
        const fs::path b = root_ / bucket;
        if (!fs::is_directory(b))
            return out;
        for (const auto& e : fs::recursive_directory_iterator(b)) {
            if (!e.is_regular_file())
                continue;
            std::string key = fs::relative(e.path(), b).generic_string();
            if (key.rfind(prefix, 0) == 0)
                out.push_back({key, static_cast<std::uint64_t>(e.file_size()), "\"x\"", 0});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& c) { return a.key < c.key; });
        return out;
    }
    const fs::path& root() const { return root_; }

private:
    fs::path root_;
};

/// A temporary directory removed at the end of the test.
struct temp_dir {
    temp_dir() {
        static std::atomic<int> n{0};
        path = fs::temp_directory_path() /
               ("bb_calc_test_" + std::to_string(::getpid()) + "_" + std::to_string(n.fetch_add(1)));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    fs::path path;
};

/// A runner over a fresh catalog and store.
struct runner_fixture {
    temp_dir dir;
    dir_store store{dir.path / "s3"};
    memory_catalog cat;
    athena_local::calc::runner runner{store, cat, {2, "1GB", (dir.path / "tmp").string()}};

    athena_local::calc::run_result run(const std::string& code, const std::string& db = "default") {
        athena_local::calc::cancel_token token;
        return runner.run({code, db}, token);
    }
};

} // namespace calc_test
