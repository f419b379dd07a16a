#include "rules/word_index.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>

#include "absl/strings/match.h"
#include "text/script.h"

namespace hakam {
namespace {

// The affixes word_regex.cc accepts around an Arabic word with clitics:
// [وف]? then one of ال بال كال لل ب ك ل (or nothing) before it; one
// pronoun (ها هم هما كم كما كن هن ني نا ك ه ي) after it. Every one of
// those letters is two bytes in UTF-8. Matching them letter by letter
// rather than as 36 strings keeps the lookups cheap: this runs for every
// Arabic token of every comment.
constexpr UChar32 kWaw = 0x0648, kFa = 0x0641, kBa = 0x0628, kKaf = 0x0643,
                  kLam = 0x0644, kAlef = 0x0627, kHa = 0x0647, kMeem = 0x0645,
                  kNoon = 0x0646, kYa = 0x064A;

// The token's first `n` code points if they are two-byte letters.
int LeadingArabic(absl::string_view token, UChar32* cps, int n) {
  int count = 0;
  for (size_t i = 0; count < n && i + 1 < token.size(); i += 2) {
    const auto b0 = static_cast<uint8_t>(token[i]);
    const auto b1 = static_cast<uint8_t>(token[i + 1]);
    if (b0 < 0xC2 || b0 > 0xDF || (b1 & 0xC0) != 0x80) break;
    cps[count++] = ((b0 & 0x1F) << 6) | (b1 & 0x3F);
  }
  return count;
}

// Byte lengths of the clitic prefixes `token` starts with, 0 included.
int PrefixLengths(absl::string_view token, uint8_t* lengths) {
  UChar32 c[4];
  const int n = LeadingArabic(token, c, 4);
  int count = 0;
  lengths[count++] = 0;
  int base = 0;
  if (n > 0 && (c[0] == kWaw || c[0] == kFa)) {
    lengths[count++] = 2;
    base = 1;
  }
  auto at = [&](int i) { return i < n ? c[i] : -1; };
  const UChar32 a = at(base), b = at(base + 1), d = at(base + 2);
  if ((a == kBa || a == kKaf) && b == kAlef && d == kLam) {
    lengths[count++] = 2 * (base + 3);
  }
  if ((a == kAlef || a == kLam) && b == kLam) lengths[count++] = 2 * (base + 2);
  if (a == kBa || a == kKaf || a == kLam) lengths[count++] = 2 * (base + 1);
  return count;
}

// Byte lengths of the pronoun suffixes `token` ends with, 0 included.
int SuffixLengths(absl::string_view token, uint8_t* lengths) {
  UChar32 c[3] = {-1, -1, -1};  // c[0] is the last letter
  for (int k = 0; k < 3 && static_cast<size_t>(2 * (k + 1)) <= token.size();
       ++k) {
    UChar32 cp;
    if (LeadingArabic(token.substr(token.size() - 2 * (k + 1), 2), &cp, 1) !=
        1) {
      break;
    }
    c[k] = cp;
  }
  int count = 0;
  lengths[count++] = 0;
  if (c[0] == kKaf || c[0] == kHa || c[0] == kYa) lengths[count++] = 2;
  const bool two =
      (c[1] == kHa && (c[0] == kAlef || c[0] == kMeem || c[0] == kNoon)) ||
      (c[1] == kKaf && (c[0] == kMeem || c[0] == kNoon)) ||
      (c[1] == kNoon && (c[0] == kYa || c[0] == kAlef));
  if (two) lengths[count++] = 4;
  if (c[0] == kAlef && c[1] == kMeem && (c[2] == kHa || c[2] == kKaf)) {
    lengths[count++] = 6;
  }
  return count;
}

// Arabizi writers merge these letters (word_regex.cc's ArabiziWord accepts
// any of a class where the word has one); the translit key keeps one.
UChar32 ArabiziClass(UChar32 c) {
  switch (c) {
    case 0x062D:
    case 0x0647:  // ح ه
      return 0x0647;
    case 0x0639:
    case 0x0621:
    case 0x0642:
    case 0x0643:  // ع ء ق ك
      return 0x0639;
    case 0x0637:
    case 0x062A:
    case 0x062B:
    case 0x0633:
    case 0x0635:
      return 0x062A;  // ط ت ث س ص
    case 0x0636:
    case 0x062F:
    case 0x0638:
    case 0x0632:
    case 0x0630:
      return 0x062F;  // ض د ظ ز ذ
    default:
      return c;
  }
}

// Vowels: Arabizi may write or omit them (ا و ي and the vowel markers).
bool IsArabiziVowel(UChar32 c) {
  return c == 0x0627 || c == 0x0648 || c == 0x064A ||
         (c >= kVowelAMarker && c <= kVowelUMarker);
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  U8_APPEND_UNSAFE(buf, len, c);
  out->append(buf, len);
}

bool IsArabicWord(absl::string_view word) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  int letters = 0, arabic = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT_OR_FFFD(s, i, n, c);
    ++letters;
    arabic += IsArabicLetter(c);
  }
  return arabic * 2 > letters;
}

