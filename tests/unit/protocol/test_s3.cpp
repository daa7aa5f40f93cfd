// S3 (REST-XML): addressing, paths, queries, bodies; decoders on bodies from botocore's examples.
#include <protocol/error.hpp>
#include <protocol/s3.hpp>

#include <boost/test/unit_test.hpp>

#include "helpers.hpp"

using namespace protocol;
using namespace protocol::s3;

namespace {

config aws(const char* region = "eu-west-1") {
    config c;
    BOOST_REQUIRE(!resolve_endpoint(service::s3, region, c.ep));
    return c;
}

config local() {
    config c;
    BOOST_REQUIRE(!parse_endpoint_url("http://127.0.0.1:9000", c.ep));
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(protocol_s3)

BOOST_AUTO_TEST_CASE(bucket_name_rules) {
    BOOST_TEST(is_dns_compatible("examplebucket"));
    BOOST_TEST(is_dns_compatible("my.bucket-1"));
    BOOST_TEST(!is_dns_compatible("ab"));
    BOOST_TEST(!is_dns_compatible(std::string(64, 'a')));
    BOOST_TEST(!is_dns_compatible("MyBucket"));
    BOOST_TEST(!is_dns_compatible("my_bucket"));
    BOOST_TEST(!is_dns_compatible("-bucket"));
    BOOST_TEST(!is_dns_compatible("bucket-"));
    BOOST_TEST(!is_dns_compatible("a..b"));
    BOOST_TEST(!is_dns_compatible("a.-b"));
    BOOST_TEST(!is_dns_compatible("192.168.5.4"));
}

BOOST_AUTO_TEST_CASE(addressing_styles) {
    http_request r;
    BOOST_REQUIRE(!build_head_bucket(aws(), "examplebucket", r));
    BOOST_TEST(r.host == "examplebucket.s3.eu-west-1.amazonaws.com");
    BOOST_TEST(r.path == "/");
    BOOST_TEST(r.method == "HEAD");
    BOOST_TEST(r.signing_name == "s3");
    // us-east-1 uses the global host, like botocore.
    BOOST_REQUIRE(!build_head_bucket(aws("us-east-1"), "examplebucket", r));
    BOOST_TEST(r.host == "examplebucket.s3.amazonaws.com");
    // Dots: path-style (the wildcard certificate does not cover a.b.s3...).
    BOOST_REQUIRE(!build_head_bucket(aws(), "my.bucket", r));
    BOOST_TEST(r.host == "s3.eu-west-1.amazonaws.com");
    BOOST_TEST(r.path == "/my.bucket");
    // Not DNS-compatible: path-style.
    BOOST_REQUIRE(!build_head_bucket(aws(), "My_Bucket", r));
    BOOST_TEST(r.path == "/My_Bucket");
    // Custom endpoints: path-style, scheme and port kept.
    BOOST_REQUIRE(!build_head_bucket(local(), "examplebucket", r));
    BOOST_TEST(r.host == "127.0.0.1");
    BOOST_TEST(r.port == 9000);
    BOOST_TEST(r.scheme == "http");
    BOOST_TEST(r.authority() == "127.0.0.1:9000");
    BOOST_TEST(r.path == "/examplebucket");
    // Forced styles.
    config c = aws();
    c.style = addressing_style::path;
    BOOST_REQUIRE(!build_head_bucket(c, "examplebucket", r));
    BOOST_TEST(r.path == "/examplebucket");
    c = local();
    c.style = addressing_style::virtual_hosted;
    c.ep.host = "s3.local";
    BOOST_REQUIRE(!build_head_bucket(c, "examplebucket", r));
    BOOST_TEST(r.host == "examplebucket.s3.local");
    // Base path of a custom endpoint.
    c = config{};
    BOOST_REQUIRE(!parse_endpoint_url("https://gw.example.com/s3", c.ep));
    get_object_input in{"b1b", "k", std::nullopt, ""};
    BOOST_REQUIRE(!build_get_object(c, in, r));
    BOOST_TEST(r.path == "/s3/b1b/k");
}

BOOST_AUTO_TEST_CASE(key_encoding) {
    BOOST_TEST(encode_key("a b/c+d~e") == "a%20b/c%2Bd~e"); // botocore: /a%20b/c%2Bd~e
    BOOST_TEST(encode_key("sf1/lineitem/part-0.parquet") == "sf1/lineitem/part-0.parquet");
    BOOST_TEST(encode_key("\xe2\x82\xac?#%") == "%E2%82%AC%3F%23%25");
    BOOST_TEST(encode_key("//x") == "//x");
    http_request r;
    get_object_input in{"examplebucket", "dir/a b.txt", std::nullopt, ""};
    BOOST_REQUIRE(!build_get_object(aws(), in, r));
    BOOST_TEST(r.path == "/dir/a%20b.txt");
    BOOST_REQUIRE(!build_get_object(local(), in, r));
    BOOST_TEST(r.path == "/examplebucket/dir/a%20b.txt");
}

BOOST_AUTO_TEST_CASE(input_validation) {
    http_request r;
    BOOST_TEST(build_head_bucket(aws(), "", r) == error::invalid_bucket_name);
    BOOST_TEST(build_head_bucket(aws(), "a/b", r) == error::invalid_bucket_name);
    BOOST_TEST(build_head_bucket(aws(), std::string(256, 'a'), r) == error::invalid_bucket_name);
    BOOST_TEST(build_head_object(aws(), "b", "", r) == error::invalid_key);
    BOOST_TEST(build_head_object(aws(), "b", std::string(1025, 'k'), r) == error::invalid_key);
    BOOST_TEST(!build_head_object(aws(), "b", std::string(1024, 'k'), r));
    BOOST_TEST(build_upload_part(aws(), "b", "k", "u", 0, r) == error::invalid_parameter);
    BOOST_TEST(build_upload_part(aws(), "b", "k", "u", 10001, r) == error::invalid_parameter);
    BOOST_TEST(build_upload_part(aws(), "b", "k", "", 1, r) == error::missing_parameter);
    list_objects_v2_input l;
    l.bucket = "b";
    l.max_keys = 1001;
    BOOST_TEST(build_list_objects_v2(aws(), l, r) == error::invalid_parameter);
}

BOOST_AUTO_TEST_CASE(ranges) {
    std::string s;
    BOOST_REQUIRE(!format_range(byte_range::between(0, 99), s));
    BOOST_TEST(s == "bytes=0-99");
    BOOST_REQUIRE(!format_range(byte_range::from(100), s));
    BOOST_TEST(s == "bytes=100-");
    BOOST_REQUIRE(!format_range(byte_range::suffix(500), s));
    BOOST_TEST(s == "bytes=-500");
    BOOST_REQUIRE(!format_range(byte_range::between(7, 7), s));
    BOOST_TEST(s == "bytes=7-7");
    BOOST_TEST(format_range(byte_range::between(8, 7), s) == error::invalid_range);

    http_request r;
    get_object_input in{"examplebucket", "k", byte_range::suffix(8), "\"etag\""};
    BOOST_REQUIRE(!build_get_object(aws(), in, r));
    BOOST_TEST(*r.find_header("Range") == "bytes=-8");
    BOOST_TEST(*r.find_header("If-Match") == "\"etag\"");
    in.range = byte_range::between(9, 1);
    BOOST_TEST(build_get_object(aws(), in, r) == error::invalid_range);

    auto cr = parse_content_range("bytes 0-99/1234");
    BOOST_REQUIRE(cr);
    BOOST_TEST(cr->first == 0u);
    BOOST_TEST(cr->last == 99u);
    BOOST_TEST(cr->total.value() == 1234u);
    cr = parse_content_range("bytes 5-9/*");
    BOOST_REQUIRE(cr);
    BOOST_TEST(!cr->total);
    for (const char* bad : {"", "bytes */1234", "bytes 9-5/10", "bytes 0-99/99", "bytes 0-99/", "items 0-1/2",
                            "bytes 0-99/12x"})
        BOOST_TEST(!parse_content_range(bad), bad);
}

BOOST_AUTO_TEST_CASE(create_bucket_bodies) {
    http_request r;
    BOOST_REQUIRE(!build_create_bucket(aws(), "examplebucket", "eu-west-1", r));
    BOOST_TEST(r.method == "PUT");
    BOOST_TEST(
        r.body ==
        R"(<?xml version="1.0" encoding="UTF-8"?><CreateBucketConfiguration xmlns=)"
        R"("http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint>)"
        R"(</CreateBucketConfiguration>)");
    BOOST_REQUIRE(!build_create_bucket(aws("us-east-1"), "examplebucket", "us-east-1", r));
    BOOST_TEST(r.body.empty());
    BOOST_TEST(r.find_header("Content-Type") == nullptr);
    BOOST_TEST(!decode_create_bucket(test::ok("").view()));
}

BOOST_AUTO_TEST_CASE(head_bucket_region) {
    test::response r{200, {{"x-amz-bucket-region", "eu-west-1"}}, ""};
    head_bucket_output out;
    BOOST_REQUIRE(!decode_head_bucket(r.view(), out));
    BOOST_TEST(out.region == "eu-west-1");
    r.status = 301;
    BOOST_TEST(decode_head_bucket(r.view(), out) == error::not_success);
    BOOST_TEST(bucket_region(r.view()) == "eu-west-1");
}

BOOST_AUTO_TEST_CASE(put_and_head_object) {
    put_object_input in;
    in.bucket = "examplebucket";
    in.key = "HappyFace.jpg";
    in.body = "hello";
    in.content_type = "image/jpeg";
    in.metadata = {{"origin", "tpch"}};
    http_request r;
    BOOST_REQUIRE(!build_put_object(aws(), std::move(in), r));
    BOOST_TEST(r.method == "PUT");
    BOOST_TEST(r.path == "/HappyFace.jpg");
    BOOST_TEST(r.body == "hello");
    BOOST_TEST(*r.find_header("Content-Type") == "image/jpeg");
    BOOST_TEST(*r.find_header("x-amz-meta-origin") == "tpch");
    test::response pr{
        200, {{"ETag", "\"6805f2cfc46c0f04559748bb039d69ae\""}, {"x-amz-version-id", "v1"}}, ""};
    put_object_output po;
    BOOST_REQUIRE(!decode_put_object(pr.view(), po));
    BOOST_TEST(po.etag == "\"6805f2cfc46c0f04559748bb039d69ae\"");
    BOOST_TEST(po.version_id == "v1");

    test::response hr{200,
                      {{"Content-Length", "3191"},
                       {"Content-Type", "image/jpeg"},
                       {"ETag", "\"6805f2cfc46c0f04559748bb039d69ae\""},
                       {"Last-Modified", "Thu, 15 Dec 2016 01:19:41 GMT"},
                       {"X-Amz-Meta-Origin", "tpch"}},
                      ""};
    object_metadata m;
    BOOST_REQUIRE(!decode_head_object(hr.view(), m));
    BOOST_TEST(m.content_length.value() == 3191u);
    BOOST_TEST(m.content_type == "image/jpeg");
    BOOST_TEST(format_iso8601(m.last_modified.value()) == "2016-12-15T01:19:41.000Z");
    BOOST_TEST(m.metadata.at("origin") == "tpch");
    BOOST_TEST(m.checksums.empty());
    hr.headers[0].second = "12a";
    BOOST_TEST(decode_head_object(hr.view(), m) == error::bad_value);

    // Checksum mode: the request asks for them, the answer's x-amz-checksum-* are kept.
    http_request hq;
    BOOST_REQUIRE(!build_head_object(aws(), "b", "k", hq, true));
    BOOST_TEST(hq.headers.size() == 1u);
    BOOST_TEST(hq.headers[0].first == "x-amz-checksum-mode");
    BOOST_TEST(hq.headers[0].second == "ENABLED");
    BOOST_REQUIRE(!build_head_object(aws(), "b", "k", hq));
    BOOST_TEST(hq.headers.empty());
    test::response cr{200,
                      {{"Content-Length", "9"},
                       {"x-amz-checksum-crc32c", "4waSgw=="},
                       {"X-Amz-Checksum-SHA256", "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="},
                       {"x-amz-checksum-type", "FULL_OBJECT"}},
                      ""};
    object_metadata cm;
    BOOST_REQUIRE(!decode_head_object(cr.view(), cm));
    BOOST_TEST(cm.checksums.size() == 2u);
    BOOST_TEST(cm.checksums.at("crc32c") == "4waSgw==");
    BOOST_TEST(cm.checksums.at("sha256") == "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
}

BOOST_AUTO_TEST_CASE(get_object_partial) {
    test::response r{206, {{"Content-Length", "10"}, {"Content-Range", "bytes 0-9/43"}}, "0123456789"};
    get_object_output out;
    BOOST_REQUIRE(!decode_get_object(r.view(), out));
    BOOST_TEST(out.body == "0123456789");
    BOOST_REQUIRE(out.range);
    BOOST_TEST(out.range->total.value() == 43u);
    r.headers[1].second = "garbage";
    BOOST_TEST(decode_get_object(r.view(), out) == error::bad_value);
    r.status = 416;
    BOOST_TEST(decode_get_object(r.view(), out) == error::not_success);
}

BOOST_AUTO_TEST_CASE(list_objects_v2_request) {
    list_objects_v2_input in;
    in.bucket = "examplebucket";
    in.prefix = "sf1/";
    in.delimiter = "/";
    in.continuation_token = "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==";
    in.max_keys = 2;
    in.start_after = "sf1/a";
    in.encoding_type_url = true;
    http_request r;
    BOOST_REQUIRE(!build_list_objects_v2(aws(), in, r));
    BOOST_TEST(r.method == "GET");
    BOOST_TEST(r.target() ==
               "/?list-type=2&continuation-token=1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI%2FEyIJg"
               "%3D%3D&delimiter=%2F&encoding-type=url&max-keys=2&prefix=sf1%2F&start-after=sf1%2Fa");
    in = {};
    in.bucket = "examplebucket";
    BOOST_REQUIRE(!build_list_objects_v2(local(), in, r));
    BOOST_TEST(r.target() == "/examplebucket?list-type=2");
}

BOOST_AUTO_TEST_CASE(list_objects_v2_example) {
    list_objects_v2_output out;
    BOOST_REQUIRE(!decode_list_objects_v2(test::ok(test::fixture("s3/list_objects_v2.xml")).view(), out));
    BOOST_TEST(out.name == "examplebucket");
    BOOST_TEST(out.is_truncated);
    BOOST_TEST(out.key_count == 2u);
    BOOST_TEST(out.max_keys == 2u);
    BOOST_TEST(out.next_continuation_token == "1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==");
    BOOST_REQUIRE(out.contents.size() == 2u);
    BOOST_TEST(out.contents[0].key == "happyface.jpg");
    BOOST_TEST(out.contents[0].etag == "\"70ee1738b6b21e2c8a43f3a5ab0eee71\"");
    BOOST_TEST(out.contents[0].size == 11u);
    BOOST_TEST(format_iso8601(out.contents[0].last_modified.value()) == "2014-11-21T19:40:05.000Z");
    BOOST_TEST(out.contents[1].size == 4192256u);
    BOOST_TEST(out.contents[1].storage_class == "STANDARD");
    BOOST_TEST(out.common_prefixes.empty());
}

BOOST_AUTO_TEST_CASE(list_objects_v2_url_encoded) {
    list_objects_v2_output out;
    BOOST_REQUIRE(!decode_list_objects_v2(test::ok(test::fixture("s3/list_objects_v2_url.xml")).view(), out));
    BOOST_TEST(out.encoding_type == "url");
    BOOST_TEST(out.prefix == "sf1/");
    BOOST_TEST(out.delimiter == "/");
    BOOST_TEST(!out.is_truncated);
    BOOST_REQUIRE(out.contents.size() == 1u);
    BOOST_TEST(out.contents[0].key == "sf1/a b&c+.parquet");
    BOOST_REQUIRE(out.common_prefixes.size() == 2u);
    BOOST_TEST(out.common_prefixes[1] == "sf1/orders/");
}

BOOST_AUTO_TEST_CASE(delete_objects_request) {
    http_request r;
    std::vector<object_identifier> objs = {{"a&b.txt", ""},
                                           {"HappyFace.jpg", "2LWg7lQLnY41.maGB5Z6SWW.dcq0vx7b"}};
    BOOST_REQUIRE(!build_delete_objects(aws(), "examplebucket", objs, true, r));
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.target() == "/?delete");
    BOOST_TEST(
        r.body ==
        R"(<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">)"
        R"(<Object><Key>a&amp;b.txt</Key></Object><Object><Key>HappyFace.jpg</Key><VersionId>)"
        R"(2LWg7lQLnY41.maGB5Z6SWW.dcq0vx7b</VersionId></Object><Quiet>true</Quiet></Delete>)");
    BOOST_TEST(*r.find_header("Content-MD5") == "oW9leA5dU3WBeIQm1HQw4w=="); // python hashlib + base64
    BOOST_TEST(!build_delete_objects(aws(), "b", std::vector<object_identifier>(1000, {"k", ""}), false, r));
    BOOST_TEST(r.body.find("<Quiet>") == std::string::npos);
    BOOST_TEST(build_delete_objects(aws(), "b", std::vector<object_identifier>(1001, {"k", ""}), false, r) ==
               error::too_many_keys);
    BOOST_TEST(build_delete_objects(aws(), "b", {}, false, r) == error::missing_parameter);
    BOOST_TEST(build_delete_objects(aws(), "b", {{"", ""}}, false, r) == error::invalid_key);
}

