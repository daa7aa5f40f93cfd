// Common protocol pieces: error category, request values, URI encoding, dates, error decoding, classify().
#include <protocol/error.hpp>
#include <protocol/http.hpp>
#include <protocol/json11.hpp>
#include <protocol/service_error.hpp>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace protocol;

BOOST_AUTO_TEST_SUITE(protocol_common)

BOOST_AUTO_TEST_CASE(error_category_names_every_code) {
    BOOST_TEST(std::error_code(error::malformed_json).category().name() == std::string("protocol"));
    for (int e = 1; e <= static_cast<int>(error::invalid_endpoint_url); ++e) {
        std::error_code ec = static_cast<error>(e);
        BOOST_TEST(ec.message() != "unknown protocol error");
        BOOST_TEST(!ec.message().empty());
    }
    BOOST_TEST(!std::error_code(error::ok));
}

BOOST_AUTO_TEST_CASE(request_target_encodes_query_in_order) {
    http_request r;
    r.path = "/b/k%20y";
    r.query = {{"uploads", ""}, {"prefix", "a b/c+d"}, {"max-keys", "10"}};
    BOOST_TEST(r.target() == "/b/k%20y?uploads&prefix=a%20b%2Fc%2Bd&max-keys=10");
    r.query.clear();
    BOOST_TEST(r.target() == "/b/k%20y");
}

BOOST_AUTO_TEST_CASE(request_authority_omits_default_port) {
    http_request r;
    r.host = "s3.amazonaws.com";
    BOOST_TEST(r.authority() == "s3.amazonaws.com");
    r.port = 8443;
    BOOST_TEST(r.authority() == "s3.amazonaws.com:8443");
    r.scheme = "http";
    r.port = 80;
    BOOST_TEST(r.authority() == "s3.amazonaws.com");
    r.headers = {{"Content-Type", "x"}};
    BOOST_REQUIRE(r.find_header("content-type") != nullptr);
    BOOST_TEST(*r.find_header("CONTENT-TYPE") == "x");
    BOOST_TEST(r.find_header("range") == nullptr);
}

BOOST_AUTO_TEST_CASE(uri_encoding_round_trips) {
    BOOST_TEST(uri_encode("aZ09-._~") == "aZ09-._~");
    BOOST_TEST(uri_encode("a b/c") == "a%20b%2Fc");
    BOOST_TEST(uri_encode("a b/c", true) == "a%20b/c");
    BOOST_TEST(uri_encode("\xc3\xa9*") == "%C3%A9%2A");
    BOOST_TEST(uri_decode("%C3%a9%2A") == "\xc3\xa9*");
    BOOST_TEST(uri_decode("a+b") == "a+b");
    BOOST_TEST(uri_decode("a+b", true) == "a b");
    BOOST_TEST(uri_decode("100%") == "100%");
    BOOST_TEST(uri_decode("%G1%4") == "%G1%4");
    std::string all;
    for (int c = 0; c < 256; ++c)
        all += static_cast<char>(c);
    BOOST_TEST(uri_decode(uri_encode(all)) == all);
}

