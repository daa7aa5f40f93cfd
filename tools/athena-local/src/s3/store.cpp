#include "s3/store.hpp"

#include <aws_sigv4/hash.hpp>

#include <boost/json.hpp>
#include <openssl/evp.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace athena_local::s3 {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::string hex(const unsigned char* p, std::size_t n) {
    static const char* d = "0123456789abcdef";
    std::string s(n * 2, '0');
    for (std::size_t i = 0; i < n; ++i) {
        s[2 * i] = d[p[i] >> 4];
        s[2 * i + 1] = d[p[i] & 15];
    }
    return s;
}

struct md5 {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    md5() { EVP_DigestInit_ex(ctx, EVP_md5(), nullptr); }
    ~md5() { EVP_MD_CTX_free(ctx); }
    void update(std::string_view s) { EVP_DigestUpdate(ctx, s.data(), s.size()); }
    std::string raw() {
        unsigned char out[16];
        unsigned len = 0;
        EVP_DigestFinal_ex(ctx, out, &len);
        return std::string(reinterpret_cast<char*>(out), 16);
    }
};

std::string key_hash(std::string_view key) { return aws_sigv4::sha256_hex(key); }

json::object to_json(const std::map<std::string, std::string>& m) {
    json::object o;
    for (auto& [k, v] : m)
        o[k] = v;
    return o;
}

std::map<std::string, std::string> map_from(const json::value* v) {
    std::map<std::string, std::string> m;
    if (v && v->is_object())
        for (auto& [k, x] : v->as_object())
            if (x.is_string())
                m.emplace(std::string(k), std::string(x.as_string()));
    return m;
}

std::string str(const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t num(const json::object& o, std::string_view k) {
    auto* v = o.if_contains(k);
    if (!v)
        return 0;
    if (v->is_int64())
        return v->as_int64();
    if (v->is_uint64())
        return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double())
        return static_cast<std::int64_t>(v->as_double());
    return 0;
}

json::object meta_json(const object_meta& m) {
    json::object o;
    o["key"] = m.key;
    o["size"] = m.size;
    o["etag"] = m.etag;
    o["last_modified_ms"] = m.last_modified_ms;
    o["content_type"] = m.content_type;
    o["checksums"] = to_json(m.checksums);
    o["user_meta"] = to_json(m.user_meta);
    o["data_file"] = m.data_file;
    o["parts"] = m.parts;
    return o;
}

object_meta meta_from(const json::object& o) {
    object_meta m;
    m.key = str(o, "key");
    m.size = static_cast<std::uint64_t>(num(o, "size"));
    m.etag = str(o, "etag");
    m.last_modified_ms = num(o, "last_modified_ms");
    m.content_type = str(o, "content_type");
    m.checksums = map_from(o.if_contains("checksums"));
    m.user_meta = map_from(o.if_contains("user_meta"));
    m.data_file = str(o, "data_file");
    m.parts = static_cast<int>(num(o, "parts"));
    return m;
}

json::object upload_json(const upload_meta& u) {
    json::object o;
    o["upload_id"] = u.upload_id;
    o["key"] = u.key;
    o["initiated_ms"] = u.initiated_ms;
    o["content_type"] = u.content_type;
    o["user_meta"] = to_json(u.user_meta);
    o["checksum_algorithm"] = u.checksum_algorithm;
    return o;
}

upload_meta upload_from(const json::object& o) {
    upload_meta u;
    u.upload_id = str(o, "upload_id");
    u.key = str(o, "key");
    u.initiated_ms = num(o, "initiated_ms");
    u.content_type = str(o, "content_type");
    u.user_meta = map_from(o.if_contains("user_meta"));
    u.checksum_algorithm = str(o, "checksum_algorithm");
    return u;
}

json::object part_json(const part_meta& p) {
    json::object o;
    o["number"] = p.number;
    o["size"] = p.size;
    o["etag"] = p.etag;
    o["last_modified_ms"] = p.last_modified_ms;
    o["checksums"] = to_json(p.checksums);
    return o;
}

part_meta part_from(const json::object& o) {
    part_meta p;
    p.number = static_cast<int>(num(o, "number"));
    p.size = static_cast<std::uint64_t>(num(o, "size"));
    p.etag = str(o, "etag");
    p.last_modified_ms = num(o, "last_modified_ms");
    p.checksums = map_from(o.if_contains("checksums"));
    return p;
}