BOOST_AUTO_TEST_CASE(delete_objects_example) {
    delete_objects_output out;
    BOOST_REQUIRE(!decode_delete_objects(test::ok(test::fixture("s3/delete_objects.xml")).view(), out));
    BOOST_REQUIRE(out.deleted.size() == 3u);
    BOOST_TEST(out.deleted[0].version_id == "yoz3HB.ZhCS_tKVEmIOr7qYyyAaZSKVd");
    BOOST_TEST(out.deleted[2].delete_marker);
    BOOST_REQUIRE(out.errors.size() == 1u);
    BOOST_TEST(out.errors[0].key == "protected.txt");
    BOOST_TEST(out.errors[0].code == "AccessDenied");
}

BOOST_AUTO_TEST_CASE(multipart_requests) {
    http_request r;
    BOOST_REQUIRE(
        !build_create_multipart_upload(aws(), "examplebucket", "largeobject", r, "application/octet-stream"));
    BOOST_TEST(r.method == "POST");
    BOOST_TEST(r.target() == "/largeobject?uploads");
    BOOST_TEST(r.headers.size() == 1u);
    BOOST_REQUIRE(!build_create_multipart_upload(aws(), "examplebucket", "largeobject", r, "", "CRC32C"));
    BOOST_TEST(r.headers.size() == 1u);
    BOOST_TEST(r.headers[0].first == "x-amz-checksum-algorithm");
    BOOST_TEST(r.headers[0].second == "CRC32C");
    BOOST_REQUIRE(!build_upload_part(local(), "examplebucket", "large object", "up/1", 7, r, "data"));
    BOOST_TEST(r.method == "PUT");
    BOOST_TEST(r.target() == "/examplebucket/large%20object?partNumber=7&uploadId=up%2F1");
    BOOST_TEST(r.body == "data");
    std::vector<completed_part> parts = {{1, "\"d8c2eafd90c266e19ab9dcacc479f8af\""}, {2, "\"e1\""}};
    BOOST_REQUIRE(!build_complete_multipart_upload(aws(), "examplebucket", "bigobject", "U", parts, r));
    BOOST_TEST(r.target() == "/bigobject?uploadId=U");
    BOOST_TEST(
        r.body ==
        R"(<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns=)"
        R"("http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>&quot;d8c2eafd90c266e19ab9dcacc479f8af)"
        R"(&quot;</ETag><PartNumber>1</PartNumber></Part><Part><ETag>&quot;e1&quot;</ETag>)"
        R"(<PartNumber>2</PartNumber></Part></CompleteMultipartUpload>)");
    parts = {{1, "\"e1\"", "4waSgw=="}};
    BOOST_REQUIRE(!build_complete_multipart_upload(aws(), "b", "k", "U", parts, r));
    BOOST_TEST(r.body.find("<Part><ETag>&quot;e1&quot;</ETag><ChecksumCRC32C>4waSgw==</ChecksumCRC32C>"
                           "<PartNumber>1</PartNumber></Part>") != std::string::npos);
    parts = {{2, "a"}, {1, "b"}};
    BOOST_TEST(build_complete_multipart_upload(aws(), "b", "k", "U", parts, r) == error::invalid_parameter);
    BOOST_TEST(build_complete_multipart_upload(aws(), "b", "k", "U", {}, r) == error::missing_parameter);
    BOOST_REQUIRE(!build_abort_multipart_upload(aws(), "examplebucket", "bigobject", "U", r));
    BOOST_TEST(r.method == "DELETE");
    BOOST_TEST(r.target() == "/bigobject?uploadId=U");
    BOOST_REQUIRE(!build_list_parts(aws(), {"examplebucket", "bigobject", "U", 2, 1}, r));
    BOOST_TEST(r.target() == "/bigobject?max-parts=2&part-number-marker=1&uploadId=U");
    BOOST_REQUIRE(!build_list_multipart_uploads(aws(), {"examplebucket", "p/", "/", "k", "u", 2}, r));
    BOOST_TEST(r.target() ==
               "/?uploads&delimiter=%2F&key-marker=k&max-uploads=2&prefix=p%2F&upload-id-marker=u");
}

