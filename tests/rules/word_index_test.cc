#include "rules/word_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "rules/rule_set.h"
#include "rules/word_regex.h"

namespace hakam {
namespace {

struct Word {
  std::string text;
  bool clitics;
};

// The spans of group 1 of every non-empty match of `re` in `text`, as
// RuleSet finds them (it ignores empty matches, as a word regex with
// optional letters may make).
std::vector<Token> NonEmptyMatches(const RE2& re, absl::string_view text) {
  const re2::StringPiece t(text.data(), text.size());
  re2::StringPiece m[2];
  std::vector<Token> spans;
  for (size_t pos = 0; pos <= t.size(); ++pos) {
    if (!re.Match(t, pos, t.size(), RE2::UNANCHORED, m, 2)) break;
    pos = m[1].data() - t.data();
    if (m[1].empty()) continue;
    spans.push_back(
        {static_cast<uint32_t>(pos), static_cast<uint32_t>(pos + m[1].size())});
    pos += m[1].size() - 1;
  }
  return spans;
}

// The index must be a superset of the word regexes, token by token:
// wherever a word's regex (as RuleSet builds it) matches a comment's view,
// the word's slot is a candidate at the token the match covers, or
// anywhere. These tests check exactly that, on hand-picked obfuscations
// and on random text, for every view.
class WordIndexTest : public ::testing::Test {
 protected:
  void SetUp() override { normalizer_ = *Normalizer::Create(); }

  // For each view: the slots whose regex matches `comment` and the
  // candidates; fails if a match is not a candidate. Returns the number of
  // (view, word) regex matches seen.
  int CheckSuperset(const std::vector<Word>& words, const std::string& comment,
                    int* candidates_total = nullptr) {
    auto text = normalizer_->Normalize(comment, kAllViews);
    EXPECT_TRUE(text.ok()) << text.status();
    if (!text.ok()) return 0;
    std::vector<NormalizedText> rendered;
    for (const Word& w : words) {
      rendered.push_back(
          *normalizer_->Normalize(w.text, kWordRenderViews));
    }
    int matches = 0;
    for (int v = 0; v < kViewCount; ++v) {
      const ViewId view = static_cast<ViewId>(v);
      WordIndex index(view);
      for (size_t i = 0; i < words.size(); ++i) {
        index.Add(rendered[i], words[i].clitics, static_cast<int>(i));
      }
      index.Finish();
      const View& haystack = text->view(view);
      std::vector<WordIndex::Candidate> candidates;
      index.FindCandidates(haystack.text(), haystack.tokens(), &candidates);
      if (candidates_total != nullptr) {
        std::vector<int> slots;
        for (const WordIndex::Candidate& c : candidates) {
          slots.push_back(c.slot);
        }
        std::sort(slots.begin(), slots.end());
        *candidates_total += static_cast<int>(
            std::unique(slots.begin(), slots.end()) - slots.begin());
      }
      // Whether candidate `c` of word `i` covers view bytes `span`.
      auto covers = [&](const WordIndex::Candidate& c, size_t i,
                        const Token& span) {
        if (c.slot != static_cast<int>(i)) return false;
        if (c.token == WordIndex::Candidate::kAnywhere) return true;
        const Token& t = haystack.tokens()[c.token];
        return t.begin <= span.begin && span.end <= t.end;
      };
      for (size_t i = 0; i < words.size(); ++i) {
        const std::string alternative =
            WordRegex(view, rendered[i], words[i].clitics);
        if (alternative.empty()) continue;
        RE2 re(absl::StrCat("(?:^|", kWordBoundaryClass, ")(", alternative,
                            ")(?:", kWordBoundaryClass, "|$)"));
        EXPECT_TRUE(re.ok()) << re.error();
        const std::vector<Token> spans = NonEmptyMatches(re, haystack.text());
        if (spans.empty()) continue;
        ++matches;
        for (const Token& span : spans) {
          EXPECT_TRUE(std::any_of(candidates.begin(), candidates.end(),
                                  [&](const WordIndex::Candidate& c) {
                                    return covers(c, i, span);
                                  }))
              << "view " << ViewName(view) << ": \"" << words[i].text
              << "\" matches \"" << comment << "\" at bytes [" << span.begin
              << ", " << span.end << ") but is not a candidate there";
        }
      }
    }
    return matches;
  }

