#pragma once
// Typed Amazon S3 operations over clients::caller: protocol/s3 builds and decodes, the caller signs
// (S3 settings: single URI encoding, x-amz-content-sha256), sends, and retries throttling, 5xx,
// clock-skew and transport failures the SDK way.
//
// Every operation is an awaitable on the caller's executor returning op_result<T>:
//   - result.ok(): `value` holds the decoded answer;
//   - result.call.error: S3 answered an error (status, code, message, request id); call.message is
//     one line for people, "PutObject s3://bucket/key: SignatureDoesNotMatch (HTTP 403): <S3's
//     message, or what the code means when S3 sent none> [request id ...]";
//   - result.call.ec: no answer (transport failure, missing credentials, a file that cannot be read,
//     invalid input such as a bad bucket name), explained in call.message; a 2xx answer that does
//     not decode is "malformed S3 response".
// Cancellation: terminal cancellation of the awaiting coroutine (cancellation slot bound through
// co_spawn, or awaitable_operators || with a timer) ends the operation with
// boost::asio::error::operation_aborted; a request in flight is abandoned and its connection
// closed, never returned to the pool.
// Thread-safety: like the caller, one executor (thread or strand) at a time. No secret is ever
// placed in a message.
#include <engine/clients/caller.hpp>
#include <engine/s3/payload.hpp>
#include <protocol/s3.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace engine::s3 {

using clients::op_result;
namespace ps3 = protocol::s3;

/// A byte range of a local file; length nullopt: to the end of the file.
struct file_range {
    std::string path;
    std::uint64_t offset = 0;
    std::optional<std::uint64_t> length;
};

/// Receives an object's bytes in order; `offset` counts from the first byte of the answer (the
/// start of the range for a ranged GET). When a failed transfer is retried the bytes come again
/// from offset 0: a sink must treat offset 0 as "start over". A returned error aborts the transfer.
using object_sink = std::function<std::error_code(std::uint64_t offset, std::string_view chunk)>;

/// GetObject into memory.
struct get_object_data {
    ps3::object_metadata meta;
    std::optional<ps3::content_range> range; ///< set for 206 Partial Content
    std::string body;
};

/// GetObject into a sink or a file.
struct get_object_info {
    ps3::object_metadata meta;
    std::optional<ps3::content_range> range;
    std::uint64_t bytes = 0; ///< body bytes received
};

/// UploadPart / PutObject from a file.
struct upload_file_output {
    std::string etag;     ///< with quotes, as S3 sends it
    std::string version_id;
    range_digests digests; ///< computed before sending (MD5 when Content-MD5 was sent)
    std::uint64_t bytes = 0;
    std::string checksum_crc32c; ///< x-amz-checksum-crc32c the server answered (base64), if it did
};

/// Totals of a paged listing.
struct list_totals {
    std::uint64_t pages = 0;
    std::uint64_t objects = 0;
    std::uint64_t common_prefixes = 0;
};

class client {
public:
    /// `cfg`: endpoint (protocol::resolve_endpoint(service::s3, region) or parse_endpoint_url)
    /// and addressing style; `region`: the signing region.
    client(clients::caller& c, ps3::config cfg, std::string region);

    const ps3::config& config() const noexcept { return cfg_; }
    const std::string& region() const noexcept { return target_.region; }
    /// Options of every request (timeouts; the request timeout bounds each part's upload).
    http::request_options request_options;

    // ---- buckets ----
    /// value.region from x-amz-bucket-region. A bucket of another region answers 301 with the
    /// header: the error's message then names the region to use.
    boost::asio::awaitable<op_result<ps3::head_bucket_output>> head_bucket(std::string bucket);
    /// LocationConstraint = this client's region (none for us-east-1).
    boost::asio::awaitable<op_result<bool>> create_bucket(std::string bucket);

