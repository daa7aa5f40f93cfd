#pragma once
// aws-chunked streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER): each chunk's signature chains on the previous one,
// starting from the request's (seed) signature. Incremental: feed data as it is read, get framed
// bytes out; memory is bounded by one chunk.
//
// Signed framing:   <hex size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
//                   then "\r\n", or the trailer lines and x-amz-trailer-signature:<sig>\r\n\r\n
// Unsigned framing: <hex size>\r\n<data>\r\n ... 0\r\n<trailer lines>\r\n
#include <aws_sigv4/error.hpp>
#include <aws_sigv4/hash.hpp>
#include <aws_sigv4/request.hpp>
#include <aws_sigv4/time.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace aws_sigv4 {

enum class chunk_mode {
    signed_chunks,   ///< STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]
    unsigned_chunks, ///< STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

/// Signs chunks one by one. Each call to chunk_header()/add_chunk() is one chunk.
class chunk_signer {
public:
    /// `signing_key`: derive_signing_key(secret, date, region, service) for the request's scope.
    /// `seed_signature`: the signature of the request itself (hex).
    chunk_signer(const digest& signing_key, const signing_time& time, std::string_view region,
                 std::string_view service, std::string_view seed_signature,
                 chunk_mode mode = chunk_mode::signed_chunks);

    /// Appends the header line of a chunk holding `data` ("<hex>;chunk-signature=<sig>\r\n") to
    /// `out`; the caller then sends `data` and "\r\n". Empty data is an error: use finish().
    std::error_code chunk_header(std::string_view data, std::string& out);
    /// Appends a whole chunk: header line, data, "\r\n".
    std::error_code add_chunk(std::string_view data, std::string& out);
    /// Appends the final zero-length chunk and, when given, the trailer lines ("name:value") and
    /// (signed mode) their signature. Nothing may be added afterwards. Same as final_chunk()
    /// followed by end_trailers().
    std::error_code finish(std::span<const header_view> trailers, std::string& out);
    /// The two halves of finish(): the zero-length chunk's header line...
    std::error_code final_chunk(std::string& out);
    /// ...then the trailer lines, their signature (signed mode) and the closing CRLF.
    std::error_code end_trailers(std::span<const header_view> trailers, std::string& out);

    /// The last signature computed (the seed before any chunk).
    std::string_view previous_signature() const noexcept { return {prev_, 64}; }
    /// The last string to sign (chunk or trailer), for tests and `sigv4 sign-chunks`.
    const std::string& last_string_to_sign() const noexcept { return sts_; }
    bool finished() const noexcept { return finished_; }

private:
    void sign_chunk(const digest& data_hash);
    hmac_key key_;
    std::string prefix_; // "AWS4-HMAC-SHA256-PAYLOAD\n<date>\n<scope>\n"
    std::string scope_line_;
    std::string sts_;
    char prev_[64];
    chunk_mode mode_;
    bool final_sent_ = false;
    bool finished_ = false;
};

/// Cuts a stream into chunks of `chunk_size` bytes (the last may be shorter) and frames each
/// through a chunk_signer. Holds at most one chunk.
class chunked_encoder {
public:
    chunked_encoder(chunk_signer& signer, std::size_t chunk_size);
    /// Appends framed output for every complete chunk to `out`.
    std::error_code write(std::string_view data, std::string& out);
    /// Flushes the partial chunk, then the final chunk and trailers.
    std::error_code finish(std::span<const header_view> trailers, std::string& out);

private:
    chunk_signer& signer_;
    std::size_t chunk_size_;
    std::string pending_;
};

/// Bytes on the wire of the trailer part after the final chunk header (trailers + terminator).
std::uint64_t trailer_wire_length(std::span<const header_view> trailers, chunk_mode mode) noexcept;

/// Content-Length of an aws-chunked body carrying `payload_size` bytes in chunks of `chunk_size`
/// (x-amz-decoded-content-length is `payload_size`).
std::uint64_t aws_chunked_length(std::uint64_t payload_size, std::uint64_t chunk_size, chunk_mode mode,
                                 std::span<const header_view> trailers = {}) noexcept;

} // namespace aws_sigv4
