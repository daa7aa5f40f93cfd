#pragma once
// Small helpers shared by the client's coroutines (not a public header).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_state.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/system/error_code.hpp>

#include <system_error>

namespace engine::http::detail {

/// operation_aborted as a std::error_code (what a cancelled operation completes with).
inline std::error_code aborted_code() noexcept {
    return boost::system::error_code(boost::asio::error::operation_aborted);
}

/// True when a cancellation state has been cancelled. Used as
/// `if (cancelled(co_await asio::this_coro::cancellation_state))` after every resume (also when the
/// I/O itself succeeded): no coroutine frame, never throws.
inline bool cancelled(const boost::asio::cancellation_state& st) noexcept {
    return st.cancelled() != boost::asio::cancellation_type::none;
}

/// The same as an awaitable (allocates a frame per call; prefer cancelled() above).
inline boost::asio::awaitable<bool> is_cancelled() {
    auto cs = co_await boost::asio::this_coro::cancellation_state;
    co_return cs.cancelled() != boost::asio::cancellation_type::none;
}

} // namespace engine::http::detail