BOOST_AUTO_TEST_CASE(multipart_examples) {
    create_multipart_upload_output c;
    BOOST_REQUIRE(
        !decode_create_multipart_upload(test::ok(test::fixture("s3/create_multipart_upload.xml")).view(), c));
    BOOST_TEST(c.key == "largeobject");
    BOOST_TEST(c.upload_id ==
               "ibZBv_75gd9r8lH_gqXatLdxMVpAlj6ZQjEs.OwyF3953YdwbcQnMA2BLGn8Lx12fQNICtMw5KyteFeHw.Sjng--");

    test::response up{200, {{"ETag", "\"d8c2eafd90c266e19ab9dcacc479f8af\""}}, ""};
    std::string etag;
    BOOST_REQUIRE(!decode_upload_part(up.view(), etag));
    BOOST_TEST(etag == "\"d8c2eafd90c266e19ab9dcacc479f8af\"");
    up.headers.clear();
    BOOST_TEST(decode_upload_part(up.view(), etag) == error::missing_field);

    complete_multipart_upload_output done;
    BOOST_REQUIRE(!decode_complete_multipart_upload(
        test::ok(test::fixture("s3/complete_multipart_upload.xml")).view(), done));
    BOOST_TEST(done.location == "https://examplebucket.s3.amazonaws.com/bigobject");
    BOOST_TEST(done.etag == "\"4d9031c7644d8081c2829f4ea23c55f7-2\"");
    BOOST_TEST(decode_complete_multipart_upload(
                   test::ok(test::fixture("s3/complete_multipart_upload_error.xml")).view(), done) ==
               error::error_in_body);

    list_parts_output lp;
    BOOST_REQUIRE(!decode_list_parts(test::ok(test::fixture("s3/list_parts.xml")).view(), lp));
    BOOST_TEST(lp.is_truncated);
    BOOST_TEST(lp.next_part_number_marker.value() == 2u);
    BOOST_REQUIRE(lp.parts.size() == 2u);
    BOOST_TEST(lp.parts[1].part_number == 2);
    BOOST_TEST(lp.parts[1].size == 5242880u);
    BOOST_TEST(format_iso8601(lp.parts[0].last_modified.value()) == "2016-12-16T00:11:42.000Z");

    list_multipart_uploads_output lu;
    BOOST_REQUIRE(
        !decode_list_multipart_uploads(test::ok(test::fixture("s3/list_multipart_uploads.xml")).view(), lu));
    BOOST_TEST(lu.is_truncated);
    BOOST_TEST(lu.next_key_marker == "JavaFile");
    BOOST_REQUIRE(lu.uploads.size() == 2u);
    BOOST_TEST(format_iso8601(lu.uploads[1].initiated.value()) == "2014-05-01T05:41:27.000Z");
    BOOST_REQUIRE(lu.common_prefixes.size() == 1u);
    BOOST_TEST(lu.common_prefixes[0] == "photos/");

    BOOST_TEST(!decode_abort_multipart_upload(test::ok("", 204).view()));
}

