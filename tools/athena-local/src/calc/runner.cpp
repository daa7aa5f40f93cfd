// The calculation runner: recognise the code, run its SQL on DuckDB against the Glue catalog's tables, print
// what PySpark prints. See docs/CALCULATIONS.md.
//
// Each run attaches its own in-memory DuckDB catalog ("bb_run_<n>") to the shared database, makes a schema per
// Glue database there and a view per Glue table the SQL names (over read_parquet / read_csv of the table's
// files in the local S3), and detaches it at the end: concurrent runs never see each other's views, and the
// views always follow the catalog and the objects as they are when the run starts.
#include <athena_local/calc.hpp>

#include <bb/duckdb/database.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "python_code.hpp"
#include "render.hpp"
#include "sql_text.hpp"

namespace athena_local::calc {
namespace {

using namespace detail;
using bb::duckdb::quote_identifier;
using bb::duckdb::quote_literal;

constexpr std::string_view docs_link = "docs/CALCULATIONS.md";

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string first_line(std::string_view s) {
    return std::string(s.substr(0, s.find('\n')));
}

/// A Spark-side failure: the Python exception class and its message.
struct spark_error {
    std::string exception; ///< "pyspark.errors.exceptions.captured.AnalysisException", ...
    std::string message;
    std::string detail;    ///< DuckDB's own message, when the error came from DuckDB
    bool canceled = false;
    bool unsupported = false; ///< athena-local does not run this (not a Spark error)
};

constexpr std::string_view analysis_exception = "pyspark.errors.exceptions.captured.AnalysisException";
constexpr std::string_view parse_exception = "pyspark.errors.exceptions.captured.ParseException";

// Text between `after` and the first of `stops` in msg.
std::string extract(std::string_view msg, std::string_view after, std::string_view stops) {
    const std::size_t b = msg.find(after);
    if (b == std::string_view::npos)
        return {};
    std::string_view rest = msg.substr(b + after.size());
    if (!rest.empty() && rest.front() == '"') {
        rest.remove_prefix(1);
        return std::string(rest.substr(0, rest.find('"')));
    }
    return std::string(rest.substr(0, rest.find_first_of(stops)));
}

// "a.b" → "`a`.`b`"
std::string backticked(std::string_view name) {
    std::string out = "`";
    for (char c : name) {
        if (c == '.')
            out += "`.`";
        else
            out.push_back(c);
    }
    return out + "`";
}

// The name as the statement wrote it: "t" becomes "db.t" when the SQL says db.t (DuckDB names the table only).
std::string qualified_in(std::string_view sql, const std::string& name) {
    const std::vector<sql_token> t = tokenize(sql);
    const std::string wanted = lower(name);
    for (std::size_t i = 2; i < t.size(); ++i) {
        if ((t[i].kind == sql_token::word || t[i].kind == sql_token::quoted_ident) && lower(t[i].text) == wanted &&
            t[i - 1].kind == sql_token::punct && t[i - 1].text == "." &&
            (t[i - 2].kind == sql_token::word || t[i - 2].kind == sql_token::quoted_ident))
            return lower(t[i - 2].text) + "." + wanted;
    }
    return name;
}

spark_error map_duckdb_error(const bb::duckdb::status& st, std::string_view sql = {}) {
    using bb::duckdb::error;
    spark_error e;
    const std::string& msg = st.message();
    e.detail = msg;
    const std::string head = first_line(msg);
    if (st.code() == error::interrupted) {
        e.canceled = true;
        e.exception = "pyspark.errors.exceptions.captured.SparkException"; // not printed: the run is canceled
        e.message = "Job cancelled";
        return e;
    }
    if (st.code() == error::syntax_error) {
        e.exception = parse_exception;
        std::string near = extract(head, "at or near ", "\n");
        e.message = near.empty() ? "\n[PARSE_SYNTAX_ERROR] Syntax error: " + head + "."
                                 : "\n[PARSE_SYNTAX_ERROR] Syntax error at or near '" + near + "'.";
        return e;
    }
    if (st.code() == error::catalog_error) {
        e.exception = analysis_exception;
        if (head.find("Table with name ") != std::string::npos) {
            std::string name = qualified_in(sql, extract(head, "Table with name ", " !\n"));
            e.message = "[TABLE_OR_VIEW_NOT_FOUND] The table or view " + backticked(name) +
                        " cannot be found. Verify the spelling and correctness of the schema and catalog.";
        } else if (head.find("Referenced column ") != std::string::npos) {
            std::string name = extract(head, "Referenced column ", " !\n");
            e.message = "[UNRESOLVED_COLUMN.WITHOUT_SUGGESTION] A column or function parameter with name " +
                        backticked(name) + " cannot be resolved.";
        } else if (head.find("Function with name ") != std::string::npos) {
            std::string name = extract(head, "Function with name ", " !\n");
            e.message = "[UNRESOLVED_ROUTINE] Cannot resolve function " + backticked(name) +
                        " on search path [`system`.`builtin`, `system`.`session`, `spark_catalog`.`default`].";
        } else if (head.find("Schema with name ") != std::string::npos) {
            std::string name = extract(head, "Schema with name ", " !\n");
            e.message = "[SCHEMA_NOT_FOUND] The schema " + backticked(name) + " cannot be found.";
        } else {
            e.message = head;
        }
        return e;
    }
    if (st.code() == error::conversion_error || st.code() == error::io_error || st.code() == error::out_of_memory ||
        st.code() == error::missing_extension || st.code() == error::query_failed) {
        e.exception = "pyspark.errors.exceptions.captured.SparkException";
        e.message = "Job aborted due to stage failure: " + head;
        return e;
    }
    e.exception = analysis_exception;
    e.message = head;
    return e;
}

// ---- files of a table ------------------------------------------------------------------------------------

struct location {
    std::string bucket;
    std::string key; ///< "" for the whole bucket
};

bool parse_location(std::string_view uri, location& out) {
    if (uri.rfind("s3://", 0) != 0)
        return false;
    std::string_view rest = uri.substr(5);
    const std::size_t slash = rest.find('/');
    out.bucket.assign(rest.substr(0, slash));
    out.key = slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash + 1));
    return !out.bucket.empty();
}

