// glue_service: AWSGlue.* requests validated as Glue validates them, answered from the catalog.

#include <athena_local/glue.hpp>

#include <boost/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <regex>

#include "mapping.hpp"
#include "names.hpp"

namespace athena_local {

namespace json = boost::json;
using glue_detail::lower;

namespace {

/// An AWS error answer, thrown by a handler and turned into json_error at the top.
struct glue_error {
    unsigned status;
    std::string type;
    std::string message;
};

[[noreturn]] void invalid(std::string message) {
    throw glue_error{400, "InvalidInputException", std::move(message)};
}

[[noreturn]] void not_found(std::string message) {
    throw glue_error{400, "EntityNotFoundException", std::move(message)};
}

// Coral's constraint messages name members in lowerCamelCase: "tableInput.storageDescriptor.location".
std::string camel(std::string_view path, std::string_view key) {
    std::string k(key);
    if (!k.empty() && k[0] >= 'A' && k[0] <= 'Z')
        k[0] = static_cast<char>(k[0] - 'A' + 'a');
    return path.empty() ? k : fmt::format("{}.{}", path, k);
}

[[noreturn]] void constraint(std::string_view value, std::string_view path, std::string_view what) {
    invalid(fmt::format("1 validation error detected: Value '{}' at '{}' failed to satisfy constraint: {}",
                        value, path, what));
}

constexpr std::string_view single_line_pattern =
    "Member must satisfy regular expression pattern: "
    "[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\t]*";

/// Checked access to one JSON object of a request; `path` is where it sits, for messages.
struct members {
    const json::object& o;
    std::string path;

    const json::value* find(std::string_view key) const {
        auto it = o.find(key);
        return it == o.end() || it->value().is_null() ? nullptr : &it->value();
    }
    [[noreturn]] void missing(std::string_view key) const {
        invalid(fmt::format("1 validation error detected: Value null at '{}' failed to satisfy constraint: "
                            "Member must not be null",
                            camel(path, key)));
    }
    [[noreturn]] void wrong_type(std::string_view key, std::string_view expected) const {
        invalid(fmt::format("Invalid value at '{}': expected {}", camel(path, key), expected));
    }

