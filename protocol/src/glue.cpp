#include <protocol/glue.hpp>
#include <protocol/json11.hpp>

#include "json_read.hpp"
#include "json_write.hpp"

namespace protocol::glue {
namespace {

using detail::get;
using detail::jobject;
using detail::json_writer;

std::error_code check_name(std::string_view n) {
    if (n.empty())
        return error::missing_parameter;
    return n.size() > 255 ? std::error_code{error::invalid_parameter} : std::error_code{};
}

void finish(const endpoint& ep, std::string_view op, json_writer& w, http_request& out) {
    make_json11_request(ep, service::glue, op, w.take(), out);
}

void write_columns(json_writer& w, std::string_view key, const std::vector<column>& cols) {
    if (cols.empty())
        return;
    w.key(key).begin_array();
    for (const auto& c : cols) {
        w.begin_object().key("Name").string(c.name);
        w.opt_string("Type", c.type);
        w.opt_string("Comment", c.comment);
        w.opt_map("Parameters", c.parameters);
        w.end_object();
    }
    w.end_array();
}

std::error_code check_columns(const std::vector<column>& cols) {
    for (const auto& c : cols)
        BB_TRY(check_name(c.name));
    return {};
}

void write_table_input(json_writer& w, const table_input& t) {
    w.key("TableInput").begin_object();
    w.key("Name").string(t.name);
    w.opt_string("Description", t.description);
    w.opt_string("Owner", t.owner);
    if (t.storage) {
        const storage_descriptor& sd = *t.storage;
        w.key("StorageDescriptor").begin_object();
        write_columns(w, "Columns", sd.columns);
        w.opt_string("Location", sd.location);
        w.opt_string("InputFormat", sd.input_format);
        w.opt_string("OutputFormat", sd.output_format);
        if (sd.compressed)
            w.key("Compressed").boolean(*sd.compressed);
        if (sd.serde) {
            w.key("SerdeInfo").begin_object();
            w.opt_string("Name", sd.serde->name);
            w.opt_string("SerializationLibrary", sd.serde->serialization_library);
            w.opt_map("Parameters", sd.serde->parameters);
            w.end_object();
        }
        w.opt_map("Parameters", sd.parameters);
        w.end_object();
    }
    write_columns(w, "PartitionKeys", t.partition_keys);
    w.opt_string("TableType", t.table_type);
    w.opt_map("Parameters", t.parameters);
    w.end_object();
}

std::error_code check_table_input(const table_input& t) {
    BB_TRY(check_name(t.name));
    if (t.storage)
        BB_TRY(check_columns(t.storage->columns));
    return check_columns(t.partition_keys);
}

std::error_code read_columns(const jobject& o, std::string_view key, std::vector<column>& out) {
    return detail::for_each_object(o, key, [&](const jobject& c) -> std::error_code {
        column& x = out.emplace_back();
        BB_TRY(get(c, "Name", x.name, true));
        BB_TRY(get(c, "Type", x.type));
        BB_TRY(get(c, "Comment", x.comment));
        return get(c, "Parameters", x.parameters);
    });
}

std::error_code read_table(const jobject& t, table& out) {
    BB_TRY(get(t, "Name", out.name, true));
    BB_TRY(get(t, "DatabaseName", out.database_name));
    BB_TRY(get(t, "Description", out.description));
    BB_TRY(get(t, "Owner", out.owner));
    BB_TRY(get(t, "CreateTime", out.create_time));
    BB_TRY(get(t, "UpdateTime", out.update_time));
    BB_TRY(get(t, "TableType", out.table_type));
    BB_TRY(get(t, "Parameters", out.parameters));
    BB_TRY(get(t, "CreatedBy", out.created_by));
    BB_TRY(get(t, "CatalogId", out.catalog_id));
    BB_TRY(get(t, "VersionId", out.version_id));
    BB_TRY(read_columns(t, "PartitionKeys", out.partition_keys));
    jobject sd;
    bool present;
    BB_TRY(detail::get_object(t, "StorageDescriptor", sd, present));
    if (!present)
        return {};
    storage_descriptor& s = out.storage.emplace();
    BB_TRY(read_columns(sd, "Columns", s.columns));
    BB_TRY(get(sd, "Location", s.location));
    BB_TRY(get(sd, "InputFormat", s.input_format));
    BB_TRY(get(sd, "OutputFormat", s.output_format));
    BB_TRY(get(sd, "Compressed", s.compressed));
    BB_TRY(get(sd, "Parameters", s.parameters));
    jobject serde;
    BB_TRY(detail::get_object(sd, "SerdeInfo", serde, present));
    if (present) {
        serde_info& si = s.serde.emplace();
        BB_TRY(get(serde, "Name", si.name));
        BB_TRY(get(serde, "SerializationLibrary", si.serialization_library));
        BB_TRY(get(serde, "Parameters", si.parameters));
    }
    return {};
}

std::error_code read_database(const jobject& d, database& out) {
    BB_TRY(get(d, "Name", out.name, true));
    BB_TRY(get(d, "Description", out.description));
    BB_TRY(get(d, "LocationUri", out.location_uri));
    BB_TRY(get(d, "Parameters", out.parameters));
    BB_TRY(get(d, "CreateTime", out.create_time));
    return get(d, "CatalogId", out.catalog_id);
}

// {"CatalogId"?, "<k1>": v1, "<k2>": v2}
std::error_code named(const endpoint& ep, std::string_view op, std::string_view catalog_id,
                      std::string_view k1, std::string_view v1, std::string_view k2, std::string_view v2,
                      http_request& out) {
    BB_TRY(check_name(v1));
    if (!k2.empty())
        BB_TRY(check_name(v2));
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", catalog_id);
    w.key(k1).string(v1);
    if (!k2.empty())
        w.key(k2).string(v2);
    w.end_object();
    finish(ep, op, w, out);
    return {};
}

} // namespace

// ---- databases ---------------------------------------------------------------------------------

std::error_code build_create_database(const endpoint& ep, const database_input& in, http_request& out,
                                      std::string_view catalog_id) {
    BB_TRY(check_name(in.name));
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", catalog_id);
    w.key("DatabaseInput").begin_object().key("Name").string(in.name);
    w.opt_string("Description", in.description);
    w.opt_string("LocationUri", in.location_uri);
    w.opt_map("Parameters", in.parameters);
    w.end_object().end_object();
    finish(ep, "CreateDatabase", w, out);
    return {};
}

std::error_code decode_create_database(const http_response_view& r) {
    return decode_json11_empty(r);
}

std::error_code build_get_database(const endpoint& ep, std::string_view name, http_request& out,
                                   std::string_view catalog_id) {
    return named(ep, "GetDatabase", catalog_id, "Name", name, {}, {}, out);
}

std::error_code decode_get_database(const http_response_view& r, database& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    jobject d;
    bool present;
    BB_TRY(detail::get_object(o, "Database", d, present));
    if (!present)
        return error::missing_field;
    return read_database(d, out);
}

std::error_code build_get_databases(const endpoint& ep, const get_databases_input& in, http_request& out) {
    if (in.max_results && (*in.max_results < 1 || *in.max_results > 100))
        return error::invalid_parameter;
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", in.catalog_id);
    w.opt_string("NextToken", in.next_token);
    if (in.max_results)
        w.key("MaxResults").number(*in.max_results);
    w.end_object();
    finish(ep, "GetDatabases", w, out);
    return {};
}

std::error_code decode_get_databases(const http_response_view& r, get_databases_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "NextToken", out.next_token));
    return detail::for_each_object(
        o, "DatabaseList", [&](const jobject& d) { return read_database(d, out.databases.emplace_back()); });
}