// Hadoop's hidden-file rule: a path component under the table's folder starting with '_' or '.' is not data.
bool hidden(std::string_view relative) {
    std::size_t p = 0;
    while (p < relative.size()) {
        const std::size_t slash = relative.find('/', p);
        std::string_view part = relative.substr(p, slash == std::string_view::npos ? std::string_view::npos : slash - p);
        if (!part.empty() && (part.front() == '_' || part.front() == '.'))
            return true;
        if (slash == std::string_view::npos)
            break;
        p = slash + 1;
    }
    return false;
}

std::vector<std::string> table_files(const object_store& store, const table_def& t, std::string& error) {
    location loc;
    if (!parse_location(t.location, loc)) {
        error = "its LOCATION '" + t.location + "' is not an s3:// URI";
        return {};
    }
    if (!store.bucket_exists(loc.bucket)) {
        error = "the bucket of its LOCATION '" + t.location + "' does not exist in the local S3";
        return {};
    }
    std::vector<std::string> files;
    std::string prefix = loc.key;
    if (!prefix.empty() && prefix.back() != '/') {
        if (auto p = store.object_path(loc.bucket, prefix)) {
            files.push_back(p->string());
            return files;
        }
        prefix += '/';
    }
    for (const object_info& o : store.list(loc.bucket, prefix)) {
        std::string_view rel = std::string_view(o.key).substr(prefix.size());
        if (rel.empty() || rel.back() == '/' || hidden(rel))
            continue;
        if (auto p = store.object_path(loc.bucket, o.key))
            files.push_back(p->string());
    }
    return files;
}

