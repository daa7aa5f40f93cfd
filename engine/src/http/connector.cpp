#include "connector.hpp"

#include <engine/http/detail/basic_connection.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <algorithm>
#include <optional>

namespace engine::http::detail {

// Instantiated once, in connection.cpp.
extern template class basic_connection<beast::tcp_stream>;
extern template class basic_connection<beast::ssl_stream<beast::tcp_stream>>;

namespace {

namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

clock::time_point earliest(clock::time_point deadline, std::chrono::milliseconds budget) {
    auto now = clock::now();
    if (deadline <= now)
        return now;
    return (deadline - now) < budget ? deadline : now + budget;
}

/// Set by the verify callback: why the peer was rejected.
struct verify_outcome {
    long x509_error = X509_V_OK;
    bool hostname_mismatch = false;
};

class tcp_tls_connector final : public connector {
public:
    tcp_tls_connector(const client_options& o, std::error_code& ec)
        : options_(o) {
        try {
            ctx_.emplace(ssl::context::tls_client);
            SSL_CTX_set_min_proto_version(ctx_->native_handle(), TLS1_2_VERSION);
            ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_compression);
            if (o.verify_peer) {
                beast::error_code bec;
                if (o.ca_file.empty())
                    ctx_->set_default_verify_paths(bec);
                else
                    ctx_->load_verify_file(o.ca_file, bec);
                if (bec)
                    init_error_ = bec;
                ctx_->set_verify_mode(ssl::verify_peer);
            } else {
                ctx_->set_verify_mode(ssl::verify_none);
            }
        } catch (const boost::system::system_error& e) {
            init_error_ = e.code();
        }
        ec = init_error_;
    }

    asio::awaitable<std::error_code> connect(const origin& to, clock::time_point deadline,
                                             std::unique_ptr<connection>& out) override {
        co_await asio::this_coro::throw_if_cancelled(false);
        constexpr auto tok = asio::as_tuple(asio::use_awaitable);
        if (init_error_)
            co_return init_error_;
        auto ex = co_await asio::this_coro::executor;
        const auto connect_deadline = earliest(deadline, options_.connect_timeout);

        std::string dial = to.host;
        for (const auto& [host, address] : options_.host_overrides)
            if (host == to.host)
                dial = address;

        // Endpoints: IP literals directly (no resolver thread), names through the resolver,
        // raced against the connect deadline.
        std::vector<tcp::endpoint> endpoints;
        beast::error_code aec;
        const auto addr = asio::ip::make_address(dial, aec);
        const bool ip_literal_host = [&] {
            beast::error_code e;
            asio::ip::make_address(to.host, e);
            return !e;
        }();
        if (!aec) {
            endpoints.emplace_back(addr, to.port);
        } else {
            tcp::resolver resolver(ex);
            asio::steady_timer timer(ex, connect_deadline);
            auto [order, rec, results, tec] =
                co_await asio::experimental::make_parallel_group(
                    resolver.async_resolve(dial, std::to_string(to.port), asio::deferred),
                    timer.async_wait(asio::deferred))
                    .async_wait(asio::experimental::wait_for_one(), tok);
            if (cancelled(co_await asio::this_coro::cancellation_state))
                co_return aborted_code();
            if (order[0] == 1)
                co_return error::connect_timeout;
            if (rec)
                co_return std::error_code(rec);
            for (const auto& e : results)
                endpoints.push_back(e.endpoint());
        }

        beast::tcp_stream tcp_s(ex);
        tcp_s.expires_at(connect_deadline);
        auto [cec, ep] = co_await tcp_s.async_connect(endpoints, tok);
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return aborted_code();
        if (cec)
            co_return translate(cec, error::connect_timeout);
        tcp_s.expires_never();
        beast::error_code oec;
        tcp_s.socket().set_option(tcp::no_delay(true), oec);

        if (!to.tls) {
            out = std::make_unique<basic_connection<beast::tcp_stream>>(std::move(tcp_s));
            co_return std::error_code{};
        }

        auto conn = std::make_unique<basic_connection<tls_stream>>(std::move(tcp_s), *ctx_);
        auto& s = conn->stream();
        if (!ip_literal_host && !SSL_set_tlsext_host_name(s.native_handle(), to.host.c_str()))
            co_return error::tls_handshake_failed;
        auto outcome = std::make_shared<verify_outcome>();
        if (options_.verify_peer) {
            s.set_verify_callback([outcome, check = ssl::host_name_verification(to.host)](
                                      bool preverified, ssl::verify_context& vc) mutable {
                if (!preverified) {
                    outcome->x509_error = X509_STORE_CTX_get_error(vc.native_handle());
                    return false;
                }
                if (!check(preverified, vc)) {
                    outcome->hostname_mismatch = true;
                    return false;
                }
                return true;
            });
        }
        beast::get_lowest_layer(s).expires_at(earliest(deadline, options_.tls_handshake_timeout));
        auto [hec] = co_await s.async_handshake(ssl::stream_base::client, tok);
        if (cancelled(co_await asio::this_coro::cancellation_state))
            co_return aborted_code();
        if (hec) {
            if (outcome->hostname_mismatch)
                co_return error::tls_hostname_mismatch;
            if (outcome->x509_error != X509_V_OK)
                co_return error::tls_verify_failed;
            if (hec == beast::error::timeout)
                co_return error::tls_handshake_timeout;
            co_return error::tls_handshake_failed;
        }
        beast::get_lowest_layer(s).expires_never();
        out = std::move(conn);
        co_return std::error_code{};
    }

private:
    client_options options_;
    std::optional<ssl::context> ctx_;
    std::error_code init_error_;
};

} // namespace

std::shared_ptr<connector> make_tcp_tls_connector(const client_options& options, std::error_code& ec) {
    return std::make_shared<tcp_tls_connector>(options, ec);
}

} // namespace engine::http::detail
