#include <athena_local/server.hpp>

#include "athena/athena_service.hpp"
#include "s3/api.hpp"
#include "s3/store.hpp"
#include "distribution.hpp"
#include "server/hash_pool.hpp"
#include "server/verify.hpp"

#include <athena_local/glue.hpp>

#include <aws_sigv4/crc32c.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/uri.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <openssl/evp.h>
#include <zlib.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <list>
#include <random>
#include <sstream>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace athena_local {

namespace {

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t max_body = std::uint64_t(6) * 1024 * 1024 * 1024; // above S3's 5 GiB PUT limit
constexpr std::uint64_t stream_threshold = 1024 * 1024;                  // bodies above this go to disk
constexpr std::size_t put_buffer_size = 1024 * 1024; // a streamed PUT reads the socket in pieces of this size
constexpr std::size_t put_buffers = 3;               // ... into at most this many buffers (being filled, hashed)

std::string random_token(std::mt19937_64& rng, std::size_t n, std::string_view alphabet) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += alphabet[rng() % alphabet.size()];
    return s;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// "fixed:20ms", "uniform:1ms..50ms", "exp:10ms" -> sampler in microseconds. Returns false when malformed.
bool parse_duration(std::string_view s, double& us) {
    double mult = 1;
    if (s.ends_with("us")) {
        mult = 1;
        s.remove_suffix(2);
    } else if (s.ends_with("ms")) {
        mult = 1000;
        s.remove_suffix(2);
    } else if (s.ends_with("s")) {
        mult = 1e6;
        s.remove_suffix(1);
    } else {
        return false;
    }
    try {
        std::size_t used = 0;
        us = std::stod(std::string(s), &used) * mult;
        return used == s.size() && us >= 0;
    } catch (...) {
        return false;
    }
}

} // namespace

bool parse_distribution(std::string_view spec, distribution& out, std::string& why) {
    out = {};
    if (spec.empty())
        return true;
    auto colon = spec.find(':');
    if (colon == std::string_view::npos) {
        why = "expected KIND:VALUE (fixed:20ms, uniform:1ms..50ms, exp:10ms)";
        return false;
    }
    auto kind = spec.substr(0, colon), arg = spec.substr(colon + 1);
    if (kind == "fixed" || kind == "exp") {
        out.kind = kind == "fixed" ? distribution::fixed : distribution::exponential;
        if (!parse_duration(arg, out.a)) {
            why = "bad duration '" + std::string(arg) + "' (use 500us, 20ms, 2s)";
            return false;
        }
        return true;
    }
    if (kind == "uniform") {
        auto dots = arg.find("..");
        if (dots == std::string_view::npos || !parse_duration(arg.substr(0, dots), out.a) ||
            !parse_duration(arg.substr(dots + 2), out.b) || out.b < out.a) {
            why = "bad range '" + std::string(arg) + "' (use uniform:50ms..2s)";
            return false;
        }
        out.kind = distribution::uniform;
        return true;
    }
    why = "unknown distribution '" + std::string(kind) + "' (fixed, uniform, exp)";
    return false;
}

double distribution::sample_us(std::mt19937_64& rng) const {
    switch (kind) {
    case none: return 0;
    case fixed: return a;
    case uniform: return std::uniform_real_distribution<double>(a, b)(rng);
    case exponential: return a > 0 ? std::exponential_distribution<double>(1.0 / a)(rng) : 0;
    }
    return 0;
}

struct server::impl : std::enable_shared_from_this<server::impl> {
    asio::any_io_executor loop;
    server_options opts;
    tcp::acceptor acceptor;
    std::unique_ptr<s3::disk_store> store;
    std::unique_ptr<glue_catalog> catalog;
    std::unique_ptr<json_service> glue;
    std::unique_ptr<athena::athena_service> athena;
    std::unique_ptr<hash_pool> hashers; // hash lanes for streamed PUT bodies (opts.hash_threads)
    auth::verifier verifier;
    std::mt19937_64 rng;
    distribution latency;
    server_stats stats;
    std::uint64_t request_counter = 0;
    std::list<std::weak_ptr<beast::tcp_stream>> connections;
    std::ofstream access_log;
    bool stopped = false;