BOOST_AUTO_TEST_CASE(iso8601_and_http_dates) {
    auto t = parse_iso8601("2011-07-15T23:28:33.359Z");
    BOOST_REQUIRE(t);
    BOOST_TEST(test::ms(*t) == 1310772513359LL);
    BOOST_TEST(format_iso8601(*t) == "2011-07-15T23:28:33.359Z");
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-24T23:00:23Z")) == 1414191623000LL);
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-24T23:00:23+00:00")) == 1414191623000LL);
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-24T23:00:23.1Z")) == 1414191623100LL);
    BOOST_TEST(!parse_iso8601("2014-10-24T23:00:23"));
    // Offsets (credential documents): the instant is the same.
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-25T01:00:23+02:00")) == 1414191623000LL);
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-24T18:00:23-0500")) == 1414191623000LL);
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-25T00:00:23+01")) == 1414191623000LL);
    BOOST_TEST(test::ms(*parse_iso8601("2014-10-24 23:00:23,5z")) == 1414191623500LL);
    BOOST_TEST(!parse_iso8601("2014-10-24T23:00:23+2"));
    BOOST_TEST(!parse_iso8601("2014-10-24T23:00:23+24:00"));
    BOOST_TEST(!parse_iso8601("2014-10-24T23:00:23Z+01"));
    BOOST_TEST(!parse_iso8601("2014-02-30T00:00:00Z"));
    BOOST_TEST(!parse_iso8601("2014-10-24T23:00:23.Z"));
    BOOST_TEST(!parse_iso8601(""));
    auto h = parse_http_date("Wed, 12 Oct 2009 17:50:00 GMT");
    BOOST_REQUIRE(h);
    BOOST_TEST(format_iso8601(*h) == "2009-10-12T17:50:00.000Z");
    BOOST_TEST(!parse_http_date("Wed, 12 Foo 2009 17:50:00 GMT"));
    BOOST_TEST(!parse_http_date("12 Oct 2009 17:50:00 GMT"));
    BOOST_TEST(test::ms(*from_epoch_seconds(1709287200.123)) == 1709287200123LL);
    BOOST_TEST(!from_epoch_seconds(1e300));
    BOOST_TEST(!from_epoch_seconds(std::numeric_limits<double>::quiet_NaN()));
}

BOOST_AUTO_TEST_CASE(json11_envelope) {
    endpoint ep{"https", "athena.eu-west-1.amazonaws.com", 443, "", false};
    http_request r;
    make_json11_request(ep, service::athena, "ListWorkGroups", "", r);
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.path == "/");
    BOOST_TEST(r.body == "{}");
    BOOST_TEST(*r.find_header("X-Amz-Target") == "AmazonAthena.ListWorkGroups");
    BOOST_TEST(*r.find_header("Content-Type") == "application/x-amz-json-1.1");
    BOOST_TEST(r.signing_name == "athena");
    ep.base_path = "/proxy";
    make_json11_request(ep, service::glue, "GetTable", "{\"a\":1}", r);
    BOOST_TEST(r.path == "/proxy/");
    BOOST_TEST(*r.find_header("x-amz-target") == "AWSGlue.GetTable");
    BOOST_TEST(r.signing_name == "glue");
    BOOST_TEST(!decode_json11_empty(test::ok("{}").view()));
    BOOST_TEST(decode_json11_empty(test::ok("{}", 400).view()) == error::not_success);
}

// ---- classify() ----------------------------------------------------------------------------------

struct classify_case {
    int status;
    const char* code;
    const char* message;
    error_class expected;
};

