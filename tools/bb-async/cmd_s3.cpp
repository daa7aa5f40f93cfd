// `bb-async s3 cp|ls|rm|mb`: a small S3 command line over engine::s3, so the uploader can be used
// and measured on its own. The logic is the engine's; this file parses flags, walks directories
// and prints. Credentials come from the engine's default chain (environment, --profile, shared
// files, process, web identity, container, IMDS); nothing secret is ever printed.
#include <engine/clients/caller.hpp>
#include <engine/credentials/config_file.hpp>
#include <engine/credentials/default_chain.hpp>
#include <engine/credentials/environment.hpp>
#include <engine/credentials/region.hpp>
#include <engine/credentials/retry_settings.hpp>
#include <engine/http/client.hpp>
#include <engine/http/fetcher.hpp>
#include <engine/s3/client.hpp>
#include <engine/s3/uploader.hpp>
#include <protocol/endpoint.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"

namespace bb::cli {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
namespace s3 = engine::s3;
namespace ps3 = protocol::s3;
using asio::awaitable;

struct common_options {
    std::string endpoint_url, region, profile;
    std::string payload = "signed";
    std::string checksum = "auto";
    double part_size_mib = 0;
    std::size_t parallel = 8;
    bool recursive = false;
};

struct s3_url {
    std::string bucket, key;
};

std::optional<s3_url> parse_s3_url(const std::string& s) {
    if (s.rfind("s3://", 0) != 0)
        return std::nullopt;
    const std::string rest = s.substr(5);
    const auto slash = rest.find('/');
    s3_url u;
    u.bucket = rest.substr(0, slash);
    if (slash != std::string::npos)
        u.key = rest.substr(slash + 1);
    if (u.bucket.empty())
        throw usage_error(fmt::format("'{}' has no bucket name: write s3://bucket/key", s));
    return u;
}

// Everything a command needs to talk to S3, on one io_context.
struct session {
    explicit session(const common_options& o)
        : http(ioc.get_executor(), client_options())
        , env(engine::credentials::environment::process()) {
        std::optional<std::string> profile, region;
        if (!o.profile.empty())
            profile = o.profile;
        if (!o.region.empty())
            region = o.region;
        std::string region_message;
        auto rr = engine::credentials::resolve_region(env, region, profile, &region_message);
        if (!region_message.empty())
            throw usage_error(region_message);
        engine::credentials::default_chain_options copt;
        copt.profile = profile;
        copt.region = rr.region;
        copt.http = engine::http::make_client_fetcher(http);
        // Retry mode and attempts: $AWS_RETRY_MODE / $AWS_MAX_ATTEMPTS, else the profile's retry_mode /
        // max_attempts, else standard with 3 (as the SDKs). Unreadable files were reported above.
        engine::credentials::shared_config files;
        std::string files_message;
        const bool have_files = !engine::credentials::load_shared_config(env, files, files_message);
        protocol::retry::config retry;
        if (auto bad = engine::credentials::resolve_retry_config(
                env, have_files ? &files : nullptr, engine::credentials::select_profile(env, profile), retry))
            throw usage_error(*bad);
        caller = std::make_unique<engine::clients::caller>(http, engine::credentials::make_default_provider(env, copt),
                                                           retry);
        ps3::config cfg;
        std::string url = o.endpoint_url;
        if (url.empty())
            url = env.get("AWS_ENDPOINT_URL_S3").value_or(env.get("AWS_ENDPOINT_URL").value_or(""));
        if (!url.empty()) {
            if (protocol::parse_endpoint_url(url, cfg.ep))
                throw usage_error(fmt::format("--endpoint-url '{}' is not a valid http(s)://host[:port] URL", url));
        } else if (protocol::resolve_endpoint(protocol::service::s3, rr.region, cfg.ep)) {
            throw usage_error(fmt::format("region '{}' is not valid (e.g. us-east-1)", rr.region));
        }
        client = std::make_unique<s3::client>(*caller, cfg, rr.region);
        // A part or a download may take long on a slow link; a peer that stops moving bytes is caught
        // by the stall timeout (60 s without progress, then retried) instead.
        client->request_options.request_timeout = std::chrono::hours(12);
        client->request_options.stall_timeout = std::chrono::seconds(60);
    }

    static engine::http::client_options client_options() {
        engine::http::client_options c;
        if (const char* ca = std::getenv("AWS_CA_BUNDLE"); ca && *ca)
            c.ca_file = ca;
        return c;
    }

