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
// the word regex accepts stripped off.
//
// A phrase matches only where each of its words is a whole token, so it is
// a candidate only if all its words are found. It is filed under its
// rarest word, the one the fewest phrases of the index share (then the
// longest), as a trigger; its other words are confirming keys, filed once
// each however many phrases share them, so a يا, انت or "you" in a comment
// costs one entry, not one per phrase. Keyed by one word alone, phrases
// made everyday words ("should" of "you should die", "self" of "kill your
// self") candidates in most English comments, each one a regex scan of the
// whole text that found nothing.
//
// The lookup is a superset, token by token: wherever a word's regex
// matches, that word's slot is a candidate *at that token* (a phrase's
// slot: anywhere in the text). The caller confirms candidates with the
// regex itself, which also finds spans; it needs to run it only over the
// tokens a candidate names, not over the whole text.
//
// Thread safety: build with Add() and Finish(), then immutable;
// FindCandidates() may run concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "text/normalizer.h"

namespace hakam {

class WordIndex {
 public:
  explicit WordIndex(ViewId view) : view_(view) {}

  // Files the word or phrase `rendered` (normalized to kWordRenderViews, as
  // for WordRegex) under `slot`, a caller-chosen number.
  // `clitics` as for WordRegex. Words of which nothing survives are ignored.
  void Add(const NormalizedText& rendered, bool clitics, int slot);

  // Files the phrases added so far; call once, after the last Add() and
  // before FindCandidates().
  void Finish();

  // Where a slot may match.
  struct Candidate {
    static constexpr int32_t kAnywhere = -1;
    int32_t slot;
    // A single word's match can only be token `token` (an index into the
    // tokens given to FindCandidates): the regex's match is that whole
    // token, affixes included. A phrase, or a word its rendering splits
    // into several tokens (f*ck, a.s.s), may span tokens: kAnywhere.
    int32_t token;
    bool operator==(const Candidate&) const = default;
  };

  // Appends to `candidates` every slot with an entry that may match `text`
  // (this index's view, split into `tokens`), and where; possibly with
  // repeats. Every match of an added word's regex in `text` lies in
  // the token of one of its slot's candidates, or that slot has a
  // kAnywhere candidate.
  void FindCandidates(absl::string_view text, const std::vector<Token>& tokens,
                      std::vector<Candidate>* candidates) const;

  // True if nothing was added.
  bool empty() const { return entries_.empty() && pending_.empty(); }

 private:
  // What finding a key means.
  struct Target {
    enum Kind : uint8_t {
      kWord,     // slot `id` is a candidate
      kTrigger,  // phrases_[id] is a candidate if its other words are seen
      kConfirm,  // confirming key `id`, a word of some phrases, is seen
    };
    Kind kind;
    bool clitics;  // also found with Arabic affixes stripped
    // kWord: the word's regex may match across tokens (its rendering is
    // several tokens: a phrase whose words share one key, or all but one
    // of whose words, or all of them, have empty keys), so a find makes a
    // kAnywhere candidate.
    bool spans_tokens = false;
    int32_t id;
    bool operator==(const Target&) const = default;
  };
  struct Entry {
    Target target;
    int32_t next;  // next entry with the same key, or -1
  };
  // An entry of a compact-view index, for tokens with mask markers.
  struct Collapsed {
    std::string key;
    Target target;
  };
  struct Phrase {
    int32_t slot;
    // The phrase's other words: confirming keys, each also accepted with
    // affixes stripped if `clitics`.
    struct Word {
      int32_t key;
      bool clitics;
    };
    std::vector<Word> others;
  };
  // A word of a phrase being added.
  struct Part {
    std::string key;
    bool clitics;  // takes Arabic affixes
    int uses;      // phrases with this key (set by Finish())
  };
  struct PendingPhrase {
    int32_t slot;
    std::vector<Part> parts;  // one per distinct key
  };
  // What one comment's tokens found.
  struct Found {
    std::vector<Candidate>* candidates;
    int32_t token = 0;  // the token being looked up
    // Inline: a comment finds a few of each, and FindCandidates runs once
    // per view of every comment.
    absl::InlinedVector<int32_t, 16> triggered;  // phrases
    absl::InlinedVector<int32_t, 16> confirmed;  // 2 × key + 1 if stripped
  };

  // Files `key` for `target`.
  void AddKey(const std::string& key, const Target& target);
  static void Record(const Target& target, bool stripped, Found* found);

  // False if no key is `key` (a Bloom filter: true may still be a miss).
  // Defined inline in word_index.cc, its only caller.
  bool MayHaveKey(absl::string_view key) const;
  // Writes the key of `word` (one token) in this index's view to `key`.
  void Key(absl::string_view word, std::string* key) const;
  // Records the entries filed under `key`, if any; `stripped` as for
  // Lookup(). Does not test the key filter: callers test MayHaveKey()
  // first.
  void FindKey(absl::string_view key, bool stripped, Found* found) const;
  // Looks up one candidate form of a token; `stripped` when affixes were
  // removed (only clitic entries match then). Works in every view;
  // FindCandidates() calls it only for compact and translit, and looks a
  // token up itself (MayHaveKey(), FindKey()) where it is its own key.
  void Lookup(absl::string_view form, bool stripped, std::string* scratch,
              Found* found) const;
  void LookupMasked(absl::string_view form, bool stripped, std::string* scratch,
                    Found* found) const;

  ViewId view_;
  bool affixes_ = false;  // some entry takes clitics in this view
  // Bytes of the shortest key of an entry that takes clitics; SIZE_MAX
  // while affixes_ is false.
  size_t shortest_clitic_key_ = SIZE_MAX;
  absl::flat_hash_map<std::string, int32_t> heads_;  // key → first entry
  // One bit per key fingerprint (see MayHaveKey()), set by Finish().
  std::vector<uint64_t> key_filter_;
  int key_filter_shift_ = 0;
  std::vector<Entry> entries_;
  // compact only: (first, last) code point of the key → entries.
  absl::flat_hash_map<uint64_t, std::vector<Collapsed>> by_ends_;
  std::vector<Phrase> phrases_;
  std::vector<PendingPhrase> pending_;  // until Finish()
};

}  // namespace hakam
