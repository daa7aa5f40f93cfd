#pragma once
// The local S3's object store: buckets are directories under <data_dir>/s3/, objects are plain files holding
// exactly the object's bytes (so DuckDB reads them by path), each described by a small JSON metadata file.
//
// Layout of a bucket directory:
//   bucket.json          creation time and region
//   meta/<h>.json        one object's metadata (h = hex SHA-256 of the key), naming its data file
//   data/<id>            object bytes; <id> is unique per write, so a replaced object's old file stays valid
//                        until its metadata is replaced
//   uploads/<upload-id>/ a multipart upload: upload.json and one file (+ .json) per part
//   tmp/                 files being written
//
// Atomicity: bytes go to tmp/, are fsynced (policy), renamed into data/, then the metadata is written to tmp/ and
// renamed over meta/<h>.json: the rename of the metadata is the commit point. A crash before it leaves an
// unreferenced data file, which open() deletes; a reader never sees a partial object. Thread-safe.

#include <athena_local/service.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace athena_local::s3 {

/// Why a store operation failed; the S3 API maps each onto an S3 error code.
enum class store_error {
    none,
    no_such_bucket,
    bucket_exists,        ///< BucketAlreadyOwnedByYou
    bucket_not_empty,
    no_such_key,
    no_such_upload,
    invalid_part,
    invalid_part_order,
    entity_too_small,
    invalid_bucket_name,
    io,
};

struct object_meta {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;              ///< quoted
    std::int64_t last_modified_ms = 0;
    std::string content_type = "binary/octet-stream";
    std::map<std::string, std::string> checksums; ///< "crc32" | "crc32c" | "sha256" -> base64
    std::map<std::string, std::string> user_meta; ///< x-amz-meta-* without the prefix
    std::string data_file;         ///< file name under data/
    int parts = 0;                 ///< multipart: number of parts
};

struct part_meta {
    int number = 0;
    std::uint64_t size = 0;
    std::string etag; ///< quoted MD5
    std::int64_t last_modified_ms = 0;
    std::map<std::string, std::string> checksums;
};

struct upload_meta {
    std::string upload_id;
    std::string key;
    std::int64_t initiated_ms = 0;
    std::string content_type = "binary/octet-stream";
    std::map<std::string, std::string> user_meta;
    std::string checksum_algorithm; ///< "", "CRC32", "CRC32C", "SHA256"
};

struct list_request {
    std::string prefix;
    std::string delimiter;
    std::string start_after; ///< exclusive: continuation token decoded, or StartAfter
    std::size_t max_keys = 1000;
};

struct list_result {
    std::vector<object_meta> contents;
    std::vector<std::string> common_prefixes;
    bool truncated = false;
    std::string next_after; ///< the last key or prefix returned, when truncated
};

struct bucket_info {
    std::string name;
    std::int64_t created_ms = 0;
    std::string region;
};

struct put_options {
    std::string content_type;
    std::map<std::string, std::string> user_meta;
    std::map<std::string, std::string> checksums; ///< already verified by the caller
};

/// The store. `fsync`: flush files and directories to disk before a write is acknowledged.
class disk_store final : public object_store {
public:
    disk_store(std::filesystem::path root, bool fsync);
    /// Loads the buckets and objects under root, deleting temp files and unreferenced data. Errors name the file.
    std::error_code open(std::string& message);

    // object_store
    bool bucket_exists(std::string_view bucket) const override;
    std::error_code ensure_bucket(std::string_view bucket) override;
    std::error_code put_object(std::string_view bucket, std::string_view key, std::string_view data,
                               std::string_view content_type) override;
    std::optional<std::filesystem::path> object_path(std::string_view bucket, std::string_view key) const override;
    std::vector<object_info> list(std::string_view bucket, std::string_view prefix) const override;

    // the S3 API
    store_error create_bucket(std::string_view bucket, std::string_view region);
    store_error delete_bucket(std::string_view bucket);
    std::vector<bucket_info> buckets() const;
    std::optional<bucket_info> bucket(std::string_view bucket) const;

    /// Stores `data` under `key`; fills `out` (etag = MD5 of the bytes).
    store_error put(std::string_view bucket, std::string_view key, std::string_view data, const put_options& opts,
                    object_meta& out);
    /// A new temp file path in the bucket's tmp/ folder (nullopt when there is no such bucket).
    std::optional<std::filesystem::path> temp_path(std::string_view bucket);
    /// fsync policy for a file the caller wrote (streamed bodies): fsyncs fd when the store fsyncs.
    bool fsync_enabled() const noexcept { return fsync_; }
    /// Commits a complete temp file (from temp_path, already fsynced per policy) as the object `key`.
    store_error put_file(std::string_view bucket, std::string_view key, const std::filesystem::path& file,
                         std::uint64_t size, std::string etag, const put_options& opts, object_meta& out);
    /// Same for a multipart part.
    store_error upload_part_file(std::string_view bucket, std::string_view upload_id, int number,
                                 const std::filesystem::path& file, std::uint64_t size, std::string etag,
                                 const std::map<std::string, std::string>& checksums, part_meta& out);
    /// Metadata and data file of an object.
    store_error head(std::string_view bucket, std::string_view key, object_meta& out,
                     std::filesystem::path* path = nullptr) const;
    store_error remove(std::string_view bucket, std::string_view key); ///< no error when absent
    store_error copy(std::string_view src_bucket, std::string_view src_key, std::string_view bucket,
                     std::string_view key, const put_options* replace_meta, object_meta& out);
    store_error list_objects(std::string_view bucket, const list_request& req, list_result& out) const;

    store_error create_upload(std::string_view bucket, std::string_view key, const put_options& opts,
                              std::string_view checksum_algorithm, upload_meta& out);
    store_error upload_part(std::string_view bucket, std::string_view upload_id, int number, std::string_view data,
                            const std::map<std::string, std::string>& checksums, part_meta& out);
    store_error list_parts(std::string_view bucket, std::string_view upload_id, upload_meta& upload,
                           std::vector<part_meta>& parts) const;
    std::vector<upload_meta> list_uploads(std::string_view bucket, std::string_view prefix) const;
    /// `parts`: (part number, etag as sent, quotes optional) in the request's order.
    store_error complete_upload(std::string_view bucket, std::string_view upload_id,
                                const std::vector<std::pair<int, std::string>>& parts, object_meta& out,
                                std::string& detail);
    store_error abort_upload(std::string_view bucket, std::string_view upload_id);

    std::uint64_t next_id();

private:
    struct bucket_state {
        bucket_info info;
        std::filesystem::path dir;
        std::map<std::string, object_meta, std::less<>> objects;
        std::map<std::string, upload_meta, std::less<>> uploads;
    };
    bucket_state* find(std::string_view bucket);
    const bucket_state* find(std::string_view bucket) const;
    std::error_code write_file(const std::filesystem::path& path, std::string_view data);
    std::error_code commit_meta(bucket_state& b, const object_meta& m);
    store_error commit_object(std::string_view bucket, const std::filesystem::path& dir, object_meta m,
                              object_meta& out);
    void sync_dir(const std::filesystem::path& dir);

    std::filesystem::path root_;
    bool fsync_;
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::unique_ptr<bucket_state>, std::less<>> buckets_;
    std::uint64_t counter_ = 0;
    std::mutex counter_mutex_;
};

/// S3 bucket naming rules (3..63 chars, lower-case letters, digits, '.', '-', starts and ends alnum).
bool valid_bucket_name(std::string_view name);
/// Quoted hex MD5 of data.
std::string md5_etag(std::string_view data);
std::int64_t now_ms();

} // namespace athena_local::s3
