#include "text/arabic_view.h"

#include <unicode/utf8.h>

namespace hakam {
namespace {

// What becomes of one code point: removed, replaced, or kept.
enum class Fold : uint8_t { kKeep, kRemove, kReplace };

struct FoldResult {
  Fold fold = Fold::kKeep;
  UChar32 to = 0;
};

FoldResult FoldArabic(UChar32 c, const ArabicFoldingOptions& o) {
  if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
      (c >= 0x0610 && c <= 0x061A) || (c >= 0x06D6 && c <= 0x06ED) ||
      c == 0x0640) {
    return {Fold::kRemove, 0};
  }
  switch (c) {
    case 0x0622:  // آ
    case 0x0623:  // أ
    case 0x0625:  // إ
    case 0x0671:  // ٱ
    case 0x0672:  // ٲ
    case 0x0673:  // ٳ
      return {Fold::kReplace, 0x0627};
    case 0x0649:  // ى
    case 0x06CC:  // ی
      return {Fold::kReplace, 0x064A};
    case 0x0629:  // ة
    case 0x06D5:  // ە
    case 0x06C1:  // ہ
    case 0x06BE:  // ھ
    case 0x06C0:  // ۀ
      return {Fold::kReplace, 0x0647};
    case 0x06A9:  // ک
      return {Fold::kReplace, 0x0643};
    case 0x0624:  // ؤ
      return o.fold_hamza_carriers ? FoldResult{Fold::kReplace, 0x0648}
                                   : FoldResult{};
    case 0x0626:  // ئ
      return o.fold_hamza_carriers ? FoldResult{Fold::kReplace, 0x064A}
                                   : FoldResult{};
    default:
      break;
  }
  if (c >= 0x0660 && c <= 0x0669) return {Fold::kReplace, '0' + (c - 0x0660)};
  if (c >= 0x06F0 && c <= 0x06F9) return {Fold::kReplace, '0' + (c - 0x06F0)};
  return {};
}

}  // namespace

std::optional<View> BuildArabicView(const View& folded,
                                    const ArabicFoldingOptions& options,
                                    uint32_t* letters_changed) {
  const absl::string_view text = folded.text();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  // U+0600–U+06FF are the only code points folded here; their UTF-8 lead
  // bytes are 0xD8–0xDB.
  bool any = false;
  for (int32_t i = 0; i < n && !any; ++i) any = s[i] >= 0xD8 && s[i] <= 0xDB;
  if (!any) return std::nullopt;

  ViewBuilder b(ViewId::kArabic, folded);
  int32_t copy_from = 0;  // start of the pending unchanged run
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0xD8 || s[i] > 0xDB) {
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT_UNSAFE(s, i, c);
    const FoldResult r = FoldArabic(c, options);
    if (r.fold == Fold::kKeep) continue;
    b.Copy(copy_from, start);
    copy_from = i;
    if (r.fold == Fold::kReplace) {
      char out[U8_MAX_LENGTH];
      int32_t len = 0;
      U8_APPEND_UNSAFE(out, len, r.to);
      b.Append(absl::string_view(out, len), start, i);
      if (r.to > 0x7F) ++*letters_changed;
    } else {
      b.Absorb(start, i);
    }
  }
  b.Copy(copy_from, n);
  return std::move(b).Finish();
}

}  // namespace hakam
