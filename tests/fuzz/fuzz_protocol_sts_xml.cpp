// The STS decoders on arbitrary bodies; the first byte picks the decoder.
#include <protocol/sts.hpp>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
    protocol::http_response_view r{200, {}, body, false};
    using namespace protocol::sts;
    switch (data[0] % 3) {
    case 0: {
        assume_role_output o;
        (void)decode_assume_role(r, o);
        break;
    }
    case 1: {
        assume_role_with_web_identity_output o;
        (void)decode_assume_role_with_web_identity(r, o);
        break;
    }
    default: {
        caller_identity o;
        (void)decode_get_caller_identity(r, o);
        break;
    }
    }
    return 0;
}
