#pragma once
// Shared by the fuzz_protocol_* targets: turns fuzz bytes into an http_response_view.
// Input layout: optional header lines "name: value\n" up to an empty line "\n", then the body.
// A first line without ':' ends the headers at once (the whole input is then the body).
#include <protocol/http.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fuzz {

struct parsed_response {
    std::vector<protocol::header_view> headers;
    std::string_view body;
};

inline parsed_response split(std::string_view in) {
    parsed_response out;
    std::string_view rest = in;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        if (nl == std::string_view::npos)
            break;
        std::string_view line = rest.substr(0, nl);
        if (line.empty()) {
            rest.remove_prefix(1);
            out.body = rest;
            return out;
        }
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            break;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        out.headers.push_back({line.substr(0, colon), value});
        rest.remove_prefix(nl + 1);
    }
    out.headers.clear();
    out.body = in;
    return out;
}

} // namespace fuzz
