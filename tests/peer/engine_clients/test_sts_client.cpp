// engine::clients::sts_client against the scripted server: the query-protocol requests (form bodies,
// SigV4 for service "sts"; AssumeRoleWithWebIdentity unsigned and without credentials), the XML
// answers of botocore's STS examples (tests/data/protocol/sts/, see SOURCE.md there), STS's
// <ErrorResponse> surfaced as a service_error, retries, and inputs refused before sending.
#include <engine/clients/sts_client.hpp>

#include "script_server.hpp"

#include <protocol/error.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test_peer::script_server;
using test_peer::scripted;

std::string data(const std::string& name) {
    std::ifstream f(std::string(BB_TEST_DATA_DIR) + "/protocol/sts/" + name, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    BOOST_REQUIRE_MESSAGE(!s.str().empty(), "missing test data " << name);
    return s.str();
}

scripted xml(unsigned status, std::string body) {
    scripted s(status, std::move(body));
    s.content_type = "text/xml";
    return s;
}

std::string error_xml(const std::string& code, const std::string& message) {
    return R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>)" +
           code + "</Code><Message>" + message +
           "</Message></Error><RequestId>4d6a8a2c-0c2f-4c1e-9a7e-2c9f1d1f0e11</RequestId></ErrorResponse>";
}

protocol::retry::config fast_retries() {
    protocol::retry::config c;
    c.max_attempts = 3;
    c.base = 1ms;
    c.max_backoff = 5ms;
    return c;
}

// Runs `body` (a coroutine using the client) against a server with `script`.
void with_sts(std::deque<scripted> script, engine::credentials::provider_ptr creds,
              const std::function<asio::awaitable<void>(engine::clients::sts_client&)>& body,
              script_server** server_out = nullptr, std::vector<test_peer::seen>* seen_out = nullptr) {
    asio::io_context ioc;
    script_server server(ioc, std::move(script));
    if (server_out)
        *server_out = &server;
    engine::http::client http(ioc.get_executor());
    engine::clients::caller c(http, std::move(creds), fast_retries(), 3);
    c.now = [] { return std::chrono::system_clock::time_point(std::chrono::seconds(1440938160)); };
    protocol::endpoint ep;
    BOOST_REQUIRE(!protocol::parse_endpoint_url(server.url(), ep));
    engine::clients::sts_client sts(c, ep, "eu-west-1");
    bool done = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            co_await body(sts);
            done = true;
        },
        [&](std::exception_ptr e) {
            http.close();
            server.stop();
            if (e)
                std::rethrow_exception(e);
        });
    ioc.run();
    BOOST_TEST(done);
    if (seen_out)
        *seen_out = server.requests;
}

engine::credentials::provider_ptr test_credentials() {
    return engine::credentials::make_static_provider(
        {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""});
}

engine::credentials::provider_ptr no_credentials() {
    return engine::credentials::make_environment_provider(engine::credentials::environment::from_map({}));
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_clients_sts)

