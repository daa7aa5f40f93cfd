#include <bb/duckdb/database.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "format.hpp"

namespace bb::duckdb {
namespace {

error classify(duckdb_error_type type) {
    switch (type) {
    case DUCKDB_ERROR_PARSER:
    case DUCKDB_ERROR_SYNTAX:
        return error::syntax_error;
    case DUCKDB_ERROR_CATALOG:
    case DUCKDB_ERROR_BINDER:
        return error::catalog_error;
    case DUCKDB_ERROR_CONVERSION:
    case DUCKDB_ERROR_OUT_OF_RANGE:
    case DUCKDB_ERROR_DIVIDE_BY_ZERO:
    case DUCKDB_ERROR_DECIMAL:
    case DUCKDB_ERROR_INVALID_INPUT:
        return error::conversion_error;
    case DUCKDB_ERROR_IO:
    case DUCKDB_ERROR_PERMISSION:
        return error::io_error;
    case DUCKDB_ERROR_INTERRUPT:
        return error::interrupted;
    case DUCKDB_ERROR_OUT_OF_MEMORY:
        return error::out_of_memory;
    case DUCKDB_ERROR_MISSING_EXTENSION:
    case DUCKDB_ERROR_AUTOLOAD:
        return error::missing_extension;
    default:
        return error::query_failed;
    }
}

// Errors that come as text only (prepare, statement extraction): DuckDB starts each message with
// "<Kind> Error: ".
error classify_message(std::string_view msg) {
    const std::pair<std::string_view, error> prefixes[] = {
        {"Parser Error", error::syntax_error},
        {"Syntax Error", error::syntax_error},
        {"Catalog Error", error::catalog_error},
        {"Binder Error", error::catalog_error},
        {"Conversion Error", error::conversion_error},
        {"Invalid Input Error", error::conversion_error},
        {"Out of Range Error", error::conversion_error},
        {"IO Error", error::io_error},
        {"Permission Error", error::io_error},
        {"INTERRUPT Error", error::interrupted},
        {"Out of Memory Error", error::out_of_memory},
        {"Missing Extension Error", error::missing_extension},
        {"Extension Autoloading Error", error::missing_extension},
    };
    for (const auto& [prefix, code] : prefixes) {
        if (msg.substr(0, prefix.size()) == prefix) {
            return code;
        }
    }
    return error::query_failed;
}

struct extracted_guard {
    duckdb_extracted_statements s = nullptr;
    ~extracted_guard() { duckdb_destroy_extracted(&s); }
};

struct prepared_guard {
    duckdb_prepared_statement p = nullptr;
    ~prepared_guard() { duckdb_destroy_prepare(&p); }
};

// Owns a duckdb_result for the span of one call.
class result_guard {
public:
    result_guard() = default;
    result_guard(const result_guard&) = delete;
    result_guard& operator=(const result_guard&) = delete;
    ~result_guard() { duckdb_destroy_result(&r_); }
    duckdb_result* get() noexcept { return &r_; }

private:
    duckdb_result r_{};
};

status run(duckdb_connection con, const std::string& sql, result_guard& res) {
    if (con == nullptr) {
        return {error::invalid_argument, "the connection is closed (moved from)"};
    }
    if (duckdb_query(con, sql.c_str(), res.get()) == DuckDBError) {
        const char* msg = duckdb_result_error(res.get());
        return {classify(duckdb_result_error_type(res.get())), msg != nullptr ? msg : "unknown DuckDB error"};
    }
    return {};
}

// Runs every statement of `sql` in order, handing each result to on_result(result, is_last).
template <class F>
status run_each(duckdb_connection con, const std::string& sql, F&& on_result) {
    if (con == nullptr) {
        return {error::invalid_argument, "the connection is closed (moved from)"};
    }
    extracted_guard stmts;
    const idx_t n = duckdb_extract_statements(con, sql.c_str(), &stmts.s);
    if (n == 0) {
        const char* msg = duckdb_extract_statements_error(stmts.s);
        if (msg == nullptr) {
            return {error::invalid_argument, "the SQL text holds no statement"};
        }
        return {classify_message(msg), msg};
    }
    for (idx_t i = 0; i < n; ++i) {
        prepared_guard prep;
        if (duckdb_prepare_extracted_statement(con, stmts.s, i, &prep.p) == DuckDBError) {
            const char* msg = duckdb_prepare_error(prep.p);
            return {msg != nullptr ? classify_message(msg) : error::query_failed,
                    msg != nullptr ? msg : "unknown DuckDB error"};
        }
        result_guard res;
        if (duckdb_execute_prepared(prep.p, res.get()) == DuckDBError) {
            const char* msg = duckdb_result_error(res.get());
            return {classify(duckdb_result_error_type(res.get())),
                    msg != nullptr ? msg : "unknown DuckDB error"};
        }
        if (status st = on_result(res, i + 1 == n); !st) {
            return st;
        }
    }
    return {};
}

// Formats a whole result as text.
result<table> to_table(result_guard& res) {
    table out;
    out.statement = duckdb_result_statement_type(*res.get());
    const idx_t ncols = duckdb_column_count(res.get());
    out.columns.reserve(ncols);
    for (idx_t c = 0; c < ncols; ++c) {
        duckdb_logical_type lt = duckdb_column_logical_type(res.get(), c);
        out.columns.push_back(detail::describe(duckdb_column_name(res.get(), c), lt));
        duckdb_destroy_logical_type(&lt);
        if (!detail::is_formattable(out.columns.back().type)) {
            return status{error::invalid_argument,
                          "column \"" + out.columns.back().name + "\" has type " +
                              out.columns.back().sql_type +
                              ", which query() does not format; cast it to VARCHAR in the SQL"};
        }
    }
    while (true) {
        duckdb_data_chunk chunk = duckdb_fetch_chunk(*res.get());
        if (chunk == nullptr) {
            break;
        }
        const idx_t n = duckdb_data_chunk_get_size(chunk);
        const std::size_t first = out.rows.size();
        out.rows.resize(first + n, std::vector<cell>(ncols));
        for (idx_t c = 0; c < ncols; ++c) {
            detail::format_vector(duckdb_data_chunk_get_vector(chunk, c), out.columns[c], n, out.rows, first,
                                  c);
        }
        duckdb_destroy_data_chunk(&chunk);
    }
    return out;
}

struct config_guard {
    duckdb_config config = nullptr;
    ~config_guard() {
        if (config != nullptr) {
            duckdb_destroy_config(&config);
        }
    }
};

} // namespace

std::string library_version() {
    const char* v = duckdb_library_version();
    return v != nullptr ? v : "";
}

result<database> database::open(const std::string& path, const database_options& options) {
    config_guard cfg;
    if (duckdb_create_config(&cfg.config) == DuckDBError) {
        return status{error::open_failed, "duckdb_create_config failed"};
    }
    // Never reach for the network: extensions that are not built in fail at once instead of being
    // downloaded from extensions.duckdb.org.
    std::pair<const char*, std::string> settings[] = {
        {"autoinstall_known_extensions", "false"},
        {"autoload_known_extensions", "false"},
        {"threads", options.threads != 0 ? std::to_string(options.threads) : std::string()},
        {"memory_limit", options.memory_limit},
        {"temp_directory", options.temp_directory},
    };
    for (const auto& [name, value] : settings) {
        if (value.empty()) {
            continue;
        }
        if (duckdb_set_config(cfg.config, name, value.c_str()) == DuckDBError) {
            return status{error::invalid_argument,
                          std::string("invalid DuckDB setting ") + name + "='" + value + "'"};
        }
    }
    const char* p = path.empty() || path == ":memory:" ? nullptr : path.c_str();
    duckdb_database db = nullptr;
    char* err = nullptr;
    if (duckdb_open_ext(p, &db, cfg.config, &err) == DuckDBError) {
        std::string msg = err != nullptr ? err : "duckdb_open_ext failed";
        duckdb_free(err);
        return status{error::open_failed, std::move(msg)};
    }
    return database(db);
}

database::database(database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

database& database::operator=(database&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
    }
    return *this;
}

database::~database() {
    close();
}

void database::close() noexcept {
    if (db_ != nullptr) {
        duckdb_close(&db_);
        db_ = nullptr;
    }
}

result<connection> database::connect() {
    if (db_ == nullptr) {
        return status{error::invalid_argument, "the database is closed (moved from)"};
    }
    duckdb_connection con = nullptr;
    if (duckdb_connect(db_, &con) == DuckDBError) {
        return status{error::connect_failed, "duckdb_connect failed"};
    }
    return connection(con);
}

connection::connection(connection&& other) noexcept
    : con_(std::exchange(other.con_, nullptr)) {}

connection& connection::operator=(connection&& other) noexcept {
    if (this != &other) {
        close();
        con_ = std::exchange(other.con_, nullptr);
    }
    return *this;
}

connection::~connection() {
    close();
}

void connection::close() noexcept {
    if (con_ != nullptr) {
        duckdb_disconnect(&con_);
        con_ = nullptr;
    }
}

status connection::execute(const std::string& sql) {
    result_guard res;
    return run(con_, sql, res);
}

result<table> connection::query(const std::string& sql) {
    std::optional<result<table>> last;
    status st = run_each(con_, sql, [&](result_guard& res, bool is_last) {
        if (!is_last) {
            return status{};
        }
        last.emplace(to_table(res));
        return last->has_value() ? status{} : last->get_status();
    });
    if (!st) {
        return st;
    }
    return std::move(*last);
}

result<std::vector<table>> connection::query_all(const std::string& sql) {
    std::vector<table> out;
    status st = run_each(con_, sql, [&](result_guard& res, bool) {
        auto t = to_table(res);
        if (!t) {
            return t.get_status();
        }
        out.push_back(std::move(t).value());
        return status{};
    });
    if (!st) {
        return st;
    }
    return out;
}

void connection::interrupt() const noexcept {
    if (con_ != nullptr) {
        duckdb_interrupt(con_);
    }
}

double connection::progress() const noexcept {
    if (con_ == nullptr) {
        return -1;
    }
    return duckdb_query_progress(con_).percentage;
}

std::string quote_literal(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    for (char ch : text) {
        if (ch == '\'') {
            out += '\'';
        }
        out += ch;
    }
    out += '\'';
    return out;
}

std::string quote_identifier(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char ch : text) {
        if (ch == '"') {
            out += '"';
        }
        out += ch;
    }
    out += '"';
    return out;
}

} // namespace bb::duckdb
