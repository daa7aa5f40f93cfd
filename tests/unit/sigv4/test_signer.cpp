// aws_sigv4 unit tests: settings presets, errors for malformed input, expiry range, credentials
// redaction, the signing-key cache, time parsing, URI helpers and buffer reuse.
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <sstream>

#include "helpers.hpp"

namespace sv4 = aws_sigv4;
using namespace sigv4_test;

namespace {

const sv4::credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", {}};
const sv4::credentials temp_creds{"ASIAEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                  "FwoGZXIvYXdzEXAMPLE+/="};

sv4::signing_time t0() {
    return parse_time("20150830T123600Z");
}

const sv4::header_view athena_headers[] = {{"Host", "athena.us-east-1.amazonaws.com"},
                                           {"Content-Type", "application/x-amz-json-1.1"},
                                           {"X-Amz-Target", "AmazonAthena.StartQueryExecution"},
                                           {"User-Agent", "bb-async/0.1"}};

std::error_code sign_with(const sv4::request_view& req, const sv4::settings& cfg, sv4::signing_result& out,
                          const sv4::credentials& c = creds,
                          std::string_view hash = sv4::payload::empty_sha256) {
    return sv4::sign(req, {c, "us-east-1", "service", t0(), hash, cfg}, out);
}

} // namespace

BOOST_AUTO_TEST_SUITE(sigv4_settings)

BOOST_AUTO_TEST_CASE(presets) {
    const auto j = sv4::settings::json_service();
    BOOST_TEST((j.path_encoding == sv4::uri_encoding::double_encode));
    BOOST_TEST(j.normalize_path);
    BOOST_TEST(!j.content_sha256_header);
    BOOST_TEST((j.location == sv4::signature_location::headers));
    BOOST_TEST((j.token_mode == sv4::session_token_mode::sign));
    BOOST_TEST(j.excluded_headers.size() == 5u);

    const auto s = sv4::settings::s3();
    BOOST_TEST((s.path_encoding == sv4::uri_encoding::single_encode));
    BOOST_TEST(!s.normalize_path);
    BOOST_TEST(s.content_sha256_header);
    BOOST_TEST(!s.content_sha256_header_in_presigned);

    const auto p = sv4::settings::s3_presigned(3600);
    BOOST_TEST((p.location == sv4::signature_location::query_params));
    BOOST_TEST(p.expires_seconds == 3600u);
}

BOOST_AUTO_TEST_CASE(json_service_signs_athena_headers_only) {
    const sv4::request_view req{"POST", "/", athena_headers};
    sv4::signing_result r;
    BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::json_service(), r, creds, sv4::sha256_hex("{}")));
    BOOST_TEST(r.signed_headers == "content-type;host;x-amz-date;x-amz-target");
    BOOST_TEST(r.headers_to_add.size() == 2u);
    BOOST_TEST(r.headers_to_add[0].first == "X-Amz-Date");
    BOOST_TEST(r.headers_to_add[0].second == "20150830T123600Z");
    BOOST_TEST(r.headers_to_add[1].first == "Authorization");
    BOOST_TEST(r.canonical_request.ends_with("\n" + sv4::sha256_hex("{}")));

    BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::json_service(), r, temp_creds));
    BOOST_TEST(r.signed_headers == "content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
    BOOST_TEST(r.headers_to_add.size() == 3u);
    BOOST_TEST(r.headers_to_add[1].first == "X-Amz-Security-Token");
    BOOST_TEST(r.headers_to_add[1].second == temp_creds.session_token);
}

