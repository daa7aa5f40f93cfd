#include "operation.hpp"

namespace engine::clients::detail {

namespace {

std::string prefixed(const op_label& label, std::string message) {
    if (label.what.empty())
        return message;
    return label.what + ": " + message;
}

} // namespace

void prepare(operation_call& op, const service_target& target, std::error_code build_ec,
             protocol::http_request&& preq) {
    op.call.target = &target;
    if (build_ec) {
        op.build_ec = build_ec;
        return;
    }
    auto req = http::from_protocol(std::move(preq));
    if (!req) {
        op.bad_scheme = true;
        return;
    }
    op.call.req = std::move(*req);
}

bool operation_start(const operation_call& op, call_result& out) {
    if (op.build_ec) {
        out.ec = op.build_ec;
        out.message = prefixed(op.label, "invalid request: " + op.build_ec.message());
        return false;
    }
    if (op.bad_scheme) {
        out.ec = std::make_error_code(std::errc::invalid_argument);
        out.message = prefixed(op.label, "the endpoint's scheme must be http or https");
        return false;
    }
    return true;
}

void operation_finish(const operation_call& op, call_result& out) {
    if (!out.ok()) {
        if (!op.label.what.empty())
            out.message = op.label.what + ": " + out.message;
        return;
    }
    if (auto ec = op.decode(op.decode_fn, out.response.view(), op.value)) {
        out.ec = ec;
        std::string m = "malformed ";
        m += op.label.service;
        m += " response: ";
        m += ec.message();
        out.message = prefixed(op.label, std::move(m));
    }
}

} // namespace engine::clients::detail
