#pragma once
// Typed AWS STS operations over caller (query protocol: form POST, XML answers): protocol/sts
// builds and decodes, the caller signs, sends and retries.
//
//   engine::clients::sts_client sts(caller, ep, "eu-west-1");   // ep: sts.eu-west-1.amazonaws.com
//   auto who = co_await sts.get_caller_identity();
//   auto role = co_await sts.assume_role({.role_arn = arn, .role_session_name = "bb-async"});
//   if (role.ok()) use(role.value.creds);                        // secrets: never log them
//
// Results: op_result<T> (caller.hpp). `call.error` is STS's <ErrorResponse> (code such as
// AccessDenied, ExpiredTokenException, RegionDisabledException, InvalidIdentityToken,
// IDPRejectedClaim, MalformedPolicyDocument; message; request id), `call.ec` a failure without an
// answer (transport, credentials, an input the builder refused, or a 2xx body that does not decode:
// "malformed STS response: ..."). `call.message` is one line prefixed with the operation; it never
// contains a secret (the web identity token and returned credentials are not echoed).
//
// AssumeRoleWithWebIdentity is sent unsigned and needs no credentials from the caller's provider
// (the token is the credential); IDPCommunicationError is retried like a server error.
//
// Cancellation: terminal, through the awaiting coroutine's cancellation slot; the call completes
// with call.ec = operation_aborted. Thread-safety: like the caller (one executor at a time); the
// caller must outlive the client and every call.
#include <engine/clients/caller.hpp>
#include <protocol/endpoint.hpp>
#include <protocol/sts.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>

namespace engine::clients {

class sts_client {
public:
    /// `ep`: protocol::resolve_endpoint(service::sts, region) (regional) or a parsed endpoint URL.
    sts_client(caller& c, protocol::endpoint ep, std::string region);

    /// AssumeRole, signed with the caller's credentials.
    boost::asio::awaitable<op_result<protocol::sts::assume_role_output>>
    assume_role(protocol::sts::assume_role_input in);
    /// AssumeRoleWithWebIdentity, unsigned.
    boost::asio::awaitable<op_result<protocol::sts::assume_role_with_web_identity_output>>
    assume_role_with_web_identity(protocol::sts::assume_role_with_web_identity_input in);
    /// GetCallerIdentity: the account, ARN and user id of the caller's credentials.
    boost::asio::awaitable<op_result<protocol::sts::caller_identity>> get_caller_identity();

private:
    template <class Out, class Build>
    boost::asio::awaitable<op_result<Out>> run(std::string what, bool anonymous, Build&& build,
                                               std::error_code (*decode)(const protocol::http_response_view&, Out&));

    caller& caller_;
    protocol::endpoint ep_;
    service_target target_;
    service_target anonymous_target_; ///< the same, unsigned (AssumeRoleWithWebIdentity)
};

} // namespace engine::clients