    impl(asio::any_io_executor ex, server_options o)
        : loop(ex), opts(std::move(o)), acceptor(ex), rng(opts.seed ^ 0x9e3779b97f4a7c15ull) {}

    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < p; }

    std::string next_request_id() {
        std::uint64_t x = (++request_counter) * 0x9e3779b97f4a7c15ull ^ opts.seed;
        x ^= x >> 29;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%016llX", static_cast<unsigned long long>(x));
        return buf;
    }

    std::error_code load_credentials(std::string& message);
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> session(std::shared_ptr<beast::tcp_stream> stream);
    asio::awaitable<bool> before_request();
    /// Large S3 PUTs (objects, parts) go to disk as they arrive, hashed on the way, never held in memory.
    bool should_stream(const http::request<http::empty_body>& head) const;
    asio::awaitable<bool> streamed_put(std::shared_ptr<beast::tcp_stream> stream, beast::flat_buffer& buffer,
                                       http::request_parser<http::empty_body>& header_parser);
    asio::awaitable<bool> send_buffered(beast::tcp_stream& stream, unsigned status,
                                        std::vector<std::pair<std::string, std::string>> headers, std::string body,
                                        bool keep_alive, bool head_request);

    void write_log(std::chrono::steady_clock::time_point started, const std::string& request_id,
                   const std::string& what, unsigned status, const std::string& error_code, std::uint64_t bytes,
                   bool reset) {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        access_log << s3::iso_date(s3::now_ms()) << ' ' << request_id << ' ' << what << ' ' << status << ' '
                   << (error_code.empty() ? "-" : error_code) << ' ' << bytes << ' ' << us.count() << "us"
                   << (reset ? " reset" : "") << '\n';
        access_log.flush();
    }
};

std::error_code server::impl::load_credentials(std::string& message) {
    auto& c = verifier.creds;
    if (!opts.access_key.empty() || !opts.secret_key.empty()) {
        if (opts.access_key.empty() || opts.secret_key.empty()) {
            message = "give both --access-key and --secret-key (or neither, to use the generated pair in the data "
                      "directory)";
            return std::make_error_code(std::errc::invalid_argument);
        }
        c.access_key_id = opts.access_key;
        c.secret_access_key = opts.secret_key;
        return {};
    }
    auto file = opts.data_dir / "credentials";
    std::ifstream in(file);
    if (in) {
        std::string line;
        while (std::getline(in, line)) {
            auto eq = line.find('=');
            if (eq == std::string::npos)
                continue;
            auto k = line.substr(0, eq), v = line.substr(eq + 1);
            if (k == "aws_access_key_id")
                c.access_key_id = v;
            else if (k == "aws_secret_access_key")
                c.secret_access_key = v;
        }
        if (c.access_key_id.empty() || c.secret_access_key.empty()) {
            message = file.string() + " does not hold aws_access_key_id and aws_secret_access_key lines: delete it "
                                      "to generate a new key pair, or pass --access-key and --secret-key";
            return std::make_error_code(std::errc::invalid_argument);
        }
        return {};
    }
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd());
    c.access_key_id = "AKIA" + random_token(gen, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    c.secret_access_key =
        random_token(gen, 40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    auto tmp = file;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        message = "cannot write " + tmp.string() + ": " + std::strerror(errno);
        return {errno, std::generic_category()};
    }
    std::string text = "[default]\naws_access_key_id=" + c.access_key_id +
                       "\naws_secret_access_key=" + c.secret_access_key + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::fsync(fd);
    ::close(fd);
    std::error_code ec;
    if (ok)
        std::filesystem::rename(tmp, file, ec);
    if (!ok || ec) {
        message = "cannot write " + file.string();
        return std::make_error_code(std::errc::io_error);
    }
    return {};
}

server::server(asio::any_io_executor loop, server_options options)
    : impl_(std::make_shared<impl>(loop, std::move(options))) {}

server::~server() { stop(); }

