/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Shared pieces of policy-routing-bench: every bench file registers its benchmarks through
 * BenchRegistrar, and main() (bench/main.cc) calls them once it knows the mode:
 *   policy-routing-bench            full sizes (see bench/README.md for the targets)
 *   policy-routing-bench --smoke    tiny sizes, run by the tests so the benchmarks never rot
 */

#ifndef POLICY_ROUTING_BENCH_COMMON_H
#define POLICY_ROUTING_BENCH_COMMON_H

#include <functional>
#include <string>
#include <vector>

namespace bench
{

/// How the benchmarks should size themselves.
struct Mode
{
    bool smoke{false}; //!< tiny sizes, few iterations
};

/// A function that registers benchmarks (benchmark::RegisterBenchmark) for a mode.
using Registration = std::function<void(const Mode&)>;

/// The registrations of all bench files.
std::vector<std::pair<std::string, Registration>>& Registrations();

/// Static helper: `static bench::BenchRegistrar r("name", [](const Mode& m) { ... });`
struct BenchRegistrar
{
    BenchRegistrar(const std::string& name, Registration r)
    {
        Registrations().emplace_back(name, std::move(r));
    }
};

/// A summary printed after all benchmarks ran (ratios between benchmarks of the same run).
using Summary = std::function<void()>;

/// Register a summary to print at the end.
void AddSummary(Summary s);

} // namespace bench

#endif
