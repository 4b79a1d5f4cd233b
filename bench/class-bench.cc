/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Class engine benchmarks (issue 2 §3): lookup cost of ns3::RouteClass, of the naive
 * reference (test/reference/naive-route-class.h) and of ns-3's Ipv4StaticRouting::RouteOutput
 * on the same generated Internet tables (bench/internet-table.h), in the same run; build time
 * and memory of a full table; each LookupAlgorithm; the TOS slow path. A summary at the end
 * prints the ratios and checks the targets. See bench/README.md.
 *
 * Per-lookup time: each benchmark iteration is a batch of lookups over destinations
 * precomputed outside the timed loop, timed with the thread's CPU clock (so that time slices
 * given to other processes on a shared machine are not counted); the reported "median" is the
 * median over all batches of the mean time per lookup in the batch.
 */

#include "../test/reference/naive-route-class.h"
#include "bench-common.h"
#include "internet-table.h"

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"
#include "ns3/node.h"
#include "ns3/route-class.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"
#include "ns3/socket.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <malloc.h>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace
{

using ns3::LookupAlgorithm;
using ns3::RouteClass;
using ns3::RouteEntry;
using ns3::reference::NaiveRouteClass;

/// \return the CPU time of the calling thread, in ns
double
ThreadCpuNs()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// ---------------------------------------------------------------------------------------------
// Sizes and constants.

constexpr uint64_t TABLE_SEED = 20240601;
constexpr uint8_t TOS_LOWDELAY = 0x10;
constexpr uint32_t TOS_GATEWAY = 0x0a0000fe; // 10.0.0.254: the low-delay path

/// Destinations per table: 2^20 (4 MiB) in full runs, so that lookups walk the whole table
/// rather than a few hot cache lines; 2^12 in smoke runs.
std::size_t
DestinationCount(const bench::Mode& m)
{
    return m.smoke ? (1U << 12) : (1U << 20);
}

bench::Mode g_mode;

std::string
SizeName(std::size_t n)
{
    if (n >= 1000000 && n % 1000000 == 0)
    {
        return std::to_string(n / 1000000) + "M";
    }
    if (n >= 1000 && n % 1000 == 0)
    {
        return std::to_string(n / 1000) + "k";
    }
    return std::to_string(n);
}

// ---------------------------------------------------------------------------------------------
// Results kept for the summary.

struct Results
{
    std::map<std::string, std::vector<double>> samples; //!< ns per lookup, per batch
    std::map<std::string, double> values;               //!< other measurements
    std::map<std::string, std::string> notes;           //!< verification notes
};

Results&
Store()
{
    static Results r;
    return r;
}

double
Median(std::vector<double> v)
{
    if (v.empty())
    {
        return -1;
    }
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size() / 2;
    return v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

/// \return the median ns per lookup recorded under \p key, or -1
double
MedianOf(const std::string& key)
{
    auto it = Store().samples.find(key);
    return it == Store().samples.end() ? -1 : Median(it->second);
}

// ---------------------------------------------------------------------------------------------
// Shared tables, destinations and routers (built once, outside the timed loops).

const std::vector<RouteEntry>&
Table(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<std::vector<RouteEntry>>> cache;
    auto& t = cache[n];
    if (!t)
    {
        ns3::InternetTableConfig c;
        c.prefixes = n;
        c.seed = TABLE_SEED;
        t = std::make_unique<std::vector<RouteEntry>>(ns3::GenerateInternetTable(c));
    }
    return *t;
}

const std::vector<uint32_t>&
Destinations(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<std::vector<uint32_t>>> cache;
    auto& d = cache[n];
    if (!d)
    {
        d = std::make_unique<std::vector<uint32_t>>(
            ns3::GenerateDestinations(Table(n), DestinationCount(g_mode), TABLE_SEED + n));
    }
    return *d;
}

const RouteClass&
Engine(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<RouteClass>> cache;
    auto& c = cache[n];
    if (!c)
    {
        c = std::make_unique<RouteClass>();
        for (const RouteEntry& e : Table(n))
        {
            c->Insert(e);
        }
        c->Build();
    }
    return *c;
}

/// The table of size n plus a TOS-0x10 node (another gateway) on one prefix in 1000.
struct TosSetup
{
    RouteClass engine;
    std::vector<uint32_t> tosDestinations; //!< addresses whose longest match has a TOS node
    std::size_t tosNodes{0};
};

const TosSetup&
Tos(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<TosSetup>> cache;
    auto& s = cache[n];
    if (!s)
    {
        s = std::make_unique<TosSetup>();
        const auto& table = Table(n);
        std::vector<RouteEntry> tosRoutes;
        for (std::size_t i = 1; i < table.size(); i += 1000)
        {
            RouteEntry e = table[i];
            e.tos = TOS_LOWDELAY;
            e.info.gateway = TOS_GATEWAY;
            tosRoutes.push_back(e);
        }
        for (const RouteEntry& e : table)
        {
            s->engine.Insert(e);
        }
        for (const RouteEntry& e : tosRoutes)
        {
            s->engine.Insert(e);
        }
        s->engine.Build();
        s->tosNodes = tosRoutes.size();
        // Destinations inside the TOS prefixes whose longest match is the TOS prefix itself
        // (not a more-specific inside it): every lookup takes the slow path.
        const auto candidates =
            ns3::GenerateDestinations(tosRoutes, 4 * DestinationCount(g_mode), TABLE_SEED, 1.0);
        for (uint32_t d : candidates)
        {
            if (s->tosDestinations.size() == DestinationCount(g_mode))
            {
                break;
            }
            const ns3::ClassLookup r = s->engine.Lookup(d, TOS_LOWDELAY);
            if (r.IsMatch() && r.tos == TOS_LOWDELAY)
            {
                s->tosDestinations.push_back(d);
            }
        }
        while (!s->tosDestinations.empty() &&
               (s->tosDestinations.size() & (s->tosDestinations.size() - 1)) != 0)
        {
            s->tosDestinations.pop_back(); // a power of two, for the index mask
        }
    }
    return *s;
}

const NaiveRouteClass&
Naive(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<NaiveRouteClass>> cache;
    auto& c = cache[n];
    if (!c)
    {
        c = std::make_unique<NaiveRouteClass>();
        for (const RouteEntry& e : Table(n))
        {
            c->Insert(e);
        }
    }
    return *c;
}

/// A node with one SimpleNetDevice (10.0.0.1/8, interface 1) and an Ipv4StaticRouting that
/// holds the table, every route through a gateway on that interface.
struct StaticRouter
{
    ns3::Ptr<ns3::Node> node;
    ns3::Ptr<ns3::Ipv4StaticRouting> routing;
};

const StaticRouter&
Static(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<StaticRouter>> cache;
    auto& r = cache[n];
    if (!r)
    {
        r = std::make_unique<StaticRouter>();
        r->node = ns3::CreateObject<ns3::Node>();
        ns3::Ipv4StaticRoutingHelper staticHelper;
        ns3::InternetStackHelper stack;
        stack.SetRoutingHelper(staticHelper);
        stack.SetIpv6StackInstall(false);
        stack.Install(r->node);
        auto device = ns3::CreateObject<ns3::SimpleNetDevice>();
        device->SetAddress(ns3::Mac48Address::Allocate());
        device->SetChannel(ns3::CreateObject<ns3::SimpleChannel>());
        r->node->AddDevice(device);
        auto ipv4 = r->node->GetObject<ns3::Ipv4>();
        const uint32_t ifIndex = ipv4->AddInterface(device);
        ipv4->AddAddress(
            ifIndex,
            ns3::Ipv4InterfaceAddress(ns3::Ipv4Address("10.0.0.1"), ns3::Ipv4Mask("255.0.0.0")));
        ipv4->SetUp(ifIndex);
        r->routing = staticHelper.GetStaticRouting(ipv4);
        for (const RouteEntry& e : Table(n))
        {
            if (e.length == 0)
            {
                r->routing->SetDefaultRoute(ns3::Ipv4Address(e.info.gateway), ifIndex);
            }
            else
            {
                r->routing->AddNetworkRouteTo(ns3::Ipv4Address(e.prefix),
                                              ns3::Ipv4Mask(~0U << (32 - e.length)),
                                              ns3::Ipv4Address(e.info.gateway),
                                              ifIndex);
            }
        }
    }
    return *r;
}

// ---------------------------------------------------------------------------------------------
// What-if structures: LpmIndex variants and a copy of the engine's group array, built by the
// bench from the same table, to attribute the engine's lookup time (see the summary).

/// The table's prefixes in (prefix, length) order: the order of the engine's groups.
std::vector<RouteEntry>
SortedTable(std::size_t n)
{
    std::vector<RouteEntry> t = Table(n);
    std::sort(t.begin(), t.end(), [](const RouteEntry& a, const RouteEntry& b) {
        return a.prefix != b.prefix ? a.prefix < b.prefix : a.length < b.length;
    });
    return t;
}

/// The partition of the address space into longest-match ranges (as RouteClass::Build makes
/// it), the i-th prefix of \p sorted having the value value(i).
template <typename F>
std::vector<ns3::LpmIndex::Range>
Ranges(const std::vector<RouteEntry>& sorted, F&& value)
{
    std::vector<ns3::LpmIndex::Range> ranges;
    ranges.push_back({0, ns3::LpmIndex::NONE});
    auto emit = [&ranges](uint64_t start, uint32_t v) {
        if (ranges.back().start == start)
        {
            ranges.back().value = v;
            if (ranges.size() >= 2 && ranges[ranges.size() - 2].value == v)
            {
                ranges.pop_back();
            }
        }
        else if (ranges.back().value != v)
        {
            ranges.push_back({start, v});
        }
    };
    std::vector<std::pair<uint64_t, uint32_t>> stack; // (last address, value)
    auto close = [&]() {
        const uint64_t end = stack.back().first + 1;
        stack.pop_back();
        if (end < (1ULL << 32))
        {
            emit(end, stack.empty() ? ns3::LpmIndex::NONE : stack.back().second);
        }
    };
    for (std::size_t i = 0; i < sorted.size(); ++i)
    {
        const RouteEntry& e = sorted[i];
        while (!stack.empty() && stack.back().first < e.prefix)
        {
            close();
        }
        const uint32_t v = value(i);
        emit(e.prefix, v);
        stack.emplace_back(static_cast<uint64_t>(e.prefix) + (1ULL << (32 - e.length)) - 1, v);
    }
    while (!stack.empty())
    {
        close();
    }
    return ranges;
}

/// A 16-byte group as the engine stores one (RouteClass::Group).
struct GroupCopy
{
    uint32_t prefix;
    uint8_t length;
    uint8_t tos;
    uint16_t count;
    uint32_t metric;
    uint32_t payload;
};

/// The what-if structures for one table.
struct WhatIf
{
    std::map<int, ns3::LpmIndex> byGroup; //!< value = group id, by direct bits
    ns3::LpmIndex byNextHop;              //!< value = next hop index
    ns3::LpmIndex byLengthHop;            //!< value = length << 24 | next hop index
    std::vector<GroupCopy> groups;        //!< the group array
    std::vector<ns3::RouteInfo> infos;    //!< next hops
};

const WhatIf&
WhatIfs(std::size_t n)
{
    static std::map<std::size_t, std::unique_ptr<WhatIf>> cache;
    auto& w = cache[n];
    if (!w)
    {
        w = std::make_unique<WhatIf>();
        const auto sorted = SortedTable(n);
        const auto byGroup = Ranges(sorted, [](std::size_t i) { return static_cast<uint32_t>(i); });
        for (int bits : {16, 18, 20, 22})
        {
            w->byGroup[bits].Build(byGroup, bits);
        }
        std::map<uint32_t, uint32_t> hop;
        std::vector<uint32_t> hopOf;
        for (const RouteEntry& e : sorted)
        {
            const auto it =
                hop.emplace(e.info.gateway, static_cast<uint32_t>(w->infos.size())).first;
            if (it->second == w->infos.size())
            {
                w->infos.push_back(e.info);
            }
            hopOf.push_back(it->second);
            w->groups.push_back({e.prefix, e.length, 0, 1, 0, it->second});
        }
        w->byNextHop.Build(Ranges(sorted, [&hopOf](std::size_t i) { return hopOf[i]; }));
        w->byLengthHop.Build(Ranges(sorted, [&](std::size_t i) {
            return (static_cast<uint32_t>(sorted[i].length) << 24) | hopOf[i];
        }));
    }
    return *w;
}

// ---------------------------------------------------------------------------------------------
// The lookup functions: each returns the chosen gateway (0 if none), so results can be
// compared and summed.

uint32_t
EngineGateway(const RouteClass& c,
              uint32_t dst,
              uint8_t tos = 0,
              LookupAlgorithm alg = LookupAlgorithm::LINUX)
{
    const ns3::ClassLookup r = c.Lookup(dst, tos, alg);
    return r.info ? r.info->gateway : 0;
}

uint32_t
NaiveGateway(const NaiveRouteClass& c, uint32_t dst)
{
    const NaiveRouteClass::Result r = c.Lookup(dst, 0, LookupAlgorithm::LINUX);
    return r.status == ns3::ClassLookup::MATCH ? r.entry.info.gateway : 0;
}

uint32_t
StaticGateway(const StaticRouter& r, ns3::Ipv4Header& header, uint32_t dst)
{
    header.SetDestination(ns3::Ipv4Address(dst));
    ns3::Socket::SocketErrno error;
    ns3::Ptr<ns3::Ipv4Route> route = r.routing->RouteOutput(nullptr, header, nullptr, error);
    return route ? route->GetGateway().Get() : 0;
}

/**
 * The timed loop: each iteration looks up \p batch destinations (cycling through \p dsts,
 * whose size is a power of two) and records the mean ns per lookup of the batch under \p key.
 */
template <typename F>
void
TimeLookups(benchmark::State& state,
            const std::string& key,
            const std::vector<uint32_t>& dsts,
            std::size_t batch,
            F&& lookup)
{
    static std::map<std::string, std::size_t> cursors; // go on where the last run stopped
    std::size_t& i = cursors[key];
    const std::size_t mask = dsts.size() - 1;
    std::vector<double> run;
    uint64_t sum = 0;
    for (auto _ : state)
    {
        const double t0 = ThreadCpuNs();
        for (std::size_t k = 0; k < batch; ++k)
        {
            sum += lookup(dsts[i++ & mask]);
        }
        const double t1 = ThreadCpuNs();
        benchmark::DoNotOptimize(sum);
        run.push_back((t1 - t0) / static_cast<double>(batch));
    }
    auto& all = Store().samples[key];
    all.insert(all.end(), run.begin(), run.end());
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
    state.counters["batch"] = static_cast<double>(batch);
    state.counters["ns/lookup(median)"] = Median(run);
}

/// Compare the engine with another implementation on \p count destinations (skipping 10/8 and
/// 127/8, which Ipv4StaticRouting routes on-link through the interface address and the
/// loopback). \return "" if they agree, else a description of the first difference.
template <typename F>
std::string
Agree(std::size_t n, std::size_t count, F&& other, std::size_t* checked)
{
    const RouteClass& engine = Engine(n);
    const auto& dsts = Destinations(n);
    *checked = 0;
    for (std::size_t i = 0; i < dsts.size() && *checked < count; ++i)
    {
        if ((dsts[i] >> 24) == 10 || (dsts[i] >> 24) == 127)
        {
            continue;
        }
        ++*checked;
        const uint32_t a = EngineGateway(engine, dsts[i]);
        const uint32_t b = other(dsts[i]);
        if (a != b)
        {
            std::ostringstream os;
            os << "destination " << ns3::Ipv4Address(dsts[i]) << ": engine gateway "
               << ns3::Ipv4Address(a) << ", other " << ns3::Ipv4Address(b);
            return os.str();
        }
    }
    return "";
}

/// Check once per (name, n) that \p other agrees with the engine; skip the benchmark if not.
template <typename F>
bool
VerifyOnce(benchmark::State& state, const std::string& key, std::size_t n, F&& other)
{
    auto& notes = Store().notes;
    if (notes.count(key) == 0)
    {
        // About 2^24 route visits for the O(n) implementations.
        const std::size_t count =
            std::max<std::size_t>(32, std::min<std::size_t>(4096, (1U << 24) / n));
        std::size_t checked = 0;
        const std::string diff = Agree(n, count, other, &checked);
        notes[key] = diff.empty()
                         ? "agrees with the engine on " + std::to_string(checked) + " destinations"
                         : "DIFFERS from the engine: " + diff;
    }
    if (notes[key].rfind("DIFFERS", 0) == 0)
    {
        state.SkipWithError(notes[key].c_str());
        return false;
    }
    return true;
}

/// Batch size for the O(n) implementations: about 2^14 route visits per batch.
std::size_t
LinearBatch(std::size_t n)
{
    return std::max<std::size_t>(1, std::min<std::size_t>(4096, (1U << 14) / n));
}

constexpr std::size_t ENGINE_BATCH = 4096;

// ---------------------------------------------------------------------------------------------
// Memory: process RSS.

std::size_t
ResidentBytes()
{
    std::ifstream f("/proc/self/statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    f >> size >> resident;
    return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

/// \return VmHWM (peak RSS) in bytes, or 0
std::size_t
PeakResidentBytes()
{
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
    {
        if (line.rfind("VmHWM:", 0) == 0)
        {
            return std::stoull(line.substr(6)) * 1024;
        }
    }
    return 0;
}

/// Reset VmHWM to the current RSS (Linux >= 4.0). \return true if it worked
bool
ResetPeakResident()
{
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    f.flush();
    return static_cast<bool>(f);
}

// ---------------------------------------------------------------------------------------------
// The benchmarks.

void
BM_EngineLookup(benchmark::State& state, std::size_t n)
{
    const RouteClass& c = Engine(n);
    TimeLookups(state, "engine/" + SizeName(n), Destinations(n), ENGINE_BATCH, [&c](uint32_t d) {
        return EngineGateway(c, d);
    });
    state.counters["prefixes"] = static_cast<double>(c.GetPrefixCount());
}

/// Each lookup's destination depends on the previous result: latency, not throughput.
void
BM_EngineLatency(benchmark::State& state, std::size_t n)
{
    const RouteClass& c = Engine(n);
    const auto& dsts = Destinations(n);
    const std::size_t mask = dsts.size() - 1;
    std::size_t i = 0;
    uint32_t previous = 0;
    TimeLookups(state, "engine-latency/" + SizeName(n), dsts, ENGINE_BATCH, [&](uint32_t) {
        // gateways are 10.x: the top bit is 0, but the compiler cannot know it
        i = (i + 1 + (previous >> 31)) & mask;
        previous = EngineGateway(c, dsts[i]);
        return previous;
    });
}

/// The engine's own index alone (RouteClass::GetIndex().Lookup): address to group id.
void
BM_EngineIndexOnly(benchmark::State& state, std::size_t n)
{
    const ns3::LpmIndex& index = Engine(n).GetIndex();
    TimeLookups(state,
                "index-only/" + SizeName(n),
                Destinations(n),
                ENGINE_BATCH,
                [&index](uint32_t d) { return index.Lookup(d); });
}

/// What-if: an LpmIndex of group ids with \p bits direct bits, alone; with \p groups, followed
/// by the reads the engine's fast path makes (the 16-byte group, then the next hop).
void
BM_WhatIfGroupIndex(benchmark::State& state, std::size_t n, int bits, bool groups)
{
    const WhatIf& w = WhatIfs(n);
    const ns3::LpmIndex& index = w.byGroup.at(bits);
    const std::string key =
        std::string(groups ? "what-if/index+group+info/direct-" : "what-if/index/direct-") +
        std::to_string(bits) + "/" + SizeName(n);
    if (groups)
    {
        TimeLookups(state, key, Destinations(n), ENGINE_BATCH, [&w, &index](uint32_t d) {
            const uint32_t gid = index.Lookup(d);
            return gid == ns3::LpmIndex::NONE ? 0U : w.infos[w.groups[gid].payload].gateway;
        });
    }
    else
    {
        TimeLookups(state, key, Destinations(n), ENGINE_BATCH, [&index](uint32_t d) {
            return index.Lookup(d);
        });
    }
    state.counters["index_bytes/prefix"] =
        static_cast<double>(index.MemoryBytes()) / static_cast<double>(n);
    state.counters["nodes"] = static_cast<double>(index.GetNodeCount());
    state.counters["leaves"] = static_cast<double>(index.GetLeafCount());
    Store().values["what-if-bytes/" + key] = static_cast<double>(index.MemoryBytes());
}

/// What-if: an LpmIndex whose leaves are next hops (as in Poptrie), then the next hop's info.
void
BM_WhatIfNextHopIndex(benchmark::State& state, std::size_t n)
{
    const WhatIf& w = WhatIfs(n);
    const std::string key = "what-if/nexthop-index+info/direct-18/" + SizeName(n);
    TimeLookups(state, key, Destinations(n), ENGINE_BATCH, [&w](uint32_t d) {
        const uint32_t hop = w.byNextHop.Lookup(d);
        return hop == ns3::LpmIndex::NONE ? 0U : w.infos[hop].gateway;
    });
    state.counters["index_bytes/prefix"] =
        static_cast<double>(w.byNextHop.MemoryBytes()) / static_cast<double>(n);
    state.counters["nodes"] = static_cast<double>(w.byNextHop.GetNodeCount());
    state.counters["leaves"] = static_cast<double>(w.byNextHop.GetLeafCount());
    Store().values["what-if-bytes/" + key] = static_cast<double>(w.byNextHop.MemoryBytes());
}

/// What-if: the engine's fast path without the group read. For a prefix with a single TOS-0
/// node the leaf holds its length and an interned (information, metric) index: the whole
/// ClassLookup follows (prefix = dst & mask(length), TOS 0) from the leaf and a small, cached
/// table. (Prefixes with several nodes or TOS nodes would keep group-id leaves, flagged; the
/// generated table has none.)
void
BM_WhatIfLeafEntry(benchmark::State& state, std::size_t n)
{
    const WhatIf& w = WhatIfs(n);
    const std::string key = "what-if/leaf-entry/direct-18/" + SizeName(n);
    TimeLookups(state, key, Destinations(n), ENGINE_BATCH, [&w](uint32_t d) {
        const uint32_t v = w.byLengthHop.Lookup(d);
        ns3::ClassLookup r;
        if (v != ns3::LpmIndex::NONE)
        {
            const unsigned length = v >> 24;
            r.status = ns3::ClassLookup::MATCH;
            r.length = static_cast<uint8_t>(length);
            r.prefix = length ? d & (~0U << (32 - length)) : 0;
            r.info = &w.infos[v & 0xffffff];
        }
        benchmark::DoNotOptimize(r);
        return r.info ? r.info->gateway : 0U;
    });
    state.counters["index_bytes/prefix"] =
        static_cast<double>(w.byLengthHop.MemoryBytes()) / static_cast<double>(n);
    state.counters["nodes"] = static_cast<double>(w.byLengthHop.GetNodeCount());
    state.counters["leaves"] = static_cast<double>(w.byLengthHop.GetLeafCount());
    Store().values["what-if-bytes/" + key] = static_cast<double>(w.byLengthHop.MemoryBytes());
}

/// Baseline of the TOS slow path: the same destinations, TOS 0, in the table without TOS
/// nodes (fast path).
void
BM_TosRoutesBaseline(benchmark::State& state, std::size_t n)
{
    const TosSetup& s = Tos(n);
    const RouteClass& c = Engine(n);
    if (s.tosDestinations.empty())
    {
        state.SkipWithError("no destination inside a TOS route");
        return;
    }
    TimeLookups(state,
                "tos-routes-baseline/" + SizeName(n),
                s.tosDestinations,
                ENGINE_BATCH,
                [&c](uint32_t d) { return EngineGateway(c, d); });
}

void
BM_EngineAlgorithm(benchmark::State& state, std::size_t n, LookupAlgorithm alg)
{
    const RouteClass& c = Engine(n);
    TimeLookups(state,
                std::string("algorithm/") + ns3::LookupAlgorithmName(alg) + "/" + SizeName(n),
                Destinations(n),
                ENGINE_BATCH,
                [&c, alg](uint32_t d) { return EngineGateway(c, d, 0, alg); });
}

/// TOS-marked packets to ordinary destinations, in a table with a few TOS routes.
void
BM_TosTraffic(benchmark::State& state, std::size_t n, LookupAlgorithm alg)
{
    const TosSetup& s = Tos(n);
    TimeLookups(state,
                std::string("tos-traffic/") + ns3::LookupAlgorithmName(alg) + "/" + SizeName(n),
                Destinations(n),
                ENGINE_BATCH,
                [&s, alg](uint32_t d) { return EngineGateway(s.engine, d, TOS_LOWDELAY, alg); });
    state.counters["tos-nodes"] = static_cast<double>(s.tosNodes);
}

/// Packets (TOS \p tos) to destinations whose longest match carries a TOS node: the slow path.
void
BM_TosRoutes(benchmark::State& state, std::size_t n, LookupAlgorithm alg, uint8_t tos)
{
    const TosSetup& s = Tos(n);
    if (s.tosDestinations.empty())
    {
        state.SkipWithError("no destination inside a TOS route");
        return;
    }
    TimeLookups(state,
                std::string("tos-routes/") + ns3::LookupAlgorithmName(alg) +
                    (tos ? "/tos-0x10/" : "/tos-0/") + SizeName(n),
                s.tosDestinations,
                ENGINE_BATCH,
                [&s, alg, tos](uint32_t d) { return EngineGateway(s.engine, d, tos, alg); });
    state.counters["tos-nodes"] = static_cast<double>(s.tosNodes);
}

void
BM_NaiveLookup(benchmark::State& state, std::size_t n)
{
    const NaiveRouteClass& c = Naive(n);
    if (!VerifyOnce(state, "naive/" + SizeName(n), n, [&c](uint32_t d) {
            return NaiveGateway(c, d);
        }))
    {
        return;
    }
    TimeLookups(state, "naive/" + SizeName(n), Destinations(n), LinearBatch(n), [&c](uint32_t d) {
        return NaiveGateway(c, d);
    });
}

void
BM_StaticLookup(benchmark::State& state, std::size_t n)
{
    const StaticRouter& r = Static(n);
    ns3::Ipv4Header header;
    header.SetSource(ns3::Ipv4Address("10.0.0.1"));
    if (!VerifyOnce(state, "ipv4-static/" + SizeName(n), n, [&r, &header](uint32_t d) {
            return StaticGateway(r, header, d);
        }))
    {
        return;
    }
    TimeLookups(state,
                "ipv4-static/" + SizeName(n),
                Destinations(n),
                LinearBatch(n),
                [&r, &header](uint32_t d) { return StaticGateway(r, header, d); });
}

/// Insert every route of the table into an empty class, then Build(): the time to load a
/// full table. Manual time (thread CPU time): the destruction of the class is not counted.
void
BM_EngineBuild(benchmark::State& state, std::size_t n)
{
    const auto& table = Table(n);
    std::vector<double> insertMs;
    std::vector<double> buildMs;
    for (auto _ : state)
    {
        RouteClass c;
        const double t0 = ThreadCpuNs();
        for (const RouteEntry& e : table)
        {
            c.Insert(e);
        }
        const double t1 = ThreadCpuNs();
        c.Build();
        const double t2 = ThreadCpuNs();
        insertMs.push_back((t1 - t0) / 1e6);
        buildMs.push_back((t2 - t1) / 1e6);
        state.SetIterationTime((t2 - t0) / 1e9);
    }
    std::vector<double> total;
    for (std::size_t k = 0; k < insertMs.size(); ++k)
    {
        total.push_back(insertMs[k] + buildMs[k]);
    }
    auto& v = Store().values;
    v["build-ms/" + SizeName(n)] = Median(total);
    v["build-insert-ms/" + SizeName(n)] = Median(insertMs);
    v["build-index-ms/" + SizeName(n)] = Median(buildMs);
    state.counters["insert_ms(median)"] = Median(insertMs);
    state.counters["build_ms(median)"] = Median(buildMs);
}

/// Memory of a class holding the table, by MemoryBytes() and by the growth of the process RSS
/// (malloc_trim before both readings, so freed heap pages are not reused unseen).
void
BM_EngineMemory(benchmark::State& state, std::size_t n)
{
    const auto& table = Table(n);
    for (auto _ : state)
    {
        malloc_trim(0);
        const std::size_t before = ResidentBytes();
        const bool peakOk = ResetPeakResident();
        const std::size_t peakBefore = PeakResidentBytes();
        auto c = std::make_unique<RouteClass>();
        for (const RouteEntry& e : table)
        {
            c->Insert(e);
        }
        c->Build();
        malloc_trim(0);
        const std::size_t after = ResidentBytes();
        const std::size_t peak = PeakResidentBytes();
        const double prefixes = static_cast<double>(c->GetPrefixCount());
        const ns3::LpmIndex& index = c->GetIndex();
        auto& v = Store().values;
        const std::string s = SizeName(n);
        v["mem-bytes/" + s] = static_cast<double>(c->MemoryBytes());
        v["mem-prefixes/" + s] = prefixes;
        v["mem-rss/" + s] = static_cast<double>(after) - static_cast<double>(before);
        v["mem-peak/" + s] =
            peakOk && peakBefore > 0 ? static_cast<double>(peak) - static_cast<double>(before) : -1;
        v["mem-index/" + s] = static_cast<double>(index.MemoryBytes());
        v["mem-direct-bits/" + s] = index.GetDirectBits();
        v["mem-index-nodes/" + s] = static_cast<double>(index.GetNodeCount());
        v["mem-index-leaves/" + s] = static_cast<double>(index.GetLeafCount());
        state.counters["MemoryBytes/prefix"] = static_cast<double>(c->MemoryBytes()) / prefixes;
        state.counters["RSS/prefix"] = v["mem-rss/" + s] / prefixes;
        state.counters["index_bytes/prefix"] = v["mem-index/" + s] / prefixes;
        state.PauseTiming();
        c.reset();
        state.ResumeTiming();
    }
}

/// The table generator itself: describes the tables the other benchmarks use.
void
BM_Generate(benchmark::State& state, std::size_t n)
{
    for (auto _ : state)
    {
        ns3::InternetTableConfig c;
        c.prefixes = n;
        c.seed = TABLE_SEED;
        benchmark::DoNotOptimize(ns3::GenerateInternetTable(c));
    }
    const ns3::InternetTableStats s = ns3::DescribeInternetTable(Table(n));
    state.counters["covered%"] =
        100.0 * static_cast<double>(s.covered) / static_cast<double>(s.routes);
    state.counters["routed%"] = 100.0 * static_cast<double>(s.routedAddresses) / 4294967296.0;
    state.counters["gateways"] = static_cast<double>(s.gateways);
    state.counters["/24%"] =
        100.0 * static_cast<double>(s.byLength[24]) / static_cast<double>(s.routes);
    state.counters["/8s"] = static_cast<double>(s.usedSlash8s);
}

// ---------------------------------------------------------------------------------------------
// Summary.

std::vector<std::size_t> g_engineSizes;
std::vector<std::size_t> g_naiveSizes;
std::vector<std::size_t> g_staticSizes;
std::size_t g_big = 0;

std::string
Ns(double ns)
{
    if (ns < 0)
    {
        return "-";
    }
    char buf[32];
    if (ns >= 1e6)
    {
        std::snprintf(buf, sizeof(buf), "%.2f ms", ns / 1e6);
    }
    else if (ns >= 1e3)
    {
        std::snprintf(buf, sizeof(buf), "%.2f us", ns / 1e3);
    }
    else
    {
        std::snprintf(buf, sizeof(buf), "%.2f ns", ns);
    }
    return buf;
}

std::string
Ratio(double slow, double fast)
{
    if (slow < 0 || fast <= 0)
    {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.0fx", slow / fast);
    return buf;
}

void
PrintSummary()
{
    auto& s = Store();
    auto value = [&s](const std::string& k) {
        auto it = s.values.find(k);
        return it == s.values.end() ? -1.0 : it->second;
    };
    std::printf("\n=== class engine: median ns per lookup (median over batches of the mean per "
                "lookup; %zu destinations per table) ===\n",
                DestinationCount(g_mode));
    std::printf("%-10s %12s %12s %14s %14s %16s\n",
                "prefixes",
                "engine",
                "naive",
                "Ipv4Static",
                "naive/engine",
                "Ipv4Static/engine");
    for (std::size_t n : g_engineSizes)
    {
        const std::string k = SizeName(n);
        const double e = MedianOf("engine/" + k);
        const double nv = MedianOf("naive/" + k);
        const double st = MedianOf("ipv4-static/" + k);
        std::printf("%-10s %12s %12s %14s %14s %16s\n",
                    k.c_str(),
                    Ns(e).c_str(),
                    Ns(nv).c_str(),
                    Ns(st).c_str(),
                    Ratio(nv, e).c_str(),
                    Ratio(st, e).c_str());
    }
    for (const auto& [k, note] : s.notes)
    {
        std::printf("  check %-18s %s\n", k.c_str(), note.c_str());
    }

    const std::string big = SizeName(g_big);
    std::printf("\n=== %s prefixes ===\n", big.c_str());
    std::printf("  dependent lookups (latency)  %s\n",
                Ns(MedianOf("engine-latency/" + big)).c_str());
    for (auto alg : {LookupAlgorithm::LINUX,
                     LookupAlgorithm::RFC1812,
                     LookupAlgorithm::RFC1812_VARIANT,
                     LookupAlgorithm::RFC1812_CLASSIC})
    {
        const std::string a = ns3::LookupAlgorithmName(alg);
        std::printf("  %-16s TOS 0: %-10s TOS-0x10 traffic: %-10s TOS-route slow path: %s\n",
                    a.c_str(),
                    Ns(MedianOf("algorithm/" + a + "/" + big)).c_str(),
                    Ns(MedianOf("tos-traffic/" + a + "/" + big)).c_str(),
                    Ns(MedianOf("tos-routes/" + a + "/tos-0x10/" + big)).c_str());
    }
    std::printf("  TOS-route prefixes, TOS-0 packets (linux): %s\n",
                Ns(MedianOf("tos-routes/linux/tos-0/" + big)).c_str());
    const double prefixes = value("mem-prefixes/" + big);
    const double bytes = value("mem-bytes/" + big);
    const double rss = value("mem-rss/" + big);
    const double peak = value("mem-peak/" + big);
    std::printf("  build (Insert all + Build): %.1f ms (insert %.1f ms, Build %.1f ms)\n",
                value("build-ms/" + big),
                value("build-insert-ms/" + big),
                value("build-index-ms/" + big));
    if (prefixes > 0)
    {
        std::printf("  memory: MemoryBytes %.1f B/prefix (index %.1f B/prefix: %0.f direct bits, "
                    "%.0f nodes, %.0f leaves); RSS growth %.1f B/prefix; peak RSS growth during "
                    "the build %.1f B/prefix\n",
                    bytes / prefixes,
                    value("mem-index/" + big) / prefixes,
                    value("mem-direct-bits/" + big),
                    value("mem-index-nodes/" + big),
                    value("mem-index-leaves/" + big),
                    rss / prefixes,
                    peak < 0 ? -1.0 : peak / prefixes);
    }

    std::printf("  TOS-route prefixes, same destinations in the table without TOS nodes "
                "(fast-path baseline): %s\n",
                Ns(MedianOf("tos-routes-baseline/" + big)).c_str());

    std::printf("\n=== where the time goes at %s (independent lookups) ===\n", big.c_str());
    std::printf("  full engine lookup (RouteClass::Lookup, linux, TOS 0)   %s\n",
                Ns(MedianOf("engine/" + big)).c_str());
    std::printf("  the engine's index alone (GetIndex().Lookup)            %s   (at %s: %s)\n",
                Ns(MedianOf("index-only/" + big)).c_str(),
                SizeName(g_mode.smoke ? 100 : 10000).c_str(),
                Ns(MedianOf("index-only/" + SizeName(g_mode.smoke ? 100 : 10000))).c_str());
    std::printf("  what-if: same index + 16-byte group + next hop, inline  %s\n",
                Ns(MedianOf("what-if/index+group+info/direct-18/" + big)).c_str());
    for (int bits : {16, 18, 20, 22})
    {
        const std::string k = "what-if/index/direct-" + std::to_string(bits) + "/" + big;
        std::printf(
            "  what-if: group-id index alone, %d direct bits           %s   (%.1f B/prefix)\n",
            bits,
            Ns(MedianOf(k)).c_str(),
            value("what-if-bytes/" + k) / static_cast<double>(g_big));
    }
    {
        const std::string k = "what-if/nexthop-index+info/direct-18/" + big;
        std::printf(
            "  what-if: next-hop leaves (Poptrie FIB) + next hop       %s   (%.1f B/prefix)\n",
            Ns(MedianOf(k)).c_str(),
            value("what-if-bytes/" + k) / static_cast<double>(g_big));
    }
    {
        const std::string k = "what-if/leaf-entry/direct-18/" + big;
        std::printf("  what-if: leaves = (length, info) for 1-node prefixes,\n"
                    "           full ClassLookup without the group read        %s   (%.1f "
                    "B/prefix)\n",
                    Ns(MedianOf(k)).c_str(),
                    value("what-if-bytes/" + k) / static_cast<double>(g_big));
    }

    double load[3] = {-1, -1, -1};
    if (getloadavg(load, 3) == 3)
    {
        std::printf("\n(load average at the end of the run: %.2f %.2f %.2f on %ld CPUs; other "
                    "processes make the memory-bound numbers noisier)\n",
                    load[0],
                    load[1],
                    load[2],
                    sysconf(_SC_NPROCESSORS_ONLN));
    }
    if (g_mode.smoke)
    {
        std::printf("\n(smoke run: tiny sizes, targets not checked)\n");
        return;
    }
    std::printf("\n=== targets (issue 2 §3) ===\n");
    auto verdict = [](bool measured, bool ok) { return !measured ? "n/a " : ok ? "PASS" : "MISS"; };
    const double e1m = MedianOf("engine/1M");
    const double e100k = MedianOf("engine/100k");
    const double st100k = MedianOf("ipv4-static/100k");
    std::printf("  [%s] median class lookup at 1M prefixes <= 25 ns: %s\n",
                verdict(e1m > 0, e1m <= 25),
                Ns(e1m).c_str());
    std::printf("  [%s] >= 10000x faster than Ipv4StaticRouting at 100k routes: %s\n",
                verdict(e100k > 0 && st100k > 0, st100k / e100k >= 10000),
                Ratio(st100k, e100k).c_str());
    std::printf("  [%s] <= 48 bytes per prefix at 1M (MemoryBytes): %.1f (RSS growth: %.1f)\n",
                verdict(prefixes > 0, bytes / prefixes <= 48),
                bytes / prefixes,
                rss / prefixes);
}

// ---------------------------------------------------------------------------------------------
// Registration.

bench::BenchRegistrar g_class("class", [](const bench::Mode& m) {
    g_mode = m;
    if (m.smoke)
    {
        g_engineSizes = {10, 100, 1000};
        g_naiveSizes = {10, 100};
        g_staticSizes = {10, 100};
        g_big = 1000;
    }
    else
    {
        g_engineSizes = {10, 1000, 10000, 100000, 1000000};
        // The naive reference's Insert is O(n) (two scans of the whole vector): loading 1M
        // routes would take ~10^12 steps. Its lookups are measured up to 100k.
        g_naiveSizes = {10, 1000, 10000, 100000};
        g_staticSizes = {10, 1000, 10000, 100000};
        g_big = 1000000;
    }
    const std::string big = SizeName(g_big);
    auto reg = [](const std::string& name, auto fn) {
        return benchmark::RegisterBenchmark(name.c_str(), fn);
    };

    reg("table/generate/" + big, [](benchmark::State& s) { BM_Generate(s, g_big); })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
    reg("class/memory/" + big, [](benchmark::State& s) { BM_EngineMemory(s, g_big); })
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
    auto* build = reg("class/build/" + big, [](benchmark::State& s) { BM_EngineBuild(s, g_big); })
                      ->Unit(benchmark::kMillisecond)
                      ->UseManualTime();
    if (!m.smoke)
    {
        build->Iterations(5);
    }
    for (std::size_t n : g_engineSizes)
    {
        reg("class/lookup/" + SizeName(n), [n](benchmark::State& s) { BM_EngineLookup(s, n); });
    }
    const std::size_t small = m.smoke ? 100 : 10000;
    reg("class/index-only/" + SizeName(small),
        [small](benchmark::State& s) { BM_EngineIndexOnly(s, small); });
    reg("class/index-only/" + big, [](benchmark::State& s) { BM_EngineIndexOnly(s, g_big); });
    for (int bits : {16, 18, 20, 22})
    {
        reg("what-if/index/direct-" + std::to_string(bits) + "/" + big,
            [bits](benchmark::State& s) { BM_WhatIfGroupIndex(s, g_big, bits, false); });
    }
    reg("what-if/index+group+info/direct-18/" + big,
        [](benchmark::State& s) { BM_WhatIfGroupIndex(s, g_big, 18, true); });
    reg("what-if/nexthop-index+info/direct-18/" + big,
        [](benchmark::State& s) { BM_WhatIfNextHopIndex(s, g_big); });
    reg("what-if/leaf-entry/direct-18/" + big,
        [](benchmark::State& s) { BM_WhatIfLeafEntry(s, g_big); });
    reg("class/lookup-dependent/" + big, [](benchmark::State& s) { BM_EngineLatency(s, g_big); });
    for (auto alg : {LookupAlgorithm::LINUX,
                     LookupAlgorithm::RFC1812,
                     LookupAlgorithm::RFC1812_VARIANT,
                     LookupAlgorithm::RFC1812_CLASSIC})
    {
        const std::string a = ns3::LookupAlgorithmName(alg);
        reg("class/algorithm/" + a + "/" + big,
            [alg](benchmark::State& s) { BM_EngineAlgorithm(s, g_big, alg); });
    }
    for (auto alg : {LookupAlgorithm::LINUX,
                     LookupAlgorithm::RFC1812,
                     LookupAlgorithm::RFC1812_VARIANT,
                     LookupAlgorithm::RFC1812_CLASSIC})
    {
        const std::string a = ns3::LookupAlgorithmName(alg);
        reg("class/tos-traffic/" + a + "/" + big,
            [alg](benchmark::State& s) { BM_TosTraffic(s, g_big, alg); });
        reg("class/tos-routes/" + a + "/tos-0x10/" + big,
            [alg](benchmark::State& s) { BM_TosRoutes(s, g_big, alg, TOS_LOWDELAY); });
    }
    reg("class/tos-routes/linux/tos-0/" + big,
        [](benchmark::State& s) { BM_TosRoutes(s, g_big, LookupAlgorithm::LINUX, 0); });
    reg("class/tos-routes-baseline/" + big,
        [](benchmark::State& s) { BM_TosRoutesBaseline(s, g_big); });
    for (std::size_t n : g_naiveSizes)
    {
        reg("naive/lookup/" + SizeName(n), [n](benchmark::State& s) { BM_NaiveLookup(s, n); });
    }
    for (std::size_t n : g_staticSizes)
    {
        reg("ipv4-static/lookup/" + SizeName(n),
            [n](benchmark::State& s) { BM_StaticLookup(s, n); });
    }
    bench::AddSummary(PrintSummary);
});

} // namespace