std::error_code server::start(std::string& message) {
    auto& s = *impl_;
    if (s.opts.data_dir.empty()) {
        message = "a data directory is required (--data-dir DIR)";
        return std::make_error_code(std::errc::invalid_argument);
    }
    std::error_code ec;
    std::filesystem::create_directories(s.opts.data_dir, ec);
    if (ec) {
        message = "cannot create the data directory " + s.opts.data_dir.string() + ": " + ec.message();
        return ec;
    }
    std::string why;
    if (!parse_distribution(s.opts.faults.latency, s.latency, why)) {
        message = "--latency: " + why;
        return std::make_error_code(std::errc::invalid_argument);
    }
    if (auto e = s.load_credentials(message))
        return e;
    s.store = std::make_unique<s3::disk_store>(s.opts.data_dir / "s3", s.opts.fsync);
    std::string store_msg;
    if (auto e = s.store->open(store_msg)) {
        message = store_msg;
        return e;
    }
    try {
        s.catalog = std::make_unique<glue_catalog>(s.opts.data_dir);
    } catch (const std::exception& e) {
        message = e.what();
        return std::make_error_code(std::errc::invalid_argument);
    }
    s.glue = make_glue_service(*s.catalog);
    athena::athena_options ao;
    ao.region = s.opts.region;
    ao.account_id = s.opts.account_id;
    ao.seed = s.opts.seed;
    ao.dpu_quota = s.opts.dpu_quota;
    ao.workers = s.opts.calculation_workers;
    ao.duckdb_threads = s.opts.duckdb_threads;
    ao.memory_limit = s.opts.duckdb_memory_limit;
    ao.session_degraded = s.opts.faults.session_degraded;
    ao.calculation_failed = s.opts.faults.calculation_failed;
    if (!parse_distribution(s.opts.simulate, ao.simulate, why)) {
        message = "--simulate: " + why;
        return std::make_error_code(std::errc::invalid_argument);
    }
    // A hash lane only helps when it can run beside the loop: with a CPU affinity of one core it would take turns
    // with the loop (and find its buffers out of cache), so the loop hashes.
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    bool one_cpu = ::sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) < 2;
    s.hashers = std::make_unique<hash_pool>(one_cpu ? 0 : s.opts.hash_threads);
    service_env env{s.loop, s.store.get(), s.opts.data_dir, s.opts.seed};
    s.athena = std::make_unique<athena::athena_service>(env, *s.catalog, ao);
    if (!s.opts.access_log.empty()) {
        s.access_log.open(s.opts.access_log, std::ios::app);
        if (!s.access_log) {
            message = "cannot open the access log " + s.opts.access_log.string();
            return std::make_error_code(std::errc::io_error);
        }
    }

    boost::system::error_code bec;
    auto addr = asio::ip::make_address(s.opts.listen_address, bec);
    if (bec) {
        message = "--listen: '" + s.opts.listen_address + "' is not an IP address";
        return std::make_error_code(std::errc::invalid_argument);
    }
    tcp::endpoint ep(addr, s.opts.port);
    s.acceptor.open(ep.protocol(), bec);
    if (!bec)
        s.acceptor.set_option(asio::socket_base::reuse_address(true), bec);
    if (!bec)
        s.acceptor.bind(ep, bec);
    if (!bec)
        s.acceptor.listen(asio::socket_base::max_listen_connections, bec);
    if (bec) {
        message = "cannot listen on " + s.opts.listen_address + ":" + std::to_string(s.opts.port) + ": " +
                  bec.message() +
                  (bec == asio::error::address_in_use ? " (choose another --listen port, or 0 for any)" : "");
        return std::make_error_code(std::errc::address_in_use);
    }
    asio::co_spawn(s.loop, [self = impl_]() { return self->accept_loop(); }, asio::detached);
    return {};
}

void server::stop() {
    if (!impl_ || impl_->stopped)
        return;
    auto& s = *impl_;
    s.stopped = true;
    boost::system::error_code ec;
    s.acceptor.close(ec);
    for (auto& w : s.connections)
        if (auto c = w.lock())
            c->socket().close(ec);
    s.connections.clear();
    if (s.athena)
        s.athena->shutdown();
    if (s.glue)
        s.glue->shutdown();
    if (s.hashers)
        s.hashers->stop(); // runs what is queued (their completions go to the loop), then joins
}

tcp::endpoint server::endpoint() const {
    boost::system::error_code ec;
    return impl_->acceptor.local_endpoint(ec);
}

std::string server::url() const {
    auto ep = endpoint();
    return "http://" + ep.address().to_string() + ":" + std::to_string(ep.port());
}

const aws_sigv4::credentials& server::credentials() const { return impl_->verifier.creds; }

server_stats server::stats() const { return impl_->stats; }

asio::awaitable<void> server::impl::accept_loop() {
    auto self = shared_from_this();
    for (;;) {
        auto [ec, sock] = co_await acceptor.async_accept(tuple_awaitable);
        if (ec) {
            if (stopped || ec == asio::error::operation_aborted)
                co_return;
            continue; // EMFILE and the like: keep accepting
        }
        sock.set_option(tcp::no_delay(true), ec);
        auto stream = std::make_shared<beast::tcp_stream>(std::move(sock));
        connections.remove_if([](auto& w) { return w.expired(); });
        connections.push_back(stream);
        asio::co_spawn(loop, [self, stream]() { return self->session(stream); }, asio::detached);
    }
}

namespace {

struct routed {
    bool json = false;
    std::string target_prefix, operation;
};

std::string lower(std::string_view s) {
    std::string o(s);
    for (auto& c : o)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return o;
}

/// The bucket named by a virtual-hosted Host ("bucket.localhost:port", "bucket.s3.anything"), or empty.
std::string virtual_host_bucket(std::string_view host) {
    auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(']') == std::string_view::npos)
        host = host.substr(0, colon);
    auto dot = host.find('.');
    if (dot == std::string_view::npos)
        return {};
    auto rest = host.substr(dot + 1);
    if (rest == "localhost" || rest.starts_with("s3.") || rest.starts_with("s3-"))
        return std::string(host.substr(0, dot));
    return {};
}

/// What the verifier sees of a request: method, raw target, every header as received, the body (views).
template <class Message>
auth::incoming incoming_of(const Message& m, const std::string& target, std::string_view body) {
    auth::incoming in{std::string_view(m.method_string().data(), m.method_string().size()), target, {}, body};
    for (auto& f : m)
        in.headers.emplace_back(std::string_view(f.name_string().data(), f.name_string().size()),
                                std::string_view(f.value().data(), f.value().size()));
    return in;
}

