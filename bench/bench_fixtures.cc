#include "bench_fixtures.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rules/rule_source.h"

namespace hakam::bench {

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "hakam-bench: %s\n", message.c_str());
  std::exit(1);
}

}  // namespace

BenchConfig& MutableBenchConfig() {
  static BenchConfig* config = new BenchConfig();
  return *config;
}

const BenchConfig& Config() { return MutableBenchConfig(); }

const Corpus& BenchCorpus() {
  static const Corpus* corpus = [] {
    CorpusOptions o;
    o.seed = Config().corpus_seed;
    o.count = Config().corpus_size;
    return new Corpus(GenerateCorpus(o));
  }();
  return *corpus;
}

const Normalizer& BenchNormalizer() {
  static const Normalizer* normalizer = [] {
    absl::StatusOr<std::unique_ptr<const Normalizer>> n = Normalizer::Create();
    if (!n.ok()) Die(n.status().ToString());
    return n->release();
  }();
  return *normalizer;
}

const std::vector<hakam::v1::Comment>& BenchComments() {
  static const std::vector<hakam::v1::Comment>* comments = [] {
    const Corpus& corpus = BenchCorpus();
    auto* v = new std::vector<hakam::v1::Comment>(corpus.texts.size());
    for (size_t i = 0; i < corpus.texts.size(); ++i) {
      (*v)[i].set_comment_id(absl::StrFormat("bench-%d", i));
      (*v)[i].set_site("bench");
      (*v)[i].set_text(corpus.texts[i]);
    }
    return v;
  }();
  return *comments;
}

std::map<std::string, std::string> ShippedRuleFiles() {
  absl::StatusOr<std::vector<RuleFile>> files =
      DirectoryRuleSource(Config().rules_dir).ReadAll();
  if (!files.ok()) Die(files.status().ToString());
  std::map<std::string, std::string> out;
  for (RuleFile& f : *files) out[f.path] = std::move(f.content);
  return out;
}

absl::StatusOr<std::unique_ptr<Engine>> MakeEngine(
    std::map<std::string, std::string> files, const EngineOptions& options) {
  DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(std::move(files)), options, sink);
  if (!engine.ok()) {
    return absl::Status(engine.status().code(),
                        absl::StrFormat("%s\n%s", engine.status().message(),
                                        sink.ToString()));
  }
  return engine;
}

std::string FirstProblem(const absl::Status& status) {
  const absl::string_view message = status.message();
  const size_t at = message.find("error: ");
  if (at == absl::string_view::npos) {
    return std::string(message.substr(0, message.find('\n')));
  }
  const absl::string_view rest = message.substr(at + 7);
  return std::string(rest.substr(0, rest.find('\n')));
}

std::unique_ptr<Engine> MakeEngineOrDie(std::map<std::string, std::string> files,
                                        const EngineOptions& options) {
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      MakeEngine(std::move(files), options);
  if (!engine.ok()) {
    Die(absl::StrCat("cannot load rules: ", engine.status().ToString()));
  }
  return *std::move(engine);
}

}  // namespace hakam::bench
