#include <engine/s3/client.hpp>
#include <protocol/error.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace engine::s3 {
namespace {

/// Bytes hashed between two yields to the event loop in a body's pre-read (~1.5 ms of MD5).
constexpr std::size_t digest_slice = 1024 * 1024;

using boost::asio::awaitable;

std::string_view hint(std::string_view code, int status) {
    if (code == "SignatureDoesNotMatch")
        return "the signature S3 computed does not match ours: check the secret access key of this access "
               "key id (and the system clock)";
    if (code == "InvalidAccessKeyId")
        return "the access key id is not known to this endpoint: check the credentials (--profile, "
               "AWS_ACCESS_KEY_ID)";
    if (code == "AccessDenied" || code == "Forbidden" || (code.empty() && status == 403))
        return "access denied: the credentials are wrong or lack permission for this bucket or key";
    if (code == "NoSuchBucket")
        return "the bucket does not exist";
    if (code == "NoSuchKey")
        return "no such key";
    if (code == "NotFound")
        return "not found (no such bucket or key)";
    if (code == "NoSuchUpload")
        return "no such multipart upload (completed, aborted, or never started)";
    if (code == "EntityTooSmall")
        return "a part other than the last is smaller than S3's minimum part size of 5 MiB";
    if (code == "EntityTooLarge")
        return "the body is larger than S3 allows (5 GiB per PutObject or part)";
    if (code == "InvalidPart")
        return "a part listed in CompleteMultipartUpload was not uploaded or its ETag does not match";
    if (code == "InvalidPartOrder")
        return "parts must be listed in ascending part-number order";
    if (code == "BadDigest")
        return "the body does not match its Content-MD5 (did the file change while it was uploaded?)";
    if (code == "InvalidDigest")
        return "the Content-MD5 header is not valid";
    if (code == "XAmzContentSHA256Mismatch")
        return "the body does not match its x-amz-content-sha256 (did the file change while it was uploaded? "
               "Or the server does not support this payload mode: radosgw rejects aws-chunked with a checksum "
               "trailer)";
    if (code == "BucketAlreadyExists")
        return "the bucket name is already taken by another account";
    if (code == "BucketAlreadyOwnedByYou")
        return "you already own this bucket";
    if (code == "InvalidBucketName")
        return "the bucket name is not valid";
    if (code == "SlowDown")
        return "S3 asked to slow down and the retries ran out";
    if (code == "RequestTimeTooSkewed")
        return "the system clock is too far from S3's";
    if (code == "InternalError")
        return "S3 internal error and the retries ran out";
    return {};
}

template <class T>
void invalid_input(op_result<T>& out, std::string_view op, std::string_view bucket, std::string_view key,
                   std::error_code ec) {
    out.call.ec = ec;
    out.call.message = std::string(op) + " s3://" + std::string(bucket) +
                       (key.empty() ? "" : "/" + std::string(key)) + ": invalid request: " + ec.message();
}

// Decodes a 2xx answer; a decoding failure becomes "malformed S3 response".
template <class T>
void check_decoded(op_result<T>& out, std::string_view op, std::error_code ec) {
    if (!ec)
        return;
    out.call.ec = ec;
    out.call.message = std::string(op) + ": malformed S3 response: " + ec.message();
}

// Streams 2xx bodies into an object_sink; on_status (a new answer, e.g. after a retry) restarts at 0.
class sink_adapter final : public http::body_sink {
public:
    explicit sink_adapter(object_sink& fn)
        : fn_(fn) {}
    std::error_code on_status(int) override {
        offset_ = 0;
        return {};
    }
    std::error_code on_body(std::string_view chunk) override {
        auto ec = fn_(offset_, chunk);
        offset_ += chunk.size();
        return ec;
    }
    std::uint64_t bytes() const noexcept { return offset_; }

private:
    object_sink& fn_;
    std::uint64_t offset_ = 0;
};

// Fills in the length of a range that runs to the end of its file.
std::error_code resolve_length(file_range& f) {
    if (f.length)
        return {};
    struct stat st {};
    if (::stat(f.path.c_str(), &st) != 0)
        return std::error_code(errno, std::system_category());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (f.offset > size)
        return std::make_error_code(std::errc::invalid_argument);
    f.length = size - f.offset;
    return {};
}

} // namespace

