#pragma once
// Private helpers shared by the provider sources.
#include <engine/credentials/provider.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace engine::credentials::detail {

namespace asio = boost::asio;

inline constexpr auto nothrow_awaitable = asio::as_tuple(asio::use_awaitable);

/// boost::asio::error::operation_aborted as a std::error_code.
inline std::error_code aborted() {
    return boost::system::error_code(asio::error::operation_aborted);
}

/// True when the awaiting coroutine has been asked to stop.
inline asio::awaitable<bool> cancelled() {
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return cs.cancelled() != asio::cancellation_type::none;
}

/// Runs `op` against a deadline. nullopt when the deadline passed first (or the caller was
/// cancelled; check cancelled()). `op` is cancelled (terminal) when the deadline passes and this
/// waits for it to finish.
template <class T>
asio::awaitable<std::optional<T>> with_timeout(asio::awaitable<T> op, std::chrono::steady_clock::duration d) {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer timer(ex, d);
    auto [order, ep, value, tec] =
        co_await asio::experimental::make_parallel_group(asio::co_spawn(ex, std::move(op), asio::deferred),
                                                         timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::deferred);
    (void)tec;
    if (order[0] == 0) {
        if (ep)
            std::rethrow_exception(ep);
        co_return std::move(value);
    }
    co_return std::nullopt;
}

/// Shared base of the providers (all are created by make_shared):
///  - the operation owns a reference to the provider, so `make_x(...)->get_credentials()` is safe
///    even when the caller drops its pointer before the awaitable runs;
///  - an exception thrown by Asio in a cancelled coroutine (throw_if_cancelled) becomes an
///    operation_aborted result, so callers only ever see results.
class provider_base : public credentials_provider, public std::enable_shared_from_this<provider_base> {
public:
    asio::awaitable<credentials_result> get_credentials() final { return guarded(shared_from_this()); }

protected:
    virtual asio::awaitable<credentials_result> run() = 0;

private:
    static asio::awaitable<credentials_result> guarded(std::shared_ptr<provider_base> self) {
        std::error_code ec;
        try {
            co_return co_await self->run();
        } catch (const boost::system::system_error& e) {
            ec = e.code();
        }
        co_return credentials_result::failure(ec, std::string(self->name()) + ": " + ec.message());
    }
};

/// "connection refused", "timed out after 1000 ms", ... for messages.
std::string describe(const std::error_code& ec, std::chrono::milliseconds timeout);

/// "HTTP 404" plus the first 200 characters of the body when it is printable text.
std::string describe_status(const fetch_response& r);

/// Splits "http://host:port/path?query" into a request (method GET). false for anything else.
bool parse_url(std::string_view url, protocol::http_request& out, std::string& message);

/// Timestamp of the credential's expiry in messages, or "never".
std::string expiry_text(const identity& id);

} // namespace engine::credentials::detail
