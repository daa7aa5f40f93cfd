// engine/http throughput: requests/s, CPU per request and memory per in-flight operation for small
// POSTs over keep-alive to a local Beast server running on its own thread.
//
//   engine_http_bench [--quick] [--requests N]
//
// Each scenario keeps `inflight` operations outstanding (a new one starts when one completes) on a
// pool of at most 64 connections; with more operations than connections the rest wait in the
// pool's queue. Client CPU is the client thread's CPU time; process CPU adds the server thread.
#include <engine/http/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
namespace eh = engine::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(tcp::socket sock) {
    beast::tcp_stream s(std::move(sock));
    beast::flat_buffer buf;
    bh::response<bh::string_body> res{bh::status::ok, 11};
    res.set(bh::field::content_type, "application/x-amz-json-1.1");
    res.body() = R"({"QueryExecutionId":"0d5c2a1e-1111-2222-3333-444455556666"})";
    res.prepare_payload();
    for (;;) {
        bh::request<bh::string_body> req;
        auto [ec, n] = co_await bh::async_read(s, buf, req, tok);
        if (ec)
            co_return;
        auto [wec, wn] = co_await bh::async_write(s, res, tok);
        if (wec)
            co_return;
    }
}

asio::awaitable<void> accept_loop(tcp::acceptor& a) {
    for (;;) {
        auto [ec, sock] = co_await a.async_accept(tok);
        if (ec)
            co_return;
        sock.set_option(tcp::no_delay(true));
        asio::co_spawn(a.get_executor(), serve(std::move(sock)), asio::detached);
    }
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double process_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto tv = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
    };
    return tv(ru.ru_utime) + tv(ru.ru_stime);
}

long rss_kib() {
    std::ifstream f("/proc/self/statm");
    long pages = 0, resident = 0;
    f >> pages >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

eh::request make_request(std::uint16_t port) {
    eh::request r;
    r.to = {false, "127.0.0.1", port};
    r.method = "POST";
    r.target = "/";
    r.headers = {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AmazonAthena.GetQueryExecution"},
                 {"X-Amz-Date", "20240101T000000Z"},
                 {"Authorization",
                  "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/athena/aws4_request, "
                  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
                  "0000000000000000000000000000000000000000000000000000000000000000"}};
    r.body = R"({"QueryExecutionId":"0d5c2a1e-1111-2222-3333-444455556666"})";
    return r;
}

struct driver {
    eh::client& c;
    std::uint16_t port;
    long remaining = 0;
    long completed = 0;
    long failed = 0;

    void launch() {
        --remaining;
        eh::async_request(c, make_request(port), {}, [this](std::error_code ec, eh::response r) {
            ++completed;
            if (ec || r.status() != 200)
                ++failed;
            if (remaining > 0)
                launch();
        });
    }
};

struct figures {
    double seconds, rps, client_us, process_us;
    long failed;
};

figures run_scenario(asio::io_context& ioc, eh::client& c, std::uint16_t port, long inflight, long total) {
    driver d{c, port, total};
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_seconds(), p0 = process_cpu_seconds();
    for (long i = 0; i < inflight && d.remaining > 0; ++i)
        d.launch();
    ioc.run();
    ioc.restart();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cc = thread_cpu_seconds() - c0, pc = process_cpu_seconds() - p0;
    return {secs, static_cast<double>(d.completed) / secs, cc * 1e6 / static_cast<double>(d.completed),
            pc * 1e6 / static_cast<double>(d.completed), d.failed};
}

} // namespace

int main(int argc, char** argv) {
    bool quick = false;
    long requests = 50000;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (std::strcmp(argv[i], "--requests") == 0 && i + 1 < argc)
            requests = std::atol(argv[++i]);
    }
    if (quick)
        requests = 2000;

    asio::io_context server_ioc(1);
    tcp::acceptor acceptor(server_ioc, {asio::ip::make_address("127.0.0.1"), 0});
    acceptor.listen(1024);
    const auto port = acceptor.local_endpoint().port();
    asio::co_spawn(server_ioc, accept_loop(acceptor), asio::detached);
    std::thread server([&] { server_ioc.run(); });

    asio::io_context ioc(1);
    eh::client_options o;
    o.max_connections_per_host = 64;
    eh::client c(ioc.get_executor(), o);

    // Memory per in-flight operation: 10,000 operations against a listener that never accepts
    // (the kernel completes the TCP handshakes into its backlog, so 64 connections wait for an
    // answer and the rest wait in the pool queue). RSS is compared once every coroutine has reached
    // its suspension point; then the client is closed (queued operations fail with client_closed)
    // and the listener closed (the pending connections are reset). Done first, before the
    // allocator holds memory freed by other runs.
    const long mem_ops = quick ? 1000 : 10000;
    long failed = 0;
    {
        tcp::acceptor blackhole(ioc, {asio::ip::make_address("127.0.0.1"), 0});
        blackhole.listen(1024);
        eh::client mc(ioc.get_executor(), o);
        const long rss0 = rss_kib();
        driver md{mc, blackhole.local_endpoint().port(), mem_ops};
        for (long i = 0; i < mem_ops; ++i)
            md.launch();
        for (int i = 0; i < 50 && mc.stats().waiting + 64 < static_cast<std::size_t>(mem_ops); ++i)
            ioc.poll();
        for (int i = 0; i < 20; ++i) {
            ioc.poll();
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        const long rss1 = rss_kib();
        const auto st = mc.stats();
        mc.close();
        blackhole.close();
        ioc.run();
        ioc.restart();
        std::printf(
            "memory: %ld ops in flight (%zu connections, %zu queued): RSS +%ld KiB = %.2f KiB per op; "
            "%ld completed after close\n",
            mem_ops, st.open, st.waiting, rss1 - rss0,
            static_cast<double>(rss1 - rss0) / static_cast<double>(mem_ops), md.completed);
        if (md.completed != mem_ops)
            ++failed;
    }

    std::printf("%-10s %10s %10s %14s %15s %8s\n", "in-flight", "requests", "req/s", "client CPU us",
                "process CPU us", "failed");
    for (long inflight : {1L, 100L, 10000L}) {
        const long total = inflight == 10000 ? std::max(requests, 3 * inflight) : requests;
        auto f = run_scenario(ioc, c, port, inflight, quick ? std::min(total, 3 * inflight + 1000) : total);
        std::printf("%-10ld %10.0f %10.0f %14.1f %15.1f %8ld\n", inflight, f.rps * f.seconds, f.rps,
                    f.client_us, f.process_us, f.failed);
        failed += f.failed;
    }
    auto s = c.stats();
    std::printf("pool: %llu connections opened, %llu reuses\n", static_cast<unsigned long long>(s.connects),
                static_cast<unsigned long long>(s.reuses));

    c.close();
    acceptor.close();
    server_ioc.stop();
    server.join();
    return failed == 0 ? 0 : 1;
}
