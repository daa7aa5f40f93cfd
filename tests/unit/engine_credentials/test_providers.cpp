// Providers without network: environment, static, shared files, and the cached and chain
// decorators driven by fake providers and a fake clock.
#include <engine/credentials/default_chain.hpp>
#include <engine/credentials/provider.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>

namespace asio = boost::asio;
using namespace engine::credentials;
using namespace std::chrono_literals;

namespace {

credentials_result run(asio::io_context& ioc, provider_ptr p) {
    std::optional<credentials_result> out;
    asio::co_spawn(ioc, p->get_credentials(), [&](std::exception_ptr ep, credentials_result r) {
        BOOST_TEST(!ep);
        out = std::move(r);
    });
    ioc.restart();
    ioc.run();
    BOOST_TEST_REQUIRE(out.has_value());
    return std::move(*out);
}

credentials_result run(provider_ptr p) {
    asio::io_context ioc;
    return run(ioc, std::move(p));
}

identity make_identity(std::string akid, std::optional<time_point> exp = {}) {
    identity id;
    id.keys = {std::move(akid), "secret-" + id.keys.access_key_id, "tok"};
    id.expiration = exp;
    id.source = "fake";
    return id;
}

// A provider whose behaviour is a coroutine given by the test; counts calls.
class fake_provider final : public credentials_provider {
public:
    using body_fn = std::function<asio::awaitable<credentials_result>()>;
    fake_provider(std::string name, body_fn body)
        : name_(std::move(name))
        , body_(std::move(body)) {}
    std::string_view name() const noexcept override { return name_; }
    asio::awaitable<credentials_result> get_credentials() override {
        ++calls;
        co_return co_await body_();
    }
    int calls = 0;

private:
    std::string name_;
    body_fn body_;
};

std::shared_ptr<fake_provider> returning(std::string name, credentials_result r) {
    return std::make_shared<fake_provider>(name,
                                           [r]() -> asio::awaitable<credentials_result> { co_return r; });
}

std::shared_ptr<fake_provider> hanging(std::string name) {
    return std::make_shared<fake_provider>(name, []() -> asio::awaitable<credentials_result> {
        asio::steady_timer t(co_await asio::this_coro::executor, 1h);
        auto [ec] = co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        co_return credentials_result::failure(ec, "hang ended");
    });
}

environment data_env(std::map<std::string, std::string, std::less<>> vars = {},
                     environment::clock_fn now = {}) {
    vars.emplace("AWS_CONFIG_FILE", BB_TEST_DATA_DIR "/engine_credentials/config");
    vars.emplace("AWS_SHARED_CREDENTIALS_FILE", BB_TEST_DATA_DIR "/engine_credentials/credentials");
    return environment::from_map(std::move(vars), std::move(now));
}

struct fake_clock {
    time_point now = std::chrono::sys_days(std::chrono::year(2024) / 1 / 1) + 12h;
    environment::clock_fn fn() {
        return [this] { return now; };
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(leaf_providers)

BOOST_AUTO_TEST_CASE(static_provider_returns_its_keys) {
    auto r = run(make_static_provider({"AKIDSTATIC", "s", ""}));
    BOOST_TEST_REQUIRE(!r.ec);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDSTATIC");
    BOOST_TEST(r.value.source == "static");
}

BOOST_AUTO_TEST_CASE(environment_provider) {
    auto none = run(make_environment_provider(environment::from_map({})));
    BOOST_TEST(none.ec == error::not_configured);
    auto full = run(make_environment_provider(
        environment::from_map({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                               {"AWS_SECRET_ACCESS_KEY", "envsecret"},
                               {"AWS_SESSION_TOKEN", "envtoken"},
                               {"AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z"}})));
    BOOST_TEST_REQUIRE(!full.ec, full.message);
    BOOST_TEST(full.value.keys.access_key_id == "AKIDENV");
    BOOST_TEST(full.value.keys.secret_access_key == "envsecret");
    BOOST_TEST(full.value.keys.session_token == "envtoken");
    BOOST_TEST(full.value.expiration.has_value());
    BOOST_TEST(full.value.source == "environment");
    auto half = run(make_environment_provider(environment::from_map({{"AWS_ACCESS_KEY_ID", "AKIDENV"}})));
    BOOST_TEST(half.ec == error::invalid_configuration);
    BOOST_TEST(half.message == "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
    auto empty = run(make_environment_provider(
        environment::from_map({{"AWS_ACCESS_KEY_ID", ""}, {"AWS_SECRET_ACCESS_KEY", ""}})));
    BOOST_TEST(empty.ec == error::not_configured);
}

BOOST_AUTO_TEST_CASE(profile_provider_static_keys_and_precedence) {
    auto http = make_plain_http_fetcher();
    auto def = run(make_profile_provider(data_env(), http));
    BOOST_TEST_REQUIRE(!def.ec, def.message);
    BOOST_TEST(def.value.keys.access_key_id == "AKIDDEFAULT");
    // The credentials file wins over the config file for the same profile.
    auto dev = run(make_profile_provider(data_env({{"AWS_PROFILE", "dev"}}), http));
    BOOST_TEST_REQUIRE(!dev.ec, dev.message);
    BOOST_TEST(dev.value.keys.access_key_id == "AKIDCREDDEV");
    BOOST_TEST(dev.value.keys.session_token == "cred-dev-token");
    BOOST_TEST(dev.value.source.find("profile dev") == 0u);
    // An explicit profile wins over AWS_PROFILE.
    profile_options po;
    po.profile = "default";
    auto expl = run(make_profile_provider(data_env({{"AWS_PROFILE", "dev"}}), http, po));
    BOOST_TEST(expl.value.keys.access_key_id == "AKIDDEFAULT");
}

BOOST_AUTO_TEST_CASE(profile_provider_errors) {
    auto http = make_plain_http_fetcher();
    auto missing = run(make_profile_provider(data_env({{"AWS_PROFILE", "nope"}}), http));
    BOOST_TEST(missing.ec == error::profile_not_found);
    BOOST_TEST(missing.message.find("profile \"nope\" not found") == 0u, missing.message);
    auto half = run(make_profile_provider(data_env({{"AWS_PROFILE", "half"}}), http));
    BOOST_TEST(half.ec == error::invalid_configuration);
    BOOST_TEST(half.message.find("aws_access_key_id but not aws_secret_access_key") != std::string::npos);
    auto region_only = run(make_profile_provider(data_env({{"AWS_PROFILE", "regiononly"}}), http));
    BOOST_TEST(region_only.ec == error::not_configured);
    BOOST_TEST(region_only.message.find("has no credentials") != std::string::npos);
    auto sso = run(make_profile_provider(data_env({{"AWS_PROFILE", "sso"}}), http));
    BOOST_TEST(sso.ec == error::unsupported);
    BOOST_TEST(sso.message.find("aws configure export-credentials --profile sso") != std::string::npos);
    // No default profile and none asked for: nothing configured.
    auto nothing =
        run(make_profile_provider(environment::from_map({{"HOME", "/nonexistent-bb-home"}}), http));
    BOOST_TEST(nothing.ec == error::not_configured);
    BOOST_TEST(nothing.message == "no profile \"default\" in /nonexistent-bb-home/.aws/config or "
                                  "/nonexistent-bb-home/.aws/credentials");
}

BOOST_AUTO_TEST_CASE(profile_provider_reports_parse_errors) {
    auto env = environment::from_map({{"AWS_CONFIG_FILE", BB_TEST_DATA_DIR "/engine_credentials/SOURCE.md"},
                                      {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent-bb"}});
    auto r = run(make_profile_provider(env, make_plain_http_fetcher()));
    BOOST_TEST(r.ec == error::config_parse);
    BOOST_TEST(r.message.find("SOURCE.md:3: property outside of a section") != std::string::npos, r.message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(chain_decorator)

BOOST_AUTO_TEST_CASE(not_configured_passes_to_next) {
    auto a = returning("a", credentials_result::failure(error::not_configured, "nothing here"));
    auto b = returning("b", credentials_result::success(make_identity("AKIDB")));
    auto c = returning("c", credentials_result::success(make_identity("AKIDC")));
    auto r = run(make_chain_provider({a, b, c}));
    BOOST_TEST_REQUIRE(!r.ec);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDB");
    BOOST_TEST(a->calls == 1);
    BOOST_TEST(c->calls == 0);
}

BOOST_AUTO_TEST_CASE(configured_failure_stops_the_chain) {
    auto a = returning("a", credentials_result::failure(error::process_exit, "exit 3"));
    auto b = returning("b", credentials_result::success(make_identity("AKIDB")));
    auto r = run(make_chain_provider({a, b}));
    BOOST_TEST(r.ec == error::process_exit);
    BOOST_TEST(r.message == "a: exit 3");
    BOOST_TEST(b->calls == 0);
}

BOOST_AUTO_TEST_CASE(hanging_provider_times_out_then_next) {
    auto a = hanging("slow");
    auto b = returning("b", credentials_result::success(make_identity("AKIDB")));
    chain_options o;
    o.per_provider_timeout = 50ms;
    const auto start = std::chrono::steady_clock::now();
    auto r = run(make_chain_provider({a, b}, o));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDB");
    BOOST_TEST((std::chrono::steady_clock::now() - start < 30s)); // the hung timer (1 h) was cancelled
}

BOOST_AUTO_TEST_CASE(nothing_found_lists_every_source) {
    auto a = returning("first", credentials_result::failure(error::not_configured, "A not set"));
    auto b = hanging("second");
    auto c = returning("third", credentials_result::failure(error::not_configured, "line one\nline two"));
    chain_options o;
    o.per_provider_timeout = 20ms;
    o.help = "Configure something.\n";
    auto r = run(make_chain_provider({a, b, c}, o));
    BOOST_TEST(r.ec == error::no_credentials);
    BOOST_TEST(r.message == "no AWS credentials found. Sources tried, in order:\n"
                            "  1. first: A not set\n"
                            "  2. second: no answer after 20 ms (skipped)\n"
                            "  3. third: line one\n"
                            "     line two\n"
                            "Configure something.");
}

BOOST_AUTO_TEST_CASE(caller_cancellation_stops_the_chain) {
    asio::io_context ioc;
    auto a = hanging("slow");
    auto b = returning("b", credentials_result::success(make_identity("AKIDB")));
    auto chain = make_chain_provider({a, b});
    asio::cancellation_signal sig;
    std::optional<credentials_result> out;
    asio::co_spawn(ioc, chain->get_credentials(),
                   asio::bind_cancellation_slot(
                       sig.slot(), [&](std::exception_ptr, credentials_result r) { out = std::move(r); }));
    asio::steady_timer t(ioc, 20ms);
    t.async_wait([&](auto) { sig.emit(asio::cancellation_type::terminal); });
    ioc.run();
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST((out->ec == boost::system::error_code(asio::error::operation_aborted)));
    BOOST_TEST(b->calls == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cached_decorator)

BOOST_AUTO_TEST_CASE(long_term_credentials_are_cached_forever) {
    fake_clock clock;
    auto inner = returning("x", credentials_result::success(make_identity("AKIDLT")));
    auto cached = make_cached_provider(inner, environment::from_map({}, clock.fn()));
    asio::io_context ioc;
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKIDLT");
        clock.now += 24h * 365;
    }
    BOOST_TEST(inner->calls == 1);
}

BOOST_AUTO_TEST_CASE(refresh_ahead_of_expiry_by_fake_clock) {
    fake_clock clock;
    int serial = 0;
    auto inner = std::make_shared<fake_provider>("x", [&]() -> asio::awaitable<credentials_result> {
        ++serial;
        co_return credentials_result::success(make_identity("AKID" + std::to_string(serial), clock.now + 1h));
    });
    auto cached = make_cached_provider(inner, environment::from_map({}, clock.fn()));
    asio::io_context ioc;
    BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKID1");
    clock.now += 54min; // 6 minutes left: still fresh
    BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKID1");
    BOOST_TEST(inner->calls == 1);
    clock.now += 2min; // 4 minutes left: inside the 5-minute window
    BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKID2");
    BOOST_TEST(inner->calls == 2);
    BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKID2");
    BOOST_TEST(inner->calls == 2);
}

BOOST_AUTO_TEST_CASE(failed_refresh_keeps_valid_credentials_then_fails_after_expiry) {
    fake_clock clock;
    bool fail = false;
    auto inner = std::make_shared<fake_provider>("x", [&]() -> asio::awaitable<credentials_result> {
        if (fail)
            co_return credentials_result::failure(error::http_status, "HTTP 500");
        co_return credentials_result::success(make_identity("AKIDOLD", clock.now + 10min));
    });
    auto cached = make_cached_provider(inner, environment::from_map({}, clock.fn()));
    asio::io_context ioc;
    BOOST_TEST(!run(ioc, cached).ec);
    fail = true;
    clock.now += 7min; // inside the window, not expired
    auto r = run(ioc, cached);
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDOLD");
    BOOST_TEST(inner->calls == 2);
    clock.now += 4min; // expired
    auto e = run(ioc, cached);
    BOOST_TEST(e.ec == error::http_status);
    BOOST_TEST(inner->calls == 3);
}

BOOST_AUTO_TEST_CASE(concurrent_callers_share_one_refresh) {
    fake_clock clock;
    asio::io_context ioc;
    asio::steady_timer gate(ioc, asio::steady_timer::time_point::max());
    auto inner = std::make_shared<fake_provider>("x", [&]() -> asio::awaitable<credentials_result> {
        auto [ec] = co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
        (void)ec;
        co_return credentials_result::success(make_identity("AKIDSHARED", clock.now + 1h));
    });
    auto cached = make_cached_provider(inner, environment::from_map({}, clock.fn()));
    std::vector<std::string> got;
    asio::cancellation_signal cancel_one;
    std::optional<credentials_result> cancelled;
    for (int i = 0; i < 5; ++i)
        asio::co_spawn(ioc, cached->get_credentials(), [&](std::exception_ptr, credentials_result r) {
            got.push_back(r.ec ? "error" : r.value.keys.access_key_id);
        });
    asio::co_spawn(
        ioc, cached->get_credentials(),
        asio::bind_cancellation_slot(
            cancel_one.slot(), [&](std::exception_ptr, credentials_result r) { cancelled = std::move(r); }));
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            while (inner->calls == 0)
                co_await asio::post(ioc, asio::use_awaitable);
            for (int i = 0; i < 10; ++i)
                co_await asio::post(ioc, asio::use_awaitable);
            BOOST_TEST(got.empty()); // everybody is waiting on the one refresh
            cancel_one.emit(asio::cancellation_type::terminal);
            for (int i = 0; i < 10; ++i)
                co_await asio::post(ioc, asio::use_awaitable);
            gate.cancel();
        },
        asio::detached);
    ioc.run();
    BOOST_TEST(inner->calls == 1);
    BOOST_TEST(got == std::vector<std::string>(5, "AKIDSHARED"), boost::test_tools::per_element());
    BOOST_TEST_REQUIRE(cancelled.has_value());
    BOOST_TEST((cancelled->ec == boost::system::error_code(asio::error::operation_aborted)));
    // Later calls hit the cache.
    BOOST_TEST(run(ioc, cached).value.keys.access_key_id == "AKIDSHARED");
    BOOST_TEST(inner->calls == 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(default_chain)

BOOST_AUTO_TEST_CASE(nothing_configured_message_lists_every_source) {
    auto env =
        environment::from_map({{"HOME", "/nonexistent-bb-home"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
    auto r = run(make_default_provider(env));
    BOOST_TEST(r.ec == error::no_credentials);
    const std::string& m = r.message;
    std::size_t pos = 0;
    for (std::string_view part : {"1. environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
                                  "2. web-identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
                                  "3. profile: no profile \"default\" in /nonexistent-bb-home/.aws/config",
                                  "4. container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
                                  "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
                                  "5. imds: disabled by AWS_EC2_METADATA_DISABLED=true",
                                  "To configure credentials, use one of:", "aws configure"}) {
        const auto at = m.find(part, pos);
        BOOST_TEST(at != std::string::npos, "missing in order: " << part << "\n" << m);
        if (at != std::string::npos)
            pos = at;
    }
}

BOOST_AUTO_TEST_CASE(environment_wins_over_profile_unless_profile_is_explicit) {
    auto env = data_env({{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                         {"AWS_SECRET_ACCESS_KEY", "e"},
                         {"AWS_PROFILE", "dev"},
                         {"AWS_EC2_METADATA_DISABLED", "true"}});
    BOOST_TEST(run(make_default_provider(env)).value.keys.access_key_id == "AKIDENV");
    default_chain_options o;
    o.profile = "dev";
    BOOST_TEST(run(make_default_provider(env, o)).value.keys.access_key_id == "AKIDCREDDEV");
    o.explicit_credentials = aws_sigv4::credentials{"AKIDEXPLICIT", "x", ""};
    BOOST_TEST(run(make_default_provider(env, o)).value.keys.access_key_id == "AKIDEXPLICIT");
}

BOOST_AUTO_TEST_CASE(broken_profile_stops_the_default_chain) {
    auto env = data_env({{"AWS_PROFILE", "half"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
    auto r = run(make_default_provider(env));
    BOOST_TEST(r.ec == error::invalid_configuration);
    BOOST_TEST(r.message.find("profile: profile \"half\"") == 0u, r.message);
}

BOOST_AUTO_TEST_SUITE_END()