BOOST_AUTO_TEST_CASE(classify_table) {
    const classify_case cases[] = {
        // throttling: botocore's list, plus 429/509, whatever the status
        {400, "Throttling", "", error_class::throttling},
        {400, "ThrottlingException", "", error_class::throttling},
        {400, "ThrottledException", "", error_class::throttling},
        {400, "RequestThrottledException", "", error_class::throttling},
        {400, "TooManyRequestsException", "", error_class::throttling},
        {400, "ProvisionedThroughputExceededException", "", error_class::throttling},
        {400, "TransactionInProgressException", "", error_class::throttling},
        {400, "RequestLimitExceeded", "", error_class::throttling},
        {400, "BandwidthLimitExceeded", "", error_class::throttling},
        {400, "LimitExceededException", "", error_class::throttling},
        {400, "RequestThrottled", "", error_class::throttling},
        {503, "SlowDown", "Please reduce your request rate.", error_class::throttling},
        {400, "PriorRequestNotComplete", "", error_class::throttling},
        {400, "EC2ThrottledException", "", error_class::throttling},
        {429, "", "", error_class::throttling},
        {509, "", "", error_class::throttling},
        // transient
        {500, "", "", error_class::transient},
        {502, "", "", error_class::transient},
        {503, "", "", error_class::transient},
        {504, "", "", error_class::transient},
        {500, "InternalError", "", error_class::transient},
        {200, "InternalError", "", error_class::transient}, // CompleteMultipartUpload 200 + <Error>
        {500, "InternalServerException", "", error_class::transient},
        {503, "ServiceUnavailable", "", error_class::transient},
        {400, "RequestTimeout", "", error_class::transient},
        {408, "RequestTimeoutException", "", error_class::transient},
        {501, "NotImplemented", "", error_class::client_error},
        // clock skew
        {403, "RequestTimeTooSkewed", "", error_class::clock_skew},
        {400, "RequestExpired", "", error_class::clock_skew},
        {400, "InvalidSignatureException", "Signature expired: 20240301T101500Z is now earlier than ...",
         error_class::clock_skew},
        {403, "SignatureDoesNotMatch", "Signature expired: ...", error_class::clock_skew},
        // expired credentials (before access denied, whatever the status)
        {400, "ExpiredToken", "", error_class::expired_credentials},
        {403, "ExpiredToken", "", error_class::expired_credentials},
        {400, "ExpiredTokenException", "", error_class::expired_credentials},
        // not found
        {404, "", "", error_class::not_found},
        {404, "NoSuchKey", "", error_class::not_found},
        {404, "NoSuchBucket", "", error_class::not_found},
        {404, "NoSuchUpload", "", error_class::not_found},
        {404, "NotFound", "", error_class::not_found},
        {400, "ResourceNotFoundException", "", error_class::not_found},
        {400, "EntityNotFoundException", "", error_class::not_found},
        // access denied
        {403, "", "", error_class::access_denied},
        {403, "Forbidden", "", error_class::access_denied},
        {403, "AccessDenied", "", error_class::access_denied},
        {400, "AccessDeniedException", "", error_class::access_denied},
        {403, "InvalidAccessKeyId", "", error_class::access_denied},
        {403, "SignatureDoesNotMatch", "The request signature we calculated does not match",
         error_class::access_denied},
        {400, "InvalidSignatureException", "The request signature we calculated does not match",
         error_class::access_denied},
        {403, "InvalidClientTokenId", "", error_class::access_denied},
        {400, "UnrecognizedClientException", "", error_class::access_denied},
        // client errors
        {400, "InvalidRequestException", "", error_class::client_error},
        {400, "ValidationException", "", error_class::client_error},
        {409, "BucketAlreadyOwnedByYou", "", error_class::client_error},
        {400, "AlreadyExistsException", "", error_class::client_error},
        {412, "PreconditionFailed", "", error_class::client_error},
        {416, "InvalidRange", "", error_class::client_error},
        {400, "", "", error_class::client_error},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.status << " " << c.code << " " << c.message) {
            BOOST_TEST(to_string(classify(c.status, c.code, c.message)) == to_string(c.expected));
        }
    }
}

// ---- service error decoding ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(json_error_from_body) {
    test::response r{
        400, {{"x-amzn-RequestId", "rid-1"}}, test::fixture("athena/error_invalid_request.json")};
    service_error e = decode_json_error(r.view());
    BOOST_TEST(e.status == 400);
    BOOST_TEST(e.code == "InvalidRequestException");
    BOOST_TEST(e.message == "Session 2ec5a2b1 is not in IDLE state");
    BOOST_TEST(e.request_id == "rid-1");
    BOOST_TEST(to_string(e.kind()) == "client_error");

    test::response g{400, {{"X-Amzn-Requestid", "rid-2"}}, test::fixture("glue/error_entity_not_found.json")};
    e = decode_service_error(wire_protocol::json, g.view());
    BOOST_TEST(e.code == "EntityNotFoundException");
    BOOST_TEST(e.message == "Database tpch_sf9 not found.");
    BOOST_TEST(e.request_id == "rid-2");
    BOOST_TEST(to_string(e.kind()) == "not_found");
}

BOOST_AUTO_TEST_CASE(json_error_from_header_and_garbage) {
    test::response r{
        400,
        {{"x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral/"}},
        "<html>proxy</html>"};
    service_error e = decode_json_error(r.view());
    BOOST_TEST(e.code == "ThrottlingException");
    BOOST_TEST(e.message.empty());
    BOOST_TEST(to_string(e.kind()) == "throttling");

    test::response m{
        400,
        {},
        R"({"__type":"ExpiredTokenException","message":"The security token included in the request )"
        R"(is expired"})"};
    e = decode_json_error(m.view());
    BOOST_TEST(e.code == "ExpiredTokenException");
    BOOST_TEST(to_string(e.kind()) == "expired_credentials");

    test::response empty{503, {}, ""};
    e = decode_json_error(empty.view());
    BOOST_TEST(e.code.empty());
    BOOST_TEST(to_string(e.kind()) == "transient");
}

