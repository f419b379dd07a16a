// `hakam check`: evaluates comments and prints decisions as JSON, either
// locally with the same engine the server runs, or through a server.
//
//   hakam check "some text"                 # local, rules from ./rules
//   hakam check --server=127.0.0.1:50051 "some text"
//   hakam check - < comments.jsonl          # JSON Lines in, one decision out
//                                           # per line, same order
//
// Thread safety: thread-compatible (one command per thread).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hakam::cli {

struct CheckOptions {
  // host:port of a hakamd; empty evaluates locally.
  std::string server;
  // Rules directory for local evaluation.
  std::string rules_dir = "./rules";
  // site/section for the comment given on the command line.
  std::string site;
  std::string section;
  // Per-call deadline for remote evaluation, in seconds.
  int deadline_seconds = 10;
};

// Runs the command. `args` are the positional arguments after "check":
// one text, or "-" for JSON Lines on `in`. Returns the process exit code:
// 0 when every comment got a decision, 1 when some line failed, 2 for
// usage or setup errors (message on `err`).
int RunCheck(const CheckOptions& options, const std::vector<std::string>& args,
             std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace hakam::cli
