#include "util/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace hakam {

namespace {
constexpr char kHex[] = "0123456789abcdef";

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

// OpenSSL 3 looks the algorithm up in its provider tables on every
// EVP_sha256() init unless it is fetched explicitly: a few microseconds per
// hash, more than hashing a comment. Fetched once, kept for the process.
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}
}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Allocation failure or a missing digest cannot be recovered from.
  if (ctx_ == nullptr || Sha256Algorithm() == nullptr ||
      EVP_DigestInit_ex(Ctx(ctx_), Sha256Algorithm(), nullptr) != 1) {
    std::abort();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

void Sha256::Update(absl::string_view data) {
  EVP_DigestUpdate(Ctx(ctx_), data.data(), data.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(Ctx(ctx_), digest, &length);
  std::string out(length * 2, '0');
  for (unsigned int i = 0; i < length; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return out;
}

std::string Sha256Hex(absl::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.HexDigest();
}

}  // namespace hakam