    // Runs `task` to completion; SIGINT/SIGTERM cancel it (an upload in progress is aborted).
    void run(awaitable<void> task) {
        asio::cancellation_signal cancel;
        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        bool interrupted = false;
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (!ec) {
                interrupted = true;
                cancel.emit(asio::cancellation_type::terminal);
            }
        });
        std::exception_ptr error;
        asio::co_spawn(ioc, std::move(task), asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e) {
                           error = e;
                           boost::system::error_code ignored;
                           signals.cancel(ignored);
                       }));
        ioc.run();
        if (error)
            std::rethrow_exception(error);
        if (interrupted)
            throw run_error("interrupted");
    }

    asio::io_context ioc;
    engine::http::client http;
    engine::credentials::environment env;
    std::unique_ptr<engine::clients::caller> caller;
    std::unique_ptr<s3::client> client;
};

s3::upload_options upload_options_from(const common_options& o) {
    s3::upload_options u;
    auto mode = s3::parse_payload_mode(o.payload);
    if (!mode)
        throw usage_error(fmt::format("--payload '{}': use signed, unsigned or aws-chunked", o.payload));
    u.payload.mode = *mode;
    if (o.checksum == "auto")
        u.payload.checksum = s3::checksum_mode::automatic;
    else if (o.checksum == "md5")
        u.payload.checksum = s3::checksum_mode::content_md5;
    else if (o.checksum == "crc32c")
        u.payload.checksum = s3::checksum_mode::crc32c;
    else if (o.checksum == "none")
        u.payload.checksum = s3::checksum_mode::none;
    else
        throw usage_error(fmt::format("--checksum '{}': use auto, md5, crc32c or none", o.checksum));
    if (o.part_size_mib != 0) {
        if (o.part_size_mib < 5 || o.part_size_mib > 5120)
            throw usage_error("--part-size must be between 5 and 5120 MiB");
        u.part_size = static_cast<std::uint64_t>(o.part_size_mib * 1024 * 1024);
    }
    if (o.parallel < 1 || o.parallel > 256)
        throw usage_error("--parallel must be between 1 and 256");
    u.max_parts_in_flight = o.parallel;
    return u;
}

struct totals {
    std::uint64_t files = 0, bytes = 0;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

void print_summary(const char* verb, const totals& t) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t.start).count();
    const double mbs = secs > 0 ? static_cast<double>(t.bytes) / 1e6 / secs : 0.0;
    fmt::print("{} {} file{}, {} bytes in {:.2f} s ({:.1f} MB/s)\n", verb, t.files, t.files == 1 ? "" : "s", t.bytes,
               secs, mbs);
}

std::string join_key(const std::string& prefix, const std::string& rel) {
    if (prefix.empty())
        return rel;
    return prefix.back() == '/' ? prefix + rel : prefix + "/" + rel;
}

