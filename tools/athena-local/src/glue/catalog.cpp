// glue_catalog: the catalog in memory, persisted as one JSON file written atomically.

#include <athena_local/glue.hpp>

#include <boost/json.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "names.hpp"
#include <fcntl.h>
#include <unistd.h>

namespace athena_local {

namespace json = boost::json;
using glue_detail::lower;

struct glue_catalog::state {
    struct db_entry {
        database_def def;
        std::map<std::string, table_def, std::less<>> tables;
    };
    std::map<std::string, db_entry, std::less<>> dbs;
};

namespace {

constexpr int file_version = 1;

double now_seconds() {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    return static_cast<double>(ms) / 1000.0;
}

// ---- writing -----------------------------------------------------------------------------------

json::object to_json(const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m)
        o[k] = v;
    return o;
}

json::value glue_value(const std::string& glue_json) {
    if (glue_json.empty())
        return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(glue_json, ec);
    // Not JSON (only possible through the catalog interface): kept as the string it is.
    return ec ? json::value(glue_json) : v;
}

json::array to_json(const std::vector<column_def>& cols) {
    json::array a;
    for (const auto& c : cols)
        a.push_back(json::object{{"name", c.name}, {"type", c.type}, {"comment", c.comment}});
    return a;
}

json::object to_json(const table_def& t) {
    return json::object{
        {"name", t.name},
        {"location", t.location},
        {"format", t.format == table_format::parquet ? "parquet" : "delimited_text"},
        {"delimiter", std::string(1, t.delimiter)},
        {"header", t.header},
        {"columns", to_json(t.columns)},
        {"partition_keys", to_json(t.partition_keys)},
        {"table_type", t.table_type},
        {"parameters", to_json(t.parameters)},
        {"description", t.description},
        {"create_time", t.create_time},
        {"update_time", t.update_time},
        {"glue", glue_value(t.glue_json)},
    };
}

std::string serialize(const glue_catalog::state& s);

// ---- reading: every accessor names the JSON path of what it found wrong -------------------------

struct reader {
    const json::object& o;
    std::string path;

    [[noreturn]] void fail(std::string_view key, std::string_view what) const {
        throw std::runtime_error(fmt::format("{}{}{}: {}", path, path.empty() ? "" : ".", key, what));
    }
    const json::value* find(std::string_view key) const {
        auto it = o.find(key);
        return it == o.end() ? nullptr : &it->value();
    }
    std::string str(std::string_view key, bool required = false) const {
        const json::value* v = find(key);
        if (!v) {
            if (required)
                fail(key, "missing");
            return {};
        }
        if (!v->is_string())
            fail(key, "expected a string");
        return std::string(v->get_string());
    }
    double number(std::string_view key) const {
        const json::value* v = find(key);
        if (!v)
            return 0;
        if (v->is_double())
            return v->get_double();
        if (v->is_int64())
            return static_cast<double>(v->get_int64());
        if (v->is_uint64())
            return static_cast<double>(v->get_uint64());
        fail(key, "expected a number");
    }
    bool boolean(std::string_view key) const {
        const json::value* v = find(key);
        if (!v)
            return false;
        if (!v->is_bool())
            fail(key, "expected true or false");
        return v->get_bool();
    }
    std::map<std::string, std::string> map(std::string_view key) const {
        std::map<std::string, std::string> out;
        const json::value* v = find(key);
        if (!v)
            return out;
        if (!v->is_object())
            fail(key, "expected an object of strings");
        for (const auto& kv : v->get_object()) {
            if (!kv.value().is_string())
                fail(fmt::format("{}.{}", key, std::string_view(kv.key())), "expected a string");
            out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
        }
        return out;
    }
    const json::array* array(std::string_view key) const {
        const json::value* v = find(key);
        if (!v)
            return nullptr;
        if (!v->is_array())
            fail(key, "expected an array");
        return &v->get_array();
    }
    const json::object& object_at(const json::value& v, std::string_view what) const {
        if (!v.is_object())
            fail(what, "expected an object");
        return v.get_object();
    }
    std::string glue(std::string_view key) const {
        const json::value* v = find(key);
        if (!v || v->is_null())
            return {};
        if (v->is_string())
            return std::string(v->get_string());
        return json::serialize(*v);
    }
};

std::vector<column_def> columns(const reader& r, std::string_view key) {
    std::vector<column_def> out;
    if (const json::array* a = r.array(key)) {
        for (std::size_t i = 0; i < a->size(); ++i) {
            const std::string where = fmt::format("{}[{}]", key, i);
            reader c{r.object_at((*a)[i], where), r.path.empty() ? where : r.path + "." + where};
            out.push_back(column_def{c.str("name", true), c.str("type"), c.str("comment")});
        }
    }
    return out;
}

table_def read_table(const reader& r, const std::string& database) {
    table_def t;
    t.database = database;
    t.name = lower(r.str("name", true));
    if (t.name.empty())
        r.fail("name", "empty");
    t.location = r.str("location");
    const std::string format = r.str("format");
    if (format == "parquet" || format.empty())
        t.format = table_format::parquet;
    else if (format == "delimited_text")
        t.format = table_format::delimited_text;
    else
        r.fail("format", fmt::format("unknown format \"{}\" (parquet or delimited_text)", format));
    const std::string delimiter = r.str("delimiter");
    if (delimiter.size() > 1)
        r.fail("delimiter", "expected one character");
    t.delimiter = delimiter.empty() ? ',' : delimiter[0];
    t.header = r.boolean("header");
    t.columns = columns(r, "columns");
    t.partition_keys = columns(r, "partition_keys");
    if (r.find("table_type"))
        t.table_type = r.str("table_type");
    t.parameters = r.map("parameters");
    t.description = r.str("description");
    t.create_time = r.number("create_time");
    t.update_time = r.number("update_time");
    t.glue_json = r.glue("glue");
    return t;
}

void load(const std::filesystem::path& file, glue_catalog::state& s) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw glue_catalog_error(
            fmt::format("cannot read the Glue catalog {}: {}", file.string(), std::strerror(errno)));
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    try {
        boost::system::error_code ec;
        json::value v = json::parse(text, ec);
        if (ec)
            throw std::runtime_error(fmt::format("not JSON ({})", ec.message()));
        if (!v.is_object())
            throw std::runtime_error("not a JSON object");
        reader top{v.get_object(), ""};
        const double version = top.number("version");
        if (version != file_version)
            top.fail("version", fmt::format("expected {}", file_version));
        const json::array* dbs = top.array("databases");
        if (!dbs)
            top.fail("databases", "missing");
        for (std::size_t i = 0; i < dbs->size(); ++i) {
            const std::string where = fmt::format("databases[{}]", i);
            reader d{top.object_at((*dbs)[i], where), where};
            glue_catalog::state::db_entry e;
            e.def.name = lower(d.str("name", true));
            if (e.def.name.empty())
                d.fail("name", "empty");
            e.def.description = d.str("description");
            e.def.location_uri = d.str("location_uri");
            e.def.parameters = d.map("parameters");
            e.def.create_time = d.number("create_time");
            e.def.glue_json = d.glue("glue");
            if (const json::array* ts = d.array("tables")) {
                for (std::size_t j = 0; j < ts->size(); ++j) {
                    const std::string tw = fmt::format("tables[{}]", j);
                    reader tr{d.object_at((*ts)[j], tw), where + "." + tw};
                    table_def t = read_table(tr, e.def.name);
                    std::string key = t.name;
                    if (!e.tables.emplace(std::move(key), std::move(t)).second)
                        tr.fail("name", "a second table of this name");
                }
            }
            std::string key = e.def.name;
            if (!s.dbs.emplace(std::move(key), std::move(e)).second)
                d.fail("name", "a second database of this name");
        }
    } catch (const std::exception& e) {
        throw glue_catalog_error(fmt::format(
            "the Glue catalog {} is corrupt: {}. Nothing was changed; repair the file, or move it away to "
            "start with an empty catalog",
            file.string(), e.what()));
    }
}