BOOST_AUTO_TEST_CASE(token_after_signing_and_in_query) {
    const sv4::request_view req{"POST", "/", athena_headers};
    auto cfg = sv4::settings::json_service();
    cfg.token_mode = sv4::session_token_mode::append_after_signing;
    sv4::signing_result r;
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r, temp_creds));
    BOOST_TEST(r.signed_headers == "content-type;host;x-amz-date;x-amz-target");
    BOOST_TEST(r.headers_to_add.size() == 3u);
    BOOST_TEST(r.headers_to_add[1].first == "X-Amz-Security-Token");

    cfg.location = sv4::signature_location::query_params;
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r, temp_creds));
    BOOST_TEST(r.canonical_request.find("X-Amz-Security-Token") == std::string::npos);
    BOOST_TEST(r.query_to_add.size() == 7u);
    BOOST_TEST(r.query_to_add[5].first == "X-Amz-Security-Token");
    BOOST_TEST(r.query_to_add[5].second == "FwoGZXIvYXdzEXAMPLE%2B%2F%3D");
    BOOST_TEST(r.query_to_add[6].first == "X-Amz-Signature");

    cfg.token_mode = sv4::session_token_mode::sign;
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r, temp_creds));
    BOOST_TEST(
        r.canonical_request.find("&X-Amz-Security-Token=FwoGZXIvYXdzEXAMPLE%2B%2F%3D&X-Amz-SignedHeaders=") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(presigned_target_separators) {
    const sv4::header_view h[] = {{"host", "example.com"}};
    sv4::signing_result r;
    const auto cfg = sv4::settings::s3_presigned(60);
    const std::pair<std::string, std::string> cases[] = {
        {"/a", "/a?X-Amz-Algorithm="},           {"/a?", "/a?X-Amz-Algorithm="},
        {"/a?b=c", "/a?b=c&X-Amz-Algorithm="},   {"/a?b=c&", "/a?b=c&X-Amz-Algorithm="},
        {"/a?b=c?", "/a?b=c?&X-Amz-Algorithm="}, {"/a?b#frag", "/a?b&X-Amz-Algorithm="},
    };
    for (const auto& [target, prefix] : cases) {
        BOOST_TEST_REQUIRE(!sign_with({"GET", target, h}, cfg, r));
        const std::string t = r.presigned_target(target);
        BOOST_TEST(t.starts_with(prefix), target << " -> " << t);
        BOOST_TEST(query_params(t).count({"X-Amz-Signature", r.signature}) == 1u);
    }
}

BOOST_AUTO_TEST_CASE(excluded_headers_are_configurable) {
    const sv4::request_view req{"POST", "/", athena_headers};
    auto cfg = sv4::settings::json_service();
    cfg.excluded_headers.clear();
    sv4::signing_result r;
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r));
    BOOST_TEST(r.signed_headers == "content-type;host;user-agent;x-amz-date;x-amz-target");
    cfg.excluded_headers = {"x-amz-target", "user-agent"};
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r));
    BOOST_TEST(r.signed_headers ==
               "content-type;host;x-amz-date"); // Excluded names in any case; an empty one excludes nothing.
    cfg.excluded_headers = {"X-Amz-Target", "", "USER-AGENT"};
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r));
    BOOST_TEST(r.signed_headers == "content-type;host;x-amz-date");
}

BOOST_AUTO_TEST_CASE(path_encoding_and_normalization) {
    const sv4::header_view h[] = {{"host", "example.com"}};
    const sv4::request_view req{"GET", "/a/./b/../c%3A//d e", h};
    sv4::signing_result r;
    const auto uri = [&] {
        const auto& c = r.canonical_request;
        const auto b = c.find('\n') + 1;
        return c.substr(b, c.find('\n', b) - b);
    };
    BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::json_service(), r));
    BOOST_TEST(uri() == "/a/c%253A/d%20e");
    BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::s3(), r));
    BOOST_TEST(uri() == "/a/./b/../c%3A//d%20e");
    auto cfg = sv4::settings::json_service();
    cfg.normalize_path = false;
    BOOST_TEST_REQUIRE(!sign_with(req, cfg, r));
    BOOST_TEST(uri() == "/a/./b/../c%253A//d%20e");
}

BOOST_AUTO_TEST_CASE(payload_kinds) {
    const sv4::header_view h[] = {{"host", "bucket.s3.amazonaws.com"}};
    const sv4::request_view req{"PUT", "/key", h};
    sv4::signing_result r;
    for (std::string_view v :
         {sv4::payload::unsigned_payload, sv4::payload::streaming_signed,
          sv4::payload::streaming_signed_trailer, sv4::payload::streaming_unsigned_trailer}) {
        BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::s3(), r, creds, v));
        BOOST_TEST(r.canonical_request.ends_with("\n" + std::string(v)));
        BOOST_TEST(r.canonical_request.find("x-amz-content-sha256:" + std::string(v) + "\n") !=
                   std::string::npos);
    }
    BOOST_TEST(sv4::payload::is_valid(sv4::sha256_hex("abc")));
    BOOST_TEST(!sv4::payload::is_valid("UNSIGNED"));
    BOOST_TEST(!sv4::payload::is_valid(std::string(64, 'A')));
    BOOST_TEST((sign_with(req, sv4::settings::s3(), r, creds, "nope") == sv4::error::invalid_payload_hash));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_errors)

BOOST_AUTO_TEST_CASE(category) {
    const std::error_code ec = sv4::error::invalid_expires;
    BOOST_TEST(std::string(ec.category().name()) == "aws_sigv4");
    BOOST_TEST(ec.message().find("604800") != std::string::npos);
    BOOST_TEST((ec == sv4::error::invalid_expires));
    BOOST_TEST(!std::error_code(sv4::error::ok));
    for (int e = 1; e <= static_cast<int>(sv4::error::invalid_trailer); ++e)
        BOOST_TEST(sv4::make_error_code(static_cast<sv4::error>(e)).message().find("unknown") ==
                   std::string::npos);
}

