// athena-local: a local Amazon Athena for Apache Spark + AWS Glue + Amazon S3 endpoint.
//
//   athena-local --listen 127.0.0.1:9777 --data-dir ./athena-local-data
//
// Every request must be signed (SigV4) with the endpoint's key pair: --access-key/--secret-key, the
// ATHENA_LOCAL_ACCESS_KEY/ATHENA_LOCAL_SECRET_KEY environment variables, or a pair generated once and kept in
// <data-dir>/credentials (an AWS shared-credentials file: point AWS_SHARED_CREDENTIALS_FILE at it).
#include <athena_local/server.hpp>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <random>
#include <cstdlib>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"athena-local: a local Athena-for-Spark + Glue + S3 endpoint (SigV4-verified, DuckDB-backed)",
                 "athena-local"};
    athena_local::server_options o;
    std::string listen = "127.0.0.1:9777";
    std::string ready_file;
    bool stats = false, no_fsync = false;
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
    app.add_option("--data-dir", o.data_dir, "where objects, the Glue catalog and the key pair are kept")->required();
    app.add_option("--access-key", o.access_key, "access key id clients sign with (env ATHENA_LOCAL_ACCESS_KEY)")
        ->envname("ATHENA_LOCAL_ACCESS_KEY");
    app.add_option("--secret-key", o.secret_key, "secret key (env ATHENA_LOCAL_SECRET_KEY)")
        ->envname("ATHENA_LOCAL_SECRET_KEY");
    app.add_option("--region", o.region, "region reported by the endpoint")->capture_default_str();
    auto* seed_opt = app.add_option("--seed", o.seed,
                                    "seed of every random choice (faults, ids, simulated durations); default: random, "
                                    "so ids never repeat across restarts");
    app.add_flag("--no-fsync", no_fsync, "do not fsync objects before acknowledging them (faster, not crash-safe)");
    app.add_option("--throttle", o.faults.throttle, "probability of ThrottlingException / S3 503 SlowDown")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--internal-error", o.faults.internal_error, "probability of a 500 InternalServerException")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--reset-before", o.faults.reset_before, "probability of closing the connection before a response")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--reset-mid-body", o.faults.reset_mid_body, "probability of closing the connection mid-body")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--latency", o.faults.latency, "added latency per request: fixed:20ms, uniform:1ms..50ms, exp:10ms");
    app.add_option("--session-degraded", o.faults.session_degraded,
                   "probability, per status poll, that an idle session goes DEGRADED then FAILED")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--calculation-failed", o.faults.calculation_failed, "probability that a calculation ends FAILED")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--simulate", o.simulate,
                   "simulation mode: calculations take a sampled duration instead of running SQL (exp:200ms, "
                   "uniform:50ms..2s)");
    app.add_option("--dpu-quota", o.dpu_quota, "account DPU quota for concurrent sessions")->capture_default_str();
    app.add_option("--workers", o.calculation_workers, "threads running calculation SQL")->capture_default_str();
    app.add_option("--hash-threads", o.hash_threads,
                   "threads hashing large PUT bodies while the loop reads and writes them (0: hash on the loop)")
        ->capture_default_str();
    app.add_option("--duckdb-threads", o.duckdb_threads, "DuckDB threads (0: one per core)");
    app.add_option("--duckdb-memory-limit", o.duckdb_memory_limit, "DuckDB memory_limit")->capture_default_str();
    app.add_flag("--stats", stats, "print a summary of requests, faults and errors at exit");
    app.add_option("--log-requests", o.access_log, "append one line per request to this file");
    app.add_option("--ready-file", ready_file, "write the endpoint URL to this file once listening");
    CLI11_PARSE(app, argc, argv);
    o.fsync = !no_fsync;
    if (seed_opt->count() == 0)
        o.seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();

    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "athena-local: error: --listen wants HOST:PORT, e.g. 127.0.0.1:9777\n");
        return 2;
    }
    o.listen_address = listen.substr(0, colon);
    try {
        auto port = std::stoul(listen.substr(colon + 1));
        if (port > 65535)
            throw std::out_of_range("port");
        o.port = static_cast<unsigned short>(port);
    } catch (...) {
        std::fprintf(stderr, "athena-local: error: --listen: '%s' is not a port number\n",
                     listen.substr(colon + 1).c_str());
        return 2;
    }

    boost::asio::io_context io;
    athena_local::server srv(io.get_executor(), o);
    std::string message;
    if (auto ec = srv.start(message)) {
        std::fprintf(stderr, "athena-local: error: %s\n", message.c_str());
        return ec == std::errc::invalid_argument ? 2 : 1;
    }
    std::printf("athena-local listening on %s\n", srv.url().c_str());
    std::printf("  data directory: %s\n", o.data_dir.c_str());
    std::printf("  access key id:  %s (secret: %s)\n", srv.credentials().access_key_id.c_str(),
                o.secret_key.empty() ? (o.data_dir / "credentials").c_str() : "as given");
    std::printf("  try: AWS_SHARED_CREDENTIALS_FILE=%s aws --endpoint-url %s s3 ls\n",
                (o.data_dir / "credentials").c_str(), srv.url().c_str());
    std::fflush(stdout);
    if (!ready_file.empty()) {
        std::ofstream f(ready_file + ".tmp");
        f << srv.url() << "\n";
        f.close();
        std::rename((ready_file + ".tmp").c_str(), ready_file.c_str());
    }
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code, int) {
        srv.stop();
        io.stop();
    });
    io.run();
    if (stats) {
        auto s = srv.stats();
        std::printf("athena-local stats: %llu requests (s3 %llu, athena %llu, glue %llu), %llu errors, %llu refused "
                    "signatures; faults: %llu throttled, %llu internal errors, %llu resets, %llu delayed; %llu bytes in, "
                    "%llu bytes out\n",
                    (unsigned long long)s.requests, (unsigned long long)s.s3, (unsigned long long)s.athena,
                    (unsigned long long)s.glue, (unsigned long long)s.errors, (unsigned long long)s.auth_failures,
                    (unsigned long long)s.faults_throttle, (unsigned long long)s.faults_internal,
                    (unsigned long long)s.faults_reset, (unsigned long long)s.faults_latency,
                    (unsigned long long)s.bytes_in, (unsigned long long)s.bytes_out);
    }
    return 0;
}