std::string describe_failure(std::string_view op, std::string_view bucket, std::string_view key,
                             const clients::call_result& r) {
    std::string s(op);
    if (!bucket.empty()) {
        s += " s3://";
        s += bucket;
        if (!key.empty()) {
            s += '/';
            s += key;
        }
    }
    s += ": ";
    if (!r.error) {
        s += r.message.empty() ? r.ec.message() : r.message;
        return s;
    }
    const auto& e = *r.error;
    s += e.code.empty() ? "HTTP error" : e.code;
    s += " (HTTP " + std::to_string(e.status) + ")";
    std::string msg = e.message;
    if (msg.empty())
        msg = std::string(hint(e.code, e.status));
    if (e.status == 301 || e.code == "PermanentRedirect" || e.code == "AuthorizationHeaderMalformed") {
        if (auto region = r.response.header("x-amz-bucket-region"); region && !region->empty())
            msg += (msg.empty() ? "" : "; ") + std::string("the bucket is in region ") + std::string(*region) +
                   ": use --region " + std::string(*region);
    }
    if (!msg.empty())
        s += ": " + msg;
    if (!e.request_id.empty())
        s += " [request id " + e.request_id + "]";
    return s;
}

client::client(clients::caller& c, ps3::config cfg, std::string region)
    : caller_(c)
    , cfg_(std::move(cfg))
    , target_{std::move(region), "s3", protocol::wire_protocol::rest_xml, aws_sigv4::settings::s3()} {}

awaitable<clients::call_result> client::send(op_name what, protocol::http_request preq,
                                             http::request_options opt, std::optional<file_range> file,
                                             payload_settings payload, range_digests* digests) {
    clients::call_result r;
    auto req = http::from_protocol(std::move(preq));
    if (!req) {
        r.ec = std::make_error_code(std::errc::invalid_argument);
        r.message = "the endpoint's scheme must be http or https";
        r.message = describe_failure(what.op, what.bucket, what.key, r);
        co_return r;
    }
    clients::payload_options po;
    if (file) {
        if (auto ec = resolve_length(*file)) {
            r.ec = ec;
            r.message = "cannot read " + file->path + ": " + r.ec.message();
            r.message = describe_failure(what.op, what.bucket, what.key, r);
            co_return r;
        }
        const std::uint64_t length = *file->length;
        // The pre-read (MD5 / SHA-256 / CRC32C for the headers) a MiB at a time, yielding to the event
        // loop in between, so the other requests in flight keep sending while this one hashes.
        std::optional<range_digests> pre;
        if (const auto need = digests_needed(payload); need.any()) {
            range_digester d;
            std::error_code ec = d.open(file->path, file->offset, length, need.sha256, need.md5, need.crc32c);
            while (!ec && !d.done()) {
                ec = d.step(digest_slice);
                if (!ec && !d.done()) {
                    const auto ex = co_await boost::asio::this_coro::executor;
                    co_await boost::asio::post(ex, boost::asio::use_awaitable);
                }
            }
            if (ec) {
                r.ec = ec;
                r.message = "cannot read " + file->path + ": " + ec.message();
                r.message = describe_failure(what.op, what.bucket, what.key, r);
                co_return r;
            }
            pre = d.finish();
        }
        prepared_body pb;
        if (auto ec = attach_file_body(*req, file->path, file->offset, length, payload, pb,
                                       pre ? &*pre : nullptr)) {
            r.ec = ec;
            r.message = "cannot read " + file->path + ": " + ec.message();
            r.message = describe_failure(what.op, what.bucket, what.key, r);
            co_return r;
        }
        po = std::move(pb.payload);
        if (digests)
            *digests = std::move(pb.digests);
    }
    r = co_await caller_.call(target_, std::move(*req), opt, std::move(po));
    if (!r.ok())
        r.message = describe_failure(what.op, what.bucket, what.key, r);
    co_return r;
}

