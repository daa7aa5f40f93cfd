// Retry arithmetic: standard mode (attempts, backoff, quota) and adaptive mode's CUBIC rate limiter,
// checked against botocore's numbers (retries/standard.py, adaptive.py, throttling.py, bucket.py).
#include <protocol/retry.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>

using namespace protocol;
using namespace protocol::retry;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(protocol_retry)

BOOST_AUTO_TEST_CASE(what_is_retryable) {
    BOOST_TEST(retryable(failure::timeout, error_class::client_error));
    BOOST_TEST(retryable(failure::connection, error_class::client_error));
    for (auto c : {error_class::throttling, error_class::transient, error_class::clock_skew,
                   error_class::expired_credentials})
        BOOST_TEST(retryable(failure::service_error, c), to_string(c));
    for (auto c : {error_class::not_found, error_class::access_denied, error_class::client_error})
        BOOST_TEST(!retryable(failure::service_error, c), to_string(c));
    BOOST_TEST(is_throttling(failure::service_error, classify(400, "ThrottlingException")));
    BOOST_TEST(is_throttling(failure::service_error, classify(503, "SlowDown")));
    BOOST_TEST(!is_throttling(failure::service_error, classify(500, "InternalError")));
    BOOST_TEST(!is_throttling(failure::timeout, error_class::throttling));
}

BOOST_AUTO_TEST_CASE(backoff_is_full_jitter_exponential_and_capped) {
    const config c; // base 1 s, cap 20 s
    BOOST_TEST(backoff(c, 1, 0.0).count() == 0);
    BOOST_TEST(backoff(c, 1, 0.5).count() == 500);
    BOOST_TEST(backoff(c, 2, 0.5).count() == 1000);
    BOOST_TEST(backoff(c, 3, 0.999).count() == 3996);
    BOOST_TEST(backoff(c, 6, 0.9).count() == 20000); // 0.9 * 32 s, capped
    BOOST_TEST(backoff(c, 1000, 0.9).count() == 20000);
    config fast;
    fast.base = 100ms;
    fast.max_backoff = 1s;
    for (int attempt = 1; attempt < 10; ++attempt)
        for (double u : {0.0, 0.25, 0.75, 0.9999}) {
            const auto d = backoff(fast, attempt, u);
            BOOST_TEST(d.count() >= 0);
            BOOST_TEST(d <= std::min<std::chrono::milliseconds>(1s, 100ms * (1 << (attempt - 1))));
        }
}

BOOST_AUTO_TEST_CASE(quota_as_botocore) {
    quota q;
    BOOST_TEST(q.available() == 500);
    BOOST_TEST(q.acquire(failure::service_error));
    BOOST_TEST(q.available() == 495);
    BOOST_TEST(q.acquire(failure::timeout));
    BOOST_TEST(q.available() == 485);
    BOOST_TEST(q.acquire(failure::connection)); // a reset is not a timeout: 5
    BOOST_TEST(q.available() == 480);
    q.release(20); // the call that took them succeeded
    BOOST_TEST(q.available() == 500);
    q.release(0); // a first-try success adds one, never above 500
    BOOST_TEST(q.available() == 500);
    int retries = 0;
    while (q.acquire(failure::service_error))
        ++retries;
    BOOST_TEST(retries == 100); // an outage drains the quota: no more retries
    BOOST_TEST(q.available() == 0);
    BOOST_TEST(!q.acquire(failure::timeout));
    q.release(0);
    BOOST_TEST(q.available() == 1);
}

BOOST_AUTO_TEST_CASE(settings_from_environment_values) {
    config c;
    BOOST_TEST(!apply_settings(c, "adaptive", "5"));
    BOOST_TEST((c.mode == mode::adaptive));
    BOOST_TEST(c.max_attempts == 5);
    BOOST_TEST(!apply_settings(c, "legacy", ""));
    BOOST_TEST((c.mode == mode::standard));
    BOOST_TEST(c.max_attempts == 5);
    BOOST_TEST(!apply_settings(c, "", ""));
    for (auto [m, a] : {std::pair{"fast", "3"},
                        {"standard", "0"},
                        {"standard", "x"},
                        {"standard", "3x"},
                        {"standard", "101"},
                        {"standard", "-1"}}) {
        config before = c;
        auto msg = apply_settings(c, m, a);
        BOOST_TEST_REQUIRE(msg.has_value(), m << " " << a);
        BOOST_TEST((msg->find("AWS_") != std::string::npos));
        BOOST_TEST((c.mode == before.mode));
        BOOST_TEST(c.max_attempts == before.max_attempts);
    }
}