    /// A string member: nullopt when absent; its length (min..max characters) and characters checked.
    std::optional<std::string> string(std::string_view key, std::size_t min, std::size_t max,
                                      bool multi_line = false, bool required = false) const {
        const json::value* v = find(key);
        if (!v) {
            if (required)
                missing(key);
            return std::nullopt;
        }
        if (!v->is_string())
            wrong_type(key, "a string");
        std::string s(v->get_string());
        const std::size_t n = glue_detail::utf16_length(s);
        if (n < min)
            constraint(s, camel(path, key),
                       fmt::format("Member must have length greater than or equal to {}", min));
        if (n > max)
            constraint(s, camel(path, key),
                       fmt::format("Member must have length less than or equal to {}", max));
        if (!glue_detail::allowed_characters(s, multi_line))
            constraint(s, camel(path, key), single_line_pattern);
        return s;
    }
    /// A NameString (1..255 single-line characters).
    std::optional<std::string> name(std::string_view key, bool required = false) const {
        return string(key, 1, 255, false, required);
    }
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max) const {
        const json::value* v = find(key);
        if (!v)
            return std::nullopt;
        std::int64_t n = 0;
        if (v->is_int64())
            n = v->get_int64();
        else if (v->is_uint64())
            n = v->get_uint64() > static_cast<std::uint64_t>(max)
                    ? max + 1
                    : static_cast<std::int64_t>(v->get_uint64());
        else
            wrong_type(key, "an integer");
        if (n < min)
            constraint(std::to_string(n), camel(path, key),
                       fmt::format("Member must have value greater than or equal to {}", min));
        if (n > max)
            constraint(std::to_string(n), camel(path, key),
                       fmt::format("Member must have value less than or equal to {}", max));
        return n;
    }
    void boolean(std::string_view key) const {
        if (const json::value* v = find(key); v && !v->is_bool())
            wrong_type(key, "true or false");
    }
    void timestamp(std::string_view key) const {
        if (const json::value* v = find(key); v && !v->is_number())
            wrong_type(key, "a timestamp (epoch seconds)");
    }
    const json::object* object(std::string_view key, bool required = false) const {
        const json::value* v = find(key);
        if (!v) {
            if (required)
                missing(key);
            return nullptr;
        }
        if (!v->is_object())
            wrong_type(key, "an object");
        return &v->get_object();
    }
    const json::array* array(std::string_view key, bool required = false) const {
        const json::value* v = find(key);
        if (!v) {
            if (required)
                missing(key);
            return nullptr;
        }
        if (!v->is_array())
            wrong_type(key, "a list");
        return &v->get_array();
    }
    /// Each element of a list member as an object.
    template <class F>
    void each_object(std::string_view key, F&& f) const {
        if (const json::array* a = array(key))
            for (std::size_t i = 0; i < a->size(); ++i) {
                const std::string where = fmt::format("{}.{}.member", camel(path, key), i + 1);
                if (!(*a)[i].is_object())
                    invalid(fmt::format("Invalid value at '{}': expected an object", where));
                f(members{(*a)[i].get_object(), where});
            }
    }
    /// A ParametersMap: keys 1..255 single-line characters, values strings of at most 512000.
    void parameters(std::string_view key) const {
        const json::object* m = object(key);
        if (!m)
            return;
        for (const auto& kv : *m) {
            const std::string where = camel(path, key);
            const std::string_view k = kv.key();
            if (k.empty() || glue_detail::utf16_length(k) > 255 || !glue_detail::allowed_characters(k))
                constraint(k, where,
                           "Map keys must satisfy constraint: [Member must have length less than or "
                           "equal to 255, Member must have length greater than or equal to 1]");
            if (!kv.value().is_string())
                invalid(fmt::format("Invalid value at '{}.{}': expected a string", where, k));
            if (glue_detail::utf16_length(kv.value().get_string()) > 512000)
                constraint("...", where,
                           "Map value must satisfy constraint: [Member must have length less than "
                           "or equal to 512000]");
        }
    }
    void string_list(std::string_view key) const {
        if (const json::array* a = array(key))
            for (const auto& v : *a)
                if (!v.is_string())
                    invalid(
                        fmt::format("Invalid value at '{}': expected a list of strings", camel(path, key)));
    }
};

void check_columns(const members& m, std::string_view key) {
    m.each_object(key, [](const members& c) {
        c.name("Name", true);
        c.string("Type", 0, 131072);
        c.string("Comment", 0, 255);
        c.parameters("Parameters");
    });
}

void check_table_input(const members& in) {
    in.name("Name", true);
    in.string("Description", 0, 2048, true);
    in.name("Owner");
    in.timestamp("LastAccessTime");
    in.timestamp("LastAnalyzedTime");
    in.integer("Retention", 0, INT32_MAX);
    if (const json::object* sd = in.object("StorageDescriptor")) {
        const members s{*sd, camel(in.path, "StorageDescriptor")};
        check_columns(s, "Columns");
        s.string("Location", 0, 2056, true);
        s.string_list("AdditionalLocations");
        s.string("InputFormat", 0, 128);
        s.string("OutputFormat", 0, 128);
        s.boolean("Compressed");
        s.integer("NumberOfBuckets", INT32_MIN, INT32_MAX);
        if (const json::object* serde = s.object("SerdeInfo")) {
            const members si{*serde, camel(s.path, "SerdeInfo")};
            si.name("Name");
            si.name("SerializationLibrary");
            si.parameters("Parameters");
        }
        s.string_list("BucketColumns");
        s.each_object("SortColumns", [](const members& o) {
            o.name("Column", true);
            if (!o.integer("SortOrder", 0, 1))
                o.missing("SortOrder");
        });
        s.parameters("Parameters");
        s.object("SkewedInfo");
        s.boolean("StoredAsSubDirectories");
        s.object("SchemaReference");
    }
    check_columns(in, "PartitionKeys");
    in.string("ViewOriginalText", 0, 409600, true);
    in.string("ViewExpandedText", 0, 409600, true);
    in.string("TableType", 0, 255);
    in.parameters("Parameters");
    in.object("TargetTable");
}

// ---- paging: NextToken = base64("<scope>\n<last name returned>") ------------------------------

constexpr char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view in) {
    std::string out;
    std::uint32_t buf = 0;
    int bits = 0;
    for (unsigned char c : in) {
        buf = (buf << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += b64[(buf >> bits) & 0x3F];
        }
    }
    if (bits > 0)
        out += b64[(buf << (6 - bits)) & 0x3F];
    while (out.size() % 4)
        out += '=';
    return out;
}

