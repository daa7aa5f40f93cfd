#include <protocol/s3.hpp>

#include <openssl/evp.h>

#include <charconv>

#include "xml_read.hpp"

namespace protocol::s3 {
namespace {

using detail::get;

constexpr std::string_view s3_xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

std::error_code check_bucket(std::string_view b) {
    if (b.empty() || b.size() > 255)
        return error::invalid_bucket_name;
    for (char c : b)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_'))
            return error::invalid_bucket_name;
    return {};
}

std::error_code check_key(std::string_view k) {
    return (k.empty() || k.size() > 1024) ? std::error_code{error::invalid_key} : std::error_code{};
}

// Fills method, scheme, host, port and path for `bucket` (and `key` when not empty).
void locate(const config& cfg, std::string_view method, std::string_view bucket, std::string_view key,
            http_request& out) {
    out = http_request{};
    out.method.assign(method);
    out.scheme = cfg.ep.scheme;
    out.port = cfg.ep.port;
    out.signing_name = "s3";
    out.path = cfg.ep.base_path;
    if (uses_virtual_host(cfg, bucket)) {
        out.host.reserve(bucket.size() + 1 + cfg.ep.host.size());
        out.host.append(bucket).append(".").append(cfg.ep.host);
        out.path += '/';
    } else {
        out.host = cfg.ep.host;
        out.path += '/';
        out.path.append(bucket);
        if (!key.empty())
            out.path += '/';
    }
    out.path += encode_key(key);
}

std::string base64(const unsigned char* data, std::size_t n) {
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    for (std::size_t i = 0; i < n; i += 3) {
        unsigned v = static_cast<unsigned>(data[i]) << 16;
        if (i + 1 < n)
            v |= static_cast<unsigned>(data[i + 1]) << 8;
        if (i + 2 < n)
            v |= data[i + 2];
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += i + 1 < n ? table[(v >> 6) & 63] : '=';
        out += i + 2 < n ? table[v & 63] : '=';
    }
    return out;
}

std::string content_md5(std::string_view body) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(body.data(), body.size(), md, &len, EVP_md5(), nullptr);
    return base64(md, len);
}

std::error_code header_u64(const http_response_view& r, std::string_view name,
                           std::optional<std::uint64_t>& out) {
    auto v = r.header(name);
    if (!v)
        return {};
    std::uint64_t x = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
    if (ec != std::errc{} || ptr != v->data() + v->size())
        return error::bad_value;
    out = x;
    return {};
}

void header_str(const http_response_view& r, std::string_view name, std::string& out) {
    if (auto v = r.header(name))
        out.assign(*v);
}

std::error_code read_metadata(const http_response_view& r, object_metadata& out) {
    BB_TRY(header_u64(r, "Content-Length", out.content_length));
    header_str(r, "Content-Type", out.content_type);
    header_str(r, "ETag", out.etag);
    header_str(r, "x-amz-version-id", out.version_id);
    if (auto v = r.header("Last-Modified"))
        out.last_modified = parse_http_date(*v); // an unreadable date is dropped, not fatal
    constexpr std::string_view prefix = "x-amz-meta-";
    for (const auto& h : r.headers) {
        if (h.name.size() > prefix.size() && iequals(h.name.substr(0, prefix.size()), prefix)) {
            std::string name;
            for (char c : h.name.substr(prefix.size()))
                name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            out.metadata.insert_or_assign(std::move(name), std::string(h.value));
        }
    }
    for (std::string_view algo : {"crc32", "crc32c", "crc64nvme", "sha1", "sha256"}) {
        const std::string name = "x-amz-checksum-" + std::string(algo);
        if (auto v = r.header(name))
            out.checksums.insert_or_assign(std::string(algo), std::string(*v));
    }
    return {};
}

std::error_code parse_success(pugi::xml_document& doc, const http_response_view& r, const char* root_name,
                              pugi::xml_node& root) {
    if (!r.success())
        return error::not_success;
    return detail::parse_xml(doc, r.body, root_name, root);
}

std::error_code get_int(pugi::xml_node n, const char* name, int& out, bool required) {
    std::optional<std::uint64_t> v;
    BB_TRY(get(n, name, v, required));
    if (v) {
        if (*v > 1000000)
            return error::bad_value;
        out = static_cast<int>(*v);
    }
    return {};
}

void add_int_query(http_request& out, const char* name, const std::optional<int>& v) {
    if (v)
        out.query.emplace_back(name, std::to_string(*v));
}

void add_query(http_request& out, const char* name, const std::string& v) {
    if (!v.empty())
        out.query.emplace_back(name, v);
}

void open_doc(std::string& body, std::string_view root) {
    body = R"(<?xml version="1.0" encoding="UTF-8"?>)";
    body += '<';
    body += root;
    body += " xmlns=\"";
    body += s3_xmlns;
    body += "\">";
}

void element(std::string& body, std::string_view name, std::string_view text) {
    body += '<';
    body += name;
    body += '>';
    detail::append_escaped(body, text);
    body += "</";
    body += name;
    body += '>';
}

} // namespace