BOOST_AUTO_TEST_CASE(rest_xml_error_with_body) {
    test::response r{404,
                     {{"x-amz-request-id", "hdr-id"}, {"x-amz-id-2", "hdr-host"}},
                     test::fixture("s3/error_no_such_key.xml")};
    service_error e = decode_rest_xml_error(r.view());
    BOOST_TEST(e.code == "NoSuchKey");
    BOOST_TEST(e.message == "The specified key does not exist.");
    BOOST_TEST(e.request_id == "hdr-id"); // the header wins over the body
    BOOST_TEST(e.extended_request_id == "hdr-host");
    BOOST_TEST(to_string(e.kind()) == "not_found");

    test::response s{403, {}, test::fixture("s3/error_skewed.xml")};
    e = decode_service_error(wire_protocol::rest_xml, s.view());
    BOOST_TEST(e.code == "RequestTimeTooSkewed");
    BOOST_TEST(e.request_id == "8E9B8C3F1A2D4E5F");
    BOOST_TEST(e.extended_request_id == "abc123==");
    BOOST_TEST(to_string(e.kind()) == "clock_skew");
}

BOOST_AUTO_TEST_CASE(rest_xml_error_without_body) {
    const std::pair<int, const char*> cases[] = {{404, "NotFound"},   {403, "Forbidden"},
                                                 {400, "BadRequest"}, {301, "PermanentRedirect"},
                                                 {503, "SlowDown"},   {500, "500"}};
    for (auto [status, code] : cases) {
        test::response r{status, {{"x-amz-request-id", "R"}}, ""};
        service_error e = decode_rest_xml_error(r.view());
        BOOST_TEST(e.code == code);
        BOOST_TEST(e.request_id == "R");
    }
    test::response nf{404, {}, ""};
    BOOST_TEST(to_string(decode_rest_xml_error(nf.view()).kind()) == "not_found");
}

BOOST_AUTO_TEST_CASE(rest_xml_error_in_200) {
    test::response r{200, {}, test::fixture("s3/complete_multipart_upload_error.xml")};
    service_error e = decode_rest_xml_error(r.view());
    BOOST_TEST(e.code == "InternalError");
    BOOST_TEST(e.request_id == "656c76696e6727732072657175657374");
    BOOST_TEST(to_string(e.kind()) == "transient");
}

BOOST_AUTO_TEST_CASE(query_error) {
    test::response r{403, {{"x-amzn-RequestId", "hdr"}}, test::fixture("sts/error_expired_token.xml")};
    service_error e = decode_query_error(r.view());
    BOOST_TEST(e.code == "ExpiredToken");
    BOOST_TEST(e.message == "The security token included in the request is expired");
    BOOST_TEST(e.request_id == "hdr");
    BOOST_TEST(to_string(e.kind()) == "expired_credentials");
    r.headers.clear();
    e = decode_service_error(wire_protocol::query, r.view());
    BOOST_TEST(e.request_id == "7c2b9a4e-1f0d-4c53-9b2e-5a1d3f6e8c90");
    test::response bad{500, {}, "<ErrorResponse><oops"};
    e = decode_query_error(bad.view());
    BOOST_TEST(e.status == 500);
    BOOST_TEST(to_string(e.kind()) == "transient");
}

BOOST_AUTO_TEST_CASE(padded_body_is_parsed_in_place) {
    std::string storage = R"({"__type":"a#TooManyRequestsException","message":"m"})";
    std::size_t n = storage.size();
    storage.append(json_padding, ' ');
    http_response_view v{400, {}, std::string_view(storage.data(), n), true};
    service_error e = decode_json_error(v);
    BOOST_TEST(e.code == "TooManyRequestsException");
    BOOST_TEST(e.message == "m");
}

BOOST_AUTO_TEST_SUITE_END()
