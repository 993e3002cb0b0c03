#include "line/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace madoguchi::line {

std::string ComputeSignature(std::string_view channel_secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // HMAC() with an empty key needs a non-null pointer.
  static const unsigned char kEmpty = 0;
  const void* key = channel_secret.empty() ? static_cast<const void*>(&kEmpty)
                                           : static_cast<const void*>(channel_secret.data());
  const unsigned char* msg =
      body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
  if (HMAC(EVP_sha256(), key, static_cast<int>(channel_secret.size()), msg, body.size(), mac,
           &mac_len) == nullptr) {
    return {};
  }
  std::string out(4 * ((mac_len + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(mac_len));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

bool VerifySignature(std::string_view channel_secret, std::string_view body,
                     std::string_view signature) {
  while (!signature.empty() && (signature.front() == ' ' || signature.front() == '\t')) {
    signature.remove_prefix(1);
  }
  while (!signature.empty() && (signature.back() == ' ' || signature.back() == '\t')) {
    signature.remove_suffix(1);
  }
  if (channel_secret.empty() || signature.empty()) return false;
  std::string expected = ComputeSignature(channel_secret, body);
  // The length of a valid signature is public (always 44), so only the bytes need a
  // constant-time comparison.
  if (expected.empty() || expected.size() != signature.size()) return false;
  return CRYPTO_memcmp(expected.data(), signature.data(), expected.size()) == 0;
}

}  // namespace madoguchi::line