bool is_dns_compatible(std::string_view b) noexcept {
    if (b.size() < 3 || b.size() > 63)
        return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(b.front()) || !alnum(b.back()))
        return false;
    bool all_digits_and_dots = true;
    for (std::size_t i = 0; i < b.size(); ++i) {
        char c = b[i];
        if (!alnum(c) && c != '.' && c != '-')
            return false;
        if (c == '.' && i + 1 < b.size() && (b[i + 1] == '.' || b[i + 1] == '-'))
            return false;
        if (c == '-' && i + 1 < b.size() && b[i + 1] == '.')
            return false;
        if (!(c == '.' || (c >= '0' && c <= '9')))
            all_digits_and_dots = false;
    }
    return !all_digits_and_dots; // "192.168.5.4" looks like an IP address
}

bool uses_virtual_host(const config& cfg, std::string_view bucket) noexcept {
    switch (cfg.style) {
    case addressing_style::path:
        return false;
    case addressing_style::virtual_hosted:
        return is_dns_compatible(bucket);
    case addressing_style::automatic:
        return !cfg.ep.custom && is_dns_compatible(bucket) && bucket.find('.') == std::string_view::npos;
    }
    return false;
}

std::string encode_key(std::string_view key) {
    return uri_encode(key, true);
}

std::error_code format_range(const byte_range& r, std::string& out) {
    if (r.suffix_length > 0) {
        out = "bytes=-" + std::to_string(r.suffix_length);
        return {};
    }
    if (r.last && *r.last < r.first)
        return error::invalid_range;
    out = "bytes=" + std::to_string(r.first) + '-';
    if (r.last)
        out += std::to_string(*r.last);
    return {};
}

std::optional<content_range> parse_content_range(std::string_view v) noexcept {
    if (!v.starts_with("bytes "))
        return std::nullopt;
    v.remove_prefix(6);
    content_range cr;
    const char* p = v.data();
    const char* end = v.data() + v.size();
    auto r1 = std::from_chars(p, end, cr.first);
    if (r1.ec != std::errc{} || r1.ptr == end || *r1.ptr != '-')
        return std::nullopt;
    auto r2 = std::from_chars(r1.ptr + 1, end, cr.last);
    if (r2.ec != std::errc{} || r2.ptr == end || *r2.ptr != '/' || cr.last < cr.first)
        return std::nullopt;
    std::string_view total(r2.ptr + 1, static_cast<std::size_t>(end - r2.ptr - 1));
    if (total == "*")
        return cr;
    std::uint64_t t = 0;
    auto r3 = std::from_chars(total.data(), total.data() + total.size(), t);
    if (total.empty() || r3.ec != std::errc{} || r3.ptr != total.data() + total.size() || t <= cr.last)
        return std::nullopt;
    cr.total = t;
    return cr;
}

// ---- buckets -----------------------------------------------------------------------------------

std::error_code build_head_bucket(const config& cfg, std::string_view bucket, http_request& out) {
    BB_TRY(check_bucket(bucket));
    locate(cfg, "HEAD", bucket, {}, out);
    return {};
}

