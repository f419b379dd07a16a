#include "engine/comment_json.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <simdjson.h>
#include <unicode/utf8.h>

#include <charconv>
#include <cmath>
#include <iterator>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hakam {

namespace {

absl::Status WrongType(absl::string_view field, absl::string_view want) {
  return absl::InvalidArgumentError(
      absl::StrCat("field \"", field, "\" must be ", want));
}

// What a JSON value is, for messages: "an array", "a string", ...
const char* JsonTypeName(const simdjson::dom::element& e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    default:
      return "a number";
  }
}

// The \uXXXX escape of a UTF-16 code unit.
void AppendUnitEscape(uint32_t unit, std::string* out) {
  constexpr char kHex[] = "0123456789abcdef";
  const char escape[6] = {'\\',
                          'u',
                          kHex[(unit >> 12) & 0xF],
                          kHex[(unit >> 8) & 0xF],
                          kHex[(unit >> 4) & 0xF],
                          kHex[unit & 0xF]};
  out->append(escape, sizeof(escape));
}

// Whether protobuf's JSON printer escapes code point `c` (>= 0xA0): the
// invisible formatting characters it lists, so that JSON embedded in
// JavaScript or HTML cannot hide text.
bool EscapedFormatCharacter(UChar32 c) {
  switch (c) {
    case 0x00AD:
    case 0x06DD:
    case 0x070F:
    case 0x17B4:
    case 0x17B5:
    case 0xFEFF:
    case 0xFFF9:
    case 0xFFFA:
    case 0xFFFB:
    case 0xE0001:
      return true;
    default:
      return (c >= 0x0600 && c <= 0x0603) || (c >= 0x200B && c <= 0x200F) ||
             (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) ||
             (c >= 0x206A && c <= 0x206F) || (c >= 0x1D173 && c <= 0x1D17A) ||
             (c >= 0xE0020 && c <= 0xE007F);
  }
}

// `s` as a JSON string literal, escaped as protobuf's printer escapes it.
void AppendJsonString(absl::string_view s, std::string* out) {
  out->push_back('"');
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < n) {
    // Runs of bytes that need nothing are copied at once.
    int32_t j = i;
    while (j < n && p[j] >= 0x20 && p[j] < 0x7F && p[j] != '"' &&
           p[j] != '\\' && p[j] != '<' && p[j] != '>') {
      ++j;
    }
    out->append(s.data() + i, j - i);
    i = j;
    if (i == n) break;
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    switch (c) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\b':
        out->append("\\b");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\f':
        out->append("\\f");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      default:
        break;
    }
    if (c < 0) continue;                          // ill-formed: dropped
    if (c < 0xA0 || EscapedFormatCharacter(c)) {  // C0, < >, DEL, C1
      if (c >= 0x10000) {
        AppendUnitEscape(U16_LEAD(c), out);
        AppendUnitEscape(U16_TRAIL(c), out);
      } else {
        AppendUnitEscape(static_cast<uint32_t>(c), out);
      }
      continue;
    }
    out->append(s.data() + start, i - start);
  }
  out->push_back('"');
}

// A double as protobuf's printer writes it: 15 significant digits if they
// read back as the same value, else 17; the non-finite values as strings.
void AppendJsonDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buffer[32];
  auto written = std::to_chars(buffer, buffer + sizeof(buffer), v,
                               std::chars_format::general, 15);
  double back = 0;
  std::from_chars(buffer, written.ptr, back);
  if (back != v) {
    written = std::to_chars(buffer, buffer + sizeof(buffer), v,
                            std::chars_format::general, 17);
  }
  out->append(buffer, written.ptr - buffer);
}

// `reasons` as a JSON array, appended to `out`.
void AppendReasons(
    const google::protobuf::RepeatedPtrField<hakam::v1::Reason>& reasons,
    std::string* out) {
  out->push_back('[');
  for (int i = 0; i < reasons.size(); ++i) {
    const hakam::v1::Reason& r = reasons[i];
    if (i > 0) out->push_back(',');
    out->append("{\"rule_id\":");
    AppendJsonString(r.rule_id(), out);
    out->append(",\"category\":");
    AppendJsonString(r.category(), out);
    out->append(",\"weight\":");
    AppendJsonDouble(r.weight(), out);
    if (r.has_span()) {
      const hakam::v1::Span& span = r.span();
      absl::StrAppend(out, ",\"span\":{\"byte_start\":", span.byte_start(),
                      ",\"byte_end\":", span.byte_end(),
                      ",\"codepoint_start\":", span.codepoint_start(),
                      ",\"codepoint_end\":", span.codepoint_end(), "}");
    }
    out->append(",\"excerpt\":");
    AppendJsonString(r.excerpt(), out);
    out->append(",\"view\":");
    AppendJsonString(r.view(), out);
    out->append(",\"pack\":");
    AppendJsonString(r.pack(), out);
    out->append(r.shadow() ? ",\"shadow\":true}" : ",\"shadow\":false}");
  }
  out->push_back(']');
}

}  // namespace

std::string ReasonsToJson(
    const google::protobuf::RepeatedPtrField<hakam::v1::Reason>& reasons) {
  std::string out;
  // The field names and a short excerpt: one allocation for most rows.
  out.reserve(2 + 256 * static_cast<size_t>(reasons.size()));
  AppendReasons(reasons, &out);
  return out;
}

