#include <engine/clients/glue_client.hpp>

#include "operation.hpp"

#include <protocol/error.hpp>

#include <algorithm>
#include <cstddef>
#include <set>
#include <utility>

namespace engine::clients {

namespace glue = protocol::glue;
using boost::asio::awaitable;

namespace {

// Decoder of an operation whose only output is "it worked".
template <std::error_code (*Decode)(const protocol::http_response_view&)>
std::error_code decode_done(const protocol::http_response_view& v, bool& done) {
    auto ec = Decode(v);
    done = !ec;
    return ec;
}

std::string qualified(std::string_view db, std::string_view table) {
    std::string s(db);
    s += '.';
    s += table;
    return s;
}

} // namespace

glue_client::glue_client(caller& c, protocol::endpoint ep, std::string region, std::string catalog_id)
    : caller_(c)
    , ep_(std::move(ep))
    , target_{std::move(region), "glue", protocol::wire_protocol::json, aws_sigv4::settings::json_service()}
    , catalog_id_(std::move(catalog_id)) {}

glue_client::glue_client(caller& c, protocol::endpoint ep, std::string region)
    : glue_client(c, std::move(ep), std::move(region), std::string{}) {}

template <class Out, class Build>
awaitable<op_result<Out>> glue_client::run(std::string what, Build&& build, detail::decode_fn<Out> decode) {
    detail::op_label label{std::move(what), "Glue"};
    return detail::operation<Out>(caller_, target_, ep_, std::move(label), std::forward<Build>(build), decode);
}

// ---- databases ---------------------------------------------------------------------------------

awaitable<op_result<bool>> glue_client::create_database(glue::database_input in) {
    std::string what = "CreateDatabase " + in.name;
    return run<bool>(
        std::move(what),
        [&in, this](const auto& ep, auto& r) {
            return glue::build_create_database(ep, in, r, catalog_id_);
        },
        decode_done<glue::decode_create_database>);
}

awaitable<op_result<glue::database>> glue_client::get_database(std::string name) {
    std::string what = "GetDatabase " + name;
    return run<glue::database>(
        std::move(what),
        [&name, this](const auto& ep, auto& r) {
            return glue::build_get_database(ep, name, r, catalog_id_);
        },
        [](const auto& v, auto& o) { return glue::decode_get_database(v, o); });
}

awaitable<op_result<glue::get_databases_output>> glue_client::get_databases(glue::get_databases_input in) {
    if (in.catalog_id.empty())
        in.catalog_id = catalog_id_;
    return run<glue::get_databases_output>(
        "GetDatabases",
        [&in](const auto& ep, auto& r) { return glue::build_get_databases(ep, in, r); },
        [](const auto& v, auto& o) { return glue::decode_get_databases(v, o); });
}

awaitable<op_result<std::vector<glue::database>>>
glue_client::get_all_databases(glue::get_databases_input in) {
    op_result<std::vector<glue::database>> out;
    std::set<std::string, std::less<>> tokens_seen;
    for (;;) {
        glue::get_databases_input page_in = in;
        auto page = co_await get_databases(std::move(page_in));
        out.call = std::move(page.call);
        if (!out.call.ok())
            co_return out;
        std::move(page.value.databases.begin(), page.value.databases.end(), std::back_inserter(out.value));
        if (page.value.next_token.empty())
            co_return out;
        if (!tokens_seen.insert(page.value.next_token).second) {
            out.call.ec = protocol::error::bad_value;
            out.call.message = "GetDatabases: Glue sent the same NextToken twice; stopped paging";
            co_return out;
        }
        in.next_token = std::move(page.value.next_token);
    }
}

awaitable<op_result<bool>> glue_client::delete_database(std::string name) {
    std::string what = "DeleteDatabase " + name;
    return run<bool>(
        std::move(what),
        [&name, this](const auto& ep, auto& r) {
            return glue::build_delete_database(ep, name, r, catalog_id_);
        },
        decode_done<glue::decode_delete_database>);
}

// ---- tables ------------------------------------------------------------------------------------

awaitable<op_result<bool>> glue_client::create_table(std::string database_name, glue::table_input in) {
    std::string what = "CreateTable " + qualified(database_name, in.name);
    return run<bool>(
        std::move(what),
        [&db = database_name, &in, this](const auto& ep, auto& r) {
            return glue::build_create_table(ep, db, in, r, catalog_id_);
        },
        decode_done<glue::decode_create_table>);
}

awaitable<op_result<glue::table>> glue_client::get_table(std::string database_name, std::string name) {
    std::string what = "GetTable " + qualified(database_name, name);
    return run<glue::table>(
        std::move(what),
        [&db = database_name, &name, this](const auto& ep, auto& r) {
            return glue::build_get_table(ep, db, name, r, catalog_id_);
        },
        [](const auto& v, auto& o) { return glue::decode_get_table(v, o); });
}

awaitable<op_result<glue::get_tables_output>> glue_client::get_tables(glue::get_tables_input in) {
    if (in.catalog_id.empty())
        in.catalog_id = catalog_id_;
    std::string what = "GetTables " + in.database_name;
    return run<glue::get_tables_output>(
        std::move(what),
        [&in](const auto& ep, auto& r) { return glue::build_get_tables(ep, in, r); },
        [](const auto& v, auto& o) { return glue::decode_get_tables(v, o); });
}

awaitable<op_result<std::vector<glue::table>>> glue_client::get_all_tables(glue::get_tables_input in) {
    op_result<std::vector<glue::table>> out;
    std::set<std::string, std::less<>> tokens_seen;
    for (;;) {
        glue::get_tables_input page_in = in;
        auto page = co_await get_tables(std::move(page_in));
        out.call = std::move(page.call);
        if (!out.call.ok())
            co_return out;
        std::move(page.value.tables.begin(), page.value.tables.end(), std::back_inserter(out.value));
        if (page.value.next_token.empty())
            co_return out;
        if (!tokens_seen.insert(page.value.next_token).second) {
            out.call.ec = protocol::error::bad_value;
            out.call.message =
                "GetTables " + in.database_name + ": Glue sent the same NextToken twice; stopped paging";
            co_return out;
        }
        in.next_token = std::move(page.value.next_token);
    }
}

awaitable<op_result<bool>> glue_client::update_table(std::string database_name, glue::table_input in,
                                                     bool skip_archive) {
    std::string what = "UpdateTable " + qualified(database_name, in.name);
    return run<bool>(
        std::move(what),
        [&db = database_name, &in, skip_archive, this](const auto& ep, auto& r) {
            return glue::build_update_table(ep, db, in, r, skip_archive, catalog_id_);
        },
        decode_done<glue::decode_update_table>);
}

awaitable<op_result<bool>> glue_client::delete_table(std::string database_name, std::string name) {
    std::string what = "DeleteTable " + qualified(database_name, name);
    return run<bool>(
        std::move(what),
        [&db = database_name, &name, this](const auto& ep, auto& r) {
            return glue::build_delete_table(ep, db, name, r, catalog_id_);
        },
        decode_done<glue::decode_delete_table>);
}

awaitable<op_result<std::vector<glue::table_error>>>
glue_client::batch_delete_table(std::string database_name, std::vector<std::string> names) {
    constexpr std::size_t batch = 100; // Glue's limit per BatchDeleteTable
    op_result<std::vector<glue::table_error>> out;
    std::size_t from = 0;
    do {
        const std::size_t to = std::min(names.size(), from + batch);
        std::vector<std::string> part(names.begin() + static_cast<std::ptrdiff_t>(from),
                                      names.begin() + static_cast<std::ptrdiff_t>(to));
        std::string what = "BatchDeleteTable " + database_name + " (" + std::to_string(part.size()) +
                           (part.size() == 1 ? " table)" : " tables)");
        // Named arguments only inside co_await (g++ 12 double-destroys temporaries there).
        auto build = [&db = database_name, &part, this](const auto& ep, auto& req) {
            return glue::build_batch_delete_table(ep, db, part, req, catalog_id_);
        };
        auto decode = [](const auto& v, auto& o) { return glue::decode_batch_delete_table(v, o); };
        auto r = co_await run<std::vector<glue::table_error>>(std::move(what), std::move(build), std::move(decode));
        out.call = std::move(r.call);
        std::move(r.value.begin(), r.value.end(), std::back_inserter(out.value));
        if (!out.call.ok())
            co_return out;
        from = to;
    } while (from < names.size());
    co_return out;
}

} // namespace engine::clients
