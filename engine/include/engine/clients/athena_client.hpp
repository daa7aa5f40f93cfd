#pragma once
// Typed Athena (for Apache Spark) operations over caller: protocol/athena builds and decodes, the
// caller signs, sends and retries. Each operation is an awaitable op_result<Output>: `call` says how
// the call went (see caller.hpp), `value` is the decoded answer when call.ok(). A 2xx body that does
// not decode is call.ec = protocol error with the decoder's message. StartSession and
// StartCalculationExecution get a ClientRequestToken when the input has none; it is part of the body,
// so every retry of the call carries the same one (idempotent on the service).
#include <engine/clients/caller.hpp>
#include <protocol/athena.hpp>
#include <protocol/endpoint.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>

namespace engine::clients {

class athena_client {
public:
    /// `ep`: protocol::resolve_endpoint(service::athena, region) or a parsed endpoint URL.
    athena_client(caller& c, protocol::endpoint ep, std::string region);

    boost::asio::awaitable<op_result<protocol::athena::start_session_output>>
    start_session(protocol::athena::start_session_input in);
    boost::asio::awaitable<op_result<protocol::athena::get_session_output>>
    get_session(std::string session_id);
    boost::asio::awaitable<op_result<protocol::athena::get_session_status_output>>
    get_session_status(std::string session_id);
    boost::asio::awaitable<op_result<protocol::athena::list_sessions_output>>
    list_sessions(protocol::athena::list_sessions_input in);
    boost::asio::awaitable<op_result<protocol::athena::terminate_session_output>>
    terminate_session(std::string session_id);

    boost::asio::awaitable<op_result<protocol::athena::start_calculation_output>>
    start_calculation_execution(protocol::athena::start_calculation_input in);
    boost::asio::awaitable<op_result<protocol::athena::get_calculation_output>>
    get_calculation_execution(std::string calculation_id);
    boost::asio::awaitable<op_result<protocol::athena::get_calculation_status_output>>
    get_calculation_execution_status(std::string calculation_id);
    /// The same, written into `out` (reset first; it must stay alive until the call completes): the
    /// operation's frame then holds no result of its own, for callers that poll with many in flight.
    /// The id is read before this returns (the request is built at once), so the awaiting coroutine
    /// keeps no copy of it while the call is in flight.
    boost::asio::awaitable<void>
    get_calculation_execution_status_into(std::string_view calculation_id,
                                          op_result<protocol::athena::get_calculation_status_output>& out);
    boost::asio::awaitable<op_result<std::string>> get_calculation_execution_code(std::string calculation_id);
    boost::asio::awaitable<op_result<protocol::athena::stop_calculation_output>>
    stop_calculation_execution(std::string calculation_id);
    boost::asio::awaitable<op_result<protocol::athena::list_calculations_output>>
    list_calculation_executions(protocol::athena::list_calculations_input in);

    boost::asio::awaitable<op_result<protocol::athena::work_group>> get_work_group(std::string name);
    boost::asio::awaitable<op_result<protocol::athena::list_work_groups_output>>
    list_work_groups(protocol::athena::list_work_groups_input in);
    boost::asio::awaitable<op_result<bool>> create_work_group(protocol::athena::create_work_group_input in);

private:
    template <class Out, class Build>
    boost::asio::awaitable<op_result<Out>> run(Build&& build,
                                               std::error_code (*decode)(const protocol::http_response_view&, Out&));

    caller& caller_;
    protocol::endpoint ep_;
    service_target target_;
};

} // namespace engine::clients
