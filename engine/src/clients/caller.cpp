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

} // namespace

caller::caller(http::client& http, credentials::provider_ptr creds, protocol::retry::config retry,
               std::uint64_t seed)
    : http_(http)
    , creds_(std::move(creds))
    , config_(retry)
    , rng_(seed) {
    if (config_.mode == protocol::retry::mode::adaptive)
        limiter_.emplace(monotonic_seconds());
}

double caller::monotonic_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
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
    asio::steady_timer timer(co_await asio::this_coro::executor);

    for (int attempt = 1;; ++attempt) {
        out = call_result{};
        out.attempts = attempt;
        if (!identity_ || refreshed_credentials) {
            auto got = co_await creds_->get_credentials();
            if (!got) {
                out.ec = got.ec;
                out.message = "no AWS credentials: " + got.message;
                co_return out;
            }
            identity_ = std::move(got.value);
        }

        // Sign this attempt: the request's headers plus X-Amz-Date / token / Authorization.
        const auto signing_now = now() + offset_;
        std::error_code tec;
        const auto t = aws_sigv4::signing_time::from_unix(
            std::chrono::duration_cast<std::chrono::seconds>(signing_now.time_since_epoch()).count(), tec);
        http::request attempt_req = req; // the body is resent unchanged on every attempt
        if (attempt > 1 && attempt_req.provider) {
            if (auto rec = attempt_req.provider->rewind()) {
                out.ec = rec;
                out.message = "cannot resend the request body: " + rec.message();
                co_return out;
            }
        }
        std::vector<aws_sigv4::header_view> hv;
        hv.reserve(attempt_req.headers.size());
        for (const auto& [n, v] : attempt_req.headers)
            hv.push_back({n, v});
        const std::string body_hash =
            payload.payload_hash.empty() ? aws_sigv4::sha256_hex(attempt_req.body) : payload.payload_hash;
        aws_sigv4::signing_result signed_out;
        const aws_sigv4::signing_params params{identity_->keys, target.region, target.signing_name, t,
                                               body_hash,       target.signing};
        if (auto sec =
                tec ? tec : signer_.sign({attempt_req.method, attempt_req.target, hv}, params, signed_out)) {
            out.ec = sec;
            out.message = "cannot sign the request: " + sec.message();
            co_return out;
        }
        for (auto& h : signed_out.headers_to_add)
            attempt_req.headers.push_back(std::move(h));
        if (payload.on_signed) {
            const signed_attempt sa{identity_->keys, target.region, target.signing_name, t,
                                    signed_out.signature};
            if (auto pec = payload.on_signed(sa, attempt_req)) {
                out.ec = pec;
                out.message = "cannot prepare the request body: " + pec.message();
                co_return out;
            }
        }

        if (limiter_) {
            for (double wait = limiter_->acquire(monotonic_seconds()); wait > 0;
                 wait = limiter_->acquire(monotonic_seconds())) {
                timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(wait)));
                auto [wec] = co_await timer.async_wait(tok);
                if (wec) {
                    out.ec = wec;
                    out.message = "cancelled";
                    co_return out;
                }
            }
        }

        auto [ec, res] = co_await http::async_request(http_, std::move(attempt_req), options, tok);
        failure kind = failure::service_error;
        protocol::error_class cls = protocol::error_class::client_error;
        if (ec) {
            if (ec == std::errc::operation_canceled) {
                out.ec = ec;
                out.message = "cancelled";
                co_return out;
            }
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
            if (refreshed_credentials)
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
        timer.expires_after(protocol::retry::backoff(config_, attempt, uniform(rng_)));
        auto [wec] = co_await timer.async_wait(tok);
        if (wec) {
            out.ec = wec;
            out.message = "cancelled";
            co_return out;
        }
    }
}

} // namespace engine::clients
