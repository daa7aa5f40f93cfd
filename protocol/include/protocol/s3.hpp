#pragma once
// Amazon S3 (REST-XML): buckets, objects, ranged reads, listings, batch delete, multipart uploads.
//
// Addressing: with addressing_style::automatic a bucket goes in the host name (virtual-hosted,
// "bucket.s3.eu-west-1.amazonaws.com/key") when the endpoint is a standard AWS one and the name is
// DNS-compatible without dots; otherwise in the path ("host/bucket/key"). Custom endpoints (endpoint::custom)
// always use path-style unless addressing_style::virtual_hosted is forced. Keys are URI-encoded per
// byte with '/' kept.
//
// Builders return error::invalid_bucket_name, error::invalid_key, error::missing_parameter,
// error::invalid_parameter, error::invalid_range or error::too_many_keys for input S3 would reject.
// Decoders return error::not_success for non-2xx (then use decode_rest_xml_error()), malformed_xml,
// missing_field, bad_value; decode_complete_multipart_upload also error::error_in_body.
// Views returned by decoders (get_object_output::body) point into the response.
// All functions are pure and thread-safe.
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace protocol::s3 {

enum class addressing_style { automatic, virtual_hosted, path };

/// Where S3 requests go.
struct config {
    endpoint ep; ///< from resolve_endpoint or parse_endpoint_url
    addressing_style style = addressing_style::automatic;
};

/// 3..63 chars of a-z 0-9 '.' '-', starting and ending with a letter or digit, no "..", not an IPv4 address.
bool is_dns_compatible(std::string_view bucket) noexcept;
/// True when `bucket` would go in the host name under `cfg`.
bool uses_virtual_host(const config& cfg, std::string_view bucket) noexcept;
/// The object key as it appears in a path: each byte but unreserved characters and '/' is %XX-encoded.
std::string encode_key(std::string_view key);

/// A byte range for GetObject's Range header.
struct byte_range {
    std::uint64_t first = 0;
    std::optional<std::uint64_t> last; ///< inclusive; nullopt: to the end
    std::uint64_t suffix_length =
        0; ///< when > 0: the last suffix_length bytes ("bytes=-N"), first/last ignored

    static byte_range between(std::uint64_t first, std::uint64_t last) { return {first, last, 0}; }
    static byte_range from(std::uint64_t first) { return {first, std::nullopt, 0}; }
    static byte_range suffix(std::uint64_t n) { return {0, std::nullopt, n}; }
};
/// "bytes=0-99", "bytes=100-", "bytes=-500". Errors: invalid_range (last < first).
std::error_code format_range(const byte_range& r, std::string& out);

/// Content-Range "bytes 0-99/1234" ("bytes 0-99/*" leaves total empty).
struct content_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::optional<std::uint64_t> total;
};
std::optional<content_range> parse_content_range(std::string_view v) noexcept;

// ---- buckets -----------------------------------------------------------------------------------

std::error_code build_head_bucket(const config& cfg, std::string_view bucket, http_request& out);
struct head_bucket_output {
    std::string region; ///< x-amz-bucket-region (empty if absent)
};
std::error_code decode_head_bucket(const http_response_view& r, head_bucket_output& out);
/// x-amz-bucket-region of any response (S3 sends it on 200, 301, 400 and 403 HeadBucket answers).
std::string bucket_region(const http_response_view& r);

/// CreateBucket; `region` becomes the LocationConstraint body, omitted for "" and "us-east-1".
std::error_code build_create_bucket(const config& cfg, std::string_view bucket, std::string_view region,
                                    http_request& out);
std::error_code decode_create_bucket(const http_response_view& r);

// ---- objects -----------------------------------------------------------------------------------

