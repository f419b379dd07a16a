#include "rules/rule_set.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "rules/first_bytes.h"
#include "rules/word_index.h"
#include "rules/word_regex.h"
#include "text/utf8.h"

namespace hakam {

// One rule on one view.
struct RuleSet::Slot {
  int rule = 0;
  // Word rules: the regex is a BoundedAlternation, and a hit is its words
  // without the boundary bytes; patterns use the whole match.
  bool bounded = false;
  // Word rules: the regex, compiled on first use (see Regexp()).
  std::string regex;
  // The compiled regex: patterns at load, word rules on first use. Owned.
  mutable std::atomic<RE2*> re{nullptr};
  // The rule's exceptions in this view (a BoundedAlternation), or null.
  std::unique_ptr<RE2> exception;

  ~Slot() { delete re.load(); }
};

// A pattern rule of one view, until the view's sets are built.
struct RuleSet::PendingPattern {
  std::string regex;
  int slot = 0;
  int64_t program_size = 0;
};

// Patterns of one view, matched in one pass of an RE2::Set. A set whose
// patterns all have first-byte bounds (see first_bytes.h) only needs a
// pass over texts that hold one of those bytes.
struct RuleSet::PatternSet {
  std::unique_ptr<RE2::Set> set;
  std::vector<int> slots;  // set index → slot
};

// The rules that match on one view.
struct RuleSet::ViewMatcher {
  explicit ViewMatcher(ViewId view) : words(view) {}
  // Pattern rules: one set, or two split by the first bytes of their
  // matches (see BuildPatternSets).
  std::vector<PendingPattern> pending;  // until the sets are built
  std::vector<PatternSet> pattern_sets;
  // Bit i of gate[b]: a match in pattern_sets[i] can start with byte b.
  // Bit i of always: pattern_sets[i] runs whatever the text holds.
  std::array<uint8_t, 256> gate{};
  uint8_t always = 0;
  // Word rules: candidates found by token lookups, confirmed by the regex.
  WordIndex words;
  std::vector<std::unique_ptr<Slot>> slots;
};

namespace {

RE2::Options MatchOptions(int64_t max_mem) {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  return o;
}

// Default views per rule kind (see docs/rules.md): list words are looked for
// wherever obfuscation may hide them; hand-written patterns see the folded
// text unless they ask for more.
ViewMask DefaultViews(bool is_words) {
  return is_words ? ViewBit(ViewId::kArabic) | ViewBit(ViewId::kSkeleton) |
                        ViewBit(ViewId::kCompact) | ViewBit(ViewId::kTranslit)
                  : ViewBit(ViewId::kArabic);
}

// (?:^|B)(?:w1|w2|...)(?:B|$): the words between boundaries (FindAll
// drops the boundary bytes; a capture group would cost a second engine).
std::string BoundedAlternation(const std::vector<std::string>& alternatives) {
  return absl::StrCat("(?:^|", kWordBoundaryClass,
                      ")(?:", absl::StrJoin(alternatives, "|"),
                      ")(?:", kWordBoundaryClass, "|$)");
}

// The distinct non-empty regexes of `words` in `view`.
std::vector<std::string> Alternatives(const std::vector<NormalizedText>& words,
                                      ViewId view, bool clitics) {
  std::vector<std::string> alternatives;
  absl::flat_hash_set<std::string> unique;
  for (const NormalizedText& n : words) {
    std::string alt = WordRegex(view, n, clitics);
    if (alt.empty()) continue;
    if (unique.insert(alt).second) alternatives.push_back(std::move(alt));
  }
  return alternatives;
}

// Renders words through the views WordRegex needs.
absl::StatusOr<std::vector<NormalizedText>> Render(
    const std::vector<std::string>& words, const Normalizer& normalizer) {
  std::vector<NormalizedText> out;
  for (const std::string& w : words) {
    // A YAML escape can make invalid UTF-8 out of a valid file.
    absl::Status valid = ValidateUtf8(w, "word");
    if (!valid.ok()) return valid;
    absl::StatusOr<NormalizedText> n =
        normalizer.Normalize(w, kWordRenderViews);
    if (!n.ok()) return n.status();
    out.push_back(*std::move(n));
  }
  return out;
}

// Calls `found(begin, end)` for each match of `re` that starts in
// text[from, to) and ends by `to`, left to right, at most `limit` times;
// returns how many. The rest of `text` is context for ^ and $. With
// `bounded`, `re` is a BoundedAlternation and what is found is the words
// without the boundary bytes around them. Resumes after the found span,
// so a word's trailing boundary can lead the next word (hits never
// overlap; matches may share that byte); steps over empty matches one
// character at a time.
template <typename Found>
int FindAll(const RE2& re, bool bounded, re2::StringPiece text, size_t from,
            size_t to, int limit, Found found) {
  re2::StringPiece m;
  size_t pos = from;
  int count = 0;
  while (pos <= to && count < limit) {
    // Only the whole match: a capture group makes RE2 run a second engine
    // over the program of the whole word list at every match, which cost
    // more than finding the match (measured: ~8 µs per word rule confirmed
    // on 200-byte comments).
    if (!re.Match(text, pos, to, RE2::UNANCHORED, &m, 1)) break;
    auto begin = static_cast<uint32_t>(m.data() - text.data());
    auto end = static_cast<uint32_t>(begin + m.size());
    if (bounded) {
      // (?:^|B)(?:words)(?:B|$): a boundary B is one non-word byte, and
      // the words begin and end with word bytes (word_regex.h).
      if (begin < end && !IsWordByte(text[begin])) ++begin;
      if (begin < end && !IsWordByte(text[end - 1])) --end;
    }
    if (end > begin) {
      found(begin, end);
      ++count;
    }
    size_t next = end;
    if (next <= pos) {
      next = pos + 1;
      while (next < to &&
             (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
        ++next;
      }
    }
    pos = next;
  }
  return count;
}

}  // namespace

void RuleSet::ResolveComposites(const std::vector<RuleSpec>& specs,
                                RuleSet& set, DiagnosticSink& sink) {
  absl::flat_hash_map<absl::string_view, int> index;
  absl::flat_hash_set<absl::string_view> categories;
  for (size_t i = 0; i < set.rules_.size(); ++i) {
    index.emplace(set.rules_[i].id, static_cast<int>(i));
    if (!set.rules_[i].composite) categories.insert(set.rules_[i].category);
  }
  for (const RuleSpec& spec : specs) {
    if (!spec.composite) continue;
    auto self = index.find(spec.id);
    if (self == index.end()) continue;  // a duplicate id, already reported
    Rule& rule = set.rules_[self->second];
    if (!rule.composite) continue;
    for (const std::string& operand : spec.composite->operands) {
      Composite::Operand o;
      if (absl::StartsWith(operand, "category:")) {
        o.category = operand.substr(9);
        if (!categories.contains(o.category)) {
          sink.Error(
              spec.composite->where,
              absl::StrCat("no plain rule has category \"", o.category, "\""),
              spec.id);
          continue;
        }
      } else {
        auto it = index.find(operand);
        if (it == index.end()) {
          sink.Error(spec.composite->where,
                     absl::StrCat("unknown rule \"", operand, "\""), spec.id);
          continue;
        }
        if (set.rules_[it->second].composite) {
          sink.Error(spec.composite->where,
                     absl::StrCat("\"", operand,
                                  "\" is a composite; composites combine "
                                  "plain rules only"),
                     spec.id);
          continue;
        }
        o.rule = it->second;
      }
      rule.composite->operands.push_back(std::move(o));
    }
  }
}

RuleSet::~RuleSet() = default;

const RE2& RuleSet::Regexp(const Slot& slot) {
  RE2* re = slot.re.load(std::memory_order_acquire);
  if (re != nullptr) return *re;
  // Another thread may compile the same regex meanwhile; the first to
  // publish wins and the other copy is dropped.
  auto fresh =
      std::make_unique<RE2>(slot.regex, MatchOptions(RE2::Options().max_mem()));
  if (slot.re.compare_exchange_strong(re, fresh.get(),
                                      std::memory_order_acq_rel)) {
    return *fresh.release();
  }
  return *re;
}

namespace {

// Which set of a split view a pattern joins: the ASCII-start set if every
// match starts with an ASCII byte, else the other one (non-ASCII starts,
// either, or bytes RE2 cannot bound).
enum StartClass { kAsciiStart = 0, kOtherStart = 1 };

StartClass ClassifyStart(const std::optional<ByteSet>& first_bytes) {
  if (!first_bytes) return kOtherStart;
  ByteSet non_ascii;
  non_ascii.AddRange(0x80, 0xFF);
  return first_bytes->Intersects(non_ascii) ? kOtherStart : kAsciiStart;
}

}  // namespace

void RuleSet::BuildPatternSets(ViewId view, const RuleSetOptions& options,
                               ViewMatcher& matcher, DiagnosticSink& sink) {
  int64_t total_size = 0;
  for (const PendingPattern& p : matcher.pending) total_size += p.program_size;
  const bool split = total_size >= options.split_patterns_above;
  struct Group {
    std::vector<const PendingPattern*> patterns;
    int64_t program_size = 0;
    ByteSet first_bytes;
    bool unbounded = false;
  };
  // Why split: one RE2::Set of thousands of patterns spreads its DFA
  // states over ~100 MB, so each byte of text costs a cache miss; split,
  // a comment passes only over the sets whose first bytes it holds, and
  // one without Latin letters skips the English patterns. Why two sets,
  // not three: the patterns that may start either way (a handle after
  // "whatsapp" or "واتساب", a boundary class) join the non-ASCII-start
  // ones. A comment with Arabic letters passes over those anyway; in one
  // without, the Arabic-start patterns never begin a match and add little
  // to its pass. A set of their own cost a pass over nearly every comment
  // (measured: docs/performance-log.md, 2026-11-30 08:05).
  std::array<Group, 2> groups;
  for (const PendingPattern& p : matcher.pending) {
    // Unsplit, the one set runs on every text: no bound needed.
    const std::optional<ByteSet> first_bytes =
        split ? MatchFirstBytes(p.regex, MatchOptions(RE2::Options().max_mem()))
              : std::nullopt;
    Group& g = groups[ClassifyStart(first_bytes)];
    g.patterns.push_back(&p);
    g.program_size += p.program_size;
    g.first_bytes.Add(first_bytes ? *first_bytes : ByteSet::All());
    g.unbounded |= !first_bytes;
  }
  for (const Group& g : groups) {
    if (g.patterns.empty()) continue;
    // RE2 needs ~64 bytes of budget per instruction to compile a program;
    // the rest feeds the DFA cache, allocated as states are built. A set
    // whose cache is too small does not fail: it flushes and rebuilds
    // states, byte by byte, hundreds of times slower (measured: 5,000
    // patterns on the raw view, 256 bytes per instruction, 43 kB/s; 1 KiB,
    // 23 MB/s at the same peak RSS). Default: 64 MiB + 1 KiB per
    // instruction of the set's patterns.
    const int64_t budget =
        options.set_max_mem > 0
            ? options.set_max_mem
            : (int64_t{64} << 20) + int64_t{1024} * g.program_size;
    PatternSet ps;
    ps.set = std::make_unique<RE2::Set>(MatchOptions(budget), RE2::UNANCHORED);
    for (const PendingPattern* p : g.patterns) {
      std::string error;
      if (ps.set->Add(p->regex, &error) < 0) {
        sink.Error({}, absl::StrCat("bad RE2 pattern: ", error));
      }
      ps.slots.push_back(p->slot);
    }
    if (!ps.set->Compile()) {
      sink.Error({}, absl::StrCat("the ", ViewName(view), " view's patterns (",
                                  g.patterns.size(), " rules, ", g.program_size,
                                  " RE2 instructions) do not compile into "
                                  "one RE2::Set within its memory budget of ",
                                  budget, " bytes"));
    }
    const uint8_t bit = uint8_t{1} << matcher.pattern_sets.size();
    for (int b = 0; b < 256; ++b) {
      if (g.first_bytes.Contains(static_cast<unsigned char>(b))) {
        matcher.gate[b] |= bit;
      }
    }
    if (g.unbounded) matcher.always |= bit;
    matcher.pattern_sets.push_back(std::move(ps));
  }
  matcher.pending.clear();
  matcher.pending.shrink_to_fit();
}

absl::StatusOr<std::unique_ptr<const RuleSet>> RuleSet::Compile(
    const std::vector<RuleSpec>& specs, const Normalizer& normalizer,
    const RuleSetOptions& options, DiagnosticSink& sink) {
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->options_ = options;
  const int errors_before = sink.error_count();
  if (static_cast<int64_t>(specs.size()) > options.max_rules) {
    sink.Error({}, absl::StrCat(specs.size(), " rules exceed the budget of ",
                                options.max_rules, " rules per ruleset"));
    return absl::InvalidArgumentError("too many rules");
  }
  RE2::Options rule_options = MatchOptions(RE2::Options().max_mem());

  absl::flat_hash_map<std::string, SourceLocation> ids;
  for (const RuleSpec& spec : specs) {
    auto [it, inserted] = ids.emplace(spec.id, spec.where);
    if (!inserted) {
      sink.Error(spec.where,
                 absl::StrCat("duplicate rule id (first defined at ",
                              it->second.file, ":", it->second.line, ")"),
                 spec.id);
      continue;
    }
    Rule rule;
    rule.id = spec.id;
    rule.pack = spec.pack;
    rule.category = spec.category;
    rule.description = spec.description;
    rule.weight = spec.weight;
    rule.is_words = !spec.pattern.has_value();
    rule.where = spec.where;
    rule.tests = spec.tests;
    rule.words = spec.words;
    rule.pattern = spec.pattern.value_or("");
    rule.exceptions = spec.exceptions;
    rule.clitics = spec.clitics;
    rule.mode = spec.mode;
    if (spec.composite) {
      // Operands are resolved once every rule is known.
      rule.composite =
          Composite{spec.composite->kind, spec.composite->at_least, {}};
      set->composites_.push_back(static_cast<int>(set->rules_.size()));
      set->rules_.push_back(std::move(rule));
      continue;
    }
    for (ViewId v : spec.views) rule.views |= ViewBit(v);
    if (rule.views == 0) rule.views = DefaultViews(rule.is_words);

    // Word lists are rendered through the views they match on.
    absl::StatusOr<std::vector<NormalizedText>> rendered_words =
        Render(spec.words, normalizer);
    absl::StatusOr<std::vector<NormalizedText>> rendered_exceptions =
        Render(spec.exceptions, normalizer);
    for (const absl::Status& s :
         {rendered_words.status(), rendered_exceptions.status()}) {
      if (absl::IsInvalidArgument(s)) {
        sink.Error(spec.where, std::string(s.message()), spec.id);
      } else if (!s.ok()) {
        return s;  // ICU failed
      }
    }
    if (!rendered_words.ok() || !rendered_exceptions.ok()) continue;

    const int rule_index = static_cast<int>(set->rules_.size());
    bool rule_ok = true;
    for (int v = 0; v < kViewCount && rule_ok; ++v) {
      const ViewId view = static_cast<ViewId>(v);
      if ((rule.views & ViewBit(view)) == 0) continue;
      std::string regex;
      if (rule.is_words) {
        const std::vector<std::string> alternatives =
            Alternatives(*rendered_words, view, spec.clitics);
        if (alternatives.empty()) {
          sink.Error(spec.where,
                     absl::StrCat("no word survives normalization in view ",
                                  ViewName(view)),
                     spec.id);
          rule_ok = false;
          break;
        }
        regex = BoundedAlternation(alternatives);
      } else {
        regex = *spec.pattern;
      }
      std::unique_ptr<RE2> exception;
      if (!spec.exceptions.empty()) {
        const std::vector<std::string> alternatives =
            Alternatives(*rendered_exceptions, view, /*clitics=*/false);
        if (!alternatives.empty()) {
          exception = std::make_unique<RE2>(BoundedAlternation(alternatives),
                                            rule_options);
          if (!exception->ok()) {
            sink.Error(spec.where,
                       absl::StrCat("bad exception: ", exception->error()),
                       spec.id);
            rule_ok = false;
            break;
          }
        }
      }
      auto& matcher = set->matchers_[v];
      if (!matcher) matcher = std::make_unique<ViewMatcher>(view);
      const int slot_index = static_cast<int>(matcher->slots.size());
      // Word rules compile their regex on first use (a 50k-rule ruleset
      // has 200k of them, most never needed). Built from quoted words, it
      // is always valid RE2, and its program is smaller than its text
      // (measured: at most 0.6 instructions per byte, shipped and
      // synthetic rules), so only a regex longer than the budget is
      // compiled now, to check it. Patterns are compiled now.
      std::unique_ptr<RE2> re;
      if (!rule.is_words ||
          static_cast<int64_t>(regex.size()) > options.max_program_size) {
        re = std::make_unique<RE2>(regex, rule_options);
        if (!re->ok()) {
          sink.Error(spec.where, absl::StrCat("bad RE2 pattern: ", re->error()),
                     spec.id);
          rule_ok = false;
          break;
        }
        if (re->ProgramSize() > options.max_program_size) {
          sink.Error(
              spec.where,
              absl::StrCat("pattern compiles to ", re->ProgramSize(),
                           " instructions in view ", ViewName(view),
                           ", over the budget of ", options.max_program_size),
              spec.id);
          rule_ok = false;
          break;
        }
      }
      auto slot = std::make_unique<Slot>();
      slot->rule = rule_index;
      slot->bounded = rule.is_words;
      slot->exception = std::move(exception);
      if (rule.is_words) {
        for (const NormalizedText& word : *rendered_words) {
          matcher->words.Add(word, spec.clitics, slot_index);
        }
        slot->regex = std::move(regex);
      } else {
        matcher->pending.push_back(
            {std::move(regex), slot_index, re->ProgramSize()});
        slot->re.store(re.release());
      }
      matcher->slots.push_back(std::move(slot));
    }
    if (!rule_ok) continue;
    set->views_used_ |= rule.views;
    set->rules_.push_back(std::move(rule));
  }

  ResolveComposites(specs, *set, sink);
  for (int v = 0; v < kViewCount; ++v) {
    ViewMask covers = ViewBit(static_cast<ViewId>(v)) - 1;  // earlier views
    for (const Rule& rule : set->rules_) {
      if (rule.views & ViewBit(static_cast<ViewId>(v))) covers &= rule.views;
    }
    set->covers_[v] = covers;
  }
  for (int v = 0; v < kViewCount; ++v) {
    ViewMatcher* matcher = set->matchers_[v].get();
    if (matcher == nullptr) continue;
    matcher->words.Finish();
    BuildPatternSets(static_cast<ViewId>(v), options, *matcher, sink);
  }
  if (sink.error_count() > errors_before) {
    return absl::InvalidArgumentError(absl::StrCat(
        sink.error_count() - errors_before, " error(s) compiling rules"));
  }
  return std::unique_ptr<const RuleSet>(std::move(set));
}

int RuleSet::pattern_set_count(ViewId view) const {
  const ViewMatcher* matcher = matchers_[static_cast<int>(view)].get();
  return matcher == nullptr ? 0
                            : static_cast<int>(matcher->pattern_sets.size());
}

void RuleSet::Match(const NormalizedText& text,
                    std::vector<RuleHit>* hits) const {
  const size_t first = hits->size();
  std::vector<int> indices;
  std::vector<WordIndex::Candidate> candidates;
  constexpr int32_t kAnywhere = WordIndex::Candidate::kAnywhere;
  for (int v = 0; v < kViewCount; ++v) {
    const ViewMatcher* matcher = matchers_[v].get();
    if (matcher == nullptr) continue;
    const View& view = text.view(static_cast<ViewId>(v));
    bool repeats_earlier_view = false;
    for (int u = 0; u < v; ++u) {
      if ((covers_[v] & ViewBit(static_cast<ViewId>(u))) != 0 &&
          &text.view(static_cast<ViewId>(u)) == &view) {
        repeats_earlier_view = true;
        break;
      }
    }
    if (repeats_earlier_view) continue;
    const re2::StringPiece haystack(view.text().data(), view.text().size());
    candidates.clear();
    if (!matcher->words.empty()) {
      matcher->words.FindCandidates(view.text(), view.tokens(), &candidates);
    }
    // Which sets can match: those whose first bytes the text holds.
    uint8_t run = matcher->always;
    if (!matcher->pattern_sets.empty()) {
      const uint8_t all =
          static_cast<uint8_t>((1u << matcher->pattern_sets.size()) - 1);
      for (size_t i = 0; i < view.text().size() && run != all; ++i) {
        run |= matcher->gate[static_cast<unsigned char>(view.text()[i])];
      }
    }
    for (size_t s = 0; s < matcher->pattern_sets.size(); ++s) {
      if ((run & (1u << s)) == 0) continue;
      const PatternSet& group = matcher->pattern_sets[s];
      indices.clear();
      // Most comments match no pattern. Asked only whether any matches,
      // the set's DFA stops at the first match and keeps no match list
      // (measured on 200 bytes: 0.51 µs against 0.82 µs); only a comment
      // that matches pays for a second pass that lists the patterns.
      RE2::Set::ErrorInfo error;
      if (group.set->Match(haystack, nullptr, &error) &&
          group.set->Match(haystack, &indices, &error)) {
        for (int i : indices) candidates.push_back({group.slots[i], kAnywhere});
      } else if (error.kind == RE2::Set::kOutOfMemory) {
        // Not expected: once compiled, an RE2::Set DFA short of memory
        // flushes its state cache and rebuilds states (slowly) rather than
        // fail, and Compile() checked that its budget holds a working DFA.
        // Should it fail anyway, run every pattern of the set on its own:
        // slower, same result, never a silent miss.
        for (int slot : group.slots) candidates.push_back({slot, kAnywhere});
      }
    }
    // By slot; within a slot, kAnywhere first, then tokens in text order.
    std::sort(candidates.begin(), candidates.end(),
              [](const WordIndex::Candidate& a, const WordIndex::Candidate& b) {
                return std::tie(a.slot, a.token) < std::tie(b.slot, b.token);
              });
    candidates.erase(std::unique(candidates.begin(), candidates.end()),
                     candidates.end());
    for (size_t c = 0; c < candidates.size();) {
      const Slot& slot = *matcher->slots[candidates[c].slot];
      size_t next = c + 1;
      while (next < candidates.size() &&
             candidates[next].slot == candidates[c].slot) {
        ++next;
      }
      const size_t before = hits->size();
      auto found = [&](uint32_t begin, uint32_t end) {
        hits->push_back({slot.rule, static_cast<ViewId>(v),
                         view.MapToOriginal(begin, end)});
      };
      const RE2& re = Regexp(slot);
      int limit = options_.max_spans_per_rule;
      if (candidates[c].token == kAnywhere) {
        FindAll(re, slot.bounded, haystack, 0, haystack.size(), limit, found);
      } else {
        // A word's matches lie each in one token the index named (see
        // word_index.h): the regex runs over those tokens only, each with
        // the boundary bytes around it, not over the whole text. A match
        // fills its token, so a window holds one at most: a limit of one
        // spares the search after it, which could find nothing.
        for (size_t k = c; k < next && limit > 0; ++k) {
          const Token& t = view.tokens()[candidates[k].token];
          limit -=
              FindAll(re, slot.bounded, haystack, t.begin > 0 ? t.begin - 1 : 0,
                      std::min<size_t>(t.end + 1, haystack.size()), 1, found);
        }
      }
      c = next;
      if (slot.exception == nullptr || hits->size() == before) continue;
      // Drop the hits that lie inside an exception ("dick cheney").
      std::vector<OriginalRange> allowed;
      FindAll(*slot.exception, /*bounded=*/true, haystack, 0, haystack.size(),
              options_.max_spans_per_rule, [&](uint32_t begin, uint32_t end) {
                allowed.push_back(view.MapToOriginal(begin, end));
              });
      auto inside = [&](const RuleHit& h) {
        for (const OriginalRange& a : allowed) {
          if (h.original.begin >= a.begin && h.original.end <= a.end) {
            return true;
          }
        }
        return false;
      };
      hits->erase(std::remove_if(hits->begin() + before, hits->end(), inside),
                  hits->end());
    }
  }
  // Order by position. One occurrence seen through several views is
  // reported once: a hit overlapping an earlier-view hit of the same rule
  // is dropped.
  std::stable_sort(hits->begin() + first, hits->end(),
                   [](const RuleHit& a, const RuleHit& b) {
                     return std::tie(a.rule, a.view, a.original.begin) <
                            std::tie(b.rule, b.view, b.original.begin);
                   });
  std::vector<RuleHit> kept;
  for (auto it = hits->begin() + first; it != hits->end(); ++it) {
    bool overlaps = false;
    for (auto k = kept.rbegin(); k != kept.rend() && k->rule == it->rule; ++k) {
      if (k->view != it->view && it->original.begin < k->original.end &&
          k->original.begin < it->original.end) {
        overlaps = true;
        break;
      }
    }
    if (!overlaps) kept.push_back(*it);
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const RuleHit& a, const RuleHit& b) {
                     return std::tie(a.original.begin, a.original.end, a.rule) <
                            std::tie(b.original.begin, b.original.end, b.rule);
                   });
  hits->resize(first);
  hits->insert(hits->end(), kept.begin(), kept.end());
}

}  // namespace hakam
