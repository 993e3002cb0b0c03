// Seals small secrets (a typed member number, a flow's slots) before they are stored, with
// AES-256-GCM: what the store holds reveals nothing and cannot be altered unnoticed.
//
// The key comes from the environment (MADOGUCHI_STATE_KEY, 64 hex characters) or from a key
// file outside the repository, created with mode 0600 on first use.
// Thread safety: immutable; Seal and Open may be called from many threads.
#ifndef MADOGUCHI_STORE_SEALER_H_
#define MADOGUCHI_STORE_SEALER_H_

#include <array>
#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::store {

class Sealer {
 public:
  static StatusOr<Sealer> FromHexKey(std::string_view hex);
  // MADOGUCHI_STATE_KEY when set, else the key in `key_file` (created when missing).
  static StatusOr<Sealer> FromEnvironmentOrFile(const std::string& key_file);

  // base64 of nonce ‖ ciphertext ‖ tag. Empty input seals to an empty string.
  std::string Seal(std::string_view plaintext) const;
  // InvalidArgument when the text was not sealed with this key or was altered.
  StatusOr<std::string> Open(std::string_view sealed) const;

 private:
  Sealer() = default;
  std::array<unsigned char, 32> key_{};
};

// SHA-256 of `data`, hex encoded: stores one-time tokens without keeping them usable.
std::string Sha256Hex(std::string_view data);
// `bytes` random bytes from the operating system's generator, URL-safe base64 encoded.
std::string RandomToken(int bytes);

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_SEALER_H_
