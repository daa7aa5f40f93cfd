#pragma once
// Spark SQL text as athena-local handles it (internal to athena_local_calc; see docs/CALCULATIONS.md):
// splitting a cell into statements, recognising the DDL that goes to the Glue catalog instead of DuckDB, and
// the few rewrites that make Spark's spelling DuckDB's. Pure functions.
#include <athena_local/catalog.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athena_local::calc::detail {

/// One lexical token of Spark SQL.
struct sql_token {
    enum kind_t { word, string, quoted_ident, number, punct } kind = punct;
    std::string text;      ///< word / number / punct as written; string and quoted_ident: the value
    std::size_t begin = 0; ///< byte range in the statement
    std::size_t end = 0;
};

/// Tokens of `sql` (comments and blanks dropped). Unterminated quotes or comments run to the end of the text.
std::vector<sql_token> tokenize(std::string_view sql);

/// The statements of `sql`, split at ';' outside quotes and comments; blank or comment-only pieces are dropped.
std::vector<std::string> split_statements(std::string_view sql);

/// Spark SQL → DuckDB SQL, token by token: `ident` → "ident"; "text" (a string in Spark) → 'text'; Spark's
/// backslash escapes in string literals ('it\'s', '\n') → the characters, re-quoted for DuckDB; the bare word
/// default used as a qualifier (default.t) → "default". Everything else is kept byte for byte.
std::string rewrite_for_duckdb(std::string_view sql);

/// A statement that changes the catalog or the current database instead of running on DuckDB.
struct ddl_statement {
    enum kind_t {
        none,
        use_database,
        create_database,
        drop_database,
        create_table,
        drop_table,
        show_databases,
        show_tables,
        set_config,  ///< SET key=value / SET key: Spark configuration, echoed, not applied
        no_op,       ///< ANALYZE TABLE, REFRESH TABLE, CACHE/UNCACHE TABLE, CLEAR CACHE: nothing to do locally
    } kind = none;
    bool if_not_exists = false;
    bool if_exists = false;
    bool cascade = false;
    std::string database;        ///< as written (lower-cased); empty: the current database
    std::string name;            ///< database or table name (lower-cased)
    std::string comment;         ///< also: the LIKE pattern of SHOW, the value of SET
    std::string location;
    table_def table;             ///< create_table: everything but database/name defaults
    std::map<std::string, std::string> properties;
};

/// What parse_ddl() made of a statement.
struct ddl_parse {
    ddl_statement statement;     ///< kind none: not a catalog statement, run it on DuckDB
    std::string error;           ///< a catalog statement athena-local does not run (why), or a syntax error
    bool syntax_error = false;   ///< error is a ParseException rather than an unsupported feature
};

ddl_parse parse_ddl(std::string_view sql);

/// The DuckDB type for a Hive/Glue column type ("bigint" → BIGINT, "decimal(15,2)" → DECIMAL(15,2),
/// "string"/"varchar(n)"/"char(n)" → VARCHAR, ...); VARCHAR for types DuckDB cannot take as they are.
std::string duckdb_type_for(std::string_view hive_type);

/// Lower-cased words of the statement (identifiers and quoted identifiers), to find the tables it names.
std::vector<std::string> referenced_names(std::string_view sql);

} // namespace athena_local::calc::detail
