// The local S3: the disk store's commit protocol (what survives a crash), listing, multipart rules, and the
// REST API's answers (status, S3 error codes, headers) for the operations clients use.
#include "s3/api.hpp"
#include "s3/store.hpp"

#include <aws_sigv4/crc32c.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using namespace athena_local::s3;

namespace {

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("al-store-" + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

request make(std::string method, std::string bucket, std::string key = {}) {
    request r;
    r.method = std::move(method);
    r.bucket = std::move(bucket);
    r.key = std::move(key);
    r.request_id = "REQ1";
    return r;
}

std::string code_of(const response& r) { return r.error_code; }

} // namespace

BOOST_AUTO_TEST_SUITE(athena_local_store)

BOOST_AUTO_TEST_CASE(put_get_replace_and_reopen) {
    temp_dir d;
    {
        disk_store s(d.path, false);
        std::string msg;
        BOOST_REQUIRE(!s.open(msg));
        BOOST_TEST((s.create_bucket("data", "us-east-1") == store_error::none));
        BOOST_TEST((s.create_bucket("data", "us-east-1") == store_error::bucket_exists));
        BOOST_TEST((s.create_bucket("Bad_Name", "us-east-1") == store_error::invalid_bucket_name));
        object_meta m;
        BOOST_TEST((s.put("data", "a/b.txt", "hello", {}, m) == store_error::none));
        BOOST_TEST(m.etag == "\"5d41402abc4b2a76b9719d911017c592\"");
        BOOST_TEST((s.put("data", "a/b.txt", "hello again", {}, m) == store_error::none));
        auto p = s.object_path("data", "a/b.txt");
        BOOST_REQUIRE(p.has_value());
        BOOST_TEST(read(*p) == "hello again");
        BOOST_TEST(std::distance(fs::directory_iterator(d.path / "data" / "data"), fs::directory_iterator{}) == 1);
    }
    disk_store s(d.path, false);
    std::string msg;
    BOOST_REQUIRE(!s.open(msg));
    object_meta m;
    BOOST_TEST((s.head("data", "a/b.txt", m) == store_error::none));
    BOOST_TEST(m.size == 11u);
    BOOST_TEST((s.head("data", "missing", m) == store_error::no_such_key));
}

BOOST_AUTO_TEST_CASE(uncommitted_writes_are_invisible_after_a_crash) {
    temp_dir d;
    {
        disk_store s(d.path, false);
        std::string msg;
        BOOST_REQUIRE(!s.open(msg));
        s.create_bucket("data", "us-east-1");
        object_meta m;
        s.put("data", "kept", "complete object", {}, m);
    }
    // What a killed server leaves behind: a temp file, a data file whose metadata never committed, and a
    // metadata file naming a data file that is gone.
    std::ofstream(d.path / "data" / "tmp" / "123") << "partial";
    std::ofstream(d.path / "data" / "data" / "999") << "orphan bytes";
    std::ofstream(d.path / "data" / "meta" / "deadbeef.json") << R"({"key":"ghost","size":3,"data_file":"777"})";
    disk_store s(d.path, false);
    std::string msg;
    BOOST_REQUIRE(!s.open(msg));
    auto objs = s.list("data", "");
    BOOST_REQUIRE(objs.size() == 1u);
    BOOST_TEST(objs[0].key == "kept");
    BOOST_TEST(!fs::exists(d.path / "data" / "data" / "999"));
    BOOST_TEST(!fs::exists(d.path / "data" / "tmp" / "123"));
    BOOST_TEST(read(*s.object_path("data", "kept")) == "complete object");
}

BOOST_AUTO_TEST_CASE(list_with_prefix_delimiter_and_pages) {
    temp_dir d;
    disk_store s(d.path, false);
    std::string msg;
    BOOST_REQUIRE(!s.open(msg));
    s.create_bucket("b-1", "us-east-1");
    object_meta m;
    for (auto k : {"a/1", "a/2", "b/x/1", "b/y", "c", "d/1", "d/2"})
        s.put("b-1", k, k, {}, m);
    list_request lr;
    lr.delimiter = "/";
    list_result res;
    s.list_objects("b-1", lr, res);
    BOOST_TEST(res.contents.size() == 1u);
    BOOST_TEST(res.contents[0].key == "c");
    BOOST_TEST((res.common_prefixes == std::vector<std::string>{"a/", "b/", "d/"}));
    // pages of 2 without a delimiter cover every key exactly once, in order
    std::vector<std::string> seen;
    list_request page;
    page.max_keys = 2;
    for (int i = 0; i < 10; ++i) {
        list_result r;
        s.list_objects("b-1", page, r);
        for (auto& o : r.contents)
            seen.push_back(o.key);
        if (!r.truncated)
            break;
        page.start_after = r.next_after;
    }
    BOOST_TEST((seen == std::vector<std::string>{"a/1", "a/2", "b/x/1", "b/y", "c", "d/1", "d/2"}));
    list_request pre;
    pre.prefix = "b/";
    pre.delimiter = "/";
    list_result r2;
    s.list_objects("b-1", pre, r2);
    BOOST_TEST((r2.common_prefixes == std::vector<std::string>{"b/x/"}));
    BOOST_TEST(r2.contents.size() == 1u);
}

BOOST_AUTO_TEST_CASE(multipart_rules) {
    temp_dir d;
    disk_store s(d.path, false);
    std::string msg;
    BOOST_REQUIRE(!s.open(msg));
    s.create_bucket("mpu", "us-east-1");
    upload_meta u;
    BOOST_REQUIRE((s.create_upload("mpu", "big", {}, "", u) == store_error::none));
    std::string p1(5 * 1024 * 1024, 'a'), p2(100, 'b'), small(10, 'c');
    part_meta a, b, c;
    BOOST_REQUIRE((s.upload_part("mpu", u.upload_id, 1, p1, {}, a) == store_error::none));
    BOOST_REQUIRE((s.upload_part("mpu", u.upload_id, 2, p2, {}, b) == store_error::none));
    object_meta out;
    std::string detail;
    BOOST_TEST((s.complete_upload("mpu", u.upload_id, {{2, b.etag}, {1, a.etag}}, out, detail) ==
                store_error::invalid_part_order));
    BOOST_TEST((s.complete_upload("mpu", u.upload_id, {{1, a.etag}, {2, "\"00000000000000000000000000000000\""}}, out,
                                  detail) == store_error::invalid_part));
    BOOST_TEST((s.complete_upload("mpu", u.upload_id, {{1, a.etag}, {3, b.etag}}, out, detail) == store_error::invalid_part));
    BOOST_TEST((s.complete_upload("mpu", u.upload_id, {{1, a.etag.substr(1, 32)}, {2, b.etag}}, out, detail) ==
                store_error::none));
    BOOST_TEST(out.size == p1.size() + p2.size());
    BOOST_TEST(out.etag.ends_with("-2\""));
    BOOST_TEST(read(*s.object_path("mpu", "big")) == p1 + p2);
    BOOST_TEST((s.abort_upload("mpu", u.upload_id) == store_error::no_such_upload));

    upload_meta u2;
    s.create_upload("mpu", "small", {}, "", u2);
    s.upload_part("mpu", u2.upload_id, 1, small, {}, a);
    s.upload_part("mpu", u2.upload_id, 2, small, {}, b);
    BOOST_TEST((s.complete_upload("mpu", u2.upload_id, {{1, a.etag}, {2, b.etag}}, out, detail) ==
                store_error::entity_too_small));
    BOOST_TEST(s.list_uploads("mpu", "").size() == 1u);
    BOOST_TEST((s.abort_upload("mpu", u2.upload_id) == store_error::none));
    BOOST_TEST(s.list_uploads("mpu", "").empty());
}

BOOST_AUTO_TEST_CASE(api_errors_ranges_and_checksums) {
    temp_dir d;
    disk_store s(d.path, false);
    std::string msg;
    BOOST_REQUIRE(!s.open(msg));
    BOOST_TEST(handle(s, make("PUT", "api")).status == 200u);
    auto missing = handle(s, make("GET", "nobucket", "k"));
    BOOST_TEST(missing.status == 404u);
    BOOST_TEST(code_of(missing) == "NoSuchBucket");
    BOOST_TEST(missing.body.find("<RequestId>REQ1</RequestId>") != std::string::npos);

    auto put = make("PUT", "api", "obj");
    std::string data = "0123456789";
    put.payload = data;
    put.headers.emplace_back("content-md5", "eB5eJF1ptWaXm4bijSPyxw=="); // MD5 of "0123456789"
    put.headers.emplace_back("x-amz-checksum-crc32c", aws_sigv4::crc32c_base64(aws_sigv4::crc32c(data)));
    auto pr = handle(s, put);
    BOOST_TEST(pr.status == 200u, pr.body);
    auto bad = put;
    bad.headers[0].second = "AAAAAAAAAAAAAAAAAAAAAA==";
    BOOST_TEST(code_of(handle(s, bad)) == "BadDigest");
    auto badcrc = put;
    badcrc.headers.erase(badcrc.headers.begin());
    badcrc.headers[0].second = "AAAAAA==";
    BOOST_TEST(code_of(handle(s, badcrc)) == "BadDigest");

    auto get = make("GET", "api", "obj");
    get.headers.emplace_back("range", "bytes=2-4");
    auto gr = handle(s, get);
    BOOST_TEST(gr.status == 206u);
    BOOST_TEST(gr.file_offset == 2u);
    BOOST_TEST(gr.file_length == 3u);
    get.headers[0].second = "bytes=-3";
    gr = handle(s, get);
    BOOST_TEST(gr.file_offset == 7u);
    BOOST_TEST(gr.file_length == 3u);
    get.headers[0].second = "bytes=20-";
    BOOST_TEST(handle(s, get).status == 416u);
    get.headers[0] = {"x-amz-checksum-mode", "ENABLED"};
    gr = handle(s, get);
    bool has_crc = false;
    for (auto& [k, v] : gr.headers)
        has_crc |= k == "x-amz-checksum-crc32c";
    BOOST_TEST(has_crc);
    auto head = handle(s, make("HEAD", "api", "nothing"));
    BOOST_TEST(head.status == 404u);
    BOOST_TEST(head.body.empty());

    auto del = make("POST", "api");
    del.query["delete"] = "";
    std::string xml = "<Delete><Quiet>true</Quiet><Object><Key>obj</Key></Object></Delete>";
    del.payload = xml;
    BOOST_TEST(code_of(handle(s, del)) == "InvalidRequest"); // no Content-MD5
    del.headers.emplace_back("x-amz-checksum-crc32c", aws_sigv4::crc32c_base64(aws_sigv4::crc32c(xml)));
    auto dr = handle(s, del);
    BOOST_TEST(dr.status == 200u);
    BOOST_TEST(dr.body.find("<Deleted>") == std::string::npos); // quiet
    BOOST_TEST(handle(s, make("GET", "api", "obj")).status == 404u);
    BOOST_TEST(code_of(handle(s, make("DELETE", "nobucket"))) == "NoSuchBucket");
}

BOOST_AUTO_TEST_SUITE_END()