void cmd_cp(const std::string& src, const std::string& dst, const common_options& o) {
    const auto from = parse_s3_url(src);
    const auto to = parse_s3_url(dst);
    if (from && to)
        throw usage_error("copying from S3 to S3 is not supported: one side must be a local path");
    if (!from && !to)
        throw usage_error("one of SRC and DST must be an s3://bucket/key URL");
    const auto uopt = upload_options_from(o);
    session s(o);
    totals t;

    if (to) { // upload
        const fs::path p(src);
        std::error_code fec;
        const auto st = fs::status(p, fec);
        if (fec || !fs::exists(st))
            throw usage_error(fmt::format("'{}' does not exist", src));
        std::vector<std::pair<fs::path, std::string>> jobs; // file, key
        if (fs::is_directory(st)) {
            if (!o.recursive)
                throw usage_error(fmt::format("'{}' is a directory: add --recursive", src));
            for (auto it = fs::recursive_directory_iterator(p); it != fs::recursive_directory_iterator(); ++it)
                if (it->is_regular_file())
                    jobs.emplace_back(it->path(), join_key(to->key, it->path().lexically_relative(p).generic_string()));
            std::sort(jobs.begin(), jobs.end());
        } else {
            std::string key = to->key;
            if (key.empty() || key.back() == '/')
                key += p.filename().string();
            jobs.emplace_back(p, key);
        }
        s.run([&]() -> awaitable<void> {
            for (auto& [file, key] : jobs) {
                std::string path = file.string(), bucket = to->bucket, k = key;
                auto r = co_await s3::upload_file(*s.client, std::move(bucket), std::move(k), std::move(path), uopt);
                if (!r.ok())
                    throw run_error(r.call.message);
                ++t.files;
                t.bytes += r.value.bytes;
            }
        }());
        print_summary("uploaded", t);
        return;
    }

    // download
    std::vector<std::pair<std::string, fs::path>> jobs; // key, file
    if (o.recursive) {
        ps3::list_objects_v2_input in;
        in.bucket = from->bucket;
        in.prefix = from->key;
        s.run([&]() -> awaitable<void> {
            auto all = co_await s.client->list_all(std::move(in));
            if (!all.ok())
                throw run_error(all.call.message);
            for (auto& obj : all.value.contents) {
                if (obj.key.empty() || obj.key.back() == '/')
                    continue; // "directory" placeholders
                std::string rel = obj.key.substr(from->key.size());
                while (!rel.empty() && rel.front() == '/')
                    rel.erase(0, 1);
                const fs::path target = fs::path(dst) / rel;
                if (rel.empty() || target.lexically_normal().string().find("..") != std::string::npos)
                    throw run_error(fmt::format("refusing to write key '{}' outside '{}'", obj.key, dst));
                jobs.emplace_back(obj.key, target);
            }
        }());
        s.ioc.restart();
    } else {
        if (from->key.empty())
            throw usage_error(fmt::format("'{}' names no key: give s3://bucket/key, or add --recursive", src));
        fs::path target(dst);
        if (fs::is_directory(target) || dst.back() == '/')
            target /= fs::path(from->key).filename();
        jobs.emplace_back(from->key, target);
    }
    s.run([&]() -> awaitable<void> {
        for (auto& [key, file] : jobs) {
            if (file.has_parent_path())
                fs::create_directories(file.parent_path());
            ps3::get_object_input in;
            in.bucket = from->bucket;
            in.key = key;
            std::string path = file.string();
            auto r = co_await s.client->get_object_to_file(std::move(in), std::move(path));
            if (!r.ok())
                throw run_error(r.call.message);
            ++t.files;
            t.bytes += r.value.bytes;
        }
    }());
    print_summary("downloaded", t);
}

std::string format_time(const std::optional<protocol::timestamp>& ts) {
    if (!ts)
        return std::string(19, ' ');
    const std::time_t tt = std::chrono::system_clock::to_time_t(std::chrono::time_point_cast<std::chrono::seconds>(*ts));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

void cmd_ls(const std::string& url, const common_options& o) {
    const auto u = parse_s3_url(url);
    if (!u)
        throw usage_error(fmt::format("'{}' is not an s3://bucket[/prefix] URL", url));
    session s(o);
    ps3::list_objects_v2_input in;
    in.bucket = u->bucket;
    in.prefix = u->key;
    if (!o.recursive)
        in.delimiter = "/";
    s.run([&]() -> awaitable<void> {
        std::function<bool(const ps3::list_objects_v2_output&)> page = [](const ps3::list_objects_v2_output& p) {
            for (auto& cp : p.common_prefixes)
                fmt::print("{:>30} {}\n", "PRE", cp.substr(p.prefix.size()));
            for (auto& obj : p.contents)
                fmt::print("{} {:>10} {}\n", format_time(obj.last_modified), obj.size, obj.key);
            return true;
        };
        auto r = co_await s.client->list_objects_v2_pages(std::move(in), std::move(page));
        if (!r.ok())
            throw run_error(r.call.message);
    }());
}

void cmd_rm(const std::string& url, const common_options& o) {
    const auto u = parse_s3_url(url);
    if (!u)
        throw usage_error(fmt::format("'{}' is not an s3://bucket/key URL", url));
    if (!o.recursive && u->key.empty())
        throw usage_error(fmt::format("'{}' names no key: give s3://bucket/key, or add --recursive", url));
    session s(o);
    totals t;
    std::size_t failed = 0;
    s.run([&]() -> awaitable<void> {
        std::vector<std::string> keys;
        if (o.recursive) {
            ps3::list_objects_v2_input in;
            in.bucket = u->bucket;
            in.prefix = u->key;
            auto all = co_await s.client->list_all(std::move(in));
            if (!all.ok())
                throw run_error(all.call.message);
            for (auto& obj : all.value.contents) {
                keys.push_back(obj.key);
                t.bytes += obj.size;
            }
        } else {
            keys.push_back(u->key);
        }
        t.files = keys.size();
        if (keys.empty())
            co_return;
        std::string bucket = u->bucket;
        auto r = co_await s.client->delete_objects(std::move(bucket), std::move(keys));
        if (!r.ok())
            throw run_error(r.call.message);
        for (auto& e : r.value.errors)
            fmt::print(stderr, "delete failed: s3://{}/{}: {} {}\n", u->bucket, e.key, e.code, e.message);
        failed = r.value.errors.size();
    }());
    t.files -= failed;
    print_summary("deleted", t);
    if (failed)
        throw run_error(fmt::format("{} object(s) could not be deleted", failed));
}

void cmd_mb(const std::string& url, const common_options& o) {
    const auto u = parse_s3_url(url);
    if (!u || !u->key.empty())
        throw usage_error(fmt::format("'{}' is not an s3://bucket URL", url));
    session s(o);
    s.run([&]() -> awaitable<void> {
        std::string bucket = u->bucket;
        auto r = co_await s.client->create_bucket(std::move(bucket));
        if (!r.ok())
            throw run_error(r.call.message);
    }());
    fmt::print("make_bucket: {}\n", u->bucket);
}

void add_common(CLI::App* c, common_options& o) {
    c->add_option("--endpoint-url", o.endpoint_url,
                  "S3 endpoint URL, e.g. http://127.0.0.1:7480 (default: $AWS_ENDPOINT_URL_S3, "
                  "$AWS_ENDPOINT_URL, or AWS's endpoint for the region)");
    c->add_option("--region", o.region, "Region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's, us-east-1)");
    c->add_option("--profile", o.profile, "Profile of the shared AWS config and credentials files");
}

} // namespace