bool read_all(const fs::path& p, std::string& out) {
    std::ifstream f(p, std::ios::binary);
    if (!f)
        return false;
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    return true;
}

std::optional<json::object> read_json(const fs::path& p) {
    std::string text;
    if (!read_all(p, text))
        return std::nullopt;
    std::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object())
        return std::nullopt;
    return v.as_object();
}

constexpr std::uint64_t min_part_size = 5ull * 1024 * 1024;

} // namespace

std::string md5_etag(std::string_view data) {
    md5 h;
    h.update(data);
    auto r = h.raw();
    return "\"" + hex(reinterpret_cast<const unsigned char*>(r.data()), r.size()) + "\"";
}

bool valid_bucket_name(std::string_view n) {
    if (n.size() < 3 || n.size() > 63)
        return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(n.front()) || !alnum(n.back()))
        return false;
    for (char c : n)
        if (!alnum(c) && c != '.' && c != '-')
            return false;
    return n.find("..") == std::string_view::npos;
}

disk_store::disk_store(fs::path root, bool fsync)
    : root_(std::move(root)), fsync_(fsync) {}

std::uint64_t disk_store::next_id() {
    std::lock_guard lock(counter_mutex_);
    return ++counter_;
}

void disk_store::sync_dir(const fs::path& dir) {
    if (!fsync_)
        return;
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

std::error_code disk_store::write_file(const fs::path& path, std::string_view data) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return {errno, std::generic_category()};
    std::size_t off = 0;
    while (off < data.size()) {
        auto n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            std::error_code ec(errno, std::generic_category());
            ::close(fd);
            return ec;
        }
        off += static_cast<std::size_t>(n);
    }
    if (fsync_ && ::fsync(fd) != 0) {
        std::error_code ec(errno, std::generic_category());
        ::close(fd);
        return ec;
    }
    if (::close(fd) != 0)
        return {errno, std::generic_category()};
    return {};
}

std::error_code disk_store::open(std::string& message) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) {
        message = "cannot create " + root_.string() + ": " + ec.message();
        return ec;
    }
    // Unique ids keep growing across restarts (a data file name is never reused).
    std::random_device rd;
    counter_ = (static_cast<std::uint64_t>(rd()) << 20) ^ static_cast<std::uint64_t>(now_ms());
    std::unique_lock lock(mutex_);
    for (auto& entry : fs::directory_iterator(root_, ec)) {
        if (!entry.is_directory())
            continue;
        auto info = read_json(entry.path() / "bucket.json");
        if (!info)
            continue; // not a bucket (or a bucket whose creation never committed)
        auto b = std::make_unique<bucket_state>();
        b->dir = entry.path();
        b->info.name = entry.path().filename().string();
        b->info.created_ms = num(*info, "created_ms");
        b->info.region = str(*info, "region");
        std::set<std::string> referenced;
        for (auto& m : fs::directory_iterator(b->dir / "meta", ec)) {
            auto name = m.path().filename().string();
            if (name.ends_with(".json")) {
                if (auto o = read_json(m.path())) {
                    auto meta = meta_from(*o);
                    if (fs::exists(b->dir / "data" / meta.data_file)) {
                        referenced.insert(meta.data_file);
                        b->objects[meta.key] = std::move(meta);
                        continue;
                    }
                }
                message += "dropped unreadable object metadata " + m.path().string() + "\n";
            }
            fs::remove(m.path(), ec);
        }
        for (auto& d : fs::directory_iterator(b->dir / "data", ec))
            if (!referenced.count(d.path().filename().string()))
                fs::remove(d.path(), ec); // written, never committed
        fs::remove_all(b->dir / "tmp", ec);
        fs::create_directories(b->dir / "tmp", ec);
        for (auto& u : fs::directory_iterator(b->dir / "uploads", ec))
            if (auto o = read_json(u.path() / "upload.json")) {
                auto up = upload_from(*o);
                b->uploads[up.upload_id] = std::move(up);
            }
        buckets_[b->info.name] = std::move(b);
    }
    return {};
}

disk_store::bucket_state* disk_store::find(std::string_view bucket) {
    auto it = buckets_.find(bucket);
    return it == buckets_.end() ? nullptr : it->second.get();
}
const disk_store::bucket_state* disk_store::find(std::string_view bucket) const {
    auto it = buckets_.find(bucket);
    return it == buckets_.end() ? nullptr : it->second.get();
}

bool disk_store::bucket_exists(std::string_view bucket) const {
    std::shared_lock lock(mutex_);
    return find(bucket) != nullptr;
}