struct put_object_input {
    std::string bucket;
    std::string key;
    std::string body;         ///< moved into the request; leave empty when the engine streams the payload
    std::string content_type; ///< optional
    std::map<std::string, std::string> metadata; ///< sent as x-amz-meta-<name>
};
std::error_code build_put_object(const config& cfg, put_object_input in, http_request& out);
struct put_object_output {
    std::string etag; ///< with its quotes, as S3 sends it
    std::string version_id;
};
std::error_code decode_put_object(const http_response_view& r, put_object_output& out);

/// With `checksum_mode`, asks for the object's stored checksums (x-amz-checksum-mode: ENABLED).
std::error_code build_head_object(const config& cfg, std::string_view bucket, std::string_view key,
                                  http_request& out, bool checksum_mode = false);
struct object_metadata {
    std::optional<std::uint64_t> content_length;
    std::string content_type;
    std::string etag;
    std::string version_id;
    std::optional<timestamp> last_modified;
    std::map<std::string, std::string> metadata; ///< x-amz-meta-* (names lower-cased, prefix removed)
    /// x-amz-checksum-<algorithm> headers (crc32, crc32c, crc64nvme, sha1, sha256; key lower-case, value
    /// as sent, base64): S3 sends them on HeadObject/GetObject with checksum mode.
    std::map<std::string, std::string> checksums;
};
/// Errors also: bad_value for an unreadable Content-Length.
std::error_code decode_head_object(const http_response_view& r, object_metadata& out);

struct get_object_input {
    std::string bucket;
    std::string key;
    std::optional<byte_range> range;
    std::string if_match; ///< optional ETag precondition (If-Match)
};
std::error_code build_get_object(const config& cfg, const get_object_input& in, http_request& out);
struct get_object_output {
    object_metadata meta;
    std::optional<content_range> range; ///< set for 206 Partial Content
    std::string_view body;              ///< view into the response body
};
std::error_code decode_get_object(const http_response_view& r, get_object_output& out);

// ---- listing -----------------------------------------------------------------------------------

struct list_objects_v2_input {
    std::string bucket;
    std::string prefix;
    std::string delimiter;
    std::string continuation_token;
    std::string start_after;
    std::optional<int> max_keys;    ///< 0..1000 (S3 caps at 1000)
    bool encoding_type_url = false; ///< ask S3 to URL-encode keys (safe for any byte); decoded transparently
};
std::error_code build_list_objects_v2(const config& cfg, const list_objects_v2_input& in, http_request& out);

struct object_summary {
    std::string key;
    std::optional<timestamp> last_modified;
    std::string etag;
    std::uint64_t size = 0;
    std::string storage_class;
};
struct list_objects_v2_output {
    std::string name;
    std::string prefix;
    std::string delimiter;
    std::string start_after;
    std::string continuation_token;
    std::string next_continuation_token; ///< set when is_truncated
    std::uint64_t key_count = 0;
    std::uint64_t max_keys = 0;
    bool is_truncated = false;
    std::string encoding_type; ///< "url" when keys were encoded (they are decoded in this output)
    std::vector<object_summary> contents;
    std::vector<std::string> common_prefixes;
};
std::error_code decode_list_objects_v2(const http_response_view& r, list_objects_v2_output& out);

// ---- batch delete ------------------------------------------------------------------------------

struct object_identifier {
    std::string key;
    std::string version_id; ///< optional
};
/// DeleteObjects of 1..1000 keys (too_many_keys above). The body is the <Delete> document; the
/// Content-MD5 header S3 requires is computed here (base64 MD5 of the body).
std::error_code build_delete_objects(const config& cfg, std::string_view bucket,
                                     const std::vector<object_identifier>& objects, bool quiet,
                                     http_request& out);
struct deleted_object {
    std::string key;
    std::string version_id;
    bool delete_marker = false;
};
struct delete_error {
    std::string key;
    std::string version_id;
    std::string code;
    std::string message;
};
struct delete_objects_output {
    std::vector<deleted_object> deleted;
    std::vector<delete_error> errors;
};
std::error_code decode_delete_objects(const http_response_view& r, delete_objects_output& out);

