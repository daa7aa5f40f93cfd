#include <engine/clients/athena_client.hpp>

#include "operation.hpp"

namespace engine::clients {

namespace athena = protocol::athena;
using boost::asio::awaitable;

athena_client::athena_client(caller& c, protocol::endpoint ep, std::string region)
    : caller_(c)
    , ep_(std::move(ep))
    , target_{std::move(region), "athena", protocol::wire_protocol::json,
              aws_sigv4::settings::json_service()} {}

template <class Out, class Build>
awaitable<op_result<Out>> athena_client::run(Build&& build, detail::decode_fn<Out> decode) {
    // Athena's messages carry no operation prefix.
    return detail::operation<Out>(caller_, target_, ep_, detail::op_label{std::string{}, "Athena"},
                                  std::forward<Build>(build), decode);
}

awaitable<op_result<athena::start_session_output>>
athena_client::start_session(athena::start_session_input in) {
    if (in.client_request_token.empty())
        in.client_request_token = caller_.new_client_request_token();
    return run<athena::start_session_output>(
        [&in](const auto& ep, auto& r) { return athena::build_start_session(ep, in, r); },
        [](const auto& v, auto& o) { return athena::decode_start_session(v, o); });
}

awaitable<op_result<athena::get_session_output>> athena_client::get_session(std::string id) {
    return run<athena::get_session_output>(
        [&id](const auto& ep, auto& r) { return athena::build_get_session(ep, id, r); },
        [](const auto& v, auto& o) { return athena::decode_get_session(v, o); });
}

awaitable<op_result<athena::get_session_status_output>> athena_client::get_session_status(std::string id) {
    return run<athena::get_session_status_output>(
        [&id](const auto& ep, auto& r) { return athena::build_get_session_status(ep, id, r); },
        [](const auto& v, auto& o) { return athena::decode_get_session_status(v, o); });
}

awaitable<op_result<athena::list_sessions_output>>
athena_client::list_sessions(athena::list_sessions_input in) {
    return run<athena::list_sessions_output>(
        [&in](const auto& ep, auto& r) { return athena::build_list_sessions(ep, in, r); },
        [](const auto& v, auto& o) { return athena::decode_list_sessions(v, o); });
}

awaitable<op_result<athena::terminate_session_output>> athena_client::terminate_session(std::string id) {
    return run<athena::terminate_session_output>(
        [&id](const auto& ep, auto& r) { return athena::build_terminate_session(ep, id, r); },
        [](const auto& v, auto& o) { return athena::decode_terminate_session(v, o); });
}

awaitable<op_result<athena::start_calculation_output>>
athena_client::start_calculation_execution(athena::start_calculation_input in) {
    if (in.client_request_token.empty())
        in.client_request_token = caller_.new_client_request_token();
    return run<athena::start_calculation_output>(
        [&in](const auto& ep, auto& r) {
            return athena::build_start_calculation_execution(ep, in, r);
        },
        [](const auto& v, auto& o) { return athena::decode_start_calculation_execution(v, o); });
}

awaitable<op_result<athena::get_calculation_output>>
athena_client::get_calculation_execution(std::string id) {
    return run<athena::get_calculation_output>(
        [&id](const auto& ep, auto& r) {
            return athena::build_get_calculation_execution(ep, id, r);
        },
        [](const auto& v, auto& o) { return athena::decode_get_calculation_execution(v, o); });
}

awaitable<op_result<athena::get_calculation_status_output>>
athena_client::get_calculation_execution_status(std::string id) {
    return run<athena::get_calculation_status_output>(
        [&id](const auto& ep, auto& r) {
            return athena::build_get_calculation_execution_status(ep, id, r);
        },
        [](const auto& v, auto& o) { return athena::decode_get_calculation_execution_status(v, o); });
}

awaitable<void>
athena_client::get_calculation_execution_status_into(std::string_view id,
                                                     op_result<athena::get_calculation_status_output>& out) {
    return detail::operation_into<athena::get_calculation_status_output>(
        caller_, target_, ep_, detail::op_label{std::string{}, "Athena"},
        [&id](const auto& ep, auto& r) { return athena::build_get_calculation_execution_status(ep, id, r); },
        [](const auto& v, auto& o) { return athena::decode_get_calculation_execution_status(v, o); }, out);
}

awaitable<op_result<std::string>> athena_client::get_calculation_execution_code(std::string id) {
    return run<std::string>(
        [&id](const auto& ep, auto& r) {
            return athena::build_get_calculation_execution_code(ep, id, r);
        },
        [](const auto& v, auto& o) { return athena::decode_get_calculation_execution_code(v, o); });
}

awaitable<op_result<athena::stop_calculation_output>>
athena_client::stop_calculation_execution(std::string id) {
    return run<athena::stop_calculation_output>(
        [&id](const auto& ep, auto& r) {
            return athena::build_stop_calculation_execution(ep, id, r);
        },
        [](const auto& v, auto& o) { return athena::decode_stop_calculation_execution(v, o); });
}

awaitable<op_result<athena::list_calculations_output>>
athena_client::list_calculation_executions(athena::list_calculations_input in) {
    return run<athena::list_calculations_output>(
        [&in](const auto& ep, auto& r) {
            return athena::build_list_calculation_executions(ep, in, r);
        },
        [](const auto& v, auto& o) { return athena::decode_list_calculation_executions(v, o); });
}

awaitable<op_result<athena::work_group>> athena_client::get_work_group(std::string name) {
    return run<athena::work_group>(
        [&name](const auto& ep, auto& r) {
            return athena::build_get_work_group(ep, name, r);
        },
        [](const auto& v, auto& o) { return athena::decode_get_work_group(v, o); });
}

awaitable<op_result<athena::list_work_groups_output>>
athena_client::list_work_groups(athena::list_work_groups_input in) {
    return run<athena::list_work_groups_output>(
        [&in](const auto& ep, auto& r) { return athena::build_list_work_groups(ep, in, r); },
        [](const auto& v, auto& o) { return athena::decode_list_work_groups(v, o); });
}

awaitable<op_result<bool>> athena_client::create_work_group(athena::create_work_group_input in) {
    return run<bool>(
        [&in](const auto& ep, auto& r) { return athena::build_create_work_group(ep, in, r); },
        [](const auto& v, bool& o) {
            o = true;
            return athena::decode_create_work_group(v);
        });
}

} // namespace engine::clients
