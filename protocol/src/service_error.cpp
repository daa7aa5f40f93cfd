#include <protocol/service_error.hpp>

#include <algorithm>
#include <array>

#include "json_read.hpp"
#include "xml_read.hpp"

namespace protocol {
namespace {

template <std::size_t N>
bool in(std::string_view code, const std::array<std::string_view, N>& set) noexcept {
    return std::find(set.begin(), set.end(), code) != set.end();
}

// botocore/retries/standard.py ThrottledRetryableChecker._THROTTLED_ERROR_CODES.
constexpr std::array<std::string_view, 14> throttling_codes = {"Throttling",
                                                               "ThrottlingException",
                                                               "ThrottledException",
                                                               "RequestThrottledException",
                                                               "TooManyRequestsException",
                                                               "ProvisionedThroughputExceededException",
                                                               "TransactionInProgressException",
                                                               "RequestLimitExceeded",
                                                               "BandwidthLimitExceeded",
                                                               "LimitExceededException",
                                                               "RequestThrottled",
                                                               "SlowDown",
                                                               "PriorRequestNotComplete",
                                                               "EC2ThrottledException"};

// botocore's _TRANSIENT_ERROR_CODES plus the server-side codes S3, Athena, Glue and STS use for
// failures that are not the caller's fault (they normally arrive with a 5xx status anyway).
constexpr std::array<std::string_view, 10> transient_codes = {
    "RequestTimeout",           "RequestTimeoutException", "InternalError",
    "InternalFailure",          "InternalServerError",     "InternalServerException",
    "InternalServiceException", "ServiceUnavailable",      "ServiceUnavailableException",
    "IDPCommunicationError"};

constexpr std::array<std::string_view, 3> expired_codes = {"ExpiredToken", "ExpiredTokenException",
                                                           "TokenRefreshRequired"};

constexpr std::array<std::string_view, 3> skew_codes = {"RequestTimeTooSkewed", "RequestExpired",
                                                        "RequestInTheFuture"};

constexpr std::array<std::string_view, 8> not_found_codes = {"NotFound",
                                                             "NoSuchKey",
                                                             "NoSuchBucket",
                                                             "NoSuchUpload",
                                                             "ResourceNotFoundException",
                                                             "EntityNotFoundException",
                                                             "NoSuchEntity",
                                                             "NoSuchEntityException"};

constexpr std::array<std::string_view, 12> access_codes = {"AccessDenied",
                                                           "AccessDeniedException",
                                                           "Forbidden",
                                                           "InvalidAccessKeyId",
                                                           "SignatureDoesNotMatch",
                                                           "InvalidSignatureException",
                                                           "InvalidClientTokenId",
                                                           "UnrecognizedClientException",
                                                           "IncompleteSignature",
                                                           "MissingAuthenticationToken",
                                                           "AuthFailure",
                                                           "InvalidToken"};

std::string_view strip_code(std::string_view code) {
    if (auto p = code.rfind('#'); p != std::string_view::npos)
        code.remove_prefix(p + 1);
    if (auto p = code.find(':'); p != std::string_view::npos)
        code = code.substr(0, p);
    while (!code.empty() && (code.front() == ' ' || code.front() == '\t'))
        code.remove_prefix(1);
    while (!code.empty() && (code.back() == ' ' || code.back() == '\t'))
        code.remove_suffix(1);
    return code;
}

void request_id_from_headers(const http_response_view& r, service_error& e) {
    for (std::string_view name : {"x-amzn-RequestId", "x-amz-request-id"})
        if (auto v = r.header(name)) {
            e.request_id.assign(*v);
            break;
        }
    if (auto v = r.header("x-amz-id-2"))
        e.extended_request_id.assign(*v);
}

std::string_view code_from_status(int status) {
    switch (status) {
    case 301:
        return "PermanentRedirect";
    case 304:
        return "NotModified";
    case 400:
        return "BadRequest";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 412:
        return "PreconditionFailed";
    case 416:
        return "InvalidRange";
    case 503:
        return "SlowDown";
    default:
        return {};
    }
}

// Reads <Error> (S3 root, or STS child of <ErrorResponse>). Returns false when the body has none.
bool read_xml_error(std::string_view body, service_error& e) {
    if (body.empty())
        return false;
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8))
        return false;
    pugi::xml_node root = doc.document_element();
    pugi::xml_node err = std::string_view(root.name()) == "Error" ? root : root.child("Error");
    if (!err) // <Response><Errors><Error> (EC2-style query errors)
        err = root.child("Errors").child("Error");
    if (!err)
        return false;
    e.code = strip_code(err.child_value("Code"));
    e.message = err.child_value("Message");
    for (pugi::xml_node n : {err, root})
        if (pugi::xml_node id = n.child("RequestId"); id && e.request_id.empty())
            e.request_id = id.child_value();
    if (pugi::xml_node host = err.child("HostId"); host && e.extended_request_id.empty())
        e.extended_request_id = host.child_value();
    return true;
}

} // namespace