std::string file_list(const std::vector<std::string>& files) {
    std::string out = "[";
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (i)
            out += ", ";
        out += quote_literal(files[i]);
    }
    return out + "]";
}

// TPC-H .tbl files (and other dbgen-style text) end every line with one more delimiter: read the first data line
// of the first non-empty file and see whether it holds one field more than the table has columns, the last empty.
bool has_trailing_delimiter(const std::vector<std::string>& files, const table_def& t) {
    for (const std::string& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::string line;
        if (t.header && !std::getline(in, line))
            continue;
        if (!std::getline(in, line))
            continue;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        const auto fields = static_cast<std::size_t>(std::count(line.begin(), line.end(), t.delimiter)) + 1;
        return fields == t.columns.size() + 1 && !line.empty() && line.back() == t.delimiter;
    }
    return false;
}

std::string typed_select_list(const std::vector<column_def>& cols) {
    std::string out;
    for (const auto& c : cols) {
        if (!out.empty())
            out += ", ";
        out += "CAST(" + quote_identifier(c.name) + " AS " + duckdb_type_for(c.type) + ") AS " +
               quote_identifier(c.name);
    }
    return out;
}

/// The SELECT a table's view is made of, or empty with `error` set.
std::string table_select(const object_store& store, const table_def& t, std::string& error) {
    std::vector<column_def> all = t.columns;
    all.insert(all.end(), t.partition_keys.begin(), t.partition_keys.end());
    const std::vector<std::string> files = table_files(store, t, error);
    if (!error.empty())
        return {};
    if (files.empty()) {
        if (all.empty()) {
            error = "it has no files at '" + t.location + "' and no columns";
            return {};
        }
        std::string out;
        for (const auto& c : all) {
            if (!out.empty())
                out += ", ";
            out += "CAST(NULL AS " + duckdb_type_for(c.type) + ") AS " + quote_identifier(c.name);
        }
        return "SELECT " + out + " WHERE false";
    }
    const std::string partitioning = t.partition_keys.empty() ? "" : ", hive_partitioning = true";
    if (t.format == table_format::parquet) {
        const std::string cols = all.empty() ? "*" : typed_select_list(all);
        return "SELECT " + cols + " FROM read_parquet(" + file_list(files) + partitioning + ")";
    }
    if (t.columns.empty()) {
        error = "a delimited text table needs its columns declared";
        return {};
    }
    const bool trailing = has_trailing_delimiter(files, t);
    std::string cols;
    for (const auto& c : t.columns) {
        if (!cols.empty())
            cols += ", ";
        cols += quote_literal(c.name) + ": " + quote_literal(duckdb_type_for(c.type));
    }
    if (trailing)
        cols += ", '__bb_trailing_delimiter': 'VARCHAR'";
    // Quoting follows the reader Spark would use: its CSV data source (USING csv) and OpenCSVSerde honour '"';
    // Hive's LazySimpleSerDe (ROW FORMAT DELIMITED, Glue tables of .tbl files) reads every character literally.
    auto param = [&](const char* k) {
        auto it = t.parameters.find(k);
        return it == t.parameters.end() ? std::string() : lower(it->second);
    };
    const bool lazy_simple = t.glue_json.find("LazySimpleSerDe") != std::string::npos;
    const bool csv = param("spark.sql.sources.provider") == "csv" ||
                     t.glue_json.find("OpenCSVSerde") != std::string::npos ||
                     (!lazy_simple && param("classification") == "csv" && t.glue_json.find("SerDe") == std::string::npos);
    std::string sql = "read_csv(" + file_list(files) + ", delim = " + quote_literal(std::string(1, t.delimiter)) +
                      ", header = " + (t.header ? "true" : "false") + ", columns = {" + cols +
                      "}, auto_detect = false";
    if (csv) {
        sql += ", quote = '\"', escape = '\"'";
    } else {
        // Hive text: no quoting; \N (or an empty field) is NULL
        std::string null_format = "\\N";
        if (auto it = t.parameters.find("serialization.null.format"); it != t.parameters.end())
            null_format = it->second;
        sql += ", quote = '', escape = '', nullstr = [" + quote_literal(null_format) + ", '']";
    }
    sql += partitioning + ")";
    std::string select;
    for (const auto& c : t.columns) {
        if (!select.empty())
            select += ", ";
        select += quote_identifier(c.name);
    }
    for (const auto& c : t.partition_keys)
        select += ", CAST(" + quote_identifier(c.name) + " AS " + duckdb_type_for(c.type) + ") AS " +
                  quote_identifier(c.name);
    return "SELECT " + select + " FROM " + sql;
}

