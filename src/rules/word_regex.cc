#include "rules/word_regex.h"

#include <unicode/utf8.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "rules/rule_set.h"
#include "text/script.h"

namespace hakam {
namespace {

constexpr absl::string_view kVowelMarkers = "[\\x1d\\x1e\\x1f]";

std::string Quote(absl::string_view s) {
  return RE2::QuoteMeta(re2::StringPiece(s.data(), s.size()));
}

std::string Utf8(UChar32 c) {
  char out[U8_MAX_LENGTH];
  int32_t len = 0;
  U8_APPEND_UNSAFE(out, len, c);
  return std::string(out, len);
}

struct Piece {
  bool separator;
  std::vector<UChar32> cps;  // for words
};

// Splits a rendered phrase into words and separator runs.
std::vector<Piece> Split(absl::string_view text) {
  std::vector<Piece> pieces;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < n) {
    const bool sep = !IsWordByte(s[i]);
    if (pieces.empty() || pieces.back().separator != sep) {
      pieces.push_back({sep, {}});
    }
    if (sep) {
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT_UNSAFE(s, i, c);
    pieces.back().cps.push_back(c);
  }
  // Leading and trailing separators carry no meaning.
  while (!pieces.empty() && pieces.front().separator)
    pieces.erase(pieces.begin());
  while (!pieces.empty() && pieces.back().separator) pieces.pop_back();
  return pieces;
}

bool IsArabicWord(const std::vector<UChar32>& cps) {
  int arabic = 0;
  for (UChar32 c : cps) arabic += IsArabicLetter(c);
  return arabic * 2 > static_cast<int>(cps.size());
}

// compact: runs of one letter (1 or 2 long) also match a run of three and
// masks. The compact view writes masks only between letters, so the first
// and last letters of a word are never masks (they could otherwise be only
// next to a clitic: "و*هم" is not the word "و").
std::string CompactWord(const std::vector<UChar32>& cps) {
  std::string out;
  size_t i = 0;
  while (i < cps.size()) {
    size_t j = i + 1;
    while (j < cps.size() && cps[j] == cps[i]) ++j;
    const std::string x = Quote(Utf8(cps[i]));
    const bool digit = cps[i] >= '0' && cps[i] <= '9';
    const bool first = i == 0, last = j == cps.size();
    if (digit) {
      for (size_t k = i; k < j; ++k) out += x;
    } else if (j - i == 1) {
      absl::StrAppend(&out, "(?:", x, "|", x, x, x,
                      first || last ? ")" : "|\\x1a)");
    } else if (j - i == 2) {
      absl::StrAppend(&out, "(?:", x, x, "|", x, x, x);
      if (!last) absl::StrAppend(&out, "|", x, "\\x1a");
      if (!first) absl::StrAppend(&out, "|\\x1a", x);
      if (!first && !last) absl::StrAppend(&out, "|\\x1a\\x1a");
      out += ")";
    } else {
      absl::StrAppend(&out, x, x, x);
    }
    i = j;
  }
  return out;
}

// translit, Latin word: leet "1" may stand for i or l.
std::string LeetWord(const std::vector<UChar32>& cps) {
  std::string out;
  for (UChar32 c : cps) {
    if (c == 'i') {
      out += "[i\\x1c]";
    } else if (c == 'l') {
      out += "[l\\x1c]";
    } else {
      out += Quote(Utf8(c));
    }
  }
  return out;
}

// translit, Arabic word: as Arabizi spells it.
std::string ArabiziWord(const std::vector<UChar32>& cps) {
  // A first ا and a last ه may go unwritten; a word of only those ("ا",
  // "اه") must still match something, or a phrase could start with an
  // empty word, in the middle of nowhere.
  const bool all_optional =
      cps.size() <= 2 && (cps[0] == 0x0627 || cps.size() == 1) &&
      (cps.back() == 0x0647 || (cps.size() == 1 && cps[0] == 0x0627));
  const absl::string_view optional = all_optional ? "" : "?";
  std::string out;
  for (size_t i = 0; i < cps.size(); ++i) {
    const UChar32 c = cps[i];
    const bool first = i == 0, last = i + 1 == cps.size();
    if (!first) absl::StrAppend(&out, kVowelMarkers, "?");
    switch (c) {
      case 0x0627:  // ا
        out += first ? absl::StrCat(kVowelMarkers, optional) : "\\x1d";
        break;
      case 0x0648:
        out += "(?:و|\\x1f)";
        break;
      case 0x064A:
        out += "(?:ي|\\x1e)";
        break;
      case 0x0647:  // ه; at the end also ة written a/e/ah
        if (!last) {
          out += "ه";
        } else if (all_optional && cps.size() == 1) {
          out += "(?:[\\x1d\\x1e]ه?|ه)";
        } else {
          out += "(?:[\\x1d\\x1e]?ه?)";
        }
        break;
      case 0x062D:
        out += "[حه]";
        break;
      case 0x0639:
        out += "[عء]";
        break;
      case 0x0642:
        out += "[قكء]";
        break;
      case 0x0637:
        out += "[طت]";
        break;
      case 0x0635:
        out += "[صس]";
        break;
      case 0x0636:
        out += "[ضد]";
        break;
      case 0x0638:
        out += "[ظزذ]";
        break;
      case 0x0630:
        out += "[ذزد]";
        break;
      case 0x062B:
        out += "[ثتس]";
        break;
      case 0x0621:
        out += "[ءع]";
        break;
      default:
        out += Quote(Utf8(c));
        break;
    }
  }
  return out;
}

}  // namespace

std::string WordRegex(ViewId view, const NormalizedText& rendered,
                      bool clitics) {
  const bool derived = view == ViewId::kCompact || view == ViewId::kTranslit;
  const View& source = rendered.view(derived ? ViewId::kSkeleton : view);
  const std::vector<Piece> pieces = Split(source.text());
  std::string out;
  for (size_t p = 0; p < pieces.size(); ++p) {
    const Piece& piece = pieces[p];
    if (piece.separator) {
      if (view == ViewId::kTranslit) {
        // Skip the other reading of the words in between (see
        // translit_view.h): Arabic readings between Latin words, Latin
        // between Arabic ones.
        const bool arabic_next = IsArabicWord(pieces[p + 1].cps);
        absl::StrAppend(&out, "(?:", kWordBoundaryClass, "+",
                        arabic_next ? "[\\x1a\\x1c-\\x1f\\x21-\\x7f]+"
                                    : "[\\x1a\\x1c-\\x1f\\x{80}-\\x{10FFFF}]+",
                        ")*", kWordBoundaryClass, "+");
      } else {
        absl::StrAppend(&out, kWordBoundaryClass, "+");
      }
      continue;
    }
    const bool arabic = IsArabicWord(piece.cps);
    std::string word;
    switch (view) {
      case ViewId::kCompact:
        word = CompactWord(piece.cps);
        break;
      case ViewId::kTranslit:
        word = arabic ? ArabiziWord(piece.cps) : LeetWord(piece.cps);
        break;
      default:
        for (UChar32 c : piece.cps) word += Quote(Utf8(c));
        break;
    }
    const bool affixes =
        clitics && arabic && view != ViewId::kTranslit && view != ViewId::kRaw;
    // Clitics attach to the first word of a phrase (prefix) and the last
    // (suffix).
    const bool first = p == 0, last = p + 1 == pieces.size();
    if (affixes && first && last) {
      absl::StrAppend(&out, "(?:", kCliticArticle, word, "|", kCliticNoArticle,
                      word, kCliticSuffix, ")");
      continue;
    }
    if (affixes && first) absl::StrAppend(&out, kCliticPrefix);
    out += word;
    if (affixes && last) absl::StrAppend(&out, kCliticSuffix);
  }
  return out;
}

}  // namespace hakam
