// Where rule and policy files come from: a directory on disk in production,
// an in-memory map in tests and dry runs.
//
//   DirectoryRuleSource source("./rules");
//   absl::StatusOr<std::vector<RuleFile>> files = source.ReadAll();
//
// Thread safety: implementations are thread-safe for concurrent ReadAll().
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace hakam {

struct RuleFile {
  std::string path;     // as shown in diagnostics
  std::string name;     // relative to the source's root; what is hashed
  std::string content;  // the whole file
};

class RuleSource {
 public:
  virtual ~RuleSource() = default;
  // Every rule/policy file, ordered by path. NOT_FOUND if the source does
  // not exist; INVALID_ARGUMENT if it holds no file.
  virtual absl::StatusOr<std::vector<RuleFile>> ReadAll() const = 0;
  // Human-readable description ("directory ./rules").
  virtual std::string Describe() const = 0;
};

// Reads every `*.yaml` / `*.yml` file under a directory, recursively.
// Hidden files and directories (leading '.') are skipped, as are editors'
// temporaries, so a half-written save is never loaded.
class DirectoryRuleSource : public RuleSource {
 public:
  explicit DirectoryRuleSource(std::string dir) : dir_(std::move(dir)) {}
  absl::StatusOr<std::vector<RuleFile>> ReadAll() const override;
  std::string Describe() const override { return "directory " + dir_; }

 private:
  std::string dir_;
};

// A fixed set of files; for tests, benchmarks and the CLI's dry runs.
class InMemoryRuleSource : public RuleSource {
 public:
  explicit InMemoryRuleSource(std::map<std::string, std::string> files)
      : files_(std::move(files)) {}
  absl::StatusOr<std::vector<RuleFile>> ReadAll() const override;
  std::string Describe() const override { return "in-memory rules"; }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace hakam