bb::duckdb::column text_column(std::string name) {
    bb::duckdb::column c;
    c.name = std::move(name);
    c.type = DUCKDB_TYPE_VARCHAR;
    c.sql_type = "VARCHAR";
    return c;
}

// Spark's LIKE pattern of SHOW ... LIKE: '*' any text, '|' alternatives.
bool show_like(std::string_view pattern, std::string_view name) {
    std::size_t p = 0;
    while (p <= pattern.size()) {
        const std::size_t bar = pattern.find('|', p);
        std::string_view alt = pattern.substr(p, bar == std::string_view::npos ? std::string_view::npos : bar - p);
        // glob with '*'
        std::size_t a = 0, n = 0, star = std::string_view::npos, mark = 0;
        bool ok = true;
        while (n < name.size()) {
            if (a < alt.size() && alt[a] == '*') {
                star = a++;
                mark = n;
            } else if (a < alt.size() && std::tolower(static_cast<unsigned char>(alt[a])) ==
                                             std::tolower(static_cast<unsigned char>(name[n]))) {
                ++a, ++n;
            } else if (star != std::string_view::npos) {
                a = star + 1;
                n = ++mark;
            } else {
                ok = false;
                break;
            }
        }
        while (ok && a < alt.size() && alt[a] == '*')
            ++a;
        if (ok && a == alt.size())
            return true;
        if (bar == std::string_view::npos)
            break;
        p = bar + 1;
    }
    return false;
}

} // namespace

// ---- runner ------------------------------------------------------------------------------------------------

namespace {

/// What every run shares: the stores, the DuckDB database.
struct shared_state {
    shared_state(object_store& s, catalog& c)
        : store(s)
        , cat(c) {}
    object_store& store;
    catalog& cat;
    std::optional<bb::duckdb::database> db;
    std::string open_error;
    std::atomic<std::uint64_t> next_run{1};
};

/// One run: its connection, its attached catalog, what it printed.
class run_context {
public:
    run_context(shared_state& r, bb::duckdb::connection& con, cancel_token& cancel, std::string current)
        : r_(r)
        , con_(con)
        , cancel_(cancel)
        , current_(std::move(current))
        , run_catalog_("bb_run_" + std::to_string(r.next_run.fetch_add(1))) {}

    ~run_context() {
        // Stop interrupting before the connection goes away (the hook may still be called by a late cancel(): it
        // holds the shared state and sees done), then drop this run's views.
        cancel_.on_cancel({});
        std::jthread repeater;
        {
            std::lock_guard lock(interrupt_->mutex);
            interrupt_->done = true;
            repeater = std::move(interrupt_->repeater);
        }
        if (repeater.joinable()) {
            repeater.request_stop();
            repeater.join();
        }
        if (attached_)
            (void)con_.execute("USE memory; DETACH DATABASE IF EXISTS " + quote_identifier(run_catalog_));
    }

    run_context(const run_context&) = delete;
    run_context& operator=(const run_context&) = delete;

