// Every S3 decoder on arbitrary responses: the first byte picks the decoder and the status class, the
// rest is "header: value" lines, an empty line, then the body (see fuzz_protocol_common.hpp).
#include <protocol/s3.hpp>

#include <cstddef>
#include <cstdint>

#include "fuzz_protocol_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    const unsigned selector = data[0] & 15u;
    const int status = (data[0] & 16u) ? 206 : 200;
    auto parsed = fuzz::split(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
    protocol::http_response_view r{status, parsed.headers, parsed.body, false};

    using namespace protocol::s3;
    switch (selector) {
    case 0: {
        list_objects_v2_output o;
        (void)decode_list_objects_v2(r, o);
        break;
    }
    case 1: {
        delete_objects_output o;
        (void)decode_delete_objects(r, o);
        break;
    }
    case 2: {
        create_multipart_upload_output o;
        (void)decode_create_multipart_upload(r, o);
        break;
    }
    case 3: {
        complete_multipart_upload_output o;
        (void)decode_complete_multipart_upload(r, o);
        break;
    }
    case 4: {
        list_parts_output o;
        (void)decode_list_parts(r, o);
        break;
    }
    case 5: {
        list_multipart_uploads_output o;
        (void)decode_list_multipart_uploads(r, o);
        break;
    }
    case 6: {
        object_metadata o;
        (void)decode_head_object(r, o);
        break;
    }
    case 7: {
        get_object_output o;
        if (!decode_get_object(r, o) && !o.body.empty()) {
            volatile char c = o.body.back(); // the view must point into the body
            (void)c;
        }
        break;
    }
    case 8: {
        head_bucket_output o;
        (void)decode_head_bucket(r, o);
        break;
    }
    case 9: {
        put_object_output o;
        (void)decode_put_object(r, o);
        break;
    }
    case 10: {
        std::string etag;
        (void)decode_upload_part(r, etag);
        break;
    }
    default:
        (void)parse_content_range(parsed.body);
        break;
    }
    return 0;
}
