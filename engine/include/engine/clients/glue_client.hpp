#pragma once
// Typed AWS Glue Data Catalog operations over caller: protocol/glue builds and decodes, the caller
// signs, sends and retries.
//
//   engine::clients::glue_client glue(caller, ep, "us-east-1");
//   auto db = co_await glue.create_database(protocol::glue::database_input{.name = "tpch_sf1"});
//   auto all = co_await glue.get_all_tables(in);          // follows NextToken to the last page
//   if (!all.ok()) std::cerr << all.call.message << '\n'; // "GetTables tpch_sf1: EntityNotFound..."
//
// Results: each operation is an awaitable op_result<T> (caller.hpp). `call.error` is Glue's answer
// (status, code such as EntityNotFoundException, AlreadyExistsException, InvalidInputException,
// ConcurrentModificationException, message, request id; `kind()` classifies it), `call.ec` a failure
// without an answer (transport, credentials, an input the builder refused before anything was sent,
// or a 2xx body that does not decode: "malformed Glue response: ..."). `call.message` is one line
// for people, prefixed with the operation and what it was about: "GetTable tpch.lineitem:
// EntityNotFoundException: Table lineitem not found." Operations without an output give
// op_result<bool> with value true on success.
//
// Cancellation: terminal, through the awaiting coroutine's cancellation slot: the request in flight
// (or the backoff before a retry) is abandoned and the call completes with call.ec =
// operation_aborted. A paging helper stops at the page being fetched and keeps the pages before it.
//
// Thread-safety: like the caller, one executor (thread or strand) at a time. The client only holds
// the endpoint and a reference to the caller, which must outlive it and every call.
#include <engine/clients/caller.hpp>
#include <protocol/endpoint.hpp>
#include <protocol/glue.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <vector>

namespace engine::clients {

class glue_client {
public:
    /// `ep`: protocol::resolve_endpoint(service::glue, region) or a parsed endpoint URL. `catalog_id`
    /// (an account id) is sent with every request; empty means the caller's account.
    glue_client(caller& c, protocol::endpoint ep, std::string region, std::string catalog_id);
    glue_client(caller& c, protocol::endpoint ep, std::string region);

    // ---- databases -----------------------------------------------------------------------------

    /// CreateDatabase. AlreadyExistsException when the name is taken.
    boost::asio::awaitable<op_result<bool>> create_database(protocol::glue::database_input in);
    /// GetDatabase. EntityNotFoundException when there is none of that name.
    boost::asio::awaitable<op_result<protocol::glue::database>> get_database(std::string name);
    /// One page of GetDatabases (`value.next_token` is empty on the last one).
    boost::asio::awaitable<op_result<protocol::glue::get_databases_output>>
    get_databases(protocol::glue::get_databases_input in);
    /// Every database: GetDatabases from `in.next_token` (usually empty) until Glue sends no
    /// NextToken, `in.max_results` per page. On failure `value` holds the databases of the pages
    /// read before it. A NextToken that repeats is an error (protocol::error::bad_value), so a
    /// broken server cannot loop the helper forever.
    boost::asio::awaitable<op_result<std::vector<protocol::glue::database>>>
    get_all_databases(protocol::glue::get_databases_input in);
    /// DeleteDatabase (Glue deletes its tables too). EntityNotFoundException when absent.
    boost::asio::awaitable<op_result<bool>> delete_database(std::string name);

    // ---- tables --------------------------------------------------------------------------------

    /// CreateTable. AlreadyExistsException when the table exists, EntityNotFoundException when the
    /// database does not.
    boost::asio::awaitable<op_result<bool>> create_table(std::string database_name,
                                                         protocol::glue::table_input in);
    /// GetTable. EntityNotFoundException when the database or the table does not exist.
    boost::asio::awaitable<op_result<protocol::glue::table>> get_table(std::string database_name,
                                                                       std::string name);
    /// One page of GetTables (`in.expression` filters names; `value.next_token` empty on the last).
    boost::asio::awaitable<op_result<protocol::glue::get_tables_output>>
    get_tables(protocol::glue::get_tables_input in);
    /// Every table of `in.database_name` (matching `in.expression`): GetTables until the last page,
    /// as get_all_databases.
    boost::asio::awaitable<op_result<std::vector<protocol::glue::table>>>
    get_all_tables(protocol::glue::get_tables_input in);
    /// UpdateTable: replaces the table's definition with `in` (the name selects the table).
    /// `skip_archive` asks Glue not to keep the old version. EntityNotFoundException when absent.
    boost::asio::awaitable<op_result<bool>> update_table(std::string database_name,
                                                         protocol::glue::table_input in, bool skip_archive);
    /// DeleteTable. EntityNotFoundException when absent.
    boost::asio::awaitable<op_result<bool>> delete_table(std::string database_name, std::string name);
    /// BatchDeleteTable of any number of names (at least one), in requests of up to 100 names.
    /// The call succeeds when every request was answered with 2xx; tables Glue could not delete
    /// (e.g. EntityNotFoundException for a name that does not exist) are listed in `value`. A failed
    /// request stops the batches after it; `value` then holds the errors of the ones before.
    boost::asio::awaitable<op_result<std::vector<protocol::glue::table_error>>>
    batch_delete_table(std::string database_name, std::vector<std::string> names);

    const protocol::endpoint& endpoint() const noexcept { return ep_; }

private:
    template <class Out, class Build>
    boost::asio::awaitable<op_result<Out>> run(std::string what, Build&& build,
                                               std::error_code (*decode)(const protocol::http_response_view&, Out&));

    caller& caller_;
    protocol::endpoint ep_;
    service_target target_;
    std::string catalog_id_;
};

} // namespace engine::clients