BOOST_AUTO_TEST_CASE(get_caller_identity_is_signed_for_sts) {
    std::vector<test_peer::seen> reqs;
    with_sts(
        {xml(200, data("get_caller_identity.xml"))}, test_credentials(),
        [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
            auto r = co_await sts.get_caller_identity();
            BOOST_TEST(r.ok(), r.call.message);
            BOOST_TEST(r.value.account == "123456789012");
            BOOST_TEST(r.value.arn == "arn:aws:iam::123456789012:user/Alice");
            BOOST_TEST(r.value.user_id == "AKIAI44QH8DHBEXAMPLE");
        },
        nullptr, &reqs);
    BOOST_REQUIRE(reqs.size() == 1u);
    BOOST_TEST(reqs[0].target == "/");
    BOOST_TEST(reqs[0].body == "Action=GetCallerIdentity&Version=2011-06-15");
    BOOST_TEST(reqs[0].content_type == "application/x-www-form-urlencoded; charset=utf-8");
    BOOST_TEST(reqs[0].amz_date == "20150830T123600Z");
    BOOST_TEST(reqs[0].authorization.starts_with(
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-date, Signature="),
               reqs[0].authorization);
}

BOOST_AUTO_TEST_CASE(assume_role_decodes_the_credentials) {
    std::vector<test_peer::seen> reqs;
    with_sts(
        {xml(200, data("assume_role.xml"))}, test_credentials(),
        [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
            protocol::sts::assume_role_input in;
            in.role_arn = "arn:aws:iam::123456789012:role/demo";
            in.role_session_name = "testAssumeRoleSession";
            in.duration_seconds = 3600;
            in.external_id = "123ABC";
            auto r = co_await sts.assume_role(in);
            BOOST_TEST(r.ok(), r.call.message);
            BOOST_TEST(r.value.creds.access_key_id == "AKIAIOSFODNN7EXAMPLE");
            BOOST_TEST(r.value.creds.secret_access_key == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
            BOOST_TEST(r.value.creds.session_token.starts_with("AQoDYXdzEPT//"));
            // 2011-07-15T23:28:33.359Z
            BOOST_TEST(r.value.creds.expiration.time_since_epoch().count() == 1310772513359);
            BOOST_TEST(r.value.user.arn == "arn:aws:sts::123456789012:assumed-role/demo/Bob");
            BOOST_TEST(r.value.user.assumed_role_id == "ARO123EXAMPLE123:Bob");
            BOOST_TEST(r.value.packed_policy_size.value_or(0) == 8u);
        },
        nullptr, &reqs);
    BOOST_REQUIRE(reqs.size() == 1u);
    const auto& b = reqs[0].body;
    BOOST_TEST(b.starts_with("Action=AssumeRole&Version=2011-06-15&"), b);
    BOOST_TEST(b.find("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo") != std::string::npos, b);
    BOOST_TEST(b.find("RoleSessionName=testAssumeRoleSession") != std::string::npos, b);
    BOOST_TEST(b.find("DurationSeconds=3600") != std::string::npos, b);
    BOOST_TEST(b.find("ExternalId=123ABC") != std::string::npos, b);
    BOOST_TEST(!reqs[0].authorization.empty());
}

BOOST_AUTO_TEST_CASE(assume_role_with_web_identity_is_unsigned_and_needs_no_credentials) {
    std::vector<test_peer::seen> reqs;
    with_sts(
        {xml(400, error_xml("IDPCommunicationError", "The identity provider could not be reached")),
         xml(200, data("assume_role_with_web_identity.xml"))},
        no_credentials(),
        [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
            protocol::sts::assume_role_with_web_identity_input in;
            in.role_arn = "arn:aws:iam::123456789012:role/FederatedWebIdentityRole";
            in.role_session_name = "app1";
            in.web_identity_token = "Atza%7CIQEBLjAsAhRFiXuWpUXuRvQ9PZL3GMFcYevydwIUFAHZwXZXXXXXXXXJnrulxKDHwy87";
            in.provider_id = "www.amazon.com";
            auto r = co_await sts.assume_role_with_web_identity(in);
            BOOST_TEST(r.ok(), r.call.message);
            BOOST_TEST(r.call.attempts == 2); // IDPCommunicationError is retried
            BOOST_TEST(r.value.creds.access_key_id == "AKIAIOSFODNN7EXAMPLE");
            BOOST_TEST(r.value.subject_from_web_identity_token == "amzn1.account.AF6RHO7KZU5XRVQJGXK6HEXAMPLE");
            BOOST_TEST(r.value.provider == "www.amazon.com");
            BOOST_TEST(r.value.audience == "client.5498841531868486423.1548@apps.example.com");
            BOOST_TEST(r.value.user.arn == "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1");
        },
        nullptr, &reqs);
    BOOST_REQUIRE(reqs.size() == 2u);
    for (const auto& q : reqs) {
        BOOST_TEST(q.authorization.empty());
        BOOST_TEST(q.amz_date.empty());
        BOOST_TEST(q.body.starts_with("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"), q.body);
        BOOST_TEST(q.body.find("WebIdentityToken=Atza%257CIQEB") != std::string::npos, q.body);
    }
    BOOST_TEST(reqs[0].body == reqs[1].body);
}

BOOST_AUTO_TEST_CASE(errors_are_service_errors_with_code_and_message) {
    with_sts(
        {xml(403, error_xml("AccessDenied", "User: arn:aws:iam::123456789012:user/Alice is not authorized to "
                                            "perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo"))},
        test_credentials(), [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
            protocol::sts::assume_role_input in;
            in.role_arn = "arn:aws:iam::123456789012:role/demo";
            in.role_session_name = "bb-async";
            auto r = co_await sts.assume_role(in);
            BOOST_TEST(!r.ok());
            BOOST_TEST(!r.call.ec);
            BOOST_TEST(r.call.attempts == 1); // access denied is never retried
            BOOST_REQUIRE(r.call.error.has_value());
            BOOST_TEST(r.call.error->status == 403);
            BOOST_TEST(r.call.error->code == "AccessDenied");
            BOOST_TEST(r.call.error->request_id == "req-1"); // the x-amzn-RequestId header wins over the body
            BOOST_TEST((r.call.error->kind() == protocol::error_class::access_denied));
            BOOST_TEST(r.call.message ==
                           "AssumeRole arn:aws:iam::123456789012:role/demo: AccessDenied: User: "
                           "arn:aws:iam::123456789012:user/Alice is not authorized to perform: sts:AssumeRole on "
                           "resource: arn:aws:iam::123456789012:role/demo",
                       r.call.message);
        });
}

BOOST_AUTO_TEST_CASE(expired_token_is_retried_once_with_fresh_credentials) {
    with_sts({xml(400, data("error_expired_token.xml"))}, test_credentials(),
             [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
                 auto r = co_await sts.get_caller_identity();
                 BOOST_TEST(!r.ok());
                 BOOST_TEST(r.call.attempts == 2);
                 BOOST_REQUIRE(r.call.error.has_value());
                 BOOST_TEST(r.call.error->code == "ExpiredToken");
                 BOOST_TEST(r.call.error->message == "The security token included in the request is expired");
                 BOOST_TEST((r.call.error->kind() == protocol::error_class::expired_credentials));
             });
}

BOOST_AUTO_TEST_CASE(malformed_answers_and_refused_inputs) {
    std::vector<test_peer::seen> reqs;
    with_sts(
        {xml(200, "<GetCallerIdentityResponse><Nothing/></GetCallerIdentityResponse>")}, test_credentials(),
        [](engine::clients::sts_client& sts) -> asio::awaitable<void> {
            auto bad = co_await sts.get_caller_identity();
            BOOST_TEST(!bad.ok());
            BOOST_TEST(bad.call.message.starts_with("GetCallerIdentity: malformed STS response"), bad.call.message);
            protocol::sts::assume_role_input in;
            in.role_arn = "arn:aws:iam::123456789012:role/demo";
            in.role_session_name = "no spaces allowed";
            auto refused = co_await sts.assume_role(in);
            BOOST_TEST((refused.call.ec == protocol::error::invalid_parameter), refused.call.ec.message());
            BOOST_TEST(refused.call.message.starts_with("AssumeRole arn:aws:iam::123456789012:role/demo: invalid request"),
                       refused.call.message);
            in.role_session_name.clear();
            auto missing = co_await sts.assume_role(in);
            BOOST_TEST((missing.call.ec == protocol::error::missing_parameter), missing.call.ec.message());
        },
        nullptr, &reqs);
    BOOST_TEST(reqs.size() == 1u); // refused inputs are never sent
}

BOOST_AUTO_TEST_SUITE_END()
