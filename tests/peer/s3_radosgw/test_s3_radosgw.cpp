// engine::s3 against Ceph radosgw (a real S3 server that checks SigV4, chunk signatures,
// Content-MD5 and multipart rules): buckets, put/get/head, ranged and streamed gets, listing with
// continuation, DeleteObjects over 1000 keys, 64 MiB multipart uploads in the three payload modes
// verified after download, abort (explicit and by cancellation), a wrong secret key, parts below
// 5 MiB.
#include <aws_sigv4/hash.hpp>
#include <engine/clients/caller.hpp>
#include <engine/credentials/provider.hpp>
#include <engine/http/client.hpp>
#include <engine/http/message.hpp>
#include <engine/s3/client.hpp>
#include <engine/s3/payload.hpp>
#include <engine/s3/uploader.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/test/unit_test.hpp>

#include "scratch.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace s3 = engine::s3;
namespace ps3 = protocol::s3;
namespace fs = std::filesystem;

std::string endpoint_url() {
    if (const char* e = std::getenv("BB_S3_ENDPOINT"); e && *e)
        return e;
    const char* dir = std::getenv("BB_RADOSGW_DIR");
    BOOST_TEST_REQUIRE(dir != nullptr, "BB_RADOSGW_DIR or BB_S3_ENDPOINT must be set (run through ctest)");
    std::ifstream in(fs::path(dir) / "endpoint");
    std::string url;
    std::getline(in, url);
    BOOST_TEST_REQUIRE(!url.empty(), "no radosgw endpoint in " << dir << "/endpoint (radosgw_start failed?)");
    return url;
}

fs::path scratch() { return test::scratch_dir("bb-s3-test"); }

// A file of pseudo-random bytes (incompressible, different per seed).
fs::path random_file(const std::string& name, std::uint64_t size, std::uint64_t seed) {
    return test::write_random_file(scratch() / name, size, seed);
}

std::string sha256_of_file(const fs::path& p) {
    s3::range_digests d;
    BOOST_TEST_REQUIRE(!s3::digest_file_range(p.string(), 0, fs::file_size(p), true, false, false, d));
    return *d.sha256_hex;
}

struct rig {
    explicit rig(std::string secret = "TESTSECRET")
        : http(ioc.get_executor())
        , caller(http, engine::credentials::make_static_provider({"TESTKEY", std::move(secret), ""}))
        , client(caller, config(), "us-east-1") {}

    static ps3::config config() {
        ps3::config c;
        BOOST_TEST_REQUIRE(!protocol::parse_endpoint_url(endpoint_url(), c.ep));
        return c;
    }

    template <class T>
    T run(asio::awaitable<T> a, asio::cancellation_slot slot = {}) {
        std::optional<T> out;
        std::exception_ptr error;
        asio::co_spawn(ioc, std::move(a), asio::bind_cancellation_slot(slot, [&](std::exception_ptr e, T v) {
                           error = e;
                           out = std::move(v);
                       }));
        ioc.restart();
        ioc.run();
        if (error)
            std::rethrow_exception(error);
        BOOST_TEST_REQUIRE(out.has_value());
        return std::move(*out);
    }

    asio::io_context ioc;
    engine::http::client http;
    engine::clients::caller caller;
    s3::client client;
};

