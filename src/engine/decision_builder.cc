#include "engine/decision_builder.h"

#include "text/utf8.h"

namespace hakam {

void FillDecision(const Evaluation& e, const Ruleset& ruleset,
                  hakam::v1::Decision& d) {
  d.set_comment_id(e.comment.comment_id());
  d.set_action(e.action);
  d.set_score(e.score);
  d.set_shadow_score(e.shadow_score);
  for (const auto& [category, score] : e.category_scores) {
    hakam::v1::CategoryScore* cs = d.add_category_scores();
    cs->set_category(category);
    cs->set_score(score);
  }
  const absl::string_view text = e.comment.text();
  for (const RuleHit& hit : e.hits) {
    const Rule& rule = ruleset.rules->rules()[hit.rule];
    hakam::v1::Reason* r = d.add_reasons();
    r->set_rule_id(rule.id);
    r->set_category(rule.category);
    r->set_weight(rule.weight);
    r->set_pack(rule.pack);
    r->set_view(rule.composite ? "composite" : std::string(ViewName(hit.view)));
    r->set_shadow(rule.shadow());
    hakam::v1::Span* span = r->mutable_span();
    span->set_byte_start(hit.original.begin);
    span->set_byte_end(hit.original.end);
    span->set_codepoint_start(CodePointOffset(text, hit.original.begin));
    span->set_codepoint_end(CodePointOffset(text, hit.original.end));
    r->set_excerpt(
        std::string(text.substr(hit.original.begin,
                                hit.original.end - hit.original.begin)));
  }
  d.set_ruleset_version(ruleset.version);
  const TextSignals& signals = e.normalized.signals();
  hakam::v1::TextSignals* out = d.mutable_signals();
  out->set_invisible_chars(signals.invisible_chars);
  out->set_bidi_controls(signals.bidi_controls);
  out->set_mixed_script_words(signals.mixed_script_words);
  out->set_digits_in_arabic_words(signals.digits_in_arabic_words);
  out->set_letters(signals.letters);
  out->set_letters_changed(signals.letters_changed);
  if (e.policy != nullptr) d.set_policy_id(e.policy->id());
}

}  // namespace hakam