std::error_code disk_store::ensure_bucket(std::string_view bucket) {
    auto e = create_bucket(bucket, "us-east-1");
    if (e == store_error::none || e == store_error::bucket_exists)
        return {};
    return std::make_error_code(std::errc::invalid_argument);
}

store_error disk_store::create_bucket(std::string_view bucket, std::string_view region) {
    if (!valid_bucket_name(bucket))
        return store_error::invalid_bucket_name;
    std::unique_lock lock(mutex_);
    if (find(bucket))
        return store_error::bucket_exists;
    auto b = std::make_unique<bucket_state>();
    b->dir = root_ / std::string(bucket);
    b->info = {std::string(bucket), now_ms(), std::string(region)};
    std::error_code ec;
    for (auto sub : {"meta", "data", "uploads", "tmp"})
        fs::create_directories(b->dir / sub, ec);
    if (ec)
        return store_error::io;
    json::object o{{"created_ms", b->info.created_ms}, {"region", b->info.region}};
    auto tmp = b->dir / "tmp" / "bucket.json";
    if (write_file(tmp, json::serialize(o)))
        return store_error::io;
    fs::rename(tmp, b->dir / "bucket.json", ec);
    if (ec)
        return store_error::io;
    sync_dir(b->dir);
    sync_dir(root_);
    buckets_[b->info.name] = std::move(b);
    return store_error::none;
}

store_error disk_store::delete_bucket(std::string_view bucket) {
    std::unique_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    if (!b->objects.empty())
        return store_error::bucket_not_empty;
    std::error_code ec;
    fs::remove(b->dir / "bucket.json", ec);
    fs::remove_all(b->dir, ec);
    buckets_.erase(buckets_.find(bucket));
    return store_error::none;
}

std::vector<bucket_info> disk_store::buckets() const {
    std::shared_lock lock(mutex_);
    std::vector<bucket_info> out;
    for (auto& [n, b] : buckets_)
        out.push_back(b->info);
    return out;
}

std::optional<bucket_info> disk_store::bucket(std::string_view bucket) const {
    std::shared_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return std::nullopt;
    return b->info;
}

std::error_code disk_store::commit_meta(bucket_state& b, const object_meta& m) {
    auto name = key_hash(m.key) + ".json";
    auto tmp = b.dir / "tmp" / (name + "." + std::to_string(next_id()));
    if (auto ec = write_file(tmp, json::serialize(meta_json(m))))
        return ec;
    std::error_code ec;
    fs::rename(tmp, b.dir / "meta" / name, ec);
    if (!ec)
        sync_dir(b.dir / "meta");
    return ec;
}

store_error disk_store::put(std::string_view bucket, std::string_view key, std::string_view data,
                            const put_options& opts, object_meta& out) {
    auto tmp = temp_path(bucket);
    if (!tmp)
        return store_error::no_such_bucket;
    if (write_file(*tmp, data))
        return store_error::io;
    auto e = put_file(bucket, key, *tmp, data.size(), md5_etag(data), opts, out);
    if (e != store_error::none) {
        std::error_code ec;
        fs::remove(*tmp, ec);
    }
    return e;
}

store_error disk_store::commit_object(std::string_view bucket, const fs::path& dir, object_meta m, object_meta& out) {
    std::error_code ec;
    std::unique_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b) {
        fs::remove(dir / "data" / m.data_file, ec);
        return store_error::no_such_bucket;
    }
    if (commit_meta(*b, m))
        return store_error::io;
    auto it = b->objects.find(m.key);
    if (it != b->objects.end()) {
        fs::remove(b->dir / "data" / it->second.data_file, ec);
        it->second = m;
    } else {
        b->objects.emplace(m.key, m);
    }
    out = std::move(m);
    return store_error::none;
}

std::optional<fs::path> disk_store::temp_path(std::string_view bucket) {
    std::shared_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return std::nullopt;
    return b->dir / "tmp" / ("s" + std::to_string(next_id()));
}