    /// Registers the cancel hook: interrupt now and keep interrupting every 5 ms (an interrupt that lands
    /// between two statements is forgotten by DuckDB) until the run ends.
    void arm_cancel() {
        interrupt_->con = &con_;
        cancel_.on_cancel([state = interrupt_] {
            std::lock_guard lock(state->mutex);
            if (state->done || state->repeater.joinable())
                return;
            state->con->interrupt();
            state->repeater = std::jthread([raw = state.get()](std::stop_token stop) {
                while (!stop.stop_requested()) {
                    {
                        std::lock_guard inner(raw->mutex);
                        if (raw->done)
                            break;
                        raw->con->interrupt();
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
            });
        });
    }

    bool prepare(spark_error& err) {
        auto st = con_.execute("ATTACH ':memory:' AS " + quote_identifier(run_catalog_));
        if (!st) {
            err = map_duckdb_error(st);
            return false;
        }
        attached_ = true;
        std::set<std::string> schemas{"default", current_};
        for (const auto& d : r_.cat.databases())
            schemas.insert(d.name);
        for (const auto& s : schemas)
            if (!ensure_schema(s, err))
                return false;
        return use(current_, err);
    }

    /// Runs one call; false on failure (err set).
    bool run_call(const sql_call& call, spark_error& err) {
        std::vector<std::string> statements = split_statements(call.sql);
        if (statements.empty()) {
            if (call.several_statements)
                return true; // an empty %%sql cell shows nothing
            err = {std::string(parse_exception), "\n[PARSE_EMPTY_STATEMENT] Syntax error, unexpected empty statement.",
                   {}, false, false};
            return false;
        }
        if (!call.several_statements && statements.size() > 1) {
            err = {std::string(parse_exception),
                   "\n[PARSE_SYNTAX_ERROR] Syntax error at or near ';'. (spark.sql runs one statement; athena-local "
                   "found " + std::to_string(statements.size()) + ")",
                   {}, false, false};
            return false;
        }
        bb::duckdb::table last;
        for (const std::string& s : statements) {
            if (cancel_.cancelled()) {
                err.canceled = true;
                return false;
            }
            if (!run_statement(s, last, err))
                return false;
        }
        if (cancel_.cancelled()) {
            err.canceled = true;
            return false;
        }
        switch (call.action.kind) {
        case sql_action::show:
            stdout_ += show_table(last, call.action.rows, call.action.truncate);
            break;
        case sql_action::result_line:
            stdout_ += protocol::spark::format_result_line(to_result_set(last));
            break;
        default:
            break;
        }
        return true;
    }

    std::string& out() { return stdout_; }
    const std::string& current() const { return current_; }
    const std::vector<std::string>& view_errors() const { return view_errors_; }

private:
    bool ensure_schema(const std::string& name, spark_error& err) {
        auto st = con_.execute("CREATE SCHEMA IF NOT EXISTS " + quote_identifier(run_catalog_) + "." +
                               quote_identifier(name));
        if (!st) {
            err = map_duckdb_error(st);
            return false;
        }
        return true;
    }

    bool use(const std::string& name, spark_error& err) {
        auto st = con_.execute("USE " + quote_identifier(run_catalog_) + "." + quote_identifier(name));
        if (!st) {
            err = map_duckdb_error(st);
            return false;
        }
        current_ = name;
        return true;
    }

    std::string view_name(const std::string& db, const std::string& table) const {
        return quote_identifier(run_catalog_) + "." + quote_identifier(db) + "." + quote_identifier(table);
    }

    void forget_view(const std::string& db, const std::string& table) {
        if (views_.erase({db, table}))
            (void)con_.execute("DROP VIEW IF EXISTS " + view_name(db, table));
    }

    // Views for the catalog tables the statement names (any database); a table whose files cannot be read is
    // left out, and why is kept for the error message should the statement then fail.
    void ensure_views(const std::string& sql) {
        const std::vector<std::string> names = referenced_names(sql);
        for (const auto& d : r_.cat.databases()) {
            for (const auto& n : names) {
                if (views_.count({d.name, n}))
                    continue;
                auto t = r_.cat.table(d.name, n);
                if (!t)
                    continue;
                views_.insert({d.name, n});
                std::string why;
                const std::string select = table_select(r_.store, *t, why);
                if (select.empty()) {
                    view_errors_.push_back("table " + d.name + "." + n + " is not readable: " + why);
                    continue;
                }
                auto st = con_.execute("CREATE OR REPLACE VIEW " + view_name(d.name, n) + " AS " + select);
                if (!st)
                    view_errors_.push_back("table " + d.name + "." + n + " is not readable: " + first_line(st.message()));
            }
        }
    }

    bool run_statement(const std::string& s, bb::duckdb::table& result, spark_error& err) {
        ddl_parse ddl = parse_ddl(s);
        if (!ddl.error.empty()) {
            if (ddl.syntax_error) {
                err = {std::string(parse_exception), "\n" + ddl.error, {}, false, false};
            } else {
                err = {{}, ddl.error, {}, false, true};
            }
            return false;
        }
        result = {};
        if (ddl.statement.kind != ddl_statement::none)
            return apply_ddl(ddl.statement, result, err);
        ensure_views(s);
        auto t = con_.query(rewrite_for_duckdb(s));
        if (!t) {
            if (t.code() == bb::duckdb::error::invalid_argument &&
                t.message().find("type") != std::string::npos) {
                err = {{}, "a result column has a type athena-local does not print (" + first_line(t.message()) +
                               "); cast it to string in the SQL",
                       {}, false, true};
                return false;
            }
            err = map_duckdb_error(t.get_status(), s);
            return false;
        }
        result = std::move(*t);
        return true;
    }

    std::string db_or_current(const std::string& db) const { return db.empty() ? current_ : db; }

    bool database_exists(const std::string& name) const {
        return name == "default" || r_.cat.database(name).has_value();
    }

    static spark_error analysis(std::string message) {
        return {std::string(analysis_exception), std::move(message), {}, false, false};
    }

    bool apply_ddl(const ddl_statement& d, bb::duckdb::table& result, spark_error& err) {
        switch (d.kind) {
        case ddl_statement::use_database:
            if (!database_exists(d.name)) {
                err = analysis("[SCHEMA_NOT_FOUND] The schema `" + d.name + "` cannot be found.");
                return false;
            }
            return ensure_schema(d.name, err) && use(d.name, err);
        case ddl_statement::create_database: {
            database_def db;
            db.name = d.name;
            db.description = d.comment;
            db.location_uri = d.location;
            db.parameters = d.properties;
            db.create_time = static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                                     std::chrono::system_clock::now().time_since_epoch())
                                                     .count());
            const catalog_status cs = r_.cat.create_database(std::move(db));
            if (cs == catalog_status::already_exists && !d.if_not_exists) {
                err = analysis("[SCHEMA_ALREADY_EXISTS] Cannot create schema `" + d.name +
                               "` because it already exists.");
                return false;
            }
            if (cs != catalog_status::ok && cs != catalog_status::already_exists) {
                err = analysis("the Glue catalog refused to create database `" + d.name + "`");
                return false;
            }
            return ensure_schema(d.name, err);
        }
        case ddl_statement::drop_database: {
            if (!r_.cat.database(d.name)) {
                if (d.if_exists)
                    return true;
                err = analysis("[SCHEMA_NOT_FOUND] The schema `" + d.name + "` cannot be found.");
                return false;
            }
            if (!d.cascade && !r_.cat.tables(d.name).empty()) {
                err = analysis("[SCHEMA_NOT_EMPTY] Cannot drop a schema `" + d.name +
                               "` because it contains objects. Use DROP SCHEMA ... CASCADE to drop the schema and "
                               "all its objects.");
                return false;
            }
            if (d.name == current_) {
                err = analysis("Can not drop current database `" + d.name + "`");
                return false;
            }
            for (const auto& t : r_.cat.tables(d.name))
                forget_view(d.name, t.name);
            (void)r_.cat.delete_database(d.name);
            return true;
        }
        case ddl_statement::create_table: {
            table_def t = d.table;
            t.database = db_or_current(d.database);
            t.name = d.name;
            t.create_time = t.update_time = static_cast<double>(
                std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
                    .count());
            if (!r_.cat.database(t.database)) {
                if (t.database != "default") {
                    err = analysis("[SCHEMA_NOT_FOUND] The schema `" + t.database + "` cannot be found.");
                    return false;
                }
                database_def def;
                def.name = "default";
                def.description = "Default Hive database";
                (void)r_.cat.create_database(std::move(def));
            }
            const std::string db = t.database;
            const catalog_status cs = r_.cat.create_table(std::move(t));
            if (cs == catalog_status::already_exists) {
                if (d.if_not_exists)
                    return true;
                err = analysis("[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `" + db + "`.`" + d.name +
                               "` because it already exists.");
                return false;
            }
            if (cs == catalog_status::not_found) {
                err = analysis("[SCHEMA_NOT_FOUND] The schema `" + db + "` cannot be found.");
                return false;
            }
            if (cs != catalog_status::ok) {
                err = analysis("the Glue catalog refused to create table `" + db + "`.`" + d.name + "`");
                return false;
            }
            forget_view(db, d.name);
            return true;
        }
        case ddl_statement::drop_table: {
            const std::string db = db_or_current(d.database);
            const catalog_status cs = r_.cat.delete_table(db, d.name);
            if (cs != catalog_status::ok && !d.if_exists) {
                err = analysis("[TABLE_OR_VIEW_NOT_FOUND] The table or view `" + db + "`.`" + d.name +
                               "` cannot be found. Verify the spelling and correctness of the schema and catalog.");
                return false;
            }
            forget_view(db, d.name);
            return true;
        }
        case ddl_statement::show_databases: {
            result.statement = DUCKDB_STATEMENT_TYPE_SELECT;
            result.columns.push_back(text_column("namespace"));
            std::set<std::string> names{"default"};
            for (const auto& db : r_.cat.databases())
                names.insert(db.name);
            for (const auto& n : names)
                if (d.comment.empty() || show_like(d.comment, n))
                    result.rows.push_back({n});
            return true;
        }
        case ddl_statement::show_tables: {
            const std::string db = db_or_current(d.database);
            if (!database_exists(db)) {
                err = analysis("[SCHEMA_NOT_FOUND] The schema `" + db + "` cannot be found.");
                return false;
            }
            result.statement = DUCKDB_STATEMENT_TYPE_SELECT;
            result.columns = {text_column("namespace"), text_column("tableName"), text_column("isTemporary")};
            result.columns[2].type = DUCKDB_TYPE_BOOLEAN;
            result.columns[2].sql_type = "BOOLEAN";
            for (const auto& t : r_.cat.tables(db))
                if (d.comment.empty() || show_like(d.comment, t.name))
                    result.rows.push_back({db, t.name, std::string("false")});
            return true;
        }
        case ddl_statement::set_config:
            if (d.name.empty())
                return true; // SET alone lists Spark's settings: athena-local has none
            result.statement = DUCKDB_STATEMENT_TYPE_SELECT;
            result.columns = {text_column("key"), text_column("value")};
            result.rows.push_back({d.name, d.comment.empty() ? std::string("<undefined>") : d.comment});
            return true;
        case ddl_statement::no_op:
        case ddl_statement::none:
            break;
        }
        return true;
    }

