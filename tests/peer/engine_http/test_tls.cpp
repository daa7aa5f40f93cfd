// engine/http over TLS against a local server whose certificate comes from a CA generated at test
// time (openssl CLI, temporary directory): accepted with the CA bundle; rejected with a clear error
// for a wrong host name and for an unknown CA.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "server.hpp"
#include <unistd.h>

using namespace bbpeer;
namespace fs = std::filesystem;

namespace {

struct test_pki {
    fs::path dir;
    bool ok = false;

    test_pki() {
        dir = fs::temp_directory_path() / ("bb_http_pki_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        std::ofstream(dir / "ext.cnf") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                                          "basicConstraints=CA:FALSE\n"
                                          "extendedKeyUsage=serverAuth\n";
        const std::string d = dir.string();
        const std::string cmd =
            "cd '" + d +
            "' && "
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key "
            "-out ca.pem -days 2 -subj '/CN=bb-async test CA' "
            "-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' && "
            "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key "
            "-out server.csr -subj '/CN=localhost' && "
            "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem "
            "-days 2 -extfile ext.cnf && "
            // A second, unrelated CA (its bundle does not trust the server).
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout other.key "
            "-out other.pem -days 2 -subj '/CN=other CA' > /dev/null 2>&1";
        ok = std::system(("(" + cmd + ") > /dev/null 2>&1").c_str()) == 0;
    }
    ~test_pki() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    std::string file(const char* name) const { return (dir / name).string(); }

    asio::ssl::context server_context() const {
        asio::ssl::context ctx(asio::ssl::context::tls_server);
        ctx.use_certificate_chain_file(file("server.pem"));
        ctx.use_private_key_file(file("server.key"), asio::ssl::context::pem);
        return ctx;
    }
};

const test_pki& pki() {
    static test_pki p;
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(engine_http_tls)

BOOST_AUTO_TEST_CASE(trusted_ca_bundle_accepts_ip_and_name) {
    BOOST_REQUIRE_MESSAGE(pki().ok, "openssl CLI failed to build the test PKI");
    asio::io_context ioc;
    auto sctx = pki().server_context();
    test_server srv(ioc, mode::echo, &sctx);
    eh::client_options o;
    o.ca_file = pki().file("ca.pem");
    eh::client c(ioc.get_executor(), o);
    BOOST_TEST(!c.init_error());
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
            auto [ec, resp] = co_await request(c, make_request(true, "127.0.0.1", srv.port(), "/tls"));
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(resp.body().view() == "GET /tls 0");
        }
        // A DNS name (through the resolver), verified against the SAN.
        auto [ec, resp] = co_await request(c, make_request(true, "localhost", srv.port(), "/name"));
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(resp.body().view() == "GET /name 0");
    });
    BOOST_TEST(srv.accepted == 2); // keep-alive over TLS: one connection per origin
}

BOOST_AUTO_TEST_CASE(expect_continue_wait_ends_on_timer_over_tls) {
    BOOST_REQUIRE(pki().ok);
    asio::io_context ioc;
    auto sctx = pki().server_context();
    test_server srv(ioc, mode::echo, &sctx); // ignores Expect
    eh::client_options o;
    o.ca_file = pki().file("ca.pem");
    eh::client c(ioc.get_executor(), o);
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 2; ++i) {
            auto req = make_request(true, "127.0.0.1", srv.port(), "/late", "PUT");
            req.body = std::string(100000, 'l');
            eh::request_options ro;
            ro.expect_continue_from = 1024;
            ro.continue_timeout = std::chrono::milliseconds(20);
            auto [ec, resp] = co_await request(c, std::move(req), ro);
            BOOST_TEST(!ec, ec.message());
            BOOST_TEST(resp.body().view() == "PUT /late 100000");
        }
    });
    BOOST_TEST(srv.accepted == 1);
}

BOOST_AUTO_TEST_CASE(wrong_host_name_is_rejected) {
    BOOST_REQUIRE(pki().ok);
    asio::io_context ioc;
    auto sctx = pki().server_context();
    test_server srv(ioc, mode::echo, &sctx);
    eh::client_options o;
    o.ca_file = pki().file("ca.pem");
    o.host_overrides = {{"wrong.example", "127.0.0.1"}};
    eh::client c(ioc.get_executor(), o);
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto [ec, resp] = co_await request(c, make_request(true, "wrong.example", srv.port()));
        BOOST_TEST(ec == engine::error::tls_hostname_mismatch, ec.message());
        BOOST_TEST(!engine::is_retryable(ec));
        BOOST_TEST(c.stats().open == 0u);
    });
    BOOST_TEST(srv.requests == 0);
}

BOOST_AUTO_TEST_CASE(unknown_ca_is_rejected) {
    BOOST_REQUIRE(pki().ok);
    asio::io_context ioc;
    auto sctx = pki().server_context();
    test_server srv(ioc, mode::echo, &sctx);
    eh::client_options o;
    o.ca_file = pki().file("other.pem");
    eh::client c(ioc.get_executor(), o);
    eh::client system_store(ioc.get_executor()); // the system CAs do not know the test CA either
    run(ioc, c, {&srv}, [&]() -> asio::awaitable<void> {
        auto [ec, resp] = co_await request(c, make_request(true, "127.0.0.1", srv.port()));
        BOOST_TEST(ec == engine::error::tls_verify_failed, ec.message());
        auto [ec2, resp2] = co_await request(system_store, make_request(true, "localhost", srv.port()));
        BOOST_TEST(ec2 == engine::error::tls_verify_failed, ec2.message());
        BOOST_TEST(c.stats().open == 0u);
        BOOST_TEST(system_store.stats().open == 0u);
    });
    BOOST_TEST(srv.requests == 0);
}

BOOST_AUTO_TEST_CASE(unreadable_ca_file_fails_every_request) {
    asio::io_context ioc;
    eh::client_options o;
    o.ca_file = "/nonexistent/ca.pem";
    eh::client c(ioc.get_executor(), o);
    BOOST_TEST(static_cast<bool>(c.init_error()));
    std::error_code got;
    eh::async_request(c, make_request(true, "127.0.0.1", 1), {},
                      [&](std::error_code ec, eh::response) { got = ec; });
    ioc.run();
    BOOST_TEST(got == c.init_error());
}

BOOST_AUTO_TEST_SUITE_END()
