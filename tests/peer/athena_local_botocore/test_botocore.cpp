// athena-local's S3 under botocore: see chunked_client.py (each check prints "ok" or "FAIL").
#include "process.hpp"

#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

void run_client(const std::vector<std::string>& server_args) {
    std::random_device rd;
    auto dir = std::filesystem::temp_directory_path() / ("athena-local-botocore-" + std::to_string(rd()));
    peer::athena_local_process server(dir, server_args);
    std::string cmd = "/usr/bin/python3 "; // (appended piece by piece: g++ 12 -Warray-bounds false positive)
    cmd += CHUNKED_CLIENT;
    cmd += ' ';
    cmd += server.url();
    cmd += ' ';
    cmd += (dir / "credentials").string();
    auto r = peer::run(cmd);
    BOOST_TEST_MESSAGE(r.out);
    BOOST_TEST(r.status == 0, r.out << r.err);
    BOOST_TEST(r.out.find("FAIL") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("ok   aws-chunked PUT with signed trailer accepted") != std::string::npos);
    BOOST_TEST(r.out.find("ok   reset mid-body leaves no temp file") != std::string::npos);
    server.stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
}

} // namespace

// Large bodies hashed by a hash lane beside the loop (the default when the process may use two cores).
BOOST_AUTO_TEST_CASE(botocore_aws_chunked_and_checksums) { run_client({"--no-fsync"}); }

// The same with every body hashed on the loop.
BOOST_AUTO_TEST_CASE(botocore_aws_chunked_and_checksums_hashed_on_the_loop) {
    run_client({"--no-fsync", "--hash-threads", "0"});
}
