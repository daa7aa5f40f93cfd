#pragma once
// Retry decisions as the AWS SDKs make them, sans-io: the caller passes the time (seconds on any
// monotonic clock) and a uniform random number, and gets back whether to retry and how long to wait.
// The engine owns the timers; this file owns the arithmetic, so it is tested without sockets.
//
// "standard" mode (botocore/retries/standard.py, the SDKs' retry specification):
//   - at most max_attempts attempts (default 3), counting the first;
//   - retry throttling, transient (5xx, timeouts, connection failures), clock-skew and
//     expired-credential errors, never the others;
//   - delay before attempt n+1 = random * 2^(n-1) * base, at most max_backoff (full jitter);
//   - a retry quota shared by every call of a client: 500 tokens, a retry costs 5 (10 after a
//     timeout or connection failure), a call that succeeds gives back what its retries took, or 1
//     token when it needed none; when the quota is empty, no more retries.
// "adaptive" mode adds botocore's client-side rate limiter (retries/adaptive.py): once a throttling
// error is seen, every send first takes a token from a bucket whose fill rate follows TCP CUBIC:
// cut by 30 % on throttling, grown back along the cubic curve on success, never above twice the
// measured send rate.
#include <protocol/service_error.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace protocol::retry {

enum class mode { standard, adaptive };

struct config {
    retry::mode mode = retry::mode::standard;
    int max_attempts = 3;                 ///< attempts in all, >= 1
    std::chrono::milliseconds base{1000}; ///< the 2^(n-1) multiplier's unit (botocore: 1 s)
    std::chrono::milliseconds max_backoff{20000};
};

/// Parses AWS_RETRY_MODE / AWS_MAX_ATTEMPTS (or the profile's retry_mode / max_attempts) values into
/// `c`; an empty value leaves the field alone. "legacy" is accepted as standard. On a bad value returns
/// a one-line message naming the variable and the allowed values, and leaves `c` unchanged.
std::optional<std::string> apply_settings(config& c, std::string_view retry_mode,
                                          std::string_view max_attempts);

/// What went wrong with one attempt.
enum class failure {
    service_error, ///< the service answered with an error (see classify())
    timeout,       ///< no (complete) answer in time
    connection,    ///< connect/TLS/reset/EOF: the request may or may not have been seen
};

/// Whether a failure of this kind may be retried at all (before attempts and quota are counted).
bool retryable(failure f, error_class c) noexcept;
/// True for the errors adaptive mode slows down on.
inline bool is_throttling(failure f, error_class c) noexcept {
    return f == failure::service_error && c == error_class::throttling;
}

/// The retry quota of one client (shared by all its calls).
class quota {
public:
    static constexpr int initial = 500, retry_cost = 5, timeout_cost = 10, no_retry_increment = 1;
    /// Takes the cost of one retry; false (and nothing taken) when the quota cannot pay it.
    bool acquire(failure f) noexcept;
    /// A call succeeded: returns what it took (`taken`, the sum of its acquired costs) or, if it
    /// took nothing, one token; never above the initial capacity.
    void release(int taken) noexcept;
    int available() const noexcept { return tokens_; }
    /// 10 after a timeout (botocore: connect/read timeouts), else 5.
    static int cost(failure f) noexcept { return f == failure::timeout ? timeout_cost : retry_cost; }

private:
    int tokens_ = initial;
};

/// Full-jitter exponential backoff before attempt `attempt + 1` (attempt >= 1 is the one that failed),
/// with `uniform` in [0, 1).
std::chrono::milliseconds backoff(const config& c, int attempt, double uniform) noexcept;

/// botocore's CUBIC rate calculator (retries/throttling.py).
class cubic {
public:
    static constexpr double scale_constant = 0.4, beta = 0.7;
    explicit cubic(double start_time, double starting_max_rate = 0) noexcept;
    double success_received(double now) const noexcept;
    double error_received(double current_rate, double now) noexcept;
    double max_rate() const noexcept { return w_max_; }

private:
    double w_max_, k_, last_fail_;
};

/// Client-side send-rate limiter of adaptive mode (botocore ClientRateLimiter + TokenBucket +
/// RateClocker). Times are seconds on the caller's monotonic clock.
class rate_limiter {
public:
    static constexpr double min_rate = 0.5, max_rate_adjust_scale = 2.0;
    static constexpr double smoothing = 0.8, time_bucket_range = 0.5;
    explicit rate_limiter(double now) noexcept;

    /// Before sending: how long to wait first (0 when a token is available; the token is then
    /// taken). When the wait is not zero, call again after waiting.
    double acquire(double now) noexcept;
    /// After each response: updates the measured rate and, from the outcome, the fill rate.
    void on_response(double now, bool throttled) noexcept;

    bool enabled() const noexcept { return enabled_; }
    double fill_rate() const noexcept { return fill_rate_; }
    double measured_rate() const noexcept { return measured_rate_; }

private:
    void refill(double now) noexcept;
    void set_max_rate(double rate, double now) noexcept;

    cubic cubic_;
    bool enabled_ = false;
    // token bucket
    double fill_rate_ = min_rate, capacity_ = 1, tokens_ = 0;
    std::optional<double> last_refill_;
    // rate clocker
    double measured_rate_ = 0, last_bucket_ = 0;
    double count_ = 0;
};

/// Clock-skew correction: the offset to add to the local clock so that signatures carry the server's
/// time, from the server's Date header (RFC 7231) and the local time the response arrived. nullopt
/// when the header is missing or unreadable. The SDKs apply it after a clock-skew error
/// (error_class::clock_skew) and re-sign the retry.
std::optional<std::chrono::milliseconds> clock_offset(std::string_view date_header,
                                                      timestamp local_now) noexcept;

/// An idempotency token (ClientRequestToken, 32-128 characters) in UUID v4 form from 128 random
/// bits. Made once per logical call and sent unchanged with every retry of it, so a retried
/// StartSession or StartCalculationExecution never starts a second session or calculation.
std::string client_request_token(std::uint64_t hi, std::uint64_t lo);

} // namespace protocol::retry
