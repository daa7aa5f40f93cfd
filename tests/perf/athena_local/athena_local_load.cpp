// Load generator for athena-local over the engine's own Athena client (signed, keep-alive, one event loop).
//
//   athena_local_load status   --endpoint URL --key K --secret S [--in-flight N] [--seconds T]
//       N coroutines repeat GetCalculationExecutionStatus on one completed calculation for T seconds;
//       prints requests/s and the client's CPU µs per request.
//   athena_local_load sessions --endpoint URL --key K --secret S --sessions N --calcs M [--in-flight C]
//       starts N sessions, runs M calculations in each (start, poll status every --poll-ms until terminal),
//       C operations at a time; meant for athena-local --simulate. Prints totals and, with --server-pid,
//       the server's peak RSS.
// Both print the client's own peak RSS (VmHWM), so memory per in-flight operation is the difference between
// runs with 1 and N in flight, divided by N.
#include <engine/clients/athena_client.hpp>
#include <engine/credentials/provider.hpp>
#include <engine/http/client.hpp>
#include <protocol/endpoint.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>

namespace asio = boost::asio;
using namespace std::chrono_literals;
namespace athena = protocol::athena;
using op_result_status = engine::clients::op_result<protocol::athena::get_calculation_status_output>;

namespace {

struct args {
    std::string mode, endpoint, key, secret, server_pid;
    int connections = 0; // 0: as many as in flight, at most 4096
    int in_flight = 64, seconds = 5, sessions = 100, calcs = 10, poll_ms = 100, dpus = 2;
};

double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string peak_rss(const std::string& pid) {
    std::ifstream f("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(f, line))
        if (line.starts_with("VmHWM:"))
            return line.substr(6);
    return "?";
}

struct counters {
    std::uint64_t requests = 0, errors = 0, sessions = 0, calcs_done = 0, calcs_failed = 0;
    std::string first_error;
};

template <class R>
void note(counters& c, const R& r) {
    ++c.requests;
    if (!r.ok()) {
        ++c.errors;
        if (c.first_error.empty())
            c.first_error = r.call.message.empty() && r.call.error ? r.call.error->code + ": " + r.call.error->message
                                                                    : r.call.message;
    }
}

asio::awaitable<void> wait_idle(engine::clients::athena_client& a, const std::string& id, counters& c, int poll_ms) {
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (int i = 0; i < 10000; ++i) {
        auto s = co_await a.get_session_status(id);
        note(c, s);
        if (s.ok() && (s.value.status.state == athena::session_state::idle ||
                       athena::is_final(s.value.status.state)))
            co_return;
        t.expires_after(std::chrono::milliseconds(poll_ms));
        co_await t.async_wait(asio::use_awaitable);
    }
}

} // namespace

int main(int argc, char** argv) {
    args a;
    if (argc < 2) {
        std::fprintf(stderr, "usage: athena_local_load status|sessions --endpoint URL --key K --secret S ...\n");
        return 2;
    }
    a.mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        std::string k = argv[i], v = argv[i + 1];
        if (k == "--endpoint") a.endpoint = v;
        else if (k == "--key") a.key = v;
        else if (k == "--secret") a.secret = v;
        else if (k == "--server-pid") a.server_pid = v;
        else if (k == "--in-flight") a.in_flight = std::stoi(v);
        else if (k == "--connections") a.connections = std::stoi(v);
        else if (k == "--seconds") a.seconds = std::stoi(v);
        else if (k == "--sessions") a.sessions = std::stoi(v);
        else if (k == "--calcs") a.calcs = std::stoi(v);
        else if (k == "--poll-ms") a.poll_ms = std::stoi(v);
        else { std::fprintf(stderr, "unknown option %s\n", k.c_str()); return 2; }
    }
    protocol::endpoint ep;
    if (protocol::parse_endpoint_url(a.endpoint, ep)) {
        std::fprintf(stderr, "bad --endpoint\n");
        return 2;
    }
    asio::io_context io(1);
    engine::http::client_options ho;
    ho.max_connections_per_host = static_cast<std::size_t>(a.connections > 0 ? a.connections : std::min(a.in_flight, 4096));
    ho.max_connections = ho.max_connections_per_host;
    engine::http::client http(io.get_executor(), ho);
    protocol::retry::config rc;
    rc.max_attempts = 3;
    engine::clients::caller caller(http, engine::credentials::make_static_provider({a.key, a.secret, ""}), rc);
    engine::clients::athena_client client(caller, ep, "us-east-1");
    counters c;
    auto t0 = std::chrono::steady_clock::now();
    double cpu0 = cpu_seconds();