store_error disk_store::put_file(std::string_view bucket, std::string_view key, const fs::path& file,
                                 std::uint64_t size, std::string etag, const put_options& opts, object_meta& out) {
    fs::path dir;
    {
        std::shared_lock lock(mutex_);
        auto* b = find(bucket);
        if (!b)
            return store_error::no_such_bucket;
        dir = b->dir;
    }
    object_meta m;
    m.key = std::string(key);
    m.size = size;
    m.etag = std::move(etag);
    m.last_modified_ms = now_ms();
    m.content_type = opts.content_type.empty() ? "binary/octet-stream" : opts.content_type;
    m.checksums = opts.checksums;
    m.user_meta = opts.user_meta;
    m.data_file = std::to_string(next_id());
    std::error_code ec;
    fs::rename(file, dir / "data" / m.data_file, ec);
    if (ec)
        return store_error::io;
    sync_dir(dir / "data");
    return commit_object(bucket, dir, std::move(m), out);
}

store_error disk_store::upload_part_file(std::string_view bucket, std::string_view upload_id, int number,
                                         const fs::path& file, std::uint64_t size, std::string etag,
                                         const std::map<std::string, std::string>& checksums, part_meta& out) {
    fs::path dir;
    {
        std::shared_lock lock(mutex_);
        auto* b = find(bucket);
        if (!b)
            return store_error::no_such_bucket;
        if (!b->uploads.count(upload_id))
            return store_error::no_such_upload;
        dir = b->dir / "uploads" / std::string(upload_id);
    }
    part_meta p;
    p.number = number;
    p.size = size;
    p.etag = std::move(etag);
    p.last_modified_ms = now_ms();
    p.checksums = checksums;
    auto base = std::to_string(number);
    std::error_code ec;
    fs::rename(file, dir / base, ec);
    if (ec)
        return store_error::no_such_upload;
    if (write_file(dir / (base + ".json"), json::serialize(part_json(p))))
        return store_error::io;
    out = std::move(p);
    return store_error::none;
}

std::error_code disk_store::put_object(std::string_view bucket, std::string_view key, std::string_view data,
                                       std::string_view content_type) {
    object_meta m;
    put_options opts;
    opts.content_type = std::string(content_type);
    auto e = put(bucket, key, data, opts, m);
    return e == store_error::none ? std::error_code{} : std::make_error_code(std::errc::io_error);
}

store_error disk_store::head(std::string_view bucket, std::string_view key, object_meta& out, fs::path* path) const {
    std::shared_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    auto it = b->objects.find(key);
    if (it == b->objects.end())
        return store_error::no_such_key;
    out = it->second;
    if (path)
        *path = b->dir / "data" / it->second.data_file;
    return store_error::none;
}

std::optional<fs::path> disk_store::object_path(std::string_view bucket, std::string_view key) const {
    object_meta m;
    fs::path p;
    if (head(bucket, key, m, &p) != store_error::none)
        return std::nullopt;
    return p;
}

std::vector<object_info> disk_store::list(std::string_view bucket, std::string_view prefix) const {
    std::shared_lock lock(mutex_);
    std::vector<object_info> out;
    auto* b = find(bucket);
    if (!b)
        return out;
    for (auto it = b->objects.lower_bound(prefix); it != b->objects.end() && it->first.starts_with(prefix); ++it)
        out.push_back({it->first, it->second.size, it->second.etag, it->second.last_modified_ms / 1000});
    return out;
}

store_error disk_store::remove(std::string_view bucket, std::string_view key) {
    std::unique_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    auto it = b->objects.find(key);
    if (it == b->objects.end())
        return store_error::none;
    std::error_code ec;
    fs::remove(b->dir / "meta" / (key_hash(key) + ".json"), ec);
    fs::remove(b->dir / "data" / it->second.data_file, ec);
    b->objects.erase(it);
    return store_error::none;
}

store_error disk_store::copy(std::string_view src_bucket, std::string_view src_key, std::string_view bucket,
                             std::string_view key, const put_options* replace_meta, object_meta& out) {
    object_meta src;
    fs::path path;
    if (auto e = head(src_bucket, src_key, src, &path); e != store_error::none)
        return e;
    std::string data;
    if (!read_all(path, data))
        return store_error::no_such_key; // replaced while we read it
    put_options opts;
    if (replace_meta) {
        opts = *replace_meta;
    } else {
        opts.content_type = src.content_type;
        opts.user_meta = src.user_meta;
    }
    opts.checksums = src.checksums;
    return put(bucket, key, data, opts, out);
}

