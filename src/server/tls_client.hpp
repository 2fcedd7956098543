#pragma once
// Client-side TLS shared by the Slack follow-ups and `qabot chat wss://`: TLS 1.2 or newer, the
// peer's certificate verified against the system store or only against given certificates (a
// private CA, a test's throwaway one), and on each connection SNI and the host name (or IP address)
// the certificate must carry.

#include <string>
#include <string_view>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "server/net.hpp"

namespace qabot::server {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// `trusted_ca_pem` empty: the system store. Throws std::runtime_error when the store or the
// certificates cannot be loaded.
net::ssl::context make_tls_client_context(std::string_view trusted_ca_pem);

// Before the handshake: SNI (not for an IP address, RFC 6066) and verification of `host` against
// the peer's certificate. `host` is a name or an IP address without brackets (Url::host).
beast::error_code expect_peer(TlsStream& stream, const std::string& host);

// After a failed handshake: whether it failed because the peer's certificate was refused.
bool certificate_refused(TlsStream& stream);

// Why a handshake failed, for people: OpenSSL's reason and, when the certificate was refused, the
// verifier's ("certificate verify failed (SSL routines): self-signed certificate").
std::string describe_handshake_error(TlsStream& stream, const beast::error_code& ec);

}  // namespace qabot::server
