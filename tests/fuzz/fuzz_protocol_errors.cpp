// Service-error decoding for the three wire protocols, classify(), and the small parsers that read
// untrusted text (endpoint URLs, dates, percent-decoding). Input: byte 0 picks the protocol/parser,
// bytes 1-2 the HTTP status, then headers and body as in fuzz_protocol_common.hpp.
#include <protocol/endpoint.hpp>
#include <protocol/service_error.hpp>

#include <cstddef>
#include <cstdint>

#include "fuzz_protocol_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 3)
        return 0;
    const int status = (data[1] << 8 | data[2]) % 600;
    std::string_view rest(reinterpret_cast<const char*>(data + 3), size - 3);
    using namespace protocol;
    switch (data[0] % 6) {
    case 0:
    case 1:
    case 2: {
        auto parsed = fuzz::split(rest);
        http_response_view r{status, parsed.headers, parsed.body, false};
        service_error e = decode_service_error(static_cast<wire_protocol>(data[0] % 3), r);
        (void)to_string(e.kind());
        break;
    }
    case 3: {
        endpoint ep;
        if (!parse_endpoint_url(rest, ep) && (ep.host.empty() || ep.port == 0))
            __builtin_trap(); // a parsed URL always has a host and a port
        (void)resolve_endpoint(service::s3, rest, ep);
        break;
    }
    case 4:
        (void)parse_iso8601(rest);
        (void)parse_http_date(rest);
        break;
    default: {
        std::string once = uri_decode(rest, true);
        if (uri_decode(uri_encode(rest)) != rest)
            __builtin_trap(); // encode/decode must round-trip
        (void)once;
        break;
    }
    }
    return 0;
}
