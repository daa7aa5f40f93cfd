// STS (query protocol): form bodies, credential decoding.
#include <protocol/error.hpp>
#include <protocol/sts.hpp>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace protocol;
using namespace protocol::sts;

namespace {
const endpoint ep{"https", "sts.us-east-1.amazonaws.com", 443, "", false};
}

BOOST_AUTO_TEST_SUITE(protocol_sts)

BOOST_AUTO_TEST_CASE(assume_role_request) {
    assume_role_input in{"arn:aws:iam::123456789012:role/demo", "Bob", 3600, "ext id", ""};
    http_request r;
    BOOST_REQUIRE(!build_assume_role(ep, in, r));
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.path == "/");
    BOOST_TEST(r.signing_name == "sts");
    BOOST_TEST(r.sign);
    BOOST_TEST(*r.find_header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8");
    BOOST_TEST(r.body ==
               "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
               "&RoleSessionName=Bob&DurationSeconds=3600&ExternalId=ext%20id");
    in.duration_seconds = 899;
    BOOST_TEST(build_assume_role(ep, in, r) == error::invalid_parameter);
    in.duration_seconds = 43201;
    BOOST_TEST(build_assume_role(ep, in, r) == error::invalid_parameter);
    in.duration_seconds.reset();
    in.role_session_name = "has space";
    BOOST_TEST(build_assume_role(ep, in, r) == error::invalid_parameter);
    in.role_session_name = "";
    BOOST_TEST(build_assume_role(ep, in, r) == error::missing_parameter);
}

BOOST_AUTO_TEST_CASE(web_identity_and_caller_identity_requests) {
    assume_role_with_web_identity_input in{"arn:aws:iam::123456789012:role/FederatedWebIdentityRole", "app1",
                                           "eyJ.token+/=", 3600, ""};
    http_request r;
    BOOST_REQUIRE(!build_assume_role_with_web_identity(ep, in, r));
    BOOST_TEST(!r.sign);
    BOOST_TEST(r.body ==
               "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012"
               "%3Arole%2FFederatedWebIdentityRole&RoleSessionName=app1&WebIdentityToken=eyJ.token%2B%2F%3D"
               "&DurationSeconds=3600");
    in.web_identity_token.clear();
    BOOST_TEST(build_assume_role_with_web_identity(ep, in, r) == error::missing_parameter);
    BOOST_REQUIRE(!build_get_caller_identity(ep, r));
    BOOST_TEST(r.body == "Action=GetCallerIdentity&Version=2011-06-15");
    BOOST_TEST(r.host == "sts.us-east-1.amazonaws.com");
}

BOOST_AUTO_TEST_CASE(decode_assume_role_example) {
    assume_role_output out;
    BOOST_REQUIRE(!decode_assume_role(test::ok(test::fixture("sts/assume_role.xml")).view(), out));
    BOOST_TEST(out.creds.access_key_id == "AKIAIOSFODNN7EXAMPLE");
    BOOST_TEST(out.creds.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    BOOST_TEST(out.creds.session_token.starts_with("AQoDYXdzEPT//////////wEXAMPLEtc764"));
    BOOST_TEST(out.creds.session_token.ends_with("R/oLxBA=="));
    BOOST_TEST(format_iso8601(out.creds.expiration) == "2011-07-15T23:28:33.359Z");
    BOOST_TEST(out.user.arn == "arn:aws:sts::123456789012:assumed-role/demo/Bob");
    BOOST_TEST(out.user.assumed_role_id == "ARO123EXAMPLE123:Bob");
    BOOST_TEST(out.packed_policy_size.value() == 8u);
}

BOOST_AUTO_TEST_CASE(decode_web_identity_example) {
    assume_role_with_web_identity_output out;
    BOOST_REQUIRE(!decode_assume_role_with_web_identity(
        test::ok(test::fixture("sts/assume_role_with_web_identity.xml")).view(), out));
    BOOST_TEST(out.creds.session_token == "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE");
    BOOST_TEST(format_iso8601(out.creds.expiration) == "2014-10-24T23:00:23.000Z");
    BOOST_TEST(out.subject_from_web_identity_token == "amzn1.account.AF6RHO7KZU5XRVQJGXK6HEXAMPLE");
    BOOST_TEST(out.audience == "client.5498841531868486423.1548@apps.example.com");
    BOOST_TEST(out.provider == "www.amazon.com");
    BOOST_TEST(out.user.assumed_role_id == "AROACLKWSDQRAOEXAMPLE:app1");
}

BOOST_AUTO_TEST_CASE(decode_caller_identity_example) {
    caller_identity id;
    BOOST_REQUIRE(
        !decode_get_caller_identity(test::ok(test::fixture("sts/get_caller_identity.xml")).view(), id));
    BOOST_TEST(id.account == "123456789012");
    BOOST_TEST(id.arn == "arn:aws:iam::123456789012:user/Alice");
    BOOST_TEST(id.user_id == "AKIAI44QH8DHBEXAMPLE");
}

BOOST_AUTO_TEST_CASE(decode_errors) {
    assume_role_output out;
    BOOST_TEST(decode_assume_role(test::ok(test::fixture("sts/error_expired_token.xml"), 403).view(), out) ==
               error::not_success);
    BOOST_TEST(decode_assume_role(test::ok("<AssumeRoleResponse>").view(), out) == error::malformed_xml);
    BOOST_TEST(decode_assume_role(test::ok("<Other/>").view(), out) == error::malformed_xml);
    BOOST_TEST(decode_assume_role(test::ok("<AssumeRoleResponse/>").view(), out) == error::missing_field);
    BOOST_TEST(
        decode_assume_role(test::ok("<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>").view(),
                           out) == error::missing_field);
    std::string body = test::fixture("sts/assume_role.xml");
    body.replace(body.find("2011-07-15T23:28:33.359Z"), 24, "tomorrow");
    BOOST_TEST(decode_assume_role(test::ok(body).view(), out) == error::bad_value);
}

BOOST_AUTO_TEST_SUITE_END()
