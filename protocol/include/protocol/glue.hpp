#pragma once
// AWS Glue Data Catalog (AWS JSON 1.1, target prefix AWSGlue): databases and tables.
//
// Builders fill `out` and return error::missing_parameter for an empty required name,
// error::invalid_parameter for values out of range (names > 255 chars, MaxResults outside 1..1000 for
// GetTables / 1..100 for GetDatabases, more than 100 tables in BatchDeleteTable).
// Decoders return error::not_success for non-2xx (then use decode_json_error()), malformed_json,
// wrong_type, bad_value, missing_field (Name of a database or table). Unknown fields are ignored.
// `catalog_id` is optional everywhere (empty: the caller's account).
// All functions are pure and thread-safe.
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace protocol::glue {

using string_map = std::map<std::string, std::string, std::less<>>;

struct column {
    std::string name; ///< required
    std::string type; ///< Hive type: "bigint", "decimal(15,2)", "string", "date"
    std::string comment;
    string_map parameters;
};

struct serde_info {
    std::string name;
    std::string serialization_library; ///< "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    string_map parameters;
};

struct storage_descriptor {
    std::vector<column> columns;
    std::string location; ///< "s3://bucket/prefix/"
    std::string input_format;
    std::string output_format;
    std::optional<bool> compressed;
    std::optional<serde_info> serde;
    string_map parameters;
};

/// TableInput (what CreateTable/UpdateTable send).
struct table_input {
    std::string name; ///< required
    std::string description;
    std::string owner;
    std::optional<storage_descriptor> storage;
    std::vector<column> partition_keys;
    std::string table_type; ///< "EXTERNAL_TABLE", "VIRTUAL_VIEW", ...
    string_map parameters;
};

/// Table (what GetTable/GetTables return).
struct table : table_input {
    std::string database_name;
    std::string catalog_id;
    std::string created_by;
    std::string version_id;
    std::optional<timestamp> create_time;
    std::optional<timestamp> update_time;
};

struct database_input {
    std::string name; ///< required
    std::string description;
    std::string location_uri;
    string_map parameters;
};

struct database : database_input {
    std::string catalog_id;
    std::optional<timestamp> create_time;
};

// ---- databases ---------------------------------------------------------------------------------

std::error_code build_create_database(const endpoint& ep, const database_input& in, http_request& out,
                                      std::string_view catalog_id = {});
std::error_code decode_create_database(const http_response_view& r);

std::error_code build_get_database(const endpoint& ep, std::string_view name, http_request& out,
                                   std::string_view catalog_id = {});
std::error_code decode_get_database(const http_response_view& r, database& out);

struct get_databases_input {
    std::string next_token;
    std::optional<int> max_results; ///< 1..100
    std::string catalog_id;
};
struct get_databases_output {
    std::vector<database> databases;
    std::string next_token; ///< empty on the last page
};
std::error_code build_get_databases(const endpoint& ep, const get_databases_input& in, http_request& out);
std::error_code decode_get_databases(const http_response_view& r, get_databases_output& out);

std::error_code build_delete_database(const endpoint& ep, std::string_view name, http_request& out,
                                      std::string_view catalog_id = {});
std::error_code decode_delete_database(const http_response_view& r);

// ---- tables ------------------------------------------------------------------------------------

std::error_code build_create_table(const endpoint& ep, std::string_view database_name, const table_input& in,
                                   http_request& out, std::string_view catalog_id = {});
std::error_code decode_create_table(const http_response_view& r);

std::error_code build_get_table(const endpoint& ep, std::string_view database_name, std::string_view name,
                                http_request& out, std::string_view catalog_id = {});
/// Errors also: missing_field when Table or Table.Name is absent.
std::error_code decode_get_table(const http_response_view& r, table& out);

struct get_tables_input {
    std::string database_name; ///< required
    std::string expression;    ///< regex filter on names, optional
    std::string next_token;
    std::optional<int> max_results; ///< 1..1000
    std::string catalog_id;
};
struct get_tables_output {
    std::vector<table> tables;
    std::string next_token;
};
std::error_code build_get_tables(const endpoint& ep, const get_tables_input& in, http_request& out);
std::error_code decode_get_tables(const http_response_view& r, get_tables_output& out);

/// UpdateTable (replaces the definition; SkipArchive when skip_archive).
std::error_code build_update_table(const endpoint& ep, std::string_view database_name, const table_input& in,
                                   http_request& out, bool skip_archive = false,
                                   std::string_view catalog_id = {});
std::error_code decode_update_table(const http_response_view& r);

std::error_code build_delete_table(const endpoint& ep, std::string_view database_name, std::string_view name,
                                   http_request& out, std::string_view catalog_id = {});
std::error_code decode_delete_table(const http_response_view& r);

/// BatchDeleteTable of 1..100 tables (error::missing_parameter for none, invalid_parameter above 100).
std::error_code build_batch_delete_table(const endpoint& ep, std::string_view database_name,
                                         const std::vector<std::string>& names, http_request& out,
                                         std::string_view catalog_id = {});
struct table_error {
    std::string table_name;
    std::string error_code; ///< "EntityNotFoundException", ...
    std::string error_message;
};
/// Tables that could not be deleted (empty when all were).
std::error_code decode_batch_delete_table(const http_response_view& r, std::vector<table_error>& errors);

} // namespace protocol::glue
