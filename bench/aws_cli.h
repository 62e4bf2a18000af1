// The real aws CLI as a benchmark baseline (scan_bench, inventory_bench): finding it, giving it
// credentials and an endpoint through the environment only, and reading its per-page key counts.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace stocktake::bench {

// The first executable `name` on PATH (or `name` itself when it holds a '/').
Result<std::string> FindProgram(const std::string& name);

// Sets the environment the aws CLI (and `stocktake inventory scan`) read, as a user would, so that
// nothing of the machine's own AWS configuration takes part: keys, region us-east-1, endpoint,
// config and credential files /dev/null, no pager.
void SetAwsEnvironment(const std::string& access_key, const std::string& secret_key,
                       const std::string& endpoint);

// The output of `aws s3api list-objects-v2 ... --output text --query 'length(Contents)'`: one key
// count per page (text output applies the query to each page); returns their sum.
Result<uint64_t> SumOfPageCounts(const std::string& output);

// User + system CPU seconds of this process's waited-for children so far (RUSAGE_CHILDREN).
double ChildrenCpuSeconds();

}  // namespace stocktake::bench
