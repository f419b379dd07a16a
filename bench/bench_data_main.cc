// hakam-bench-data: writes the benchmark inputs to disk, for hakamd and for
// people who want to look at them.
//
//   hakam-bench-data rules --count=10000 --out=DIR   # DIR/synthetic/*.yaml
//   hakam-bench-data corpus                          # one-line description
//   hakam-bench-data corpus --jsonl | hakam check -  # the comments
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "corpus.h"
#include "synthetic_rules.h"

ABSL_FLAG(int, count, -1,
          "rules: number of rules (default 10000); corpus: number of "
          "comments (default 2000)");
ABSL_FLAG(uint64_t, seed, 0, "Seed (default: the benchmarks' own)");
ABSL_FLAG(std::string, out, "", "rules: the directory to write into");
ABSL_FLAG(bool, jsonl, false, "corpus: print the comments as JSON Lines");

namespace {

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += absl::StrFormat("\\u%04x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

int WriteRules() {
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::fprintf(stderr, "hakam-bench-data: rules needs --out=DIR\n");
    return 1;
  }
  hakam::bench::SyntheticRulesOptions o;
  const int count = absl::GetFlag(FLAGS_count);
  if (count > hakam::bench::kMaxSyntheticRules) {
    std::fprintf(stderr,
                 "hakam-bench-data: rules --count must be at most %d, got %d\n",
                 hakam::bench::kMaxSyntheticRules, count);
    return 1;
  }
  o.rules = count >= 0 ? count : 10000;
  if (absl::GetFlag(FLAGS_seed) != 0) o.seed = absl::GetFlag(FLAGS_seed);
  for (const auto& [path, content] : hakam::bench::GenerateRulePacks(o)) {
    const std::filesystem::path file = std::filesystem::path(out) / path;
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << content;
    f.close();
    if (ec || !f) {
      std::fprintf(stderr, "hakam-bench-data: cannot write %s\n", file.c_str());
      return 1;
    }
  }
  std::printf("wrote %d synthetic rules under %s/%s\n", o.rules, out.c_str(),
              o.prefix.c_str());
  return 0;
}

int PrintCorpus() {
  hakam::bench::CorpusOptions o;
  const int count = absl::GetFlag(FLAGS_count);
  if (count > hakam::bench::kMaxCorpusSize) {
    std::fprintf(
        stderr, "hakam-bench-data: corpus --count must be at most %d, got %d\n",
        hakam::bench::kMaxCorpusSize, count);
    return 1;
  }
  if (count >= 0) o.count = count;
  if (absl::GetFlag(FLAGS_seed) != 0) o.seed = absl::GetFlag(FLAGS_seed);
  const hakam::bench::Corpus corpus = hakam::bench::GenerateCorpus(o);
  if (!absl::GetFlag(FLAGS_jsonl)) {
    std::printf("%s\n", corpus.Describe().c_str());
    return 0;
  }
  for (size_t i = 0; i < corpus.texts.size(); ++i) {
    std::printf("{\"comment_id\":\"corpus-%zu\",\"text\":%s}\n", i,
                JsonString(corpus.texts[i]).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes Hakam's benchmark inputs.\n"
      "Usage: hakam-bench-data rules --count=N --out=DIR\n"
      "       hakam-bench-data corpus [--count=N] [--jsonl]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  const std::string command = args.size() == 2 ? args[1] : "";
  if (command == "rules") return WriteRules();
  if (command == "corpus") return PrintCorpus();
  std::fprintf(stderr, "%s\n", absl::ProgramUsageMessage().data());
  return 1;
}