std::string unique_bucket(const char* what) {
    static int n = 0;
    return std::string("bb-") + what + "-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::string make_bucket(rig& r, const char* what) {
    auto b = unique_bucket(what);
    auto c = r.run(r.client.create_bucket(b));
    BOOST_TEST_REQUIRE(c.ok(), c.call.message);
    return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(s3_radosgw)

BOOST_AUTO_TEST_CASE(bucket_put_get_head_and_ranges) {
    rig r;
    const auto b = make_bucket(r, "basic");
    auto hb = r.run(r.client.head_bucket(b));
    BOOST_TEST_REQUIRE(hb.ok(), hb.call.message);
    BOOST_TEST_MESSAGE("x-amz-bucket-region: '" << hb.value.region << "'");

    ps3::put_object_input in;
    in.bucket = b;
    in.key = "dir/hello world+.txt";
    in.body = "hello, radosgw";
    in.content_type = "text/plain";
    in.metadata["purpose"] = "test";
    auto put = r.run(r.client.put_object(in));
    BOOST_TEST_REQUIRE(put.ok(), put.call.message);
    BOOST_TEST(put.value.etag == "\"" + std::string("") + put.value.etag.substr(1, 32) + "\"");

    auto head = r.run(r.client.head_object(b, in.key));
    BOOST_TEST_REQUIRE(head.ok(), head.call.message);
    BOOST_TEST(head.value.content_length.value_or(0) == 14u);
    BOOST_TEST(head.value.etag == put.value.etag);
    BOOST_TEST(head.value.metadata["purpose"] == "test");

    auto get = r.run(r.client.get_object({b, in.key, std::nullopt, {}}));
    BOOST_TEST_REQUIRE(get.ok(), get.call.message);
    BOOST_TEST(get.value.body == "hello, radosgw");

    auto ranged = r.run(r.client.get_object({b, in.key, ps3::byte_range::between(7, 13), {}}));
    BOOST_TEST_REQUIRE(ranged.ok(), ranged.call.message);
    BOOST_TEST(ranged.value.body == "radosgw");
    BOOST_TEST_REQUIRE(ranged.value.range.has_value());
    BOOST_TEST(ranged.value.range->first == 7u);
    BOOST_TEST(ranged.value.range->total.value_or(0) == 14u);

    auto suffix = r.run(r.client.get_object({b, in.key, ps3::byte_range::suffix(3), {}}));
    BOOST_TEST_REQUIRE(suffix.ok(), suffix.call.message);
    BOOST_TEST(suffix.value.body == "sgw");

    auto missing = r.run(r.client.head_object(b, "no/such/key"));
    BOOST_TEST(!missing.ok());
    BOOST_TEST_REQUIRE(missing.call.error.has_value());
    BOOST_TEST(missing.call.error->status == 404);
    BOOST_TEST(missing.call.message.find("HeadObject s3://" + b + "/no/such/key") != std::string::npos,
               missing.call.message);
    auto nokey = r.run(r.client.get_object({b, "no/such/key", std::nullopt, {}}));
    BOOST_TEST_REQUIRE(nokey.call.error.has_value());
    BOOST_TEST(nokey.call.error->code == "NoSuchKey", nokey.call.message);
}

BOOST_AUTO_TEST_CASE(streamed_put_and_get_to_file_and_sink) {
    rig r;
    const auto b = make_bucket(r, "stream");
    const auto src = random_file("stream.bin", 3 * 1024 * 1024 + 17, 1);
    for (auto mode : {s3::payload_mode::signed_sha256, s3::payload_mode::unsigned_payload,
                      s3::payload_mode::aws_chunked}) {
        const std::string key = "obj-" + std::string(s3::to_string(mode));
        auto put = r.run(r.client.put_object_file({b, key, {}, {}, {}}, {src.string(), 0, std::nullopt},
                                                  {mode, s3::checksum_mode::content_md5, 64 * 1024}));
        BOOST_TEST_REQUIRE(put.ok(), put.call.message);
        BOOST_TEST(put.value.etag == "\"" + put.value.digests.md5_hex() + "\"");

        const auto dst = scratch() / ("stream-" + key);
        auto get = r.run(r.client.get_object_to_file({b, key, std::nullopt, {}}, dst.string()));
        BOOST_TEST_REQUIRE(get.ok(), get.call.message);
        BOOST_TEST(get.value.bytes == fs::file_size(src));
        BOOST_TEST(sha256_of_file(dst) == sha256_of_file(src));
    }
    // A range of a file range: bytes [1 MiB, 2 MiB) of the file as an object, read back by a sink.
    auto put = r.run(r.client.put_object_file({b, "middle", {}, {}, {}}, {src.string(), 1 << 20, 1 << 20},
                                              {s3::payload_mode::aws_chunked, s3::checksum_mode::none, 16384}));
    BOOST_TEST_REQUIRE(put.ok(), put.call.message);
    std::uint64_t seen = 0, chunks = 0;
    auto got = r.run(r.client.get_object_to({b, "middle", ps3::byte_range::from(1000), {}},
                                            [&](std::uint64_t off, std::string_view c) -> std::error_code {
                                                BOOST_TEST(off == seen);
                                                seen += c.size();
                                                ++chunks;
                                                return {};
                                            }));
    BOOST_TEST_REQUIRE(got.ok(), got.call.message);
    BOOST_TEST(seen == (1u << 20) - 1000);
    BOOST_TEST(got.value.bytes == seen);
    BOOST_TEST(chunks > 1u); // streamed, not delivered in one piece
}

// The default upload mode (signed SHA-256, --checksum auto: no Content-MD5) relies on the server
// recomputing the signed payload hash over the bytes it receives. Here the signature covers the
// SHA-256 of other bytes than those sent: radosgw must refuse the body and store nothing.
BOOST_AUTO_TEST_CASE(signed_payload_hash_is_verified_by_the_server) {
    rig r;
    const auto b = make_bucket(r, "sha");
    ps3::put_object_input in;
    in.bucket = b;
    in.key = "tampered";
    in.body = "the bytes that travel";
    protocol::http_request preq;
    BOOST_TEST_REQUIRE(!ps3::build_put_object(rig::config(), in, preq));
    auto req = engine::http::from_protocol(std::move(preq));
    BOOST_TEST_REQUIRE(req.has_value());
    engine::clients::payload_options po;
    po.payload_hash = aws_sigv4::sha256_hex("the bytes that were signed");
    const engine::clients::service_target target{"us-east-1", "s3", protocol::wire_protocol::rest_xml,
                                                 aws_sigv4::settings::s3()};
    engine::http::request_options opt;
    auto res = r.run(r.caller.call(target, std::move(*req), opt, std::move(po)));
    BOOST_TEST(!res.ok());
    BOOST_TEST_REQUIRE(res.error.has_value());
    BOOST_TEST(res.error->status == 400);
    BOOST_TEST(res.error->code == "XAmzContentSHA256Mismatch", res.message);
    BOOST_TEST(res.attempts == 1); // a client error: not retried
    auto head = r.run(r.client.head_object(b, "tampered"));
    BOOST_TEST_REQUIRE(head.call.error.has_value());
    BOOST_TEST(head.call.error->status == 404); // nothing stored

    // The same bytes, signed honestly, in the default mode: stored.
    const auto src = random_file("sha.bin", 1 << 20, 7);
    auto put = r.run(r.client.put_object_file({b, "honest", {}, {}, {}}, {src.string(), 0, std::nullopt}, {}));
    BOOST_TEST_REQUIRE(put.ok(), put.call.message);
    BOOST_TEST(!put.value.digests.md5.has_value()); // no Content-MD5 beside the signed SHA-256
    BOOST_TEST(put.value.digests.sha256_hex.has_value());
}

BOOST_AUTO_TEST_CASE(list_with_continuation_and_delimiter) {
    rig r;
    const auto b = make_bucket(r, "list");
    for (int i = 0; i < 23; ++i) {
        auto p = r.run(r.client.put_object({b, "list/k" + std::to_string(100 + i), "x", {}, {}}));
        BOOST_TEST_REQUIRE(p.ok(), p.call.message);
    }
    for (int i = 0; i < 3; ++i) {
        auto p = r.run(r.client.put_object({b, "list/sub/s" + std::to_string(i), "y", {}, {}}));
        BOOST_TEST_REQUIRE(p.ok(), p.call.message);
    }
    ps3::list_objects_v2_input in;
    in.bucket = b;
    in.prefix = "list/";
    in.max_keys = 7;
    std::vector<std::string> keys;
    auto pages = r.run(r.client.list_objects_v2_pages(in, [&](const ps3::list_objects_v2_output& p) {
        for (auto& o : p.contents)
            keys.push_back(o.key);
        return true;
    }));
    BOOST_TEST_REQUIRE(pages.ok(), pages.call.message);
    BOOST_TEST(pages.value.pages == 4u); // 26 keys, 7 per page
    BOOST_TEST(keys.size() == 26u);
    BOOST_TEST(std::is_sorted(keys.begin(), keys.end()));

    in.delimiter = "/";
    in.max_keys = 5;
    auto all = r.run(r.client.list_all(in));
    BOOST_TEST_REQUIRE(all.ok(), all.call.message);
    BOOST_TEST(all.value.contents.size() == 23u);
    BOOST_TEST_REQUIRE(all.value.common_prefixes.size() == 1u);
    BOOST_TEST(all.value.common_prefixes[0] == "list/sub/");
}

BOOST_AUTO_TEST_CASE(delete_more_than_1000_keys) {
    rig r;
    const auto b = make_bucket(r, "delete");
    constexpr int n = 1234;
    // 16 PUTs in flight at a time.
    int next = 0, failures = 0;
    auto worker = [&]() -> asio::awaitable<int> {
        while (next < n) {
            const int i = next++;
            ps3::put_object_input in; // named: g++ 12 mishandles braced temporaries in co_await
            in.bucket = b;
            in.key = "many/" + std::to_string(i);
            auto p = co_await r.client.put_object(std::move(in));
            if (!p.ok())
                ++failures;
        }
        co_return 0;
    };
    for (int w = 0; w < 16; ++w)
        asio::co_spawn(r.ioc, worker(), [](std::exception_ptr, int) {});
    r.ioc.restart();
    r.ioc.run();
    BOOST_TEST_REQUIRE(failures == 0);

    ps3::list_objects_v2_input in;
    in.bucket = b;
    auto before = r.run(r.client.list_all(in));
    BOOST_TEST_REQUIRE(before.ok(), before.call.message);
    BOOST_TEST_REQUIRE(before.value.contents.size() == static_cast<std::size_t>(n));
    std::vector<std::string> keys;
    for (auto& o : before.value.contents)
        keys.push_back(o.key);
    auto del = r.run(r.client.delete_objects(b, keys));
    BOOST_TEST_REQUIRE(del.ok(), del.call.message);
    BOOST_TEST(del.value.errors.empty());
    auto after = r.run(r.client.list_all(in));
    BOOST_TEST_REQUIRE(after.ok(), after.call.message);
    BOOST_TEST(after.value.contents.empty());
}

BOOST_AUTO_TEST_CASE(multipart_64mib_in_every_payload_mode) {
    rig r;
    const auto b = make_bucket(r, "multipart");
    const auto src = random_file("big.bin", 64ull << 20, 7);
    const auto want = sha256_of_file(src);
    struct mode_case {
        s3::payload_mode mode;
        s3::checksum_mode checksum;
    };
    for (auto m : {mode_case{s3::payload_mode::signed_sha256, s3::checksum_mode::content_md5},
                   mode_case{s3::payload_mode::unsigned_payload, s3::checksum_mode::content_md5},
                   mode_case{s3::payload_mode::aws_chunked, s3::checksum_mode::content_md5}}) {
        BOOST_TEST_CONTEXT("payload mode " << s3::to_string(m.mode)) {
            const std::string key = "big/" + std::string(s3::to_string(m.mode));
            s3::upload_options opt;
            opt.payload.mode = m.mode;
            opt.payload.checksum = m.checksum;
            opt.max_parts_in_flight = 4;
            std::uint64_t progress = 0;
            opt.on_progress = [&](std::uint64_t done) { progress = done; };
            auto up = r.run(s3::upload_file(r.client, b, key, src.string(), opt));
            BOOST_TEST_REQUIRE(up.ok(), up.call.message);
            BOOST_TEST(up.value.parts == 8);
            BOOST_TEST(up.value.part_size == 8ull << 20);
            BOOST_TEST(progress == 64ull << 20);

            auto head = r.run(r.client.head_object(b, key));
            BOOST_TEST_REQUIRE(head.ok(), head.call.message);
            BOOST_TEST(head.value.content_length.value_or(0) == 64ull << 20);
            BOOST_TEST(head.value.etag == up.value.expected_etag); // MD5 of the part MD5s, "-8"

            const auto dst = scratch() / "big.download";
            auto get = r.run(r.client.get_object_to_file({b, key, std::nullopt, {}}, dst.string()));
            BOOST_TEST_REQUIRE(get.ok(), get.call.message);
            BOOST_TEST(sha256_of_file(dst) == want);
            fs::remove(dst);
        }
    }
}

BOOST_AUTO_TEST_CASE(abort_and_list_uploads) {
    rig r;
    const auto b = make_bucket(r, "abort");
    auto cr = r.run(r.client.create_multipart_upload(b, "k", "application/octet-stream"));
    BOOST_TEST_REQUIRE(cr.ok(), cr.call.message);
    auto part = r.run(r.client.upload_part(b, "k", cr.value.upload_id, 1, std::string(5 << 20, 'a')));
    BOOST_TEST_REQUIRE(part.ok(), part.call.message);
    auto parts = r.run(r.client.list_parts({b, "k", cr.value.upload_id, {}, {}}));
    BOOST_TEST_REQUIRE(parts.ok(), parts.call.message);
    BOOST_TEST_REQUIRE(parts.value.parts.size() == 1u);
    BOOST_TEST(parts.value.parts[0].etag == part.value);
    BOOST_TEST(parts.value.parts[0].size == 5u << 20);
    auto uploads = r.run(r.client.list_multipart_uploads({b, {}, {}, {}, {}, {}}));
    BOOST_TEST_REQUIRE(uploads.ok(), uploads.call.message);
    BOOST_TEST_REQUIRE(uploads.value.uploads.size() == 1u);
    BOOST_TEST(uploads.value.uploads[0].upload_id == cr.value.upload_id);

    auto ab = r.run(r.client.abort_multipart_upload(b, "k", cr.value.upload_id));
    BOOST_TEST_REQUIRE(ab.ok(), ab.call.message);
    auto gone = r.run(r.client.list_parts({b, "k", cr.value.upload_id, {}, {}}));
    BOOST_TEST_REQUIRE(gone.call.error.has_value());
    // AWS answers NoSuchUpload; radosgw (Pacific) answers NoSuchKey.
    BOOST_TEST((gone.call.error->code == "NoSuchUpload" || gone.call.error->code == "NoSuchKey"), gone.call.message);
    BOOST_TEST(gone.call.error->status == 404);
}

BOOST_AUTO_TEST_CASE(cancelled_upload_is_aborted) {
    rig r;
    const auto b = make_bucket(r, "cancel");
    const auto src = random_file("cancel.bin", 40ull << 20, 3);
    asio::cancellation_signal sig;
    s3::upload_options opt;
    opt.max_parts_in_flight = 2;
    opt.part_size = 5ull << 20;
    int parts_done = 0;
    opt.on_progress = [&](std::uint64_t) {
        if (++parts_done == 1)
            asio::post(r.ioc, [&] { sig.emit(asio::cancellation_type::terminal); });
    };
    auto up = r.run(s3::upload_file(r.client, b, "cancelled", src.string(), opt), sig.slot());
    BOOST_TEST(!up.ok());
    BOOST_TEST((up.call.ec == std::errc::operation_canceled), up.call.ec.message());
    BOOST_TEST(up.value.aborted, up.call.message);
    BOOST_TEST(parts_done < 8);
    auto uploads = r.run(r.client.list_multipart_uploads({b, {}, {}, {}, {}, {}}));
    BOOST_TEST_REQUIRE(uploads.ok(), uploads.call.message);
    BOOST_TEST(uploads.value.uploads.empty());
    auto head = r.run(r.client.head_object(b, "cancelled"));
    BOOST_TEST(!head.ok());
}

BOOST_AUTO_TEST_CASE(wrong_secret_key_is_a_clear_access_denied_error) {
    rig good;
    const auto b = make_bucket(good, "secret");
    rig r("NOT-THE-SECRET");
    auto put = r.run(r.client.put_object({b, "k", "data", {}, {}}));
    BOOST_TEST_REQUIRE(!put.ok());
    BOOST_TEST_REQUIRE(put.call.error.has_value(), put.call.message);
    BOOST_TEST(put.call.error->status == 403);
    BOOST_TEST((put.call.error->kind() == protocol::error_class::access_denied));
    BOOST_TEST(put.call.error->code == "SignatureDoesNotMatch");
    BOOST_TEST(put.call.message.find("PutObject s3://" + b + "/k: SignatureDoesNotMatch (HTTP 403)") == 0,
               put.call.message);
    BOOST_TEST(put.call.message.find("secret access key") != std::string::npos, put.call.message);
    BOOST_TEST(put.call.message.find("NOT-THE-SECRET") == std::string::npos);
    BOOST_TEST(put.call.attempts == 1); // not retried
    auto head = r.run(r.client.head_bucket(b));
    BOOST_TEST_REQUIRE(!head.ok());
    BOOST_TEST(head.call.message.find("HTTP 403") != std::string::npos, head.call.message);
}

BOOST_AUTO_TEST_CASE(parts_below_5_mib_surface_entity_too_small) {
    rig r;
    const auto b = make_bucket(r, "small");
    const auto src = random_file("small-parts.bin", 3ull << 20, 5);
    s3::upload_options opt;
    opt.multipart_threshold = 0;
    opt.part_size = 1ull << 20;
    opt.allow_small_parts = true;
    auto up = r.run(s3::upload_file(r.client, b, "small", src.string(), opt));
    BOOST_TEST_REQUIRE(!up.ok());
    BOOST_TEST(up.value.parts == 3);
    BOOST_TEST_REQUIRE(up.call.error.has_value(), up.call.message);
    BOOST_TEST(up.call.error->code == "EntityTooSmall", up.call.message);
    BOOST_TEST(up.call.message.find("CompleteMultipartUpload s3://" + b + "/small: EntityTooSmall (HTTP 400)") == 0,
               up.call.message);
    BOOST_TEST(up.call.message.find("5 MiB") != std::string::npos, up.call.message);
    BOOST_TEST(up.value.aborted);
    BOOST_TEST_MESSAGE(up.call.message);
}

BOOST_AUTO_TEST_CASE(automatic_checksum_follows_the_payload_mode) {
    using s3::checksum_mode;
    using s3::payload_mode;
    auto eff = [](payload_mode m, checksum_mode c) { return s3::effective_checksum({m, c, 64 * 1024}); };
    BOOST_TEST((s3::payload_settings{}.checksum == checksum_mode::automatic));
    BOOST_TEST((eff(payload_mode::signed_sha256, checksum_mode::automatic) == checksum_mode::none));
    BOOST_TEST((eff(payload_mode::aws_chunked, checksum_mode::automatic) == checksum_mode::none));
    BOOST_TEST((eff(payload_mode::unsigned_payload, checksum_mode::automatic) == checksum_mode::content_md5));
    BOOST_TEST((eff(payload_mode::signed_sha256, checksum_mode::crc32c) == checksum_mode::crc32c));
    BOOST_TEST((eff(payload_mode::unsigned_payload, checksum_mode::none) == checksum_mode::none));
    const auto need = s3::digests_needed({payload_mode::signed_sha256, checksum_mode::automatic, 64 * 1024});
    BOOST_TEST(need.sha256);
    BOOST_TEST(!need.md5);
    BOOST_TEST(!need.crc32c);
    const auto chunked = s3::digests_needed({payload_mode::aws_chunked, checksum_mode::automatic, 64 * 1024});
    BOOST_TEST(!chunked.any()); // aws-chunked in the default mode reads the file once
}

BOOST_AUTO_TEST_CASE(part_planning) {
    std::uint64_t ps = 0;
    int n = 0;
    BOOST_TEST(!s3::plan_parts(64ull << 20, 0, false, ps, n));
    BOOST_TEST(ps == 8ull << 20);
    BOOST_TEST(n == 8);
    BOOST_TEST(!s3::plan_parts(1ull << 40, 0, false, ps, n)); // 1 TiB: 105 MiB parts
    BOOST_TEST(n <= 10000);
    BOOST_TEST(ps % (1 << 20) == 0u);
    BOOST_TEST(!s3::plan_parts(10ull << 20, 1 << 20, false, ps, n));
    BOOST_TEST(ps == 5ull << 20);
    BOOST_TEST((s3::plan_parts(6ull << 40, 0, false, ps, n) == std::errc::file_too_large));
}

BOOST_AUTO_TEST_SUITE_END()
