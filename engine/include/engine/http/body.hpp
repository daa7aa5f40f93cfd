#pragma once
// Request body sources and response body destinations of the HTTP client.
//
//  - padded_buffer: an in-memory response body that always has `padding` (64) readable zero bytes
//    after its end, so simdjson-style decoders parse it in place (protocol::json_padding).
//  - body_provider: a request body produced in chunks (S3 uploads: a file byte range), never held
//    in memory as a whole. file_range_provider reads with pread into the client's bounded buffer.
//  - body_sink: a response body consumed in chunks as it arrives (S3 GetObject to a file).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace engine::http {

/// A growable byte buffer whose storage always extends `padding` zero bytes past size().
/// Moving it never moves the bytes (views into data() stay valid across moves).
class padded_buffer {
public:
    /// Readable bytes guaranteed after the end of the data (= simdjson's SIMDJSON_PADDING).
    static constexpr std::size_t padding = 64;

    padded_buffer() = default;
    padded_buffer(padded_buffer&& other) noexcept;
    padded_buffer& operator=(padded_buffer&& other) noexcept;
    padded_buffer(const padded_buffer&) = delete;
    padded_buffer& operator=(const padded_buffer&) = delete;
    ~padded_buffer() = default;

    /// Copies `s` (for tests and small bodies).
    explicit padded_buffer(std::string_view s);

    const char* data() const noexcept { return data_ ? data_.get() : empty_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::string_view view() const noexcept { return {data(), size_}; }
    /// Capacity excluding the padding.
    std::size_t capacity() const noexcept { return capacity_; }

    /// Ensures room for `n` bytes (plus padding) without reallocating on later appends.
    void reserve(std::size_t n);
    /// Appends bytes, growing geometrically; the padding stays zero.
    void append(const void* p, std::size_t n);
    void clear() noexcept;

private:
    static const char empty_[padding + 1];
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

/// A request body produced in chunks. The client calls size() once to send Content-Length, then
/// read() until it has received size() bytes. For a retry on a fresh connection (a pooled
/// connection the server had closed), it calls rewind() first and reads again; a provider that
/// cannot rewind returns an error from rewind() and the request fails instead of being retried.
///
/// Thread-safety: used by one request at a time, on the client's executor. read() blocks the
/// executor for the duration of one chunk read (a pread of at most chunk_size bytes from the page
/// cache or disk); providers must not do network I/O.
class body_provider {
public:
    virtual ~body_provider() = default;
    /// Exact number of bytes the provider produces.
    virtual std::uint64_t size() const noexcept = 0;
    /// Fills up to buf.size() bytes; returns the number written (0 only at the end) or sets `ec`.
    virtual std::size_t read(std::span<char> buf, std::error_code& ec) = 0;
    /// Starts over from the first byte.
    virtual std::error_code rewind() = 0;
};

/// Streams bytes [offset, offset + length) of a file with pread(2). The file is opened by the
/// factory and closed when the provider is destroyed.
/// Errors: the factory returns the errno of open(2) (e.g. no_such_file_or_directory), or
/// std::errc::invalid_argument when the range does not lie inside the file.
struct file_range_result {
    std::error_code ec;
    std::shared_ptr<body_provider> provider;
};
file_range_result make_file_range_provider(const std::string& path, std::uint64_t offset,
                                           std::uint64_t length);

/// A body provider over a string that it owns (tests, and callers that want the chunked path).
std::shared_ptr<body_provider> make_string_provider(std::string s);

/// Receives a response body as it arrives. The client calls on_body() with each chunk, in order,
/// on its executor; a non-empty returned error aborts the request (error::body_sink_failed) and
/// closes the connection. Chunks are only valid during the call.
class body_sink {
public:
    virtual ~body_sink() = default;
    /// Called once with the status before the first chunk. The default accepts everything.
    virtual std::error_code on_status(int status) {
        (void)status;
        return {};
    }
    virtual std::error_code on_body(std::string_view chunk) = 0;
};

} // namespace engine::http
