#pragma once
// The Glue Data Catalog as athena-local keeps it: databases and tables, shared by the Glue service (which
// answers AWSGlue.* requests and persists the catalog) and the calculation runner (which exposes the tables to
// SQL and applies CREATE DATABASE / CREATE TABLE / DROP TABLE statements). Thread-safe: the runner calls it from
// worker threads while the Glue service calls it on the event loop.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace athena_local {

struct column_def {
    std::string name;
    std::string type;    ///< Hive/Glue type spelling: "bigint", "decimal(15,2)", "string", "date", ...
    std::string comment;
};

/// The storage format of a table's files, derived from its StorageDescriptor (InputFormat, SerdeInfo).
enum class table_format { parquet, delimited_text };

struct table_def {
    std::string database;            ///< lower-case, as Glue stores names
    std::string name;                ///< lower-case
    std::string location;            ///< "s3://bucket/prefix/" (a folder) or an object key
    table_format format = table_format::parquet;
    char delimiter = ',';            ///< delimited_text: field.delim ('|' for TPC-H .tbl files)
    bool header = false;             ///< delimited_text: skip.header.line.count = 1
    std::vector<column_def> columns; ///< may be empty for Parquet (the files carry the schema)
    std::vector<column_def> partition_keys;
    std::string table_type = "EXTERNAL_TABLE";
    std::map<std::string, std::string> parameters;
    std::string description;
    double create_time = 0;          ///< epoch seconds
    double update_time = 0;
    /// The TableInput exactly as Glue received it (JSON), so GetTable returns every field that was stored;
    /// empty for tables made by SQL DDL (the Glue service then describes the table from the fields above).
    std::string glue_json;
};

struct database_def {
    std::string name;
    std::string description;
    std::string location_uri;
    std::map<std::string, std::string> parameters;
    double create_time = 0;
    std::string glue_json;           ///< the DatabaseInput as Glue received it (JSON), empty when made by SQL
};

/// The outcome of a catalog change; the Glue service maps these onto AWS errors.
enum class catalog_status { ok, already_exists, not_found, invalid_input, io_error };

class catalog {
public:
    virtual ~catalog() = default;
    virtual std::vector<database_def> databases() const = 0;
    virtual std::optional<database_def> database(std::string_view name) const = 0;
    virtual catalog_status create_database(database_def db) = 0;
    /// Deletes the database and every table in it.
    virtual catalog_status delete_database(std::string_view name) = 0;

    /// Tables of one database in name order (empty when the database does not exist).
    virtual std::vector<table_def> tables(std::string_view database) const = 0;
    virtual std::optional<table_def> table(std::string_view database, std::string_view name) const = 0;
    /// not_found when the database does not exist, already_exists when the table does.
    virtual catalog_status create_table(table_def table) = 0;
    virtual catalog_status update_table(table_def table) = 0;
    virtual catalog_status delete_table(std::string_view database, std::string_view name) = 0;
};

} // namespace athena_local
