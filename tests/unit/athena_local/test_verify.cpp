// SigV4 verification as athena-local does it: requests signed by aws_sigv4 (an independent path: the signer
// adds headers, the verifier recomputes from what arrived) are accepted; any change is refused with AWS's code.
#include "server/verify.hpp"

#include <aws_sigv4/chunked.hpp>
#include <aws_sigv4/crc32c.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/settings.hpp>
#include <aws_sigv4/sign.hpp>

#include <boost/test/unit_test.hpp>

using namespace athena_local::auth;

namespace {

const aws_sigv4::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
constexpr std::int64_t t0 = 1700000000; // 20231114T221320Z

struct signed_request {
    std::string method = "GET", target = "/";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    incoming view() const {
        incoming in{method, target, {}, body};
        for (auto& [n, v] : headers)
            in.headers.emplace_back(n, v);
        return in;
    }
};

aws_sigv4::signing_time at(std::int64_t t) {
    std::error_code ec;
    return aws_sigv4::signing_time::from_unix(t, ec);
}

signed_request sign(signed_request r, std::string_view service, const aws_sigv4::settings& cfg, std::string payload_hash,
                    std::int64_t when = t0, const aws_sigv4::credentials& c = creds) {
    std::vector<aws_sigv4::header_view> hv;
    for (auto& [n, v] : r.headers)
        hv.push_back({n, v});
    aws_sigv4::signing_params p{c, "us-east-1", service, at(when), payload_hash, cfg};
    aws_sigv4::signing_result out;
    BOOST_REQUIRE(!aws_sigv4::sign({r.method, r.target, hv}, p, out));
    for (auto& [n, v] : out.headers_to_add)
        r.headers.emplace_back(n, v);
    if (!out.query_to_add.empty())
        r.target = out.presigned_target(r.target);
    return r;
}

std::optional<auth_error> check(const signed_request& r, service_family f, std::string_view service,
                                std::int64_t now, verified& v) {
    verifier ver{creds};
    return ver.verify(r.view(), f, service, now, v);
}

signed_request athena_post() {
    signed_request r;
    r.method = "POST";
    r.body = R"({"WorkGroup":"primary-spark"})";
    r.headers = {{"Host", "127.0.0.1:9777"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AmazonAthena.ListSessions"}};
    return sign(r, "athena", aws_sigv4::settings::json_service(), aws_sigv4::sha256_hex(r.body));
}

} // namespace

BOOST_AUTO_TEST_SUITE(athena_local_verify)

BOOST_AUTO_TEST_CASE(json_request_accepted_and_scope_reported) {
    verified v;
    auto r = athena_post();
    auto err = check(r, service_family::json, "athena", t0 + 30, v);
    BOOST_TEST(!err.has_value());
    BOOST_TEST(v.access_key == "AKIDEXAMPLE");
    BOOST_TEST(v.region == "us-east-1");
    BOOST_TEST(v.payload == R"({"WorkGroup":"primary-spark"})");
}

BOOST_AUTO_TEST_CASE(json_tampered_body_or_header_is_invalid_signature) {
    verified v;
    auto r = athena_post();
    r.body = R"({"WorkGroup":"primary"})";
    auto err = check(r, service_family::json, "athena", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "InvalidSignatureException");
    BOOST_TEST(err->status == 403u);
    auto r2 = athena_post();
    r2.headers[2].second = "AmazonAthena.TerminateSession";
    err = check(r2, service_family::json, "athena", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "InvalidSignatureException");
}

BOOST_AUTO_TEST_CASE(wrong_secret_unknown_key_and_wrong_service) {
    verified v;
    signed_request r;
    r.method = "POST";
    r.body = "{}";
    r.headers = {{"Host", "h"}, {"X-Amz-Target", "AWSGlue.GetDatabases"}};
    auto wrong_secret = sign(r, "glue", aws_sigv4::settings::json_service(), aws_sigv4::sha256_hex(r.body), t0,
                             {"AKIDEXAMPLE", "not-the-secret", {}});
    auto err = check(wrong_secret, service_family::json, "glue", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "InvalidSignatureException");
    auto other_key = sign(r, "glue", aws_sigv4::settings::json_service(), aws_sigv4::sha256_hex(r.body), t0,
                          {"AKIDOTHER", "x", {}});
    err = check(other_key, service_family::json, "glue", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "UnrecognizedClientException");
    err = check(other_key, service_family::s3, "s3", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "InvalidAccessKeyId");
    auto athena_scoped = sign(r, "athena", aws_sigv4::settings::json_service(), aws_sigv4::sha256_hex(r.body));
    err = check(athena_scoped, service_family::json, "glue", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->message.find("'glue'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(anonymous_requests_are_refused) {
    verified v;
    signed_request r;
    r.headers = {{"Host", "h"}};
    auto err = check(r, service_family::s3, "s3", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "AccessDenied");
    BOOST_TEST(err->status == 403u);
    err = check(r, service_family::json, "athena", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "MissingAuthenticationTokenException");
}

BOOST_AUTO_TEST_CASE(clock_skew_window_is_15_minutes) {
    verified v;
    auto r = athena_post();
    BOOST_TEST(!check(r, service_family::json, "athena", t0 + 15 * 60, v).has_value());
    auto err = check(r, service_family::json, "athena", t0 + 15 * 60 + 1, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "InvalidSignatureException");
    BOOST_TEST(err->message.find("Signature expired") != std::string::npos);
    signed_request s;
    s.target = "/bucket/key";
    s.headers = {{"Host", "h"}};
    s = sign(s, "s3", aws_sigv4::settings::s3(), std::string(aws_sigv4::payload::empty_sha256));
    err = check(s, service_family::s3, "s3", t0 - 16 * 60, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "RequestTimeTooSkewed");
}

BOOST_AUTO_TEST_CASE(s3_payload_hash_is_checked) {
    verified v;
    signed_request s;
    s.method = "PUT";
    s.target = "/bucket/a%20key";
    s.body = "hello";
    s.headers = {{"Host", "h"}};
    s = sign(s, "s3", aws_sigv4::settings::s3(), aws_sigv4::sha256_hex(s.body));
    BOOST_TEST(!check(s, service_family::s3, "s3", t0, v).has_value());
    s.body = "HELLO";
    auto err = check(s, service_family::s3, "s3", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "XAmzContentSHA256Mismatch");
    signed_request u;
    u.method = "PUT";
    u.target = "/bucket/k";
    u.body = "anything";
    u.headers = {{"Host", "h"}};
    u = sign(u, "s3", aws_sigv4::settings::s3(), std::string(aws_sigv4::payload::unsigned_payload));
    BOOST_TEST(!check(u, service_family::s3, "s3", t0, v).has_value());
}

BOOST_AUTO_TEST_CASE(presigned_urls_expire_and_detect_tampering) {
    verified v;
    signed_request s;
    s.target = "/bucket/report.csv?versionId=null";
    s.headers = {{"Host", "127.0.0.1:9777"}};
    s = sign(s, "s3", aws_sigv4::settings::s3_presigned(600), std::string(aws_sigv4::payload::unsigned_payload));
    s.headers = {{"Host", "127.0.0.1:9777"}};
    BOOST_TEST(s.target.find("X-Amz-Signature=") != std::string::npos);
    BOOST_TEST(!check(s, service_family::s3, "s3", t0 + 599, v).has_value());
    BOOST_TEST(v.presigned);
    auto err = check(s, service_family::s3, "s3", t0 + 601, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "AccessDenied");
    BOOST_TEST(err->message == "Request has expired");
    auto tampered = s;
    tampered.target.replace(tampered.target.find("report"), 6, "secret");
    err = check(tampered, service_family::s3, "s3", t0, v);
    BOOST_REQUIRE(err.has_value());
    BOOST_TEST(err->code == "SignatureDoesNotMatch");
}

BOOST_AUTO_TEST_CASE(aws_chunked_signatures_are_verified_chunk_by_chunk) {
    for (bool trailer : {false, true}) {
        std::string payload(200000, 'x');
        for (std::size_t i = 0; i < payload.size(); ++i)
            payload[i] = static_cast<char>('a' + i % 26);
        signed_request s;
        s.method = "PUT";
        s.target = "/bucket/chunked";
        s.headers = {{"Host", "h"},
                     {"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", std::to_string(payload.size())}};
        if (trailer)
            s.headers.emplace_back("x-amz-trailer", "x-amz-checksum-crc32c");
        auto mode = trailer ? aws_sigv4::payload::streaming_signed_trailer : aws_sigv4::payload::streaming_signed;
        s = sign(s, "s3", aws_sigv4::settings::s3(), std::string(mode));
        std::string seed;
        for (auto& [n, v] : s.headers)
            if (n == "Authorization")
                seed = v.substr(v.find("Signature=") + 10);
        aws_sigv4::chunk_signer cs(aws_sigv4::derive_signing_key(creds.secret_access_key, "20231114", "us-east-1", "s3"),
                                   at(t0), "us-east-1", "s3", seed);
        aws_sigv4::chunked_encoder enc(cs, 65536);
        std::string body;
        BOOST_REQUIRE(!enc.write(payload, body));
        std::vector<aws_sigv4::header_view> trailers;
        std::string crc = aws_sigv4::crc32c_base64(aws_sigv4::crc32c(payload));
        if (trailer)
            trailers.push_back({"x-amz-checksum-crc32c", crc});
        BOOST_REQUIRE(!enc.finish(trailers, body));
        s.body = body;
        verified v;
        auto err = check(s, service_family::s3, "s3", t0, v);
        BOOST_TEST(!err.has_value(), (err ? err->code : ""));
        BOOST_TEST(v.payload == payload);
        if (trailer)
            BOOST_TEST(v.trailers["x-amz-checksum-crc32c"] == crc);
        // flip one payload byte in the second chunk
        auto bad = s;
        auto pos = bad.body.find("\r\n", bad.body.find("chunk-signature", 70000)) + 10;
        bad.body[pos] = bad.body[pos] == 'q' ? 'r' : 'q';
        verified v2;
        err = check(bad, service_family::s3, "s3", t0, v2);
        BOOST_REQUIRE(err.has_value());
        BOOST_TEST(err->code == "SignatureDoesNotMatch");
    }
}

BOOST_AUTO_TEST_CASE(aws_chunked_decoder_rejects_malformed_framing) {
    std::string payload;
    std::map<std::string, std::string> trailers;
    BOOST_TEST(decode_aws_chunked("5\r\nhello\r\n0\r\n\r\n", nullptr, payload, trailers).empty());
    BOOST_TEST(payload == "hello");
    for (std::string_view bad : {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhel", "5\r\nhelloXX0\r\n\r\n",
                                 "ffffffffffffffff\r\n", "5\r\nhello\r\n0\r\n\r\nextra", "5\r\nhello\r\n0\r\nbad\r\n\r\n"}) {
        std::string p;
        std::map<std::string, std::string> t;
        BOOST_TEST(!decode_aws_chunked(bad, nullptr, p, t).empty(), bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
