#include <engine/clients/sts_client.hpp>

#include "operation.hpp"

#include <utility>

namespace engine::clients {

namespace sts = protocol::sts;
using boost::asio::awaitable;

sts_client::sts_client(caller& c, protocol::endpoint ep, std::string region)
    : caller_(c)
    , ep_(std::move(ep))
    , target_{std::move(region), "sts", protocol::wire_protocol::query, aws_sigv4::settings::json_service()}
    , anonymous_target_(target_) {
    anonymous_target_.anonymous = true;
}

template <class Out, class Build>
awaitable<op_result<Out>> sts_client::run(std::string what, bool anonymous, Build&& build,
                                          detail::decode_fn<Out> decode) {
    detail::op_label label{std::move(what), "STS"};
    return detail::operation<Out>(caller_, anonymous ? anonymous_target_ : target_, ep_, std::move(label),
                                  std::forward<Build>(build), decode);
}

awaitable<op_result<sts::assume_role_output>> sts_client::assume_role(sts::assume_role_input in) {
    std::string what = "AssumeRole " + in.role_arn;
    return run<sts::assume_role_output>(
        std::move(what), false,
        [&in](const auto& ep, auto& r) { return sts::build_assume_role(ep, in, r); },
        [](const auto& v, auto& o) { return sts::decode_assume_role(v, o); });
}

awaitable<op_result<sts::assume_role_with_web_identity_output>>
sts_client::assume_role_with_web_identity(sts::assume_role_with_web_identity_input in) {
    std::string what = "AssumeRoleWithWebIdentity " + in.role_arn;
    return run<sts::assume_role_with_web_identity_output>(
        std::move(what), true,
        [&in](const auto& ep, auto& r) {
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
