// imapcheck: the checks' entry points, one run_* per check file in checks/ and a plan_* for
// those whose command goes ahead pipelined; registry.cpp orders them.
#pragma once

#include "imapcheck/check.hpp"

namespace imapcheck {

CheckResult run_connect(RunContext&);
CheckResult run_tls(RunContext&);
CheckResult run_capability(RunContext&);
CheckResult run_login(RunContext&);
CheckResult run_list(RunContext&);
CheckResult run_status(RunContext&);
CheckResult run_select(RunContext&);
CheckResult run_search(RunContext&);
CheckResult run_fetch(RunContext&);
CheckResult run_quota(RunContext&);
CheckResult run_logout(RunContext&);
Plan plan_list(const RunContext&);
Plan plan_status(const RunContext&);
Plan plan_select(const RunContext&);
Plan plan_search(const RunContext&);
Plan plan_fetch(const RunContext&);
Plan plan_quota(const RunContext&);
Plan plan_logout(const RunContext&);

}  // namespace imapcheck