std::error_code decode_head_bucket(const http_response_view& r, head_bucket_output& out) {
    if (!r.success())
        return error::not_success;
    out.region = bucket_region(r);
    return {};
}

std::string bucket_region(const http_response_view& r) {
    auto v = r.header("x-amz-bucket-region");
    return v ? std::string(*v) : std::string();
}

std::error_code build_create_bucket(const config& cfg, std::string_view bucket, std::string_view region,
                                    http_request& out) {
    BB_TRY(check_bucket(bucket));
    locate(cfg, "PUT", bucket, {}, out);
    if (!region.empty() && region != "us-east-1") {
        open_doc(out.body, "CreateBucketConfiguration");
        element(out.body, "LocationConstraint", region);
        out.body += "</CreateBucketConfiguration>";
        out.headers.emplace_back("Content-Type", "application/xml");
    }
    return {};
}

std::error_code decode_create_bucket(const http_response_view& r) {
    return r.success() ? std::error_code{} : std::error_code{error::not_success};
}

// ---- objects -----------------------------------------------------------------------------------

std::error_code build_put_object(const config& cfg, put_object_input in, http_request& out) {
    BB_TRY(check_bucket(in.bucket));
    BB_TRY(check_key(in.key));
    locate(cfg, "PUT", in.bucket, in.key, out);
    if (!in.content_type.empty())
        out.headers.emplace_back("Content-Type", std::move(in.content_type));
    for (auto& [k, v] : in.metadata)
        out.headers.emplace_back("x-amz-meta-" + k, std::move(v));
    out.body = std::move(in.body);
    return {};
}

std::error_code decode_put_object(const http_response_view& r, put_object_output& out) {
    if (!r.success())
        return error::not_success;
    header_str(r, "ETag", out.etag);
    header_str(r, "x-amz-version-id", out.version_id);
    return {};
}

std::error_code build_head_object(const config& cfg, std::string_view bucket, std::string_view key,
                                  http_request& out, bool checksum_mode) {
    BB_TRY(check_bucket(bucket));
    BB_TRY(check_key(key));
    locate(cfg, "HEAD", bucket, key, out);
    if (checksum_mode)
        out.headers.emplace_back("x-amz-checksum-mode", "ENABLED");
    return {};
}

std::error_code decode_head_object(const http_response_view& r, object_metadata& out) {
    if (!r.success())
        return error::not_success;
    return read_metadata(r, out);
}

std::error_code build_get_object(const config& cfg, const get_object_input& in, http_request& out) {
    BB_TRY(check_bucket(in.bucket));
    BB_TRY(check_key(in.key));
    std::string range;
    if (in.range)
        BB_TRY(format_range(*in.range, range));
    locate(cfg, "GET", in.bucket, in.key, out);
    if (!range.empty())
        out.headers.emplace_back("Range", std::move(range));
    if (!in.if_match.empty())
        out.headers.emplace_back("If-Match", in.if_match);
    return {};
}

std::error_code decode_get_object(const http_response_view& r, get_object_output& out) {
    if (!r.success())
        return error::not_success;
    BB_TRY(read_metadata(r, out.meta));
    if (auto v = r.header("Content-Range")) {
        out.range = parse_content_range(*v);
        if (!out.range)
            return error::bad_value;
    }
    out.body = r.body;
    return {};
}

// ---- listing -----------------------------------------------------------------------------------

std::error_code build_list_objects_v2(const config& cfg, const list_objects_v2_input& in, http_request& out) {
    BB_TRY(check_bucket(in.bucket));
    if (in.max_keys && (*in.max_keys < 0 || *in.max_keys > 1000))
        return error::invalid_parameter;
    locate(cfg, "GET", in.bucket, {}, out);
    out.query.emplace_back("list-type", "2");
    add_query(out, "continuation-token", in.continuation_token);
    add_query(out, "delimiter", in.delimiter);
    if (in.encoding_type_url)
        out.query.emplace_back("encoding-type", "url");
    add_int_query(out, "max-keys", in.max_keys);
    add_query(out, "prefix", in.prefix);
    add_query(out, "start-after", in.start_after);
    return {};
}

