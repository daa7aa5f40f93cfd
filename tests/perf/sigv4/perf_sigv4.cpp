// SigV4 signing benchmark (not a test): prints one line per figure,
//   <name> median=<v> best=<v> unit=<unit> runs=<n> iterations=<n>
// Figures:
//   sign_athena_post      ns per signed Athena StartQueryExecution POST (~200-byte JSON body): body
//                         SHA-256 + canonical request + string to sign + signature + Authorization,
//                         with the signing key cached (aws_sigv4::signer), settings::json_service()
//   sign_athena_post_prehashed  the same with the body hash computed once outside the loop
//   hash_floor            ns of the hashing alone that signing this request needs (body, canonical
//                         request, HMAC of the string to sign): the lower bound for sign_athena_post
//   derive_signing_key    ns per signing-key derivation (four HMAC-SHA256)
//   chunked_64MiB         MB/s (10^6 bytes/s of payload) of aws-chunked framing + chunk signatures,
//                         64 MiB in memory, 64 KiB chunks, through chunk_signer::add_chunk
// Each figure is measured `runs` times (default 9) after a warm-up; the median and the best run are
// printed. Time is this thread's CPU time (CLOCK_THREAD_CPUTIME_ID), not wall time: the machine is
// shared, and time spent descheduled is not the signer's. Options: --quick (fewer iterations, for a smoke
// run), --runs N, --only <name prefix> (run only the figures whose name starts with it, e.g. for a profiler).
// See tests/perf/sigv4/run.sh and docs/PERFORMANCE.md.
#include <aws_sigv4/aws_sigv4.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <time.h>

using namespace aws_sigv4;

namespace {

volatile std::uint64_t sink; // keeps results observable so the loops are not optimized away

double thread_cpu_ns() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

struct figure {
    double median = 0, best = 0;
};

/// Runs `body(iterations)` `runs` times; returns per-iteration nanoseconds (median and best).
template <class F>
figure measure_ns(int runs, std::size_t iterations, F&& body) {
    body(std::max<std::size_t>(iterations / 10, 1)); // warm-up: caches, branch predictors, allocations
    std::vector<double> ns;
    for (int r = 0; r < runs; ++r) {
        const double t0 = thread_cpu_ns();
        body(iterations);
        const double t1 = thread_cpu_ns();
        ns.push_back((t1 - t0) / static_cast<double>(iterations));
    }
    std::sort(ns.begin(), ns.end());
    return {ns[ns.size() / 2], ns.front()};
}

void print(const char* name, figure f, const char* unit, int runs, std::size_t iterations) {
    std::printf("%s median=%.1f best=%.1f unit=%s runs=%d iterations=%zu\n", name, f.median, f.best, unit,
                runs, iterations);
    std::fflush(stdout);
}

// The request of tests/perf/sigv4/botocore_timing.py, byte for byte.
constexpr std::string_view athena_body =
    R"({"QueryString":"SELECT l_returnflag, l_linestatus, sum(l_quantity) AS sum_qty )"
    R"(FROM lineitem GROUP BY 1, 2",)"
    R"("ClientRequestToken":"5c0a3b52-1d2e-4f6a-9b7c-8d9e0f1a2b3c","WorkGroup":"primary"})";
constexpr std::string_view amz_date = "20240611T101500Z";

} // namespace

