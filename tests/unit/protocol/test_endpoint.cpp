// Endpoint resolution and custom endpoint URLs.
#include <protocol/endpoint.hpp>
#include <protocol/error.hpp>

#include <boost/test/unit_test.hpp>

using namespace protocol;

BOOST_AUTO_TEST_SUITE(protocol_endpoint)

BOOST_AUTO_TEST_CASE(standard_endpoints_table) {
    struct row {
        service s;
        const char* region;
        const char* host;
    };
    const row rows[] = {
        {service::athena, "us-east-1", "athena.us-east-1.amazonaws.com"},
        {service::athena, "eu-west-1", "athena.eu-west-1.amazonaws.com"},
        {service::athena, "cn-north-1", "athena.cn-north-1.amazonaws.com.cn"},
        {service::glue, "us-west-2", "glue.us-west-2.amazonaws.com"},
        {service::glue, "cn-northwest-1", "glue.cn-northwest-1.amazonaws.com.cn"},
        {service::s3, "us-east-1", "s3.amazonaws.com"},
        {service::s3, "eu-west-1", "s3.eu-west-1.amazonaws.com"},
        {service::s3, "ap-southeast-2", "s3.ap-southeast-2.amazonaws.com"},
        {service::s3, "cn-north-1", "s3.cn-north-1.amazonaws.com.cn"},
        {service::sts, "us-east-1", "sts.us-east-1.amazonaws.com"},
        {service::sts, "eu-central-1", "sts.eu-central-1.amazonaws.com"},
        {service::sts, "cn-north-1", "sts.cn-north-1.amazonaws.com.cn"},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT(signing_name(r.s) << " " << r.region) {
            endpoint ep;
            BOOST_TEST(!resolve_endpoint(r.s, r.region, ep));
            BOOST_TEST(ep.host == r.host);
            BOOST_TEST(ep.scheme == "https");
            BOOST_TEST(ep.port == 443);
            BOOST_TEST(ep.base_path.empty());
            BOOST_TEST(!ep.custom);
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_regions) {
    endpoint ep;
    for (const char* r : {"", "US-EAST-1", "us east", "us-east-1.evil.com", "-us", "us-", "eu_west_1", "a/b"})
        BOOST_TEST(resolve_endpoint(service::s3, r, ep) == error::invalid_region, r);
}

BOOST_AUTO_TEST_CASE(custom_endpoint_urls) {
    struct row {
        const char* url;
        const char* scheme;
        const char* host;
        int port;
        const char* base;
    };
    const row rows[] = {
        {"http://127.0.0.1:9000", "http", "127.0.0.1", 9000, ""},
        {"http://localhost:4566/", "http", "localhost", 4566, ""},
        {"HTTPS://S3.Example.COM", "https", "s3.example.com", 443, ""},
        {"http://minio", "http", "minio", 80, ""},
        {"https://gw.example.com:8443/s3/", "https", "gw.example.com", 8443, "/s3"},
        {"http://[::1]:8080", "http", "[::1]", 8080, ""},
        {"https://[fd00::12]", "https", "[fd00::12]", 443, ""},
        {"http://my_host.internal:65535", "http", "my_host.internal", 65535, ""},
    };
    for (const auto& r : rows) {
        BOOST_TEST_CONTEXT(r.url) {
            endpoint ep;
            BOOST_TEST(!parse_endpoint_url(r.url, ep));
            BOOST_TEST(ep.scheme == r.scheme);
            BOOST_TEST(ep.host == r.host);
            BOOST_TEST(ep.port == r.port);
            BOOST_TEST(ep.base_path == r.base);
            BOOST_TEST(ep.custom);
        }
    }
}

BOOST_AUTO_TEST_CASE(invalid_endpoint_urls) {
    for (const char* url : {"",
                            "localhost:9000",
                            "ftp://host",
                            "http://",
                            "http://:80",
                            "http://host:",
                            "http://host:0",
                            "http://host:65536",
                            "http://host:12ab",
                            "http://user@host",
                            "http://host/a?b=c",
                            "http://host#frag",
                            "http://ho st",
                            "http://[::1",
                            "http://[zz::1]",
                            "http://[::1]x",
                            "http://.host",
                            "http://host\n",
                            "http://-host",
                            "http://host:99999999999999999999"}) {
        endpoint ep;
        BOOST_TEST(parse_endpoint_url(url, ep) == error::invalid_endpoint_url, url);
    }
}

BOOST_AUTO_TEST_SUITE_END()
