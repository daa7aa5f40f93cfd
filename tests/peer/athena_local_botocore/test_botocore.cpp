// athena-local's S3 under botocore: see chunked_client.py (each check prints "ok" or "FAIL").
#include "process.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

BOOST_AUTO_TEST_CASE(botocore_aws_chunked_and_checksums) {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("athena-local-botocore-" + std::to_string(rd()));
    peer::athena_local_process server(dir, {"--no-fsync"});
    auto r = peer::run(std::string("/usr/bin/python3 ") + CHUNKED_CLIENT + " " + server.url() + " " +
                       (dir / "credentials").string());
    BOOST_TEST_MESSAGE(r.out);
    BOOST_TEST(r.status == 0, r.out << r.err);
    BOOST_TEST(r.out.find("FAIL") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("ok   aws-chunked PUT with signed trailer accepted") != std::string::npos);
    server.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}
