#pragma once
// Between Glue's JSON (TableInput, Table, DatabaseInput, Database) and the catalog's table_def/database_def
// (private to athena_local_glue).

#include <athena_local/catalog.hpp>

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

namespace athena_local::glue_detail {

/// A validated TableInput onto a table_def (see table_def_from_glue in glue.hpp); nullopt without a Name.
std::optional<table_def> table_from_input(const boost::json::object& input, std::string_view database);

/// The Glue Table for `t` (from its glue_json, or synthesised).
boost::json::object table_object(const table_def& t, std::string_view account_id);

/// The Glue Database for `d` (from its glue_json plus what Glue adds).
boost::json::object database_object(const database_def& d, std::string_view account_id);

} // namespace athena_local::glue_detail