    if (a.mode == "status") {
        std::string calc;
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            athena::start_session_input si;
            si.work_group = "primary-spark";
            si.engine.max_concurrent_dpus = 2;
            auto s = co_await client.start_session(si);
            note(c, s);
            if (!s.ok()) co_return;
            co_await wait_idle(client, s.value.session_id, c, 10);
            athena::start_calculation_input ci;
            ci.session_id = s.value.session_id;
            ci.code_block = "%%sql\nSELECT 1";
            auto r = co_await client.start_calculation_execution(ci);
            note(c, r);
            calc = r.value.calculation_execution_id;
        }, asio::detached);
        io.run();
        io.restart();
        if (calc.empty()) {
            std::fprintf(stderr, "setup failed: %s\n", c.first_error.c_str());
            return 1;
        }
        c = {};
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(a.seconds);
        t0 = std::chrono::steady_clock::now();
        cpu0 = cpu_seconds();
        for (int i = 0; i < a.in_flight; ++i)
            // One worker per in-flight slot, looping; its result is reused (written in place).
            asio::co_spawn(io, [&]() -> asio::awaitable<void> {
                op_result_status r;
                while (std::chrono::steady_clock::now() < deadline) {
                    co_await client.get_calculation_execution_status_into(calc, r);
                    note(c, r);
                }
            }, asio::detached);
        io.run();
    } else if (a.mode == "sessions") {
        int next = 0, live = 0;
        std::function<void()> launch;
        launch = [&] {
            while (live < a.in_flight && next < a.sessions) {
                ++next;
                ++live;
                asio::co_spawn(io, [&]() -> asio::awaitable<void> {
                    athena::start_session_input si;
                    si.work_group = "primary-spark";
                    si.engine.max_concurrent_dpus = a.dpus;
                    si.session_idle_timeout_minutes = 60;
                    auto s = co_await client.start_session(si);
                    note(c, s);
                    if (s.ok()) {
                        ++c.sessions;
                        std::string sid = s.value.session_id;
                        co_await wait_idle(client, sid, c, a.poll_ms);
                        asio::steady_timer t(co_await asio::this_coro::executor);
                        for (int k = 0; k < a.calcs; ++k) {
                            athena::start_calculation_input ci;
                            ci.session_id = sid;
                            ci.code_block = "%%sql\nSELECT 1";
                            auto r = co_await client.start_calculation_execution(ci);
                            note(c, r);
                            if (!r.ok())
                                break;
                            for (;;) {
                                t.expires_after(std::chrono::milliseconds(a.poll_ms));
                                co_await t.async_wait(asio::use_awaitable);
                                auto st = co_await client.get_calculation_execution_status(r.value.calculation_execution_id);
                                note(c, st);
                                if (st.ok() && athena::is_final(st.value.status.state)) {
                                    ++c.calcs_done;
                                    if (st.value.status.state != athena::calculation_state::completed)
                                        ++c.calcs_failed;
                                    break;
                                }
                            }
                            co_await wait_idle(client, sid, c, a.poll_ms);
                        }
                    }
                    --live;
                    launch();
                }, asio::detached);
            }
        };
        launch();
        io.run();
    } else {
        std::fprintf(stderr, "unknown mode %s\n", a.mode.c_str());
        return 2;
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_seconds() - cpu0;
    std::printf("mode=%s connections=%zu in_flight=%d requests=%llu errors=%llu seconds=%.2f requests_per_s=%.0f client_cpu_us_per_req=%.1f",
                a.mode.c_str(), ho.max_connections_per_host, a.in_flight, (unsigned long long)c.requests, (unsigned long long)c.errors, secs,
                static_cast<double>(c.requests) / secs, cpu * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, c.requests)));
    if (a.mode == "sessions")
        std::printf(" sessions=%llu calculations=%llu failed=%llu", (unsigned long long)c.sessions,
                    (unsigned long long)c.calcs_done, (unsigned long long)c.calcs_failed);
    if (!a.server_pid.empty())
        std::printf(" server_peak_rss=%s", peak_rss(a.server_pid).c_str());
    std::printf(" client_peak_rss=%s", peak_rss("self").c_str());
    std::printf("\n");
    if (!c.first_error.empty())
        std::printf("first error: %s\n", c.first_error.c_str());
    return c.errors ? 1 : 0;
}
