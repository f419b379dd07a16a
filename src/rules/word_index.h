// WordIndex: finds, by hash lookups over a view's tokens, the word-list
// entries that may occur in a comment, so that matching costs the same with
// 50 word rules or 50,000.
//
// A `words:` rule is a list of words and phrases; each one's regex (see
// word_regex.h) matches whole tokens. Running one RE2::Set over every word
// regex of a view does not scale: tens of thousands of alternatives live
// after each word boundary make every DFA state huge, and sets of ~10k
// stretched (compact) or Arabizi (translit) words exceed RE2's compiler
// limits. Instead every entry is filed under a *key*, a canonical form of
// one of its words (the longest; a phrase matches only where each of its
// words is a whole token) in which everything the word regex tolerates has
// been erased:
//
//   raw, folded, arabic, skeleton: the word itself;
//   compact:  runs cut to three letters, as the view writes them; a
//             token's run of three is looked up as one, two and three
//             letters (fuuuck finds fuck); a token with mask markers (f*ck)
//             or many stretched runs is compared, as a glob with runs
//             collapsed, with the entries that share its first and last
//             letter;
//   translit: the Arabizi letter classes (ح/ه, ع/ء/ق/ك, ...) folded to one
//             letter, vowels and vowel markers dropped, i/l/leet-1 as one.
//
// With clitics, a token is also looked up with each Arabic prefix and suffix
// the word regex accepts stripped off. The lookup is a superset: whenever a
// word's regex matches at a token, that word's slot is a candidate; the
// caller confirms candidates with the regex itself, which also finds spans.
//
// Thread safety: build with Add(), then immutable; FindCandidates() may run
// concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "text/normalizer.h"

namespace hakam {

class WordIndex {
 public:
  explicit WordIndex(ViewId view) : view_(view) {}

  // Files the word or phrase `rendered` (normalized up to at least the
  // skeleton view, as for WordRegex) under `slot`, a caller-chosen number.
  // `clitics` as for WordRegex. Words of which nothing survives are ignored.
  void Add(const NormalizedText& rendered, bool clitics, int slot);

  // Appends to `slots` every slot with an entry that may match `text` (this
  // index's view, split into `tokens`), possibly with repeats.
  void FindCandidates(absl::string_view text, const std::vector<Token>& tokens,
                      std::vector<int>* slots) const;

  // Number of entries.
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int32_t slot;
    int32_t next;  // next entry with the same key, or -1
    bool clitics;  // also matches with Arabic affixes
  };
  // An entry of a compact-view index, for tokens with mask markers.
  struct Collapsed {
    std::string key;
    int32_t slot;
    bool clitics;
  };

  // Writes the key of `word` (one token) in this index's view to `key`.
  void Key(absl::string_view word, std::string* key) const;
  // Looks up one candidate form of a token; `stripped` when affixes were
  // removed (only clitic entries match then).
  void Lookup(absl::string_view form, bool stripped, std::string* scratch,
              std::vector<int>* slots) const;
  void LookupMasked(absl::string_view form, bool stripped, std::string* scratch,
                    std::vector<int>* slots) const;

  ViewId view_;
  bool affixes_ = false;  // some entry takes clitics in this view
  absl::flat_hash_map<std::string, int32_t> heads_;  // key → first entry
  std::vector<Entry> entries_;
  // compact only: (first, last) code point of the key → entries.
  absl::flat_hash_map<uint64_t, std::vector<Collapsed>> by_ends_;
};

}  // namespace hakam