std::optional<std::string> unbase64(std::string_view in) {
    std::string out;
    std::uint32_t buf = 0;
    int bits = 0;
    std::size_t i = 0;
    for (; i < in.size() && in[i] != '='; ++i) {
        const char* p = std::find(b64, b64 + 64, in[i]);
        if (p == b64 + 64)
            return std::nullopt;
        buf = (buf << 6) | static_cast<std::uint32_t>(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xFF);
        }
    }
    for (; i < in.size(); ++i)
        if (in[i] != '=')
            return std::nullopt;
    return out;
}

std::string make_token(std::string_view scope, std::string_view last) {
    return base64(fmt::format("glue1\n{}\n{}", scope, last));
}

/// The name after which a page starts ("" for the first page).
std::string token_start(const members& req, std::string_view scope) {
    const auto token = req.string("NextToken", 0, SIZE_MAX);
    if (!token || token->empty())
        return {};
    const auto raw = unbase64(*token);
    const std::string prefix = fmt::format("glue1\n{}\n", scope);
    if (!raw || raw->compare(0, prefix.size(), prefix) != 0 || raw->size() == prefix.size())
        invalid("Invalid NextToken: it was not returned by this operation for these parameters.");
    return raw->substr(prefix.size());
}

/// Glue's Expression: `*` is any characters (kept as is after a '.'), `|` separates alternatives, the rest
/// is a regular expression; matched case-insensitively against whole names.
std::optional<std::regex> expression(const members& req) {
    const auto e = req.string("Expression", 0, 2048);
    if (!e || e->empty())
        return std::nullopt;
    std::string re;
    for (std::size_t i = 0; i < e->size(); ++i) {
        const char c = (*e)[i];
        if (c == '*' && (i == 0 || (*e)[i - 1] != '.'))
            re += ".*";
        else
            re += c;
    }
    try {
        return std::regex(re, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& err) {
        invalid(fmt::format("Invalid Expression '{}': {}", *e, err.what()));
    }
}

// ---- the operations ----------------------------------------------------------------------------

class operations {
public:
    operations(catalog& c, const glue_options& o, std::string_view region)
        : catalog_(c)
        , opts_(o)
        , region_(region.empty() ? "us-east-1" : region) {}

    std::string run(std::string_view op, const members& req) {
        check_catalog_id(op, req);
        if (op == "CreateDatabase")
            return create_database(req);
        if (op == "GetDatabase")
            return get_database(req);
        if (op == "GetDatabases")
            return get_databases(req);
        if (op == "DeleteDatabase")
            return delete_database(req);
        if (op == "CreateTable")
            return create_table(req);
        if (op == "GetTable")
            return get_table(req);
        if (op == "GetTables")
            return get_tables(req);
        if (op == "UpdateTable")
            return update_table(req);
        if (op == "DeleteTable")
            return delete_table(req);
        if (op == "BatchDeleteTable")
            return batch_delete_table(req);
        throw glue_error{400, "UnknownOperationException", {}};
    }

    static bool known(std::string_view op) {
        for (std::string_view k :
             {"CreateDatabase", "GetDatabase", "GetDatabases", "DeleteDatabase", "CreateTable", "GetTable",
              "GetTables", "UpdateTable", "DeleteTable", "BatchDeleteTable"})
            if (op == k)
                return true;
        return false;
    }

private:
    double now() const {
        if (opts_.now)
            return opts_.now();
        using namespace std::chrono;
        return static_cast<double>(
                   duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()) /
               1000.0;
    }

    void check_catalog_id(std::string_view op, const members& req) const {
        const auto id = req.string("CatalogId", 1, 255);
        if (id && *id != opts_.account_id)
            throw glue_error{
                400, "AccessDeniedException",
                fmt::format("User: arn:aws:iam::{}:root is not authorized to perform: glue:{} on "
                            "resource: arn:aws:glue:{}:{}:catalog",
                            opts_.account_id, op, region_, *id)};
    }

    void check(catalog_status st, std::string_view not_found_message, std::string_view exists_message) const {
        switch (st) {
        case catalog_status::ok:
            return;
        case catalog_status::already_exists:
            throw glue_error{400, "AlreadyExistsException", std::string(exists_message)};
        case catalog_status::not_found:
            not_found(std::string(not_found_message));
        case catalog_status::invalid_input:
            invalid("The catalog refused the input.");
        case catalog_status::io_error:
            break;
        }
        throw glue_error{500, "InternalServiceException",
                         "athena-local could not write its Glue catalog file; see the server's log."};
    }

    void require_database(std::string_view name) const {
        if (!catalog_.database(name))
            not_found(fmt::format("Database {} not found.", lower(name)));
    }

    std::string create_database(const members& req) {
        const json::object* in = req.object("DatabaseInput", true);
        const members d{*in, "databaseInput"};
        database_def def;
        def.name = lower(*d.name("Name", true));
        def.description = d.string("Description", 0, 2048, true).value_or("");
        def.location_uri = d.string("LocationUri", 1, 1024, true).value_or("");
        d.parameters("Parameters");
        if (const json::object* p = d.object("Parameters"))
            for (const auto& kv : *p)
                def.parameters.emplace(std::string(kv.key()), std::string(kv.value().get_string()));
        d.array("CreateTableDefaultPermissions");
        d.object("TargetDatabase");
        req.object("Tags");
        def.create_time = now();
        def.glue_json = json::serialize(*in);
        check(catalog_.create_database(std::move(def)), {}, "Database already exists.");
        return "{}";
    }

    std::string get_database(const members& req) {
        const std::string name = *req.name("Name", true);
        const auto db = catalog_.database(name);
        if (!db)
            not_found(fmt::format("Database {} not found.", lower(name)));
        return json::serialize(
            json::object{{"Database", glue_detail::database_object(*db, opts_.account_id)}});
    }

    std::string get_databases(const members& req) {
        const std::int64_t max = req.integer("MaxResults", 1, 100).value_or(100);
        if (const auto share = req.string("ResourceShareType", 0, 16);
            share && *share != "FOREIGN" && *share != "ALL")
            constraint(*share, "resourceShareType", "Member must satisfy enum value set: [FOREIGN, ALL]");
        const std::string start = token_start(req, "databases");
        json::array list;
        std::string last;
        bool more = false;
        for (const auto& db : catalog_.databases()) { // in name order
            if (!start.empty() && db.name <= start)
                continue;
            if (static_cast<std::int64_t>(list.size()) == max) {
                more = true;
                break;
            }
            list.push_back(glue_detail::database_object(db, opts_.account_id));
            last = db.name;
        }
        json::object out{{"DatabaseList", std::move(list)}};
        if (more)
            out["NextToken"] = make_token("databases", last);
        return json::serialize(out);
    }

    std::string delete_database(const members& req) {
        const std::string name = *req.name("Name", true);
        check(catalog_.delete_database(name), fmt::format("Database {} not found.", lower(name)), {});
        return "{}";
    }

    std::string create_table(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const json::object* in = req.object("TableInput", true);
        check_table_input(members{*in, "tableInput"});
        req.array("PartitionIndexes");
        req.string("TransactionId", 1, 255);
        std::optional<table_def> t = glue_detail::table_from_input(*in, database);
        t->create_time = t->update_time = now();
        check(catalog_.create_table(std::move(*t)), fmt::format("Database {} not found.", database),
              "Table already exists.");
        return "{}";
    }

    std::string get_table(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const std::string name = lower(*req.name("Name", true));
        req.string("TransactionId", 1, 255);
        req.timestamp("QueryAsOfTime");
        const auto t = catalog_.table(database, name);
        if (!t) {
            require_database(database);
            not_found(fmt::format("Table {} not found.", name));
        }
        return json::serialize(json::object{{"Table", glue_detail::table_object(*t, opts_.account_id)}});
    }

    std::string get_tables(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const std::int64_t max = req.integer("MaxResults", 1, 100).value_or(100);
        const auto filter = expression(req);
        req.string("TransactionId", 1, 255);
        req.timestamp("QueryAsOfTime");
        const std::string scope = "tables\n" + database;
        const std::string start = token_start(req, scope);
        require_database(database);
        json::array list;
        std::string last;
        bool more = false;
        for (const auto& t : catalog_.tables(database)) { // in name order
            if (!start.empty() && t.name <= start)
                continue;
            if (filter && !std::regex_match(t.name, *filter))
                continue;
            if (static_cast<std::int64_t>(list.size()) == max) {
                more = true;
                break;
            }
            list.push_back(glue_detail::table_object(t, opts_.account_id));
            last = t.name;
        }
        json::object out{{"TableList", std::move(list)}};
        if (more)
            out["NextToken"] = make_token(scope, last);
        return json::serialize(out);
    }

    std::string update_table(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const json::object* in = req.object("TableInput", true);
        check_table_input(members{*in, "tableInput"});
        req.boolean("SkipArchive");
        req.string("TransactionId", 1, 255);
        req.name("VersionId");
        std::optional<table_def> t = glue_detail::table_from_input(*in, database);
        const std::string name = t->name;
        t->update_time = now();
        const catalog_status st = catalog_.update_table(std::move(*t));
        if (st == catalog_status::not_found)
            require_database(database);
        check(st, fmt::format("Table {} not found.", name), {});
        return "{}";
    }

    std::string delete_table(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const std::string name = lower(*req.name("Name", true));
        req.string("TransactionId", 1, 255);
        const catalog_status st = catalog_.delete_table(database, name);
        if (st == catalog_status::not_found)
            require_database(database);
        check(st, fmt::format("Table {} not found.", name), {});
        return "{}";
    }

    std::string batch_delete_table(const members& req) {
        const std::string database = lower(*req.name("DatabaseName", true));
        const json::array* names = req.array("TablesToDelete", true);
        if (names->size() > 100)
            constraint("[...]", "tablesToDelete", "Member must have length less than or equal to 100");
        std::vector<std::string> tables;
        for (std::size_t i = 0; i < names->size(); ++i) {
            const json::value& v = (*names)[i];
            const std::string where = fmt::format("tablesToDelete.{}.member", i + 1);
            if (!v.is_string())
                invalid(fmt::format("Invalid value at '{}': expected a string", where));
            if (!glue_detail::valid_name(v.get_string()))
                constraint(v.get_string(), where,
                           "Member must have length between 1 and 255 and satisfy the NameString pattern");
            tables.push_back(lower(v.get_string()));
        }
        req.string("TransactionId", 1, 255);
        require_database(database);
        json::array errors;
        for (const std::string& name : tables) {
            const catalog_status st = catalog_.delete_table(database, name);
            if (st == catalog_status::ok)
                continue;
            const bool missing = st == catalog_status::not_found;
            errors.push_back(json::object{
                {"TableName", name},
                {"ErrorDetail",
                 json::object{{"ErrorCode", missing ? "EntityNotFoundException" : "InternalServiceException"},
                              {"ErrorMessage", missing
                                                   ? fmt::format("Table {} not found.", name)
                                                   : std::string("The catalog file could not be written.")}}},
            });
        }
        return json::serialize(json::object{{"Errors", std::move(errors)}});
    }

    catalog& catalog_;
    const glue_options& opts_;
    std::string region_;
};

json_reply dispatch(catalog& c, const glue_options& opts, std::string_view op, std::string_view body,
                    std::string_view region) {
    if (!operations::known(op))
        return json_error(400, "UnknownOperationException", {});
    try {
        boost::system::error_code ec;
        // An empty body is an empty request, as botocore sends for operations without members.
        const json::value v = body.empty() ? json::value(json::object()) : json::parse(body, ec);
        if (ec)
            return json_error(400, "InvalidInputException",
                              fmt::format("The request body is not valid JSON: {}.", ec.message()));
        if (!v.is_object())
            return json_error(400, "InvalidInputException", "The request body is not a JSON object.");
        operations ops(c, opts, region);
        return json_reply{200, ops.run(op, members{v.get_object(), ""})};
    } catch (const glue_error& e) {
        return json_error(e.status, e.type, e.message);
    } catch (const std::exception& e) {
        return json_error(500, "InternalServiceException", e.what());
    }
}

} // namespace

glue_service::glue_service(catalog& cat, glue_options opts)
    : catalog_(cat)
    , opts_(std::move(opts)) {}

void glue_service::handle(std::string_view operation, std::string_view body, const request_context& ctx,
                          std::function<void(json_reply)> done) {
    done(dispatch(catalog_, opts_, operation, body, ctx.region));
}

json_reply glue_service::call(std::string_view operation, std::string_view body) const {
    return dispatch(catalog_, opts_, operation, body, {});
}

std::unique_ptr<json_service> make_glue_service(catalog& cat, glue_options opts) {
    return std::make_unique<glue_service>(cat, std::move(opts));
}

} // namespace athena_local