store_error disk_store::list_objects(std::string_view bucket, const list_request& req, list_result& out) const {
    std::shared_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    auto it = req.start_after.empty() ? b->objects.lower_bound(req.prefix) : b->objects.upper_bound(req.start_after);
    if (!req.start_after.empty() && req.start_after < req.prefix)
        it = b->objects.lower_bound(req.prefix);
    std::size_t count = 0;
    for (; it != b->objects.end(); ++it) {
        const auto& k = it->first;
        if (!k.starts_with(req.prefix)) {
            if (k > req.prefix)
                break;
            continue;
        }
        if (!req.delimiter.empty()) {
            auto pos = k.find(req.delimiter, req.prefix.size());
            if (pos != std::string::npos) {
                auto cp = k.substr(0, pos + req.delimiter.size());
                if (!out.common_prefixes.empty() && out.common_prefixes.back() == cp)
                    continue;
                if (count == req.max_keys) {
                    out.truncated = true;
                    break;
                }
                out.common_prefixes.push_back(cp);
                out.next_after = cp;
                ++count;
                // skip every key under this prefix: jump past it
                auto last = cp;
                last.back() = static_cast<char>(last.back() + 1);
                auto next = b->objects.lower_bound(last);
                if (next == b->objects.begin())
                    continue;
                it = std::prev(next);
                continue;
            }
        }
        if (count == req.max_keys) {
            out.truncated = true;
            break;
        }
        out.contents.push_back(it->second);
        out.next_after = k;
        ++count;
    }
    if (!out.truncated)
        out.next_after.clear();
    return store_error::none;
}

store_error disk_store::create_upload(std::string_view bucket, std::string_view key, const put_options& opts,
                                      std::string_view checksum_algorithm, upload_meta& out) {
    std::unique_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    upload_meta u;
    std::mt19937_64 rng(next_id() ^ static_cast<std::uint64_t>(now_ms()));
    char buf[48];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    u.upload_id = buf;
    u.key = std::string(key);
    u.initiated_ms = now_ms();
    u.content_type = opts.content_type.empty() ? "binary/octet-stream" : opts.content_type;
    u.user_meta = opts.user_meta;
    u.checksum_algorithm = std::string(checksum_algorithm);
    auto dir = b->dir / "uploads" / u.upload_id;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || write_file(dir / "upload.json", json::serialize(upload_json(u))))
        return store_error::io;
    b->uploads[u.upload_id] = u;
    out = std::move(u);
    return store_error::none;
}

store_error disk_store::upload_part(std::string_view bucket, std::string_view upload_id, int number,
                                    std::string_view data, const std::map<std::string, std::string>& checksums,
                                    part_meta& out) {
    auto tmp = temp_path(bucket);
    if (!tmp)
        return store_error::no_such_bucket;
    if (write_file(*tmp, data))
        return store_error::io;
    auto e = upload_part_file(bucket, upload_id, number, *tmp, data.size(), md5_etag(data), checksums, out);
    if (e != store_error::none) {
        std::error_code ec;
        fs::remove(*tmp, ec);
    }
    return e;
}

store_error disk_store::list_parts(std::string_view bucket, std::string_view upload_id, upload_meta& upload,
                                   std::vector<part_meta>& parts) const {
    fs::path dir;
    {
        std::shared_lock lock(mutex_);
        auto* b = find(bucket);
        if (!b)
            return store_error::no_such_bucket;
        auto it = b->uploads.find(upload_id);
        if (it == b->uploads.end())
            return store_error::no_such_upload;
        upload = it->second;
        dir = b->dir / "uploads" / std::string(upload_id);
    }
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir, ec)) {
        auto name = e.path().filename().string();
        if (name.ends_with(".json") && name != "upload.json")
            if (auto o = read_json(e.path()))
                parts.push_back(part_from(*o));
    }
    std::sort(parts.begin(), parts.end(), [](auto& a, auto& b) { return a.number < b.number; });
    return store_error::none;
}

std::vector<upload_meta> disk_store::list_uploads(std::string_view bucket, std::string_view prefix) const {
    std::shared_lock lock(mutex_);
    std::vector<upload_meta> out;
    if (auto* b = find(bucket))
        for (auto& [id, u] : b->uploads)
            if (u.key.starts_with(prefix))
                out.push_back(u);
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) {
        return a.key != b.key ? a.key < b.key : a.initiated_ms < b.initiated_ms;
    });
    return out;
}

