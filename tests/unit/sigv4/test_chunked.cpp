// aws-chunked signing: the incremental encoder fed in odd-sized pieces equals one-shot framing,
// lengths, misuse errors, unsigned trailers; CRC32C known values and base64.
#include <boost/test/unit_test.hpp>

#include <random>

#include "helpers.hpp"

namespace sv4 = aws_sigv4;
using namespace sigv4_test;

namespace {

const std::string seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

sv4::chunk_signer make_signer(sv4::chunk_mode mode = sv4::chunk_mode::signed_chunks) {
    const auto t = parse_time("20130524T000000Z");
    return sv4::chunk_signer(
        sv4::derive_signing_key("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", t.date(), "us-east-1", "s3"), t,
        "us-east-1", "s3", seed, mode);
}

std::string payload(std::size_t n) {
    std::string s(n, '\0');
    std::mt19937 rng(42);
    for (auto& c : s)
        c = static_cast<char>(rng());
    return s;
}

// Reference framing: whole chunks through chunk_signer::add_chunk.
std::string one_shot(const std::string& data, std::size_t chunk, sv4::chunk_mode mode,
                     std::span<const sv4::header_view> trailers) {
    auto s = make_signer(mode);
    std::string out;
    for (std::size_t off = 0; off < data.size(); off += chunk)
        BOOST_TEST_REQUIRE(!s.add_chunk(std::string_view(data).substr(off, chunk), out));
    BOOST_TEST_REQUIRE(!s.finish(trailers, out));
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sigv4_chunked)

BOOST_AUTO_TEST_CASE(incremental_equals_one_shot) {
    const std::string data = payload(100000);
    const std::string crc = sv4::crc32c_base64(sv4::crc32c(data));
    const sv4::header_view trailer[] = {{"x-amz-checksum-crc32c", crc}};
    for (auto mode : {sv4::chunk_mode::signed_chunks, sv4::chunk_mode::unsigned_chunks}) {
        for (std::size_t chunk :
             {std::size_t{8192}, std::size_t{65536}, std::size_t{100000}, std::size_t{7}}) {
            for (bool with_trailer : {false, true}) {
                BOOST_TEST_CONTEXT("chunk " << chunk << " mode " << static_cast<int>(mode) << " trailer "
                                            << with_trailer) {
                    const auto trailers = with_trailer ? std::span<const sv4::header_view>(trailer)
                                                       : std::span<const sv4::header_view>();
                    const std::string expected = one_shot(data, chunk, mode, trailers);
                    BOOST_TEST(expected.size() ==
                               sv4::aws_chunked_length(data.size(), chunk, mode, trailers));
                    // Odd-sized pieces, as reads from a file would come.
                    auto s = make_signer(mode);
                    sv4::chunked_encoder enc(s, chunk);
                    std::string out;
                    std::uint32_t running_crc = 0;
                    std::size_t off = 0, piece = 1;
                    while (off < data.size()) {
                        const std::size_t n = std::min(piece, data.size() - off);
                        running_crc = sv4::crc32c(running_crc, data.data() + off, n);
                        BOOST_TEST_REQUIRE(!enc.write(std::string_view(data).substr(off, n), out));
                        off += n;
                        piece = piece * 3 + 1; // 1, 4, 13, 40, ... 29524, then large
                        if (piece > 40000)
                            piece = 4093;
                    }
                    BOOST_TEST(sv4::crc32c_base64(running_crc) == crc);
                    BOOST_TEST_REQUIRE(!enc.finish(trailers, out));
                    BOOST_TEST(out == expected);
                    BOOST_TEST(s.finished());
                    BOOST_TEST((enc.write("x", out) == sv4::error::invalid_chunk));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(unsigned_framing) {
    const sv4::header_view trailer[] = {{"x-amz-checksum-crc32c", "sOO8/Q=="}};
    auto s = make_signer(sv4::chunk_mode::unsigned_chunks);
    std::string out;
    BOOST_TEST_REQUIRE(!s.add_chunk("hello", out));
    BOOST_TEST_REQUIRE(!s.finish(trailer, out));
    BOOST_TEST(out == "5\r\nhello\r\n0\r\nx-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");
    BOOST_TEST(out.size() == sv4::aws_chunked_length(5, 65536, sv4::chunk_mode::unsigned_chunks, trailer));
    BOOST_TEST(sv4::aws_chunked_length(0, 65536, sv4::chunk_mode::unsigned_chunks) == 5u); // "0\r\n\r\n"
}

BOOST_AUTO_TEST_CASE(lengths) {
    // 66560 bytes in 64 KiB chunks: the S3 documentation's Content-Length.
    BOOST_TEST(sv4::aws_chunked_length(66560, 65536, sv4::chunk_mode::signed_chunks) == 66824u);
    // Empty payload: only the final chunk "0;chunk-signature=<64>\r\n\r\n".
    BOOST_TEST(sv4::aws_chunked_length(0, 65536, sv4::chunk_mode::signed_chunks) == 1u + 17 + 64 + 2 + 2);
    // Exactly one full chunk.
    BOOST_TEST(sv4::aws_chunked_length(65536, 65536, sv4::chunk_mode::signed_chunks) ==
               (5u + 17 + 64 + 2 + 65536 + 2) + (1u + 17 + 64 + 2 + 2));
    // 5 GiB in 8 MiB chunks: no overflow, and decoded length is the input.
    const std::uint64_t five_gib = 5ull << 30;
    BOOST_TEST(sv4::aws_chunked_length(five_gib, 8u << 20, sv4::chunk_mode::signed_chunks) ==
               five_gib + 640 * (6 + 17 + 64 + 4) + (1 + 17 + 64 + 4));
}

BOOST_AUTO_TEST_CASE(misuse) {
    auto s = make_signer();
    std::string out;
    BOOST_TEST((s.chunk_header("", out) == sv4::error::invalid_chunk));
    BOOST_TEST((s.end_trailers({}, out) == sv4::error::invalid_chunk)); // before the final chunk
    const sv4::header_view bad_trailers[][1] = {
        {{"", "v"}}, {{"na me", "v"}}, {{"x:y", "v"}}, {{"x", "a\r\nb"}}};
    for (const auto& t : bad_trailers)
        BOOST_TEST((s.finish(t, out) == sv4::error::invalid_trailer));
    BOOST_TEST(out.empty());
    BOOST_TEST(!s.finish({}, out));
    BOOST_TEST((s.finish({}, out) == sv4::error::invalid_chunk));
    BOOST_TEST((s.add_chunk("x", out) == sv4::error::invalid_chunk));
    BOOST_TEST((s.final_chunk(out) == sv4::error::invalid_chunk));
    BOOST_TEST(out.ends_with("\r\n\r\n"));
}

BOOST_AUTO_TEST_CASE(crc32c_known_values) {
    BOOST_TEST(sv4::crc32c("") == 0u);
    BOOST_TEST(sv4::crc32c("123456789") == 0xE3069283u);           // the CRC-32C check value
    BOOST_TEST(sv4::crc32c(std::string(32, '\0')) == 0x8A9136AAu); // RFC 3720 B.4
    BOOST_TEST(sv4::crc32c(std::string(32, '\xff')) == 0x62A8AB43u);
    std::string inc(32, '\0');
    for (int i = 0; i < 32; ++i)
        inc[i] = static_cast<char>(i);
    BOOST_TEST(sv4::crc32c(inc) == 0x46DD794Eu);
    BOOST_TEST(sv4::crc32c_base64(sv4::crc32c(std::string(66560, 'a'))) == "sOO8/Q==");
    // Split anywhere, same CRC (exercises the 8-byte and tail paths).
    const std::string data = payload(1000);
    for (std::size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
        const auto a = sv4::crc32c(0, data.data(), cut);
        BOOST_TEST(sv4::crc32c(a, data.data() + cut, data.size() - cut) == sv4::crc32c(data));
    }
}

BOOST_AUTO_TEST_CASE(base64) {
    BOOST_TEST(sv4::base64_encode("", 0) == "");
    BOOST_TEST(sv4::base64_encode("f", 1) == "Zg==");
    BOOST_TEST(sv4::base64_encode("fo", 2) == "Zm8=");
    BOOST_TEST(sv4::base64_encode("foo", 3) == "Zm9v");
    BOOST_TEST(sv4::base64_encode("foobar", 6) == "Zm9vYmFy");
    BOOST_TEST(sv4::base64_encode("\xff\xfe", 2) == "//4=");
}

BOOST_AUTO_TEST_SUITE_END()
