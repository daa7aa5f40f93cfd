// The worked examples of the Amazon S3 API Reference (tests/data/sigv4/s3-examples): header and
// presigned signatures, the aws-chunked seed, chunk and trailer signatures, Content-Length and
// the CRC32C trailer value.
#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

namespace sv4 = aws_sigv4;
using namespace sigv4_test;

namespace {

struct example {
    boost::json::object j;
    sv4::credentials creds;
    std::string region, service, payload_hash;
    sv4::signing_time time;
};

example load(const std::string& name) {
    example e;
    e.j = read_json(data_dir() / "s3-examples" / (name + ".json")).as_object();
    const auto& cr = e.j.at("credentials").as_object();
    e.creds = {str(cr.at("access_key_id")), str(cr.at("secret_access_key")), {}};
    e.region = str(e.j.at("region"));
    e.service = str(e.j.at("service"));
    e.time = parse_time(str(e.j.at("timestamp")));
    e.payload_hash = str(e.j.at("options").at("payload_hash"));
    return e;
}

sv4::parsed_request parse(const std::string& text) {
    sv4::parsed_request r;
    BOOST_TEST_REQUIRE(!sv4::parse_request_file(text, r));
    return r;
}

// Signs `text` with the S3 preset; returns the result.
sv4::signing_result sign(const example& e, const std::string& text, const sv4::settings& cfg) {
    const sv4::parsed_request r = parse(text);
    std::vector<sv4::header_view> views;
    sv4::signing_result out;
    const sv4::signing_params p{e.creds, e.region, e.service, e.time, e.payload_hash, cfg};
    BOOST_TEST_REQUIRE(!sv4::sign(r.view(views), p, out));
    return out;
}

int signatures_checked = 0;

} // namespace

BOOST_AUTO_TEST_SUITE(sigv4_s3_examples)

BOOST_AUTO_TEST_CASE(header_examples) {
    for (const std::string name :
         {"get-object-range", "put-object", "get-bucket-lifecycle", "get-bucket-list-objects"}) {
        BOOST_TEST_CONTEXT("s3-examples/" << name) {
            const example e = load(name);
            const auto& doc = e.j.at("documented").as_object();
            const auto& reqj = e.j.at("request").as_object();
            // Signing key.
            const sv4::digest key =
                sv4::derive_signing_key(e.creds.secret_access_key, e.time.date(), e.region, e.service);
            BOOST_TEST(sv4::to_hex_string(key) == str(e.j.at("derived").at("signing_key_hex")));
            // The full request (x-amz-date and x-amz-content-sha256 already present)...
            const sv4::signing_result full = sign(e, str(reqj.at("request_txt_full")), sv4::settings::s3());
            BOOST_TEST(first_diff(str(doc.at("canonical_request")), full.canonical_request).empty(),
                       first_diff(str(doc.at("canonical_request")), full.canonical_request));
            BOOST_TEST(sv4::sha256_hex(full.canonical_request) == str(doc.at("canonical_request_sha256")));
            BOOST_TEST(full.string_to_sign == str(doc.at("string_to_sign")));
            BOOST_TEST(full.signature == str(doc.at("signature")));
            const auto expected = authorization_parts(str(doc.at("authorization")));
            const auto actual = authorization_parts(full.authorization);
            BOOST_TEST(expected == actual);
            BOOST_TEST(full.authorization == str(e.j.at("derived").at("authorization_with_spaces")));
            // ...and the minimal one: the S3 preset adds x-amz-date and x-amz-content-sha256.
            const sv4::signing_result minimal =
                sign(e, str(reqj.at("request_txt_minimal")), sv4::settings::s3());
            BOOST_TEST(minimal.signature == full.signature);
            BOOST_TEST(minimal.headers_to_add.size() == 3u);
            if (name == "put-object")
                BOOST_TEST(sv4::sha256_hex(str(reqj.at("body"))) == e.payload_hash);
            ++signatures_checked;
        }
    }
}

