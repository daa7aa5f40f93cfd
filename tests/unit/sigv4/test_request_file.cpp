// The raw request-file parser: request line split, folded headers, body bytes, CRLF, absolute form.
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

namespace sv4 = aws_sigv4;
using namespace sigv4_test;

namespace {

sv4::parsed_request parse_ok(std::string_view text) {
    sv4::parsed_request r;
    const auto ec = sv4::parse_request_file(text, r);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    return r;
}

std::string sign_text(std::string_view text) {
    const auto r = parse_ok(text);
    std::vector<sv4::header_view> views;
    const sv4::credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
    sv4::signing_result out;
    BOOST_TEST_REQUIRE(!sv4::sign(r.view(views),
                                  {c, "us-east-1", "service", parse_time("20150830T123600Z"),
                                   sv4::sha256_hex(r.body), sv4::settings::json_service()},
                                  out));
    return out.signature;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sigv4_request_file)

BOOST_AUTO_TEST_CASE(request_line) {
    auto r = parse_ok("GET /example space/ HTTP/1.1\nHost:example.amazonaws.com\n");
    BOOST_TEST(r.method == "GET");
    BOOST_TEST(r.target == "/example space/");
    BOOST_TEST(r.version == "HTTP/1.1");
    r = parse_ok("GET /a HTTP/1.1 b HTTP/1.1\nHost:h\n");
    BOOST_TEST(r.target == "/a HTTP/1.1 b");
    r = parse_ok("POST /no-version\nHost:h");
    BOOST_TEST(r.target == "/no-version");
    BOOST_TEST(r.version.empty());
    sv4::parsed_request bad;
    for (std::string_view text : {"", "\n\nbody", "GET\nHost:h", " / HTTP/1.1\nHost:h",
                                  "GET  HTTP/1.1\nHost:h", "GET / HTTP/1.1\nno colon here\n",
                                  "GET / HTTP/1.1\n continuation first\n", "GET / HTTP/1.1\n:empty-name\n", "GET https:// ps://h HTTP/1.1\n", "GET http:///x HTTP/1.1\n"})
        BOOST_TEST((sv4::parse_request_file(text, bad) == sv4::error::invalid_request_file),
                   "'" << text << "'");
}

BOOST_AUTO_TEST_CASE(headers_and_body) {
    const auto r =
        parse_ok("POST / HTTP/1.1\nHost:h\nMy-Header1: value1\nX:a\n  b\n\tc\nEmpty:\n\nline1\n\nline3\n");
    BOOST_TEST_REQUIRE(r.headers.size() == 4u);
    BOOST_TEST(r.headers[1].first == "My-Header1");
    BOOST_TEST(r.headers[1].second == "value1");
    BOOST_TEST(r.headers[2].second == "a\n  b\n\tc");
    BOOST_TEST(r.headers[3].second == "");
    BOOST_TEST(r.body == "line1\n\nline3\n");
    BOOST_TEST(parse_ok("GET / HTTP/1.1\nHost:h").body.empty());
    BOOST_TEST(parse_ok("GET / HTTP/1.1\nHost:h\n\n").body.empty());
    // to_string() round-trips.
    BOOST_TEST(parse_ok(r.to_string()).to_string() == r.to_string());
}

BOOST_AUTO_TEST_CASE(crlf_and_host_spelling_sign_the_same) {
    const std::string lf = read_file(data_dir() / "aws-c-auth-v4/get-header-value-multiline/request.txt");
    std::string crlf;
    for (char c : lf) {
        if (c == '\n')
            crlf.push_back('\r');
        crlf.push_back(c);
    }
    const std::string expected =
        normalized(read_file(data_dir() / "aws-c-auth-v4/get-header-value-multiline/header-signature.txt"));
    BOOST_TEST(sign_text(lf) == expected);
    BOOST_TEST(sign_text(crlf) == expected);
    std::string upper = lf;
    upper.replace(upper.find("Host:"), 5, "HOST:");
    BOOST_TEST(sign_text(upper) == expected);
    // The CRLF body is kept byte for byte.
    const auto r = parse_ok("POST / HTTP/1.1\r\nHost:h\r\n\r\na\r\nb");
    BOOST_TEST(r.body == "a\r\nb");
    BOOST_TEST(r.headers[0].second == "h");
}

BOOST_AUTO_TEST_CASE(absolute_form) {
    const std::string origin =
        read_file(data_dir() / "aws-c-auth-v4/get-vanilla-query-order-key-case/request.txt");
    const std::string expected = normalized(
        read_file(data_dir() / "aws-c-auth-v4/get-vanilla-query-order-key-case/header-signature.txt"));
    std::string absolute = origin;
    absolute.replace(absolute.find(" /"), 2, " https://example.amazonaws.com/");
    BOOST_TEST(sign_text(absolute) == expected);
    // Without a Host header, the authority becomes one.
    auto r = parse_ok("GET http://example.amazonaws.com:8080?a=b HTTP/1.1\n\n");
    BOOST_TEST(r.target == "/?a=b");
    BOOST_TEST_REQUIRE(r.headers.size() == 1u);
    BOOST_TEST(r.headers[0].first == "Host");
    BOOST_TEST(r.headers[0].second == "example.amazonaws.com:8080");
    r = parse_ok("GET https://h HTTP/1.1\nhost:other\n");
    BOOST_TEST(r.target == "/");
    BOOST_TEST(r.headers.size() == 1u);
    BOOST_TEST(r.headers[0].second == "other");
}

BOOST_AUTO_TEST_SUITE_END()
