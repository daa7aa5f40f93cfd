// Providers against local fake IMDS, ECS and STS endpoints (Beast servers on 127.0.0.1).
#include <engine/credentials/default_chain.hpp>
#include <protocol/http.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "fake_server.hpp"

namespace asio = boost::asio;
using namespace engine::credentials;
using namespace std::chrono_literals;
using test::fake_request;
using test::fake_response;
using test::fake_server;

namespace {

const std::string data_dir = BB_TEST_DATA_DIR "/engine_credentials";
const std::string creds_prefix = "/latest/meta-data/iam/security-credentials/";

struct fake_clock {
    time_point now = std::chrono::sys_days(std::chrono::year(2024) / 1 / 1) + 12h;
    environment::clock_fn fn() {
        return [this] { return now; };
    }
};

std::string json_doc(std::string akid, time_point exp, bool imds = true) {
    return std::string("{") + (imds ? R"("Code":"Success","Type":"AWS-HMAC",)" : "") + R"("AccessKeyId":")" +
           akid + R"(","SecretAccessKey":"secret-)" + akid + R"(","Token":"token-)" + akid +
           R"(","Expiration":")" + format_time(exp) + "\"}";
}

// A fake IMDS: token "TOKEN-1", role "test-role", documents expiring one hour after `clock`.
struct fake_imds {
    fake_imds(asio::io_context& ioc, fake_clock& clock)
        : server(ioc, [this, &clock](const fake_request& r) { return handle(r, clock); }) {}

    fake_response handle(const fake_request& r, fake_clock& clock) {
        if (r.method == "PUT" && r.target == "/latest/api/token") {
            if (token_status != 200)
                return {token_status, "", {}};
            if (r.header("x-aws-ec2-metadata-token-ttl-seconds").empty())
                return {400, "missing ttl", {}};
            return {200, "TOKEN-1", {}, token_delay, token_hang};
        }
        const bool v1 = token_status != 200;
        if (!v1 && r.header("x-aws-ec2-metadata-token") != "TOKEN-1")
            return {401, "", {}};
        if (r.method == "GET" && r.target == creds_prefix)
            return {role_status, "test-role\n", {}};
        if (r.method == "GET" && r.target == creds_prefix + "test-role") {
            ++serial;
            return {200, json_doc("ASIAIMDS" + std::to_string(serial), clock.now + 1h), {}, doc_delay};
        }
        return {404, "", {}};
    }

    int token_status = 200;
    int role_status = 200;
    bool token_hang = false;
    std::chrono::milliseconds token_delay{0};
    std::chrono::milliseconds doc_delay{0};
    int serial = 0;
    fake_server server;
};

imds_options imds_at(const fake_server& s) {
    imds_options o;
    o.endpoint = s.url();
    return o;
}

std::map<std::string, std::string> form(const std::string& body) {
    std::map<std::string, std::string> out;
    std::string_view b = body;
    while (!b.empty()) {
        auto amp = b.find('&');
        auto part = b.substr(0, amp);
        b = amp == std::string_view::npos ? std::string_view{} : b.substr(amp + 1);
        auto eq = part.find('=');
        out[protocol::uri_decode(part.substr(0, eq), true)] =
            eq == std::string_view::npos ? "" : protocol::uri_decode(part.substr(eq + 1), true);
    }
    return out;
}

std::string sts_xml(const std::string& action, const std::string& akid, const std::string& exp) {
    return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action +
           "Result><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>ARO:s"
           "</AssumedRoleId></AssumedRoleUser><Credentials><AccessKeyId>" +
           akid + "</AccessKeyId><SecretAccessKey>secret-" + akid + "</SecretAccessKey><SessionToken>token-" +
           akid + "</SessionToken><Expiration>" + exp + "</Expiration></Credentials></" + action +
           "Result><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></" + action +
           "Response>";
}

// A fake STS: answers AssumeRole / AssumeRoleWithWebIdentity with ASIASTS<n>.
struct fake_sts {
    explicit fake_sts(asio::io_context& ioc)
        : server(ioc, [this](const fake_request& r) { return handle(r); }) {}

    fake_response handle(const fake_request& r) {
        auto f = form(r.body);
        if (r.method != "POST" || r.target != "/" || f["Version"] != "2011-06-15")
            return {400, "bad request", {}};
        if (!error_code.empty())
            return {403,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>" + error_code +
                        "</Code><Message>not "
                        "allowed</Message></Error><RequestId>req-err</RequestId></ErrorResponse>",
                    {}};
        ++serial;
        return {200, sts_xml(f["Action"], "ASIASTS" + std::to_string(serial), "2030-01-01T00:00:00Z"), {}};
    }