void add_s3_commands(CLI::App& app) {
    auto* s3c = app.add_subcommand("s3", "Copy, list and delete S3 objects (the engine's S3 client and uploader)");
    s3c->require_subcommand(1);

    auto o = std::make_shared<common_options>();
    auto src = std::make_shared<std::string>(), dst = std::make_shared<std::string>();
    auto* cp = s3c->add_subcommand("cp", "Copy a file or directory to or from S3; prints bytes, seconds and MB/s");
    cp->add_option("SRC", *src, "Local path or s3://bucket/key")->required();
    cp->add_option("DST", *dst, "Local path or s3://bucket/key-or-prefix")->required();
    cp->add_flag("--recursive", o->recursive, "Copy a directory / every key under a prefix");
    cp->add_option("--payload", o->payload, "Upload payload signing: signed (SHA-256), unsigned, aws-chunked")
        ->capture_default_str();
    cp->add_option("--checksum", o->checksum, "Upload integrity check: auto (none when the payload's SHA-256 is signed, which the server "
                   "verifies; md5 with --payload unsigned), md5 (Content-MD5), crc32c, none")
        ->capture_default_str();
    cp->add_option("--part-size", o->part_size_mib, "Multipart part size in MiB (default: 8, raised for huge files)");
    cp->add_option("--parallel", o->parallel, "Parts in flight per file")->capture_default_str();
    add_common(cp, *o);
    cp->callback([o, src, dst] { cmd_cp(*src, *dst, *o); });

    auto lo = std::make_shared<common_options>();
    auto lurl = std::make_shared<std::string>();
    auto* ls = s3c->add_subcommand("ls", "List keys and common prefixes under s3://bucket[/prefix]");
    ls->add_option("URL", *lurl, "s3://bucket[/prefix]")->required();
    ls->add_flag("--recursive", lo->recursive, "List every key under the prefix (no common prefixes)");
    add_common(ls, *lo);
    ls->callback([lo, lurl] { cmd_ls(*lurl, *lo); });

    auto ro = std::make_shared<common_options>();
    auto rurl = std::make_shared<std::string>();
    auto* rm = s3c->add_subcommand("rm", "Delete a key, or every key under a prefix with --recursive");
    rm->add_option("URL", *rurl, "s3://bucket/key or s3://bucket/prefix")->required();
    rm->add_flag("--recursive", ro->recursive, "Delete every key under the prefix (DeleteObjects, 1000 per call)");
    add_common(rm, *ro);
    rm->callback([ro, rurl] { cmd_rm(*rurl, *ro); });

    auto mo = std::make_shared<common_options>();
    auto murl = std::make_shared<std::string>();
    auto* mb = s3c->add_subcommand("mb", "Create a bucket");
    mb->add_option("URL", *murl, "s3://bucket")->required();
    add_common(mb, *mo);
    mb->callback([mo, murl] { cmd_mb(*murl, *mo); });
}

} // namespace bb::cli
