#include "text/compact_view.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <vector>

#include "absl/container/inlined_vector.h"
#include "text/script.h"

namespace hakam {
namespace {

// Longest separator run between letters that still joins them.
constexpr uint32_t kMaxJoinGap = 3;
// Fewest single letters in a row that are joined.
constexpr size_t kMinJoinedLetters = 3;
// Longest run of masking characters resolved as wildcards.
constexpr uint32_t kMaxMaskRun = 3;
// Runs of one letter are cut to this length.
constexpr int kMaxRun = 3;

bool IsLetter(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(c);
}

// One code point of a word being assembled, or a mask.
struct Unit {
  UChar32 c;  // 0 for a mask
  uint32_t begin;
  uint32_t end;
};

// The script of a token made of one letter, or kOther if it is not one.
Script SingleLetterScript(const absl::string_view text, const Token& t) {
  if (t.end - t.begin > 4) return Script::kOther;  // longer than a code point
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t i = static_cast<int32_t>(t.begin);
  UChar32 c;
  U8_NEXT_UNSAFE(s, i, c);
  if (static_cast<uint32_t>(i) != t.end || !IsLetter(c)) return Script::kOther;
  const Script script = ScriptOf(c);
  // Letters of scripts we do not tell apart still join each other.
  return script == Script::kOther ? Script::kGreek : script;
}

bool IsJoinGap(absl::string_view gap) {
  if (gap.empty() || gap.size() > kMaxJoinGap) return false;
  for (char c : gap) {
    if (c == '\n' || c == '\r') return false;
  }
  return true;
}

bool IsMaskGap(absl::string_view gap) {
  if (gap.empty() || gap.size() > kMaxMaskRun) return false;
  for (char c : gap) {
    if (!IsMaskChar(c)) return false;
  }
  return true;
}

bool IsAsciiLetter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

}  // namespace

bool IsMaskChar(char c) {
  switch (c) {
    case '*': case '!': case '#': case '%': case '@': case '$': case '?':
    case '_': case '^': case '~':
      return true;
    default:
      return false;
  }
}

std::optional<View> BuildCompactView(const View& source) {
  const absl::string_view text = source.text();
  const std::vector<Token>& tokens = source.tokens();
  const size_t nt = tokens.size();
  if (nt == 0) return std::nullopt;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());

  // How each gap between token k and k+1 is treated.
  enum class Gap : uint8_t { kKeep, kJoin, kMask };
  absl::InlinedVector<Gap, 64> gaps(nt, Gap::kKeep);  // gaps[k]: after token k
  bool changed = false;

  // A gap that could glue two tokens into one masked word ("sh!t").
  auto maskable = [&](size_t g) {
    const uint32_t a = tokens[g].end, b = tokens[g + 1].begin;
    // The characters on both sides must be letters, not digits ("5*3").
    const char before = text[a - 1], after = text[b];
    if ((static_cast<unsigned char>(before) < 0x80 && !IsAsciiLetter(before)) ||
        (static_cast<unsigned char>(after) < 0x80 && !IsAsciiLetter(after))) {
      return false;
    }
    return IsMaskGap(text.substr(a, b - a));
  };
  // The script of each token made of a single letter, kOther for the rest.
  absl::InlinedVector<Script, 64> single(nt);
  for (size_t t = 0; t < nt; ++t) single[t] = SingleLetterScript(text, tokens[t]);
  // A single letter, not glued by a mask to a longer word ("t" in "sh!t").
  auto letter_alone = [&](size_t t) {
    return single[t] != Script::kOther &&
           !(t > 0 && single[t - 1] == Script::kOther && maskable(t - 1)) &&
           !(t + 1 < nt && single[t + 1] == Script::kOther && maskable(t));
  };
  // Single letters in a row.
  size_t k = 0;
  while (k < nt) {
    if (!letter_alone(k)) {
      ++k;
      continue;
    }
    size_t j = k;
    // Letters of one script only: "f u c k ك ل ب" is two words.
    while (j + 1 < nt && single[j + 1] == single[k] && letter_alone(j + 1) &&
           IsJoinGap(text.substr(tokens[j].end,
                                 tokens[j + 1].begin - tokens[j].end))) {
      ++j;
    }
    if (j - k + 1 >= kMinJoinedLetters) {
      for (size_t g = k; g < j; ++g) gaps[g] = Gap::kJoin;
      changed = true;
    }
    k = j + 1;
  }
  // Masks between letters.
  for (size_t g = 0; g + 1 < nt; ++g) {
    if (gaps[g] == Gap::kKeep && maskable(g)) {
      gaps[g] = Gap::kMask;
      changed = true;
    }
  }
  // Stretched letters (a cheap byte-level look first). Branch-free: a
  // repeat is rare, and a loop that exits on it mispredicts on Arabic text,
  // where every other byte repeats.
  if (!changed) {
    const size_t n = text.size();
    uint8_t stretched = 0;
    for (size_t i = 0; i + 2 < n; ++i) {
      const uint8_t a = s[i];
      stretched |= (a == s[i + 1]) & (a == s[i + 2]) &
                   (static_cast<uint8_t>((a | 0x20) - 'a') < 26);
    }
    for (size_t i = 0; i + 5 < n; ++i) {
      const uint8_t a = s[i], b = s[i + 1];
      stretched |= (a >= 0xC0) & (a == s[i + 2]) & (a == s[i + 4]) &
                   (b == s[i + 3]) & (b == s[i + 5]);
    }
    changed = stretched != 0;
  }
  if (!changed) return std::nullopt;

  ViewBuilder out(ViewId::kCompact, source);
  std::vector<Unit> word;
  auto flush = [&]() {
    // Emit the word, cutting runs of one letter to kMaxRun.
    size_t i = 0;
    while (i < word.size()) {
      size_t j = i + 1;
      if (word[i].c != 0 && IsLetter(word[i].c)) {
        while (j < word.size() && word[j].c == word[i].c) ++j;
      }
      const size_t keep = std::min(j - i, static_cast<size_t>(kMaxRun));
      for (size_t r = i; r < i + keep; ++r) {
        if (word[r].c == 0) {
          out.Append(absl::string_view(&kMaskMarker, 1), word[r].begin,
                     word[r].end);
        } else {
          out.Copy(word[r].begin, word[r].end);
        }
      }
      if (j > i + keep) out.Absorb(word[i + keep].begin, word[j - 1].end);
      i = j;
    }
    word.clear();
  };
  out.Copy(0, tokens[0].begin);
  for (size_t t = 0; t < nt; ++t) {
    int32_t i = static_cast<int32_t>(tokens[t].begin);
    while (i < static_cast<int32_t>(tokens[t].end)) {
      const uint32_t start = static_cast<uint32_t>(i);
      UChar32 c;
      U8_NEXT_UNSAFE(s, i, c);
      word.push_back({c, start, static_cast<uint32_t>(i)});
    }
    const uint32_t gap_end = t + 1 < nt ? tokens[t + 1].begin
                                        : static_cast<uint32_t>(text.size());
    switch (t + 1 < nt ? gaps[t] : Gap::kKeep) {
      case Gap::kJoin:
        break;  // the separators vanish; the word goes on
      case Gap::kMask:
        for (uint32_t m = tokens[t].end; m < gap_end; ++m) {
          word.push_back({0, m, m + 1});
        }
        break;
      case Gap::kKeep:
        flush();
        out.Copy(tokens[t].end, gap_end);
        break;
    }
  }
  flush();
  return std::move(out).Finish();
}

}  // namespace hakam
