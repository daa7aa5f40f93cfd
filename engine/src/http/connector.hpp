#pragma once
// The production connector: resolve, TCP connect, TLS handshake (SNI + peer and host name
// verification). Private to engine/http.
#include <engine/http/client.hpp>
#include <engine/http/connection.hpp>

#include <memory>
#include <system_error>

namespace engine::http::detail {

/// Builds the TCP/TLS connector for `options`; `ec` is set when the TLS context cannot be set up
/// (unreadable ca_file) — the connector is still returned and fails every connect with it.
std::shared_ptr<connector> make_tcp_tls_connector(const client_options& options, std::error_code& ec);

} // namespace engine::http::detail
