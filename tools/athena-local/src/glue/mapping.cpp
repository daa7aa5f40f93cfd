// Glue JSON <-> table_def / database_def.

#include "mapping.hpp"

#include <athena_local/glue.hpp>

#include <boost/json.hpp>

#include <charconv>

#include "names.hpp"

namespace athena_local {
namespace glue_detail {
namespace {

namespace json = boost::json;

constexpr std::string_view parquet_input = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat";
constexpr std::string_view parquet_output = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat";
constexpr std::string_view parquet_serde = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe";
constexpr std::string_view text_input = "org.apache.hadoop.mapred.TextInputFormat";
constexpr std::string_view text_output = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
constexpr std::string_view lazy_simple_serde = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe";
constexpr std::string_view open_csv_serde = "org.apache.hadoop.hive.serde2.OpenCSVSerde";

const json::object* object_member(const json::object& o, std::string_view key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_object() ? &it->value().get_object() : nullptr;
}

std::string_view string_member(const json::object* o, std::string_view key) {
    if (!o)
        return {};
    auto it = o->find(key);
    return it != o->end() && it->value().is_string() ? std::string_view(it->value().get_string())
                                                     : std::string_view{};
}

std::map<std::string, std::string> string_map(const json::object* o) {
    std::map<std::string, std::string> out;
    if (o)
        for (const auto& kv : *o)
            if (kv.value().is_string())
                out.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
    return out;
}

std::vector<column_def> columns(const json::object& o, std::string_view key) {
    std::vector<column_def> out;
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_array())
        return out;
    for (const auto& v : it->value().get_array()) {
        if (!v.is_object())
            continue;
        const json::object& c = v.get_object();
        out.push_back(column_def{std::string(string_member(&c, "Name")),
                                 std::string(string_member(&c, "Type")),
                                 std::string(string_member(&c, "Comment"))});
    }
    return out;
}

bool contains_icase(std::string_view haystack, std::string_view needle) {
    return lower(haystack).find(lower(needle)) != std::string::npos;
}

// Hive's LazySerDeParameters.getByte: a number is that byte's value ("1" = \001), else the first character.
std::optional<char> hive_byte(std::string_view s) {
    if (s.empty())
        return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc{} && p == s.data() + s.size() && v >= -128 && v <= 255)
        return static_cast<char>(v);
    return s.front();
}

json::array columns_json(const std::vector<column_def>& cols) {
    json::array a;
    for (const auto& c : cols) {
        json::object o{{"Name", c.name}, {"Type", c.type}};
        if (!c.comment.empty())
            o["Comment"] = c.comment;
        a.push_back(std::move(o));
    }
    return a;
}

json::object map_json(const std::map<std::string, std::string>& m) {
    json::object o;
    for (const auto& [k, v] : m)
        o[k] = v;
    return o;
}

// The members of a TableInput that a Table carries over, in the order Glue prints them.
constexpr std::string_view table_input_members[] = {
    "Description",       "Owner",         "LastAccessTime",   "LastAnalyzedTime", "Retention",
    "StorageDescriptor", "PartitionKeys", "ViewOriginalText", "ViewExpandedText", "TableType",
    "Parameters",        "TargetTable",
};

} // namespace

std::optional<table_def> table_from_input(const json::object& input, std::string_view database) {
    const std::string_view name = string_member(&input, "Name");
    if (name.empty())
        return std::nullopt;
    table_def t;
    t.database = lower(database);
    t.name = lower(name);
    t.description = std::string(string_member(&input, "Description"));
    t.parameters = string_map(object_member(input, "Parameters"));
    if (const std::string_view type = string_member(&input, "TableType"); !type.empty())
        t.table_type = std::string(type);
    t.partition_keys = columns(input, "PartitionKeys");

    const json::object* sd = object_member(input, "StorageDescriptor");
    const json::object* serde = sd ? object_member(*sd, "SerdeInfo") : nullptr;
    const json::object* serde_params = serde ? object_member(*serde, "Parameters") : nullptr;
    const json::object* sd_params = sd ? object_member(*sd, "Parameters") : nullptr;
    if (sd) {
        t.location = std::string(string_member(sd, "Location"));
        t.columns = columns(*sd, "Columns");
    }
    const std::string_view input_format = string_member(sd, "InputFormat");
    const std::string_view serde_lib = string_member(serde, "SerializationLibrary");
    std::string classification = lower(string_member(object_member(input, "Parameters"), "classification"));
    if (classification.empty())
        classification = lower(string_member(sd_params, "classification"));

    const bool open_csv = contains_icase(serde_lib, "OpenCSVSerde");
    const bool lazy_simple = contains_icase(serde_lib, "LazySimpleSerDe");
    if (contains_icase(input_format, "parquet") || contains_icase(serde_lib, "parquet") ||
        classification == "parquet")
        t.format = table_format::parquet;
    else if (contains_icase(input_format, "TextInputFormat") || open_csv || lazy_simple ||
             classification == "csv" || classification == "tsv")
        t.format = table_format::delimited_text;

    if (t.format == table_format::delimited_text) {
        std::optional<char> d = hive_byte(string_member(serde_params, "field.delim"));
        if (!d && !open_csv)
            d = hive_byte(string_member(serde_params, "serialization.format"));
        if (!d)
            d = hive_byte(string_member(serde_params, "separatorChar"));
        if (!d) {
            if (open_csv || classification == "csv")
                d = ',';
            else if (classification == "tsv")
                d = '\t';
            else
                d = '\001'; // Hive's default field delimiter for LazySimpleSerDe
        }
        t.delimiter = *d;
    }
    std::string_view skip = string_member(object_member(input, "Parameters"), "skip.header.line.count");
    if (skip.empty())
        skip = string_member(serde_params, "skip.header.line.count");
    int lines = 0;
    std::from_chars(skip.data(), skip.data() + skip.size(), lines);
    t.header = lines > 0;
    t.glue_json = json::serialize(input);
    return t;
}

