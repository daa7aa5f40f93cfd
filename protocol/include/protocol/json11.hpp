#pragma once
// The AWS JSON 1.1 envelope shared by Athena and Glue: POST <base>/ with
//   X-Amz-Target: <prefix>.<Operation>     (AmazonAthena.StartSession, AWSGlue.GetTable)
//   Content-Type: application/x-amz-json-1.1
// and a JSON object body ("{}" when the operation has no input).
#include <protocol/endpoint.hpp>
#include <protocol/http.hpp>

#include <string>
#include <string_view>
#include <system_error>

namespace protocol {

/// "AmazonAthena" for athena, "AWSGlue" for glue, "" for services that do not speak JSON 1.1.
std::string_view json11_target_prefix(service s) noexcept;

/// Fills `out` with a JSON 1.1 request of `operation` ("StartSession") to `ep`, with `body` as payload.
/// The signing name comes from the service.
void make_json11_request(const endpoint& ep, service s, std::string_view operation, std::string body,
                         http_request& out);

/// Decoder for operations whose output is empty ("{}"): checks the status only.
/// Errors: not_success.
std::error_code decode_json11_empty(const http_response_view& r) noexcept;

} // namespace protocol
