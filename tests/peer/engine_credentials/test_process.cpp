// credential_process against real child processes (/bin/sh).
#include <engine/credentials/provider.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>

#include "fake_server.hpp"

namespace asio = boost::asio;
using namespace engine::credentials;
using namespace std::chrono_literals;

namespace {

credentials_result run_command(const std::string& cmd, process_options o = {}) {
    asio::io_context ioc;
    return test::run(ioc, make_process_provider(cmd, o, "test"));
}

const std::string ok_json = R"({"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc-secret", )"
                            R"("SessionToken": "proc-token", "Expiration": "2030-05-06T07:08:09Z"})";

} // namespace

BOOST_AUTO_TEST_SUITE(credential_process)

BOOST_AUTO_TEST_CASE(reads_stdout_document) {
    auto r = run_command("printf '%s' '" + ok_json + "'");
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDPROC");
    BOOST_TEST(r.value.keys.secret_access_key == "proc-secret");
    BOOST_TEST(r.value.keys.session_token == "proc-token");
    BOOST_TEST(format_time(*r.value.expiration) == "2030-05-06T07:08:09Z");
    BOOST_TEST(r.value.source == "test");
}

BOOST_AUTO_TEST_CASE(shell_features_and_stderr_pass_through) {
    // A pipeline, a variable and a message on stderr (which goes to the test's stderr).
    auto r =
        run_command("echo 'credential helper: logging to stderr' >&2; K=AKIDSH; "
                    "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"x\"}' \"$K\" | cat");
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDSH");
    BOOST_TEST(!r.value.expiration.has_value());
}

BOOST_AUTO_TEST_CASE(non_zero_exit_is_a_clear_error) {
    auto r = run_command("printf '%s' '" + ok_json + "'; echo 'token expired, run login' >&2; exit 3");
    BOOST_TEST(r.ec == error::process_exit);
    BOOST_TEST(r.message ==
               "credential_process (test) exited with status 3; see its messages above (stderr)");
    auto sig = run_command("kill -TERM $$");
    BOOST_TEST(sig.ec == error::process_exit);
    BOOST_TEST(sig.message.find("killed by signal 15") != std::string::npos, sig.message);
    auto missing = run_command("/nonexistent/bb-credential-helper");
    BOOST_TEST(missing.ec == error::process_exit);
    BOOST_TEST(missing.message.find("status 127") != std::string::npos, missing.message);
}

BOOST_AUTO_TEST_CASE(bad_output_never_echoes_it) {
    auto r = run_command("echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"LEAKME\"}'");
    BOOST_TEST(r.ec == error::invalid_document);
    BOOST_TEST(r.message ==
               "credential_process (test): credential_process output: unsupported Version (expected 1)");
    auto garbage = run_command("echo 'not json LEAKME'");
    BOOST_TEST(garbage.ec == error::invalid_document);
    BOOST_TEST(garbage.message.find("LEAKME") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(timeout_kills_the_process_group) {
    process_options o;
    o.timeout = 200ms;
    const auto start = std::chrono::steady_clock::now();
    // The shell starts a child that keeps stdout open: both must be killed.
    auto r = run_command("sleep 30 & sleep 30", o);
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(r.ec == error::timeout);
    BOOST_TEST(r.message == "credential_process (test) did not finish within 200 ms; it was killed");
    BOOST_TEST((took < 10s));
}

BOOST_AUTO_TEST_CASE(oversized_output_is_refused) {
    process_options o;
    o.max_output = 1000;
    auto r = run_command("head -c 100000 /dev/zero", o);
    BOOST_TEST(r.ec == error::process_output_too_large);
}

BOOST_AUTO_TEST_CASE(event_loop_keeps_running_while_the_process_runs) {
    asio::io_context ioc;
    int ticks = 0;
    bool done = false;
    asio::steady_timer tick(ioc);
    std::function<void()> arm = [&] {
        tick.expires_after(10ms);
        tick.async_wait([&](boost::system::error_code ec) {
            if (ec || done)
                return;
            ++ticks;
            arm();
        });
    };
    arm();
    std::optional<credentials_result> out;
    asio::co_spawn(ioc, make_process_provider("sleep 0.3; printf '%s' '" + ok_json + "'")->get_credentials(),
                   [&](std::exception_ptr, credentials_result r) {
                       out = std::move(r);
                       done = true;
                       tick.cancel();
                   });
    ioc.run();
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(!out->ec, out->message);
    BOOST_TEST(ticks >= 10); // ~30 expected; the loop was never blocked for the 300 ms
}

BOOST_AUTO_TEST_CASE(cancellation_kills_the_process) {
    asio::io_context ioc;
    asio::cancellation_signal sig;
    std::optional<credentials_result> out;
    asio::co_spawn(ioc, make_process_provider("sleep 30")->get_credentials(),
                   asio::bind_cancellation_slot(
                       sig.slot(), [&](std::exception_ptr, credentials_result r) { out = std::move(r); }));
    asio::steady_timer t(ioc, 100ms);
    t.async_wait([&](auto) { sig.emit(asio::cancellation_type::terminal); });
    const auto start = std::chrono::steady_clock::now();
    ioc.run();
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST((out->ec == boost::system::error_code(asio::error::operation_aborted)));
    BOOST_TEST((std::chrono::steady_clock::now() - start < 10s));
}

BOOST_AUTO_TEST_CASE(profile_credential_process_beats_config_file_keys) {
    asio::io_context ioc;
    auto env = environment::from_map(
        {{"AWS_CONFIG_FILE", BB_TEST_DATA_DIR "/engine_credentials/config"},
         {"AWS_SHARED_CREDENTIALS_FILE", BB_TEST_DATA_DIR "/engine_credentials/credentials"},
         {"AWS_PROFILE", "proc"}});
    auto r = test::run(ioc, make_profile_provider(env, make_plain_http_fetcher()));
    BOOST_TEST_REQUIRE(!r.ec, r.message);
    BOOST_TEST(r.value.keys.access_key_id == "AKIDPROC");
    BOOST_TEST(r.value.source == "profile proc");
}

BOOST_AUTO_TEST_SUITE_END()
