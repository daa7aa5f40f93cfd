#pragma once
// Uploads a local file to S3: one PutObject below `multipart_threshold`, otherwise a multipart
// upload (CreateMultipartUpload, UploadPart × N with up to `max_parts_in_flight` at once,
// CompleteMultipartUpload). Each part streams its byte range from the file (payload.hpp), so the
// memory in use is bounded by max_parts_in_flight × (the HTTP client's 64 KiB upload buffer + one
// aws-chunked frame + a 256 KiB digest buffer while a part is pre-read), whatever the file size.
//
// Failure: the first part that fails for good (after the caller's retries) stops the remaining
// parts, the upload is aborted (AbortMultipartUpload) and the result carries that part's error;
// call.message says what failed and whether the abort succeeded. Cancellation (terminal, through
// the awaiting coroutine's cancellation slot) cancels the parts in flight, then aborts the upload
// (the abort itself is not cancelled) and completes with boost::asio::error::operation_aborted.
#include <engine/s3/client.hpp>
#include <engine/s3/payload.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <system_error>

namespace engine::s3 {

inline constexpr std::uint64_t mib = 1024 * 1024;
inline constexpr std::uint64_t min_part_size = 5 * mib;
inline constexpr std::uint64_t max_part_size = 5ull * 1024 * mib;
inline constexpr int max_parts = 10000;

struct upload_options {
    payload_settings payload;
    /// 0: automatic (plan_parts with 8 MiB preferred).
    std::uint64_t part_size = 0;
    std::size_t max_parts_in_flight = 8;
    /// Files smaller than this go in one PutObject.
    std::uint64_t multipart_threshold = 16 * mib;
    std::string content_type;
    /// Use part_size as given even below S3's 5 MiB minimum (to test the server's EntityTooSmall).
    bool allow_small_parts = false;
    /// Called after each part (and after a single PutObject) with the bytes uploaded so far.
    std::function<void(std::uint64_t bytes_done)> on_progress;
};

struct upload_result {
    std::string etag;      ///< as S3 answered it (radosgw leaves CompleteMultipartUpload's empty)
    std::string upload_id; ///< empty for a single PutObject
    std::uint64_t bytes = 0;
    std::uint64_t part_size = 0;
    int parts = 0; ///< 0 for a single PutObject
    /// The ETag S3 should report for the object ("\"<md5>\"" or "\"<md5 of part md5s>-<N>\""),
    /// when the parts' MD5s were computed (checksum content_md5); empty otherwise.
    std::string expected_etag;
    bool aborted = false; ///< a failed or cancelled multipart upload was aborted
};

/// Part size and count for a file: `preferred` (0: 8 MiB) raised so the file fits in 10,000
/// parts (rounded up to whole MiB), at least 5 MiB unless allow_small, at most 5 GiB.
/// Errors: std::errc::file_too_large above 5 TiB (S3's object limit).
std::error_code plan_parts(std::uint64_t file_size, std::uint64_t preferred, bool allow_small,
                           std::uint64_t& part_size, int& parts);

/// Uploads `path` to s3://bucket/key (see the top of this file).
boost::asio::awaitable<op_result<upload_result>> upload_file(client& c, std::string bucket, std::string key,
                                                             std::string path, upload_options opt = {});

} // namespace engine::s3