std::error_code build_delete_database(const endpoint& ep, std::string_view name, http_request& out,
                                      std::string_view catalog_id) {
    return named(ep, "DeleteDatabase", catalog_id, "Name", name, {}, {}, out);
}

std::error_code decode_delete_database(const http_response_view& r) {
    return decode_json11_empty(r);
}

// ---- tables ------------------------------------------------------------------------------------

std::error_code build_create_table(const endpoint& ep, std::string_view database_name, const table_input& in,
                                   http_request& out, std::string_view catalog_id) {
    BB_TRY(check_name(database_name));
    BB_TRY(check_table_input(in));
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", catalog_id);
    w.key("DatabaseName").string(database_name);
    write_table_input(w, in);
    w.end_object();
    finish(ep, "CreateTable", w, out);
    return {};
}

std::error_code decode_create_table(const http_response_view& r) {
    return decode_json11_empty(r);
}

std::error_code build_get_table(const endpoint& ep, std::string_view database_name, std::string_view name,
                                http_request& out, std::string_view catalog_id) {
    return named(ep, "GetTable", catalog_id, "DatabaseName", database_name, "Name", name, out);
}

std::error_code decode_get_table(const http_response_view& r, table& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    jobject t;
    bool present;
    BB_TRY(detail::get_object(o, "Table", t, present));
    if (!present)
        return error::missing_field;
    return read_table(t, out);
}

