#pragma once
// A self-signed certificate made in the test with OpenSSL 3's EVP/X509 API (an EC P-256 key, valid
// from an hour ago for a day), for local TLS servers. Each one is its own trust anchor: a client
// trusts it only when given its PEM.

#include <string>
#include <vector>

namespace qabot::test_support {

class TestCertificate {
 public:
  // Subject alternative names: DNS names and IP addresses (e.g. {"localhost"}, {"127.0.0.1"}).
  TestCertificate(const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses);

  const std::string& certificate_pem() const { return certificate_pem_; }
  const std::string& private_key_pem() const { return private_key_pem_; }

 private:
  std::string certificate_pem_;
  std::string private_key_pem_;
};

}  // namespace qabot::test_support