std::string serialize(const glue_catalog::state& s) {
    json::array dbs;
    for (const auto& [name, e] : s.dbs) {
        json::array tables;
        for (const auto& [tn, t] : e.tables)
            tables.push_back(to_json(t));
        dbs.push_back(json::object{
            {"name", e.def.name},
            {"description", e.def.description},
            {"location_uri", e.def.location_uri},
            {"parameters", to_json(e.def.parameters)},
            {"create_time", e.def.create_time},
            {"glue", glue_value(e.def.glue_json)},
            {"tables", std::move(tables)},
        });
    }
    return json::serialize(json::object{{"version", file_version}, {"databases", std::move(dbs)}});
}

// Writes `data` to `file` atomically: temporary file in the same folder, fsync, rename, fsync of the folder.
bool write_atomically(const std::filesystem::path& file, std::string_view data) {
    const std::filesystem::path tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    bool ok = true;
    for (std::size_t done = 0; ok && done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        if (ok)
            done += static_cast<std::size_t>(n);
    }
    ok = ok && ::fsync(fd) == 0;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return false;
    }
    const int dir = ::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return true;
}

} // namespace

glue_catalog::glue_catalog(std::filesystem::path data_dir)
    : state_(std::make_unique<state>()) {
    if (data_dir.empty()) {
        add_default_database();
        return;
    }
    const std::filesystem::path folder = data_dir / "glue";
    file_ = folder / "catalog.json";
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec)
        throw glue_catalog_error(
            fmt::format("cannot create the Glue catalog folder {}: {}", folder.string(), ec.message()));
    if (std::filesystem::exists(file_, ec)) {
        load(file_, *state_);
        return;
    }
    add_default_database();
    if (persist_locked() != catalog_status::ok)
        throw glue_catalog_error(
            fmt::format("cannot write the Glue catalog {}: {}", file_.string(), std::strerror(errno)));
}

glue_catalog::~glue_catalog() = default;

void glue_catalog::add_default_database() {
    database_def d;
    d.name = "default";
    d.description = "Default Hive database";
    d.create_time = now_seconds();
    state_->dbs.emplace("default", state::db_entry{std::move(d), {}});
}