BOOST_AUTO_TEST_CASE(presigned_get_object) {
    const example e = load("presigned-get-object");
    const auto& doc = e.j.at("documented").as_object();
    const auto cfg = sv4::settings::s3_presigned(86400);
    const std::string text = str(e.j.at("request").at("request_txt_full"));
    const sv4::signing_result r = sign(e, text, cfg);
    BOOST_TEST(r.canonical_request == str(doc.at("canonical_request")));
    BOOST_TEST(r.string_to_sign == str(doc.at("string_to_sign")));
    BOOST_TEST(r.signature == str(doc.at("signature")));
    BOOST_TEST(r.authorization.empty());
    BOOST_TEST(r.headers_to_add.empty());
    // The URL as a parameter multiset (the docs order X-Amz-Expires differently).
    const std::string url = str(doc.at("presigned_url"));
    const std::string target = r.presigned_target("/test.txt");
    BOOST_TEST(to_text(query_params(target)) == to_text(query_params(url)));
    BOOST_TEST(path_of(target) == "/test.txt");
    BOOST_TEST(url.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"));
    // X-Amz-Signature comes last.
    BOOST_TEST(target.ends_with("&X-Amz-Signature=" + r.signature));
    ++signatures_checked;
}

BOOST_AUTO_TEST_CASE(chunked_uploads) {
    int chunk_signatures = 0, trailer_signatures = 0;
    for (const std::string name : {"chunked-put-object", "chunked-put-object-trailer"}) {
        BOOST_TEST_CONTEXT("s3-examples/" << name) {
            const example e = load(name);
            const auto& doc = e.j.at("documented").as_object();
            const bool trailer = name.ends_with("trailer");
            // Seed signature.
            const sv4::signing_result seed =
                sign(e, str(e.j.at("request").at("request_txt_full")), sv4::settings::s3());
            BOOST_TEST(first_diff(str(doc.at("seed_canonical_request")), seed.canonical_request).empty(),
                       first_diff(str(doc.at("seed_canonical_request")), seed.canonical_request));
            BOOST_TEST(seed.string_to_sign == str(doc.at("seed_string_to_sign")));
            BOOST_TEST(seed.signature == str(doc.at("seed_signature")));
            if (!trailer)
                BOOST_TEST(authorization_parts(seed.authorization) ==
                           authorization_parts(str(doc.at("authorization"))));
            else
                BOOST_TEST(seed.authorization ==
                           str(e.j.at("derived").at("authorization_consistent_with_canonical_request")));
            ++signatures_checked;

            // Chunks: 64 KiB, 1 KiB, then the final zero-length chunk.
            const sv4::digest key =
                sv4::derive_signing_key(e.creds.secret_access_key, e.time.date(), e.region, e.service);
            sv4::chunk_signer signer(key, e.time, e.region, e.service, seed.signature);
            for (const auto& cv : doc.at("chunks").as_array()) {
                const auto& c = cv.as_object();
                const auto size = static_cast<std::size_t>(c.at("size").to_number<std::int64_t>());
                BOOST_TEST_CONTEXT("chunk of " << size << " bytes") {
                    BOOST_TEST(signer.previous_signature() == str(c.at("previous_signature")));
                    std::string out;
                    if (size > 0) {
                        const std::string data(size, 'a');
                        BOOST_TEST(sv4::sha256_hex(data) == str(c.at("data_sha256")));
                        BOOST_TEST_REQUIRE(!signer.chunk_header(data, out));
                    } else {
                        BOOST_TEST_REQUIRE(!signer.final_chunk(out));
                    }
                    BOOST_TEST(signer.last_string_to_sign() == str(c.at("string_to_sign")));
                    BOOST_TEST(signer.previous_signature() == str(c.at("signature")));
                    BOOST_TEST(out == str(c.at("chunk_header_line")) + "\r\n");
                    ++chunk_signatures;
                }
            }
            if (trailer) {
                const std::string payload(66560, 'a');
                const std::string crc = sv4::crc32c_base64(sv4::crc32c(payload));
                BOOST_TEST(crc == "sOO8/Q==");
                const sv4::header_view t[] = {{"x-amz-checksum-crc32c", crc}};
                BOOST_TEST(str(doc.at("trailer_hashed_text")) == "x-amz-checksum-crc32c:" + crc + "\n");
                std::string out;
                BOOST_TEST_REQUIRE(!signer.end_trailers(t, out));
                BOOST_TEST(signer.last_string_to_sign() == str(doc.at("trailer_string_to_sign")));
                BOOST_TEST(signer.previous_signature() == str(doc.at("trailer_signature")));
                BOOST_TEST(out == str(e.j.at("derived").at("trailer_wire_text_after_final_chunk")));
                BOOST_TEST(
                    sv4::aws_chunked_length(66560, 65536, sv4::chunk_mode::signed_chunks, t) ==
                    e.j.at("derived").at("encoded_body_length_with_trailer").to_number<std::uint64_t>());
                BOOST_TEST(signer.finished());
                ++trailer_signatures;
            } else {
                BOOST_TEST(sv4::aws_chunked_length(66560, 65536, sv4::chunk_mode::signed_chunks) == 66824u);
                BOOST_TEST(e.j.at("derived").at("encoded_body_length").to_number<std::uint64_t>() == 66824u);
            }
        }
    }
    BOOST_TEST(chunk_signatures == 6);
    BOOST_TEST(trailer_signatures == 1);
}

// Whole encoded bodies: the incremental encoder reproduces the documented layout byte counts.
BOOST_AUTO_TEST_CASE(chunked_body_bytes) {
    const example e = load("chunked-put-object");
    const sv4::digest key =
        sv4::derive_signing_key(e.creds.secret_access_key, e.time.date(), e.region, e.service);
    sv4::chunk_signer signer(key, e.time, e.region, e.service,
                             str(e.j.at("documented").at("seed_signature")));
    sv4::chunked_encoder enc(signer, 65536);
    std::string out;
    BOOST_TEST_REQUIRE(!enc.write(std::string(66560, 'a'), out));
    BOOST_TEST_REQUIRE(!enc.finish({}, out));
    BOOST_TEST(out.size() == 66824u);
    BOOST_TEST(out.starts_with(
        "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"));
    BOOST_TEST(out.ends_with(
        "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(totals, *boost::unit_test::depends_on("sigv4_s3_examples/header_examples") *
                                 boost::unit_test::depends_on("sigv4_s3_examples/presigned_get_object") *
                                 boost::unit_test::depends_on("sigv4_s3_examples/chunked_uploads")) {
    BOOST_TEST(signatures_checked == 7);
}

BOOST_AUTO_TEST_SUITE_END()