std::error_code decode_list_objects_v2(const http_response_view& r, list_objects_v2_output& out) {
    pugi::xml_document doc;
    pugi::xml_node root;
    BB_TRY(parse_success(doc, r, "ListBucketResult", root));
    BB_TRY(get(root, "Name", out.name));
    BB_TRY(get(root, "Prefix", out.prefix));
    BB_TRY(get(root, "Delimiter", out.delimiter));
    BB_TRY(get(root, "StartAfter", out.start_after));
    BB_TRY(get(root, "ContinuationToken", out.continuation_token));
    BB_TRY(get(root, "NextContinuationToken", out.next_continuation_token));
    BB_TRY(get(root, "EncodingType", out.encoding_type));
    std::optional<std::uint64_t> n;
    BB_TRY(get(root, "KeyCount", n));
    out.key_count = n.value_or(0);
    n.reset();
    BB_TRY(get(root, "MaxKeys", n));
    out.max_keys = n.value_or(0);
    BB_TRY(get(root, "IsTruncated", out.is_truncated));
    const bool url = out.encoding_type == "url";
    auto dec = [url](std::string& s) {
        if (url)
            s = uri_decode(s, true);
    };
    dec(out.prefix);
    dec(out.delimiter);
    dec(out.start_after);
    for (pugi::xml_node c : root.children("Contents")) {
        object_summary& o = out.contents.emplace_back();
        BB_TRY(get(c, "Key", o.key, true));
        dec(o.key);
        BB_TRY(get(c, "LastModified", o.last_modified));
        BB_TRY(get(c, "ETag", o.etag));
        std::optional<std::uint64_t> size;
        BB_TRY(get(c, "Size", size));
        o.size = size.value_or(0);
        BB_TRY(get(c, "StorageClass", o.storage_class));
    }
    for (pugi::xml_node p : root.children("CommonPrefixes")) {
        std::string& s = out.common_prefixes.emplace_back();
        BB_TRY(get(p, "Prefix", s, true));
        dec(s);
    }
    return {};
}

// ---- batch delete ------------------------------------------------------------------------------

std::error_code build_delete_objects(const config& cfg, std::string_view bucket,
                                     const std::vector<object_identifier>& objects, bool quiet,
                                     http_request& out) {
    BB_TRY(check_bucket(bucket));
    if (objects.empty())
        return error::missing_parameter;
    if (objects.size() > 1000)
        return error::too_many_keys;
    for (const auto& o : objects)
        BB_TRY(check_key(o.key));
    locate(cfg, "POST", bucket, {}, out);
    out.query.emplace_back("delete", "");
    std::string& body = out.body;
    open_doc(body, "Delete");
    for (const auto& o : objects) {
        body += "<Object>";
        element(body, "Key", o.key);
        if (!o.version_id.empty())
            element(body, "VersionId", o.version_id);
        body += "</Object>";
    }
    if (quiet)
        body += "<Quiet>true</Quiet>";
    body += "</Delete>";
    out.headers.emplace_back("Content-Type", "application/xml");
    out.headers.emplace_back("Content-MD5", content_md5(body));
    return {};
}

std::error_code decode_delete_objects(const http_response_view& r, delete_objects_output& out) {
    pugi::xml_document doc;
    pugi::xml_node root;
    BB_TRY(parse_success(doc, r, "DeleteResult", root));
    for (pugi::xml_node d : root.children("Deleted")) {
        deleted_object& x = out.deleted.emplace_back();
        BB_TRY(get(d, "Key", x.key));
        BB_TRY(get(d, "VersionId", x.version_id));
        BB_TRY(get(d, "DeleteMarker", x.delete_marker));
    }
    for (pugi::xml_node e : root.children("Error")) {
        delete_error& x = out.errors.emplace_back();
        BB_TRY(get(e, "Key", x.key));
        BB_TRY(get(e, "VersionId", x.version_id));
        BB_TRY(get(e, "Code", x.code));
        BB_TRY(get(e, "Message", x.message));
    }
    return {};
}

// ---- multipart uploads -------------------------------------------------------------------------

