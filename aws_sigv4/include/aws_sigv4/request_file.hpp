#pragma once
// Raw HTTP/1.1 request text, as in the SigV4 conformance suites and `bb-async sigv4 sign --request`:
//
//   METHOD SP TARGET SP HTTP/1.1     (the target may hold spaces and raw UTF-8)
//   Name:value                       (a line starting with whitespace continues the previous value)
//   <empty line>
//   body, byte for byte
//
// CR characters in the request line and headers are ignored. The target may be in absolute form
// ("https://host/path"): it is reduced to origin form and a missing Host header is added.
#include <aws_sigv4/error.hpp>
#include <aws_sigv4/request.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace aws_sigv4 {

struct parsed_request {
    std::string method;
    std::string target;
    std::string version; ///< "HTTP/1.1", or empty when the request line has none
    /// Names as written; values with leading whitespace removed and continuation lines kept
    /// ("value1\n  value2").
    std::vector<name_value> headers;
    std::string body;

    /// Views for signing; `storage` must outlive the returned view.
    request_view view(std::vector<header_view>& storage) const;
    /// Serializes back to request text ("METHOD TARGET HTTP/1.1\nName:value\n...\n\nbody").
    std::string to_string() const;
};

std::error_code parse_request_file(std::string_view text, parsed_request& out);

} // namespace aws_sigv4
