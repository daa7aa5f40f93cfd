#pragma once
// The S3 REST API over disk_store, without sockets: a parsed request in, a response out (status, headers, body
// bytes or a file range to send). Errors are S3's XML <Error> documents with the request id.

#include "s3/store.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athena_local::s3 {

/// A body the server streamed to a temp file instead of holding it (large PutObject / UploadPart), with the
/// digests computed on the way.
struct streamed_body {
    std::filesystem::path file;                   ///< in the bucket's tmp/ folder; consumed or deleted by handle()
    std::uint64_t size = 0;
    std::string md5;                              ///< raw 16 bytes
    std::map<std::string, std::string> checksums; ///< "crc32" | "crc32c" | "sha256" -> base64, for the headers sent
};

struct request {
    std::string method;
    std::string bucket;                               ///< decoded; empty for the service (ListBuckets)
    std::string key;                                  ///< decoded; empty for bucket operations
    std::map<std::string, std::string> query;         ///< decoded parameters (valueless ones map to "")
    std::vector<std::pair<std::string, std::string>> headers; ///< lower-case names
    std::string_view payload;                         ///< the body after aws-chunked decoding
    std::map<std::string, std::string> trailers;      ///< aws-chunked trailers
    std::string request_id;
    std::string region = "us-east-1";
    std::optional<streamed_body> streamed;            ///< set instead of payload for streamed bodies

    const std::string* header(std::string_view name) const;
};

struct response {
    unsigned status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    /// When set, the body is this file range instead of `body` (GetObject).
    std::optional<std::filesystem::path> file;
    std::uint64_t file_offset = 0, file_length = 0;
    std::string error_code; ///< for logs and stats; empty on success
};

/// The checksum algorithms ("crc32", "crc32c", "sha256") named by x-amz-checksum-* headers of a request.
std::vector<std::string> checksum_headers(const request& req);
/// Base64 of a big-endian CRC (S3's checksum encoding).
std::string crc_base64(std::uint32_t crc);

/// Handles one S3 request.
response handle(disk_store& store, const request& req);

/// An S3 error response (XML body unless the method is HEAD).
response error(const request& req, unsigned status, std::string_view code, std::string_view message,
               std::vector<std::pair<std::string, std::string>> extra = {});

std::string xml_escape(std::string_view s);
/// "Wed, 21 Oct 2015 07:28:00 GMT"
std::string http_date(std::int64_t unix_ms);
/// "2015-10-21T07:28:00.000Z"
std::string iso_date(std::int64_t unix_ms);

} // namespace athena_local::s3
