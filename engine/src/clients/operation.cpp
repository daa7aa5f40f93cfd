#include "operation.hpp"

namespace engine::clients::detail {

namespace {

std::string prefixed(const op_label& label, std::string message) {
    if (label.what.empty())
        return message;
    return label.what + ": " + message;
}

} // namespace

void prepare(prepared_call& p, const service_target& target, std::error_code build_ec,
             protocol::http_request&& preq) {
    p.call.target = &target;
    if (build_ec) {
        p.build_ec = build_ec;
        return;
    }
    auto req = http::from_protocol(std::move(preq));
    if (!req) {
        p.bad_scheme = true;
        return;
    }
    p.call.req = std::move(*req);
}

void fail_before_sending(call_result& out, const prepared_call& p, const op_label& label) {
    if (p.build_ec) {
        out.ec = p.build_ec;
        out.message = prefixed(label, "invalid request: " + p.build_ec.message());
    } else {
        out.ec = std::make_error_code(std::errc::invalid_argument);
        out.message = prefixed(label, "the endpoint's scheme must be http or https");
    }
}

bool call_succeeded(call_result& out, const op_label& label) {
    if (out.ok())
        return true;
    if (!label.what.empty())
        out.message = label.what + ": " + out.message;
    return false;
}

void fail_decode(call_result& out, std::error_code ec, const op_label& label) {
    out.ec = ec;
    std::string m = "malformed ";
    m += label.service;
    m += " response: ";
    m += ec.message();
    out.message = prefixed(label, std::move(m));
}

} // namespace engine::clients::detail
