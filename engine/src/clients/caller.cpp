#include <engine/clients/caller.hpp>
#include <engine/http/detail/cancel.hpp>

#include "operation.hpp"

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
using http::detail::cancelled;

std::error_code aborted() {
    return boost::system::error_code(asio::error::operation_aborted);
}

// The reuse_connection predicate: drop the connection after an answer that will be retried (a
// server that failed or throttled may be a bad host behind the load balancer, and the retry should
// not queue behind it).
std::function<bool(const http::response&)> reuse_unless_retried(protocol::wire_protocol wire) {
    return [wire](const http::response& r) {
        if (r.status() >= 200 && r.status() < 300)
            return true;
        const auto e = protocol::decode_service_error(wire, r.view());
        return !protocol::retry::retryable(failure::service_error, e.kind());
    };
}

void set_cancelled(call_result& out) {
    out.ec = aborted();
    out.message = "cancelled";
}

// Cancelled with a request in flight: no answer.
void set_cancelled_request(call_result& out) {
    out.response = http::response{};
    set_cancelled(out);
}

// call(): the arguments by value, in one heap state that the coroutine below owns.
struct owned_call {
    service_target target;
    http::request_options options;
    payload_options payload;
    call_request st;
    call_result result;
};

asio::awaitable<call_result> run_owned(caller& c, std::unique_ptr<owned_call> op) {
    co_await c.call_into(op->st, op->result);
    co_return std::move(op->result);
}

// The HTTP exchange from a coroutine that does not run on the client's executor: through
// async_request (co_spawn on the client's executor), with a copy of the request.
asio::awaitable<std::error_code> send_spawned(http::client& c, const http::request& req,
                                              const http::request_options& opt, http::response& out) {
    http::request copy = req;
    auto [ec, res] = co_await http::async_request(c, std::move(copy), opt, asio::as_tuple(asio::use_awaitable));
    if (!ec)
        out = std::move(res);
    co_return ec;
}

// What caller::run needs of its State: the call, and what happens before and after it.
call_request& request_of(call_request* st) noexcept {
    return *st;
}
bool start(call_request*, call_result&) noexcept {
    return true;
}
void finish(call_request*, call_result&) noexcept {}

call_request& request_of(detail::operation_call* op) noexcept {
    return op->call;
}
bool start(detail::operation_call* op, call_result& out) {
    return detail::operation_start(*op, out);
}
void finish(detail::operation_call* op, call_result& out) {
    detail::operation_finish(*op, out);
}

call_request& request_of(detail::operation_call& op) noexcept {
    return op.call;
}
bool start(detail::operation_call& op, call_result& out) {
    return detail::operation_start(op, out);
}
void finish(detail::operation_call& op, call_result& out) {
    detail::operation_finish(op, out);
}

} // namespace

// One call's retry bookkeeping (in call_into's frame). It is also the HTTP client's send hook: an
// attempt is signed when it has a connection (see ready_to_send), not while it queues for one.
struct caller::progress final : http::send_hook {
    progress(caller& c, call_request& s, call_result& o)
        : self(c)
        , st(s)
        , out(o) {}
    std::error_code before_send(http::request&) override { return self.ready_to_send(st, *this, out); }

    caller& self;
    call_request& st;
    call_result& out;
    int attempt = 0;
    int retry_tokens_taken = 0;
    bool refreshed_credentials = false;
    bool direct = true;                         ///< on the HTTP client's executor: client::send
    bool body_used = false;                     ///< the provider was handed out for sending
    bool not_sent = false;                      ///< ready_to_send failed: `out` says why
    std::size_t base_headers = 0;               ///< the request's own headers (signing adds more)
    std::shared_ptr<http::body_provider> body;  ///< the request's provider (on_signed may replace it)
};

caller::caller(http::client& http, credentials::provider_ptr creds, protocol::retry::config retry,
               std::uint64_t seed)
    : http_(http)
    , creds_(std::move(creds))
    , config_(retry)
    , rng_(seed) {
    for (auto w : {protocol::wire_protocol::json, protocol::wire_protocol::rest_xml, protocol::wire_protocol::query})
        default_options_[static_cast<int>(w)].reuse_connection = reuse_unless_retried(w);
}

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

const http::request_options& caller::default_options(protocol::wire_protocol wire) const noexcept {
    return default_options_[static_cast<int>(wire)];
}

