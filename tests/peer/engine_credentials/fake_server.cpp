#include "fake_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace test {

struct fake_server::state {
    explicit state(asio::io_context& ioc)
        : acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
    tcp::acceptor acceptor;
    handler_fn handler;
    std::vector<fake_request> log;
    std::vector<std::weak_ptr<asio::steady_timer>> waits;
    bool stopped = false;
};

namespace {

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(std::shared_ptr<fake_server::state> st, tcp::socket sock) {
    boost::beast::flat_buffer buf;
    http::request<http::string_body> req;
    auto [rec, rn] = co_await http::async_read(sock, buf, req, nothrow);
    if (rec || st->stopped)
        co_return;
    fake_request fr;
    fr.method = std::string(req.method_string());
    fr.target = std::string(req.target());
    for (const auto& f : req) {
        std::string n(f.name_string());
        for (char& c : n)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        fr.headers[n] = std::string(f.value());
    }
    fr.body = req.body();
    st->log.push_back(fr);
    fake_response resp = st->handler(fr);
    if (resp.hang || resp.delay.count() > 0) {
        auto t = std::make_shared<asio::steady_timer>(sock.get_executor());
        t->expires_after(resp.hang ? std::chrono::hours(1) : std::chrono::steady_clock::duration(resp.delay));
        st->waits.push_back(t);
        auto [tec] = co_await t->async_wait(nothrow);
        if (tec || st->stopped)
            co_return;
    }
    http::response<http::string_body> res;
    res.version(11);
    res.result(static_cast<unsigned>(resp.status));
    for (const auto& [n, v] : resp.headers)
        res.set(n, v);
    res.set(http::field::connection, "close");
    res.body() = resp.body;
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(sock, res, nothrow);
    (void)wec;
    boost::system::error_code ignored;
    sock.shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<fake_server::state> st) {
    for (;;) {
        auto [ec, sock] = co_await st->acceptor.async_accept(nothrow);
        if (ec || st->stopped)
            co_return;
        asio::co_spawn(st->acceptor.get_executor(), serve(st, std::move(sock)), asio::detached);
    }
}

} // namespace

fake_server::fake_server(asio::io_context& ioc, handler_fn handler)
    : state_(std::make_shared<state>(ioc)) {
    state_->handler = std::move(handler);
    asio::co_spawn(ioc, accept_loop(state_), asio::detached);
}

fake_server::~fake_server() {
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    for (auto& w : state_->waits)
        if (auto t = w.lock())
            t->cancel();
}

std::uint16_t fake_server::port() const {
    return state_->acceptor.local_endpoint().port();
}
std::string fake_server::url() const {
    return "http://127.0.0.1:" + std::to_string(port());
}
const std::vector<fake_request>& fake_server::requests() const {
    return state_->log;
}

int fake_server::count(const std::string& target) const {
    int n = 0;
    for (const auto& r : state_->log)
        n += r.target == target;
    return n;
}

engine::credentials::credentials_result run(asio::io_context& ioc, engine::credentials::provider_ptr p) {
    std::optional<engine::credentials::credentials_result> out;
    asio::co_spawn(ioc, p->get_credentials(),
                   [&](std::exception_ptr ep, engine::credentials::credentials_result r) {
                       BOOST_TEST(!ep);
                       out = std::move(r);
                   });
    ioc.restart();
    while (!out && ioc.run_one() > 0) {
    }
    BOOST_TEST_REQUIRE(out.has_value());
    return std::move(*out);
}

std::uint16_t dead_port() {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const auto port = a.local_endpoint().port();
    a.close();
    return port;
}

} // namespace test
