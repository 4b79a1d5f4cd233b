/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Ipv4PolicyRouting::RouteOutput, the whole ns-3 call (rule scan, class lookups, Ipv4Route
 * allocation): with the default rules and a full Internet table (1M prefixes) in MAIN, and
 * with 1k and 10k user rules in front of it. Baseline in the same run: the same decisions
 * by a full scan of the rule list (no rule index).
 *
 * Targets (issue 3): <= 150 ns with the default rules and 1M prefixes; <= 1 us with 1k and
 * 10k user rules.
 */

#include "bench-common.h"
#include "internet-table.h"

#include "ns3/boolean.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-policy-routing.h"
#include "ns3/ipv4.h"
#include "ns3/node.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

using namespace ns3;

namespace
{

/// A node with policy routing, one interface 10.0.0.1/8, MAIN holding the generated table,
/// and \p userRules rules in front of MAIN.
struct Router
{
    Ptr<Node> node;
    Ptr<Ipv4PolicyRouting> routing;
    std::vector<uint32_t> destinations;
    std::vector<uint32_t> sources;

    Router(std::size_t prefixes, std::size_t userRules)
    {
        node = CreateObject<Node>();
        Ipv4PolicyRoutingHelper policy;
        policy.Set("RuleStyle", StringValue("Modern"));
        policy.Set("LocalRoutePolicy", BooleanValue(true));
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.SetRoutingHelper(policy);
        stack.Install(node);
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(CreateObject<SimpleChannel>());
        node->AddDevice(dev);
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        const uint32_t i = ipv4->AddInterface(dev);
        ipv4->AddAddress(i, Ipv4InterfaceAddress(Ipv4Address("10.0.0.1"), Ipv4Mask("255.0.0.0")));
        ipv4->SetUp(i);
        routing = Ipv4PolicyRoutingHelper::GetPolicyRouting(node);

        InternetTableConfig config;
        config.prefixes = prefixes;
        config.interface = i;
        const std::vector<RouteEntry> table = GenerateInternetTable(config);
        RouteClass& main = routing->GetDatabase().GetClass(CLASS_MAIN);
        for (const RouteEntry& e : table)
        {
            main.Insert(e, InsertMode::REPLACE);
        }

        // User rules: customers selected by source /24 (half) or by destination /16 (half),
        // each sent to one of 16 small classes with a default route.
        for (uint32_t c = 0; c < 16; ++c)
        {
            RouteEntry d;
            d.info.gateway = 0x0a000002u + c;
            d.info.interface = i;
            routing->GetDatabase().GetClass(100 + c).Insert(d);
        }
        std::mt19937 rng(7);
        for (std::size_t k = 0; k < userRules; ++k)
        {
            PolicyRule r;
            if (k % 2 == 0)
            {
                r.src = 0xac100000u + (static_cast<uint32_t>(k) << 8); // 172.16.0.0 + k/24
                r.srcLength = 24;
                sources.push_back(r.src | 5);
            }
            else
            {
                r.dst = (rng() & 0xffff0000u) | 0x01000000u;
                r.dstLength = 16;
            }
            r.classId = 100 + static_cast<uint32_t>(k % 16);
            routing->AddRule(r, 1000 + static_cast<uint32_t>(k));
        }
        main.Build();
        destinations = GenerateDestinations(table, 1 << 16, 11);
        if (sources.empty())
        {
            sources.push_back(0);
        }
    }
};

/// Routers by (prefixes, rules), built once per process.
Router&
GetRouter(std::size_t prefixes, std::size_t rules)
{
    static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<Router>> routers;
    auto& r = routers[{prefixes, rules}];
    if (!r)
    {
        r = std::make_unique<Router>(prefixes, rules);
    }
    return *r;
}

using Clock = std::chrono::steady_clock;
constexpr std::size_t BATCH = 1024;

/// Per-batch mean ns per lookup, by benchmark key.
std::map<std::string, std::vector<double>>&
Samples()
{
    static std::map<std::string, std::vector<double>> s;
    return s;
}

double
Median(std::vector<double> v)
{
    if (v.empty())
    {
        return -1;
    }
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

/**
 * Time \p lookup over batches of BATCH keys; every iteration is one batch. Records the mean
 * per lookup of each batch under \p key; the state reports the median.
 */
template <class F>
void
TimeBatches(benchmark::State& state, const std::string& key, F&& lookup)
{
    std::vector<double>& samples = Samples()[key];
    std::size_t k = 0;
    for (auto _ : state)
    {
        const auto t0 = Clock::now();
        for (std::size_t b = 0; b < BATCH; ++b, ++k)
        {
            lookup(k);
        }
        const auto t1 = Clock::now();
        const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count();
        samples.push_back(ns / BATCH);
        state.SetIterationTime(ns * 1e-9);
    }
    state.counters["ns/lookup(median)"] = Median(samples);
}

void
BM_RouteOutput(benchmark::State& state,
               std::size_t prefixes,
               std::size_t rules,
               const std::string& key)
{
    Router& r = GetRouter(prefixes, rules);
    Ipv4Header h;
    h.SetProtocol(17);
    Socket::SocketErrno err;
    const std::size_t nd = r.destinations.size();
    const std::size_t ns = r.sources.size();
    TimeBatches(state, key, [&](std::size_t k) {
        h.SetDestination(Ipv4Address(r.destinations[k % nd]));
        // With user rules, half of the packets come from a customer source.
        h.SetSource(rules && (k & 1) ? Ipv4Address(r.sources[(k >> 1) % ns])
                                     : Ipv4Address::GetAny());
        Ptr<Ipv4Route> route = r.routing->RouteOutput(nullptr, h, nullptr, err);
        benchmark::DoNotOptimize(route);
    });
}

/// The decision alone, through the rule index (\p full false) or the full rule scan.
void
BM_Decision(benchmark::State& state,
            std::size_t prefixes,
            std::size_t rules,
            bool full,
            const std::string& key)
{
    Router& r = GetRouter(prefixes, rules);
    const PolicyDatabase& db = r.routing->GetDatabase();
    std::vector<LookupStep> steps;
    FlowKey flow;
    flow.iif = r.routing->GetLoopbackInterface();
    TimeBatches(state, key, [&](std::size_t k) {
        flow.dst = r.destinations[k % r.destinations.size()];
        flow.src = rules && (k & 1) ? r.sources[(k >> 1) % r.sources.size()] : 0;
        if (full)
        {
            steps.clear();
            benchmark::DoNotOptimize(db.Lookup(flow, LookupAlgorithm::LINUX, &steps));
        }
        else
        {
            benchmark::DoNotOptimize(db.Lookup(flow, LookupAlgorithm::LINUX));
        }
    });
}

void
Summary(std::size_t prefixes, std::vector<std::size_t> ruleCounts)
{
    std::printf("\n=== Ipv4PolicyRouting::RouteOutput, %zu prefixes in MAIN: median ns per "
                "lookup (median over batches of %zu) ===\n",
                prefixes,
                BATCH);
    std::printf("%-8s %14s %14s %16s %12s %8s\n",
                "rules",
                "RouteOutput",
                "decision",
                "full-scan (base)",
                "base/index",
                "target");
    for (std::size_t rules : ruleCounts)
    {
        const std::string suffix = std::to_string(prefixes) + "/" + std::to_string(rules);
        const double out = Median(Samples()["route-output/" + suffix]);
        const double idx = Median(Samples()["indexed/" + suffix]);
        const double full = Median(Samples()["full-scan/" + suffix]);
        const double target = rules == 0 ? 150 : 1000;
        std::printf("%-8zu %14.1f %14.1f %16.1f %11.1fx %5.0f ns %s\n",
                    rules,
                    out,
                    idx,
                    full,
                    idx > 0 ? full / idx : 0,
                    target,
                    out <= target ? "PASS" : "MISS");
    }
}

void
Register(const bench::Mode& mode)
{
    const std::size_t prefixes = mode.smoke ? 1000 : 1000000;
    const std::vector<std::size_t> ruleCounts = mode.smoke
                                                    ? std::vector<std::size_t>{0, 10, 100}
                                                    : std::vector<std::size_t>{0, 1000, 10000};
    for (std::size_t rules : ruleCounts)
    {
        const std::string suffix = std::to_string(prefixes) + "/" + std::to_string(rules);
        const std::string label =
            "/" + std::to_string(prefixes) + "-prefixes/" + std::to_string(rules) + "-rules";
        auto* a = benchmark::RegisterBenchmark(
            ("rules/route-output" + label).c_str(),
            [=](benchmark::State& s) {
                BM_RouteOutput(s, prefixes, rules, "route-output/" + suffix);
            });
        auto* b = benchmark::RegisterBenchmark(
            ("rules/decision-indexed" + label).c_str(),
            [=](benchmark::State& s) {
                BM_Decision(s, prefixes, rules, false, "indexed/" + suffix);
            });
        auto* c = benchmark::RegisterBenchmark(
            ("rules/decision-full-scan" + label).c_str(),
            [=](benchmark::State& s) {
                BM_Decision(s, prefixes, rules, true, "full-scan/" + suffix);
            });
        for (auto* bm : {a, b, c})
        {
            bm->UseManualTime()->Unit(benchmark::kNanosecond);
            if (!mode.smoke)
            {
                bm->MinTime(0.5);
            }
        }
    }
    bench::AddSummary([=]() { Summary(prefixes, ruleCounts); });
}

bench::BenchRegistrar g_rules("rules", Register);

} // namespace
