#pragma once
// Shared helpers of the protocol unit tests: fixture loading and owned responses.
#include <protocol/http.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace test {

/// Reads tests/data/protocol/<rel>; fails the test when missing.
inline std::string fixture(const std::string& rel) {
    // Appended step by step: g++ 12's -Warray-bounds misfires on string(literal) + literal + s.
    std::string path = BB_TEST_DATA_DIR;
    path.append("/protocol/").append(rel);
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in.good(), "missing fixture " << rel);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// An owned response that hands out protocol::http_response_view.
struct response {
    response(int s, std::vector<std::pair<std::string, std::string>> h, std::string b)
        : status(s)
        , headers(std::move(h))
        , body(std::move(b)) {}

    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    protocol::http_response_view view() {
        views_.clear();
        for (const auto& [n, v] : headers)
            views_.push_back({n, v});
        return {status, views_, body, false};
    }

private:
    std::vector<protocol::header_view> views_;
};

inline response ok(std::string body, int status = 200) {
    return {status, {}, std::move(body)};
}

/// Milliseconds since the epoch of a timestamp.
inline long long ms(const protocol::timestamp& t) {
    return t.time_since_epoch().count();
}

} // namespace test
