#pragma once
// The request to sign, as a view: nothing is copied, nothing is modified. The signer returns the
// headers or query parameters to add.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aws_sigv4 {

struct header_view {
    std::string_view name;
    std::string_view value;
};

struct request_view {
    /// "GET", "POST", ...: an HTTP token, sent as is.
    std::string_view method;
    /// The origin-form target exactly as it goes on the request line: path, then '?' and the
    /// query if any ("/bucket/key%20name?uploads"). Must start with '/'.
    std::string_view target;
    /// Headers as they will be sent, in order. Must contain Host.
    std::span<const header_view> headers;
};

/// A name/value pair to add to a request (a header, or a query parameter already URI-encoded).
using name_value = std::pair<std::string, std::string>;

} // namespace aws_sigv4