/// The S3 request a verified HTTP request names: bucket and key (path-style or virtual-hosted), query, headers.
s3::request make_s3_request(const auth::incoming& in, const std::string& target, const std::string& host,
                            const std::string& request_id) {
    s3::request sr;
    sr.method = std::string(in.method);
    sr.request_id = request_id;
    auto q = target.find('?');
    std::string path = target.substr(0, q);
    std::string decoded;
    aws_sigv4::uri_decode(path, decoded);
        auto vbucket = virtual_host_bucket(host);
    std::string_view p = decoded;
    if (!p.empty() && p.front() == '/')
        p.remove_prefix(1);
    if (!vbucket.empty()) {
        sr.bucket = vbucket;
        sr.key = std::string(p);
    } else {
        auto slash = p.find('/');
        sr.bucket = std::string(p.substr(0, slash));
        if (slash != std::string_view::npos)
            sr.key = std::string(p.substr(slash + 1));
    }
    if (q != std::string::npos) {
        std::string_view qs = std::string_view(target).substr(q + 1);
        std::size_t start = 0;
        while (start <= qs.size()) {
            auto amp = qs.find('&', start);
            auto part = qs.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
            if (!part.empty()) {
                auto eq = part.find('=');
                std::string k, v;
                aws_sigv4::uri_decode(part.substr(0, eq), k);
                if (eq != std::string_view::npos)
                    aws_sigv4::uri_decode(part.substr(eq + 1), v);
                sr.query[k] = v;
            }
            if (amp == std::string_view::npos)
                break;
            start = amp + 1;
        }
    }
    for (auto& [name, value] : in.headers)
        sr.headers.emplace_back(lower(name), std::string(value));
    return sr;
}

} // namespace

asio::awaitable<bool> server::impl::before_request() {
    // Faults decided per request, before any work: added latency, then a reset (false: close the connection).
    if (latency.kind != distribution::none) {
        asio::steady_timer t(loop, std::chrono::microseconds(static_cast<std::int64_t>(latency.sample_us(rng))));
        co_await t.async_wait(tuple_awaitable);
        ++stats.faults_latency;
    }
    if (chance(opts.faults.reset_before)) {
        ++stats.faults_reset;
        co_return false;
    }
    co_return true;
}

bool server::impl::should_stream(const http::request<http::empty_body>& head) const {
    if (head.method() != http::verb::put || head.find("x-amz-target") != head.end() ||
        head.find("x-amz-copy-source") != head.end())
        return false;
    auto len = head.find(http::field::content_length);
    if (len == head.end())
        return false;
    std::uint64_t n = 0;
    auto v = len->value();
    for (char c : v) {
        if (c < '0' || c > '9')
            return false;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        if (n > max_body)
            return false;
    }
    if (n < stream_threshold)
        return false;
    auto sha = head.find("x-amz-content-sha256");
    if (sha != head.end() && beast::string_view(sha->value()).starts_with("STREAMING-"))
        return false;
    auto enc = head.find(http::field::content_encoding);
    return enc == head.end() || beast::string_view(enc->value()).find("aws-chunked") == beast::string_view::npos;
}

asio::awaitable<bool> server::impl::send_buffered(beast::tcp_stream& stream, unsigned status,
                                                  std::vector<std::pair<std::string, std::string>> headers,
                                                  std::string body, bool keep_alive, bool head_request) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::server, "athena-local");
    res.set(http::field::date, s3::http_date(s3::now_ms()));
    for (auto& [k, v] : headers)
        res.set(k, v);
    res.keep_alive(keep_alive);
    res.content_length(body.size());
    if (!head_request)
        res.body() = std::move(body);
    http::response_serializer<http::string_body> srz{res};
    if (head_request) {
        auto [ec, n] = co_await http::async_write_header(stream, srz, tuple_awaitable);
        co_return !ec;
    }
    auto [ec, n] = co_await http::async_write(stream, srz, tuple_awaitable);
    co_return !ec;
}

