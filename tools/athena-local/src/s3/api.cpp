#include "s3/api.hpp"

#include <aws_sigv4/crc32c.hpp>
#include <aws_sigv4/hash.hpp>

#include <openssl/evp.h>
#include <pugixml.hpp>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

namespace athena_local::s3 {

const std::string* request::header(std::string_view name) const {
    for (auto& [n, v] : headers)
        if (n == name)
            return &v;
    return nullptr;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&apos;"; break;
        case '\r': out += "&#13;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string http_date(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::string iso_date(std::int64_t ms) {
    std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[80];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

namespace {

constexpr const char* xml_header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
constexpr const char* xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

std::optional<std::string> base64_decode(std::string_view in) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+' || c == '-') return 62;
        if (c == '/' || c == '_') return 63;
        return -1;
    };
    while (!in.empty() && in.back() == '=')
        in.remove_suffix(1);
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : in) {
        int v = val(c);
        if (v < 0)
            return std::nullopt;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    return out;
}

std::string md5_hex_etag(std::string_view raw) {
    static const char* d = "0123456789abcdef";
    std::string s = "\"";
    for (unsigned char c : raw) {
        s += d[c >> 4];
        s += d[c & 15];
    }
    return s + "\"";
}

std::string raw_md5(std::string_view data) {
    unsigned char out[16];
    unsigned len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr);
    return std::string(reinterpret_cast<char*>(out), 16);
}

} // namespace

