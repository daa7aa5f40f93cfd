#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for provider tests: one request per
// connection, answers from a handler, logs every request. Runs on the test's io_context.
#include <engine/credentials/provider.hpp>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace test {

struct fake_request {
    std::string method;
    std::string target;
    std::map<std::string, std::string> headers; ///< lower-case names
    std::string body;

    std::string header(const std::string& lower_name) const {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

struct fake_response {
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds delay{0}; ///< wait before answering
    bool hang = false;                  ///< never answer (until the server stops)
};

class fake_server {
public:
    using handler_fn = std::function<fake_response(const fake_request&)>;

    fake_server(boost::asio::io_context& ioc, handler_fn handler);
    ~fake_server();

    std::uint16_t port() const;
    /// "http://127.0.0.1:<port>"
    std::string url() const;
    const std::vector<fake_request>& requests() const;
    /// Requests whose target equals `target`.
    int count(const std::string& target) const;

    struct state; // shared with the server's coroutines

private:
    std::shared_ptr<state> state_;
};

/// Runs `p->get_credentials()` on `ioc` to completion.
engine::credentials::credentials_result run(boost::asio::io_context& ioc,
                                            engine::credentials::provider_ptr p);

/// A port on 127.0.0.1 with nothing listening (bound then closed).
std::uint16_t dead_port();

} // namespace test