BOOST_AUTO_TEST_CASE(expires_range) {
    const sv4::header_view h[] = {{"host", "example.com"}};
    const sv4::request_view req{"GET", "/", h};
    sv4::signing_result r;
    for (std::uint32_t e : {0u, 604801u, 4000000000u}) {
        BOOST_TEST_CONTEXT("expires " << e) {
            BOOST_TEST((sign_with(req, sv4::settings::s3_presigned(e), r) == sv4::error::invalid_expires));
            BOOST_TEST(r.signature.empty());
            BOOST_TEST(r.query_to_add.empty());
        }
    }
    for (std::uint32_t e : {1u, 3600u, 604800u}) {
        BOOST_TEST_REQUIRE(!sign_with(req, sv4::settings::s3_presigned(e), r));
        BOOST_TEST(r.canonical_request.find("X-Amz-Expires=" + std::to_string(e) + "&") != std::string::npos);
    }
    // Header mode ignores the expiry.
    auto cfg = sv4::settings::s3();
    cfg.expires_seconds = 0;
    BOOST_TEST(!sign_with(req, cfg, r));
}

BOOST_AUTO_TEST_CASE(malformed_requests) {
    struct bad {
        std::string method, target, name, value;
        sv4::error expected;
    };
    const bad cases[] = {
        {"", "/", "x-a", "1", sv4::error::invalid_method},
        {"GE T", "/", "x-a", "1", sv4::error::invalid_method},
        {"GET\n", "/", "x-a", "1", sv4::error::invalid_method},
        {"GET", "", "x-a", "1", sv4::error::invalid_target},
        {"GET", "noslash", "x-a", "1", sv4::error::invalid_target},
        {"GET", "/a\nb", "x-a", "1", sv4::error::invalid_target},
        {"GET", "/", "", "1", sv4::error::invalid_header_name},
        {"GET", "/", "bad name", "1", sv4::error::invalid_header_name},
        {"GET", "/", "bad:name", "1", sv4::error::invalid_header_name},
        {"GET", "/", "x-a", "a\r\nInjected: 1", sv4::error::invalid_header_value},
        {"GET", "/", "x-a", "a\nb", sv4::error::invalid_header_value},
        {"GET", "/", "x-a", "a\rb", sv4::error::invalid_header_value},
        {"GET", "/", "x-a", std::string("a\0b", 3), sv4::error::invalid_header_value},
        {"GET", "/", "x-a", "trailing\n", sv4::error::invalid_header_value},
        {"GET", "/", "X-Amz-Date", "20150830T123601Z", sv4::error::invalid_time},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("method '" << c.method << "' target '" << c.target << "' header '" << c.name
                                      << "'") {
            const sv4::header_view h[] = {{"host", "example.com"}, {c.name, c.value}};
            const sv4::request_view req{c.method, c.target, h};
            sv4::signing_result r;
            BOOST_TEST((sign_with(req, sv4::settings::json_service(), r) == c.expected));
            std::string creq, sh;
            BOOST_TEST((sv4::canonical_request(req,
                                               {creds, "us-east-1", "service", t0(),
                                                sv4::payload::empty_sha256, sv4::settings::json_service()},
                                               creq, sh) == c.expected));
        }
    }
    // Folded continuation lines are fine.
    const sv4::header_view folded[] = {{"host", "example.com"}, {"x-a", "v1\n  v2\r\n\tv3"}};
    sv4::signing_result r;
    BOOST_TEST_REQUIRE(!sign_with({"GET", "/", folded}, sv4::settings::json_service(), r));
    BOOST_TEST(r.canonical_request.find("\nx-a:v1 v2 v3\n") != std::string::npos);
    // Host: missing or empty.
    const sv4::header_view no_host[] = {{"x-a", "1"}};
    BOOST_TEST(
        (sign_with({"GET", "/", no_host}, sv4::settings::json_service(), r) == sv4::error::missing_host));
    const sv4::header_view empty_host[] = {{"Host", "  "}};
    BOOST_TEST(
        (sign_with({"GET", "/", empty_host}, sv4::settings::json_service(), r) == sv4::error::missing_host));
}

