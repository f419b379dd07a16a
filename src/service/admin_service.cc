#include "service/admin_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>

namespace hakam {

namespace {

using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

void ToProto(const Diagnostic& d, hakam::v1::RuleDiagnostic* out) {
  out->set_file(d.where.file);
  out->set_line(static_cast<uint32_t>(std::max(d.where.line, 0)));
  out->set_column(static_cast<uint32_t>(std::max(d.where.column, 0)));
  out->set_severity(d.severity == Severity::kError
                        ? hakam::v1::RuleDiagnostic::SEVERITY_ERROR
                        : hakam::v1::RuleDiagnostic::SEVERITY_WARNING);
  out->set_message(d.message);
  out->set_rule_id(d.rule_id);
}

void AddCounts(const std::map<std::string, uint32_t>& counts,
               google::protobuf::RepeatedPtrField<hakam::v1::RuleCount>* out) {
  for (const auto& [name, rules] : counts) {
    hakam::v1::RuleCount* c = out->Add();
    c->set_name(name);
    c->set_rules(rules);
  }
}

void FillRuleset(const Engine& engine, hakam::v1::GetRulesetResponse* out) {
  const ReloadHistory history = engine.reload_history();
  const Ruleset& ruleset = *history.serving->ruleset;
  out->set_version(ruleset.version);
  *out->mutable_loaded_at() = ToProto(ruleset.loaded_at);
  out->set_rule_count(ruleset.rules->rules().size());
  for (const std::string& f : ruleset.files) out->add_files(f);
  std::map<std::string, uint32_t> packs, categories;
  for (const Rule& r : ruleset.rules->rules()) {
    ++packs[r.pack];
    ++categories[r.category];
  }
  AddCounts(packs, out->mutable_packs());
  AddCounts(categories, out->mutable_categories());
  for (const Policy& p : ruleset.policies->policies()) {
    out->add_policy_ids(p.id());
  }
  out->set_source(engine.source().Describe());
  out->set_reloads_accepted(history.accepted);
  out->set_reloads_refused(history.refused);
  if (history.last_refused.has_value()) {
    hakam::v1::RefusedReload* r = out->mutable_last_refused_reload();
    *r->mutable_at() = ToProto(history.last_refused->at);
    r->set_error(std::string(history.last_refused->status.message()));
    for (const Diagnostic& d : history.last_refused->diagnostics) {
      ToProto(d, r->add_diagnostics());
    }
  }
}

void FillReload(const ReloadOutcome& o, hakam::v1::ReloadRulesResponse* out) {
  out->set_accepted(o.accepted);
  out->set_version(o.serving->ruleset->version);
  out->set_previous_version(o.previous_version);
  out->set_rule_count(o.serving->ruleset->rules->rules().size());
  if (!o.accepted) out->set_error(std::string(o.status.message()));
  for (const Diagnostic& d : o.diagnostics) ToProto(d, out->add_diagnostics());
}

}  // namespace

RulesAdminService::RulesAdminService(Engine& engine, Reloader::LogFn log)
    : engine_(engine),
      reloader_(engine, std::move(log)),
      worker_([this] { Work(); }) {}

RulesAdminService::~RulesAdminService() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  worker_.join();
}

grpc::ServerUnaryReactor* RulesAdminService::ReloadRules(
    grpc::CallbackServerContext* context,
    const hakam::v1::ReloadRulesRequest* /*request*/,
    hakam::v1::ReloadRulesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::MutexLock lock(&mu_);
  queue_.push_back({reactor, response});
  return reactor;
}

grpc::ServerUnaryReactor* RulesAdminService::GetRuleset(
    grpc::CallbackServerContext* context,
    const hakam::v1::GetRulesetRequest* /*request*/,
    hakam::v1::GetRulesetResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  FillRuleset(engine_, response);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

bool RulesAdminService::HasWorkOrStopping() const {
  return stopping_ || !queue_.empty();
}

void RulesAdminService::Work() {
  while (true) {
    PendingReload next;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &RulesAdminService::HasWorkOrStopping));
      // Every queued call is finished before stopping: gRPC waits for
      // them, so the queue is empty by the time the destructor runs.
      if (queue_.empty()) return;
      next = queue_.front();
      queue_.pop_front();
    }
    FillReload(reloader_.Reload("RPC"), next.response);
    next.reactor->Finish(grpc::Status::OK);
  }
}

}  // namespace hakam
