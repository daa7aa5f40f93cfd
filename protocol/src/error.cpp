#include <protocol/error.hpp>

#include <string>

namespace protocol {
namespace {

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "protocol"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
        case error::ok:
            return "success";
        case error::malformed_json:
            return "the response body is not valid JSON";
        case error::malformed_xml:
            return "the response body is not well-formed XML of the expected shape";
        case error::missing_field:
            return "a required field is missing from the response";
        case error::wrong_type:
            return "a response field has an unexpected type";
        case error::bad_value:
            return "a response field has an unreadable value";
        case error::not_success:
            return "the HTTP status is not 2xx (decode the service error)";
        case error::error_in_body:
            return "HTTP 200 with an <Error> body (decode the service error)";
        case error::missing_parameter:
            return "a required request parameter is empty";
        case error::invalid_parameter:
            return "a request parameter is out of the range the service accepts";
        case error::invalid_client_token:
            return "ClientRequestToken must be 32 to 128 characters long";
        case error::invalid_bucket_name:
            return "invalid bucket name (1 to 255 characters from a-z, A-Z, 0-9, '.', '-', '_')";
        case error::invalid_key:
            return "invalid object key (must be 1 to 1024 bytes)";
        case error::too_many_keys:
            return "DeleteObjects accepts at most 1000 keys per request";
        case error::invalid_range:
            return "invalid byte range (last before first, or empty suffix)";
        case error::invalid_region:
            return "invalid region (empty, or characters other than a-z, 0-9, '-')";
        case error::invalid_endpoint_url:
            return "invalid endpoint URL (expected http://host[:port][/path] or https://host[:port][/path])";
        }
        return "unknown protocol error";
    }
};

} // namespace

const std::error_category& protocol_category() noexcept {
    static const category instance;
    return instance;
}

} // namespace protocol
