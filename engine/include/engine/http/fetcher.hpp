#pragma once
// The credential providers' HTTP seam (engine::credentials::http_fetcher) implemented on the HTTP
// client: IMDS, ECS and STS calls then share the client's pool, TLS settings (CA bundle) and
// keep-alive connections. Lives in its own library, bb_engine_http_fetcher, so that engine/http
// does not depend on engine/credentials.
#include <engine/credentials/http_fetcher.hpp>
#include <engine/http/client.hpp>

#include <memory>

namespace engine::http {

/// Returns a fetcher that sends every request through `c` (which must outlive the fetcher and be
/// used on its executor). Follows the http_fetcher contract: the whole exchange (pool wait,
/// connect, TLS, write, read) is bounded by the fetch timeout, whose expiry completes with
/// engine::credentials::error::timeout; response bodies are capped at 1 MiB
/// (engine::error::response_too_large); a scheme other than http/https gives
/// engine::credentials::error::unsupported_scheme; terminal cancellation of the awaiting coroutine
/// completes with operation_aborted; other transport errors are the client's codes.
std::shared_ptr<credentials::http_fetcher> make_client_fetcher(client& c);

} // namespace engine::http
