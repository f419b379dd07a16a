// SHA-256 through OpenSSL, as lowercase hex.
//
//   std::string h = hakam::Sha256Hex("text");  // 64 hex digits
//
// Thread safety: stateless; safe from any thread.
#pragma once

#include <string>
#include "absl/strings/string_view.h"

namespace hakam {

// Hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// Incremental hashing over several pieces. Thread-compatible.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  // Hex digest; the object must not be updated afterwards.
  std::string HexDigest();

 private:
  void* ctx_;  // EVP_MD_CTX*, kept opaque so OpenSSL headers stay private
};

}  // namespace hakam