    std::string error_code;
    int serial = 0;
    fake_server server;
};

} // namespace

BOOST_AUTO_TEST_SUITE(imds_provider)

BOOST_AUTO_TEST_CASE(token_flow_v2) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    auto p = make_imds_provider(environment::from_map({}, clock.fn()), make_plain_http_fetcher(),
                                imds_at(imds.server));
    auto r = test::run(ioc, p);
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIAIMDS1");
    BOOST_TEST(r.value.keys.session_token == "token-ASIAIMDS1");
    BOOST_TEST((r.value.expiration == clock.now + 1h));
    BOOST_TEST(r.value.source == "imds (role test-role)");
    const auto& log = imds.server.requests();
    BOOST_TEST_REQUIRE(log.size() == 3u);
    BOOST_TEST(log[0].method == "PUT");
    BOOST_TEST(log[0].header("x-aws-ec2-metadata-token-ttl-seconds") == "21600");
    BOOST_TEST(log[1].header("x-aws-ec2-metadata-token") == "TOKEN-1");
    BOOST_TEST(log[2].header("x-aws-ec2-metadata-token") == "TOKEN-1");
}

BOOST_AUTO_TEST_CASE(endpoint_from_environment) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    auto env =
        environment::from_map({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url() + "/"}}, clock.fn());
    auto r = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher()));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(imds.server.count("/latest/api/token") == 1);
}

BOOST_AUTO_TEST_CASE(refused_token_means_no_v1_unless_enabled) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    imds.token_status = 403;
    auto env = environment::from_map({}, clock.fn());
    auto r = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher(), imds_at(imds.server)));
    BOOST_TEST(r.ec == error::not_configured);
    BOOST_TEST(r.message.find("HTTP 403") != std::string::npos, r.message);
    BOOST_TEST(r.message.find("IMDSv1 fallback is disabled") != std::string::npos, r.message);
    BOOST_TEST(imds.server.requests().size() == 1u); // no GET without a token

    auto opts = imds_at(imds.server);
    opts.allow_v1_fallback = true;
    auto v1 = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher(), opts));
    BOOST_TEST_REQUIRE(!v1.ec, v1.message);
    BOOST_TEST(imds.server.requests().back().header("x-aws-ec2-metadata-token").empty());
}

BOOST_AUTO_TEST_CASE(no_role_hang_unreachable_disabled) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    auto env = environment::from_map({}, clock.fn());
    imds.role_status = 404;
    auto none = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher(), imds_at(imds.server)));
    BOOST_TEST(none.ec == error::not_configured);
    BOOST_TEST(none.message.find("no IAM role is attached") == 0u, none.message);

    imds.token_hang = true; // like a container whose hop limit drops the response
    auto opts = imds_at(imds.server);
    opts.timeout = 100ms;
    auto hung = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher(), opts));
    BOOST_TEST(hung.ec == error::not_configured);
    BOOST_TEST(hung.message.find("timed out after 100 ms") != std::string::npos, hung.message);

    imds_options dead;
    dead.endpoint = "http://127.0.0.1:" + std::to_string(test::dead_port());
    auto refused = test::run(ioc, make_imds_provider(env, make_plain_http_fetcher(), dead));
    BOOST_TEST(refused.ec == error::not_configured);
    BOOST_TEST(refused.message.find("no instance metadata service at " + dead.endpoint) == 0u,
               refused.message);

    auto disabled_env = environment::from_map({{"AWS_EC2_METADATA_DISABLED", "TRUE"}}, clock.fn());
    const auto before = imds.server.requests().size();
    auto disabled =
        test::run(ioc, make_imds_provider(disabled_env, make_plain_http_fetcher(), imds_at(imds.server)));
    BOOST_TEST(disabled.ec == error::not_configured);
    BOOST_TEST(imds.server.requests().size() == before);
}

BOOST_AUTO_TEST_CASE(cached_imds_refreshes_ahead_of_expiry) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    auto env = environment::from_map({}, clock.fn());
    auto p =
        make_cached_provider(make_imds_provider(env, make_plain_http_fetcher(), imds_at(imds.server)), env);
    BOOST_TEST(test::run(ioc, p).value.keys.access_key_id == "ASIAIMDS1");
    clock.now += 50min;
    BOOST_TEST(test::run(ioc, p).value.keys.access_key_id == "ASIAIMDS1");
    BOOST_TEST(imds.server.count(creds_prefix + "test-role") == 1);
    clock.now += 6min; // 4 minutes before expiry
    BOOST_TEST(test::run(ioc, p).value.keys.access_key_id == "ASIAIMDS2");
    BOOST_TEST(imds.server.count(creds_prefix + "test-role") == 2);
    BOOST_TEST(imds.server.count("/latest/api/token") == 2);
}

