/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * main() of policy-routing-bench: parses --smoke, lets every bench file register its
 * benchmarks, runs them, then prints the summaries (ratios measured in the same run).
 */

#include "bench-common.h"

#include <benchmark/benchmark.h>
#include <cstring>
#include <iostream>

namespace bench
{

std::vector<std::pair<std::string, Registration>>&
Registrations()
{
    static std::vector<std::pair<std::string, Registration>> r;
    return r;
}

static std::vector<Summary>&
Summaries()
{
    static std::vector<Summary> s;
    return s;
}

void
AddSummary(Summary s)
{
    Summaries().push_back(std::move(s));
}

} // namespace bench

int
main(int argc, char** argv)
{
    bench::Mode mode;
    std::vector<char*> args;
    args.push_back(argv[0]);
    for (int i = 1; i < argc; ++i)
    {
        if (std::strcmp(argv[i], "--smoke") == 0)
        {
            mode.smoke = true;
        }
        else
        {
            args.push_back(argv[i]);
        }
    }
    static char minTime[] = "--benchmark_min_time=0.001";
    if (mode.smoke)
    {
        args.push_back(minTime);
    }
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data()))
    {
        return 1;
    }
    for (auto& [name, reg] : bench::Registrations())
    {
        reg(mode);
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    for (auto& s : bench::Summaries())
    {
        s();
    }
    std::cout.flush();
    return 0;
}
