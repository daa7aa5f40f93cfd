// Each fault flag of athena-local yields the AWS error it documents, at about the configured rate, as seen by
// botocore with retries off.
#include "process.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <random>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct faulty_server {
    fs::path dir;
    std::unique_ptr<peer::athena_local_process> server;
    explicit faulty_server(std::vector<std::string> flags) {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("athena-local-faults-" + std::to_string(rd()));
        flags.insert(flags.end(), {"--seed", "42", "--no-fsync"});
        server = std::make_unique<peer::athena_local_process>(dir, flags);
    }
    ~faulty_server() {
        server->stop();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    json::object drive(const std::string& kind, int count) {
        auto r = peer::run(std::string("/usr/bin/python3 ") + FAULTS_CLIENT + " " + server->url() + " " +
                           (dir / "credentials").string() + " " + kind + " " + std::to_string(count));
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
        BOOST_TEST_MESSAGE(kind << ": " << r.out);
        return json::parse(r.out).as_object();
    }
};

std::int64_t count_of(const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    return v ? v->to_number<std::int64_t>() : 0;
}

// Fault-free calls that set up a bucket and an object for the S3 runs (a server without faults, same dir).
void seed_bucket(const fs::path& dir) {
    peer::athena_local_process plain(dir, {"--no-fsync"});
    auto r = peer::run("head -c 65536 /dev/zero > " + (dir / "blob").string() + " && AWS_SHARED_CREDENTIALS_FILE=" +
                       (dir / "credentials").string() +
                       " AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url " +
                       plain.url() + " s3 mb s3://faults && AWS_SHARED_CREDENTIALS_FILE=" + (dir / "credentials").string() +
                       " AWS_CONFIG_FILE=/dev/null AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url " +
                       plain.url() + " s3 cp --no-progress " + (dir / "blob").string() + " s3://faults/blob");
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    plain.stop();
}

} // namespace

BOOST_AUTO_TEST_SUITE(athena_local_faults)

BOOST_AUTO_TEST_CASE(no_flags_no_faults) {
    faulty_server s({});
    auto c = s.drive("athena", 50);
    BOOST_TEST(count_of(c, "ok") == 50);
}

BOOST_AUTO_TEST_CASE(throttle_rate_and_codes) {
    faulty_server s({"--throttle", "0.25"});
    auto a = s.drive("athena", 300);
    auto n = count_of(a, "TooManyRequestsException:400");
    BOOST_TEST(n >= 45);
    BOOST_TEST(n <= 105);
    BOOST_TEST(count_of(a, "ok") + n == 300);
    auto g = s.drive("glue", 200);
    auto ng = count_of(g, "ThrottlingException:400");
    BOOST_TEST(ng >= 25);
    BOOST_TEST(ng <= 75);
}

BOOST_AUTO_TEST_CASE(slowdown_and_internal_errors_on_s3) {
    fs::path dir;
    {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("athena-local-faults-s3-" + std::to_string(rd()));
        seed_bucket(dir);
    }
    peer::athena_local_process srv(dir, {"--throttle", "0.2", "--internal-error", "0.1", "--seed", "7", "--no-fsync"});
    auto r = peer::run(std::string("/usr/bin/python3 ") + FAULTS_CLIENT + " " + srv.url() + " " +
                       (dir / "credentials").string() + " s3 300");
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    auto c = json::parse(r.out).as_object();
    BOOST_TEST_MESSAGE("s3: " << r.out);
    auto slow = count_of(c, "SlowDown:503"), internal = count_of(c, "InternalError:500");
    BOOST_TEST(slow >= 30);
    BOOST_TEST(slow <= 90);
    BOOST_TEST(internal >= 10);
    BOOST_TEST(internal <= 50);
    BOOST_TEST(count_of(c, "ok") + slow + internal == 300);
    srv.stop();
    std::error_code ec;
    fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_CASE(connection_resets_before_and_mid_body) {
    fs::path dir;
    {
        std::random_device rd;
        dir = fs::temp_directory_path() / ("athena-local-faults-reset-" + std::to_string(rd()));
        seed_bucket(dir);
    }
    {
        peer::athena_local_process srv(dir, {"--reset-before", "0.2", "--seed", "3", "--no-fsync"});
        auto r = peer::run(std::string("/usr/bin/python3 ") + FAULTS_CLIENT + " " + srv.url() + " " +
                           (dir / "credentials").string() + " athena 200");
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
        auto c = json::parse(r.out).as_object();
        BOOST_TEST_MESSAGE("reset-before: " << r.out);
        auto failures = 200 - count_of(c, "ok");
        BOOST_TEST(failures >= 20);
        BOOST_TEST(failures <= 60);
        BOOST_TEST(count_of(c, "ConnectionClosedError") == failures);
    }
    {
        peer::athena_local_process srv(dir, {"--reset-mid-body", "0.2", "--seed", "5", "--no-fsync"});
        auto r = peer::run(std::string("/usr/bin/python3 ") + FAULTS_CLIENT + " " + srv.url() + " " +
                           (dir / "credentials").string() + " s3get 200");
        BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
        auto c = json::parse(r.out).as_object();
        BOOST_TEST_MESSAGE("reset-mid-body: " << r.out);
        auto failures = 200 - count_of(c, "ok");
        BOOST_TEST(failures >= 20);
        BOOST_TEST(failures <= 60);
        BOOST_TEST(count_of(c, "short-body") == 0); // a truncated body is always detected, never returned as data
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(athena_local_simulated_faults)

BOOST_AUTO_TEST_CASE(calculation_failed_rate_in_simulation_mode) {
    faulty_server s({"--simulate", "fixed:1ms", "--calculation-failed", "0.3"});
    auto c = s.drive("calcs", 60);
    auto failed = count_of(c, "FAILED");
    BOOST_TEST(failed >= 8);
    BOOST_TEST(failed <= 30);
    BOOST_TEST(count_of(c, "COMPLETED") + failed == 60);
}

BOOST_AUTO_TEST_CASE(session_degraded_then_failed) {
    faulty_server s({"--session-degraded", "0.05"});
    auto c = s.drive("degrade", 200);
    // an IDLE session goes DEGRADED at some poll, and FAILED at the next one, and stays FAILED
    BOOST_TEST(count_of(c, "DEGRADED") == 1);
    BOOST_TEST(count_of(c, "FAILED") >= 1);
    BOOST_TEST(count_of(c, "IDLE") + count_of(c, "DEGRADED") + count_of(c, "FAILED") == 200);
}

BOOST_AUTO_TEST_CASE(added_latency_is_at_least_the_fixed_delay) {
    faulty_server s({"--latency", "fixed:30ms"});
    auto c = s.drive("latency", 20);
    BOOST_TEST(c.at("seconds").to_number<double>() >= 0.030);
}

BOOST_AUTO_TEST_SUITE_END()