std::error_code build_create_multipart_upload(const config& cfg, std::string_view bucket,
                                              std::string_view key, http_request& out,
                                              std::string_view content_type, std::string_view checksum_algorithm) {
    BB_TRY(check_bucket(bucket));
    BB_TRY(check_key(key));
    locate(cfg, "POST", bucket, key, out);
    out.query.emplace_back("uploads", "");
    if (!content_type.empty())
        out.headers.emplace_back("Content-Type", std::string(content_type));
    if (!checksum_algorithm.empty())
        out.headers.emplace_back("x-amz-checksum-algorithm", std::string(checksum_algorithm));
    return {};
}

std::error_code decode_create_multipart_upload(const http_response_view& r,
                                               create_multipart_upload_output& out) {
    pugi::xml_document doc;
    pugi::xml_node root;
    BB_TRY(parse_success(doc, r, "InitiateMultipartUploadResult", root));
    BB_TRY(get(root, "Bucket", out.bucket));
    BB_TRY(get(root, "Key", out.key));
    BB_TRY(get(root, "UploadId", out.upload_id, true));
    return out.upload_id.empty() ? std::error_code{error::missing_field} : std::error_code{};
}

std::error_code build_upload_part(const config& cfg, std::string_view bucket, std::string_view key,
                                  std::string_view upload_id, int part_number, http_request& out,
                                  std::string body) {
    BB_TRY(check_bucket(bucket));
    BB_TRY(check_key(key));
    if (upload_id.empty())
        return error::missing_parameter;
    if (part_number < 1 || part_number > 10000)
        return error::invalid_parameter;
    locate(cfg, "PUT", bucket, key, out);
    out.query.emplace_back("partNumber", std::to_string(part_number));
    out.query.emplace_back("uploadId", std::string(upload_id));
    out.body = std::move(body);
    return {};
}

std::error_code decode_upload_part(const http_response_view& r, std::string& etag) {
    if (!r.success())
        return error::not_success;
    auto v = r.header("ETag");
    if (!v || v->empty())
        return error::missing_field;
    etag.assign(*v);
    return {};
}

std::error_code build_complete_multipart_upload(const config& cfg, std::string_view bucket,
                                                std::string_view key, std::string_view upload_id,
                                                const std::vector<completed_part>& parts, http_request& out) {
    BB_TRY(check_bucket(bucket));
    BB_TRY(check_key(key));
    if (upload_id.empty() || parts.empty())
        return error::missing_parameter;
    int prev = 0;
    for (const auto& p : parts) {
        if (p.part_number <= prev || p.part_number > 10000 || p.etag.empty())
            return error::invalid_parameter;
        prev = p.part_number;
    }
    locate(cfg, "POST", bucket, key, out);
    out.query.emplace_back("uploadId", std::string(upload_id));
    std::string& body = out.body;
    open_doc(body, "CompleteMultipartUpload");
    for (const auto& p : parts) {
        body += "<Part>";
        element(body, "ETag", p.etag);
        if (!p.checksum_crc32c.empty())
            element(body, "ChecksumCRC32C", p.checksum_crc32c);
        element(body, "PartNumber", std::to_string(p.part_number));
        body += "</Part>";
    }
    body += "</CompleteMultipartUpload>";
    out.headers.emplace_back("Content-Type", "application/xml");
    return {};
}

std::error_code decode_complete_multipart_upload(const http_response_view& r,
                                                 complete_multipart_upload_output& out) {
    if (!r.success())
        return error::not_success;
    pugi::xml_document doc;
    pugi::xml_node root;
    if (auto ec = detail::parse_xml(doc, r.body, "CompleteMultipartUploadResult", root)) {
        if (std::string_view(doc.document_element().name()) == "Error")
            return error::error_in_body;
        return ec;
    }
    BB_TRY(get(root, "Location", out.location));
    BB_TRY(get(root, "Bucket", out.bucket));
    BB_TRY(get(root, "Key", out.key));
    BB_TRY(get(root, "ETag", out.etag));
    header_str(r, "x-amz-version-id", out.version_id);
    return {};
}

