#pragma once
// S3 request bodies streamed from a byte range of a file, never held in memory as a whole, in one
// of three payload modes:
//
//   signed_sha256     x-amz-content-sha256: <hex SHA-256 of the range>; the range is read once
//                     before sending to hash it (S3's default for PutObject/UploadPart).
//   unsigned_payload  x-amz-content-sha256: UNSIGNED-PAYLOAD; the body is not covered by the
//                     signature (use it over TLS, or with a Content-MD5/CRC32C the server checks).
//   aws_chunked       Content-Encoding: aws-chunked, STREAMING-AWS4-HMAC-SHA256-PAYLOAD: the body
//                     is framed in chunks, each signed with a signature chained on the request's.
//                     With checksum crc32c the checksum goes in a signed trailer
//                     (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, x-amz-trailer), so the range is
//                     read only once.
//
// Integrity: checksum content_md5 sends Content-MD5 (base64 MD5 of the range), crc32c sends
// x-amz-checksum-crc32c (header, or trailer in aws_chunked mode). Both need the range read first,
// except the aws-chunked trailer. The pre-read computes every digest the request needs in one pass.
//
// Memory: one read buffer per request (engine::http's upload_chunk_size, 64 KiB) plus, in
// aws_chunked mode, one chunk of framing (chunk_size). The pre-read uses a 256 KiB buffer.
// Reads are pread(2) calls on the executor's thread (page cache or local disk; no network I/O).
#include <engine/clients/caller.hpp>
#include <engine/http/body.hpp>
#include <engine/http/message.hpp>

#include <aws_sigv4/chunked.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

namespace engine::s3 {

enum class payload_mode { signed_sha256, unsigned_payload, aws_chunked };
/// Integrity of an upload's bytes beyond TCP/TLS. `automatic` (the default): none when the payload's
/// SHA-256 is signed (signed_sha256, aws_chunked: the server recomputes it over every byte and refuses
/// a mismatch, so a Content-MD5 would be a second, slower check of the same bytes), Content-MD5 when
/// it is not (unsigned_payload: every S3 server, radosgw included, checks Content-MD5).
enum class checksum_mode { automatic, content_md5, crc32c, none };

struct payload_settings {
    payload_mode mode = payload_mode::signed_sha256;
    checksum_mode checksum = checksum_mode::automatic;
    /// aws_chunked: payload bytes per signed chunk (AWS SDKs use 64 KiB; at least 8 KiB).
    std::size_t chunk_size = 64 * 1024;
    /// With checksum crc32c: the range's CRC32C when the caller already knows it (e.g. from a manifest).
    /// It is sent as is (header, or aws-chunked trailer) and the range is not read to compute it, so
    /// the server checks the bytes it receives against the caller's value (a wrong one: BadDigest).
    std::optional<std::uint32_t> known_crc32c = std::nullopt;
};

/// The checksum a request is sent with: `settings.checksum`, with `automatic` resolved as above.
checksum_mode effective_checksum(const payload_settings& settings) noexcept;

/// "signed", "unsigned", "aws-chunked" (and back); for command lines and logs.
std::string_view to_string(payload_mode m) noexcept;
std::optional<payload_mode> parse_payload_mode(std::string_view s) noexcept;

/// Digests of a file range, computed in one read pass.
struct range_digests {
    std::optional<std::string> sha256_hex;              ///< lowercase hex
    std::optional<std::array<std::uint8_t, 16>> md5;    ///< raw MD5
    std::optional<std::uint32_t> crc32c;
    /// base64 of md5 (Content-MD5); empty when md5 was not computed.
    std::string md5_base64() const;
    /// lowercase hex of md5 (an S3 ETag without quotes); empty when md5 was not computed.
    std::string md5_hex() const;
};

/// base64 MD5 of an in-memory body (Content-MD5).
std::string content_md5(std::string_view body);

/// Reads [offset, offset + length) of `path` once and computes the digests asked for.
/// Errors: errno of open/pread, std::errc::invalid_argument for a range outside the file.
std::error_code digest_file_range(const std::string& path, std::uint64_t offset, std::uint64_t length,
                                  bool sha256, bool md5, bool crc32c, range_digests& out);

/// The same, a slice at a time, so that an event loop can run other work between slices (hashing an
/// 8 MiB part with MD5 takes ~12 ms, during which no other socket would be served).
class range_digester {
public:
    range_digester();
    ~range_digester();
    range_digester(const range_digester&) = delete;
    range_digester& operator=(const range_digester&) = delete;
    std::error_code open(const std::string& path, std::uint64_t offset, std::uint64_t length, bool sha256,
                         bool md5, bool crc32c);
    /// Digests up to `max_bytes` more of the range.
    std::error_code step(std::size_t max_bytes);
    bool done() const noexcept;
    /// The digests, once done().
    range_digests finish();

private:
    struct impl;
    std::unique_ptr<impl> p_;
};

/// Which digests attach_file_body needs for `settings` (the pre-read; all false: none).
struct needed_digests {
    bool sha256 = false, md5 = false, crc32c = false;
    bool any() const noexcept { return sha256 || md5 || crc32c; }
};
needed_digests digests_needed(const payload_settings& settings) noexcept;

/// A body to send: the file range, with everything the request and the caller need.
struct prepared_body {
    clients::payload_options payload; ///< pass to caller::call
    range_digests digests;            ///< what the pre-read computed (MD5 for ETag checks)
};

/// Sets up `req` (provider, Content-MD5 / x-amz-checksum-crc32c / aws-chunked headers) and returns
/// the payload options to sign it with. The request must not carry a body yet. `precomputed`: the
/// digests_needed() of the range, already computed (e.g. by a range_digester); else they are
/// computed here in one blocking pass.
std::error_code attach_file_body(http::request& req, const std::string& path, std::uint64_t offset,
                                 std::uint64_t length, const payload_settings& settings, prepared_body& out,
                                 const range_digests* precomputed = nullptr);

/// The aws-chunked framing of `inner` (payload bytes) through `signer`, in chunks of `chunk_size`;
/// with `crc32c_trailer` the final chunk carries "x-amz-checksum-crc32c:<base64>" (signed), the CRC32C
/// of the bytes sent or `trailer_value` when given. size() is the exact framed length; rewind() starts
/// over from the seed signature.
std::shared_ptr<http::body_provider> make_aws_chunked_provider(std::shared_ptr<http::body_provider> inner,
                                                               const aws_sigv4::chunk_signer& signer,
                                                               std::size_t chunk_size, bool crc32c_trailer,
                                                               std::optional<std::uint32_t> trailer_value = {});

} // namespace engine::s3