std::string crc_base64(std::uint32_t v) {
    unsigned char b[4] = {static_cast<unsigned char>(v >> 24), static_cast<unsigned char>(v >> 16),
                          static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
    return aws_sigv4::base64_encode(b, 4);
}

namespace {
std::string be32_base64(std::uint32_t v) { return crc_base64(v); }

std::string checksum_of(std::string_view algo, std::string_view data) {
    if (algo == "crc32") {
        uLong c = crc32(0L, Z_NULL, 0);
        std::size_t off = 0;
        while (off < data.size()) {
            auto n = static_cast<uInt>(std::min<std::size_t>(data.size() - off, 1u << 30));
            c = crc32(c, reinterpret_cast<const Bytef*>(data.data() + off), n);
            off += n;
        }
        return be32_base64(static_cast<std::uint32_t>(c));
    }
    if (algo == "crc32c")
        return be32_base64(aws_sigv4::crc32c(data));
    if (algo == "sha256") {
        auto d = aws_sigv4::sha256_of(data);
        return aws_sigv4::base64_encode(d.data(), d.size());
    }
    return {};
}

constexpr std::string_view checksum_algos[] = {"crc32", "crc32c", "sha256"};

} // namespace

std::vector<std::string> checksum_headers(const request& req) {
    std::vector<std::string> out;
    for (auto algo : checksum_algos)
        if (req.header("x-amz-checksum-" + std::string(algo)))
            out.emplace_back(algo);
    return out;
}

namespace {

/// Verifies Content-MD5 and x-amz-checksum-* (headers or trailers). Returns an error response or nullopt;
/// fills the verified checksums.
std::optional<response> check_integrity(const request& req, std::map<std::string, std::string>& checksums) {
    if (auto* md5 = req.header("content-md5")) {
        auto raw = base64_decode(*md5);
        if (!raw || raw->size() != 16)
            return error(req, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
        if (*raw != (req.streamed ? req.streamed->md5 : raw_md5(req.payload)))
            return error(req, 400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
    }
    for (auto algo : checksum_algos) {
        std::string name = "x-amz-checksum-" + std::string(algo);
        const std::string* given = req.header(name);
        auto t = req.trailers.find(name);
        if (!given && t != req.trailers.end())
            given = &t->second;
        if (!given)
            continue;
        std::string want;
        if (req.streamed) {
            auto it = req.streamed->checksums.find(std::string(algo));
            if (it != req.streamed->checksums.end())
                want = it->second;
        } else {
            want = checksum_of(algo, req.payload);
        }
        if (*given != want) {
            std::string upper(algo);
            std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
            auto decoded = base64_decode(*given);
            std::size_t expect_len = algo == "sha256" ? 32 : 4;
            if (!decoded || decoded->size() != expect_len)
                return error(req, 400, "InvalidRequest", "Value for " + name + " header is invalid.");
            return error(req, 400, "BadDigest", "The " + upper + " you specified did not match the calculated checksum.");
        }
        checksums[std::string(algo)] = want;
    }
    return std::nullopt;
}

response error_for(const request& req, store_error e) {
    switch (e) {
    case store_error::no_such_bucket:
        return error(req, 404, "NoSuchBucket", "The specified bucket does not exist", {{"BucketName", req.bucket}});
    case store_error::bucket_exists:
        return error(req, 409, "BucketAlreadyOwnedByYou",
                     "Your previous request to create the named bucket succeeded and you already own it.",
                     {{"BucketName", req.bucket}});
    case store_error::bucket_not_empty:
        return error(req, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty", {{"BucketName", req.bucket}});
    case store_error::no_such_key:
        return error(req, 404, "NoSuchKey", "The specified key does not exist.", {{"Key", req.key}});
    case store_error::no_such_upload:
        return error(req, 404, "NoSuchUpload",
                     "The specified upload does not exist. The upload ID may be invalid, or the upload may have been "
                     "aborted or completed.");
    case store_error::invalid_part:
        return error(req, 400, "InvalidPart",
                     "One or more of the specified parts could not be found.  The part may not have been uploaded, or "
                     "the specified entity tag may not match the part's entity tag.");
    case store_error::invalid_part_order:
        return error(req, 400, "InvalidPartOrder",
                     "The list of parts was not in ascending order. Parts must be ordered by part number.");
    case store_error::entity_too_small:
        return error(req, 400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size");
    case store_error::invalid_bucket_name:
        return error(req, 400, "InvalidBucketName", "The specified bucket is not valid.", {{"BucketName", req.bucket}});
    case store_error::io:
    case store_error::none:
        break;
    }
    return error(req, 500, "InternalError", "We encountered an internal error. Please try again.");
}

response ok_xml(std::string body) {
    response r;
    r.headers.emplace_back("Content-Type", "application/xml");
    r.body = xml_header + body;
    return r;
}

put_options options_from(const request& req) {
    put_options o;
    if (auto* ct = req.header("content-type"))
        o.content_type = *ct;
    for (auto& [n, v] : req.headers)
        if (n.starts_with("x-amz-meta-"))
            o.user_meta[n.substr(11)] = v;
    return o;
}

void object_headers(const request& req, const object_meta& m, response& r) {
    r.headers.emplace_back("ETag", m.etag);
    r.headers.emplace_back("Last-Modified", http_date(m.last_modified_ms));
    r.headers.emplace_back("Content-Type", m.content_type);
    r.headers.emplace_back("Accept-Ranges", "bytes");
    for (auto& [k, v] : m.user_meta)
        r.headers.emplace_back("x-amz-meta-" + k, v);
    auto* mode = req.header("x-amz-checksum-mode");
    if (mode && (*mode == "ENABLED" || *mode == "enabled"))
        for (auto& [k, v] : m.checksums)
            r.headers.emplace_back("x-amz-checksum-" + k, v);
}

bool parse_u64(std::string_view s, std::uint64_t& v) {
    if (s.empty())
        return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && p == s.data() + s.size();
}

response get_object(disk_store& store, const request& req, bool head) {
    object_meta m;
    std::filesystem::path path;
    if (auto e = store.head(req.bucket, req.key, m, &path); e != store_error::none) {
        if (e == store_error::no_such_key && head)
            return error(req, 404, "NotFound", "Not Found");
        return error_for(req, e);
    }
    if (auto* inm = req.header("if-none-match"); inm && *inm == m.etag) {
        response r;
        r.status = 304;
        r.headers.emplace_back("ETag", m.etag);
        return r;
    }
    if (auto* im = req.header("if-match"); im && *im != m.etag && *im != "*")
        return error(req, 412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
                     {{"Condition", "If-Match"}});
    response r;
    object_headers(req, m, r);
    std::uint64_t first = 0, length = m.size;
    if (auto* range = req.header("range"); range && range->starts_with("bytes=") && range->find(',') == std::string::npos) {
        std::string_view spec = std::string_view(*range).substr(6);
        auto dash = spec.find('-');
        std::uint64_t a = 0, b = 0;
        bool valid = dash != std::string_view::npos;
        bool satisfiable = true;
        if (valid && dash == 0) { // suffix: last N bytes
            valid = parse_u64(spec.substr(1), b);
            if (valid) {
                if (b == 0)
                    satisfiable = false;
                else {
                    length = std::min(b, m.size);
                    first = m.size - length;
                }
            }
        } else if (valid) {
            valid = parse_u64(spec.substr(0, dash), a);
            auto rest = spec.substr(dash + 1);
            if (valid && rest.empty())
                b = m.size ? m.size - 1 : 0;
            else if (valid)
                valid = parse_u64(rest, b) && b >= a;
            if (valid) {
                if (a >= m.size)
                    satisfiable = false;
                else {
                    first = a;
                    length = std::min(b, m.size - 1) - a + 1;
                }
            }
        }
        if (valid && !satisfiable)
            return error(req, 416, "InvalidRange", "The requested range is not satisfiable",
                         {{"ActualObjectSize", std::to_string(m.size)}, {"RangeRequested", *range}});
        if (valid) {
            r.status = 206;
            r.headers.emplace_back("Content-Range", "bytes " + std::to_string(first) + "-" +
                                                        std::to_string(first + length - 1) + "/" + std::to_string(m.size));
        }
    }
    r.file = path;
    r.file_offset = first;
    r.file_length = length;
    if (m.parts > 0)
        r.headers.emplace_back("x-amz-mp-parts-count", std::to_string(m.parts));
    return r;
}

response put_object(disk_store& store, const request& req) {
    if (auto* src = req.header("x-amz-copy-source")) {
        std::string s = *src;
        std::string decoded;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size()) {
                decoded += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                decoded += s[i];
            }
        }
        if (auto q = decoded.find("?versionId="); q != std::string::npos)
            decoded.resize(q);
        if (!decoded.empty() && decoded.front() == '/')
            decoded.erase(0, 1);
        auto slash = decoded.find('/');
        if (slash == std::string::npos)
            return error(req, 400, "InvalidArgument", "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
        auto sb = decoded.substr(0, slash), sk = decoded.substr(slash + 1);
        auto* directive = req.header("x-amz-metadata-directive");
        bool replace = directive && *directive == "REPLACE";
        if (sb == req.bucket && sk == req.key && !replace)
            return error(req, 400, "InvalidRequest",
                         "This copy request is illegal because it is trying to copy an object to itself without "
                         "changing the object's metadata, storage class, website redirect location or encryption "
                         "attributes.");
        auto opts = options_from(req);
        object_meta out;
        auto e = store.copy(sb, sk, req.bucket, req.key, replace ? &opts : nullptr, out);
        if (e != store_error::none) {
            request r2 = req;
            r2.key = sk;
            return error_for(e == store_error::no_such_key ? r2 : req, e);
        }
        return ok_xml("<CopyObjectResult xmlns=\"" + std::string(xmlns) + "\"><LastModified>" +
                      iso_date(out.last_modified_ms) + "</LastModified><ETag>" + xml_escape(out.etag) +
                      "</ETag></CopyObjectResult>");
    }
    auto opts = options_from(req);
    if (auto bad = check_integrity(req, opts.checksums))
        return *bad;
    object_meta out;
    auto e = req.streamed ? store.put_file(req.bucket, req.key, req.streamed->file, req.streamed->size,
                                           md5_hex_etag(req.streamed->md5), opts, out)
                          : store.put(req.bucket, req.key, req.payload, opts, out);
    if (e != store_error::none)
        return error_for(req, e);
    response r;
    r.headers.emplace_back("ETag", out.etag);
    for (auto& [k, v] : out.checksums)
        r.headers.emplace_back("x-amz-checksum-" + k, v);
    return r;
}

std::string continuation_encode(std::string_view key) { return aws_sigv4::base64_encode(key.data(), key.size()); }

response list_objects(disk_store& store, const request& req, bool v2) {
    list_request lr;
    auto q = [&](const char* k) -> const std::string* {
        auto it = req.query.find(k);
        return it == req.query.end() ? nullptr : &it->second;
    };
    if (auto* p = q("prefix"))
        lr.prefix = *p;
    if (auto* d = q("delimiter"))
        lr.delimiter = *d;
    if (auto* mk = q("max-keys")) {
        std::uint64_t n = 0;
        if (!parse_u64(*mk, n))
            return error(req, 400, "InvalidArgument", "Provided max-keys not an integer or within integer range",
                         {{"ArgumentName", "max-keys"}, {"ArgumentValue", *mk}});
        lr.max_keys = static_cast<std::size_t>(std::min<std::uint64_t>(n, 1000));
    }
    std::string token;
    if (v2) {
        if (auto* t = q("continuation-token")) {
            auto k = base64_decode(*t);
            if (!k || t->empty())
                return error(req, 400, "InvalidArgument", "The continuation token provided is incorrect",
                             {{"ArgumentName", "continuation-token"}});
            lr.start_after = *k;
            token = *t;
        } else if (auto* sa = q("start-after")) {
            lr.start_after = *sa;
        }
    } else if (auto* m = q("marker")) {
        lr.start_after = *m;
    }
    list_result res;
    if (auto e = store.list_objects(req.bucket, lr, res); e != store_error::none)
        return error_for(req, e);
    bool url = false;
    if (auto* et = q("encoding-type"))
        url = *et == "url";
    auto enc = [&](std::string_view s) {
        if (!url)
            return xml_escape(s);
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/')
                out += static_cast<char>(c);
            else {
                char b[4];
                std::snprintf(b, sizeof b, "%%%02X", c);
                out += b;
            }
        }
        return out;
    };
    std::string x = "<ListBucketResult xmlns=\"" + std::string(xmlns) + "\"><Name>" + xml_escape(req.bucket) +
                    "</Name><Prefix>" + enc(lr.prefix) + "</Prefix>";
    if (v2) {
        if (!token.empty())
            x += "<ContinuationToken>" + xml_escape(token) + "</ContinuationToken>";
        if (auto* sa = q("start-after"))
            x += "<StartAfter>" + enc(*sa) + "</StartAfter>";
        x += "<KeyCount>" + std::to_string(res.contents.size() + res.common_prefixes.size()) + "</KeyCount>";
    } else {
        x += "<Marker>" + enc(lr.start_after) + "</Marker>";
    }
    x += "<MaxKeys>" + std::to_string(lr.max_keys) + "</MaxKeys>";
    if (!lr.delimiter.empty())
        x += "<Delimiter>" + enc(lr.delimiter) + "</Delimiter>";
    if (url)
        x += "<EncodingType>url</EncodingType>";
    x += std::string("<IsTruncated>") + (res.truncated ? "true" : "false") + "</IsTruncated>";
    if (res.truncated) {
        if (v2)
            x += "<NextContinuationToken>" + continuation_encode(res.next_after) + "</NextContinuationToken>";
        else if (!lr.delimiter.empty())
            x += "<NextMarker>" + enc(res.next_after) + "</NextMarker>";
    }
    for (auto& m : res.contents) {
        x += "<Contents><Key>" + enc(m.key) + "</Key><LastModified>" + iso_date(m.last_modified_ms) +
             "</LastModified><ETag>" + xml_escape(m.etag) + "</ETag><Size>" + std::to_string(m.size) +
             "</Size><StorageClass>STANDARD</StorageClass></Contents>";
    }
    for (auto& p : res.common_prefixes)
        x += "<CommonPrefixes><Prefix>" + enc(p) + "</Prefix></CommonPrefixes>";
    x += "</ListBucketResult>";
    return ok_xml(std::move(x));
}

response delete_objects(disk_store& store, const request& req) {
    if (!req.header("content-md5") && !req.header("x-amz-checksum-crc32") && !req.header("x-amz-checksum-crc32c") &&
        !req.header("x-amz-checksum-sha256") && req.trailers.empty())
        return error(req, 400, "InvalidRequest", "Missing required header for this request: Content-MD5");
    std::map<std::string, std::string> sums;
    if (auto bad = check_integrity(req, sums))
        return *bad;
    pugi::xml_document doc;
    if (!doc.load_buffer(req.payload.data(), req.payload.size()) || !doc.child("Delete"))
        return error(req, 400, "MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our published schema");
    auto del = doc.child("Delete");
    bool quiet = std::string_view(del.child_value("Quiet")) == "true";
    std::vector<std::string> keys;
    for (auto o : del.children("Object"))
        keys.emplace_back(o.child_value("Key"));
    if (keys.size() > 1000)
        return error(req, 400, "MalformedXML",
                     "The XML you provided was not well-formed or did not validate against our published schema");
    if (!store.bucket_exists(req.bucket))
        return error_for(req, store_error::no_such_bucket);
    std::string x = "<DeleteResult xmlns=\"" + std::string(xmlns) + "\">";
    for (auto& k : keys) {
        auto e = store.remove(req.bucket, k);
        if (e != store_error::none)
            x += "<Error><Key>" + xml_escape(k) + "</Key><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message></Error>";
        else if (!quiet)
            x += "<Deleted><Key>" + xml_escape(k) + "</Key></Deleted>";
    }
    x += "</DeleteResult>";
    return ok_xml(std::move(x));
}

response multipart(disk_store& store, const request& req) {
    auto& m = req.method;
    auto upload = req.query.find("uploadId");
    if (m == "POST" && req.query.count("uploads")) {
        auto opts = options_from(req);
        std::string algo;
        if (auto* a = req.header("x-amz-checksum-algorithm"))
            algo = *a;
        upload_meta u;
        if (auto e = store.create_upload(req.bucket, req.key, opts, algo, u); e != store_error::none)
            return error_for(req, e);
        auto r = ok_xml("<InitiateMultipartUploadResult xmlns=\"" + std::string(xmlns) + "\"><Bucket>" +
                        xml_escape(req.bucket) + "</Bucket><Key>" + xml_escape(req.key) + "</Key><UploadId>" +
                        u.upload_id + "</UploadId></InitiateMultipartUploadResult>");
        if (!algo.empty())
            r.headers.emplace_back("x-amz-checksum-algorithm", algo);
        return r;
    }
    const std::string& id = upload->second;
    if (m == "PUT") {
        std::uint64_t n = 0;
        auto pn = req.query.find("partNumber");
        if (pn == req.query.end() || !parse_u64(pn->second, n) || n < 1 || n > 10000)
            return error(req, 400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
                         {{"ArgumentName", "partNumber"}});
        std::map<std::string, std::string> sums;
        if (auto bad = check_integrity(req, sums))
            return *bad;
        part_meta p;
        auto e = req.streamed ? store.upload_part_file(req.bucket, id, static_cast<int>(n), req.streamed->file,
                                                       req.streamed->size, md5_hex_etag(req.streamed->md5), sums, p)
                              : store.upload_part(req.bucket, id, static_cast<int>(n), req.payload, sums, p);
        if (e != store_error::none)
            return error_for(req, e);
        response r;
        r.headers.emplace_back("ETag", p.etag);
        for (auto& [k, v] : p.checksums)
            r.headers.emplace_back("x-amz-checksum-" + k, v);
        return r;
    }
    if (m == "POST") {
        pugi::xml_document doc;
        if (!doc.load_buffer(req.payload.data(), req.payload.size()) || !doc.child("CompleteMultipartUpload"))
            return error(req, 400, "MalformedXML",
                         "The XML you provided was not well-formed or did not validate against our published schema");
        std::vector<std::pair<int, std::string>> parts;
        for (auto p : doc.child("CompleteMultipartUpload").children("Part")) {
            std::uint64_t n = 0;
            if (!parse_u64(p.child_value("PartNumber"), n) || n < 1 || n > 10000)
                return error(req, 400, "InvalidPart", "Part numbers must be between 1 and 10000");
            parts.emplace_back(static_cast<int>(n), p.child_value("ETag"));
        }
        object_meta out;
        std::string detail;
        if (auto e = store.complete_upload(req.bucket, id, parts, out, detail); e != store_error::none)
            return error_for(req, e);
        return ok_xml("<CompleteMultipartUploadResult xmlns=\"" + std::string(xmlns) + "\"><Location>/" +
                      xml_escape(req.bucket) + "/" + xml_escape(req.key) + "</Location><Bucket>" +
                      xml_escape(req.bucket) + "</Bucket><Key>" + xml_escape(req.key) + "</Key><ETag>" +
                      xml_escape(out.etag) + "</ETag></CompleteMultipartUploadResult>");
    }
    if (m == "DELETE") {
        if (auto e = store.abort_upload(req.bucket, id); e != store_error::none)
            return error_for(req, e);
        response r;
        r.status = 204;
        return r;
    }
    if (m == "GET") {
        upload_meta u;
        std::vector<part_meta> parts;
        if (auto e = store.list_parts(req.bucket, id, u, parts); e != store_error::none)
            return error_for(req, e);
        std::uint64_t marker = 0, max = 1000;
        if (auto it = req.query.find("part-number-marker"); it != req.query.end())
            parse_u64(it->second, marker);
        if (auto it = req.query.find("max-parts"); it != req.query.end())
            parse_u64(it->second, max);
        std::string x = "<ListPartsResult xmlns=\"" + std::string(xmlns) + "\"><Bucket>" + xml_escape(req.bucket) +
                        "</Bucket><Key>" + xml_escape(u.key) + "</Key><UploadId>" + id +
                        "</UploadId><StorageClass>STANDARD</StorageClass><PartNumberMarker>" + std::to_string(marker) +
                        "</PartNumberMarker>";
        std::string body;
        std::uint64_t count = 0;
        int last = 0;
        bool truncated = false;
        for (auto& p : parts) {
            if (static_cast<std::uint64_t>(p.number) <= marker)
                continue;
            if (count == max) {
                truncated = true;
                break;
            }
            ++count;
            last = p.number;
            body += "<Part><PartNumber>" + std::to_string(p.number) + "</PartNumber><LastModified>" +
                    iso_date(p.last_modified_ms) + "</LastModified><ETag>" + xml_escape(p.etag) + "</ETag><Size>" +
                    std::to_string(p.size) + "</Size></Part>";
        }
        x += "<NextPartNumberMarker>" + std::to_string(last) + "</NextPartNumberMarker><MaxParts>" +
             std::to_string(max) + "</MaxParts><IsTruncated>" + (truncated ? "true" : "false") + "</IsTruncated>" +
             body + "</ListPartsResult>";
        return ok_xml(std::move(x));
    }
    return error(req, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
}

response list_uploads(disk_store& store, const request& req) {
    if (!store.bucket_exists(req.bucket))
        return error_for(req, store_error::no_such_bucket);
    std::string prefix;
    if (auto it = req.query.find("prefix"); it != req.query.end())
        prefix = it->second;
    auto ups = store.list_uploads(req.bucket, prefix);
    std::string x = "<ListMultipartUploadsResult xmlns=\"" + std::string(xmlns) + "\"><Bucket>" +
                    xml_escape(req.bucket) + "</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>"
                    "<Prefix>" + xml_escape(prefix) + "</Prefix><MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>";
    for (auto& u : ups)
        x += "<Upload><Key>" + xml_escape(u.key) + "</Key><UploadId>" + u.upload_id +
             "</UploadId><StorageClass>STANDARD</StorageClass><Initiated>" + iso_date(u.initiated_ms) +
             "</Initiated></Upload>";
    x += "</ListMultipartUploadsResult>";
    return ok_xml(std::move(x));
}

} // namespace

response error(const request& req, unsigned status, std::string_view code, std::string_view message,
               std::vector<std::pair<std::string, std::string>> extra) {
    response r;
    r.status = status;
    r.error_code = std::string(code);
    if (req.method == "HEAD")
        return r;
    r.headers.emplace_back("Content-Type", "application/xml");
    r.body = std::string(xml_header) + "<Error><Code>" + xml_escape(code) + "</Code><Message>" + xml_escape(message) +
             "</Message>";
    for (auto& [k, v] : extra)
        r.body += "<" + k + ">" + xml_escape(v) + "</" + k + ">";
    r.body += "<RequestId>" + req.request_id + "</RequestId><HostId>" + req.request_id + "</HostId></Error>";
    return r;
}

response handle_request(disk_store& store, const request& req);

response handle(disk_store& store, const request& req) {
    auto r = handle_request(store, req);
    if (req.streamed) {
        std::error_code ec;
        std::filesystem::remove(req.streamed->file, ec); // committed files were renamed away already
    }
    return r;
}

response handle_request(disk_store& store, const request& req) {
    const auto& m = req.method;
    if (req.bucket.empty()) {
        if (m != "GET")
            return error(req, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        std::string x = "<ListAllMyBucketsResult xmlns=\"" + std::string(xmlns) +
                        "\"><Owner><ID>athena-local</ID><DisplayName>athena-local</DisplayName></Owner><Buckets>";
        for (auto& b : store.buckets())
            x += "<Bucket><Name>" + xml_escape(b.name) + "</Name><CreationDate>" + iso_date(b.created_ms) +
                 "</CreationDate></Bucket>";
        x += "</Buckets></ListAllMyBucketsResult>";
        return ok_xml(std::move(x));
    }
    if (req.key.empty()) {
        if (m == "PUT") {
            std::string region = "us-east-1";
            if (!req.payload.empty()) {
                pugi::xml_document doc;
                if (!doc.load_buffer(req.payload.data(), req.payload.size()))
                    return error(req, 400, "MalformedXML",
                                 "The XML you provided was not well-formed or did not validate against our published schema");
                auto lc = doc.child("CreateBucketConfiguration").child_value("LocationConstraint");
                if (*lc)
                    region = lc;
            }
            if (auto e = store.create_bucket(req.bucket, region); e != store_error::none)
                return error_for(req, e);
            response r;
            r.headers.emplace_back("Location", "/" + req.bucket);
            return r;
        }
        if (m == "HEAD") {
            auto b = store.bucket(req.bucket);
            if (!b)
                return error(req, 404, "NoSuchBucket", "");
            response r;
            r.headers.emplace_back("x-amz-bucket-region", b->region);
            return r;
        }
        if (m == "DELETE") {
            if (auto e = store.delete_bucket(req.bucket); e != store_error::none)
                return error_for(req, e);
            response r;
            r.status = 204;
            return r;
        }
        if (m == "POST" && req.query.count("delete"))
            return delete_objects(store, req);
        if (m == "GET") {
            if (req.query.count("uploads"))
                return list_uploads(store, req);
            if (req.query.count("location")) {
                auto b = store.bucket(req.bucket);
                if (!b)
                    return error_for(req, store_error::no_such_bucket);
                return ok_xml("<LocationConstraint xmlns=\"" + std::string(xmlns) + "\">" +
                              (b->region == "us-east-1" ? std::string() : xml_escape(b->region)) + "</LocationConstraint>");
            }
            if (req.query.count("versioning"))
                return ok_xml("<VersioningConfiguration xmlns=\"" + std::string(xmlns) + "\"/>");
            auto lt = req.query.find("list-type");
            return list_objects(store, req, lt != req.query.end() && lt->second == "2");
        }
        return error(req, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    }
    if (req.query.count("uploads") || req.query.count("uploadId"))
        return multipart(store, req);
    if (m == "GET" || m == "HEAD")
        return get_object(store, req, m == "HEAD");
    if (m == "PUT")
        return put_object(store, req);
    if (m == "DELETE") {
        if (auto e = store.remove(req.bucket, req.key); e != store_error::none)
            return error_for(req, e);
        response r;
        r.status = 204;
        return r;
    }
    return error(req, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
}

} // namespace athena_local::s3
