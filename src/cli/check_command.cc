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
    absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(
        std::make_unique<DirectoryRuleSource>(options.rules_dir),
        EngineOptions(), sink);
    if (!engine.ok()) {
      err << sink.ToString() << "hakam: cannot load rules: "
          << engine.status().message() << "\n";
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
    if (absl::Status s = evaluator->Evaluate(comment, &d); !s.ok()) {
      out << ErrorJson(s, 0) << "\n";
      return 1;
    }
    out << DecisionToJson(d) << "\n";
    return 0;
  }

  // JSON Lines: every non-blank input line yields exactly one output line,
  // a decision or an error object naming the line.
  int line_number = 0;
  int failures = 0;
  std::string line;
  hakam::v1::Decision d;
  while (std::getline(in, line)) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<hakam::v1::Comment> comment = ParseCommentJson(line);
    const absl::Status s =
        comment.ok() ? evaluator->Evaluate(*comment, &d) : comment.status();
    if (s.ok()) {
      out << DecisionToJson(d) << "\n";
    } else {
      ++failures;
      out << ErrorJson(s, line_number) << "\n";
    }
  }
  out.flush();
  if (failures > 0) {
    err << "hakam check: " << failures << " of the input lines failed\n";
    return 1;
  }
  return 0;
}

}  // namespace hakam::cli