    shared_state& r_;
    bb::duckdb::connection& con_;
    cancel_token& cancel_;
    std::string current_;
    std::string run_catalog_;
    bool attached_ = false;
    std::set<std::pair<std::string, std::string>> views_;
    std::vector<std::string> view_errors_;
    std::string stdout_;
    struct interrupt_state {
        std::mutex mutex;
        bool done = false;
        const bb::duckdb::connection* con = nullptr;
        std::jthread repeater;
    };
    std::shared_ptr<interrupt_state> interrupt_ = std::make_shared<interrupt_state>();
};

std::string unsupported_stderr(std::string_view what) {
    return fmt::format("athena-local: this calculation cannot run locally: {}\n"
                       "athena-local runs the bb-async code-block template, %%sql cells and spark.sql(\"...\") "
                       "statements (optionally followed by .show(...) or .collect()) on DuckDB; see {}.\n",
                       what, docs_link);
}

} // namespace

struct runner::impl : shared_state {
    using shared_state::shared_state;
};

runner::runner(object_store& store, catalog& catalog, options opts)
    : impl_(std::make_unique<impl>(store, catalog)) {
    bb::duckdb::database_options o;
    o.threads = opts.duckdb_threads;
    o.memory_limit = opts.memory_limit;
    o.temp_directory = opts.temp_directory;
    auto db = bb::duckdb::database::open(":memory:", o);
    if (db)
        impl_->db.emplace(std::move(db).value());
    else
        impl_->open_error = db.message();
}