absl::StatusOr<hakam::v1::Comment> ParseCommentJson(absl::string_view json) {
  if (json.size() > kMaxCommentJsonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("comment JSON is ", json.size(), " bytes, more than the ",
                     kMaxCommentJsonBytes, " allowed"));
  }
  // One parser per thread keeps its buffers from one line to the next
  // (about 15 bytes for each byte of the longest line so far, so at most
  // ~16 MiB under the cap above).
  thread_local simdjson::dom::parser parser(kMaxCommentJsonBytes);
  if (absl::StartsWith(json, "\xEF\xBB\xBF")) {
    return absl::InvalidArgumentError(
        "not valid JSON: starts with a byte order mark (U+FEFF); JSON Lines "
        "has none");
  }
  simdjson::dom::element root;
  if (const simdjson::error_code error =
          parser.parse(json.data(), json.size()).get(root);
      error != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("not valid JSON: ", simdjson::error_message(error)));
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: got ", JsonTypeName(root)));
  }
  using Setter = void (hakam::v1::Comment::*)(const std::string&);
  struct Field {
    absl::string_view name;
    Setter setter;  // nullptr: created_at
  };
  static const Field kFields[] = {
      {"comment_id", &hakam::v1::Comment::set_comment_id},
      {"article_id", &hakam::v1::Comment::set_article_id},
      {"site", &hakam::v1::Comment::set_site},
      {"section", &hakam::v1::Comment::set_section},
      {"author_id", &hakam::v1::Comment::set_author_id},
      {"text", &hakam::v1::Comment::set_text},
      {"created_at", nullptr},
      {"parent_id", &hakam::v1::Comment::set_parent_id},
      {"language", &hakam::v1::Comment::set_language},
  };
  hakam::v1::Comment c;
  uint32_t seen = 0;  // one bit per kFields entry
  for (const simdjson::dom::key_value_pair field : object) {
    // Debian's Abseil has its own string_view, not std::string_view.
    const absl::string_view key(field.key.data(), field.key.size());
    size_t f = 0;
    while (f < std::size(kFields) && kFields[f].name != key) ++f;
    if (f == std::size(kFields)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown field \"", key,
          "\" (expected comment_id, article_id, site, section, author_id, "
          "text, created_at, parent_id, language)"));
    }
    if ((seen & (1u << f)) != 0) {
      // Which one was meant is anyone's guess; protobuf refuses it too.
      return absl::InvalidArgumentError(
          absl::StrCat("field \"", key, "\" appears twice"));
    }
    seen |= 1u << f;
    if (field.value.is_null()) continue;  // null is the same as absent
    std::string_view value_view;
    if (field.value.get(value_view) != simdjson::SUCCESS) {
      return WrongType(key, kFields[f].setter == nullptr
                                ? "an RFC 3339 timestamp string"
                                : "a string");
    }
    const std::string value(value_view);
    if (kFields[f].setter != nullptr) {
      (c.*kFields[f].setter)(value);
    } else if (value.find('\0') != std::string::npos ||  // FromString stops
               !google::protobuf::util::TimeUtil::FromString(
                   value, c.mutable_created_at())) {
      return absl::InvalidArgumentError(
          absl::StrCat("field \"created_at\": \"", value,
                       "\" is not an RFC 3339 timestamp"));
    }
  }
  return c;
}

std::string MessageToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a well-formed message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string DecisionToJson(const hakam::v1::Decision& d) {
  std::string out;
  out.reserve(400 + 256 * static_cast<size_t>(d.reasons_size()));
  out.append("{\"decision_id\":");
  AppendJsonString(d.decision_id(), &out);
  out.append(",\"comment_id\":");
  AppendJsonString(d.comment_id(), &out);
  out.append(",\"action\":");
  if (const std::string& name = hakam::v1::Action_Name(d.action());
      !name.empty()) {
    AppendJsonString(name, &out);
  } else {
    absl::StrAppend(&out, static_cast<int>(d.action()));  // unknown value
  }
  out.append(",\"score\":");
  AppendJsonDouble(d.score(), &out);
  out.append(",\"category_scores\":[");
  for (int i = 0; i < d.category_scores_size(); ++i) {
    const hakam::v1::CategoryScore& c = d.category_scores(i);
    out.append(i == 0 ? "{\"category\":" : ",{\"category\":");
    AppendJsonString(c.category(), &out);
    out.append(",\"score\":");
    AppendJsonDouble(c.score(), &out);
    out.push_back('}');
  }
  out.append("],\"reasons\":");
  AppendReasons(d.reasons(), &out);
  out.append(",\"ruleset_version\":");
  AppendJsonString(d.ruleset_version(), &out);
  out.append(",\"policy_id\":");
  AppendJsonString(d.policy_id(), &out);
  if (d.has_signals()) {
    const hakam::v1::TextSignals& s = d.signals();
    absl::StrAppend(&out,
                    ",\"signals\":{\"invisible_chars\":", s.invisible_chars(),
                    ",\"bidi_controls\":", s.bidi_controls(),
                    ",\"mixed_script_words\":", s.mixed_script_words(),
                    ",\"digits_in_arabic_words\":", s.digits_in_arabic_words(),
                    ",\"letters\":", s.letters(),
                    ",\"letters_changed\":", s.letters_changed(), "}");
  }
  out.append(",\"shadow_score\":");
  AppendJsonDouble(d.shadow_score(), &out);
  // In protobuf's order: its printer writes the Duration and the
  // Timestamp after the other fields (the random test holds the order).
  if (d.has_processing_time()) {
    out.append(",\"processing_time\":");
    AppendJsonString(
        google::protobuf::util::TimeUtil::ToString(d.processing_time()), &out);
  }
  if (d.has_decided_at()) {
    out.append(",\"decided_at\":");
    AppendJsonString(google::protobuf::util::TimeUtil::ToString(d.decided_at()),
                     &out);
  }
  out.push_back('}');
  return out;
}

}  // namespace hakam
