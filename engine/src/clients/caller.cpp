#include <engine/clients/caller.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace engine::clients {
namespace {

namespace asio = boost::asio;
using protocol::retry::failure;

// An engine::http error that means no answer arrived in time (botocore charges these 10 quota tokens).
bool is_timeout(const std::error_code& ec) {
    return ec == engine::error::connect_timeout || ec == engine::error::tls_handshake_timeout ||
           ec == engine::error::request_timeout || ec == std::errc::timed_out;
}

// True once the awaiting coroutine was cancelled. Checked after every resume (an operation may have
// completed successfully just before the signal arrived), and before any further co_await, which
// would throw operation_aborted out of the call.
bool cancelled(const asio::cancellation_state& st) {
    return st.cancelled() != asio::cancellation_type::none;
}

std::error_code aborted() {
    return boost::system::error_code(asio::error::operation_aborted);
}

} // namespace

caller::caller(http::client& http, credentials::provider_ptr creds, protocol::retry::config retry,
               std::uint64_t seed)
    : http_(http)
    , creds_(std::move(creds))
    , config_(retry)
    , rng_(seed) {}

double caller::monotonic_seconds() const {
    return std::chrono::duration<double>(steady_now().time_since_epoch()).count();
}

asio::awaitable<std::error_code> caller::pause(wait_event::reason why, int attempt,
                                               std::chrono::steady_clock::duration delay) {
    if (on_wait)
        on_wait(wait_event{why, attempt, delay});
    if (sleep) {
        auto ec = co_await sleep(delay);
        co_return ec;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(delay);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ec;
}

std::string caller::new_client_request_token() {
    const std::uint64_t hi = rng_(), lo = rng_();
    return protocol::retry::client_request_token(hi, lo);
}

asio::awaitable<call_result> caller::call(service_target target, http::request req,
                                          http::request_options options, payload_options payload) {
    constexpr auto tok = asio::as_tuple(asio::use_awaitable);
    call_result out;
    int retry_tokens_taken = 0;
    bool refreshed_credentials = false;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    if (config_.mode == protocol::retry::mode::adaptive && !limiter_)
        limiter_.emplace(monotonic_seconds());
    // Drop the connection after an answer that will be retried: a server that failed or throttled
    // may be a bad host behind the load balancer, and the retry should not queue behind it.
    if (!options.reuse_connection) {
        options.reuse_connection = [wire = target.wire](const http::response& r) {
            if (r.status() >= 200 && r.status() < 300)
                return true;
            const auto e = protocol::decode_service_error(wire, r.view());
            return !protocol::retry::retryable(failure::service_error, e.kind());
        };
    }

    for (int attempt = 1;; ++attempt) {
        out = call_result{};
        out.attempts = attempt;
        // An anonymous call needs no credentials and is not signed; it is retried like any other.
        if (!target.anonymous && (!identity_ || refreshed_credentials)) {
            auto got = co_await creds_->get_credentials();
            if (cancelled(co_await asio::this_coro::cancellation_state)) {
                out.ec = aborted();
                out.message = "cancelled";
                co_return out;
            }
            if (!got) {
                out.ec = got.ec;
                out.message = "no AWS credentials: " + got.message;
                co_return out;
            }
            identity_ = std::move(got.value);
        }

        http::request attempt_req = req; // the body is resent unchanged on every attempt
        if (attempt > 1 && attempt_req.provider) {
            if (auto rec = attempt_req.provider->rewind()) {
                out.ec = rec;
                out.message = "cannot resend the request body: " + rec.message();
                co_return out;
            }
        }
        if (!target.anonymous) {
            if (auto sec = sign_attempt(target, payload, attempt_req, out.message)) {
                out.ec = sec;
                co_return out;
            }
        }

        if (limiter_) {
            for (double wait = limiter_->acquire(monotonic_seconds()); wait > 0;
                 wait = limiter_->acquire(monotonic_seconds())) {
                // Rounded up, so that the bucket has its token after the wait (a wait rounded
                // down to zero could spin on an unchanged clock).
                const auto delay =
                    std::chrono::ceil<std::chrono::steady_clock::duration>(std::chrono::duration<double>(wait));
                auto wec = co_await pause(wait_event::reason::rate_limit, attempt, delay);
                if (wec || cancelled(co_await asio::this_coro::cancellation_state)) {
                    out.ec = aborted();
                    out.message = "cancelled";
                    co_return out;
                }
            }
        }

        auto [ec, res] = co_await http::async_request(http_, std::move(attempt_req), options, tok);
        if (ec == std::errc::operation_canceled || cancelled(co_await asio::this_coro::cancellation_state)) {
            out.ec = aborted();
            out.message = "cancelled";
            co_return out;
        }
        failure kind = failure::service_error;
        protocol::error_class cls = protocol::error_class::client_error;
        if (ec) {
            out.ec = ec;
            out.message = ec.message();
            if (!engine::is_retryable(ec))
                co_return out; // TLS verification, bad request, ...: another attempt cannot help
            kind = is_timeout(ec) ? failure::timeout : failure::connection;
        } else {
            out.response = std::move(res);
            const int status = out.response.status();
            if (status >= 200 && status < 300) {
                quota_.release(retry_tokens_taken);
                if (limiter_)
                    limiter_->on_response(monotonic_seconds(), false);
                co_return out;
            }
            out.error = protocol::decode_service_error(target.wire, out.response.view());
            cls = out.error->kind();
            out.message = out.error->code.empty() ? "HTTP " + std::to_string(status)
                                                  : out.error->code + ": " + out.error->message;
        }
        if (limiter_)
            limiter_->on_response(monotonic_seconds(), protocol::retry::is_throttling(kind, cls));

        // Decide.
        if (!protocol::retry::retryable(kind, cls) || attempt >= config_.max_attempts)
            co_return out;
        if (kind == failure::service_error && cls == protocol::error_class::expired_credentials) {
            if (refreshed_credentials || target.anonymous)
                co_return out; // refreshed once already: the new ones are expired too
            refreshed_credentials = true;
        } else {
            refreshed_credentials = false;
        }
        if (kind == failure::service_error && cls == protocol::error_class::clock_skew) {
            if (auto date = out.response.header("Date")) {
                const auto local = std::chrono::time_point_cast<std::chrono::milliseconds>(now());
                if (auto off = protocol::retry::clock_offset(*date, local))
                    offset_ = *off;
            }
        }
        if (!quota_.acquire(kind))
            co_return out; // the client's retry quota is spent: fail fast
        retry_tokens_taken += protocol::retry::quota::cost(kind);
        const std::chrono::steady_clock::duration delay = protocol::retry::backoff(config_, attempt, uniform(rng_));
        auto wec = co_await pause(wait_event::reason::backoff, attempt + 1, delay);
        if (wec || cancelled(co_await asio::this_coro::cancellation_state)) {
            // The last answer stays in `out` (error, response) for the caller's diagnostics.
            out.ec = aborted();
            out.message = "cancelled";
            co_return out;
        }
    }
}

std::error_code caller::sign_attempt(const service_target& target, const payload_options& payload,
                                     http::request& req, std::string& message) {
    // The request's headers plus X-Amz-Date / X-Amz-Security-Token / Authorization.
    const auto signing_now = now() + offset_;
    std::error_code tec;
    const auto t = aws_sigv4::signing_time::from_unix(
        std::chrono::duration_cast<std::chrono::seconds>(signing_now.time_since_epoch()).count(), tec);
    if (tec) {
        message = "cannot sign the request: " + tec.message();
        return tec;
    }
    std::vector<aws_sigv4::header_view> hv;
    hv.reserve(req.headers.size());
    for (const auto& [n, v] : req.headers)
        hv.push_back({n, v});
    const std::string body_hash =
        payload.payload_hash.empty() ? aws_sigv4::sha256_hex(req.body) : payload.payload_hash;
    aws_sigv4::signing_result signed_out;
    const aws_sigv4::signing_params params{identity_->keys, target.region, target.signing_name, t,
                                           body_hash,       target.signing};
    if (auto sec = signer_.sign({req.method, req.target, hv}, params, signed_out)) {
        message = "cannot sign the request: " + sec.message();
        return sec;
    }
    hv.clear(); // views into req.headers, which grows next
    for (auto& h : signed_out.headers_to_add)
        req.headers.push_back(std::move(h));
    if (payload.on_signed) {
        const signed_attempt sa{identity_->keys, target.region, target.signing_name, t, signed_out.signature};
        if (auto pec = payload.on_signed(sa, req)) {
            message = "cannot prepare the request body: " + pec.message();
            return pec;
        }
    }
    return {};
}

} // namespace engine::clients
