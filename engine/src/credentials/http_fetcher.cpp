#include <engine/credentials/http_fetcher.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "detail.hpp"

namespace engine::credentials {

const std::string* fetch_response::header(std::string_view name) const noexcept {
    for (const auto& [n, v] : headers)
        if (protocol::iequals(n, name))
            return &v;
    return nullptr;
}

namespace detail {

std::string describe(const std::error_code& ec, std::chrono::milliseconds timeout) {
    if (ec == error::timeout)
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    return ec.message();
}

std::string describe_status(const fetch_response& r) {
    std::string s = "HTTP " + std::to_string(r.status);
    std::string_view body(r.body);
    if (body.size() > 200)
        body = body.substr(0, 200);
    bool printable = !body.empty();
    for (char c : body)
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r')
            printable = false;
    if (printable) {
        std::string b(body);
        for (char& c : b)
            if (c == '\n' || c == '\r' || c == '\t')
                c = ' ';
        s += " (" + b + ")";
    }
    return s;
}

bool parse_url(std::string_view url, protocol::http_request& out, std::string& message) {
    out = {};
    out.method = "GET";
    auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        message = "URL without a scheme";
        return false;
    }
    std::string scheme(url.substr(0, sep));
    for (char& c : scheme)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https") {
        message = "URL scheme must be http or https";
        return false;
    }
    out.scheme = scheme;
    out.port = scheme == "https" ? 443 : 80;
    std::string_view rest = url.substr(sep + 3);
    const auto path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    std::string_view tail =
        path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
    if (authority.find('@') != std::string_view::npos) {
        message = "URL with user info";
        return false;
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            message = "URL with an unterminated IPv6 literal";
            return false;
        }
        host = authority.substr(0, close + 1);
        if (close + 1 < authority.size()) {
            if (authority[close + 1] != ':') {
                message = "bad URL authority";
                return false;
            }
            port = authority.substr(close + 2);
        }
    } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty()) {
        message = "URL without a host";
        return false;
    }
    if (!port.empty()) {
        unsigned p = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || p > 65535) {
                message = "bad port in URL";
                return false;
            }
            p = p * 10 + static_cast<unsigned>(c - '0');
        }
        if (p == 0 || p > 65535) {
            message = "bad port in URL";
            return false;
        }
        out.port = static_cast<std::uint16_t>(p);
    }
    out.host = std::string(host);
    if (auto hash = tail.find('#'); hash != std::string_view::npos)
        tail = tail.substr(0, hash);
    std::string_view query;
    if (auto q = tail.find('?'); q != std::string_view::npos) {
        query = tail.substr(q + 1);
        tail = tail.substr(0, q);
    }
    out.path = tail.empty() ? "/" : std::string(tail);
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty())
            continue;
        auto eq = part.find('=');
        out.query.emplace_back(protocol::uri_decode(part.substr(0, eq)),
                               eq == std::string_view::npos ? std::string()
                                                            : protocol::uri_decode(part.substr(eq + 1)));
    }
    return true;
}

std::string expiry_text(const identity& id) {
    return id.expiration ? format_time(*id.expiration) : "never";
}

} // namespace detail

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using detail::nothrow_awaitable;

class plain_http_fetcher final : public http_fetcher {
public:
    asio::awaitable<fetch_result> fetch(const protocol::http_request& req,
                                        std::chrono::milliseconds timeout) override {
        if (req.scheme != "http")
            co_return fetch_result{error::unsupported_scheme, {}};
        auto r = co_await detail::with_timeout(exchange(req), timeout);
        if (!r) {
            if (co_await detail::cancelled())
                co_return fetch_result{detail::aborted(), {}};
            co_return fetch_result{error::timeout, {}};
        }
        co_return std::move(*r);
    }

private:
    static asio::awaitable<fetch_result> exchange(const protocol::http_request& req) {
        auto ex = co_await asio::this_coro::executor;
        fetch_result out;
        std::string host = req.host;
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
            host = host.substr(1, host.size() - 2);
        std::vector<tcp::endpoint> endpoints;
        boost::system::error_code ec;
        auto addr = asio::ip::make_address(host, ec);
        if (!ec) {
            endpoints.emplace_back(addr, req.port);
        } else {
            tcp::resolver resolver(ex);
            auto [rec, results] =
                co_await resolver.async_resolve(host, std::to_string(req.port), nothrow_awaitable);
            if (rec) {
                out.ec = rec;
                co_return out;
            }
            for (const auto& e : results)
                endpoints.push_back(e.endpoint());
        }
        tcp::socket sock(ex);
        ec = asio::error::host_not_found;
        for (const auto& ep : endpoints) {
            boost::system::error_code ignored;
            sock.close(ignored);
            auto [cec] = co_await sock.async_connect(ep, nothrow_awaitable);
            ec = cec;
            if (!ec)
                break;
            if (co_await detail::cancelled())
                break;
        }
        if (ec) {
            out.ec = ec;
            co_return out;
        }

        http::request<http::string_body> msg;
        const auto verb = http::string_to_verb(req.method);
        if (verb == http::verb::unknown)
            msg.method_string(req.method);
        else
            msg.method(verb);
        msg.target(req.target());
        msg.version(11);
        msg.set(http::field::host, req.authority());
        for (const auto& [n, v] : req.headers)
            msg.insert(n, v);
        msg.set(http::field::connection, "close");
        msg.body() = req.body;
        if (!req.body.empty() || req.method == "PUT" || req.method == "POST")
            msg.prepare_payload();
        auto [wec, wn] = co_await http::async_write(sock, msg, nothrow_awaitable);
        (void)wn;
        if (wec) {
            out.ec = wec;
            co_return out;
        }
        beast::flat_buffer buf;
        http::response_parser<http::string_body> parser;
        parser.body_limit(1 << 20);
        auto [rec, rn] = co_await http::async_read(sock, buf, parser, nothrow_awaitable);
        (void)rn;
        if (rec) {
            out.ec = rec;
            co_return out;
        }
        auto& res = parser.get();
        out.response.status = static_cast<int>(res.result_int());
        for (const auto& f : res)
            out.response.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
        out.response.body = std::move(res.body());
        boost::system::error_code ignored;
        sock.shutdown(tcp::socket::shutdown_both, ignored);
        co_return out;
    }
};

} // namespace

std::shared_ptr<http_fetcher> make_plain_http_fetcher() {
    return std::make_shared<plain_http_fetcher>();
}

} // namespace engine::credentials