  std::unique_ptr<const Normalizer> normalizer_;
};

const std::vector<Word>& Words() {
  static const auto* words = new std::vector<Word>{
      {"كلب", true},
      {"حمار", true},
      {"خنزير", true},
      {"زب", true},
      {"ناك", false},
      {"يا حيوان", true},
      {"ابن الكلب", true},
      {"شرموطة", true},
      {"قحبة", true},
      {"fuck", false},
      {"shit", false},
      {"ass", false},
      {"idiot", false},
      {"son of a bitch", false},
      {"kill", false},
      {"book", false},
      {"واطي", true},
      {"ذيل", true},
      // Words rendered as several tokens: one key shared by both words,
      // a key erased in translit (يا), a mask that splits the word.
      {"la la", false},
      {"f*ck", false},
  };
  return *words;
}

TEST_F(WordIndexTest, EveryObfuscatedMatchIsACandidate) {
  const std::vector<std::string> comments = {
      "انت كلب",
      "وكلبهم",
      "يا كلااااب",
      "ك ل ب",
      "ك.ل.ب",
      "الكلبي",
      "يا حيوااان",
      "la la la",
      "ya 7ayawan",
      "ya  7aywan!",
      "يا   حيوان",
      "ابن الكلب",
      "وابن الكلب",
      "يا 7mar",
      "ya 7mar",
      "inta kalb",
      "ya kalba",
      "sharmoota",
      "2a7ba",
      "8a7ba",
      "fuuuuck you",
      "f u c k",
      "f.u.c.k",
      "f*ck",
      "sh!t",
      "a$$",
      "a$$hole",
      "1d10t",
      "idiot",
      "sh1t",
      "you son of a bitch",
      "son of a b1tch",
      "k1ll them",
      "boook",
      "bo*k",
      "حزب",
      "هناك",
      "waty",
      "wati",
      "zeel",
      "ذيله",
      "classic",
      "Cockburn",
      "ʙᴏᴏᴋ",
      "ｆｕｃｋ",
      "كـــلـــب",
      "كَلْب",
      "ك‌لب",
      "ⓕⓤⓒⓚ",
      "𝐟𝐮𝐜𝐤",
  };
  int matches = 0;
  for (const std::string& c : comments) matches += CheckSuperset(Words(), c);
  // The comments above are meant to match: if none did, the check would be
  // vacuous.
  EXPECT_GT(matches, 40);
}

TEST_F(WordIndexTest, UnrelatedTextHasFewCandidates) {
  int candidates = 0;
  CheckSuperset(Words(),
                "the minister spoke about the economy and the elections "
                "في بغداد اليوم تحدث الوزير عن الاقتصاد والانتخابات",
                &candidates);
  EXPECT_EQ(candidates, 0);
}

// A phrase is a candidate only where all its words are: its everyday words
// ("should", "self", "you", يا) must not make it one, or most comments
// would pay for a regex scan.
TEST_F(WordIndexTest, PhraseNeedsAllItsWords) {
  const std::vector<Word> phrases = {
      {"you should die", false}, {"kill your self", false},
      {"يا ابن الكلب", true},    {"يا حمار", true},
      {"يا حيوان", true},
  };
  for (const char* partial :
       {"you should read the report before you comment",
        "the self-checkout will kill jobs, sir", "they should die of shame",
        "الحمار حيوان اليف", "يا جماعة ابن عمي في الكلية"}) {
    int candidates = 0;
    EXPECT_EQ(CheckSuperset(phrases, partial, &candidates), 0) << partial;
    EXPECT_EQ(candidates, 0) << partial;
  }
  for (const char* whole :
       {"you should die", "YOU  should   DIE!!", "go kill your self",
        "يا ابن الكلب", "يا ابن الكلبه", "وياااا ابن الكلب"}) {
    int candidates = 0;
    EXPECT_GT(CheckSuperset(phrases, whole, &candidates), 0) << whole;
    EXPECT_GT(candidates, 0) << whole;
  }
  // All the words present but not the phrase: still a candidate (the
  // index is a superset); the regex decides.
  int candidates = 0;
  EXPECT_EQ(CheckSuperset(phrases, "die, you should not", &candidates), 0);
  EXPECT_GT(candidates, 0);
}

// FindCandidates does not strip affixes from a token shorter than the
// shortest key that takes clitics plus one affix letter: nothing could
// remain to be found. The shortest such word must still be found behind
// each affix the word regex accepts, the one-letter ones included, whether
// its key comes from a word or only from a phrase.
TEST_F(WordIndexTest, ShortestCliticWordIsFoundBehindEveryAffix) {
  const std::vector<Word> words = {{"زب", true}, {"كلب", true}, {"يا", false}};
  for (const char* comment :
       {"وزب",  "فزب",    "بزب",  "كزب",   "لزب",    "زبه",   "زبك",    "زبي",
        "الزب", "للزب",   "وبزب", "فالزب", "كالزب",  "بالزب", "وللزب",  "زبها",
        "زبهم", "زبكم",   "زبكن", "زبهن",  "زبني",   "زبنا",  "زبهما",  "زبكما",
        "وزبه", "وزبهما", "بكلب", "كلبي",  "والكلب", "يا زب", "وزبي يا"}) {
    EXPECT_GT(CheckSuperset(words, comment), 0) << comment;
  }
  // The shortest key that takes clitics is a phrase's word.
  const std::vector<Word> phrase = {{"يا زب", true}};
  for (const char* comment : {"ويا زبه", "يا زبي", "فيا زبهم"}) {
    EXPECT_GT(CheckSuperset(phrase, comment), 0) << comment;
  }
}

// FindCandidates tries affixes only on tokens that start, or end, with a
// letter of U+0600-U+067F (the affixes' block): a word with a Persian
// letter (U+0686 چ, U+06AF گ, outside it) at one end still has its affix
// stripped at the other.
TEST_F(WordIndexTest, AffixesAreStrippedFromWordsWithLettersOutsideTheirBlock) {
  const std::vector<Word> words = {{"چلب", true}, {"سگ", true}};
  for (const char* comment :
       {"چلبه", "چلبهم", "والسگ", "بسگ", "وچلب", "يا چلبك", "سگها"}) {
    EXPECT_GT(CheckSuperset(words, comment), 0) << comment;
  }
}

// Random words and comments over a small alphabet rich in the letters the
// keys fold (clitic letters, Arabizi classes, vowels, leet digits, masks).
TEST_F(WordIndexTest, RandomTextNeverHidesAMatch) {
  const std::vector<std::string> alphabet = {
      "ك", "ل", "ب", "ا",  "و", "ي", "ه", "ح", "ع", "ء", "ق", "ط",
      "ت", "س", "ص", "ال", "f", "u", "c", "k", "i", "l", "a", "s",
      "h", "1", "3", "7",  "*", "$", " ", ".", "ة", "ى", "ـ", "د",
      "ز", "ث", "ض", "2",  "9", "5", "F", "S", "o", "0", "!"};
  std::mt19937 rng(20261129);
  auto random_string = [&](int min_len, int max_len) {
    std::uniform_int_distribution<int> len(min_len, max_len);
    std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
    std::string s;
    const int n = len(rng);
    for (int i = 0; i < n; ++i) s += alphabet[pick(rng)];
    return s;
  };
  int matches = 0;
  for (int round = 0; round < 1500; ++round) {
    std::vector<Word> words;
    for (int i = 0; i < 6; ++i) {
      words.push_back({random_string(1, 4), (rng() & 1) != 0});
    }
    // Comments built from the words themselves, stretched and joined with
    // random noise, so that matches are frequent.
    std::string comment = random_string(0, 3);
    for (const Word& w : words) {
      if (rng() % 3 == 0) continue;
      std::string word = w.text;
      if (rng() % 4 == 0) word = "و" + word;
      if (rng() % 4 == 0) word += "هم";
      absl::StrAppend(&comment, " ", word, random_string(0, 2), " ");
    }
    matches += CheckSuperset(words, comment);
  }
  EXPECT_GT(matches, 100);
}

}  // namespace
}  // namespace hakam
