#include "store/sealer.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace madoguchi::store {

namespace {

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

bool Unbase64(std::string_view in, std::vector<unsigned char>* out) {
  if (in.size() % 4 != 0) return false;
  out->assign(in.size() / 4 * 3 + 1, 0);
  int len = EVP_DecodeBlock(out->data(), reinterpret_cast<const unsigned char*>(in.data()),
                            static_cast<int>(in.size()));
  if (len < 0) return false;
  size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (in.size() > 1 && in[in.size() - 2] == '=') ++pad;
  out->resize(static_cast<size_t>(len) - pad);
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

StatusOr<Sealer> Sealer::FromHexKey(std::string_view hex) {
  if (hex.size() != 64) return InvalidArgument("state key must be 64 hex characters");
  Sealer s;
  for (size_t i = 0; i < 32; ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("state key must be 64 hex characters");
    s.key_[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return s;
}

StatusOr<Sealer> Sealer::FromEnvironmentOrFile(const std::string& key_file) {
  if (const char* env = std::getenv("MADOGUCHI_STATE_KEY"); env != nullptr && *env) {
    return FromHexKey(env);
  }
  std::error_code ec;
  if (std::filesystem::exists(key_file, ec)) {
    std::ifstream in(key_file);
    std::string hex;
    in >> hex;
    return FromHexKey(hex);
  }
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1) return Internal("no random bytes for a state key");
  std::string hex;
  static const char* kDigits = "0123456789abcdef";
  for (unsigned char b : key) {
    hex += kDigits[b >> 4];
    hex += kDigits[b & 15];
  }
  std::filesystem::create_directories(std::filesystem::path(key_file).parent_path(), ec);
  {
    std::ofstream out(key_file);
    out << hex << "\n";
    if (!out) return Unavailable(key_file + ": cannot write the state key");
  }
  ::chmod(key_file.c_str(), 0600);
  return FromHexKey(hex);
}

std::string Sealer::Seal(std::string_view plaintext) const {
  if (plaintext.empty()) return "";
  std::vector<unsigned char> buf(kNonceBytes + plaintext.size() + kTagBytes);
  RAND_bytes(buf.data(), kNonceBytes);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key_.data(), buf.data());
  EVP_EncryptUpdate(ctx, buf.data() + kNonceBytes, &len,
                    reinterpret_cast<const unsigned char*>(plaintext.data()),
                    static_cast<int>(plaintext.size()));
  int fin = 0;
  EVP_EncryptFinal_ex(ctx, buf.data() + kNonceBytes + len, &fin);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes,
                      buf.data() + kNonceBytes + plaintext.size());
  EVP_CIPHER_CTX_free(ctx);
  return Base64(buf.data(), buf.size());
}

StatusOr<std::string> Sealer::Open(std::string_view sealed) const {
  if (sealed.empty()) return std::string();
  std::vector<unsigned char> buf;
  if (!Unbase64(sealed, &buf) || buf.size() < kNonceBytes + kTagBytes) {
    return InvalidArgument("not a sealed value");
  }
  size_t n = buf.size() - kNonceBytes - kTagBytes;
  std::string out(n, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key_.data(), buf.data());
  EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                    buf.data() + kNonceBytes, static_cast<int>(n));
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, buf.data() + kNonceBytes + n);
  int fin = 0;
  int ok = EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + len, &fin);
  EVP_CIPHER_CTX_free(ctx);
  if (ok != 1) return InvalidArgument("sealed value does not verify");
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kDigits = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kDigits[md[i] >> 4];
    hex += kDigits[md[i] & 15];
  }
  return hex;
}

std::string RandomToken(int bytes) {
  std::vector<unsigned char> raw(static_cast<size_t>(bytes));
  RAND_bytes(raw.data(), bytes);
  std::string b64 = Base64(raw.data(), raw.size());
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return b64;
}

}  // namespace madoguchi::store
