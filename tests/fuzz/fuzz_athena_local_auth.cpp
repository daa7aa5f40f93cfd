// athena-local's request authentication reads untrusted bytes: the Authorization header, presigned query
// parameters, X-Amz-Date, and aws-chunked bodies (sizes, chunk-signature extensions, trailers). None of it may
// crash, hang or read out of bounds. Input layout: byte 0 picks the mode; the rest is
//   mode 0: an aws-chunked body, decoded without signature checks
//   mode 1: an aws-chunked body checked against a fixed seed signature (signed chunks with trailer)
//   mode 2: "METHOD TARGET\n" then "name: value" header lines, a blank line, then the body, verified as S3
//   mode 3: the same, verified as a JSON 1.1 service
#include "server/verify.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace athena_local::auth;
    if (size == 0)
        return 0;
    int mode = data[0] % 4;
    std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string payload;
    std::map<std::string, std::string> trailers;
    if (mode == 0) {
        decode_aws_chunked(in, nullptr, payload, trailers);
        return 0;
    }
    if (mode == 1) {
        chunk_check c{"secret", "20150830", "us-east-1", "s3", "20150830T123600Z",
                      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9", true, true};
        decode_aws_chunked(in, &c, payload, trailers);
        return 0;
    }
    auto eol = in.find('\n');
    auto request_line = in.substr(0, eol);
    auto space = request_line.find(' ');
    incoming req;
    req.method = request_line.substr(0, space);
    req.target = space == std::string_view::npos ? std::string_view("/") : request_line.substr(space + 1);
    std::string_view rest = eol == std::string_view::npos ? std::string_view{} : in.substr(eol + 1);
    while (!rest.empty()) {
        auto e = rest.find('\n');
        auto line = rest.substr(0, e);
        rest = e == std::string_view::npos ? std::string_view{} : rest.substr(e + 1);
        if (line.empty())
            break;
        auto colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        auto value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        req.headers.emplace_back(line.substr(0, colon), value);
    }
    req.body = rest;
    verifier v{{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}}};
    verified out;
    v.verify(req, mode == 2 ? service_family::s3 : service_family::json, mode == 2 ? "s3" : "athena", 1440938160, out);
    return 0;
}
