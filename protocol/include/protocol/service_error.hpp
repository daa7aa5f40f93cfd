#pragma once
// What a service said when it refused a request, and how the engine should react to it.
//
// decode_*_error() never fail: they fill what the response carries (an unreadable body still yields
// the HTTP status, the request id from the headers, and a code derived from the status).
// classify() is a pure function of (status, code, message), modelled on botocore's standard retry
// mode (botocore/retries/standard.py, botocore/data/_retry.json).
#include <protocol/http.hpp>

#include <string>
#include <string_view>

namespace protocol {

/// What kind of failure a service error is, from the caller's point of view.
enum class error_class {
    throttling, ///< slow down and retry: Throttling*, TooManyRequestsException, SlowDown, HTTP 429/509
    transient,  ///< retry: HTTP 500/502/503/504, InternalError, ServiceUnavailable, RequestTimeout
    clock_skew, ///< fix the signing clock from the Date header, then retry: RequestTimeTooSkewed, ...
    expired_credentials, ///< refresh credentials, then retry: ExpiredToken, ExpiredTokenException
    not_found,           ///< HTTP 404, NoSuchKey, NoSuchBucket, ResourceNotFoundException, EntityNotFound...
    access_denied,       ///< HTTP 403, AccessDenied, InvalidAccessKeyId, SignatureDoesNotMatch, ...
    client_error,        ///< anything else: the request is wrong and retrying it will not help
};

/// The name of a class ("throttling", "transient", ...).
std::string_view to_string(error_class c) noexcept;

/// Classifies a failed response. Rules are checked in this order: expired credentials, clock skew
/// (RequestTimeTooSkewed, RequestExpired, RequestInTheFuture, or InvalidSignatureException /
/// SignatureDoesNotMatch whose message says "Signature expired"), throttling (botocore's throttling
/// codes, HTTP 429 and 509; SlowDown is throttling even though it arrives as a 503), transient
/// (botocore's transient codes plus InternalError/InternalFailure/ServiceUnavailable..., HTTP 500, 502,
/// 503, 504), not found, access denied (codes, then HTTP 403), client error.
error_class classify(int status, std::string_view code, std::string_view message = {}) noexcept;

/// Diagnostics of a failed call: everything the engine logs and retries on.
struct service_error {
    int status = 0;         ///< HTTP status
    std::string code;       ///< AWS error code, "ThrottlingException", "NoSuchKey", ... (may be empty)
    std::string message;    ///< human-readable message from the service (may be empty)
    std::string request_id; ///< x-amzn-RequestId / x-amz-request-id / <RequestId>
    std::string extended_request_id; ///< S3's x-amz-id-2 / <HostId>

    error_class kind() const noexcept { return classify(status, code, message); }
};

/// The three wire protocols of the services used here.
enum class wire_protocol {
    json,     ///< AWS JSON 1.1 (Athena, Glue): {"__type": "...#Code", "message": "..."}
    rest_xml, ///< S3: <Error><Code/><Message/><RequestId/></Error>, or no body at all for HEAD
    query,    ///< STS: <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>
};

/// JSON 1.1 error. Code from body "__type" (or "code"), else header x-amzn-ErrorType; a "prefix#" and a
/// ":suffix" are stripped ("com.amazonaws.athena#InvalidRequestException" -> "InvalidRequestException").
/// Message from "message" or "Message". Request id from x-amzn-RequestId. No code when neither is
/// present (classify() then goes by the status).
service_error decode_json_error(const http_response_view& r);
/// S3 REST-XML error. Bodiless responses (HEAD) get a code from the status: 301 PermanentRedirect,
/// 304 NotModified, 400 BadRequest, 403 Forbidden, 404 NotFound, 412 PreconditionFailed,
/// 416 InvalidRange, 503 SlowDown, else the status number. Also reads a 200 whose body is an <Error>.
service_error decode_rest_xml_error(const http_response_view& r);
/// Query-protocol (STS) error; also accepts S3-style <Error> roots.
service_error decode_query_error(const http_response_view& r);
/// Dispatches on the protocol.
service_error decode_service_error(wire_protocol p, const http_response_view& r);

} // namespace protocol