BOOST_AUTO_TEST_CASE(cubic_matches_botocore) {
    // botocore tests/unit/retries/test_throttling.py: starting_max_rate=10, start_time=0.
    cubic cu(0, 10);
    // k = cbrt(10 * 0.3 / 0.4) = cbrt(7.5)
    BOOST_TEST(std::abs(cu.success_received(0) - (0.4 * std::pow(-std::cbrt(7.5), 3) + 10)) < 1e-9);
    BOOST_TEST(std::abs(cu.success_received(std::cbrt(7.5)) - 10) < 1e-9); // back to w_max at t = k
    BOOST_TEST(cu.success_received(5) > 10);                               // and above it later
    const double r = cu.error_received(20, 3);
    BOOST_TEST(std::abs(r - 14) < 1e-9); // cut by beta = 0.7
    BOOST_TEST(cu.max_rate() == 20);
    BOOST_TEST(std::abs(cu.success_received(3 + std::cbrt(20 * 0.3 / 0.4)) - 20) < 1e-9);
}

BOOST_AUTO_TEST_CASE(rate_limiter_slows_down_on_throttling_and_recovers) {
    rate_limiter rl(0);
    BOOST_TEST(!rl.enabled());
    BOOST_TEST(rl.acquire(0) == 0); // not limited before the first throttle
    // 100 requests per second for 3 seconds, all fine.
    double t = 0;
    for (int i = 0; i < 300; ++i, t += 0.01)
        rl.on_response(t, false);
    BOOST_TEST(rl.measured_rate() > 50);
    BOOST_TEST(!rl.enabled());
    // Throttled: the limiter turns on with a fill rate of 0.7 x the measured rate.
    const double measured = rl.measured_rate();
    rl.on_response(t, true);
    BOOST_TEST(rl.enabled());
    BOOST_TEST(std::abs(rl.fill_rate() - 0.7 * measured) < 1e-6 * measured);
    // Sending faster than the fill rate has to wait.
    double waited = 0;
    int sent = 0;
    for (double now = t; now < t + 2; now += 0.001) {
        if (rl.acquire(now) == 0)
            ++sent;
        else
            waited += 0.001;
    }
    BOOST_TEST(sent <= static_cast<int>(2 * rl.fill_rate()) + 2 + static_cast<int>(rl.fill_rate()));
    BOOST_TEST(waited > 0);
    // Repeated throttling keeps cutting; successes then grow the rate back along the cubic.
    const double before = rl.fill_rate();
    rl.on_response(t + 2, true);
    BOOST_TEST(rl.fill_rate() < before);
    const double low = rl.fill_rate();
    double now = t + 2;
    for (int i = 0; i < 2000; ++i, now += 0.01)
        rl.on_response(now, false);
    BOOST_TEST(rl.fill_rate() > low);
    BOOST_TEST(rl.fill_rate() <= 2 * rl.measured_rate() + 1e-9); // never above twice the measured rate
    BOOST_TEST(rl.fill_rate() >= rate_limiter::min_rate);
}

BOOST_AUTO_TEST_CASE(clock_offset_from_date) {
    const auto local = *parse_iso8601("2009-10-12T17:45:00Z");
    auto off = clock_offset("Wed, 12 Oct 2009 17:50:00 GMT", local);
    BOOST_TEST_REQUIRE(off.has_value());
    BOOST_TEST(off->count() == 300000); // the server is 5 minutes ahead
    off = clock_offset("Wed, 12 Oct 2009 17:40:00 GMT", local);
    BOOST_TEST_REQUIRE(off.has_value());
    BOOST_TEST(off->count() == -300000);
    BOOST_TEST(!clock_offset("", local));
    BOOST_TEST(!clock_offset("yesterday", local));
}

BOOST_AUTO_TEST_CASE(client_request_tokens) {
    const auto t = client_request_token(0x0123456789abcdefull, 0xfedcba9876543210ull);
    BOOST_TEST(t == "01234567-89ab-4def-bedc-ba9876543210");
    BOOST_TEST(t.size() >= 32u); // Athena: 32..128 characters
    BOOST_TEST(client_request_token(0, 0) == "00000000-0000-4000-8000-000000000000");
    BOOST_TEST(client_request_token(~0ull, ~0ull) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
    BOOST_TEST(client_request_token(1, 2) != client_request_token(1, 3));
}

BOOST_AUTO_TEST_SUITE_END()