awaitable<op_result<ps3::head_bucket_output>> client::head_bucket(std::string bucket) {
    op_result<ps3::head_bucket_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_head_bucket(cfg_, bucket, preq)) {
        invalid_input(out, "HeadBucket", bucket, {}, ec);
        co_return out;
    }
    out.call = co_await send({"HeadBucket", bucket, {}}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "HeadBucket", ps3::decode_head_bucket(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<bool>> client::create_bucket(std::string bucket) {
    op_result<bool> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_create_bucket(cfg_, bucket, target_.region, preq)) {
        invalid_input(out, "CreateBucket", bucket, {}, ec);
        co_return out;
    }
    out.call = co_await send({"CreateBucket", bucket, {}}, std::move(preq), request_options);
    if (out.ok()) {
        check_decoded(out, "CreateBucket", ps3::decode_create_bucket(out.call.response.view()));
        out.value = out.ok();
    }
    co_return out;
}

awaitable<op_result<ps3::put_object_output>> client::put_object(ps3::put_object_input in) {
    op_result<ps3::put_object_output> out;
    const std::string bucket = in.bucket, key = in.key;
    protocol::http_request preq;
    if (auto ec = ps3::build_put_object(cfg_, std::move(in), preq)) {
        invalid_input(out, "PutObject", bucket, key, ec);
        co_return out;
    }
    preq.headers.emplace_back("Content-MD5", content_md5(preq.body));
    out.call = co_await send({"PutObject", bucket, key}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "PutObject", ps3::decode_put_object(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<upload_file_output>> client::put_object_file(ps3::put_object_input in, file_range src,
                                                                 payload_settings payload) {
    op_result<upload_file_output> out;
    const std::string bucket = in.bucket, key = in.key;
    protocol::http_request preq;
    std::error_code bec = in.body.empty() ? std::error_code{} : std::make_error_code(std::errc::invalid_argument);
    if (!bec)
        bec = ps3::build_put_object(cfg_, std::move(in), preq);
    if (bec) {
        invalid_input(out, "PutObject", bucket, key, bec);
        co_return out;
    }
    resolve_length(src); // a failure is reported by send()
    out.call = co_await send({"PutObject", bucket, key}, std::move(preq), request_options, src, payload,
                             &out.value.digests);
    if (out.ok()) {
        ps3::put_object_output po;
        check_decoded(out, "PutObject", ps3::decode_put_object(out.call.response.view(), po));
        out.value.etag = std::move(po.etag);
        out.value.version_id = std::move(po.version_id);
        out.value.bytes = src.length.value_or(0);
        if (auto v = out.call.response.view().header("x-amz-checksum-crc32c"))
            out.value.checksum_crc32c = std::string(*v);
    }
    co_return out;
}

awaitable<op_result<ps3::object_metadata>> client::head_object(std::string bucket, std::string key,
                                                               bool checksum_mode) {
    op_result<ps3::object_metadata> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_head_object(cfg_, bucket, key, preq, checksum_mode)) {
        invalid_input(out, "HeadObject", bucket, key, ec);
        co_return out;
    }
    out.call = co_await send({"HeadObject", bucket, key}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "HeadObject", ps3::decode_head_object(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<get_object_data>> client::get_object(ps3::get_object_input in) {
    op_result<get_object_data> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_get_object(cfg_, in, preq)) {
        invalid_input(out, "GetObject", in.bucket, in.key, ec);
        co_return out;
    }
    out.call = co_await send({"GetObject", in.bucket, in.key}, std::move(preq), request_options);
    if (out.ok()) {
        ps3::get_object_output g;
        check_decoded(out, "GetObject", ps3::decode_get_object(out.call.response.view(), g));
        if (out.ok()) {
            out.value.meta = std::move(g.meta);
            out.value.range = g.range;
            out.value.body.assign(g.body);
        }
    }
    co_return out;
}

awaitable<op_result<get_object_info>> client::get_object_to(ps3::get_object_input in, object_sink sink) {
    op_result<get_object_info> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_get_object(cfg_, in, preq)) {
        invalid_input(out, "GetObject", in.bucket, in.key, ec);
        co_return out;
    }
    sink_adapter adapter(sink);
    http::request_options opt = request_options;
    opt.sink = &adapter;
    out.call = co_await send({"GetObject", in.bucket, in.key}, std::move(preq), opt);
    if (out.ok()) {
        ps3::get_object_output g;
        check_decoded(out, "GetObject", ps3::decode_get_object(out.call.response.view(), g));
        out.value.meta = std::move(g.meta);
        out.value.range = g.range;
        out.value.bytes = adapter.bytes();
    }
    co_return out;
}

awaitable<op_result<get_object_info>> client::get_object_to_file(ps3::get_object_input in, std::string path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        op_result<get_object_info> out;
        out.call.ec = std::error_code(errno, std::system_category());
        out.call.message = "GetObject s3://" + in.bucket + "/" + in.key + ": cannot write " + path + ": " +
                           out.call.ec.message();
        co_return out;
    }
    struct closer {
        int fd;
        ~closer() { ::close(fd); }
    } guard{fd};
    std::error_code write_error;
    object_sink sink = [fd, &write_error](std::uint64_t offset, std::string_view chunk) -> std::error_code {
        if (offset == 0 && ::ftruncate(fd, 0) != 0)
            return write_error = std::error_code(errno, std::system_category());
        for (std::size_t done = 0; done < chunk.size();) {
            const ssize_t n = ::pwrite(fd, chunk.data() + done, chunk.size() - done,
                                       static_cast<off_t>(offset + done));
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return write_error = std::error_code(errno, std::system_category());
            }
            done += static_cast<std::size_t>(n);
        }
        return {};
    };
    const std::string bucket = in.bucket, key = in.key;
    auto out = co_await get_object_to(std::move(in), std::move(sink));
    if (write_error) {
        out.call.ec = write_error;
        out.call.message = "GetObject s3://" + bucket + "/" + key + ": cannot write " + path + ": " +
                           write_error.message();
    }
    co_return out;
}

awaitable<op_result<ps3::list_objects_v2_output>> client::list_objects_v2(ps3::list_objects_v2_input in) {
    op_result<ps3::list_objects_v2_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_list_objects_v2(cfg_, in, preq)) {
        invalid_input(out, "ListObjectsV2", in.bucket, in.prefix, ec);
        co_return out;
    }
    out.call = co_await send({"ListObjectsV2", in.bucket, in.prefix}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "ListObjectsV2", ps3::decode_list_objects_v2(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<list_totals>>
client::list_objects_v2_pages(ps3::list_objects_v2_input in,
                              std::function<bool(const ps3::list_objects_v2_output&)> page) {
    op_result<list_totals> out;
    for (;;) {
        auto r = co_await list_objects_v2(in);
        if (!r.ok()) {
            out.call = std::move(r.call);
            co_return out;
        }
        out.call = std::move(r.call);
        ++out.value.pages;
        out.value.objects += r.value.contents.size();
        out.value.common_prefixes += r.value.common_prefixes.size();
        if (!page(r.value))
            co_return out;
        if (!r.value.is_truncated)
            co_return out;
        if (r.value.next_continuation_token.empty() || r.value.next_continuation_token == in.continuation_token) {
            out.call.ec = std::make_error_code(std::errc::protocol_error);
            out.call.message = "ListObjectsV2 s3://" + in.bucket +
                               ": malformed S3 response: truncated listing without a new continuation token";
            co_return out;
        }
        in.continuation_token = r.value.next_continuation_token;
    }
}

awaitable<op_result<ps3::list_objects_v2_output>> client::list_all(ps3::list_objects_v2_input in) {
    op_result<ps3::list_objects_v2_output> out;
    bool first = true;
    std::function<bool(const ps3::list_objects_v2_output&)> collect = [&](const ps3::list_objects_v2_output& p) {
        if (first) {
            out.value.name = p.name;
            out.value.prefix = p.prefix;
            out.value.delimiter = p.delimiter;
            first = false;
        }
        out.value.contents.insert(out.value.contents.end(), p.contents.begin(), p.contents.end());
        out.value.common_prefixes.insert(out.value.common_prefixes.end(), p.common_prefixes.begin(),
                                         p.common_prefixes.end());
        return true;
    };
    // Named, not a temporary inside co_await (g++ 12 destroys such temporaries twice).
    auto totals = co_await list_objects_v2_pages(std::move(in), std::move(collect));
    out.call = std::move(totals.call);
    out.value.key_count = out.value.contents.size();
    co_return out;
}

awaitable<op_result<ps3::delete_objects_output>> client::delete_objects(std::string bucket,
                                                                       std::vector<std::string> keys) {
    op_result<ps3::delete_objects_output> out;
    constexpr std::size_t batch = 1000;
    for (std::size_t first = 0; first < keys.size(); first += batch) {
        std::vector<ps3::object_identifier> ids;
        const std::size_t last = std::min(keys.size(), first + batch);
        ids.reserve(last - first);
        for (std::size_t i = first; i < last; ++i)
            ids.push_back({std::move(keys[i]), {}});
        protocol::http_request preq;
        if (auto ec = ps3::build_delete_objects(cfg_, bucket, ids, true, preq)) {
            invalid_input(out, "DeleteObjects", bucket, {}, ec);
            co_return out;
        }
        out.call = co_await send({"DeleteObjects", bucket, {}}, std::move(preq), request_options);
        if (!out.ok())
            co_return out;
        ps3::delete_objects_output part;
        check_decoded(out, "DeleteObjects", ps3::decode_delete_objects(out.call.response.view(), part));
        if (!out.ok())
            co_return out;
        for (auto& d : part.deleted)
            out.value.deleted.push_back(std::move(d));
        for (auto& e : part.errors)
            out.value.errors.push_back(std::move(e));
    }
    co_return out;
}

awaitable<op_result<ps3::create_multipart_upload_output>>
client::create_multipart_upload(std::string bucket, std::string key, std::string content_type,
                                std::string checksum_algorithm) {
    op_result<ps3::create_multipart_upload_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_create_multipart_upload(cfg_, bucket, key, preq, content_type, checksum_algorithm)) {
        invalid_input(out, "CreateMultipartUpload", bucket, key, ec);
        co_return out;
    }
    out.call = co_await send({"CreateMultipartUpload", bucket, key}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "CreateMultipartUpload",
                      ps3::decode_create_multipart_upload(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<std::string>> client::upload_part(std::string bucket, std::string key, std::string upload_id,
                                                      int part_number, std::string body) {
    op_result<std::string> out;
    protocol::http_request preq;
    const std::string md5 = content_md5(body);
    if (auto ec = ps3::build_upload_part(cfg_, bucket, key, upload_id, part_number, preq, std::move(body))) {
        invalid_input(out, "UploadPart", bucket, key, ec);
        co_return out;
    }
    preq.headers.emplace_back("Content-MD5", md5);
    out.call = co_await send({"UploadPart", bucket, key}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "UploadPart", ps3::decode_upload_part(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<upload_file_output>> client::upload_part_file(std::string bucket, std::string key,
                                                                  std::string upload_id, int part_number,
                                                                  file_range src, payload_settings payload) {
    op_result<upload_file_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_upload_part(cfg_, bucket, key, upload_id, part_number, preq)) {
        invalid_input(out, "UploadPart", bucket, key, ec);
        co_return out;
    }
    const std::string op = "UploadPart #" + std::to_string(part_number);
    resolve_length(src); // a failure is reported by send()
    out.call = co_await send({op, bucket, key}, std::move(preq), request_options, src, payload,
                             &out.value.digests);
    if (out.ok()) {
        check_decoded(out, "UploadPart", ps3::decode_upload_part(out.call.response.view(), out.value.etag));
        out.value.bytes = src.length.value_or(0);
        if (auto v = out.call.response.view().header("x-amz-checksum-crc32c"))
            out.value.checksum_crc32c = std::string(*v);
    }
    co_return out;
}

awaitable<op_result<ps3::complete_multipart_upload_output>>
client::complete_multipart_upload(std::string bucket, std::string key, std::string upload_id,
                                  std::vector<ps3::completed_part> parts) {
    op_result<ps3::complete_multipart_upload_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_complete_multipart_upload(cfg_, bucket, key, upload_id, parts, preq)) {
        invalid_input(out, "CompleteMultipartUpload", bucket, key, ec);
        co_return out;
    }
    out.call = co_await send({"CompleteMultipartUpload", bucket, key}, std::move(preq), request_options);
    if (!out.ok())
        co_return out;
    const auto ec = ps3::decode_complete_multipart_upload(out.call.response.view(), out.value);
    if (ec == protocol::make_error_code(protocol::error::error_in_body)) {
        // S3 answered 200 and then failed while assembling the parts.
        out.call.error = protocol::decode_rest_xml_error(out.call.response.view());
        out.call.message = describe_failure("CompleteMultipartUpload", bucket, key, out.call);
        co_return out;
    }
    check_decoded(out, "CompleteMultipartUpload", ec);
    co_return out;
}

awaitable<op_result<bool>> client::abort_multipart_upload(std::string bucket, std::string key,
                                                          std::string upload_id) {
    op_result<bool> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_abort_multipart_upload(cfg_, bucket, key, upload_id, preq)) {
        invalid_input(out, "AbortMultipartUpload", bucket, key, ec);
        co_return out;
    }
    out.call = co_await send({"AbortMultipartUpload", bucket, key}, std::move(preq), request_options);
    if (out.ok()) {
        check_decoded(out, "AbortMultipartUpload", ps3::decode_abort_multipart_upload(out.call.response.view()));
        out.value = out.ok();
    }
    co_return out;
}

awaitable<op_result<ps3::list_parts_output>> client::list_parts(ps3::list_parts_input in) {
    op_result<ps3::list_parts_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_list_parts(cfg_, in, preq)) {
        invalid_input(out, "ListParts", in.bucket, in.key, ec);
        co_return out;
    }
    out.call = co_await send({"ListParts", in.bucket, in.key}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "ListParts", ps3::decode_list_parts(out.call.response.view(), out.value));
    co_return out;
}

awaitable<op_result<ps3::list_multipart_uploads_output>>
client::list_multipart_uploads(ps3::list_multipart_uploads_input in) {
    op_result<ps3::list_multipart_uploads_output> out;
    protocol::http_request preq;
    if (auto ec = ps3::build_list_multipart_uploads(cfg_, in, preq)) {
        invalid_input(out, "ListMultipartUploads", in.bucket, {}, ec);
        co_return out;
    }
    out.call = co_await send({"ListMultipartUploads", in.bucket, {}}, std::move(preq), request_options);
    if (out.ok())
        check_decoded(out, "ListMultipartUploads",
                      ps3::decode_list_multipart_uploads(out.call.response.view(), out.value));
    co_return out;
}

} // namespace engine::s3
