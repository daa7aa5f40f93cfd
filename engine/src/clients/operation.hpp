#pragma once
// The service clients' one operation (Athena, Glue, STS): build the request with protocol/ (a
// plain function, before any coroutine frame exists), then caller::run_operation, the call's retry
// loop, with the operation (request, label, decoder) in its frame; it decodes the answer (a plain
// function again) before it completes. Private to engine/src/clients.
//
// Memory: an operation written into caller-owned storage (operation_into) costs one coroutine frame
// (the operation and the retry bookkeeping) plus the HTTP client's frames; operation() adds one
// holding the op_result and Asio's copy of it. Nothing is copied between the layers.
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

/// An operation in flight: its request, label and decoder. caller::run_operation runs it in one
/// coroutine (the call's retry loop), which also decodes the answer into `value`.
struct operation_call {
    call_request call;
    op_label label;
    std::error_code build_ec; ///< the builder refused the input (nothing is sent)
    bool bad_scheme = false;  ///< the endpoint's scheme is neither http nor https
    /// The typed decoder, erased so that one coroutine serves every operation: `decode(fn, view, value)`
    /// calls `fn` (a decode_fn<Out>) with `value` as its Out.
    std::error_code (*decode)(void (*fn)(), const protocol::http_response_view&, void* value) = nullptr;
    void (*decode_fn)() = nullptr;
    void* value = nullptr; ///< the op_result<Out>::value being filled
};

template <class Out>
std::error_code decode_erased(void (*fn)(), const protocol::http_response_view& v, void* value) {
    return reinterpret_cast<decode_fn<Out>>(fn)(v, *static_cast<Out*>(value));
}

/// Fills `op` from the builder's result: the engine's request (from_protocol) and the target.
void prepare(operation_call& op, const service_target& target, std::error_code build_ec,
             protocol::http_request&& preq);
/// Before the call (in caller::run_operation): false when the operation was refused before
/// sending (`out` says why).
bool operation_start(const operation_call& op, call_result& out);
/// After the call: prefixes the message of a failed call, or decodes the answer into `op.value`.
void operation_finish(const operation_call& op, call_result& out);

/// build(ep, http_request&) -> error_code into `op`, with the decoder for Out. A plain function: the
/// builder and its captured input never reach a coroutine frame.
template <class Out, class Build>
void build_operation(operation_call& op, const service_target& target, const protocol::endpoint& ep,
                     op_label label, Build&& build, decode_fn<Out> decode) {
    {
        protocol::http_request preq;
        const std::error_code ec = build(ep, preq);
        prepare(op, target, ec, std::move(preq));
    }
    op.label = std::move(label);
    op.decode = &decode_erased<Out>;
    op.decode_fn = reinterpret_cast<void (*)()>(decode);
}

/// The coroutine of operation(): holds the result (and Asio's copy of it for the awaiting coroutine)
/// while caller::run_operation runs the operation held here, by pointer.
template <class Out>
boost::asio::awaitable<op_result<Out>> run_operation(caller& c, operation_call op) {
    op_result<Out> out;
    op.value = &out.value;
    co_await c.run_operation(&op, out.call);
    co_return out;
}

/// build, then run_operation.
template <class Out, class Build>
boost::asio::awaitable<op_result<Out>> operation(caller& c, const service_target& target,
                                                 const protocol::endpoint& ep, op_label label, Build&& build,
                                                 decode_fn<Out> decode) {
    operation_call op;
    build_operation<Out>(op, target, ep, std::move(label), std::forward<Build>(build), decode);
    return run_operation<Out>(c, std::move(op));
}

/// operation() into caller-owned storage: `out` is reset here (a plain function), and the operation
/// moves into caller::run_operation's frame, the only coroutine frame of the operation in flight.
/// `out` must stay alive until it completes.
template <class Out, class Build>
boost::asio::awaitable<void> operation_into(caller& c, const service_target& target, const protocol::endpoint& ep,
                                            op_label label, Build&& build, decode_fn<Out> decode,
                                            op_result<Out>& out) {
    out = op_result<Out>{};
    operation_call op;
    build_operation<Out>(op, target, ep, std::move(label), std::forward<Build>(build), decode);
    op.value = &out.value;
    return c.run_operation(std::move(op), out.call);
}

} // namespace engine::clients::detail
