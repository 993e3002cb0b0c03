#include "points/auth_code.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <charconv>
#include <vector>

namespace madoguchi::points {

namespace {

constexpr char kScheme[] = "pbkdf2-sha256";
constexpr int kSaltBytes = 16;
constexpr int kHashBytes = 32;
// Bounds on a stored iteration count, so a corrupted row cannot make one check run for hours.
constexpr int kMinIterations = 1;
constexpr int kMaxIterations = 10'000'000;

std::string ToHex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 0xf]);
  }
  return out;
}

bool FromHex(std::string_view hex, std::vector<unsigned char>* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + i + 2) return false;
    out->push_back(static_cast<unsigned char>(v));
  }
  return true;
}

bool Pbkdf2(std::string_view code, const std::vector<unsigned char>& salt, int iterations,
            unsigned char* out, int out_len) {
  return PKCS5_PBKDF2_HMAC(code.data(), static_cast<int>(code.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(), out_len,
                           out) == 1;
}

}  // namespace

StatusOr<std::string> HashAuthCode(std::string_view code, int iterations) {
  if (iterations < kMinIterations || iterations > kMaxIterations) {
    return Status(StatusCode::kInvalidArgument, "PBKDF2 iterations out of range");
  }
  std::vector<unsigned char> salt(kSaltBytes);
  if (RAND_bytes(salt.data(), kSaltBytes) != 1) return Internal("RAND_bytes failed");
  unsigned char hash[kHashBytes];
  if (!Pbkdf2(code, salt, iterations, hash, kHashBytes)) return Internal("PBKDF2 failed");
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" +
         ToHex(salt.data(), salt.size()) + "$" + ToHex(hash, kHashBytes);
}

bool AuthCodeMatches(std::string_view code, std::string_view stored) {
  // scheme$iterations$salt$hash
  std::string_view parts[4];
  for (int i = 0; i < 3; ++i) {
    size_t sep = stored.find('$');
    if (sep == std::string_view::npos) return false;
    parts[i] = stored.substr(0, sep);
    stored.remove_prefix(sep + 1);
  }
  parts[3] = stored;
  if (parts[0] != kScheme) return false;
  int iterations = 0;
  auto [p, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc() || p != parts[1].data() + parts[1].size() || iterations < kMinIterations ||
      iterations > kMaxIterations) {
    return false;
  }
  std::vector<unsigned char> salt, expected;
  if (!FromHex(parts[2], &salt) || !FromHex(parts[3], &expected) ||
      expected.size() != static_cast<size_t>(kHashBytes)) {
    return false;
  }
  unsigned char actual[kHashBytes];
  if (!Pbkdf2(code, salt, iterations, actual, kHashBytes)) return false;
  return CRYPTO_memcmp(actual, expected.data(), kHashBytes) == 0;
}

StatusOr<std::string> RandomHex(int bytes) {
  std::vector<unsigned char> buf(static_cast<size_t>(bytes));
  if (RAND_bytes(buf.data(), bytes) != 1) return Internal("RAND_bytes failed");
  return ToHex(buf.data(), buf.size());
}

}  // namespace madoguchi::points
