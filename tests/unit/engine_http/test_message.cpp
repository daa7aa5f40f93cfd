// Values of engine/http: padded_buffer, request serialization, the protocol adapter, errors.
#include <engine/http/body.hpp>
#include <engine/http/error.hpp>
#include <engine/http/message.hpp>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fake.hpp"

namespace eh = engine::http;

BOOST_AUTO_TEST_SUITE(engine_http_values)

BOOST_AUTO_TEST_CASE(padded_buffer_keeps_zero_padding_and_stable_data) {
    eh::padded_buffer b;
    BOOST_TEST(b.size() == 0u);
    BOOST_TEST(b.data()[0] == '\0');
    std::string chunk(1000, 'x');
    for (int i = 0; i < 10; ++i)
        b.append(chunk.data(), chunk.size());
    BOOST_TEST(b.size() == 10000u);
    BOOST_TEST(b.capacity() >= b.size());
    for (std::size_t i = 0; i < eh::padded_buffer::padding; ++i)
        BOOST_TEST(b.data()[b.size() + i] == '\0');
    const char* p = b.data();
    eh::padded_buffer moved = std::move(b);
    BOOST_TEST(moved.data() == p);
    BOOST_TEST(b.size() == 0u);
    BOOST_TEST(moved.view() == std::string(10000, 'x'));
    eh::padded_buffer r;
    r.reserve(5);
    r.append("hello", 5);
    BOOST_TEST(r.view() == "hello");
    BOOST_TEST(r.data()[5 + 63] == '\0');
}