int main(int argc, char** argv) {
    int runs = 9;
    bool quick = false;
    std::string_view only;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0) {
            quick = true;
        } else if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = std::max(1, std::atoi(argv[++i]));
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr, "usage: perf_sigv4 [--quick] [--runs N] [--only NAME]\n");
            return 2;
        }
    }
    if (quick)
        runs = 3;

    std::error_code ec;
    const signing_time t = signing_time::parse(amz_date, ec);
    if (ec) {
        std::fprintf(stderr, "perf_sigv4: bad time: %s\n", ec.message().c_str());
        return 1;
    }
    const credentials creds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
    const settings cfg = settings::json_service();
    const header_view headers[] = {
        {"Host", "athena.us-east-1.amazonaws.com"},
        {"Content-Type", "application/x-amz-json-1.1"},
        {"X-Amz-Target", "AmazonAthena.StartQueryExecution"},
        {"X-Amz-Date", amz_date},
    };
    const request_view req{"POST", "/", headers};
    std::printf("# body %zu bytes, headers host;content-type;x-amz-target;x-amz-date\n", athena_body.size());

    const auto wanted = [&](std::string_view name) { return name.starts_with(only); };

    // 1. A signed Athena POST, body hash included.
    if (wanted("sign_athena_post")) {
        signer s;
        signing_result out;
        const std::size_t n = quick ? 20000 : 200000;
        const auto f = measure_ns(runs, n, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i) {
                char hash[64];
                to_hex(sha256_of(athena_body), hash);
                const signing_params p{.creds = creds,
                                       .region = "us-east-1",
                                       .service = "athena",
                                       .time = t,
                                       .payload_hash = std::string_view(hash, 64),
                                       .config = cfg};
                if (auto e = s.sign(req, p, out)) {
                    std::fprintf(stderr, "perf_sigv4: sign failed: %s\n", e.message().c_str());
                    std::exit(1);
                }
                sink = sink + static_cast<unsigned char>(out.signature[0]);
            }
        });
        print("sign_athena_post", f, "ns", runs, n);
        std::printf("# signature %s\n", out.signature.c_str());
    }
    // 1b. The same without the body hash.
    if (wanted("sign_athena_post_prehashed")) {
        signer s;
        signing_result out;
        const std::string hash = sha256_hex(athena_body);
        const signing_params p{.creds = creds,
                               .region = "us-east-1",
                               .service = "athena",
                               .time = t,
                               .payload_hash = hash,
                               .config = cfg};
        const std::size_t n = quick ? 20000 : 200000;
        const auto f = measure_ns(runs, n, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i) {
                if (s.sign(req, p, out))
                    std::exit(1);
                sink = sink + static_cast<unsigned char>(out.signature[0]);
            }
        });
        print("sign_athena_post_prehashed", f, "ns", runs, n);
    }
    // 1c. The floor: only the hashing any SigV4 signer must do for this request (body SHA-256,
    // canonical request SHA-256, HMAC of the string to sign with a ready key), through OpenSSL.
    if (wanted("hash_floor")) {
        signer s;
        signing_result res;
        const std::string hash = sha256_hex(athena_body);
        const signing_params p{.creds = creds,
                               .region = "us-east-1",
                               .service = "athena",
                               .time = t,
                               .payload_hash = hash,
                               .config = cfg};
        if (s.sign(req, p, res))
            return 1;
        const hmac_key key(derive_signing_key(creds.secret_access_key, t.date(), "us-east-1", "athena"));
        const std::size_t n = quick ? 20000 : 200000;
        const auto f = measure_ns(runs, n, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i) {
                sink = sink + sha256_of(athena_body)[0] + sha256_of(res.canonical_request)[0] +
                       key.mac(res.string_to_sign)[0];
            }
        });
        print("hash_floor", f, "ns", runs, n);
        std::printf("# canonical request %zu bytes, string to sign %zu bytes\n", res.canonical_request.size(),
                    res.string_to_sign.size());
    }
    // 2. Signing-key derivation.
    if (wanted("derive_signing_key")) {
        const std::size_t n = quick ? 20000 : 300000;
        const auto f = measure_ns(runs, n, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i) {
                const digest k = derive_signing_key(creds.secret_access_key, t.date(), "us-east-1", "athena");
                sink = sink + k[0];
            }
        });
        print("derive_signing_key", f, "ns", runs, n);
    }
    // 3. aws-chunked framing and signing of 64 MiB in 64 KiB chunks.
    if (wanted("chunked_64MiB")) {
        constexpr std::size_t body_size = std::size_t{64} << 20, chunk = std::size_t{64} << 10;
        std::string body(body_size, '\0');
        for (std::size_t i = 0; i < body_size; ++i)
            body[i] = static_cast<char>((i * 2654435761u) >> 13);
        const digest key = derive_signing_key(creds.secret_access_key, t.date(), "us-east-1", "s3");
        const std::string seed(64, 'a');
        std::string out;
        out.reserve(aws_chunked_length(body_size, chunk, chunk_mode::signed_chunks) + 1024);
        const int chunk_runs = quick ? 2 : std::min(runs, 7);
        const auto f = measure_ns(chunk_runs, 1, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i) {
                out.clear();
                chunk_signer cs(key, t, "us-east-1", "s3", seed);
                for (std::size_t off = 0; off < body_size; off += chunk)
                    if (cs.add_chunk(std::string_view(body).substr(off, chunk), out))
                        std::exit(1);
                if (cs.finish({}, out))
                    std::exit(1);
                sink = sink + static_cast<unsigned char>(out.back());
            }
        });
        // ns per 64 MiB -> MB/s (10^6 bytes per second)
        const figure mbps{static_cast<double>(body_size) / f.median * 1e3,
                          static_cast<double>(body_size) / f.best * 1e3};
        print("chunked_64MiB", mbps, "MB/s", chunk_runs, 1);
        if (out.size() != aws_chunked_length(body_size, chunk, chunk_mode::signed_chunks)) {
            std::fprintf(stderr, "perf_sigv4: framed size %zu, aws_chunked_length says %llu\n", out.size(),
                         static_cast<unsigned long long>(
                             aws_chunked_length(body_size, chunk, chunk_mode::signed_chunks)));
            return 1;
        }
        // For scale: plain SHA-256 of the same 64 MiB (the floor for chunk signing).
        const auto h = measure_ns(chunk_runs, 1, [&](std::size_t iters) {
            for (std::size_t i = 0; i < iters; ++i)
                sink = sink + sha256_of(body)[0];
        });
        print(
            "sha256_64MiB",
            {static_cast<double>(body_size) / h.median * 1e3, static_cast<double>(body_size) / h.best * 1e3},
            "MB/s", chunk_runs, 1);
    }
    return 0;
}
