#include "slack/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <charconv>
#include <cstdlib>

namespace madoguchi::slack {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Refused(const char* reason, std::string message) {
  return Status(StatusCode::kPermissionDenied, std::move(message), reason);
}

}  // namespace

std::string ComputeSignature(std::string_view signing_secret, std::string_view timestamp,
                             std::string_view body) {
  // Streamed rather than concatenated: the body may be large and need not be copied.
  static const unsigned char kEmpty = 0;
  const void* key = signing_secret.empty() ? static_cast<const void*>(&kEmpty)
                                           : static_cast<const void*>(signing_secret.data());
  // EVP_MAC (OpenSSL 3) rather than HMAC(): it takes the signed text in pieces. Fetched once:
  // the lookup is not free, and the fetched algorithm may be shared by threads (never freed).
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return {};
  EVP_MAC_CTX* mctx = EVP_MAC_CTX_new(mac);
  std::string out;
  if (mctx != nullptr) {
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string("digest", digest_name, 0),
        OSSL_PARAM_construct_end(),
    };
    unsigned char md[EVP_MAX_MD_SIZE];
    size_t md_len = 0;
    auto update = [&](std::string_view part) {
      return part.empty() ||
             EVP_MAC_update(mctx, reinterpret_cast<const unsigned char*>(part.data()),
                            part.size()) == 1;
    };
    if (EVP_MAC_init(mctx, static_cast<const unsigned char*>(key), signing_secret.size(), params) ==
            1 &&
        update("v0:") && update(timestamp) && update(":") && update(body) &&
        EVP_MAC_final(mctx, md, &md_len, sizeof(md)) == 1) {
      static const char kHex[] = "0123456789abcdef";
      out.reserve(3 + 2 * md_len);
      out = "v0=";
      for (size_t i = 0; i < md_len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
      }
    }
    EVP_MAC_CTX_free(mctx);
  }
  return out;
}

Status VerifyRequest(std::string_view signing_secret, std::string_view timestamp,
                     std::string_view signature, std::string_view body, int64_t now_ms,
                     std::chrono::seconds max_skew) {
  timestamp = Trim(timestamp);
  signature = Trim(signature);
  if (timestamp.empty()) return Refused("missing_timestamp", "no X-Slack-Request-Timestamp");
  // Digits only: from_chars would accept a sign, and a huge value must not overflow below.
  if (timestamp.size() > 12 ||
      timestamp.find_first_not_of("0123456789") != std::string_view::npos) {
    return Refused("invalid_timestamp", "X-Slack-Request-Timestamp is not unix seconds");
  }
  int64_t seconds = 0;
  std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), seconds);
  if (std::llabs(now_ms - seconds * 1000) > max_skew.count() * 1000) {
    return Refused("stale_timestamp", "X-Slack-Request-Timestamp is more than " +
                                          std::to_string(max_skew.count()) +
                                          " s from the server's clock");
  }
  if (signature.empty()) return Refused("missing_signature", "no X-Slack-Signature");
  if (signing_secret.empty()) return Refused("invalid_signature", "no signing secret configured");

  std::string expected = ComputeSignature(signing_secret, timestamp, body);
  // Slack sends lowercase hex; folding the received value's case depends only on what the
  // sender chose, not on the secret, so it leaks nothing.
  std::string received(signature);
  for (char& c : received) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // The length of a valid signature is public (always 67), so only the bytes need a
  // constant-time comparison.
  if (expected.empty() || expected.size() != received.size() ||
      CRYPTO_memcmp(expected.data(), received.data(), expected.size()) != 0) {
    return Refused("invalid_signature", "X-Slack-Signature does not match");
  }
  return Status::Ok();
}

}  // namespace madoguchi::slack
