// Cross-script look-alike tables, precomputed once from ICU's confusables
// data (uspoof skeletons), so the per-comment cost is a table lookup rather
// than a uspoof call (≈8 µs per comment).
//
//   absl::StatusOr<std::unique_ptr<const ConfusableTable>> t =
//       ConfusableTable::Create();
//   char latin = (*t)->ToLatin(U'о');      // 'o' (Cyrillic о)
//   UChar32 arabic = (*t)->ToArabic('l');   // U+0627 ا
//
// Thread safety: immutable after Create().
#pragma once

#include <unicode/umachine.h>

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"

namespace hakam {

class ConfusableTable {
 public:
  static absl::StatusOr<std::unique_ptr<const ConfusableTable>> Create();

  // The ASCII lowercase letter that the (lowercase) Cyrillic or Greek letter
  // `c` looks like, in either case (к looks like K, so 'k'); 0 if none.
  char ToLatin(UChar32 c) const {
    auto it = to_latin_.find(c);
    return it == to_latin_.end() ? 0 : it->second;
  }

  // The Arabic letter that the ASCII character `c` looks like inside an
  // Arabic word ('l' and '1' look like ا, 'o' and '0' like ه); 0 if none.
  UChar32 ToArabic(char c) const {
    const auto u = static_cast<unsigned char>(c);
    return u < 128 ? to_arabic_[u] : 0;
  }

  size_t latin_size() const { return to_latin_.size(); }

 private:
  ConfusableTable() = default;
  absl::flat_hash_map<UChar32, char> to_latin_;
  UChar32 to_arabic_[128] = {};
};

}  // namespace hakam
