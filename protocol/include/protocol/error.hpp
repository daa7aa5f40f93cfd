#pragma once
// Errors of the sans-io protocol layer (category "protocol"). Builders report invalid input with these
// codes, decoders report bodies they cannot read. Nothing in protocol/ throws for bad input: the only
// exception that can escape is std::bad_alloc.
#include <system_error>

namespace protocol {

enum class error {
    ok = 0,
    // --- decoding -----------------------------------------------------------------------------
    malformed_json, ///< the body is not valid JSON (or not a JSON object where one is required)
    malformed_xml,  ///< the body is not well-formed XML, or its root element is not the expected one
    missing_field,  ///< a field the service always sends is absent
    wrong_type,     ///< a field has the wrong JSON type (string where a number is expected, ...)
    bad_value,      ///< a field has the right type but an unreadable value (bad date, bad integer)
    not_success,    ///< the HTTP status is not 2xx: decode the failure with decode_service_error()
    error_in_body,  ///< HTTP 200 whose body is an S3 <Error> document (CompleteMultipartUpload does this)
    // --- building -----------------------------------------------------------------------------
    missing_parameter,    ///< a required input is empty (bucket, key, session id, work group, ...)
    invalid_parameter,    ///< an input is out of the range the service accepts (length, count, number)
    invalid_client_token, ///< ClientRequestToken shorter than 32 or longer than 128 characters
    invalid_bucket_name,  ///< bucket name empty, longer than 255 bytes, or with characters S3 never accepts
    invalid_key,          ///< object key empty or longer than 1024 bytes
    too_many_keys,        ///< DeleteObjects with more than 1000 keys
    invalid_range,        ///< byte range with last < first, or an empty suffix range
    invalid_region,       ///< region empty or not made of a-z, 0-9 and '-'
    invalid_endpoint_url, ///< endpoint URL not "http(s)://host[:port][/path]"
};

/// The category named "protocol".
const std::error_category& protocol_category() noexcept;

inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), protocol_category()};
}

} // namespace protocol

template <>
struct std::is_error_code_enum<protocol::error> : std::true_type {};
