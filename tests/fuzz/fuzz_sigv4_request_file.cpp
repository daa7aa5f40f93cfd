// The raw request-file parser (aws_sigv4::parse_request_file) on arbitrary bytes: never crashes,
// and what it accepts survives a round trip through parsed_request::to_string() unchanged.
#include <aws_sigv4/request_file.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    aws_sigv4::parsed_request r;
    if (aws_sigv4::parse_request_file(text, r))
        return 0;
    if (r.method.empty() || r.target.empty())
        std::abort();
    const std::string again = r.to_string();
    aws_sigv4::parsed_request r2;
    if (aws_sigv4::parse_request_file(again, r2))
        std::abort();
    if (r2.method != r.method || r2.target != r.target || r2.version != r.version || r2.headers != r.headers ||
        r2.body != r.body)
        std::abort();
    std::vector<aws_sigv4::header_view> views;
    const auto v = r.view(views);
    if (v.headers.size() != r.headers.size())
        std::abort();
    return 0;
}