store_error disk_store::complete_upload(std::string_view bucket, std::string_view upload_id,
                                        const std::vector<std::pair<int, std::string>>& parts, object_meta& out,
                                        std::string& detail) {
    upload_meta upload;
    std::vector<part_meta> have;
    if (auto e = list_parts(bucket, upload_id, upload, have); e != store_error::none)
        return e;
    if (parts.empty()) {
        detail = "You must specify at least one part";
        return store_error::invalid_part;
    }
    std::map<int, part_meta> by_number;
    for (auto& p : have)
        by_number[p.number] = p;
    int prev = 0;
    std::vector<part_meta> chosen;
    for (auto& [n, etag] : parts) {
        if (n <= prev)
            return store_error::invalid_part_order;
        prev = n;
        auto it = by_number.find(n);
        std::string want = etag;
        if (!want.empty() && want.front() != '"')
            want = "\"" + want + "\"";
        if (it == by_number.end() || it->second.etag != want) {
            detail = "One or more of the specified parts could not be found.  The part may not have been uploaded, "
                     "or the specified entity tag may not match the part's entity tag.";
            return store_error::invalid_part;
        }
        chosen.push_back(it->second);
    }
    for (std::size_t i = 0; i + 1 < chosen.size(); ++i)
        if (chosen[i].size < min_part_size) {
            detail = "Your proposed upload is smaller than the minimum allowed size";
            return store_error::entity_too_small;
        }
    fs::path dir, bucket_dir;
    {
        std::shared_lock lock(mutex_);
        auto* b = find(bucket);
        if (!b)
            return store_error::no_such_bucket;
        bucket_dir = b->dir;
        dir = b->dir / "uploads" / std::string(upload_id);
    }
    object_meta m;
    m.key = upload.key;
    m.content_type = upload.content_type;
    m.user_meta = upload.user_meta;
    m.last_modified_ms = now_ms();
    m.data_file = std::to_string(next_id());
    m.parts = static_cast<int>(chosen.size());
    auto tmp = bucket_dir / "tmp" / m.data_file;
    int out_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_fd < 0)
        return store_error::io;
    md5 etags;
    for (auto& p : chosen) {
        auto hexetag = p.etag.substr(1, 32);
        unsigned char raw[16];
        for (int i = 0; i < 16; ++i)
            raw[i] = static_cast<unsigned char>(std::stoi(hexetag.substr(2 * i, 2), nullptr, 16));
        etags.update(std::string_view(reinterpret_cast<char*>(raw), 16));
        int in_fd = ::open((dir / std::to_string(p.number)).c_str(), O_RDONLY | O_CLOEXEC);
        if (in_fd < 0) {
            ::close(out_fd);
            return store_error::io;
        }
        std::uint64_t left = p.size;
        while (left > 0) {
            auto n = ::copy_file_range(in_fd, nullptr, out_fd, nullptr, left, 0);
            if (n <= 0) {
                // fall back to read/write
                std::string buf(1 << 20, '\0');
                auto r = ::read(in_fd, buf.data(), std::min<std::uint64_t>(left, buf.size()));
                if (r <= 0 || ::write(out_fd, buf.data(), static_cast<std::size_t>(r)) != r) {
                    ::close(in_fd);
                    ::close(out_fd);
                    return store_error::io;
                }
                n = r;
            }
            left -= static_cast<std::uint64_t>(n);
        }
        ::close(in_fd);
        m.size += p.size;
    }
    if (fsync_)
        ::fsync(out_fd);
    ::close(out_fd);
    auto raw = etags.raw();
    m.etag = "\"" + hex(reinterpret_cast<const unsigned char*>(raw.data()), 16) + "-" + std::to_string(chosen.size()) +
             "\"";
    std::error_code ec;
    fs::rename(tmp, bucket_dir / "data" / m.data_file, ec);
    if (ec)
        return store_error::io;
    if (auto e = commit_object(bucket, bucket_dir, std::move(m), out); e != store_error::none)
        return e;
    std::unique_lock lock(mutex_);
    if (auto* b = find(bucket)) {
        auto it = b->uploads.find(upload_id);
        if (it != b->uploads.end())
            b->uploads.erase(it);
    }
    fs::remove_all(dir, ec);
    return store_error::none;
}

store_error disk_store::abort_upload(std::string_view bucket, std::string_view upload_id) {
    std::unique_lock lock(mutex_);
    auto* b = find(bucket);
    if (!b)
        return store_error::no_such_bucket;
    auto it = b->uploads.find(upload_id);
    if (it == b->uploads.end())
        return store_error::no_such_upload;
    std::error_code ec;
    fs::remove_all(b->dir / "uploads" / std::string(upload_id), ec);
    b->uploads.erase(it);
    return store_error::none;
}

} // namespace athena_local::s3