namespace {

/// Digests of a streamed body, updated chunk by chunk.
struct stream_digests {
    EVP_MD_CTX* md5 = EVP_MD_CTX_new();
    std::optional<aws_sigv4::sha256> sha;
    bool crc32_on = false, crc32c_on = false, sha256_sum_on = false;
    uLong crc32v = crc32(0L, Z_NULL, 0);
    std::uint32_t crc32cv = 0;
    std::optional<aws_sigv4::sha256> sum256;
    stream_digests() { EVP_DigestInit_ex(md5, EVP_md5(), nullptr); }
    ~stream_digests() { EVP_MD_CTX_free(md5); }
    void update(const char* p, std::size_t n) {
        EVP_DigestUpdate(md5, p, n);
        if (sha)
            sha->update(p, n);
        if (sum256)
            sum256->update(p, n);
        if (crc32_on)
            crc32v = crc32(crc32v, reinterpret_cast<const Bytef*>(p), static_cast<uInt>(n));
        if (crc32c_on)
            crc32cv = aws_sigv4::crc32c(crc32cv, p, n);
    }
};

/// One streamed PUT's buffers and digests. Shared with the hash lane's jobs, so a PUT that ends early (reset,
/// refusal) leaves its buffers to the last job's completion. `dig` is touched only by the lane while buffers are
/// out; free_bufs, in_flight and wake only on the loop.
struct put_pipeline {
    stream_digests dig;
    std::vector<std::vector<char>> bufs;
    std::vector<std::size_t> free_bufs;
    unsigned in_flight = 0;
    asio::steady_timer wake; // never expires: cancel() wakes the coroutine waiting for a buffer
    explicit put_pipeline(const asio::any_io_executor& ex) : wake(ex, asio::steady_timer::time_point::max()) {}
};

bool write_all(int fd, const char* p, std::size_t n) {
    std::size_t off = 0;
    while (off < n) {
        auto w = ::write(fd, p + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += static_cast<std::size_t>(w);
    }
    return true;
}

} // namespace

asio::awaitable<bool> server::impl::streamed_put(std::shared_ptr<beast::tcp_stream> stream, beast::flat_buffer& buffer,
                                                 http::request_parser<http::empty_body>& header_parser) {
    auto self = shared_from_this();
    auto started = std::chrono::steady_clock::now();
    auto& head = header_parser.get();
    bool keep_alive = head.keep_alive();
    ++stats.requests;
    ++stats.s3;
    if (!co_await before_request())
        co_return false;
    std::string request_id = next_request_id();
    std::string target(head.target());
    auth::incoming in = incoming_of(head, target, {});
    in.body_deferred = true;
    s3::request sr = make_s3_request(in, target, std::string(head[http::field::host]), request_id);
    std::string what = sr.method + " /" + sr.bucket + (sr.key.empty() ? "" : "/" + sr.key);
    bool expect_continue = beast::iequals(head[http::field::expect], "100-continue");

    // Refusals before the body: the connection is closed afterwards unless the client waits for 100-continue.
    auto refuse = [&](s3::response r) -> asio::awaitable<bool> {
        ++stats.errors;
        r.headers.emplace_back("x-amz-request-id", request_id);
        r.headers.emplace_back("x-amz-id-2", request_id);
        bool keep = keep_alive && expect_continue; // the body was never sent
        if (!keep)
            r.headers.emplace_back("Connection", "close");
        if (access_log.is_open())
            write_log(started, request_id, what, r.status, r.error_code, r.body.size(), false);
        bool ok = co_await send_buffered(*stream, r.status, std::move(r.headers), std::move(r.body), keep, false);
        co_return ok && keep;
    };
    auth::verified v;
    if (auto refusal = verifier.verify(in, auth::service_family::s3, "s3", unix_now(), v)) {
        ++stats.auth_failures;
        co_return co_await refuse(s3::error(sr, refusal->status, refusal->code, refusal->message));
    }
    if (chance(opts.faults.throttle)) {
        ++stats.faults_throttle;
        co_return co_await refuse(s3::error(sr, 503, "SlowDown", "Please reduce your request rate."));
    }
    if (chance(opts.faults.internal_error)) {
        ++stats.faults_internal;
        co_return co_await refuse(s3::error(sr, 500, "InternalError", "We encountered an internal error. Please try again."));
    }
    auto tmp = sr.key.empty() ? std::nullopt : store->temp_path(sr.bucket);
    if (!tmp) {
        if (sr.key.empty())
            co_return co_await refuse(s3::error(sr, 405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
        // (the error is built outside co_await: g++ 12 cannot put an initializer_list's array in a frame)
        auto no_bucket = s3::error(sr, 404, "NoSuchBucket", "The specified bucket does not exist",
                                   std::vector<std::pair<std::string, std::string>>(1, {"BucketName", sr.bucket}));
        co_return co_await refuse(std::move(no_bucket));
    }
    if (expect_continue) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        auto [wec, wn] = co_await http::async_write(*stream, cont, tuple_awaitable);
        if (wec)
            co_return false;
    }

    // Stream the body to the temp file, hashing on the way.
    auto pipe = std::make_shared<put_pipeline>(loop); // on the heap: g++ 12 mis-initialises some frame members
    auto& dig = pipe->dig;
    bool hex_hash = v.payload_hash.size() == 64;
    if (hex_hash)
        dig.sha.emplace();
    auto algos = s3::checksum_headers(sr);
    for (auto& a : algos) {
        if (a == "crc32")
            dig.crc32_on = true;
        else if (a == "crc32c")
            dig.crc32c_on = true;
        else if (a == "sha256")
            dig.sum256.emplace();
    }
    int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        co_return false;
    // Content-Length bodies are read straight from the socket into 1 MiB buffers (no parser copy): first what the
    // header read already buffered, then exactly the remaining bytes, so a pipelined next request stays in `buffer`.
    // The loop fills a buffer and writes it to the temp file; a hash lane (hash_pool) digests it meanwhile, so the
    // loop is already filling the next one. At most put_buffers buffers per PUT; with no lane (hash_threads 0, or
    // the process confined to one core), one buffer, hashed on the loop.
    bool offload = hashers && hashers->lanes() > 0;
    unsigned lane = offload ? hashers->pick() : 0;
    std::size_t nbufs = offload ? put_buffers : 1;
    pipe->bufs.resize(nbufs);
    for (std::size_t i = 0; i < nbufs; ++i) {
        pipe->bufs[i].resize(put_buffer_size);
        pipe->free_bufs.push_back(i);
    }
    std::uint64_t remaining = header_parser.content_length().value_or(0);
    std::uint64_t size = 0;
    bool failed = false;
    while (!failed && remaining > 0) {
        while (pipe->free_bufs.empty()) { // every buffer is being hashed: wait for a lane to hand one back
            auto [wec] = co_await pipe->wake.async_wait(tuple_awaitable);
            (void)wec;
        }
        std::size_t b = pipe->free_bufs.back();
        pipe->free_bufs.pop_back();
        char* data = pipe->bufs[b].data();
        auto cap = static_cast<std::size_t>(std::min<std::uint64_t>(put_buffer_size, remaining));
        std::size_t fill = 0;
        if (buffer.size() > 0) {
            fill = std::min(buffer.size(), cap);
            std::memcpy(data, buffer.data().data(), fill);
            buffer.consume(fill);
        }
        // With a lane, fill the whole buffer (one hand-off per MiB); on the loop alone, hash and write each read while
        // it is still in cache.
        while (fill < cap && (offload || fill == 0)) {
            auto [ec, n] = co_await stream->async_read_some(asio::buffer(data + fill, cap - fill), tuple_awaitable);
            if (ec || n == 0) {
                failed = true;
                break;
            }
            fill += n;
        }
        if (failed || !write_all(fd, data, fill)) {
            failed = true;
            break;
        }
        remaining -= fill;
        size += fill;
        if (!offload) {
            pipe->dig.update(data, fill);
            pipe->free_bufs.push_back(b);
            continue;
        }
        ++pipe->in_flight;
        hashers->submit(lane, [pipe, b, fill, ex = loop]() mutable {
            pipe->dig.update(pipe->bufs[b].data(), fill);
            // Back on the loop: the buffer is free again. (The loop holds the last reference, never the lane.)
            asio::post(ex, [p = std::move(pipe), b]() {
                p->free_bufs.push_back(b);
                --p->in_flight;
                p->wake.cancel();
            });
        });
    }
    if (!failed && store->fsync_enabled())
        ::fsync(fd);
    ::close(fd);
    stats.bytes_in += size;
    std::error_code rec;
    if (failed) { // (buffers still being hashed are freed by their lane's completion)
        std::filesystem::remove(*tmp, rec);
        co_return false;
    }
    while (pipe->in_flight > 0) { // the digests are complete once every buffer is back
        auto [wec] = co_await pipe->wake.async_wait(tuple_awaitable);
        (void)wec;
    }
    s3::response r;
    if (hex_hash && aws_sigv4::to_hex_string(dig.sha->finish()) != v.payload_hash) {
        std::filesystem::remove(*tmp, rec);
        r = s3::error(sr, 400, "XAmzContentSHA256Mismatch",
                      "The provided 'x-amz-content-sha256' header does not match what was computed.");
    } else {
        s3::streamed_body body;
        body.file = *tmp;
        body.size = size;
        body.md5.assign(16, '\0'); // (no arrays in a coroutine frame: g++ 12 cannot initialise them)
        unsigned len = 0;
        EVP_DigestFinal_ex(dig.md5, reinterpret_cast<unsigned char*>(body.md5.data()), &len);
        if (dig.crc32_on)
            body.checksums["crc32"] = s3::crc_base64(static_cast<std::uint32_t>(dig.crc32v));
        if (dig.crc32c_on)
            body.checksums["crc32c"] = s3::crc_base64(dig.crc32cv);
        if (dig.sum256) {
            auto d = dig.sum256->finish();
            body.checksums["sha256"] = aws_sigv4::base64_encode(d.data(), d.size());
        }
        sr.streamed = std::move(body);
        sr.region = v.region;
        r = s3::handle(*store, sr);
    }
    if (r.status >= 400)
        ++stats.errors;
    r.headers.emplace_back("x-amz-request-id", request_id);
    r.headers.emplace_back("x-amz-id-2", request_id);
    if (access_log.is_open())
        write_log(started, request_id, what, r.status, r.error_code, r.body.size(), false);
    bool ok = co_await send_buffered(*stream, r.status, std::move(r.headers), std::move(r.body), keep_alive, false);
    co_return ok && keep_alive;
}

asio::awaitable<void> server::impl::session(std::shared_ptr<beast::tcp_stream> stream) {
    auto self = shared_from_this();
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::empty_body> header_parser;
        header_parser.header_limit(64 * 1024);
        header_parser.body_limit(max_body);
        auto [ec, n] = co_await http::async_read_header(*stream, buffer, header_parser, tuple_awaitable);
        if (ec)
            break;
        if (should_stream(header_parser.get())) {
            if (!co_await streamed_put(stream, buffer, header_parser))
                break;
            continue;
        }
        if (beast::iequals(header_parser.get()[http::field::expect], "100-continue")) {
            http::response<http::empty_body> cont{http::status::continue_, 11};
            auto [wec, wn] = co_await http::async_write(*stream, cont, tuple_awaitable);
            if (wec)
                break;
        }
        http::request_parser<http::string_body> parser{std::move(header_parser)};
        parser.body_limit(max_body);
        std::tie(ec, n) = co_await http::async_read(*stream, buffer, parser, tuple_awaitable);
        if (ec)
            break;
        auto req = parser.release();
        bool keep_alive = req.keep_alive();
        auto started = std::chrono::steady_clock::now();
        ++stats.requests;
        stats.bytes_in += req.body().size();

        if (!co_await before_request())
            break;

        std::string request_id = next_request_id();
        std::string target(req.target());
        auth::incoming in = incoming_of(req, target, req.body());

        unsigned status = 200;
        std::vector<std::pair<std::string, std::string>> out_headers;
        std::string out_body;
        std::optional<std::filesystem::path> out_file;
        std::uint64_t file_offset = 0, file_length = 0;
        std::string error_code, what;
        std::string_view xtarget;
        if (auto it = req.find("x-amz-target"); it != req.end())
            xtarget = std::string_view(it->value().data(), it->value().size());

        if (!xtarget.empty()) {
            auto dot = xtarget.find('.');
            std::string prefix(xtarget.substr(0, dot));
            std::string op(dot == std::string_view::npos ? std::string_view{} : xtarget.substr(dot + 1));
            what = std::string(xtarget);
            json_service* svc = nullptr;
            std::string scope_service;
            if (prefix == "AmazonAthena") {
                svc = athena.get();
                scope_service = "athena";
                ++stats.athena;
            } else if (prefix == "AWSGlue") {
                svc = glue.get();
                scope_service = "glue";
                ++stats.glue;
            }
            json_reply reply;
            if (!svc) {
                reply = json_error(400, "UnknownOperationException", "");
            } else {
                auth::verified v;
                auto refusal = verifier.verify(in, auth::service_family::json, scope_service, unix_now(), v);
                if (refusal) {
                    ++stats.auth_failures;
                    reply = json_error(refusal->status, refusal->code, refusal->message);
                } else if (chance(opts.faults.throttle)) {
                    ++stats.faults_throttle;
                    reply = prefix == "AmazonAthena" ? json_error(400, "TooManyRequestsException", "Rate exceeded")
                                                     : json_error(400, "ThrottlingException", "Rate exceeded");
                } else if (chance(opts.faults.internal_error)) {
                    ++stats.faults_internal;
                    reply = prefix == "AmazonAthena"
                                ? json_error(500, "InternalServerException", "An internal error occurred (injected)")
                                : json_error(500, "InternalServiceException", "An internal error occurred (injected)");
                } else {
                    request_context ctx{request_id, v.region, v.access_key};
                    reply = co_await asio::async_initiate<decltype(asio::use_awaitable), void(json_reply)>(
                        [&](auto handler) {
                            auto h = std::make_shared<decltype(handler)>(std::move(handler));
                            svc->handle(op, req.body(), ctx, [h, ex = loop](json_reply r) mutable {
                                asio::post(ex, [h, r = std::move(r)]() mutable { std::move (*h)(std::move(r)); });
                            });
                        },
                        asio::use_awaitable);
                }
            }
            status = reply.status;
            out_body = std::move(reply.body);
            out_headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
            out_headers.emplace_back("x-amzn-RequestId", request_id);
            if (status >= 300) {
                // the __type value
                auto p = out_body.find("\"__type\":\"");
                if (p != std::string::npos)
                    error_code = out_body.substr(p + 10, out_body.find('"', p + 10) - p - 10);
            }
        } else {
            ++stats.s3;
            s3::request sr = make_s3_request(in, target, std::string(req[http::field::host]), request_id);
            what = sr.method + " /" + sr.bucket + (sr.key.empty() ? "" : "/" + sr.key);
            auth::verified v;
            auto refusal = verifier.verify(in, auth::service_family::s3, "s3", unix_now(), v);
            s3::response r;
            if (refusal) {
                ++stats.auth_failures;
                r = s3::error(sr, refusal->status, refusal->code, refusal->message);
            } else if (chance(opts.faults.throttle)) {
                ++stats.faults_throttle;
                r = s3::error(sr, 503, "SlowDown", "Please reduce your request rate.");
            } else if (chance(opts.faults.internal_error)) {
                ++stats.faults_internal;
                r = s3::error(sr, 500, "InternalError", "We encountered an internal error. Please try again.");
            } else {
                sr.payload = v.payload;
                sr.trailers = v.trailers;
                sr.region = v.region;
                r = s3::handle(*store, sr);
            }
            status = r.status;
            out_headers = std::move(r.headers);
            out_headers.emplace_back("x-amz-request-id", request_id);
            out_headers.emplace_back("x-amz-id-2", request_id);
            out_body = std::move(r.body);
            out_file = std::move(r.file);
            file_offset = r.file_offset;
            file_length = r.file_length;
            error_code = r.error_code;
        }
        if (status >= 400)
            ++stats.errors;

        bool head_request = in.method == "HEAD";
        bool reset_mid = chance(opts.faults.reset_mid_body);
        if (reset_mid)
            ++stats.faults_reset;
        std::uint64_t body_size = out_file ? file_length : out_body.size();
        stats.bytes_out += head_request ? 0 : body_size;

        if (!out_file && !reset_mid) {
            // The common case (every JSON answer, S3 XML and errors): one write, one syscall.
            http::response<http::string_body> res{static_cast<http::status>(status), 11};
            res.set(http::field::server, "athena-local");
            res.set(http::field::date, s3::http_date(s3::now_ms()));
            for (auto& [k, v] : out_headers)
                res.set(k, v);
            res.keep_alive(keep_alive);
            res.content_length(body_size);
            if (!head_request)
                res.body() = std::move(out_body);
            http::response_serializer<http::string_body> srz{res};
            if (head_request) {
                auto [hec, hn] = co_await http::async_write_header(*stream, srz, tuple_awaitable);
                if (hec)
                    break;
            } else {
                auto [wec, wn] = co_await http::async_write(*stream, srz, tuple_awaitable);
                if (wec)
                    break;
            }
            if (access_log.is_open())
                write_log(started, request_id, what, status, error_code, body_size, false);
            if (!keep_alive)
                break;
            continue;
        }
        http::response<http::buffer_body> res{static_cast<http::status>(status), 11};
        res.set(http::field::server, "athena-local");
        res.set(http::field::date, s3::http_date(s3::now_ms()));
        for (auto& [k, v] : out_headers)
            res.set(k, v);
        res.keep_alive(keep_alive);
        res.content_length(body_size);
        res.body().data = nullptr;
        res.body().more = !head_request && body_size > 0;
        http::response_serializer<http::buffer_body> sr{res};
        auto [hec, hn] = co_await http::async_write_header(*stream, sr, tuple_awaitable);
        bool failed = static_cast<bool>(hec);
        if (!failed && !head_request && body_size > 0) {
            std::uint64_t limit = reset_mid ? body_size / 2 : body_size;
            if (!out_file) {
                res.body().data = out_body.data();
                res.body().size = static_cast<std::size_t>(limit);
                res.body().more = !reset_mid;
                auto [wec, wn] = co_await http::async_write(*stream, sr, tuple_awaitable);
                if (wec && wec != http::error::need_buffer)
                    failed = true;
            } else {
                int fd = ::open(out_file->c_str(), O_RDONLY | O_CLOEXEC);
                failed = fd < 0;
                std::vector<char> chunk(std::min<std::uint64_t>(limit, 4 << 20));
                std::uint64_t off = file_offset, left = limit;
                while (!failed && left > 0) {
                    auto r = ::pread(fd, chunk.data(), std::min<std::uint64_t>(left, chunk.size()), static_cast<off_t>(off));
                    if (r <= 0) {
                        failed = true;
                        break;
                    }
                    off += static_cast<std::uint64_t>(r);
                    left -= static_cast<std::uint64_t>(r);
                    res.body().data = chunk.data();
                    res.body().size = static_cast<std::size_t>(r);
                    res.body().more = true;
                    auto [wec, wn] = co_await http::async_write(*stream, sr, tuple_awaitable);
                    if (wec && wec != http::error::need_buffer)
                        failed = true;
                }
                if (fd >= 0)
                    ::close(fd);
            }
            if (!failed && !reset_mid) {
                res.body().data = nullptr;
                res.body().size = 0;
                res.body().more = false;
                auto [wec, wn] = co_await http::async_write(*stream, sr, tuple_awaitable);
                failed = static_cast<bool>(wec);
            }
        }
        if (access_log.is_open())
            write_log(started, request_id, what, status, error_code, body_size, reset_mid);
        if (failed || reset_mid || !keep_alive)
            break;
    }
    boost::system::error_code ec;
    stream->socket().shutdown(tcp::socket::shutdown_both, ec);
    stream->socket().close(ec);
}

} // namespace athena_local