// Collapses runs of one code point to one; runs of mask markers become one
// marker.
void Collapse(absl::string_view word, std::string* out) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  UChar32 previous = -1;
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT_OR_FFFD(s, i, n, c);
    if (c == previous) continue;
    previous = c;
    out->append(word.data() + start, i - start);
  }
}

// True if one code point appears three times in a row in `word`.
bool HasRunOfThree(absl::string_view word) {
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  UChar32 previous = -1;
  int run = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT_OR_FFFD(s, i, n, c);
    run = c == previous ? run + 1 : 1;
    if (run == 3) return true;
    previous = c;
  }
  return false;
}

// A run of one code point: its bytes and how often it repeats.
struct Run {
  absl::string_view cp;
  int length;
};

// Splits `word` into runs of one code point. Returns false (and stops)
// once more than `max_long` runs are three or longer.
bool SplitRuns(absl::string_view word, int max_long, std::vector<Run>* runs,
               int* long_runs) {
  runs->clear();
  *long_runs = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(word.data());
  const int32_t n = static_cast<int32_t>(word.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT_OR_FFFD(s, i, n, c);
    const absl::string_view cp = word.substr(start, i - start);
    if (!runs->empty() && runs->back().cp == cp) {
      if (++runs->back().length == 3 && ++*long_runs > max_long) return false;
    } else {
      runs->push_back({cp, 1});
    }
  }
  return true;
}

// `glob` with each kMaskMarker standing for any string (possibly empty).
bool GlobMatch(absl::string_view glob, absl::string_view text) {
  size_t g = 0, t = 0, star = absl::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (g < glob.size() && glob[g] == kMaskMarker) {
      star = g++;
      resume = t;
    } else if (g < glob.size() && glob[g] == text[t]) {
      ++g;
      ++t;
    } else if (star != absl::string_view::npos) {
      g = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == kMaskMarker) ++g;
  return g == glob.size();
}

// First and last code points of `key`, as one map key.
uint64_t Ends(absl::string_view key) {
  const auto* s = reinterpret_cast<const uint8_t*>(key.data());
  const int32_t n = static_cast<int32_t>(key.size());
  UChar32 first, last;
  int32_t i = 0;
  U8_NEXT_OR_FFFD(s, i, n, first);
  int32_t j = n;
  U8_PREV_OR_FFFD(s, 0, j, last);
  return (static_cast<uint64_t>(first) << 32) | static_cast<uint32_t>(last);
}

}  // namespace

void WordIndex::Key(absl::string_view word, std::string* key) const {
  key->clear();
  switch (view_) {
    case ViewId::kCompact: {
      // As the compact view writes words: runs cut to three.
      std::vector<Run> runs;
      int long_runs;
      SplitRuns(word, INT_MAX, &runs, &long_runs);
      for (const Run& r : runs) {
        for (int k = 0; k < std::min(r.length, 3); ++k)
          key->append(r.cp.data(), r.cp.size());
      }
      return;
    }
    case ViewId::kTranslit: {
      const auto* s = reinterpret_cast<const uint8_t*>(word.data());
      const int32_t n = static_cast<int32_t>(word.size());
      for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT_OR_FFFD(s, i, n, c);
        if (IsArabiziVowel(c)) continue;
        if (c == 'l' || c == kIOrLMarker) c = 'i';
        AppendUtf8(ArabiziClass(c), key);
      }
      // A final ه (also ة) is optional in Arabizi ("kalba", "kalb").
      constexpr absl::string_view kHaUtf8 = "\xD9\x87";  // ه
      while (absl::EndsWith(*key, kHaUtf8)) {
        key->resize(key->size() - kHaUtf8.size());
      }
      return;
    }
    default:
      key->assign(word.data(), word.size());
      return;
  }
}

void WordIndex::Add(const NormalizedText& rendered, bool clitics, int slot) {
  const bool derived = view_ == ViewId::kCompact || view_ == ViewId::kTranslit;
  const View& source = rendered.view(derived ? ViewId::kSkeleton : view_);
  const std::vector<Token>& tokens = source.tokens();
  if (tokens.empty()) return;
  // Every word of a phrase is a whole token where the phrase matches, so
  // any one of them may stand for it: the longest key, the rarest word as
  // a rule of thumb ("يا حيوان" under حيوان, not under the ubiquitous يا).
  std::string key, candidate;
  size_t chosen = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    Key(source.text().substr(tokens[i].begin, tokens[i].end - tokens[i].begin),
        &candidate);
    // On a tie, the later word: "you pig" under pig.
    if (i == 0 || candidate.size() >= key.size()) {
      key.swap(candidate);
      chosen = i;
    }
  }
  // Clitics attach to a phrase's first word (prefixes) and last (suffixes).
  const absl::string_view word = source.text().substr(
      tokens[chosen].begin, tokens[chosen].end - tokens[chosen].begin);
  const bool affixes =
      clitics && view_ != ViewId::kTranslit && view_ != ViewId::kRaw &&
      (chosen == 0 || chosen + 1 == tokens.size()) && IsArabicWord(word);
  affixes_ |= affixes;
  auto [head, inserted] = heads_.try_emplace(key, -1);
  if (!inserted && entries_[head->second].slot == slot &&
      entries_[head->second].clitics == affixes) {
    return;  // two words of one rule share a key
  }
  entries_.push_back({slot, head->second, affixes});
  head->second = static_cast<int32_t>(entries_.size() - 1);
  if (view_ == ViewId::kCompact && !key.empty()) {
    std::string collapsed;
    Collapse(key, &collapsed);
    by_ends_[Ends(collapsed)].push_back({std::move(collapsed), slot, affixes});
  }
}

