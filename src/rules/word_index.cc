#include "rules/word_index.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>

#include "absl/base/attributes.h"
#include "rules/clitic_affixes.h"
#include "text/script.h"

namespace hakam {
namespace {

// Every affix letter (clitic_affixes.h) is in U+0600-U+067F, the code
// points whose UTF-8 lead byte is 0xD8 or 0xD9: FindCandidates relies on it
// to skip tokens that neither start nor end with such a letter without
// asking for their affixes, which then have no non-zero length.
constexpr bool InAffixBlock(uint32_t c) { return c >= 0x0600 && c <= 0x067F; }
static_assert(InAffixBlock(kCliticWaw) && InAffixBlock(kCliticFa) &&
              InAffixBlock(kCliticBa) && InAffixBlock(kCliticKaf) &&
              InAffixBlock(kCliticLam) && InAffixBlock(kCliticAlef) &&
              InAffixBlock(kCliticHa) && InAffixBlock(kCliticMeem) &&
              InAffixBlock(kCliticNoon) && InAffixBlock(kCliticYa));
inline bool IsAffixBlockLead(char byte) {
  return (static_cast<uint8_t>(byte) & 0xFE) == 0xD8;
}

// Bytes of the shortest affix: one two-byte letter. No non-zero affix
// length is below it.
constexpr size_t kShortestAffixBytes = 2;

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

// A cheap hash of a key's length and first and last eight bytes: most
// tokens differ from every key there, and this costs a fraction of hashing
// the whole string and probing the map.
//
// Keys of four bytes or more are read as four 4-byte words: the first and
// last eight bytes, or, under eight, words that overlap. Their offsets are
// picked without a branch (a branch on n >= 8 mispredicted on tokens of
// Arabic words, which fall on both sides of it). Shorter keys are read a
// byte at a time. Fixed-size loads, not a variable-length copy: copying
// into a zeroed word called memcpy and then stalled the load of that word
// until the copy's stores had landed, a quarter of a lookup's time.
inline uint64_t Fingerprint(absl::string_view key) {
  const size_t n = key.size();
  const char* p = key.data();
  auto load32 = [](const char* at) {
    uint32_t v;
    std::memcpy(&v, at, 4);
    return uint64_t{v};
  };
  uint64_t head = 0, tail = 0;
  if (n >= 4) {
    const size_t second = n >= 8 ? 4 : n - 4;
    const size_t third = n >= 8 ? n - 8 : 0;
    head = (load32(p + second) << 32) | load32(p);
    tail = (load32(p + n - 4) << 32) | load32(p + third);
  } else if (n > 0) {
    head = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
           (uint64_t{static_cast<uint8_t>(p[n / 2])} << 8) |
           static_cast<uint8_t>(p[n - 1]);
  }
  uint64_t h = (head ^ (tail * 0x9E3779B97F4A7C15ULL)) + n;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

// Inlined: it runs for every token of every view, and most of the time
// it is all a token costs.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool WordIndex::MayHaveKey(
    absl::string_view key) const {
  if (key_filter_.empty()) return true;  // not finished
  const uint64_t bit = Fingerprint(key) >> key_filter_shift_;
  return (key_filter_[bit >> 6] >> (bit & 63)) & 1;
}

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
      // Written through a pointer into a buffer sized once: this runs for
      // every token of the translit view, and appending code point by code
      // point cost a capacity check and a call for each.
      const auto* s = reinterpret_cast<const uint8_t*>(word.data());
      const int32_t n = static_cast<int32_t>(word.size());
      // Each code point read from k bytes is written in at most k bytes,
      // except U+FFFD for an invalid byte: 3 for 1.
      key->resize(3 * word.size());
      auto* out = reinterpret_cast<uint8_t*>(key->data());
      int32_t len = 0;
      // ASCII first, a byte at a time without decoding: English words and
      // the Latin half of Arabizi readings are most of this view's tokens.
      // Only the vowel markers are dropped and l and kIOrLMarker read as i
      // there (no ASCII letter has an Arabizi class).
      int32_t i = 0;
      for (; i < n && s[i] < 0x80; ++i) {
        const uint8_t c = s[i];
        const bool vowel = static_cast<uint8_t>(c - kVowelAMarker) <=
                           static_cast<uint8_t>(kVowelUMarker - kVowelAMarker);
        out[len] = (c == 'l' || c == kIOrLMarker) ? 'i' : c;
        len += !vowel;
      }
      while (i < n) {
        UChar32 c;
        U8_NEXT_OR_FFFD(s, i, n, c);
        if (IsArabiziVowel(c)) continue;
        if (c == 'l' || c == kIOrLMarker) c = 'i';
        U8_APPEND_UNSAFE(out, len, ArabiziClass(c));
      }
      // A final ه (also ة) is optional in Arabizi ("kalba", "kalb").
      while (len >= 2 && out[len - 2] == 0xD9 && out[len - 1] == 0x87) {
        len -= 2;  // ه
      }
      key->resize(len);
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
  // One part per distinct non-empty key. A word whose key is empty (an
  // Arabizi key may erase a word of vowels, "اه") is not required.
  // Clitics attach to a phrase's first word (prefixes) and last (suffixes).
  std::vector<Part> parts;
  std::string key;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const absl::string_view word =
        source.text().substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
    Key(word, &key);
    if (key.empty()) continue;
    const bool affixes =
        clitics && view_ != ViewId::kTranslit && view_ != ViewId::kRaw &&
        (i == 0 || i + 1 == tokens.size()) && IsArabicWord(word);
    auto same = std::find_if(parts.begin(), parts.end(),
                             [&](const Part& p) { return p.key == key; });
    if (same != parts.end()) {
      same->clitics |= affixes;
    } else {
      parts.push_back({key, affixes, 0});
    }
  }
  const bool spans_tokens = tokens.size() > 1;
  switch (parts.size()) {
    case 0:
      // Only an Arabizi key erases whole words, and translit takes no
      // affixes: the empty key is what remains, and a token of only vowels
      // has it too.
      AddKey("", {Target::kWord, false, spans_tokens, slot});
      return;
    case 1:
      AddKey(parts[0].key,
             {Target::kWord, parts[0].clitics, spans_tokens, slot});
      return;
    default:
      pending_.push_back({slot, std::move(parts)});
      return;
  }
}