runner::~runner() = default;

run_result runner::run(const run_request& request, cancel_token& cancel) {
    run_result res;
    res.current_database = request.current_database.empty() ? "default" : lower(request.current_database);
    auto fail = [&](std::string reason, std::string err) {
        res.state = run_state::failed;
        res.reason = first_line(reason);
        res.stderr_text += err;
        return res;
    };
    if (cancel.cancelled()) {
        res.state = run_state::canceled;
        res.reason = "Calculation canceled";
        return res;
    }
    parsed_code code = parse_code(request.code);
    if (!code.ok)
        return fail("athena-local cannot run this code: " + code.error, unsupported_stderr(code.error));
    if (!impl_->db)
        return fail("athena-local's DuckDB database did not open: " + impl_->open_error,
                    "athena-local: DuckDB did not open: " + impl_->open_error + "\n");
    auto con = impl_->db->connect();
    if (!con)
        return fail("athena-local could not connect to DuckDB: " + con.message(),
                    "athena-local: DuckDB connection failed: " + con.message() + "\n");

    run_context ctx(*impl_, *con, cancel, res.current_database);
    ctx.arm_cancel();
    spark_error err;
    bool ok = ctx.prepare(err);
    const sql_call* failed_call = nullptr;
    for (const sql_call& call : code.calls) {
        if (!ok)
            break;
        if (!ctx.run_call(call, err)) {
            ok = false;
            failed_call = &call;
        }
    }
    res.stdout_text = std::move(ctx.out());
    res.current_database = ctx.current();
    if (ok)
        return res;
    if (err.canceled || cancel.cancelled()) {
        res.state = run_state::canceled;
        res.reason = "Calculation canceled";
        return res;
    }
    if (err.unsupported)
        return fail("athena-local cannot run this statement: " + err.message, unsupported_stderr(err.message));
    const int line = failed_call ? failed_call->line : 1;
    std::string trace = fmt::format("Traceback (most recent call last):\n  File \"<calculation>\", line {}, in "
                                    "<module>\n{}: {}\n",
                                    line, err.exception, err.message);
    if (!err.detail.empty())
        trace += "\nathena-local: the SQL ran on DuckDB, which reported:\n" + err.detail + "\n";
    for (const auto& v : ctx.view_errors())
        trace += "athena-local: " + v + "\n";
    const std::string short_class = err.exception.substr(err.exception.rfind('.') + 1);
    std::string msg = err.message;
    while (!msg.empty() && msg.front() == '\n')
        msg.erase(0, 1);
    return fail(short_class + ": " + first_line(msg), trace);
}

} // namespace athena_local::calc