void WordIndex::Lookup(absl::string_view form, bool stripped,
                       std::string* scratch, std::vector<int>* slots) const {
  auto find = [&](absl::string_view key) {
    auto it = heads_.find(key);
    if (it == heads_.end()) return;
    for (int32_t e = it->second; e >= 0; e = entries_[e].next) {
      if (!stripped || entries_[e].clitics) slots->push_back(entries_[e].slot);
    }
  };
  if (view_ == ViewId::kTranslit) {
    Key(form, scratch);
    find(*scratch);
    return;
  }
  if (view_ != ViewId::kCompact) {
    find(form);
    return;
  }
  // compact: a word's letter matches one or three of it, a double two or
  // three (word_regex.cc), so a run of three in the token may stand for
  // one, two or three letters of the word: each reading is looked up. A
  // token with many stretched runs is compared like a masked one.
  constexpr int kMaxStretchedRuns = 3;
  if (!HasRunOfThree(form)) {
    find(form);
    return;
  }
  std::vector<Run> runs;
  int long_runs;
  if (!SplitRuns(form, kMaxStretchedRuns, &runs, &long_runs)) {
    LookupMasked(form, stripped, scratch, slots);
    return;
  }
  if (long_runs == 0) {
    find(form);
    return;
  }
  int variants = 1;
  for (int i = 0; i < long_runs; ++i) variants *= 3;
  for (int v = 0; v < variants; ++v) {
    scratch->clear();
    int choice = v;
    for (const Run& r : runs) {
      int length = r.length;
      if (length >= 3) {
        length = 1 + choice % 3;
        choice /= 3;
      }
      for (int k = 0; k < length; ++k)
        scratch->append(r.cp.data(), r.cp.size());
    }
    find(*scratch);
  }
}

void WordIndex::LookupMasked(absl::string_view form, bool stripped,
                             std::string* scratch,
                             std::vector<int>* slots) const {
  scratch->clear();
  Collapse(form, scratch);
  // Word regexes never take a mask for a word's first or last letter (see
  // word_regex.cc), so a form that starts or ends with one (left by
  // stripping an affix) matches no entry.
  if (scratch->empty() || scratch->front() == kMaskMarker ||
      scratch->back() == kMaskMarker) {
    return;
  }
  auto it = by_ends_.find(Ends(*scratch));
  if (it == by_ends_.end()) return;
  for (const Collapsed& c : it->second) {
    if ((!stripped || c.clitics) && GlobMatch(*scratch, c.key)) {
      slots->push_back(c.slot);
    }
  }
}

void WordIndex::FindCandidates(absl::string_view text,
                               const std::vector<Token>& tokens,
                               std::vector<int>* slots) const {
  if (entries_.empty()) return;
  std::string scratch;
  std::array<uint8_t, 8> prefix_lengths;
  std::array<uint8_t, 8> suffix_lengths;
  for (const Token& t : tokens) {
    const absl::string_view token = text.substr(t.begin, t.end - t.begin);
    const bool masked = view_ == ViewId::kCompact &&
                        token.find(kMaskMarker) != absl::string_view::npos;
    auto lookup = [&](absl::string_view form, bool stripped) {
      if (masked) {
        LookupMasked(form, stripped, &scratch, slots);
      } else {
        Lookup(form, stripped, &scratch, slots);
      }
    };
    lookup(token, /*stripped=*/false);
    if (!affixes_) continue;
    const int prefixes = PrefixLengths(token, prefix_lengths.data());
    const int suffixes = SuffixLengths(token, suffix_lengths.data());
    for (int p = 0; p < prefixes; ++p) {
      for (int s = 0; s < suffixes; ++s) {
        const size_t cut = prefix_lengths[p] + suffix_lengths[s];
        if (cut == 0 || cut >= token.size()) continue;
        lookup(token.substr(prefix_lengths[p], token.size() - cut),
               /*stripped=*/true);
      }
    }
  }
}

}  // namespace hakam