BOOST_AUTO_TEST_CASE(serialize_adds_host_and_content_length) {
    eh::request r;
    r.to = {true, "s3.eu-west-1.amazonaws.com", 443};
    r.method = "PUT";
    r.target = "/b/k?partNumber=1";
    r.headers = {{"X-Amz-Date", "20240101T000000Z"}};
    r.body = "abc";
    std::string head;
    BOOST_TEST(!eh::detail::serialize_head(r, false, head));
    BOOST_TEST(head == "PUT /b/k?partNumber=1 HTTP/1.1\r\nX-Amz-Date: 20240101T000000Z\r\n"
                       "Host: s3.eu-west-1.amazonaws.com\r\nContent-Length: 3\r\n\r\n");
    head.clear();
    r.to = {false, "::1", 8080};
    r.body.clear();
    r.method = "GET";
    BOOST_TEST(!eh::detail::serialize_head(r, false, head));
    BOOST_TEST(head.find("Host: [::1]:8080\r\n") != std::string::npos);
    BOOST_TEST(head.find("Content-Length") == std::string::npos);
    head.clear();
    r.method = "POST";
    r.body = std::string(10, 'b');
    BOOST_TEST(!eh::detail::serialize_head(r, true, head));
    BOOST_TEST(head.find("Content-Length: 10\r\nExpect: 100-continue\r\n\r\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(serialize_rejects_injection_and_framing_headers) {
    std::string head;
    auto r = bbtest::get_request();
    r.headers = {{"X-Evil", "a\r\nInjected: 1"}};
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.headers = {{"Bad Name", "v"}};
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.headers = {{"content-length", "5"}};
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.headers = {{"Transfer-Encoding", "chunked"}};
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.headers = {};
    r.method = "GE T";
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.method = "GET";
    r.target = "/a b";
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
    r.target = "/";
    r.body = "x";
    r.provider = eh::make_string_provider("y");
    BOOST_TEST(eh::detail::serialize_head(r, false, head) == engine::error::invalid_request);
}

BOOST_AUTO_TEST_CASE(from_protocol_request) {
    protocol::http_request p;
    p.method = "POST";
    p.scheme = "https";
    p.host = "athena.us-east-1.amazonaws.com";
    p.port = 443;
    p.path = "/";
    p.query = {{"a", "b c"}};
    p.headers = {{"X-Amz-Target", "AmazonAthena.StartQueryExecution"}};
    p.body = "{}";
    auto r = eh::from_protocol(std::move(p));
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->to.tls);
    BOOST_TEST(r->to.host == "athena.us-east-1.amazonaws.com");
    BOOST_TEST(r->to.port == 443);
    BOOST_TEST(r->target == "/?a=b%20c");
    BOOST_TEST(r->headers.size() == 2u);
    BOOST_TEST(r->headers[0].first == "Host");
    BOOST_TEST(r->headers[0].second == "athena.us-east-1.amazonaws.com");
    BOOST_TEST(r->body == "{}");
    protocol::http_request bad;
    bad.scheme = "ftp";
    BOOST_TEST(!eh::from_protocol(std::move(bad)).has_value());
    protocol::http_request v6;
    v6.scheme = "http";
    v6.host = "[::1]";
    v6.port = 9000;
    auto r6 = eh::from_protocol(std::move(v6));
    BOOST_REQUIRE(r6.has_value());
    BOOST_TEST(r6->to.host == "::1");
    BOOST_TEST(r6->to.key() == "http://[::1]:9000");
}

BOOST_AUTO_TEST_CASE(error_category_and_retryable) {
    std::error_code ec = engine::error::request_timeout;
    BOOST_TEST(std::string(ec.category().name()) == "engine");
    BOOST_TEST(ec.message() == "request timed out");
    BOOST_TEST(engine::is_retryable(ec));
    BOOST_TEST(engine::is_retryable(engine::error::connection_closed));
    BOOST_TEST(engine::is_retryable(std::make_error_code(std::errc::connection_refused)));

    BOOST_TEST(!engine::is_retryable(engine::error::tls_verify_failed));
    BOOST_TEST(!engine::is_retryable(engine::error::invalid_request));
    BOOST_TEST(!engine::is_retryable(eh::detail::aborted_code()));
    BOOST_TEST((eh::detail::aborted_code() == std::errc::operation_canceled));
    for (int e = 1; e <= static_cast<int>(engine::error::client_closed); ++e)
        BOOST_TEST(std::error_code(static_cast<engine::error>(e)).message() != "unknown engine error");
}

BOOST_AUTO_TEST_CASE(translate_maps_beast_errors) {
    namespace bh = boost::beast::http;
    using eh::detail::translate;
    BOOST_TEST(translate(boost::beast::error::timeout, engine::error::request_timeout) ==
               engine::error::request_timeout);
    BOOST_TEST(translate(bh::error::body_limit, engine::error::request_timeout) ==
               engine::error::response_too_large);
    BOOST_TEST(translate(bh::error::end_of_stream, engine::error::request_timeout) ==
               engine::error::connection_closed);
    BOOST_TEST(translate(boost::asio::error::eof, engine::error::request_timeout) ==
               engine::error::connection_closed);
    BOOST_TEST(translate(bh::error::bad_version, engine::error::request_timeout) ==
               engine::error::bad_response);
    BOOST_TEST((translate(boost::asio::error::connection_refused, engine::error::connect_timeout) ==
                std::errc::connection_refused));
}

BOOST_AUTO_TEST_CASE(file_range_provider_reads_the_range_in_chunks) {
    auto path = std::filesystem::temp_directory_path() / ("bb_http_body_" + std::to_string(::getpid()));
    {
        std::ofstream f(path, std::ios::binary);
        for (int i = 0; i < 1000; ++i)
            f.put(static_cast<char>('a' + i % 26));
    }
    auto [ec, p] = eh::make_file_range_provider(path.string(), 100, 250);
    BOOST_REQUIRE(!ec);
    BOOST_TEST(p->size() == 250u);
    std::string got;
    char buf[64];
    for (;;) {
        std::error_code rec;
        auto n = p->read({buf, sizeof buf}, rec);
        BOOST_REQUIRE(!rec);
        if (n == 0)
            break;
        BOOST_TEST(n <= sizeof buf);
        got.append(buf, n);
    }
    BOOST_TEST(got.size() == 250u);
    BOOST_TEST(got[0] == static_cast<char>('a' + 100 % 26));
    BOOST_TEST(got[249] == static_cast<char>('a' + 349 % 26));
    BOOST_TEST(!p->rewind());
    std::error_code rec;
    BOOST_TEST(p->read({buf, 1}, rec) == 1u);
    BOOST_TEST(buf[0] == got[0]);
    BOOST_TEST((eh::make_file_range_provider(path.string(), 900, 101).ec == std::errc::invalid_argument));
    BOOST_TEST(!eh::make_file_range_provider(path.string(), 1000, 0).ec);
    BOOST_TEST((eh::make_file_range_provider(path.string() + ".missing", 0, 1).ec ==
                std::errc::no_such_file_or_directory));
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_SUITE_END()