asio::awaitable<call_result> caller::call(service_target target, http::request req,
                                          http::request_options options, payload_options payload) {
    auto op = std::make_unique<owned_call>();
    op->target = std::move(target);
    op->options = std::move(options);
    if (!op->options.reuse_connection)
        op->options.reuse_connection = reuse_unless_retried(op->target.wire);
    op->payload = std::move(payload);
    op->st.target = &op->target;
    op->st.req = std::move(req);
    op->st.options = &op->options;
    op->st.payload = &op->payload;
    return run_owned(*this, std::move(op));
}

void caller::begin_call(call_request& st, progress& pr) {
    if (config_.mode == protocol::retry::mode::adaptive && !limiter_)
        limiter_.emplace(monotonic_seconds());
    pr.base_headers = st.req.headers.size();
    pr.body = st.req.provider;
}

bool caller::needs_credentials(const call_request& st, const progress& pr) const noexcept {
    // An anonymous call needs no credentials and is not signed; it is retried like any other.
    return !st.target->anonymous && (!identity_ || pr.refreshed_credentials);
}

asio::awaitable<bool> caller::fetch_credentials(call_result& out) {
    auto got = co_await creds_->get_credentials();
    if (cancelled(co_await asio::this_coro::cancellation_state)) {
        set_cancelled(out);
        co_return false;
    }
    if (!got) {
        out.ec = got.ec;
        out.message = "no AWS credentials: " + got.message;
        co_return false;
    }
    identity_ = std::move(got.value);
    co_return true;
}

void caller::prepare_attempt(progress& pr, call_result& out) {
    const int attempt = ++pr.attempt;
    out = call_result{};
    out.attempts = attempt;
}

std::error_code caller::ready_to_send(call_request& st, progress& pr, call_result& out) {
    // The same request on every attempt (and on the HTTP client's stale-connection retry): its own
    // headers and body, signed anew with the current time.
    st.req.headers.resize(pr.base_headers);
    st.req.provider = pr.body;
    if (pr.body_used && st.req.provider) {
        if (auto rec = st.req.provider->rewind()) {
            out.ec = rec;
            out.message = "cannot resend the request body: " + rec.message();
            pr.not_sent = true;
            return rec;
        }
    }
    pr.body_used = true;
    if (!st.target->anonymous) {
        if (auto sec = sign_attempt(*st.target, st.payload, st.req, out.message)) {
            out.ec = sec;
            pr.not_sent = true;
            return sec;
        }
    }
    return {};
}

bool caller::on_client_executor(const asio::any_io_executor& ex) const {
    return ex == http_.get_executor();
}

bool caller::after_answer(const call_request& st, progress& pr, std::error_code ec, call_result& out,
                          std::chrono::steady_clock::duration& delay) {
    const int attempt = pr.attempt;
    failure kind = failure::service_error;
    protocol::error_class cls = protocol::error_class::client_error;
    if (ec) {
        out.response = http::response{};
        out.ec = ec;
        out.message = ec.message();
        if (!engine::is_retryable(ec))
            return true; // TLS verification, bad request, ...: another attempt cannot help
        kind = is_timeout(ec) ? failure::timeout : failure::connection;
    } else {
        const int status = out.response.status();
        if (status >= 200 && status < 300) {
            quota_.release(pr.retry_tokens_taken);
            if (limiter_)
                limiter_->on_response(monotonic_seconds(), false);
            return true;
        }
        out.error = protocol::decode_service_error(st.target->wire, out.response.view());
        cls = out.error->kind();
        out.message = out.error->code.empty() ? "HTTP " + std::to_string(status)
                                              : out.error->code + ": " + out.error->message;
    }
    if (limiter_)
        limiter_->on_response(monotonic_seconds(), protocol::retry::is_throttling(kind, cls));

    // Decide.
    if (!protocol::retry::retryable(kind, cls) || attempt >= config_.max_attempts)
        return true;
    if (kind == failure::service_error && cls == protocol::error_class::expired_credentials) {
        if (pr.refreshed_credentials || st.target->anonymous)
            return true; // refreshed once already: the new ones are expired too
        pr.refreshed_credentials = true;
    } else {
        pr.refreshed_credentials = false;
    }
    if (kind == failure::service_error && cls == protocol::error_class::clock_skew) {
        if (auto date = out.response.header("Date")) {
            const auto local = std::chrono::time_point_cast<std::chrono::milliseconds>(now());
            if (auto off = protocol::retry::clock_offset(*date, local))
                offset_ = *off;
        }
    }
    if (!quota_.acquire(kind))
        return true; // the client's retry quota is spent: fail fast
    pr.retry_tokens_taken += protocol::retry::quota::cost(kind);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    delay = protocol::retry::backoff(config_, attempt, uniform(rng_));
    return false;
}

