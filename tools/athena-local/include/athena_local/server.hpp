#pragma once
// athena-local's server: one port serving S3 (REST-XML), Glue (AWSGlue.*) and Athena (AmazonAthena.*) over
// HTTP/1.1 with keep-alive, on the caller's event loop. Every request's SigV4 signature is verified against one
// key pair. Embeddable: construct on an executor, start(), and the server accepts connections until stop().
// Calculations run on worker threads the server owns (never on the loop); so does the hashing of large PUT bodies
// (server_options::hash_threads). Those threads are joined by stop(); destroy the server before its io_context.

#include <aws_sigv4/credentials.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace athena_local {

/// Fault injection (probabilities 0..1, decided per request from --seed, so a run is reproducible).
struct fault_options {
    double throttle = 0;      ///< Athena/Glue ThrottlingException / TooManyRequestsException (400), S3 503 SlowDown
    double internal_error = 0; ///< 500 InternalServerException / InternalError
    double reset_before = 0;  ///< close the connection before any response byte
    double reset_mid_body = 0; ///< send the headers and half the body, then close
    std::string latency;      ///< added latency: "", "fixed:20ms", "uniform:1ms..50ms", "exp:10ms"
    double session_degraded = 0; ///< a session goes DEGRADED (then FAILED) while idle (per status poll)
    double calculation_failed = 0; ///< a calculation ends FAILED with an injected error
};

struct server_options {
    std::string listen_address = "127.0.0.1";
    unsigned short port = 0;                 ///< 0: any free port (see endpoint())
    std::filesystem::path data_dir;
    std::string access_key, secret_key;      ///< empty: generated once, kept in <data_dir>/credentials
    std::string region = "us-east-1";
    std::string account_id = "123456789012";
    std::uint64_t seed = 0;
    bool fsync = true;                       ///< fsync objects before acknowledging (crash safety)
    fault_options faults;
    /// Simulation: calculations take a sampled duration instead of running SQL ("", "exp:200ms", "uniform:50ms..2s").
    std::string simulate;
    unsigned dpu_quota = 160;                ///< account DPU quota for concurrent sessions
    unsigned calculation_workers = 2;        ///< threads running calculation SQL
    /// Threads hashing the bodies of large PUTs (MD5, and SHA-256 / CRCs when asked) while the loop keeps reading
    /// the socket and writing the temp file. 0, or a CPU affinity of a single core at start(): hash on the loop.
    unsigned hash_threads = 1;
    unsigned duckdb_threads = 0;             ///< 0: DuckDB's default
    std::string duckdb_memory_limit = "2GB";
    std::filesystem::path access_log;        ///< --log-requests: one line per request
};

/// Counters printed by --stats.
struct server_stats {
    std::uint64_t requests = 0, s3 = 0, athena = 0, glue = 0;
    std::uint64_t auth_failures = 0, errors = 0;
    std::uint64_t faults_throttle = 0, faults_internal = 0, faults_reset = 0, faults_latency = 0;
    std::uint64_t bytes_in = 0, bytes_out = 0;
};

class server {
public:
    server(boost::asio::any_io_executor loop, server_options options);
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// Loads the data directory, binds and starts accepting. On failure returns an error and sets `message`
    /// to a sentence saying what was wrong and what to do.
    std::error_code start(std::string& message);
    /// Stops accepting, closes connections, cancels running calculations. Idempotent.
    void stop();

    boost::asio::ip::tcp::endpoint endpoint() const;
    /// "http://127.0.0.1:PORT"
    std::string url() const;
    const aws_sigv4::credentials& credentials() const;
    server_stats stats() const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace athena_local
