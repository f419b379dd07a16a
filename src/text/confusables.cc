#include "text/confusables.h"

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/utf8.h>

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hakam {
namespace {

// Closes the checker on every path.
struct SpoofCloser {
  void operator()(USpoofChecker* sc) const { uspoof_close(sc); }
};

std::string Skeleton(const USpoofChecker* sc, UChar32 c, UErrorCode& status) {
  char in[U8_MAX_LENGTH];
  int32_t n = 0;
  U8_APPEND_UNSAFE(in, n, c);
  char out[64];
  const int32_t len =
      uspoof_getSkeletonUTF8(sc, 0, in, n, out, sizeof out, &status);
  if (U_FAILURE(status) || len > static_cast<int32_t>(sizeof out)) return "";
  return std::string(out, len);
}

}  // namespace

absl::StatusOr<std::unique_ptr<const ConfusableTable>>
ConfusableTable::Create() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<USpoofChecker, SpoofCloser> sc(uspoof_open(&status));
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("ICU uspoof_open: ", u_errorName(status)));
  }
  // Skeleton of every ASCII letter, lower and upper case.
  absl::flat_hash_map<std::string, char> lower, upper;
  for (char c = 'a'; c <= 'z'; ++c) {
    lower.emplace(Skeleton(sc.get(), c, status), c);
    upper.emplace(Skeleton(sc.get(), c - 'a' + 'A', status),
                  c);  // maps to lowercase
  }
  std::unique_ptr<ConfusableTable> table(new ConfusableTable());
  const UChar32 kRanges[][2] = {{0x0370, 0x03FF}, {0x0400, 0x052F},
                                {0x1F00, 0x1FFF}};
  for (const auto& range : kRanges) {
    for (UChar32 c = range[0]; c <= range[1]; ++c) {
      if (!u_isalpha(c) || !u_isULowercase(c)) continue;
      auto it = lower.find(Skeleton(sc.get(), c, status));
      char latin = it == lower.end() ? 0 : it->second;
      if (latin == 0) {
        // The capital looks like a Latin capital (К/K, М/M, Т/T, Н/H): the
        // folded view lowercased what the reader saw as a capital.
        const UChar32 capital = u_toupper(c);
        if (capital != c) {
          auto up = upper.find(Skeleton(sc.get(), capital, status));
          if (up != upper.end()) latin = up->second;
        }
      }
      if (latin != 0) table->to_latin_[c] = latin;
    }
  }
  // ASCII look-alikes of Arabic letters, reversed.
  for (UChar32 c = 0x0621; c <= 0x064A; ++c) {
    const std::string skeleton = Skeleton(sc.get(), c, status);
    auto it = lower.find(skeleton);
    if (it != lower.end()) table->to_arabic_[static_cast<int>(it->second)] = c;
  }
  // Leet digits and symbols read as the letters they stand for.
  for (const auto& [leet, letter] :
       {std::pair<uint8_t, uint8_t>{'1', 'l'}, {'|', 'l'}, {'0', 'o'}}) {
    if (table->to_arabic_[letter] != 0) {
      table->to_arabic_[leet] = table->to_arabic_[letter];
    }
  }
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("ICU uspoof skeleton: ", u_errorName(status)));
  }
  return std::unique_ptr<const ConfusableTable>(std::move(table));
}

}  // namespace hakam
