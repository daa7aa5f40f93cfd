#include <protocol/retry.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace protocol::retry {

std::optional<std::string> apply_settings(config& c, std::string_view retry_mode,
                                          std::string_view max_attempts) {
    config n = c;
    if (!retry_mode.empty()) {
        if (retry_mode == "standard" || retry_mode == "legacy")
            n.mode = mode::standard;
        else if (retry_mode == "adaptive")
            n.mode = mode::adaptive;
        else
            return "AWS_RETRY_MODE / retry_mode is '" + std::string(retry_mode) +
                   "': use standard, adaptive or legacy (treated as standard)";
    }
    if (!max_attempts.empty()) {
        int v = 0;
        const auto [end, ec] =
            std::from_chars(max_attempts.data(), max_attempts.data() + max_attempts.size(), v);
        if (ec != std::errc{} || end != max_attempts.data() + max_attempts.size() || v < 1 || v > 100)
            return "AWS_MAX_ATTEMPTS / max_attempts is '" + std::string(max_attempts) +
                   "': use a whole number from 1 (no retries) to 100";
        n.max_attempts = v;
    }
    c = n;
    return std::nullopt;
}

bool retryable(failure f, error_class c) noexcept {
    if (f != failure::service_error)
        return true; // timeouts and connection failures (the SDKs retry these too)
    switch (c) {
    case error_class::throttling:
    case error_class::transient:
    case error_class::clock_skew:
    case error_class::expired_credentials:
        return true;
    case error_class::not_found:
    case error_class::access_denied:
    case error_class::client_error:
        return false;
    }
    return false;
}

bool quota::acquire(failure f) noexcept {
    const int c = cost(f);
    if (c > tokens_)
        return false;
    tokens_ -= c;
    return true;
}

void quota::release(int taken) noexcept {
    tokens_ = std::min(initial, tokens_ + (taken > 0 ? taken : no_retry_increment));
}

std::chrono::milliseconds backoff(const config& c, int attempt, double uniform) noexcept {
    const double u = std::clamp(uniform, 0.0, 1.0);
    const int e = std::clamp(attempt - 1, 0, 62);
    const double ms = u * std::ldexp(static_cast<double>(c.base.count()), e);
    const double cap = static_cast<double>(c.max_backoff.count());
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(ms, cap)));
}

namespace {
double zero_point(double w_max) noexcept {
    return std::cbrt(w_max * (1 - cubic::beta) / cubic::scale_constant);
}
} // namespace

cubic::cubic(double start_time, double starting_max_rate) noexcept
    : w_max_(starting_max_rate)
    , k_(zero_point(starting_max_rate))
    , last_fail_(start_time) {}

double cubic::success_received(double now) const noexcept {
    const double dt = now - last_fail_;
    return scale_constant * std::pow(dt - k_, 3.0) + w_max_;
}

double cubic::error_received(double current_rate, double now) noexcept {
    const double r = current_rate * beta;
    w_max_ = current_rate;
    k_ = zero_point(current_rate);
    last_fail_ = now;
    return r;
}

rate_limiter::rate_limiter(double now) noexcept
    : cubic_(now, 0)
    , last_bucket_(std::floor(now)) {
    set_max_rate(1, now); // botocore starts the bucket at 1 request/s (unused until enabled)
}

void rate_limiter::refill(double now) noexcept {
    if (!last_refill_) {
        last_refill_ = now;
        return;
    }
    tokens_ = std::min(capacity_, tokens_ + (now - *last_refill_) * fill_rate_);
    last_refill_ = now;
}

void rate_limiter::set_max_rate(double rate, double now) noexcept {
    refill(now);
    fill_rate_ = std::max(rate, min_rate);
    capacity_ = rate >= 1 ? rate : 1;
    tokens_ = std::min(tokens_, capacity_);
}

double rate_limiter::acquire(double now) noexcept {
    if (!enabled_)
        return 0;
    refill(now);
    if (tokens_ >= 1) {
        tokens_ -= 1;
        return 0;
    }
    return (1 - tokens_) / fill_rate_;
}

void rate_limiter::on_response(double now, bool throttled) noexcept {
    // RateClocker: requests per second in half-second buckets, exponentially smoothed.
    const double scale = 1 / time_bucket_range;
    const double bucket = std::floor(now * scale) / scale;
    count_ += 1;
    if (bucket > last_bucket_) {
        const double current = count_ / (bucket - last_bucket_);
        measured_rate_ = current * smoothing + measured_rate_ * (1 - smoothing);
        count_ = 0;
        last_bucket_ = bucket;
    }
    double new_rate;
    if (!throttled) {
        new_rate = cubic_.success_received(now);
    } else {
        const double rate_to_use = enabled_ ? std::min(measured_rate_, fill_rate_) : measured_rate_;
        new_rate = cubic_.error_received(rate_to_use, now);
        enabled_ = true;
    }
    set_max_rate(std::min(new_rate, max_rate_adjust_scale * measured_rate_), now);
}

std::optional<std::chrono::milliseconds> clock_offset(std::string_view date_header,
                                                      timestamp local_now) noexcept {
    auto server = parse_http_date(date_header);
    if (!server)
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*server - local_now);
}

std::string client_request_token(std::uint64_t hi, std::uint64_t lo) {
    // Version 4 and the RFC 4122 variant, as uuid.uuid4() makes them (what botocore sends).
    hi = (hi & ~0xf000ull) | 0x4000ull;
    lo = (lo & ~(0xc000ull << 48)) | (0x8000ull << 48);
    static constexpr char hex[] = "0123456789abcdef";
    std::string s;
    s.reserve(36);
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i)
            s.push_back(hex[(v >> (4 * i)) & 0xf]);
    };
    put(hi >> 32, 8);
    s.push_back('-');
    put(hi >> 16, 4);
    s.push_back('-');
    put(hi, 4);
    s.push_back('-');
    put(lo >> 48, 4);
    s.push_back('-');
    put(lo, 12);
    return s;
}

} // namespace protocol::retry