catalog_status glue_catalog::persist_locked() const {
    if (file_.empty())
        return catalog_status::ok;
    return write_atomically(file_, serialize(*state_)) ? catalog_status::ok : catalog_status::io_error;
}

std::vector<database_def> glue_catalog::databases() const {
    std::shared_lock lock(mutex_);
    std::vector<database_def> out;
    out.reserve(state_->dbs.size());
    for (const auto& [name, e] : state_->dbs)
        out.push_back(e.def);
    return out;
}

std::optional<database_def> glue_catalog::database(std::string_view name) const {
    const std::string key = lower(name);
    std::shared_lock lock(mutex_);
    auto it = state_->dbs.find(key);
    if (it == state_->dbs.end())
        return std::nullopt;
    return it->second.def;
}

catalog_status glue_catalog::create_database(database_def db) {
    db.name = lower(db.name);
    if (!glue_detail::valid_name(db.name))
        return catalog_status::invalid_input;
    if (db.create_time == 0)
        db.create_time = now_seconds();
    std::unique_lock lock(mutex_);
    const std::string key = db.name;
    auto [it, inserted] = state_->dbs.emplace(key, state::db_entry{std::move(db), {}});
    if (!inserted)
        return catalog_status::already_exists;
    const catalog_status st = persist_locked();
    if (st != catalog_status::ok)
        state_->dbs.erase(it);
    return st;
}

catalog_status glue_catalog::delete_database(std::string_view name) {
    const std::string key = lower(name);
    std::unique_lock lock(mutex_);
    auto it = state_->dbs.find(key);
    if (it == state_->dbs.end())
        return catalog_status::not_found;
    state::db_entry saved = std::move(it->second);
    state_->dbs.erase(it);
    const catalog_status st = persist_locked();
    if (st != catalog_status::ok)
        state_->dbs.emplace(key, std::move(saved));
    return st;
}

std::vector<table_def> glue_catalog::tables(std::string_view database) const {
    const std::string key = lower(database);
    std::shared_lock lock(mutex_);
    std::vector<table_def> out;
    auto it = state_->dbs.find(key);
    if (it == state_->dbs.end())
        return out;
    out.reserve(it->second.tables.size());
    for (const auto& [name, t] : it->second.tables)
        out.push_back(t);
    return out;
}

std::optional<table_def> glue_catalog::table(std::string_view database, std::string_view name) const {
    const std::string db = lower(database);
    const std::string tn = lower(name);
    std::shared_lock lock(mutex_);
    auto it = state_->dbs.find(db);
    if (it == state_->dbs.end())
        return std::nullopt;
    auto t = it->second.tables.find(tn);
    if (t == it->second.tables.end())
        return std::nullopt;
    return t->second;
}

catalog_status glue_catalog::create_table(table_def table) {
    table.database = lower(table.database);
    table.name = lower(table.name);
    if (!glue_detail::valid_name(table.database) || !glue_detail::valid_name(table.name))
        return catalog_status::invalid_input;
    if (table.create_time == 0)
        table.create_time = now_seconds();
    if (table.update_time == 0)
        table.update_time = table.create_time;
    std::unique_lock lock(mutex_);
    auto db = state_->dbs.find(table.database);
    if (db == state_->dbs.end())
        return catalog_status::not_found;
    const std::string key = table.name;
    auto [it, inserted] = db->second.tables.emplace(key, std::move(table));
    if (!inserted)
        return catalog_status::already_exists;
    const catalog_status st = persist_locked();
    if (st != catalog_status::ok)
        db->second.tables.erase(it);
    return st;
}

catalog_status glue_catalog::update_table(table_def table) {
    table.database = lower(table.database);
    table.name = lower(table.name);
    if (!glue_detail::valid_name(table.database) || !glue_detail::valid_name(table.name))
        return catalog_status::invalid_input;
    std::unique_lock lock(mutex_);
    auto db = state_->dbs.find(table.database);
    if (db == state_->dbs.end())
        return catalog_status::not_found;
    auto it = db->second.tables.find(table.name);
    if (it == db->second.tables.end())
        return catalog_status::not_found;
    if (table.create_time == 0)
        table.create_time = it->second.create_time;
    if (table.update_time == 0)
        table.update_time = now_seconds();
    table_def saved = std::exchange(it->second, std::move(table));
    const catalog_status st = persist_locked();
    if (st != catalog_status::ok)
        it->second = std::move(saved);
    return st;
}

catalog_status glue_catalog::delete_table(std::string_view database, std::string_view name) {
    const std::string db_key = lower(database);
    const std::string key = lower(name);
    std::unique_lock lock(mutex_);
    auto db = state_->dbs.find(db_key);
    if (db == state_->dbs.end())
        return catalog_status::not_found;
    auto it = db->second.tables.find(key);
    if (it == db->second.tables.end())
        return catalog_status::not_found;
    table_def saved = std::move(it->second);
    db->second.tables.erase(it);
    const catalog_status st = persist_locked();
    if (st != catalog_status::ok)
        db->second.tables.emplace(key, std::move(saved));
    return st;
}

} // namespace athena_local
