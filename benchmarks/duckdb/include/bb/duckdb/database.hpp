// A small RAII C++ wrapper over DuckDB's C API (libduckdb.so from third_party/duckdb, see
// scripts/fetch-duckdb.sh): a database (in memory or in a file), connections to it, statements that
// return a status, and queries whose result values come back as text, printed the way a SQL
// command-line client prints them.
//
// Every database is opened with extension auto-install and auto-load turned off, so no statement
// ever waits on the network: SQL that needs an extension that is not built into libduckdb.so
// (built in: parquet, json, icu, core_functions) fails at once with error::missing_extension.
//
// Thread-safety: a database may be shared by connections on different threads. A connection runs
// one statement at a time and must not be used from two threads at once, except for interrupt(),
// which any thread may call while another thread runs a statement on it.
#pragma once

#include <bb/duckdb/error.hpp>

#include <duckdb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bb::duckdb {

/// The version libduckdb.so reports (duckdb_library_version(), e.g. "v1.4.4").
std::string library_version();

/// Settings applied when a database is opened.
struct database_options {
    /// Worker threads (DuckDB's `threads`); 0 keeps DuckDB's default (the number of cores).
    unsigned threads = 0;
    /// DuckDB's `memory_limit` ("4GB", "75%"); empty keeps DuckDB's default (80% of RAM).
    std::string memory_limit;
    /// DuckDB's `temp_directory` for spilling; empty keeps DuckDB's default.
    std::string temp_directory;
};

class connection;

/// An open DuckDB database. Move-only; closing happens in the destructor, after every connection to
/// it is gone (connections keep the database alive inside DuckDB, but the caller must destroy
/// connections before the database object to follow DuckDB's C API contract).
class database {
public:
    /// Opens `path`, or an in-memory database when path is empty or ":memory:". Errors:
    /// error::open_failed with DuckDB's message.
    static result<database> open(const std::string& path = {}, const database_options& options = {});

    database(database&& other) noexcept;
    database& operator=(database&& other) noexcept;
    database(const database&) = delete;
    database& operator=(const database&) = delete;
    ~database();

    /// A new connection. Errors: error::connect_failed.
    result<connection> connect();

    duckdb_database native_handle() const noexcept { return db_; }

private:
    explicit database(duckdb_database db) noexcept
        : db_(db) {}
    void close() noexcept;

    duckdb_database db_ = nullptr;
};

/// The coarse kind of a column, for callers that map DuckDB types onto another system's.
struct column {
    std::string name;
    /// DuckDB's type id (DUCKDB_TYPE_INTEGER, DUCKDB_TYPE_DECIMAL, DUCKDB_TYPE_VARCHAR, ...).
    duckdb_type type = DUCKDB_TYPE_INVALID;
    /// The SQL spelling of the type: "INTEGER", "DECIMAL(15,2)", "DATE", "VARCHAR", ... Nested and
    /// rare types give their kind only ("LIST", "STRUCT").
    std::string sql_type;
    /// Precision and scale of a DECIMAL; 0 otherwise.
    std::uint8_t decimal_width = 0;
    std::uint8_t decimal_scale = 0;
};

/// One value as text; std::nullopt is SQL NULL.
using cell = std::optional<std::string>;

/// A fully materialized query result, every value formatted as text:
///   NULL            std::nullopt (display() prints "NULL")
///   BOOLEAN         true / false
///   integers        decimal digits, '-' when negative (HUGEINT included)
///   DECIMAL(p,s)    exact, with exactly s digits after the point ("0.50", "-12.34")
///   DOUBLE, FLOAT   shortest text that reads back to the same value, DuckDB's layout ("0.1", "1.0",
///                   "1e+20", "inf", "nan")
///   DATE            YYYY-MM-DD
///   VARCHAR         as stored
///   anything else   DuckDB's own cast to VARCHAR (TIMESTAMP, INTERVAL, LIST, STRUCT, ...)
struct table {
    /// What kind of statement produced it (DUCKDB_STATEMENT_TYPE_SELECT, _CREATE, _INSERT, ...).
    duckdb_statement_type statement = DUCKDB_STATEMENT_TYPE_INVALID;
    std::vector<column> columns;
    std::vector<std::vector<cell>> rows;

    /// The text a CLI prints for one value: the value, or "NULL".
    static std::string display(const cell& value) { return value ? *value : std::string("NULL"); }
};

/// A connection to a database. Move-only; disconnects in the destructor.
class connection {
public:
    connection(connection&& other) noexcept;
    connection& operator=(connection&& other) noexcept;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    ~connection();

    /// Runs one or more SQL statements and discards any result rows. Errors: see error (the code
    /// follows DuckDB's error type; the message is DuckDB's).
    status execute(const std::string& sql);

    /// Runs the SQL's statements one after the other and returns the last one's result, every value
    /// formatted as text (see table). Stops at the first failing statement (earlier ones stay
    /// done). Errors: as execute(); invalid_argument for SQL without a statement or for a result
    /// column of a type table does not format (cast it to VARCHAR in the SQL).
    result<table> query(const std::string& sql);

    /// Like query(), but returns the result of every statement, in order (TPC-H Q15: CREATE VIEW,
    /// SELECT, DROP VIEW).
    result<std::vector<table>> query_all(const std::string& sql);

    /// Makes the statement running on this connection (on another thread) stop soon with
    /// error::interrupted. Thread-safe; a no-op when nothing runs. An interrupt that arrives before
    /// a statement starts is forgotten, so callers that race with the start should repeat it until
    /// the statement has returned.
    void interrupt() const noexcept;

    /// How far the running statement is, in percent, or -1 when DuckDB cannot tell. Thread-safe.
    double progress() const noexcept;

    duckdb_connection native_handle() const noexcept { return con_; }

private:
    friend class database;
    explicit connection(duckdb_connection con) noexcept
        : con_(con) {}
    void close() noexcept;

    duckdb_connection con_ = nullptr;
};

/// Quotes text as an SQL string literal: it's → 'it''s'.
std::string quote_literal(std::string_view text);

/// Quotes text as an SQL identifier: a"b → "a""b".
std::string quote_identifier(std::string_view text);

/// Formats a double the way DuckDB casts it to VARCHAR: the shortest digits that read back to the
/// same value, in fixed notation with at least one fractional digit when the decimal exponent is in
/// [-5, 15), otherwise as d.ddde±XX; "inf", "-inf", "nan".
std::string format_double(double value);

} // namespace bb::duckdb