BOOST_AUTO_TEST_CASE(malformed_params) {
    const sv4::header_view h[] = {{"host", "example.com"}};
    const sv4::request_view req{"GET", "/", h};
    const auto cfg = sv4::settings::json_service();
    sv4::signing_result r;
    auto with = [&](const sv4::credentials& c, std::string_view region, std::string_view service) {
        return sv4::sign(req, {c, region, service, t0(), sv4::payload::empty_sha256, cfg}, r);
    };
    BOOST_TEST((with(creds, "", "s3") == sv4::error::invalid_region));
    BOOST_TEST((with(creds, "us-east-1/x", "s3") == sv4::error::invalid_region));
    BOOST_TEST((with(creds, "US-EAST-1", "s3") == sv4::error::invalid_region));
    BOOST_TEST((with(creds, "us-east-1", "") == sv4::error::invalid_service));
    BOOST_TEST((with(creds, "us-east-1", "a/b") == sv4::error::invalid_service));
    BOOST_TEST((with({"", "secret", {}}, "us-east-1", "s3") == sv4::error::invalid_credentials));
    BOOST_TEST((with({"AKID", "", {}}, "us-east-1", "s3") == sv4::error::invalid_credentials));
    BOOST_TEST((with({"AK/ID", "secret", {}}, "us-east-1", "s3") == sv4::error::invalid_credentials));
    BOOST_TEST((with({"AKID", "sec ret", {}}, "us-east-1", "s3") == sv4::error::invalid_credentials));
    BOOST_TEST((with({"AKID", "secret", "tok\nen"}, "us-east-1", "s3") == sv4::error::invalid_credentials));
    BOOST_TEST(!with({"AKID", "secret", {}}, "us-east-1", "s3"));
}

