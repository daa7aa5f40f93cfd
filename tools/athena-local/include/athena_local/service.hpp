#pragma once
// The seam between athena-local's HTTP server (listener, routing, SigV4 verification, S3) and the JSON 1.1
// services it hosts (Glue, Athena). The server owns connections and the object store; a service owns its
// state. Everything here is called on the server's event loop thread unless a comment says otherwise.

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace athena_local {

/// What the server knows about a verified request, handed to a service.
struct request_context {
    std::string request_id; ///< also sent back as x-amzn-requestid
    std::string region;     ///< from the credential scope of the verified signature
    std::string access_key; ///< the verified caller (never the secret)
};

/// A JSON 1.1 reply. `status` 200 with a JSON body, or an AWS error: status 400 (or 500 for server errors) and
/// body {"__type": "<ErrorCode>", "message": "..."}. Use `json_error` to build errors.
struct json_reply {
    unsigned status = 200;
    std::string body = "{}";
};
json_reply json_error(unsigned status, std::string_view type, std::string_view message);

/// A JSON 1.1 service (Athena: target prefix "AmazonAthena", Glue: "AWSGlue").
class json_service {
public:
    virtual ~json_service() = default;
    /// `operation` is the part of X-Amz-Target after the dot ("StartSession"); `body` the request JSON.
    /// `done` must be called exactly once, on the loop thread (it may be called before handle returns).
    /// Unknown operations answer 400 {"__type":"UnknownOperationException"}.
    virtual void handle(std::string_view operation, std::string_view body, const request_context& ctx,
                        std::function<void(json_reply)> done) = 0;
    /// Stop background work (timers, running calculations) before the server shuts down.
    virtual void shutdown() {}
};

/// An object's metadata as the store keeps it.
struct object_info {
    std::string key;
    std::uint64_t size = 0;
    std::string etag;           ///< with quotes, as S3 returns it
    std::int64_t last_modified = 0; ///< Unix seconds
};

/// The local S3's objects, for services (calculation output, table data). Thread-safe: calculation workers call it
/// from their own threads. Objects are stored as plain files holding exactly the object's bytes, so DuckDB can read
/// them by path.
class object_store {
public:
    virtual ~object_store() = default;
    virtual bool bucket_exists(std::string_view bucket) const = 0;
    /// Creates the bucket if it does not exist (used for default result locations).
    virtual std::error_code ensure_bucket(std::string_view bucket) = 0;
    /// Writes an object atomically (temp file, fsync policy, rename); replaces an existing one.
    virtual std::error_code put_object(std::string_view bucket, std::string_view key, std::string_view data,
                                       std::string_view content_type = "application/octet-stream") = 0;
    /// The file holding the object's bytes, or nullopt when there is no such object.
    virtual std::optional<std::filesystem::path> object_path(std::string_view bucket, std::string_view key) const = 0;
    /// Every object whose key starts with `prefix`, in key order.
    virtual std::vector<object_info> list(std::string_view bucket, std::string_view prefix) const = 0;
};

/// What a service gets from the server when it is made.
struct service_env {
    boost::asio::any_io_executor loop; ///< the server's event loop (timers, posting results back)
    object_store* store = nullptr;
    std::filesystem::path data_dir;    ///< the server's data directory (a service persists under data_dir/<name>/)
    std::uint64_t seed = 0;            ///< --seed: every random choice derives from it
};

} // namespace athena_local
