/*
 * SPDX-License-Identifier: GPL-2.0-only
 * Placeholder, replaced by the full benchmark.
 */
#include "ns3/route-class.h"

#include <benchmark/benchmark.h>
#include <cstring>

static void
BM_Lookup(benchmark::State& state)
{
    ns3::RouteClass c;
    ns3::RouteEntry e;
    e.info.interface = 1;
    c.Insert(e);
    for (auto _ : state)
    {
        benchmark::DoNotOptimize(c.Lookup(0x0a000001));
    }
}

BENCHMARK(BM_Lookup);

int
main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--smoke") == 0)
    {
        argv[1] = const_cast<char*>("--benchmark_min_time=0.001");
    }
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    return 0;
}
