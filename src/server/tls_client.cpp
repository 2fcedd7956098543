#include "server/tls_client.hpp"

#include <stdexcept>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace qabot::server {

net::ssl::context make_tls_client_context(std::string_view trusted_ca_pem) {
  net::ssl::context ctx(net::ssl::context::tls_client);
  // Slack serves TLS 1.2 and 1.3; nothing older is worth speaking.
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  ctx.set_verify_mode(net::ssl::verify_peer);
  beast::error_code ec;
  if (trusted_ca_pem.empty()) {
    ctx.set_default_verify_paths(ec);
    if (ec) throw std::runtime_error("cannot load the system certificate store: " + ec.message());
  } else {
    ctx.add_certificate_authority(net::buffer(trusted_ca_pem.data(), trusted_ca_pem.size()), ec);
    if (ec) throw std::runtime_error("bad trusted certificate: " + ec.message());
  }
  return ctx;
}

beast::error_code expect_peer(TlsStream& stream, const std::string& host) {
  beast::error_code not_address;
  net::ip::make_address(host, not_address);
  // SNI, so that a server hosting several names presents the right certificate.
  if (not_address && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
    return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
  }
  stream.set_verify_mode(net::ssl::verify_peer);
  stream.set_verify_callback(net::ssl::host_name_verification(host));
  return {};
}

bool certificate_refused(TlsStream& stream) { return SSL_get_verify_result(stream.native_handle()) != X509_V_OK; }

std::string describe_handshake_error(TlsStream& stream, const beast::error_code& ec) {
  std::string out = ec.message();
  if (certificate_refused(stream)) {
    out += std::string(": ") + X509_verify_cert_error_string(SSL_get_verify_result(stream.native_handle()));
  }
  return out;
}

}  // namespace qabot::server