std::error_code build_abort_multipart_upload(const config& cfg, std::string_view bucket, std::string_view key,
                                             std::string_view upload_id, http_request& out) {
    BB_TRY(check_bucket(bucket));
    BB_TRY(check_key(key));
    if (upload_id.empty())
        return error::missing_parameter;
    locate(cfg, "DELETE", bucket, key, out);
    out.query.emplace_back("uploadId", std::string(upload_id));
    return {};
}

std::error_code decode_abort_multipart_upload(const http_response_view& r) {
    return r.success() ? std::error_code{} : std::error_code{error::not_success};
}

std::error_code build_list_parts(const config& cfg, const list_parts_input& in, http_request& out) {
    BB_TRY(check_bucket(in.bucket));
    BB_TRY(check_key(in.key));
    if (in.upload_id.empty())
        return error::missing_parameter;
    if ((in.max_parts && (*in.max_parts < 1 || *in.max_parts > 1000)) ||
        (in.part_number_marker && (*in.part_number_marker < 0 || *in.part_number_marker > 10000)))
        return error::invalid_parameter;
    locate(cfg, "GET", in.bucket, in.key, out);
    add_int_query(out, "max-parts", in.max_parts);
    add_int_query(out, "part-number-marker", in.part_number_marker);
    out.query.emplace_back("uploadId", in.upload_id);
    return {};
}

std::error_code decode_list_parts(const http_response_view& r, list_parts_output& out) {
    pugi::xml_document doc;
    pugi::xml_node root;
    BB_TRY(parse_success(doc, r, "ListPartsResult", root));
    BB_TRY(get(root, "Bucket", out.bucket));
    BB_TRY(get(root, "Key", out.key));
    BB_TRY(get(root, "UploadId", out.upload_id));
    BB_TRY(get(root, "IsTruncated", out.is_truncated));
    BB_TRY(get(root, "NextPartNumberMarker", out.next_part_number_marker));
    BB_TRY(get(root, "MaxParts", out.max_parts));
    for (pugi::xml_node p : root.children("Part")) {
        part_summary& x = out.parts.emplace_back();
        BB_TRY(get_int(p, "PartNumber", x.part_number, true));
        BB_TRY(get(p, "ETag", x.etag));
        std::optional<std::uint64_t> size;
        BB_TRY(get(p, "Size", size));
        x.size = size.value_or(0);
        BB_TRY(get(p, "LastModified", x.last_modified));
    }
    return {};
}

std::error_code build_list_multipart_uploads(const config& cfg, const list_multipart_uploads_input& in,
                                             http_request& out) {
    BB_TRY(check_bucket(in.bucket));
    if (in.max_uploads && (*in.max_uploads < 1 || *in.max_uploads > 1000))
        return error::invalid_parameter;
    locate(cfg, "GET", in.bucket, {}, out);
    out.query.emplace_back("uploads", "");
    add_query(out, "delimiter", in.delimiter);
    add_query(out, "key-marker", in.key_marker);
    add_int_query(out, "max-uploads", in.max_uploads);
    add_query(out, "prefix", in.prefix);
    add_query(out, "upload-id-marker", in.upload_id_marker);
    return {};
}

std::error_code decode_list_multipart_uploads(const http_response_view& r,
                                              list_multipart_uploads_output& out) {
    pugi::xml_document doc;
    pugi::xml_node root;
    BB_TRY(parse_success(doc, r, "ListMultipartUploadsResult", root));
    BB_TRY(get(root, "Bucket", out.bucket));
    BB_TRY(get(root, "IsTruncated", out.is_truncated));
    BB_TRY(get(root, "NextKeyMarker", out.next_key_marker));
    BB_TRY(get(root, "NextUploadIdMarker", out.next_upload_id_marker));
    for (pugi::xml_node u : root.children("Upload")) {
        upload_summary& x = out.uploads.emplace_back();
        BB_TRY(get(u, "Key", x.key, true));
        BB_TRY(get(u, "UploadId", x.upload_id, true));
        BB_TRY(get(u, "Initiated", x.initiated));
    }
    for (pugi::xml_node p : root.children("CommonPrefixes"))
        BB_TRY(get(p, "Prefix", out.common_prefixes.emplace_back(), true));
    return {};
}

} // namespace protocol::s3
