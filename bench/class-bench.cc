/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Class engine benchmarks (placeholder: one lookup in a one-route class).
 */

#include "bench-common.h"

#include "ns3/route-class.h"

#include <benchmark/benchmark.h>

namespace
{

void
BM_ClassLookupTiny(benchmark::State& state)
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

bench::BenchRegistrar g_class("class", [](const bench::Mode&) {
    benchmark::RegisterBenchmark("class/lookup-tiny", BM_ClassLookupTiny);
});

} // namespace