// ---- multipart uploads -------------------------------------------------------------------------

/// `checksum_algorithm` (e.g. "CRC32C"): x-amz-checksum-algorithm, which S3 requires when the parts
/// will carry x-amz-checksum-* headers.
std::error_code build_create_multipart_upload(const config& cfg, std::string_view bucket,
                                              std::string_view key, http_request& out,
                                              std::string_view content_type = {},
                                              std::string_view checksum_algorithm = {});
struct create_multipart_upload_output {
    std::string bucket;
    std::string key;
    std::string upload_id;
};
std::error_code decode_create_multipart_upload(const http_response_view& r,
                                               create_multipart_upload_output& out);

/// UploadPart of part 1..10000 (invalid_parameter otherwise); the body is left for the engine to attach
/// unless `body` is given.
std::error_code build_upload_part(const config& cfg, std::string_view bucket, std::string_view key,
                                  std::string_view upload_id, int part_number, http_request& out,
                                  std::string body = {});
/// ETag header of the part (required: missing_field).
std::error_code decode_upload_part(const http_response_view& r, std::string& etag);

struct completed_part {
    int part_number = 0;
    std::string etag;
    std::string checksum_crc32c = {}; ///< base64; sent as <ChecksumCRC32C> when not empty
};
/// CompleteMultipartUpload; parts must be non-empty and strictly ascending in part number
/// (invalid_parameter).
std::error_code build_complete_multipart_upload(const config& cfg, std::string_view bucket,
                                                std::string_view key, std::string_view upload_id,
                                                const std::vector<completed_part>& parts, http_request& out);
struct complete_multipart_upload_output {
    std::string location;
    std::string bucket;
    std::string key;
    std::string etag;
    std::string version_id; ///< x-amz-version-id
};
/// Errors also: error_in_body when S3 answered 200 with an <Error> document (decode it with
/// decode_rest_xml_error(); the failure is usually InternalError, retryable).
std::error_code decode_complete_multipart_upload(const http_response_view& r,
                                                 complete_multipart_upload_output& out);

std::error_code build_abort_multipart_upload(const config& cfg, std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, http_request& out);
std::error_code decode_abort_multipart_upload(const http_response_view& r);

struct list_parts_input {
    std::string bucket;
    std::string key;
    std::string upload_id;
    std::optional<int> max_parts;          ///< 1..1000
    std::optional<int> part_number_marker; ///< list parts after this one
};
std::error_code build_list_parts(const config& cfg, const list_parts_input& in, http_request& out);
struct part_summary {
    int part_number = 0;
    std::string etag;
    std::uint64_t size = 0;
    std::optional<timestamp> last_modified;
};
struct list_parts_output {
    std::string bucket;
    std::string key;
    std::string upload_id;
    std::vector<part_summary> parts;
    bool is_truncated = false;
    std::optional<std::uint64_t> next_part_number_marker;
    std::optional<std::uint64_t> max_parts;
};
std::error_code decode_list_parts(const http_response_view& r, list_parts_output& out);

struct list_multipart_uploads_input {
    std::string bucket;
    std::string prefix;
    std::string delimiter;
    std::string key_marker;
    std::string upload_id_marker;
    std::optional<int> max_uploads; ///< 1..1000
};
std::error_code build_list_multipart_uploads(const config& cfg, const list_multipart_uploads_input& in,
                                             http_request& out);
struct upload_summary {
    std::string key;
    std::string upload_id;
    std::optional<timestamp> initiated;
};
struct list_multipart_uploads_output {
    std::string bucket;
    std::vector<upload_summary> uploads;
    std::vector<std::string> common_prefixes;
    bool is_truncated = false;
    std::string next_key_marker;
    std::string next_upload_id_marker;
};
std::error_code decode_list_multipart_uploads(const http_response_view& r,
                                              list_multipart_uploads_output& out);

} // namespace protocol::s3