    // ---- objects ----
    /// PutObject with an in-memory body (signed SHA-256, Content-MD5).
    boost::asio::awaitable<op_result<ps3::put_object_output>> put_object(ps3::put_object_input in);
    /// PutObject from a file range, streamed (see payload.hpp for the modes). `in.body` must be empty.
    boost::asio::awaitable<op_result<upload_file_output>>
    put_object_file(ps3::put_object_input in, file_range src, payload_settings payload = {});
    /// With `checksum_mode`, value.checksums has the object's stored checksums (x-amz-checksum-mode).
    boost::asio::awaitable<op_result<ps3::object_metadata>> head_object(std::string bucket, std::string key,
                                                                        bool checksum_mode = false);
    /// GetObject into memory (limited by request_options.max_body).
    boost::asio::awaitable<op_result<get_object_data>> get_object(ps3::get_object_input in);
    /// GetObject streamed into `sink` chunk by chunk; the object is never held in memory.
    boost::asio::awaitable<op_result<get_object_info>> get_object_to(ps3::get_object_input in, object_sink sink);
    /// GetObject streamed into a file (created or truncated; holds exactly the bytes received).
    boost::asio::awaitable<op_result<get_object_info>> get_object_to_file(ps3::get_object_input in,
                                                                          std::string path);

    // ---- listing ----
    boost::asio::awaitable<op_result<ps3::list_objects_v2_output>> list_objects_v2(ps3::list_objects_v2_input in);
    /// Every page of a listing, following continuation tokens: `page` is called once per page
    /// (return false to stop early).
    boost::asio::awaitable<op_result<list_totals>>
    list_objects_v2_pages(ps3::list_objects_v2_input in,
                          std::function<bool(const ps3::list_objects_v2_output&)> page);
    /// The whole listing in one value (contents and common prefixes of every page).
    boost::asio::awaitable<op_result<ps3::list_objects_v2_output>> list_all(ps3::list_objects_v2_input in);

    // ---- delete ----
    /// DeleteObjects in batches of at most 1000 keys (Content-MD5 on each), quiet mode. Keys S3
    /// could not delete are in value.errors (the call is still ok()); the first failed batch stops
    /// the operation.
    boost::asio::awaitable<op_result<ps3::delete_objects_output>> delete_objects(std::string bucket,
                                                                                std::vector<std::string> keys);

    // ---- multipart ----
    boost::asio::awaitable<op_result<ps3::create_multipart_upload_output>>
    create_multipart_upload(std::string bucket, std::string key, std::string content_type = {},
                            std::string checksum_algorithm = {});
    /// UploadPart with an in-memory body (signed SHA-256, Content-MD5); value = the part's ETag.
    boost::asio::awaitable<op_result<std::string>> upload_part(std::string bucket, std::string key,
                                                               std::string upload_id, int part_number,
                                                               std::string body);
    /// UploadPart from a file range, streamed.
    boost::asio::awaitable<op_result<upload_file_output>>
    upload_part_file(std::string bucket, std::string key, std::string upload_id, int part_number, file_range src,
                     payload_settings payload = {});
    boost::asio::awaitable<op_result<ps3::complete_multipart_upload_output>>
    complete_multipart_upload(std::string bucket, std::string key, std::string upload_id,
                              std::vector<ps3::completed_part> parts);
    boost::asio::awaitable<op_result<bool>> abort_multipart_upload(std::string bucket, std::string key,
                                                                   std::string upload_id);
    boost::asio::awaitable<op_result<ps3::list_parts_output>> list_parts(ps3::list_parts_input in);
    boost::asio::awaitable<op_result<ps3::list_multipart_uploads_output>>
    list_multipart_uploads(ps3::list_multipart_uploads_input in);

private:
    struct op_name {
        std::string_view op;
        std::string_view bucket;
        std::string_view key;
    };
    boost::asio::awaitable<clients::call_result> send(op_name what, protocol::http_request preq,
                                                      http::request_options opt = {},
                                                      std::optional<file_range> file = std::nullopt,
                                                      payload_settings payload = {},
                                                      range_digests* digests = nullptr);

    clients::caller& caller_;
    ps3::config cfg_;
    clients::service_target target_;
};

/// "PutObject s3://b/k: <what>": the one-line message of a failed call (used by the client; public
/// for the uploader and tools).
std::string describe_failure(std::string_view op, std::string_view bucket, std::string_view key,
                             const clients::call_result& r);

} // namespace engine::s3