BOOST_AUTO_TEST_CASE(decode_errors) {
    list_objects_v2_output out;
    BOOST_TEST(decode_list_objects_v2(test::ok(test::fixture("s3/error_no_such_key.xml"), 404).view(), out) ==
               error::not_success);
    BOOST_TEST(decode_list_objects_v2(test::ok("<ListBucketResult>").view(), out) == error::malformed_xml);
    BOOST_TEST(decode_list_objects_v2(test::ok("").view(), out) == error::malformed_xml);
    BOOST_TEST(decode_list_objects_v2(test::ok("<Error/>").view(), out) == error::malformed_xml);
    BOOST_TEST(decode_list_objects_v2(test::ok("<ListBucketResult><Contents/></ListBucketResult>").view(),
                                      out) == error::missing_field);
    BOOST_TEST(decode_list_objects_v2(
                   test::ok("<ListBucketResult><KeyCount>-1</KeyCount></ListBucketResult>").view(), out) ==
               error::bad_value);
    BOOST_TEST(decode_list_objects_v2(
                   test::ok("<ListBucketResult><IsTruncated>yes</IsTruncated></ListBucketResult>").view(),
                   out) == error::bad_value);
    create_multipart_upload_output c;
    BOOST_TEST(
        decode_create_multipart_upload(
            test::ok("<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>")
                .view(),
            c) == error::missing_field);
}

BOOST_AUTO_TEST_SUITE_END()