void WordIndex::Finish() {
  // How many phrases use each key: a word many phrases share (يا, انت,
  // you) is likely a common one.
  absl::flat_hash_map<std::string, int> uses;
  for (const PendingPhrase& p : pending_) {
    for (const Part& part : p.parts) ++uses[part.key];
  }
  // Confirming key → its id, and whether any phrase takes it with clitics.
  absl::flat_hash_map<std::string, std::pair<int32_t, bool>> confirming;
  for (PendingPhrase& p : pending_) {
    // The rarest word first: used by the fewest phrases, then the longest;
    // on a tie, the later word ("you pig" under "pig").
    std::vector<Part>& parts = p.parts;
    for (Part& part : parts) part.uses = uses[part.key];
    std::reverse(parts.begin(), parts.end());
    std::stable_sort(parts.begin(), parts.end(),
                     [](const Part& a, const Part& b) {
                       if (a.uses != b.uses) return a.uses < b.uses;
                       return a.key.size() > b.key.size();
                     });
    const auto phrase = static_cast<int32_t>(phrases_.size());
    phrases_.push_back({p.slot, {}});
    for (size_t i = 1; i < parts.size(); ++i) {
      const auto next = static_cast<int32_t>(confirming.size());
      auto& [key, clitics] =
          confirming.try_emplace(parts[i].key, next, false).first->second;
      clitics |= parts[i].clitics;
      phrases_.back().others.push_back({key, parts[i].clitics});
    }
    AddKey(parts[0].key, {Target::kTrigger, parts[0].clitics, false, phrase});
  }
  for (const auto& [key, confirm] : confirming) {
    AddKey(key, {Target::kConfirm, confirm.second, false, confirm.first});
  }
  pending_.clear();
  pending_.shrink_to_fit();
  // About 16 bits per key: one token in 16 that is no key gets past it.
  int bits = 10;
  while (bits < 24 && (size_t{1} << bits) < 16 * heads_.size()) ++bits;
  key_filter_.assign((size_t{1} << bits) / 64, 0);
  key_filter_shift_ = 64 - bits;
  for (const auto& [key, first] : heads_) {
    const uint64_t bit = Fingerprint(key) >> key_filter_shift_;
    key_filter_[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
}

void WordIndex::AddKey(const std::string& key, const Target& target) {
  if (target.clitics) {
    affixes_ = true;
    shortest_clitic_key_ = std::min(shortest_clitic_key_, key.size());
  }
  auto [head, inserted] = heads_.try_emplace(key, -1);
  // Two words of one rule with the same key.
  if (!inserted && entries_[head->second].target == target) return;
  entries_.push_back({target, head->second});
  head->second = static_cast<int32_t>(entries_.size() - 1);
  if (view_ == ViewId::kCompact && !key.empty()) {
    std::string collapsed;
    Collapse(key, &collapsed);
    by_ends_[Ends(collapsed)].push_back({std::move(collapsed), target});
  }
}

void WordIndex::Record(const Target& target, bool stripped, Found* found) {
  switch (target.kind) {
    case Target::kWord:
      if (!stripped || target.clitics) {
        found->candidates->push_back({target.id, target.spans_tokens
                                                     ? Candidate::kAnywhere
                                                     : found->token});
      }
      return;
    case Target::kTrigger:
      if (!stripped || target.clitics) found->triggered.push_back(target.id);
      return;
    case Target::kConfirm:
      if (!stripped || target.clitics) {
        found->confirmed.push_back(2 * target.id + (stripped ? 1 : 0));
      }
      return;
  }
}

void WordIndex::FindKey(absl::string_view key, bool stripped,
                        Found* found) const {
  auto it = heads_.find(key);
  if (it == heads_.end()) return;
  for (int32_t e = it->second; e >= 0; e = entries_[e].next) {
    Record(entries_[e].target, stripped, found);
  }
}

void WordIndex::Lookup(absl::string_view form, bool stripped,
                       std::string* scratch, Found* found) const {
  auto find = [&](absl::string_view key) {
    if (MayHaveKey(key)) FindKey(key, stripped, found);
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
    LookupMasked(form, stripped, scratch, found);
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
                             std::string* scratch, Found* found) const {
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
    if (GlobMatch(*scratch, c.key)) Record(c.target, stripped, found);
  }
}

void WordIndex::FindCandidates(absl::string_view text,
                               const std::vector<Token>& tokens,
                               std::vector<Candidate>* candidates) const {
  if (entries_.empty()) return;  // or not finished
  Found found{candidates, 0, {}, {}};
  std::string scratch;
  std::array<uint8_t, kMaxAffixLengths> prefix_lengths;
  std::array<uint8_t, kMaxAffixLengths> suffix_lengths;
  // Where a token is its own key: every view but compact and translit,
  // whose keys are rewritten (see Key()).
  const bool token_is_key =
      view_ != ViewId::kCompact && view_ != ViewId::kTranslit;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    found.token = static_cast<int32_t>(i);
    const absl::string_view token = text.substr(t.begin, t.end - t.begin);
    const bool masked = view_ == ViewId::kCompact &&
                        token.find(kMaskMarker) != absl::string_view::npos;
    auto lookup = [&](absl::string_view form, bool stripped) {
      if (token_is_key) {
        // The common case, without a call: the token is its own key.
        if (MayHaveKey(form)) FindKey(form, stripped, &found);
      } else if (masked) {
        LookupMasked(form, stripped, &scratch, &found);
      } else {
        Lookup(form, stripped, &scratch, &found);
      }
    };
    lookup(token, /*stripped=*/false);
    if (!affixes_) continue;
    // A stripped form records only entries that take clitics (Record()), so
    // where a token is its own key, a form shorter than the shortest of
    // their keys finds nothing: two-letter words (في, من) are common, and
    // this spares decoding their letters. (affixes_ is set, so the
    // shortest key is no longer SIZE_MAX.)
    if (token_is_key &&
        token.size() < shortest_clitic_key_ + kShortestAffixBytes) {
      continue;
    }
    // A token that neither starts nor ends with a letter of the affixes'
    // block (an English word; see InAffixBlock) has nothing to strip, and
    // neither has one shorter than a letter.
    if (token.size() < kShortestAffixBytes ||
        (!IsAffixBlockLead(token.front()) &&
         !IsAffixBlockLead(token[token.size() - 2]))) {
      continue;
    }
    const int prefixes = CliticPrefixLengths(token, prefix_lengths.data());
    const int suffixes = CliticSuffixLengths(token, suffix_lengths.data());
    for (int p = 0; p < prefixes; ++p) {
      for (int s = 0; s < suffixes; ++s) {
        const size_t cut = prefix_lengths[p] + suffix_lengths[s];
        if (cut == 0 || cut >= token.size()) continue;
        if (token_is_key && token.size() - cut < shortest_clitic_key_) {
          continue;
        }
        lookup(token.substr(prefix_lengths[p], token.size() - cut),
               /*stripped=*/true);
      }
    }
  }
  if (found.triggered.empty()) return;
  std::sort(found.confirmed.begin(), found.confirmed.end());
  auto seen = [&](int32_t key) {
    return std::binary_search(found.confirmed.begin(), found.confirmed.end(),
                              key);
  };
  for (int32_t p : found.triggered) {
    const Phrase& phrase = phrases_[p];
    const bool complete = std::all_of(
        phrase.others.begin(), phrase.others.end(), [&](const Phrase::Word& w) {
          return seen(2 * w.key) || (w.clitics && seen(2 * w.key + 1));
        });
    if (complete) candidates->push_back({phrase.slot, Candidate::kAnywhere});
  }
}

}  // namespace hakam