std::string_view to_string(error_class c) noexcept {
    switch (c) {
    case error_class::throttling:
        return "throttling";
    case error_class::transient:
        return "transient";
    case error_class::clock_skew:
        return "clock_skew";
    case error_class::expired_credentials:
        return "expired_credentials";
    case error_class::not_found:
        return "not_found";
    case error_class::access_denied:
        return "access_denied";
    case error_class::client_error:
        return "client_error";
    }
    return "unknown";
}

error_class classify(int status, std::string_view code, std::string_view message) noexcept {
    if (in(code, expired_codes))
        return error_class::expired_credentials;
    if (in(code, skew_codes))
        return error_class::clock_skew;
    if ((code == "InvalidSignatureException" || code == "SignatureDoesNotMatch") &&
        message.find("Signature expired") != std::string_view::npos)
        return error_class::clock_skew;
    if (in(code, throttling_codes) || status == 429 || status == 509)
        return error_class::throttling;
    if (in(code, transient_codes) || status == 500 || status == 502 || status == 503 || status == 504)
        return error_class::transient;
    if (in(code, not_found_codes) || status == 404)
        return error_class::not_found;
    if (in(code, access_codes) || status == 403)
        return error_class::access_denied;
    return error_class::client_error;
}

service_error decode_json_error(const http_response_view& r) {
    service_error e;
    e.status = r.status;
    request_id_from_headers(r, e);
    std::string raw_code;
    if (!r.body.empty()) {
        simdjson::dom::parser parser;
        simdjson::dom::element root;
        simdjson::dom::object obj;
        if (!parser.parse(r.body.data(), r.body.size(), !r.body_padded).get(root) &&
            !root.get_object().get(obj)) {
            for (std::string_view k : {"__type", "code", "Code"}) {
                std::string_view v;
                if (!obj.at_key(k).get_string().get(v)) {
                    raw_code.assign(v);
                    break;
                }
            }
            for (std::string_view k : {"message", "Message", "errorMessage"}) {
                std::string_view v;
                if (!obj.at_key(k).get_string().get(v)) {
                    e.message.assign(v);
                    break;
                }
            }
        }
    }
    if (raw_code.empty())
        if (auto h = r.header("x-amzn-ErrorType"))
            raw_code.assign(*h);
    e.code = strip_code(raw_code);
    return e;
}

service_error decode_rest_xml_error(const http_response_view& r) {
    service_error e;
    e.status = r.status;
    request_id_from_headers(r, e);
    if (!read_xml_error(r.body, e) || e.code.empty())
        e.code = code_from_status(r.status);
    if (e.code.empty() && !r.success())
        e.code = std::to_string(r.status);
    return e;
}

service_error decode_query_error(const http_response_view& r) {
    service_error e;
    e.status = r.status;
    request_id_from_headers(r, e);
    if (!read_xml_error(r.body, e) || e.code.empty())
        e.code = code_from_status(r.status);
    return e;
}

service_error decode_service_error(wire_protocol p, const http_response_view& r) {
    switch (p) {
    case wire_protocol::json:
        return decode_json_error(r);
    case wire_protocol::rest_xml:
        return decode_rest_xml_error(r);
    case wire_protocol::query:
        return decode_query_error(r);
    }
    return decode_json_error(r);
}

} // namespace protocol
