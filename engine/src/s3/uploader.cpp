#include <engine/s3/uploader.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <aws_sigv4/crc32c.hpp>

#include <openssl/evp.h>

#include <sys/stat.h>

#include <array>
#include <exception>
#include <vector>

namespace engine::s3 {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

struct upload_state {
    std::string bucket, key, path, upload_id;
    std::uint64_t size = 0, part_size = 0;
    int parts = 0;
    int next = 0;
    bool failed = false;
    bool cancelled = false;
    clients::call_result failure;
    std::vector<ps3::completed_part> done;
    std::vector<std::optional<std::array<std::uint8_t, 16>>> md5s;
    std::uint64_t bytes_done = 0;
};

awaitable<void> part_worker(client& c, upload_state& st, const upload_options& opt) {
    try {
        for (;;) {
            if (st.failed || st.cancelled || st.next >= st.parts)
                co_return;
            const int idx = st.next++;
            const std::uint64_t offset = static_cast<std::uint64_t>(idx) * st.part_size;
            const std::uint64_t len = std::min(st.part_size, st.size - offset);
            // Named, not a braced temporary inside co_await (g++ 12 destroys those twice).
            file_range range{st.path, offset, len};
            auto r = co_await c.upload_part_file(st.bucket, st.key, st.upload_id, idx + 1, std::move(range),
                                                 opt.payload);
            if (!r.ok()) {
                if (r.call.ec == std::errc::operation_canceled) {
                    st.cancelled = true;
                } else if (!st.failed) {
                    st.failed = true;
                    st.failure = std::move(r.call);
                }
                co_return;
            }
            st.done[idx] = {idx + 1, r.value.etag, {}};
            // With CRC32C, CompleteMultipartUpload lists each part's checksum (S3 requires it when the
            // upload was created with x-amz-checksum-algorithm).
            if (effective_checksum(opt.payload) == checksum_mode::crc32c)
                st.done[idx].checksum_crc32c = !r.value.checksum_crc32c.empty() ? r.value.checksum_crc32c
                                               : r.value.digests.crc32c
                                                   ? aws_sigv4::crc32c_base64(*r.value.digests.crc32c)
                                                   : std::string{};
            st.md5s[idx] = r.value.digests.md5;
            st.bytes_done += len;
            if (opt.on_progress)
                opt.on_progress(st.bytes_done);
        }
    } catch (const boost::system::system_error& e) {
        // A co_await after terminal cancellation throws operation_aborted.
        if (e.code() == asio::error::operation_aborted) {
            st.cancelled = true;
        } else if (!st.failed) {
            st.failed = true;
            st.failure.ec = e.code();
            st.failure.message = e.what();
        }
    }
}

std::string hex(const unsigned char* p, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; ++i) {
        s.push_back(digits[p[i] >> 4]);
        s.push_back(digits[p[i] & 15]);
    }
    return s;
}

// "\"<md5 of the binary part MD5s>-<N>\"" when every part's MD5 is known.
std::string multipart_etag(const upload_state& st) {
    std::string concat;
    for (const auto& m : st.md5s) {
        if (!m)
            return {};
        concat.append(reinterpret_cast<const char*>(m->data()), m->size());
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(concat.data(), concat.size(), md, &len, EVP_md5(), nullptr);
    return "\"" + hex(md, len) + "-" + std::to_string(st.parts) + "\"";
}

} // namespace

std::error_code plan_parts(std::uint64_t file_size, std::uint64_t preferred, bool allow_small,
                           std::uint64_t& part_size, int& parts) {
    if (file_size > 5ull * 1024 * 1024 * mib)
        return std::make_error_code(std::errc::file_too_large);
    std::uint64_t ps = preferred ? preferred : 8 * mib;
    const std::uint64_t needed = (file_size + max_parts - 1) / max_parts;
    if (ps < needed)
        ps = (needed + mib - 1) / mib * mib;
    if (!allow_small && ps < min_part_size)
        ps = min_part_size;
    if (ps > max_part_size)
        ps = max_part_size;
    if (ps == 0)
        ps = 1;
    part_size = ps;
    parts = file_size == 0 ? 1 : static_cast<int>((file_size + ps - 1) / ps);
    return {};
}

