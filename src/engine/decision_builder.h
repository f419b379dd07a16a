// Turns a finished Evaluation into the hakam.v1.Decision the API returns:
// reasons with spans in the original text (bytes and code points), scores
// by category, signals, versions. The one place that knows both the
// evaluation's internals and the proto.
//
// Thread safety: stateless.
#pragma once

#include "hakam/v1/moderation.pb.h"
#include "rules/ruleset_loader.h"
#include "scoring/pipeline.h"

namespace hakam {

// Fills every field of `d` except decision_id, processing_time and
// decided_at. Precondition: the pipeline ran to a decision on `e`.
void FillDecision(const Evaluation& e, const Ruleset& ruleset,
                  hakam::v1::Decision& d);

}  // namespace hakam
