// `bb-async s3` against radosgw: mb, cp up and down (one multipart file, a directory with
// --recursive), ls (with and without --recursive), rm --recursive, the summary line, and errors
// (wrong secret: exit 1 with S3's code and no secret; bad usage: exit 2).
#include <boost/test/unit_test.hpp>

#include "scratch.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string endpoint_url() {
    if (const char* e = std::getenv("BB_S3_ENDPOINT"); e && *e)
        return e;
    const char* dir = std::getenv("BB_RADOSGW_DIR");
    BOOST_TEST_REQUIRE(dir != nullptr, "BB_RADOSGW_DIR or BB_S3_ENDPOINT must be set (run through ctest)");
    std::ifstream in(fs::path(dir) / "endpoint");
    std::string url;
    std::getline(in, url);
    BOOST_TEST_REQUIRE(!url.empty(), "no radosgw endpoint in " << dir << "/endpoint");
    return url;
}

struct result {
    int status = -1;
    std::string output; // stdout and stderr
};

// Runs bb-async with test credentials in a clean AWS environment (no shared files, no IMDS).
// `env_after`: more NAME=value words, which override the ones before.
result bb(const std::string& args, const std::string& secret = "TESTSECRET", const std::string& env_after = "") {
    const std::string cmd = "env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN "
                            "AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "
                            "AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1 "
                            "AWS_ACCESS_KEY_ID=TESTKEY AWS_SECRET_ACCESS_KEY=" +
                            secret + " " + env_after + " " BB_ASYNC_EXE " " + args + " 2>&1";
    result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        r.output.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

fs::path scratch() { return test::scratch_dir("bb-s3-cli"); }

void write_random(const fs::path& p, std::size_t size, unsigned seed) {
    test::write_random_file(p, size, seed);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string bucket_name(const char* what) {
    return std::string("bb-cli-") + what + "-" + std::to_string(::getpid());
}

} // namespace

BOOST_AUTO_TEST_SUITE(s3_cli)

BOOST_AUTO_TEST_CASE(cp_ls_rm_round_trip) {
    const std::string ep = " --endpoint-url " + endpoint_url();
    const std::string b = bucket_name("rt");
    auto mb = bb("s3 mb s3://" + b + ep);
    BOOST_TEST_REQUIRE(mb.status == 0, mb.output);

    // One 20 MiB file: a multipart upload (threshold 16 MiB), aws-chunked.
    const auto big = scratch() / "big.bin";
    write_random(big, 20 << 20, 1);
    auto up = bb("s3 cp " + big.string() + " s3://" + b + "/one/ --payload aws-chunked" + ep);
    BOOST_TEST_REQUIRE(up.status == 0, up.output);
    BOOST_TEST(std::regex_search(up.output, std::regex(R"(^uploaded 1 file, 20971520 bytes in [0-9.]+ s \([0-9.]+ MB/s\)\n$)")),
               up.output);
    const auto back = scratch() / "back.bin";
    auto down = bb("s3 cp s3://" + b + "/one/big.bin " + back.string() + ep);
    BOOST_TEST_REQUIRE(down.status == 0, down.output);
    BOOST_TEST(down.output.rfind("downloaded 1 file, 20971520 bytes in ", 0) == 0, down.output);
    BOOST_TEST((slurp(back) == slurp(big)));

    // A directory tree, recursively, both ways.
    const auto tree = scratch() / "tree";
    write_random(tree / "a.txt", 1000, 2);
    write_random(tree / "sub" / "b.txt", 2000, 3);
    write_random(tree / "sub" / "deeper" / "c.bin", 3 << 20, 4);
    auto upr = bb("s3 cp " + tree.string() + " s3://" + b + "/tree --recursive --payload unsigned" + ep);
    BOOST_TEST_REQUIRE(upr.status == 0, upr.output);
    BOOST_TEST(upr.output.rfind("uploaded 3 files, 3148728 bytes in ", 0) == 0, upr.output);

    auto ls = bb("s3 ls s3://" + b + "/tree/" + ep);
    BOOST_TEST_REQUIRE(ls.status == 0, ls.output);
    BOOST_TEST(ls.output.find("PRE sub/") != std::string::npos, ls.output);
    BOOST_TEST(ls.output.find("tree/a.txt") != std::string::npos, ls.output);
    BOOST_TEST(ls.output.find("b.txt") == std::string::npos, ls.output);
    auto lsr = bb("s3 ls s3://" + b + "/tree/ --recursive" + ep);
    BOOST_TEST_REQUIRE(lsr.status == 0, lsr.output);
    BOOST_TEST(lsr.output.find("tree/sub/deeper/c.bin") != std::string::npos, lsr.output);

    const auto copy = scratch() / "copy";
    auto downr = bb("s3 cp s3://" + b + "/tree " + copy.string() + " --recursive" + ep);
    BOOST_TEST_REQUIRE(downr.status == 0, downr.output);
    BOOST_TEST((slurp(copy / "sub" / "deeper" / "c.bin") == slurp(tree / "sub" / "deeper" / "c.bin")));
    BOOST_TEST((slurp(copy / "a.txt") == slurp(tree / "a.txt")));

    auto rm = bb("s3 rm s3://" + b + "/ --recursive" + ep);
    BOOST_TEST_REQUIRE(rm.status == 0, rm.output);
    BOOST_TEST(rm.output.rfind("deleted 4 files, ", 0) == 0, rm.output);
    auto empty = bb("s3 ls s3://" + b + " --recursive" + ep);
    BOOST_TEST_REQUIRE(empty.status == 0, empty.output);
    BOOST_TEST(empty.output.empty(), empty.output);
}

BOOST_AUTO_TEST_CASE(errors_are_one_clear_line) {
    const std::string ep = " --endpoint-url " + endpoint_url();
    const std::string b = bucket_name("err");
    BOOST_TEST_REQUIRE(bb("s3 mb s3://" + b + ep).status == 0);
    const auto f = scratch() / "small.txt";
    write_random(f, 100, 5);

    auto denied = bb("s3 cp " + f.string() + " s3://" + b + "/x" + ep, "WRONG-SECRET-VALUE");
    BOOST_TEST(denied.status == 1, denied.output);
    BOOST_TEST(denied.output.find("bb-async: error: PutObject s3://" + b + "/x: SignatureDoesNotMatch (HTTP 403)") == 0,
               denied.output);
    BOOST_TEST(denied.output.find("WRONG-SECRET-VALUE") == std::string::npos);

    auto dir = bb("s3 cp " + scratch().string() + " s3://" + b + "/d" + ep);
    BOOST_TEST(dir.status == 2, dir.output);
    BOOST_TEST(dir.output.find("add --recursive") != std::string::npos, dir.output);

    auto payload = bb("s3 cp " + f.string() + " s3://" + b + "/x --payload fast" + ep);
    BOOST_TEST(payload.status == 2, payload.output);
    BOOST_TEST(payload.output.find("use signed, unsigned or aws-chunked") != std::string::npos, payload.output);

    auto checksum = bb("s3 cp " + f.string() + " s3://" + b + "/x --checksum sha1" + ep);
    BOOST_TEST(checksum.status == 2, checksum.output);
    BOOST_TEST(checksum.output.find("use auto, md5, crc32c or none") != std::string::npos, checksum.output);

    // The profile's retry settings are read (as the SDKs do), and a bad one is named with its source.
    const auto cfg = scratch() / "config";
    std::ofstream(cfg) << "[profile flaky]\nretry_mode = sometimes\n[profile ok]\nretry_mode = adaptive\nmax_attempts = 2\n"
                       "aws_access_key_id = TESTKEY\naws_secret_access_key = TESTSECRET\n";
    auto retry = bb("s3 ls s3://" + b + " --profile flaky" + ep, "TESTSECRET", "AWS_CONFIG_FILE=" + cfg.string());
    BOOST_TEST(retry.status == 2, retry.output);
    BOOST_TEST(retry.output.find("retry_mode in profile flaky") != std::string::npos, retry.output);
    auto adaptive = bb("s3 ls s3://" + b + " --profile ok" + ep, "TESTSECRET", "AWS_CONFIG_FILE=" + cfg.string());
    BOOST_TEST(adaptive.status == 0, adaptive.output);

    auto nokey = bb("s3 cp s3://" + b + "/missing " + (scratch() / "m").string() + ep);
    BOOST_TEST(nokey.status == 1, nokey.output);
    BOOST_TEST(nokey.output.find("NoSuchKey (HTTP 404)") != std::string::npos, nokey.output);
}

BOOST_AUTO_TEST_SUITE_END()
