#include <engine/clients/sts_client.hpp>

#include <utility>

namespace engine::clients {

namespace sts = protocol::sts;
using boost::asio::awaitable;

sts_client::sts_client(caller& c, protocol::endpoint ep, std::string region)
    : caller_(c)
    , ep_(std::move(ep))
    , target_{std::move(region), "sts", protocol::wire_protocol::query, aws_sigv4::settings::json_service()} {}

template <class Out, class Build, class Decode>
awaitable<op_result<Out>> sts_client::run(std::string what, bool anonymous, Build build, Decode decode) {
    op_result<Out> out;
    protocol::http_request preq;
    if (auto ec = build(ep_, preq)) {
        out.call.ec = ec;
        out.call.message = what + ": invalid request: " + ec.message();
        co_return out;
    }
    auto req = http::from_protocol(std::move(preq));
    if (!req) {
        out.call.ec = std::make_error_code(std::errc::invalid_argument);
        out.call.message = what + ": the endpoint's scheme must be http or https";
        co_return out;
    }
    // Every argument named: g++ 12 destroys default-argument temporaries of a coroutine call twice.
    service_target target = target_;
    target.anonymous = anonymous;
    http::request_options options;
    payload_options payload;
    out.call = co_await caller_.call(std::move(target), std::move(*req), std::move(options), std::move(payload));
    if (!out.call.ok()) {
        out.call.message = what + ": " + out.call.message;
        co_return out;
    }
    if (auto ec = decode(out.call.response.view(), out.value)) {
        out.call.ec = ec;
        out.call.message = what + ": malformed STS response: " + ec.message();
    }
    co_return out;
}

awaitable<op_result<sts::assume_role_output>> sts_client::assume_role(sts::assume_role_input in) {
    std::string what = "AssumeRole " + in.role_arn;
    return run<sts::assume_role_output>(
        std::move(what), false,
        [in = std::move(in)](const auto& ep, auto& r) { return sts::build_assume_role(ep, in, r); },
        [](const auto& v, auto& o) { return sts::decode_assume_role(v, o); });
}

awaitable<op_result<sts::assume_role_with_web_identity_output>>
sts_client::assume_role_with_web_identity(sts::assume_role_with_web_identity_input in) {
    std::string what = "AssumeRoleWithWebIdentity " + in.role_arn;
    return run<sts::assume_role_with_web_identity_output>(
        std::move(what), true,
        [in = std::move(in)](const auto& ep, auto& r) {
            return sts::build_assume_role_with_web_identity(ep, in, r);
        },
        [](const auto& v, auto& o) { return sts::decode_assume_role_with_web_identity(v, o); });
}

awaitable<op_result<sts::caller_identity>> sts_client::get_caller_identity() {
    return run<sts::caller_identity>(
        "GetCallerIdentity", false, [](const auto& ep, auto& r) { return sts::build_get_caller_identity(ep, r); },
        [](const auto& v, auto& o) { return sts::decode_get_caller_identity(v, o); });
}

} // namespace engine::clients
