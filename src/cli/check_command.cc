#include "cli/check_command.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <istream>
#include <memory>
#include <ostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/output.h"
#include "engine/comment_json.h"
#include "engine/engine.h"
#include "hakam/v1/moderation.grpc.pb.h"

namespace hakam::cli {
namespace {

enum class LineRead { kLine, kTooLong, kEnd };

// Reads the next line of `in` into `*line`, without its '\n'. A line of
// more than `max` bytes is read to its end but not kept (kTooLong), so a
// file without newlines cannot exhaust memory. kEnd at the end of the
// input, and on a read error (then in.bad()).
LineRead ReadLine(std::istream& in, size_t max, std::string* line) {
  line->clear();
  bool too_long = false;
  bool any = false;
  char chunk[64 * 1024];
  while (true) {
    // Stores up to sizeof chunk - 1 bytes; fails (with eof clear) only
    // when the chunk filled before the line ended.
    in.getline(chunk, sizeof chunk);
    if (in.bad()) return LineRead::kEnd;
    const bool chunk_full = in.fail() && !in.eof();
    const bool delimiter = !in.fail() && !in.eof();
    const size_t stored =
        static_cast<size_t>(in.gcount()) - (delimiter ? 1 : 0);
    any = any || in.gcount() > 0;
    if (!too_long) {
      if (line->size() + stored > max) {
        too_long = true;
        line->clear();
      } else {
        line->append(chunk, stored);
      }
    }
    if (!chunk_full) {
      if (!any) return LineRead::kEnd;
      // The line ended; a later read starts afresh (an end of input
      // without a newline leaves eof set, and the next call ends).
      if (in.fail()) in.clear(in.rdstate() & ~std::ios::failbit);
      return too_long ? LineRead::kTooLong : LineRead::kLine;
    }
    in.clear(in.rdstate() & ~std::ios::failbit);
  }
}

// Where decisions come from: the local engine or a server.
class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Writes the decision on `comment` to `*decision` (which a JSON Lines
  // run reuses from line to line); on failure leaves it cleared, as
  // Engine::Evaluate does.
  virtual absl::Status Evaluate(const hakam::v1::Comment& comment,
                                hakam::v1::Decision* decision) = 0;
};

class LocalEvaluator : public Evaluator {
 public:
  explicit LocalEvaluator(std::unique_ptr<Engine> engine)
      : engine_(std::move(engine)) {}
  absl::Status Evaluate(const hakam::v1::Comment& comment,
                        hakam::v1::Decision* decision) override {
    return engine_->Evaluate(comment, decision);
  }

 private:
  std::unique_ptr<Engine> engine_;
};

class RemoteEvaluator : public Evaluator {
 public:
  RemoteEvaluator(const std::string& target, int deadline_seconds)
      : stub_(hakam::v1::Moderation::NewStub(
            grpc::CreateChannel(target, grpc::InsecureChannelCredentials()))),
        deadline_seconds_(deadline_seconds) {}
  absl::Status Evaluate(const hakam::v1::Comment& comment,
                        hakam::v1::Decision* decision) override {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(deadline_seconds_));
    hakam::v1::ModerateRequest request;
    *request.mutable_comment() = comment;
    hakam::v1::ModerateResponse response;
    const grpc::Status s = stub_->Moderate(&context, request, &response);
    if (!s.ok()) {
      decision->Clear();
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                          s.error_message());
    }
    decision->Swap(response.mutable_decision());
    return absl::OkStatus();
  }

 private:
  std::unique_ptr<hakam::v1::Moderation::Stub> stub_;
  int deadline_seconds_;
};

}  // namespace

int RunCheck(const CheckOptions& options, const std::vector<std::string>& args,
             std::istream& in, std::ostream& out, std::ostream& err) {
  if (args.size() != 1) {
    err << "usage: hakam check [--server=HOST:PORT] [--rules=DIR] "
           "[--site=S] [--section=S] TEXT | -\n";
    return 2;
  }
  std::unique_ptr<Evaluator> evaluator;
  if (!options.server.empty()) {
    evaluator = std::make_unique<RemoteEvaluator>(options.server,
                                                  options.deadline_seconds);
  } else {
    DiagnosticSink sink;
    absl::StatusOr<std::unique_ptr<Engine>> engine =
        Engine::Create(std::make_unique<DirectoryRuleSource>(options.rules_dir),
                       EngineOptions(), sink);
    if (!engine.ok()) {
      err << sink.ToString()
          << "hakam: cannot load rules: " << engine.status().message() << "\n";
      return 2;
    }
    evaluator = std::make_unique<LocalEvaluator>(*std::move(engine));
  }

  if (args[0] != "-") {
    hakam::v1::Comment comment;
    comment.set_text(args[0]);
    comment.set_site(options.site);
    comment.set_section(options.section);
    hakam::v1::Decision d;
    const absl::Status s = evaluator->Evaluate(comment, &d);
    out << (s.ok() ? DecisionToJson(d) : ErrorJson(s, 0)) << "\n";
    out.flush();
    if (!out) {
      err << "hakam check: cannot write the output\n";
      return 2;
    }
    return s.ok() ? 0 : 1;
  }

  // JSON Lines: every non-blank input line yields exactly one output line,
  // a decision or an error object naming the line.
  int64_t line_number = 0;
  int64_t failures = 0;
  std::string line;
  hakam::v1::Decision d;
  for (LineRead read;
       (read = ReadLine(in, kMaxCommentJsonBytes, &line)) != LineRead::kEnd;) {
    ++line_number;
    absl::Status s;
    if (read == LineRead::kTooLong) {
      s = absl::InvalidArgumentError(
          absl::StrCat("comment JSON is more than the ", kMaxCommentJsonBytes,
                       " bytes allowed (the line was skipped)"));
    } else if (absl::StripAsciiWhitespace(line).empty()) {
      continue;
    } else {
      absl::StatusOr<hakam::v1::Comment> comment = ParseCommentJson(line);
      s = comment.ok() ? evaluator->Evaluate(*comment, &d) : comment.status();
    }
    if (s.ok()) {
      out << DecisionToJson(d) << "\n";
    } else {
      ++failures;
      out << ErrorJson(s, line_number) << "\n";
    }
    // A full disk or a closed output would lose every answer after it:
    // stop at once, and say so.
    if (!out) {
      err << "hakam check: cannot write the output (at input line "
          << line_number << ")\n";
      return 2;
    }
  }
  if (in.bad()) {
    out.flush();
    err << "hakam check: cannot read the input after line " << line_number
        << "\n";
    return 2;
  }
  out.flush();
  if (!out) {
    err << "hakam check: cannot write the output\n";
    return 2;
  }
  if (failures > 0) {
    err << "hakam check: " << failures << " of the input lines failed\n";
    return 1;
  }
  return 0;
}

}  // namespace hakam::cli