awaitable<op_result<upload_result>> upload_file(client& c, std::string bucket, std::string key, std::string path,
                                                upload_options opt) {
    op_result<upload_result> out;
    struct stat sb {};
    if (::stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        out.call.ec = errno ? std::error_code(errno, std::system_category())
                            : std::make_error_code(std::errc::invalid_argument);
        if (::stat(path.c_str(), &sb) == 0)
            out.call.ec = std::make_error_code(std::errc::invalid_argument);
        out.call.message = "upload " + path + ": " +
                           (out.call.ec == std::errc::invalid_argument ? std::string("not a regular file")
                                                                       : out.call.ec.message());
        co_return out;
    }
    const auto size = static_cast<std::uint64_t>(sb.st_size);
    out.value.bytes = size;

    if (size < opt.multipart_threshold) {
        ps3::put_object_input in;
        in.bucket = bucket;
        in.key = key;
        in.content_type = opt.content_type;
        file_range range{path, 0, size};
        auto r = co_await c.put_object_file(std::move(in), std::move(range), opt.payload);
        out.call = std::move(r.call);
        if (out.ok()) {
            out.value.etag = r.value.etag;
            if (r.value.digests.md5)
                out.value.expected_etag = "\"" + r.value.digests.md5_hex() + "\"";
            if (opt.on_progress)
                opt.on_progress(size);
        }
        co_return out;
    }

    upload_state st;
    st.bucket = bucket;
    st.key = key;
    st.path = path;
    st.size = size;
    if (auto ec = plan_parts(size, opt.part_size, opt.allow_small_parts, st.part_size, st.parts)) {
        out.call.ec = ec;
        out.call.message = "upload " + path + ": the file is larger than S3's 5 TiB object limit";
        co_return out;
    }
    out.value.part_size = st.part_size;
    out.value.parts = st.parts;

    // Named arguments (no defaulted class-type arguments inside co_await: g++ 12).
    std::string content_type = opt.content_type;
    std::string checksum_algorithm = effective_checksum(opt.payload) == checksum_mode::crc32c ? "CRC32C" : "";
    auto created = co_await c.create_multipart_upload(bucket, key, std::move(content_type),
                                                      std::move(checksum_algorithm));
    if (!created.ok()) {
        out.call = std::move(created.call);
        co_return out;
    }
    st.upload_id = created.value.upload_id;
    out.value.upload_id = st.upload_id;
    st.done.resize(st.parts);
    st.md5s.resize(st.parts);

    const auto ex = co_await asio::this_coro::executor;
    const std::size_t workers =
        std::max<std::size_t>(1, std::min<std::size_t>(opt.max_parts_in_flight, static_cast<std::size_t>(st.parts)));
    using op_type = decltype(asio::co_spawn(ex, part_worker(c, st, opt), asio::deferred));
    std::vector<op_type> ops;
    ops.reserve(workers);
    for (std::size_t i = 0; i < workers; ++i)
        ops.push_back(asio::co_spawn(ex, part_worker(c, st, opt), asio::deferred));
    bool group_cancelled = false;
    try {
        co_await asio::experimental::make_parallel_group(std::move(ops))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    } catch (const boost::system::system_error&) {
        group_cancelled = true;
    }
    const auto cs = co_await asio::this_coro::cancellation_state;
    if (cs.cancelled() != asio::cancellation_type::none)
        group_cancelled = true;

    if (st.failed || st.cancelled || group_cancelled) {
        // The abort must run even though the operation was cancelled.
        co_await asio::this_coro::reset_cancellation_state();
        auto ab = co_await c.abort_multipart_upload(bucket, key, st.upload_id);
        out.value.aborted = ab.ok();
        const std::string abort_note = ab.ok() ? " (upload " + st.upload_id + " aborted)"
                                               : "; aborting upload " + st.upload_id + " failed too: " +
                                                     ab.call.message;
        if (st.failed) {
            out.call = std::move(st.failure);
        } else {
            out.call = {};
            out.call.ec = std::make_error_code(std::errc::operation_canceled);
            out.call.message = "upload " + path + " to s3://" + bucket + "/" + key + ": cancelled";
        }
        out.call.message += abort_note;
        co_return out;
    }

    auto done = co_await c.complete_multipart_upload(bucket, key, st.upload_id, st.done);
    if (!done.ok()) {
        auto ab = co_await c.abort_multipart_upload(bucket, key, st.upload_id);
        out.value.aborted = ab.ok();
        out.call = std::move(done.call);
        out.call.message += ab.ok() ? " (upload " + st.upload_id + " aborted)"
                                    : "; aborting upload " + st.upload_id + " failed too: " + ab.call.message;
        co_return out;
    }
    out.call = std::move(done.call);
    out.value.etag = done.value.etag;
    out.value.expected_etag = multipart_etag(st);
    co_return out;
}

} // namespace engine::s3
