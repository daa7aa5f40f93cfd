#include <engine/credentials/error.hpp>
#include <engine/http/fetcher.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace engine::http {
namespace {

namespace asio = boost::asio;

class client_fetcher final : public credentials::http_fetcher {
public:
    explicit client_fetcher(client& c)
        : c_(c) {}

    asio::awaitable<credentials::fetch_result> fetch(const protocol::http_request& req,
                                                     std::chrono::milliseconds timeout) override {
        credentials::fetch_result out;
        protocol::http_request copy = req;
        auto r = from_protocol(std::move(copy));
        if (!r) {
            out.ec = credentials::error::unsupported_scheme;
            co_return out;
        }
        request_options o;
        o.timeout = timeout;
        o.request_timeout = timeout;
        o.max_body = 1 << 20;
        auto [ec, resp] = co_await async_request(c_, std::move(*r), o, asio::as_tuple(asio::use_awaitable));
        if (ec == error::connect_timeout || ec == error::tls_handshake_timeout ||
            ec == error::request_timeout || ec == error::pool_timeout) {
            out.ec = credentials::error::timeout;
            co_return out;
        }
        if (ec) {
            out.ec = ec;
            co_return out;
        }
        out.response.status = resp.status();
        out.response.headers.reserve(resp.headers().size());
        for (const auto& h : resp.headers())
            out.response.headers.emplace_back(std::string(h.name), std::string(h.value));
        out.response.body.assign(resp.body().view());
        co_return out;
    }

private:
    client& c_;
};

} // namespace

std::shared_ptr<credentials::http_fetcher> make_client_fetcher(client& c) {
    return std::make_shared<client_fetcher>(c);
}

} // namespace engine::http