BOOST_AUTO_TEST_CASE(no_secret_in_messages) {
    // Every message of the category is fixed text: no input is ever quoted.
    for (int e = 0; e <= static_cast<int>(sv4::error::invalid_trailer) + 1; ++e) {
        const std::string m = sv4::make_error_code(static_cast<sv4::error>(e)).message();
        BOOST_TEST(m.find(creds.secret_access_key) == std::string::npos);
        BOOST_TEST(!m.empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_time)

BOOST_AUTO_TEST_CASE(parse_and_format) {
    std::error_code ec;
    const auto a = sv4::signing_time::parse("20150830T123600Z", ec);
    BOOST_TEST(!ec);
    const auto b = sv4::signing_time::parse("2015-08-30T12:36:00Z", ec);
    BOOST_TEST(!ec);
    BOOST_TEST((a == b));
    BOOST_TEST(a.amz_date() == "20150830T123600Z");
    BOOST_TEST(a.date() == "20150830");
    BOOST_TEST(a.unix_seconds() == 1440938160);
    const auto c = sv4::signing_time::from_unix(1440938160, ec);
    BOOST_TEST(!ec);
    BOOST_TEST(c.amz_date() == "20150830T123600Z");
    BOOST_TEST(sv4::signing_time().amz_date() == "19700101T000000Z");
    BOOST_TEST(sv4::signing_time::parse("20240229T235959Z", ec).amz_date() == "20240229T235959Z");
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(bad_times) {
    for (std::string_view s :
         {"", "2015", "20150830T123600", "20150830 123600Z", "20151330T123600Z", "20150230T123600Z",
          "20230229T000000Z", "20150830T243600Z", "20150830T126000Z", "20150830T123660Z", "19690101T000000Z",
          "2015-08-30 12:36:00Z", "2015-08-30T12:36:00", "2O150830T123600Z", "+0150830T123600Z"}) {
        std::error_code ec;
        sv4::signing_time::parse(s, ec);
        BOOST_TEST((ec == sv4::error::invalid_time), "'" << s << "'");
    }
    std::error_code ec;
    sv4::signing_time::from_unix(-1, ec);
    BOOST_TEST((ec == sv4::error::invalid_time));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_credentials)

BOOST_AUTO_TEST_CASE(redaction) {
    std::ostringstream os;
    os << temp_creds;
    const std::string s = os.str();
    BOOST_TEST(s == sv4::to_string(temp_creds));
    BOOST_TEST(s.find("ASIAEXAMPLE") != std::string::npos);
    BOOST_TEST(s.find(temp_creds.secret_access_key) == std::string::npos);
    BOOST_TEST(s.find(temp_creds.session_token) == std::string::npos);
    BOOST_TEST(s.find("redacted") != std::string::npos);
    BOOST_TEST(sv4::to_string(creds).find("session_token") == std::string::npos);

    const std::string text =
        "--secret-key " + temp_creds.secret_access_key + " --session-token " + temp_creds.session_token;
    const std::string r = sv4::redact(text, temp_creds);
    BOOST_TEST(r.find(temp_creds.secret_access_key) == std::string::npos);
    BOOST_TEST(r.find(temp_creds.session_token) == std::string::npos);
    BOOST_TEST(r.starts_with("--secret-key ** redacted ** --session-token"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_keys)

BOOST_AUTO_TEST_CASE(signing_key_known_value) {
    // AWS General Reference example: 20150830/us-east-1/iam.
    const auto k =
        sv4::derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam");
    BOOST_TEST(sv4::to_hex_string(k) == "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
    // RFC 4231 test case 2 (short key) and 6 (key longer than a block).
    BOOST_TEST(sv4::to_hex_string(sv4::hmac_sha256("Jefe", "what do ya want for nothing?")) ==
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    BOOST_TEST(sv4::to_hex_string(sv4::hmac_sha256(
                   std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")) ==
               "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    BOOST_TEST(sv4::sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(sv4::sha256_hex("") == sv4::payload::empty_sha256);
    // Incremental SHA-256 and HMAC agree with the one-shot forms.
    sv4::sha256 h;
    h.update("a").update("bc");
    BOOST_TEST(sv4::to_hex_string(h.finish()) == sv4::sha256_hex("abc"));
    const sv4::hmac_key key("Jefe");
    sv4::sha256 inner = key.begin();
    inner.update("what do ya want ").update("for nothing?");
    BOOST_TEST(key.finish_mac(inner) == key.mac("what do ya want for nothing?"));
}

BOOST_AUTO_TEST_CASE(cache_hits_and_misses) {
    sv4::signer s;
    const sv4::header_view h[] = {{"host", "example.com"}};
    const sv4::request_view req{"GET", "/", h};
    const auto cfg = sv4::settings::json_service();
    sv4::signing_result r1, r2;
    BOOST_TEST_REQUIRE(
        !s.sign(req, {creds, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r1));
    BOOST_TEST(s.key_cache().misses() == 1u);
    BOOST_TEST(s.key_cache().hits() == 0u);
    BOOST_TEST_REQUIRE(
        !s.sign(req, {creds, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r2));
    BOOST_TEST(s.key_cache().hits() == 1u);
    BOOST_TEST(r1.signature == r2.signature);
    // Same day, another second: still a hit (the key depends on the date only).
    BOOST_TEST_REQUIRE(!s.sign(
        req, {creds, "us-east-1", "athena", parse_time("20150830T235959Z"), sv4::payload::empty_sha256, cfg},
        r2));
    BOOST_TEST(s.key_cache().hits() == 2u);
    // Another date, region, service or secret: a miss each.
    BOOST_TEST(!s.sign(
        req, {creds, "us-east-1", "athena", parse_time("20150831T000000Z"), sv4::payload::empty_sha256, cfg},
        r2));
    BOOST_TEST(!s.sign(req, {creds, "eu-west-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r2));
    BOOST_TEST(!s.sign(req, {creds, "us-east-1", "glue", t0(), sv4::payload::empty_sha256, cfg}, r2));
    const sv4::credentials other{"AKIDEXAMPLE", "another-secret", {}};
    BOOST_TEST(!s.sign(req, {other, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r2));
    BOOST_TEST(s.key_cache().misses() == 5u);
    BOOST_TEST(r2.signature != r1.signature);
    // The cached result equals the uncached one.
    sv4::signing_result r3;
    BOOST_TEST(!sv4::sign(req, {other, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r3));
    BOOST_TEST(r3.signature == r2.signature);
    // Beyond capacity, old entries are evicted and derived again.
    sv4::signing_key_cache cache;
    const std::string regions[] = {"r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"};
    for (const auto& reg : regions)
        cache.get("secret", "20150830", reg, "s3");
    BOOST_TEST(cache.misses() == 9u);
    cache.get("secret", "20150830", "r9", "s3");
    BOOST_TEST(cache.hits() == 1u);
    cache.get("secret", "20150830", "r1", "s3");
    BOOST_TEST(cache.misses() == 10u);
    BOOST_TEST(sv4::to_hex_string(cache.get("secret", "20150830", "r5", "s3").mac("x")) ==
               sv4::to_hex_string(
                   sv4::hmac_key(sv4::derive_signing_key("secret", "20150830", "r5", "s3")).mac("x")));
}

BOOST_AUTO_TEST_CASE(result_reuse) {
    // A reused signing_result gives the same answer as a fresh one, in both modes, after errors too.
    sv4::signer s;
    sv4::signing_result reused;
    const sv4::header_view h[] = {{"host", "example.com"}, {"x-amz-meta-a", "1"}};
    const sv4::request_view req{"PUT", "/k?x=1", h};
    for (int round = 0; round < 3; ++round) {
        for (const auto& cfg :
             {sv4::settings::s3(), sv4::settings::s3_presigned(60), sv4::settings::json_service()}) {
            for (const auto* c : {&creds, &temp_creds}) {
                sv4::signing_result fresh;
                const sv4::signing_params p{*c, "us-east-1", "s3", t0(), sv4::payload::unsigned_payload, cfg};
                BOOST_TEST_REQUIRE(!sv4::sign(req, p, fresh));
                BOOST_TEST_REQUIRE(!s.sign(req, p, reused));
                BOOST_TEST(reused.canonical_request == fresh.canonical_request);
                BOOST_TEST(reused.authorization == fresh.authorization);
                BOOST_TEST((reused.headers_to_add == fresh.headers_to_add));
                BOOST_TEST((reused.query_to_add == fresh.query_to_add));
            }
        }
        BOOST_TEST((s.sign({"BAD METHOD", "/", h},
                           {creds, "us-east-1", "s3", t0(), sv4::payload::empty_sha256, sv4::settings::s3()},
                           reused) == sv4::error::invalid_method));
        BOOST_TEST(reused.headers_to_add.empty());
        BOOST_TEST(reused.signature.empty());
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_prefix_hasher)

BOOST_AUTO_TEST_CASE(equals_sha256_whatever_the_history) {
    // Messages that share prefixes of every length (in and out of block boundaries), grow, shrink
    // and diverge: each hash must be the plain SHA-256, and shared full blocks must be reused.
    sv4::prefix_hasher h;
    std::uint32_t x = 12345;
    auto next = [&x] { return x = x * 1103515245u + 12345u; };
    std::string base(700, '\0');
    for (auto& c : base)
        c = static_cast<char>('a' + next() % 26);
    for (int i = 0; i < 2000; ++i) {
        std::string m = base.substr(0, next() % base.size());
        if (!m.empty() && next() % 3 == 0)
            m[next() % m.size()] ^= 1; // diverge somewhere
        BOOST_TEST_REQUIRE((h.hash(m) == sv4::sha256_of(m)),
                           "message " << i << " of " << m.size() << " bytes");
    }
    BOOST_TEST(h.blocks_reused() > 0u);
    // After a divergent message, blocks cached past its end must not be resumed for a message
    // that shares the new prefix but the old tail.
    sv4::prefix_hasher g;
    const std::string a(600, 'a');
    std::string b = a.substr(0, 200);
    b[70] = 'b'; // differs in block 1
    const std::string c = b + a.substr(200);
    BOOST_TEST((g.hash(a) == sv4::sha256_of(a)));
    BOOST_TEST((g.hash(b) == sv4::sha256_of(b)));
    BOOST_TEST((g.hash(c) == sv4::sha256_of(c)));
}

BOOST_AUTO_TEST_CASE(signer_reuses_the_canonical_request_prefix) {
    // Two status polls for different calculations in the same second: same prefix, other body.
    sv4::signer s;
    sv4::signing_result r1, r2;
    const sv4::header_view h[] = {{"host", "athena.us-east-1.amazonaws.com"},
                                  {"content-type", "application/x-amz-json-1.1"},
                                  {"x-amz-target", "AmazonAthena.GetCalculationExecutionStatus"}};
    const sv4::request_view req{"POST", "/", h};
    const auto cfg = sv4::settings::json_service();
    const std::string h1 = sv4::sha256_hex(R"({"CalculationExecutionId":"1"})");
    const std::string h2 = sv4::sha256_hex(R"({"CalculationExecutionId":"2"})");
    BOOST_TEST_REQUIRE(!s.sign(req, {creds, "us-east-1", "athena", t0(), h1, cfg}, r1));
    BOOST_TEST_REQUIRE(!s.sign(req, {creds, "us-east-1", "athena", t0(), h2, cfg}, r2));
    BOOST_TEST(s.canonical_hasher().blocks_reused() >= 2u);
    sv4::signing_result fresh;
    BOOST_TEST_REQUIRE(!sv4::sign(req, {creds, "us-east-1", "athena", t0(), h2, cfg}, fresh));
    BOOST_TEST(r2.signature == fresh.signature);
    BOOST_TEST(r2.signature != r1.signature);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sigv4_uri)

BOOST_AUTO_TEST_CASE(encode_decode_normalize) {
    std::string out;
    sv4::uri_encode("a b/c~d%41+é", true, false, out);
    BOOST_TEST(out == "a%20b/c~d%2541%2B%C3%A9");
    out.clear();
    sv4::uri_encode("a b/c~d%41%4", false, true, out);
    BOOST_TEST(out == "a%20b%2Fc~d%41%254");
    out.clear();
    sv4::uri_decode("%41%4a%zz+%", out);
    BOOST_TEST(out == "AJ%zz+%");
    BOOST_TEST(sv4::normalize_path("/a/./b/../c//") == "/a/c/");
    BOOST_TEST(sv4::normalize_path("/a/b/..") == "/a");
    BOOST_TEST(sv4::normalize_path("//") == "/");
    BOOST_TEST(sv4::normalize_path("") == "/");
    BOOST_TEST(sv4::normalize_path("/../..") == "/");
    BOOST_TEST(sv4::normalize_path("/example/..") == "/");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(cached_key_still_validates_each_request) {
    // A cache hit skips the checks of the secret key, region and service (they were checked when
    // the key was derived), never those of the access key id, payload hash, expiry or token.
    sv4::signer s;
    const sv4::header_view h[] = {{"host", "example.com"}};
    const sv4::request_view req{"GET", "/", h};
    const auto cfg = sv4::settings::json_service();
    sv4::signing_result r;
    BOOST_TEST_REQUIRE(
        !s.sign(req, {creds, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}, r));
    auto both = [&](const sv4::signing_params& p) {
        const auto ec = s.sign(req, p, r);
        BOOST_TEST(ec == sv4::validate(p));
        BOOST_TEST(r.signature.empty()); // a failure leaves nothing behind
        return ec;
    };
    const sv4::credentials bad_akid{"AKID/EXAMPLE", creds.secret_access_key, {}};
    BOOST_TEST(both({bad_akid, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}) ==
               sv4::error::invalid_credentials);
    const sv4::credentials empty_akid{"", creds.secret_access_key, {}};
    BOOST_TEST(both({empty_akid, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}) ==
               sv4::error::invalid_credentials);
    const sv4::credentials bad_token{creds.access_key_id, creds.secret_access_key, "tok\nen"};
    BOOST_TEST(both({bad_token, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg}) ==
               sv4::error::invalid_credentials);
    BOOST_TEST(both({creds, "us-east-1", "athena", t0(),
                     "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", cfg}) ==
               sv4::error::invalid_payload_hash);
    auto presigned = cfg;
    presigned.location = sv4::signature_location::query_params;
    presigned.expires_seconds = 604801;
    BOOST_TEST(both({creds, "us-east-1", "athena", t0(), sv4::payload::unsigned_payload, presigned}) ==
               sv4::error::invalid_expires);
    BOOST_TEST(s.key_cache().misses() == 1u);
}

BOOST_AUTO_TEST_CASE(reused_result_equals_fresh_one) {
    // signer::sign overwrites the strings of a reused signing_result without clearing them first:
    // a long request, then a short one, then a presigned one, each equal to a one-shot signature.
    sv4::signer s;
    sv4::signing_result reused;
    const auto cfg = sv4::settings::json_service();
    auto presigned = cfg;
    presigned.location = sv4::signature_location::query_params;
    const sv4::header_view long_h[] = {{"host", "example.com"},
                                       {"X-Amz-Target", "AmazonAthena.StartQueryExecution"},
                                       {"Content-Type", "application/x-amz-json-1.1"},
                                       {"x-custom-header-with-a-long-name", "a  long   value"}};
    const sv4::header_view short_h[] = {{"host", "e.c"}};
    const sv4::request_view reqs[] = {
        {"POST", "/a/long/path?with=query&and=more", long_h}, {"GET", "/", short_h}, {"GET", "/k", short_h}};
    const sv4::settings* cfgs[] = {&cfg, &cfg, &presigned};
    for (int i = 0; i < 3; ++i) {
        const sv4::signing_params p{creds,   "us-east-1", "athena", t0(), sv4::payload::unsigned_payload,
                                    *cfgs[i]};
        sv4::signing_result fresh;
        BOOST_TEST_REQUIRE(!s.sign(reqs[i], p, reused));
        BOOST_TEST_REQUIRE(!sv4::sign(reqs[i], p, fresh));
        BOOST_TEST(reused.canonical_request == fresh.canonical_request);
        BOOST_TEST(reused.string_to_sign == fresh.string_to_sign);
        BOOST_TEST(reused.signed_headers == fresh.signed_headers);
        BOOST_TEST(reused.signature == fresh.signature);
        BOOST_TEST(reused.authorization == fresh.authorization);
        BOOST_TEST((reused.headers_to_add == fresh.headers_to_add));
        BOOST_TEST((reused.query_to_add == fresh.query_to_add));
    }
}

BOOST_AUTO_TEST_CASE(header_names_of_every_length) {
    // Names are lowercased 16 bytes at a time (8..15 bytes: two overlapping halves) with a
    // bytewise fallback: every length and position of an upper-case letter, another token
    // character and a forbidden byte.
    const auto cfg = sv4::settings::json_service();
    const sv4::signing_params p{creds, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg};
    for (std::size_t len = 1; len <= 40; ++len) {
        for (std::size_t at = 0; at < len; ++at) {
            for (char c : {'Q', '_', '~', ' ', ':', '\x80', '\0'}) {
                std::string name(len, 'x');
                for (std::size_t i = 0; i < len; ++i)
                    name[i] = "aZ9-"[i % 4];
                name[at] = c;
                const sv4::header_view h[] = {{"host", "example.com"}, {name, "v"}};
                sv4::signing_result r;
                const auto ec = sv4::sign({"GET", "/", h}, p, r);
                const bool token = c == 'Q' || c == '_' || c == '~';
                BOOST_TEST_REQUIRE((ec == (token ? std::error_code{} : sv4::error::invalid_header_name)),
                                   "len " << len << " at " << at << " byte " << int(c));
                if (token) {
                    std::string lower = name;
                    for (char& ch : lower)
                        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                    BOOST_TEST_REQUIRE(r.canonical_request.find("\n" + lower + ":v\n") != std::string::npos);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(sha256_padding_at_every_length) {
    // sha256::finish pads by hand (no SHA256_Final): every length around the block and padding
    // boundaries, whole and fed in two pieces, against OpenSSL's EVP digest.
    std::string m;
    for (std::size_t len = 0; len <= 300; ++len) {
        unsigned char want[EVP_MAX_MD_SIZE];
        unsigned int want_len = 0;
        BOOST_TEST_REQUIRE(EVP_Digest(m.data(), m.size(), want, &want_len, EVP_sha256(), nullptr) == 1);
        const sv4::digest got = sv4::sha256_of(m);
        BOOST_TEST_REQUIRE(std::equal(got.begin(), got.end(), want), "length " << len);
        sv4::sha256 h;
        h.update(std::string_view(m).substr(0, len / 3)).update(std::string_view(m).substr(len / 3));
        const sv4::digest got2 = h.finish();
        BOOST_TEST_REQUIRE(std::equal(got2.begin(), got2.end(), want), "length " << len << " in two pieces");
        m.push_back(static_cast<char>('a' + len % 26));
    }
    BOOST_TEST(sv4::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

BOOST_AUTO_TEST_CASE(cache_tells_apart_inputs_differing_in_one_byte) {
    // The cache compares its keys inline (overlapping words and 16-byte blocks): inputs of every
    // length up to 40 that differ in a single byte are different entries.
    for (std::size_t len = 1; len <= 40; ++len) {
        const std::string base(len, 'a');
        for (std::size_t at = 0; at < len; ++at) {
            sv4::signing_key_cache cache;
            std::string other = base;
            other[at] = 'b';
            cache.get(base, "20150830", "us-east-1", "s3");
            cache.get(other, "20150830", "us-east-1", "s3");
            cache.get("k", "20150830", base, "s3");
            cache.get("k", "20150830", other, "s3");
            cache.get("k", "20150830", "r", base);
            cache.get("k", "20150830", "r", other);
            BOOST_TEST_REQUIRE(cache.misses() == 6u, "len " << len << " at " << at);
            BOOST_TEST_REQUIRE(cache.find(other, "20150830", "us-east-1", "s3") != nullptr);
            BOOST_TEST_REQUIRE(cache.hits() == 1u);
        }
    }
}

BOOST_AUTO_TEST_CASE(fragment_and_query_split) {
    // The query starts at the first '?' before any '#'; from the first '#' on nothing is signed.
    const auto cfg = sv4::settings::json_service();
    const sv4::signing_params p{creds, "us-east-1", "athena", t0(), sv4::payload::empty_sha256, cfg};
    const sv4::header_view h[] = {{"host", "example.com"}};
    auto canonical = [&](std::string_view target) {
        std::string out, signed_headers;
        BOOST_TEST_REQUIRE(!sv4::canonical_request({"GET", target, h}, p, out, signed_headers));
        return out;
    };
    BOOST_TEST(canonical("/a?b=1#c?d") == canonical("/a?b=1"));
    BOOST_TEST(canonical("/a#b?c=1") == canonical("/a"));
    BOOST_TEST(canonical("/a?b=?#") == canonical("/a?b=%3F"));
    BOOST_TEST(canonical("/#") == canonical("/"));
    BOOST_TEST(canonical("/a?b#") != canonical("/a"));
}