std::error_code build_get_tables(const endpoint& ep, const get_tables_input& in, http_request& out) {
    BB_TRY(check_name(in.database_name));
    if (in.max_results && (*in.max_results < 1 || *in.max_results > 1000))
        return error::invalid_parameter;
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", in.catalog_id);
    w.key("DatabaseName").string(in.database_name);
    w.opt_string("Expression", in.expression);
    w.opt_string("NextToken", in.next_token);
    if (in.max_results)
        w.key("MaxResults").number(*in.max_results);
    w.end_object();
    finish(ep, "GetTables", w, out);
    return {};
}

std::error_code decode_get_tables(const http_response_view& r, get_tables_output& out) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    BB_TRY(get(o, "NextToken", out.next_token));
    return detail::for_each_object(
        o, "TableList", [&](const jobject& t) { return read_table(t, out.tables.emplace_back()); });
}

std::error_code build_update_table(const endpoint& ep, std::string_view database_name, const table_input& in,
                                   http_request& out, bool skip_archive, std::string_view catalog_id) {
    BB_TRY(check_name(database_name));
    BB_TRY(check_table_input(in));
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", catalog_id);
    w.key("DatabaseName").string(database_name);
    write_table_input(w, in);
    if (skip_archive)
        w.key("SkipArchive").boolean(true);
    w.end_object();
    finish(ep, "UpdateTable", w, out);
    return {};
}

std::error_code decode_update_table(const http_response_view& r) {
    return decode_json11_empty(r);
}

std::error_code build_delete_table(const endpoint& ep, std::string_view database_name, std::string_view name,
                                   http_request& out, std::string_view catalog_id) {
    return named(ep, "DeleteTable", catalog_id, "DatabaseName", database_name, "Name", name, out);
}

std::error_code decode_delete_table(const http_response_view& r) {
    return decode_json11_empty(r);
}

std::error_code build_batch_delete_table(const endpoint& ep, std::string_view database_name,
                                         const std::vector<std::string>& names, http_request& out,
                                         std::string_view catalog_id) {
    BB_TRY(check_name(database_name));
    if (names.empty())
        return error::missing_parameter;
    if (names.size() > 100)
        return error::invalid_parameter;
    for (const auto& n : names)
        BB_TRY(check_name(n));
    json_writer w;
    w.begin_object();
    w.opt_string("CatalogId", catalog_id);
    w.key("DatabaseName").string(database_name);
    w.key("TablesToDelete").begin_array();
    for (const auto& n : names)
        w.string(n);
    w.end_array().end_object();
    finish(ep, "BatchDeleteTable", w, out);
    return {};
}

std::error_code decode_batch_delete_table(const http_response_view& r, std::vector<table_error>& errors) {
    simdjson::dom::parser p;
    jobject o;
    BB_TRY(detail::parse_json_object(p, r, o));
    return detail::for_each_object(o, "Errors", [&](const jobject& e) -> std::error_code {
        table_error& x = errors.emplace_back();
        BB_TRY(get(e, "TableName", x.table_name));
        jobject d;
        bool present;
        BB_TRY(detail::get_object(e, "ErrorDetail", d, present));
        if (present) {
            BB_TRY(get(d, "ErrorCode", x.error_code));
            BB_TRY(get(d, "ErrorMessage", x.error_message));
        }
        return {};
    });
}

} // namespace protocol::glue