json::object table_object(const table_def& t, std::string_view account_id) {
    json::object out;
    out["Name"] = t.name;
    out["DatabaseName"] = t.database;
    boost::system::error_code ec;
    json::value input = t.glue_json.empty() ? json::value() : json::parse(t.glue_json, ec);
    if (!ec && input.is_object()) {
        const json::object& in = input.get_object();
        for (std::string_view key : table_input_members) {
            if (key == "LastAccessTime") {
                out["CreateTime"] = t.create_time;
                out["UpdateTime"] = t.update_time;
            }
            if (auto it = in.find(key); it != in.end())
                out[key] = it->value();
        }
        if (!out.contains("Retention"))
            out["Retention"] = 0;
        if (auto it = out.find("StorageDescriptor"); it != out.end() && it->value().is_object()) {
            // What Glue fills in for a storage descriptor that leaves them out.
            json::object& sd = it->value().get_object();
            if (!sd.contains("Compressed"))
                sd["Compressed"] = false;
            if (!sd.contains("NumberOfBuckets"))
                sd["NumberOfBuckets"] = 0;
            if (!sd.contains("SortColumns"))
                sd["SortColumns"] = json::array();
            if (!sd.contains("StoredAsSubDirectories"))
                sd["StoredAsSubDirectories"] = false;
        }
    } else {
        // Made by SQL DDL: describe it the way Athena's DDL writes a Hive table.
        if (!t.description.empty())
            out["Description"] = t.description;
        out["CreateTime"] = t.create_time;
        out["UpdateTime"] = t.update_time;
        out["Retention"] = 0;
        json::object sd;
        sd["Columns"] = columns_json(t.columns);
        sd["Location"] = t.location;
        json::object serde;
        std::map<std::string, std::string> params = t.parameters;
        if (t.format == table_format::parquet) {
            sd["InputFormat"] = parquet_input;
            sd["OutputFormat"] = parquet_output;
            serde["SerializationLibrary"] = parquet_serde;
            serde["Parameters"] = json::object{{"serialization.format", "1"}};
            params.try_emplace("classification", "parquet");
        } else {
            sd["InputFormat"] = text_input;
            sd["OutputFormat"] = text_output;
            serde["SerializationLibrary"] = lazy_simple_serde;
            const std::string d(1, t.delimiter);
            serde["Parameters"] = json::object{{"field.delim", d}, {"serialization.format", d}};
            params.try_emplace("classification", "csv");
            if (t.header)
                params.try_emplace("skip.header.line.count", "1");
        }
        sd["Compressed"] = false;
        sd["NumberOfBuckets"] = -1;
        sd["SerdeInfo"] = std::move(serde);
        sd["BucketColumns"] = json::array();
        sd["SortColumns"] = json::array();
        sd["Parameters"] = json::object();
        sd["StoredAsSubDirectories"] = false;
        out["StorageDescriptor"] = std::move(sd);
        out["PartitionKeys"] = columns_json(t.partition_keys);
        out["TableType"] = t.table_type.empty() ? "EXTERNAL_TABLE" : t.table_type;
        params.try_emplace("EXTERNAL", "TRUE");
        out["Parameters"] = map_json(params);
    }
    out["IsRegisteredWithLakeFormation"] = false;
    out["CatalogId"] = account_id;
    return out;
}

json::object database_object(const database_def& d, std::string_view account_id) {
    json::object out;
    out["Name"] = d.name;
    boost::system::error_code ec;
    json::value input = d.glue_json.empty() ? json::value() : json::parse(d.glue_json, ec);
    const json::object* in = !ec && input.is_object() ? &input.get_object() : nullptr;
    if (in) {
        for (std::string_view key : {"Description", "LocationUri", "Parameters"})
            if (auto it = in->find(key); it != in->end())
                out[key] = it->value();
    } else {
        if (!d.description.empty())
            out["Description"] = d.description;
        if (!d.location_uri.empty())
            out["LocationUri"] = d.location_uri;
        if (!d.parameters.empty())
            out["Parameters"] = map_json(d.parameters);
    }
    out["CreateTime"] = d.create_time;
    if (auto it = in ? in->find("CreateTableDefaultPermissions") : json::object::const_iterator{};
        in && it != in->end())
        out["CreateTableDefaultPermissions"] = it->value();
    else
        // What Glue grants when Lake Formation is not in charge (every new account's default).
        out["CreateTableDefaultPermissions"] = json::array{json::object{
            {"Principal", json::object{{"DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS"}}},
            {"Permissions", json::array{"ALL"}}}};
    if (in)
        if (auto it = in->find("TargetDatabase"); it != in->end())
            out["TargetDatabase"] = it->value();
    out["CatalogId"] = account_id;
    return out;
}

} // namespace glue_detail

std::optional<table_def> table_def_from_glue(std::string_view database, std::string_view table_input_json) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(table_input_json, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return glue_detail::table_from_input(v.get_object(), database);
}

std::string glue_table_json(const table_def& t, std::string_view account_id) {
    return boost::json::serialize(glue_detail::table_object(t, account_id));
}

} // namespace athena_local
