// engine::s3 against athena-local's S3, which verifies SigV4 (header and aws-chunked chunk and trailer
// signatures), Content-MD5 and x-amz-checksum-crc32c (header or trailer) and keeps the checksum it
// verified. The server runs in-process on the test's io_context (as bb-async embeds it).
//
// For each payload mode (signed SHA-256, UNSIGNED-PAYLOAD, aws-chunked with a signed trailer) with
// checksum crc32c: PutObject from a file, HeadObject with checksum mode reports the same CRC32C (and
// the known value for "123456789"); a multipart upload (3 parts, x-amz-checksum-algorithm CRC32C,
// parts' checksums in CompleteMultipartUpload) downloads identical; a caller-supplied CRC32C
// (payload_settings::known_crc32c) is sent without a pre-read and accepted when right, refused with
// BadDigest (HTTP 400, not retried, nothing stored) when wrong, for PutObject and UploadPart.
#include <athena_local/server.hpp>
#include <aws_sigv4/crc32c.hpp>
#include <engine/clients/caller.hpp>
#include <engine/credentials/provider.hpp>
#include <engine/http/client.hpp>
#include <engine/s3/client.hpp>
#include <engine/s3/payload.hpp>
#include <engine/s3/uploader.hpp>
#include <protocol/endpoint.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "scratch.hpp"

#include <unistd.h>

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

fs::path scratch() { return test::scratch_dir("bb-s3-athena-local-test"); }

fs::path random_file(const std::string& name, std::uint64_t size, std::uint64_t seed) {
    return test::write_random_file(scratch() / name, size, seed);
}

std::uint32_t crc_of_file(const fs::path& p) {
    s3::range_digests d;
    BOOST_TEST_REQUIRE(!s3::digest_file_range(p.string(), 0, fs::file_size(p), false, false, true, d));
    return *d.crc32c;
}

struct rig {
    rig()
        : server(ioc.get_executor(), options())
        , http(ioc.get_executor()) {
        std::string message;
        BOOST_TEST_REQUIRE(!server.start(message), message);
        ps3::config cfg;
        BOOST_TEST_REQUIRE(!protocol::parse_endpoint_url(server.url(), cfg.ep));
        cfg.style = ps3::addressing_style::path;
        caller.emplace(http, engine::credentials::make_static_provider(server.credentials()));
        client.emplace(*caller, cfg, "us-east-1");
    }
    ~rig() {
        server.stop();
        http.close();
        ioc.restart();
        ioc.run_for(std::chrono::seconds(5));
        std::error_code ec;
        fs::remove_all(data_dir, ec);
    }

    athena_local::server_options options() {
        data_dir = scratch() / ("data-" + std::to_string(++instances));
        athena_local::server_options so;
        so.data_dir = data_dir;
        so.fsync = false;
        return so;
    }

    // Runs one operation; the server keeps the loop busy, so the completion stops it.
    template <class T>
    T run(asio::awaitable<T> a) {
        std::optional<T> out;
        std::exception_ptr error;
        asio::co_spawn(ioc, std::move(a), [&](std::exception_ptr e, T v) {
            error = e;
            out = std::move(v);
            ioc.stop();
        });
        ioc.restart();
        ioc.run();
        if (error)
            std::rethrow_exception(error);
        BOOST_TEST_REQUIRE(out.has_value());
        return std::move(*out);
    }

    std::string make_bucket(const std::string& name) {
        auto c = run(client->create_bucket(name));
        BOOST_TEST_REQUIRE(c.ok(), c.call.message);
        return name;
    }

    static inline int instances = 0;
    fs::path data_dir;
    asio::io_context ioc{1};
    athena_local::server server;
    engine::http::client http;
    std::optional<engine::clients::caller> caller;
    std::optional<s3::client> client;
};

const s3::payload_mode all_modes[] = {s3::payload_mode::signed_sha256, s3::payload_mode::unsigned_payload,
                                      s3::payload_mode::aws_chunked};

s3::payload_settings crc_settings(s3::payload_mode mode) {
    s3::payload_settings p;
    p.mode = mode;
    p.checksum = s3::checksum_mode::crc32c;
    return p;
}

// PutObject of `file` with `payload`; the result as the client reports it.
s3::op_result<s3::upload_file_output> put_file(rig& r, const std::string& bucket, const std::string& key,
                                               const fs::path& file, const s3::payload_settings& payload) {
    ps3::put_object_input in;
    in.bucket = bucket;
    in.key = key;
    s3::file_range range{file.string(), 0, std::nullopt};
    s3::payload_settings p = payload;
    return r.run(r.client->put_object_file(std::move(in), std::move(range), std::move(p)));
}

std::string stored_crc32c(rig& r, const std::string& bucket, const std::string& key) {
    std::string b = bucket, k = key;
    auto h = r.run(r.client->head_object(std::move(b), std::move(k), true));
    BOOST_TEST_REQUIRE(h.ok(), h.call.message);
    auto it = h.value.checksums.find("crc32c");
    return it == h.value.checksums.end() ? std::string("(none)") : it->second;
}

} // namespace

BOOST_AUTO_TEST_SUITE(s3_athena_local)

