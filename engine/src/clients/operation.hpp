#pragma once
// The service clients' one operation (Athena, Glue, STS): build the request with protocol/ (a
// plain function, before any coroutine frame exists), then one small coroutine that holds the
// request and the result while caller::call_into signs, sends and retries, then decode the answer
// (a plain function again). Private to engine/src/clients.
//
// Memory: an operation in flight costs this coroutine's frame (the request, the op_result and Asio's
// copy of it for the awaiting coroutine) plus call_into's bookkeeping frame and the HTTP client's
// frames; nothing is copied between the layers.
#include <engine/clients/caller.hpp>
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <boost/asio/awaitable.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <utility>

namespace engine::clients::detail {

template <class Out>
using decode_fn = std::error_code (*)(const protocol::http_response_view&, Out&);

/// How an operation names itself in call.message.
struct op_label {
    /// "GetTable db.t": messages become "GetTable db.t: <message>". Empty: no prefix (Athena).
    std::string what;
    /// "Athena", "Glue", "STS": "malformed <service> response: ...".
    std::string_view service;
};

/// An operation's request, built before its coroutine starts.
struct prepared_call {
    call_request call;
    std::error_code build_ec; ///< the builder refused the input (nothing is sent)
    bool bad_scheme = false;  ///< the endpoint's scheme is neither http nor https
};

/// Fills `p` from the builder's result: the engine's request (from_protocol) and the target.
void prepare(prepared_call& p, const service_target& target, std::error_code build_ec,
             protocol::http_request&& preq);
/// The result of an operation that was refused before sending.
void fail_before_sending(call_result& out, const prepared_call& p, const op_label& label);
/// After the call: prefixes the message of a failed call; true when the answer is to be decoded.
bool call_succeeded(call_result& out, const op_label& label);
/// A 2xx body the decoder refused.
void fail_decode(call_result& out, std::error_code ec, const op_label& label);

template <class Out>
void decode_answer(op_result<Out>& out, const op_label& label, decode_fn<Out> decode) {
    if (auto ec = decode(out.call.response.view(), out.value))
        fail_decode(out.call, ec, label);
}

/// The coroutine: only the prepared request, the label and the result live in its frame.
template <class Out>
boost::asio::awaitable<op_result<Out>> run_operation(caller& c, prepared_call p, op_label label,
                                                     decode_fn<Out> decode) {
    op_result<Out> out;
    if (p.build_ec || p.bad_scheme) {
        fail_before_sending(out.call, p, label);
        co_return out;
    }
    co_await c.call_into(p.call, out.call);
    if (call_succeeded(out.call, label))
        decode_answer(out, label, decode);
    co_return out;
}

/// The same coroutine writing into the caller's result: neither the result nor Asio's copy of it
/// (the awaitable's return value) is in this frame; `out` must stay alive until it completes.
template <class Out>
boost::asio::awaitable<void> run_operation_into(caller& c, prepared_call p, op_label label,
                                                decode_fn<Out> decode, op_result<Out>& out) {
    if (p.build_ec || p.bad_scheme) {
        fail_before_sending(out.call, p, label);
        co_return;
    }
    co_await c.call_into(p.call, out.call);
    if (call_succeeded(out.call, label))
        decode_answer(out, label, decode);
}

/// build(ep, http_request&) -> error_code, then run_operation. A plain function: the builder and
/// its captured input never reach a coroutine frame.
template <class Out, class Build>
boost::asio::awaitable<op_result<Out>> operation(caller& c, const service_target& target,
                                                 const protocol::endpoint& ep, op_label label, Build&& build,
                                                 decode_fn<Out> decode) {
    prepared_call p;
    {
        protocol::http_request preq;
        const std::error_code ec = build(ep, preq);
        prepare(p, target, ec, std::move(preq));
    }
    return run_operation<Out>(c, std::move(p), std::move(label), decode);
}

/// operation() into caller-owned storage: `out` is reset here (a plain function), then filled by
/// run_operation_into.
template <class Out, class Build>
boost::asio::awaitable<void> operation_into(caller& c, const service_target& target, const protocol::endpoint& ep,
                                            op_label label, Build&& build, decode_fn<Out> decode,
                                            op_result<Out>& out) {
    out = op_result<Out>{};
    prepared_call p;
    {
        protocol::http_request preq;
        const std::error_code ec = build(ep, preq);
        prepare(p, target, ec, std::move(preq));
    }
    return run_operation_into<Out>(c, std::move(p), std::move(label), decode, out);
}

} // namespace engine::clients::detail