// Adaptive mode: waits until the client-side rate limiter has a token (a coroutine of its own, so
// that its locals are not in every call's frame). False when cancelled (`out` says so).
asio::awaitable<bool> caller::wait_for_token(int attempt, call_result& out) {
    for (double wait = limiter_->acquire(monotonic_seconds()); wait > 0; wait = limiter_->acquire(monotonic_seconds())) {
        // Rounded up, so that the bucket has its token after the wait (a wait rounded down to zero
        // could spin on an unchanged clock).
        const auto delay =
            std::chrono::ceil<std::chrono::steady_clock::duration>(std::chrono::duration<double>(wait));
        auto wec = co_await pause(wait_event::reason::rate_limit, attempt, delay);
        if (wec || cancelled(co_await asio::this_coro::cancellation_state)) {
            set_cancelled(out);
            co_return false;
        }
    }
    co_return true;
}

asio::awaitable<void> caller::call_into(call_request& st, call_result& out) {
    return run(&st, out);
}

asio::awaitable<void> caller::run_operation(detail::operation_call op, call_result& out) {
    return run(std::move(op), out);
}

asio::awaitable<void> caller::run_operation(detail::operation_call* op, call_result& out) {
    return run(op, out);
}

// The coroutine keeps only what crosses a suspension (the state, the bookkeeping, the executor check,
// the throw_if_cancelled setting); building, signing and deciding are plain functions above. Every
// way out of the loop runs finish() (an operation decodes its answer there).
template <class State>
asio::awaitable<void> caller::run(State state, call_result& out) {
    if (!start(state, out))
        co_return;
    call_request& st = request_of(state);
    progress pr(*this, st, out);
    begin_call(st, pr);
    pr.direct = on_client_executor(co_await asio::this_coro::executor);
    const http::request_options& options = st.options ? *st.options : default_options(st.target->wire);
    for (;;) {
        if (needs_credentials(st, pr) && !co_await fetch_credentials(out))
            break;
        prepare_attempt(pr, out);

        if (limiter_ && !co_await wait_for_token(pr.attempt, out))
            break;

        // The HTTP code checks the cancellation state after every resume itself; it must not throw
        // operation_aborted at its next co_await meanwhile. The awaiting coroutine's setting is
        // restored before anything else runs.
        const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
        co_await asio::this_coro::throw_if_cancelled(false);
        std::error_code ec;
        if (pr.direct) {
            ec = co_await http_.send(st.req, options, out.response, &pr); // signed once connected
        } else {
            // Signed here: the spawned request runs on the HTTP client's executor and copies it.
            ec = ready_to_send(st, pr, out);
            if (!ec)
                ec = co_await send_spawned(http_, st.req, options, out.response);
        }
        co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
        if (ec == std::errc::operation_canceled || cancelled(co_await asio::this_coro::cancellation_state)) {
            set_cancelled_request(out);
            break;
        }
        if (pr.not_sent)
            break; // could not sign or rewind: `out` says why
        std::chrono::steady_clock::duration delay{};
        if (after_answer(st, pr, ec, out, delay))
            break;
        auto wec = co_await pause(wait_event::reason::backoff, pr.attempt + 1, delay);
        if (wec || cancelled(co_await asio::this_coro::cancellation_state)) {
            // The last answer stays in `out` (error, response) for the caller's diagnostics.
            set_cancelled(out);
            break;
        }
    }
    finish(state, out);
}

std::error_code caller::sign_attempt(const service_target& target, const payload_options* payload,
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
    const std::string body_hash = !payload || payload->payload_hash.empty() ? aws_sigv4::sha256_hex(req.body)
                                                                            : payload->payload_hash;
    aws_sigv4::signing_result signed_out;
    const aws_sigv4::signing_params params{identity_->keys, target.region, target.signing_name, t,
                                           body_hash,       target.signing};
    if (auto sec = signer_.sign({req.method, req.target, hv}, params, signed_out)) {
        message = "cannot sign the request: " + sec.message();
        return sec;
    }
    hv.clear(); // views into req.headers, which grows next
    req.headers.reserve(req.headers.size() + signed_out.headers_to_add.size()); // exactly: no spare capacity
    for (auto& h : signed_out.headers_to_add)
        req.headers.push_back(std::move(h));
    if (payload && payload->on_signed) {
        const signed_attempt sa{identity_->keys, target.region, target.signing_name, t, signed_out.signature};
        if (auto pec = payload->on_signed(sa, req)) {
            message = "cannot prepare the request body: " + pec.message();
            return pec;
        }
    }
    return {};
}

} // namespace engine::clients