BOOST_AUTO_TEST_CASE(crc32c_in_every_payload_mode_is_verified_and_stored) {
    rig r;
    const auto b = r.make_bucket("crc-modes");
    const auto check = scratch() / "check.txt";
    std::ofstream(check, std::ios::binary) << "123456789";
    const auto small = random_file("small.bin", 3 * s3::mib + 12345, 1);
    const auto big = random_file("big.bin", 12 * s3::mib + 777, 2);
    const std::string small_crc = aws_sigv4::crc32c_base64(crc_of_file(small));
    for (auto mode : all_modes) {
        const std::string m(s3::to_string(mode));
        BOOST_TEST_CONTEXT("payload mode " << m) {
            // The CRC-32C check value of "123456789" is 0xE3069283.
            auto c = put_file(r, b, "check-" + m, check, crc_settings(mode));
            BOOST_TEST_REQUIRE(c.ok(), c.call.message);
            BOOST_TEST(stored_crc32c(r, b, "check-" + m) == "4waSgw==");

            auto p = put_file(r, b, "small-" + m, small, crc_settings(mode));
            BOOST_TEST_REQUIRE(p.ok(), p.call.message);
            BOOST_TEST(p.value.checksum_crc32c == small_crc); // the server's answer
            BOOST_TEST(!p.value.digests.md5);                 // no Content-MD5 pre-read
            BOOST_TEST(stored_crc32c(r, b, "small-" + m) == small_crc);

            // Multipart: 5 MiB parts, created with x-amz-checksum-algorithm CRC32C.
            s3::upload_options opt;
            opt.payload = crc_settings(mode);
            opt.part_size = 5 * s3::mib;
            opt.multipart_threshold = 8 * s3::mib;
            std::string bucket = b, key = "big-" + m, path = big.string();
            auto u = r.run(s3::upload_file(*r.client, std::move(bucket), std::move(key), std::move(path),
                                           std::move(opt)));
            BOOST_TEST_REQUIRE(u.ok(), u.call.message);
            BOOST_TEST(u.value.parts == 3);
            ps3::get_object_input gi;
            gi.bucket = b;
            gi.key = "big-" + m;
            const auto back = scratch() / ("back-" + m);
            std::string back_path = back.string();
            auto g = r.run(r.client->get_object_to_file(std::move(gi), std::move(back_path)));
            BOOST_TEST_REQUIRE(g.ok(), g.call.message);
            BOOST_TEST(fs::file_size(back) == fs::file_size(big));
            BOOST_TEST(crc_of_file(back) == crc_of_file(big));
        }
    }
}

BOOST_AUTO_TEST_CASE(known_crc32c_is_sent_as_is_and_a_wrong_one_is_refused) {
    rig r;
    const auto b = r.make_bucket("crc-known");
    const auto file = random_file("known.bin", 6 * s3::mib + 3, 3);
    const std::uint32_t crc = crc_of_file(file);
    for (auto mode : all_modes) {
        const std::string m(s3::to_string(mode));
        BOOST_TEST_CONTEXT("payload mode " << m) {
            auto right = crc_settings(mode);
            right.known_crc32c = crc;
            auto ok = put_file(r, b, "right-" + m, file, right);
            BOOST_TEST_REQUIRE(ok.ok(), ok.call.message);
            BOOST_TEST(stored_crc32c(r, b, "right-" + m) == aws_sigv4::crc32c_base64(crc));

            auto wrong = crc_settings(mode);
            wrong.known_crc32c = crc ^ 0x00010000u; // one bit off, as a corrupted byte would make it
            auto bad = put_file(r, b, "wrong-" + m, file, wrong);
            BOOST_TEST_REQUIRE(!bad.ok());
            BOOST_TEST_REQUIRE(bad.call.error.has_value(), bad.call.message);
            BOOST_TEST(bad.call.error->status == 400);
            BOOST_TEST(bad.call.error->code == "BadDigest");
            BOOST_TEST(bad.call.attempts == 1); // a client error: not retried
            BOOST_TEST_MESSAGE(bad.call.message);
            BOOST_TEST(bad.call.message.find("PutObject s3://" + b + "/wrong-" + m + ": BadDigest (HTTP 400)") !=
                       std::string::npos);
            BOOST_TEST(bad.call.message.find("CRC32C") != std::string::npos);
            std::string hb = b, hk = "wrong-" + m;
            auto h = r.run(r.client->head_object(std::move(hb), std::move(hk), true));
            BOOST_TEST(!h.ok()); // nothing stored
            BOOST_TEST((h.call.error && h.call.error->status == 404));

            // The same for a part of a multipart upload.
            std::string cb = b, ck = "mp-" + m, ct, algo = "CRC32C";
            auto cr = r.run(r.client->create_multipart_upload(std::move(cb), std::move(ck), std::move(ct),
                                                              std::move(algo)));
            BOOST_TEST_REQUIRE(cr.ok(), cr.call.message);
            std::string pb = b, pk = "mp-" + m, id = cr.value.upload_id;
            s3::file_range range{file.string(), 0, 5 * s3::mib};
            auto part_wrong = crc_settings(mode);
            part_wrong.known_crc32c = crc; // the whole file's CRC, not this range's
            auto up = r.run(r.client->upload_part_file(std::move(pb), std::move(pk), std::move(id), 1,
                                                       std::move(range), std::move(part_wrong)));
            BOOST_TEST_REQUIRE(!up.ok());
            BOOST_TEST_REQUIRE(up.call.error.has_value(), up.call.message);
            BOOST_TEST(up.call.error->code == "BadDigest");
            BOOST_TEST(up.call.message.find("UploadPart #1 s3://" + b + "/mp-" + m + ": BadDigest (HTTP 400)") !=
                       std::string::npos);
            std::string ab = b, ak = "mp-" + m, aid = cr.value.upload_id;
            auto a = r.run(r.client->abort_multipart_upload(std::move(ab), std::move(ak), std::move(aid)));
            BOOST_TEST(a.ok(), a.call.message);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
