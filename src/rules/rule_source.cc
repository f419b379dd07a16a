#include "rules/rule_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hakam {

namespace fs = std::filesystem;

absl::StatusOr<std::vector<RuleFile>> DirectoryRuleSource::ReadAll() const {
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) {
    return absl::NotFoundError(
        absl::StrCat("rules directory ", dir_, " does not exist"));
  }
  std::vector<RuleFile> files;
  fs::recursive_directory_iterator it(dir_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (!absl::EndsWith(name, ".yaml") && !absl::EndsWith(name, ".yml")) {
      continue;
    }
    std::ifstream in(p, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in.good() && !in.eof()) {
      return absl::UnavailableError(absl::StrCat("cannot read ", p.string()));
    }
    files.push_back({p.string(), fs::relative(p, dir_, ec).generic_string(),
                     content.str()});
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", dir_, ": ", ec.message()));
  }
  if (files.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("rules directory ", dir_, " holds no *.yaml file"));
  }
  std::sort(
      files.begin(), files.end(),
      [](const RuleFile& a, const RuleFile& b) { return a.path < b.path; });
  return files;
}

absl::StatusOr<std::vector<RuleFile>> InMemoryRuleSource::ReadAll() const {
  if (files_.empty()) {
    return absl::InvalidArgumentError("in-memory rule source holds no file");
  }
  std::vector<RuleFile> files;
  for (const auto& [path, content] : files_) {
    files.push_back({path, path, content});
  }
  return files;
}

}  // namespace hakam