BOOST_AUTO_TEST_CASE(concurrent_requests_share_one_refresh) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    imds.doc_delay = 50ms; // keep the refresh in flight while the others arrive
    auto env = environment::from_map({}, clock.fn());
    auto p =
        make_cached_provider(make_imds_provider(env, make_plain_http_fetcher(), imds_at(imds.server)), env);
    std::vector<std::string> got;
    for (int i = 0; i < 8; ++i)
        asio::co_spawn(ioc, p->get_credentials(), [&](std::exception_ptr, credentials_result r) {
            got.push_back(r.ec ? r.message : r.value.keys.access_key_id);
        });
    while (got.size() < 8 && ioc.run_one() > 0) {
    }
    BOOST_TEST(got == std::vector<std::string>(8, "ASIAIMDS1"), boost::test_tools::per_element());
    BOOST_TEST(imds.server.count("/latest/api/token") == 1);
    BOOST_TEST(imds.server.count(creds_prefix + "test-role") == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(container_provider)

BOOST_AUTO_TEST_CASE(full_uri_with_token_from_file_and_env) {
    asio::io_context ioc;
    fake_clock clock;
    fake_server server(ioc, [&](const fake_request& r) {
        if (r.target != "/creds?id=7")
            return fake_response{404, "", {}};
        return fake_response{200, json_doc("ASIAECS", clock.now + 1h, false), {}};
    });
    auto env = environment::from_map({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/creds?id=7"},
                                      {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-auth-token"}},
                                     clock.fn());
    auto r = test::run(ioc, make_container_provider(env, make_plain_http_fetcher()));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIAECS");
    BOOST_TEST(server.requests().back().header("authorization") == "env-auth-token");

    // The token file wins over the variable.
    auto env2 =
        environment::from_map({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/creds?id=7"},
                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "env-auth-token"},
                               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", data_dir + "/container_token"}},
                              clock.fn());
    auto r2 = test::run(ioc, make_container_provider(env2, make_plain_http_fetcher()));
    BOOST_TEST_REQUIRE(!r2.ec, r2.message);
    BOOST_TEST(server.requests().back().header("authorization") == "file-auth-token");
}

BOOST_AUTO_TEST_CASE(disallowed_hosts_bad_tokens_and_errors) {
    asio::io_context ioc;
    fake_server server(ioc, [&](const fake_request&) { return fake_response{500, "boom", {}}; });
    auto run_env = [&](std::map<std::string, std::string, std::less<>> vars) {
        return test::run(
            ioc, make_container_provider(environment::from_map(std::move(vars)), make_plain_http_fetcher()));
    };
    auto far = run_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds"}});
    BOOST_TEST(far.ec == error::invalid_configuration);
    BOOST_TEST(far.message.find("192.0.2.10 is not allowed") != std::string::npos, far.message);
    auto crlf = run_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/c"},
                         {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Evil: 1"}});
    BOOST_TEST(crlf.ec == error::invalid_configuration);
    BOOST_TEST(crlf.message.find("X-Evil") == std::string::npos);
    BOOST_TEST(server.requests().empty());
    auto status = run_env({{"AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url() + "/c?secret=s3cr3t"}});
    BOOST_TEST(status.ec == error::http_status);
    BOOST_TEST(status.message.find("HTTP 500 (boom)") != std::string::npos, status.message);
    BOOST_TEST(status.message.find("s3cr3t") == std::string::npos, status.message);
    auto none = run_env({});
    BOOST_TEST(none.ec == error::not_configured);
    auto localhost_ok = run_env(
        {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:" + std::to_string(server.port()) + "/c"}});
    BOOST_TEST(localhost_ok.ec == error::http_status); // allowed, reached the server
}

// Captures the request instead of sending it (the relative URI goes to 169.254.170.2).
class capturing_fetcher final : public http_fetcher {
public:
    asio::awaitable<fetch_result> fetch(const protocol::http_request& req,
                                        std::chrono::milliseconds timeout) override {
        last = req;
        last_timeout = timeout;
        fetch_result r;
        r.response.status = 200;
        r.response.body = R"({"AccessKeyId":"ASIAREL","SecretAccessKey":"s","Token":"t",)"
                          R"("Expiration":"2030-01-01T00:00:00Z"})";
        co_return r;
    }
    protocol::http_request last;
    std::chrono::milliseconds last_timeout{0};
};

BOOST_AUTO_TEST_CASE(relative_uri_goes_to_the_ecs_agent) {
    asio::io_context ioc;
    auto http = std::make_shared<capturing_fetcher>();
    auto env = environment::from_map({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc"},
                                      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:1/ignored"}});
    auto r = test::run(ioc, make_container_provider(env, http));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(http->last.scheme == "http");
    BOOST_TEST(http->last.host == "169.254.170.2");
    BOOST_TEST(http->last.port == 80);
    BOOST_TEST(http->last.target() == "/v2/credentials/abc");
    BOOST_TEST(http->last_timeout.count() == 2000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sts_providers)

environment sts_env(const fake_sts& sts, std::map<std::string, std::string, std::less<>> vars = {}) {
    vars.emplace("AWS_CONFIG_FILE", data_dir + "/config");
    vars.emplace("AWS_SHARED_CREDENTIALS_FILE", data_dir + "/credentials");
    vars.emplace("AWS_ENDPOINT_URL_STS", sts.server.url());
    vars.emplace("HOME", data_dir);
    return environment::from_map(std::move(vars));
}

BOOST_AUTO_TEST_CASE(profile_role_arn_with_source_profile) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    profile_options po;
    po.profile = "role";
    po.sts.region = "eu-central-1";
    auto r = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIASTS1");
    BOOST_TEST(r.value.keys.session_token == "token-ASIASTS1");
    BOOST_TEST(format_time(*r.value.expiration) == "2030-01-01T00:00:00Z");
    BOOST_TEST(r.value.source.find("assume-role arn:aws:iam::123456789012:role/reader") == 0u,
               r.value.source);
    BOOST_TEST_REQUIRE(sts.server.requests().size() == 1u);
    const auto& req = sts.server.requests()[0];
    auto f = form(req.body);
    BOOST_TEST(f["Action"] == "AssumeRole");
    BOOST_TEST(f["RoleArn"] == "arn:aws:iam::123456789012:role/reader");
    BOOST_TEST(f["RoleSessionName"] == "test-session");
    BOOST_TEST(f["ExternalId"] == "ext-1");
    // Signed with the source profile's (credentials file) keys, for the configured region.
    BOOST_TEST(req.header("authorization").find("AWS4-HMAC-SHA256 Credential=AKIDCREDDEV/") == 0u);
    BOOST_TEST(req.header("authorization").find("/eu-central-1/sts/aws4_request") != std::string::npos);
    BOOST_TEST(req.header("x-amz-security-token") == "cred-dev-token");
    BOOST_TEST(req.header("host") == "127.0.0.1:" + std::to_string(sts.server.port()));
}

BOOST_AUTO_TEST_CASE(chained_roles_and_self_source) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    profile_options po;
    po.profile = "chained";
    auto r = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIASTS2");
    BOOST_TEST_REQUIRE(sts.server.requests().size() == 2u);
    // The second AssumeRole is signed with the first one's temporary credentials.
    BOOST_TEST(sts.server.requests()[1].header("authorization").find("Credential=ASIASTS1/") !=
               std::string::npos);
    BOOST_TEST(sts.server.requests()[1].header("x-amz-security-token") == "token-ASIASTS1");
    BOOST_TEST(form(sts.server.requests()[1].body)["RoleSessionName"] == "second-session");

    po.profile = "self";
    auto s = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST_REQUIRE(!s.ec, s.message);
    BOOST_TEST(sts.server.requests().back().header("authorization").find("Credential=AKIDSELF/") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(credential_source_environment) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    profile_options po;
    po.profile = "envsource";
    auto env = sts_env(sts, {{"AWS_ACCESS_KEY_ID", "AKIDFROMENV"}, {"AWS_SECRET_ACCESS_KEY", "x"}});
    auto r = test::run(ioc, make_profile_provider(env, make_plain_http_fetcher(), po));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(sts.server.requests().back().header("authorization").find("Credential=AKIDFROMENV/") !=
               std::string::npos);
    // Without the variables, the named source is a configuration error, not "nothing here".
    auto broken = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST(broken.ec == error::invalid_configuration);
}

BOOST_AUTO_TEST_CASE(source_profile_loop_is_an_error) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    profile_options po;
    po.profile = "loop_a";
    auto r = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST(r.ec == error::invalid_configuration);
    BOOST_TEST(r.message == "source_profile loop: loop_a -> loop_b -> loop_a");
    BOOST_TEST(sts.server.requests().empty());
}

BOOST_AUTO_TEST_CASE(sts_error_is_reported_with_its_code) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    sts.error_code = "AccessDenied";
    profile_options po;
    po.profile = "role";
    auto r = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST(r.ec == error::sts_error);
    BOOST_TEST(r.message.find("HTTP 403 AccessDenied: not allowed (request id req-err)") != std::string::npos,
               r.message);
    BOOST_TEST(r.message.find("cred-dev") == std::string::npos); // no secret or token
}

BOOST_AUTO_TEST_CASE(web_identity_from_environment_and_profile) {
    asio::io_context ioc;
    fake_sts sts(ioc);
    auto env = sts_env(sts, {{"AWS_WEB_IDENTITY_TOKEN_FILE", data_dir + "/web_identity_token"},
                             {"AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"},
                             {"AWS_ROLE_SESSION_NAME", "pod-1"}});
    sts_options so;
    auto r = test::run(ioc, make_web_identity_env_provider(env, make_plain_http_fetcher(), so));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIASTS1");
    const auto& req = sts.server.requests().back();
    auto f = form(req.body);
    BOOST_TEST(f["Action"] == "AssumeRoleWithWebIdentity");
    BOOST_TEST(f["WebIdentityToken"] == "fake-oidc-token-123");
    BOOST_TEST(f["RoleSessionName"] == "pod-1");
    BOOST_TEST(req.header("authorization").empty()); // unsigned

    auto missing_role = test::run(
        ioc,
        make_web_identity_env_provider(sts_env(sts, {{"AWS_WEB_IDENTITY_TOKEN_FILE", data_dir + "/nope"}}),
                                       make_plain_http_fetcher(), so));
    BOOST_TEST(missing_role.ec == error::invalid_configuration);
    auto not_set =
        test::run(ioc, make_web_identity_env_provider(sts_env(sts), make_plain_http_fetcher(), so));
    BOOST_TEST(not_set.ec == error::not_configured);
    auto bad_file = test::run(
        ioc, make_web_identity_env_provider(sts_env(sts, {{"AWS_WEB_IDENTITY_TOKEN_FILE", data_dir + "/nope"},
                                                          {"AWS_ROLE_ARN", "arn:aws:iam::1:role/x"}}),
                                            make_plain_http_fetcher(), so));
    BOOST_TEST(bad_file.ec == error::file_read);

    profile_options po;
    po.profile = "webid"; // web_identity_token_file = ~/web_identity_token, HOME = data dir
    auto p = test::run(ioc, make_profile_provider(sts_env(sts), make_plain_http_fetcher(), po));
    BOOST_TEST_REQUIRE(!p.ec, p.message);
    BOOST_TEST(form(sts.server.requests().back().body)["RoleSessionName"] == "web-session");
    BOOST_TEST(form(sts.server.requests().back().body)["WebIdentityToken"] == "fake-oidc-token-123");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(default_chain_peer)

BOOST_AUTO_TEST_CASE(hanging_container_times_out_then_imds) {
    asio::io_context ioc;
    fake_clock clock;
    fake_imds imds(ioc, clock);
    fake_server hang(ioc, [](const fake_request&) { return fake_response{200, "", {}, {}, true}; });
    auto env = environment::from_map({{"HOME", "/nonexistent-bb-home"},
                                      {"AWS_CONTAINER_CREDENTIALS_FULL_URI", hang.url() + "/creds"},
                                      {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.server.url()}},
                                     clock.fn());
    default_chain_options o;
    o.chain.per_provider_timeout = 200ms;
    auto r = test::run(ioc, make_default_provider(env, o));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "ASIAIMDS1");
    BOOST_TEST(hang.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(nothing_found_names_the_imds_endpoint) {
    asio::io_context ioc;
    const std::string dead = "http://127.0.0.1:" + std::to_string(test::dead_port());
    auto env = environment::from_map(
        {{"HOME", "/nonexistent-bb-home"}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", dead}});
    auto r = test::run(ioc, make_default_provider(env));
    BOOST_TEST(r.ec == error::no_credentials);
    BOOST_TEST(r.message.find("5. imds: no instance metadata service at " + dead) != std::string::npos,
               r.message);
    BOOST_TEST(r.message.find("To configure credentials") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
