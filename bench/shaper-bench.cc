/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperNetDevice against TbfQueueDisc, the same traffic at the same rate, in the same run:
 * N packets of 1500 bytes offered at once through the traffic-control layer of a node whose
 * SimpleNetDevice (infinite rate) leads over a SimpleChannel to a receiver.
 *   shaper: TC (no queue disc) -> ShaperNetDevice (exact mode, TxQueue N) -> SimpleNetDevice
 *   tbf:    TC -> TbfQueueDisc (Burst one packet, MaxSize N) -> SimpleNetDevice
 * Both release one packet per 1500 x 8 / rate. Each iteration runs both, alternating which
 * goes first; only Simulator::Run() is timed. Reported: wall time per packet (median over
 * iterations), its ratio shaper / tbf, simulator events per packet for both, and the
 * shaper's own scheduled events per packet (target: at most 1).
 * A third variant, shaper-direct, sends straight into the shaper (no TC) to show its own
 * cost; and shaper-burst / tbf-burst compare a 64 KB bucket.
 */

#include "bench-common.h"

#include "ns3/data-rate.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/mac48-address.h"
#include "ns3/net-device-container.h"
#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-size.h"
#include "ns3/shaper-helper.h"
#include "ns3/shaper-net-device.h"
#include "ns3/simple-net-device-helper.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace
{

using namespace ns3;

/// What one simulated run measured.
struct RunResult
{
    double nsPerPacket{0};           //!< wall time of Simulator::Run() per packet
    double eventsPerPacket{0};       //!< simulator events per packet
    double shaperEventsPerPacket{0}; //!< events the shaper scheduled per packet
    uint64_t received{0};            //!< packets received at the far end
};

enum class Kind
{
    SHAPER,        //!< TC -> shaper
    SHAPER_DIRECT, //!< shaper->Send directly
    TBF            //!< TC -> TbfQueueDisc
};

/// Counts packets at the receiver.
struct Counter
{
    uint64_t n{0}; //!< packets

    /// Node::ProtocolHandler.
    void Receive(Ptr<NetDevice>,
                 Ptr<const Packet>,
                 uint16_t,
                 const Address&,
                 const Address&,
                 NetDevice::PacketType)
    {
        n++;
    }
};

/// Build, run (timed) and tear down one scenario.
RunResult
RunOnce(Kind kind, uint64_t rateBps, uint32_t packets, uint32_t burst)
{
    const uint32_t size = 1500;
    NodeContainer nodes(2);
    Ptr<TrafficControlLayer> tc = CreateObject<TrafficControlLayer>();
    nodes.Get(0)->AggregateObject(tc);
    SimpleNetDeviceHelper sndh;
    NetDeviceContainer devs = sndh.Install(nodes);
    Counter counter;
    nodes.Get(1)->RegisterProtocolHandler(MakeCallback(&Counter::Receive, &counter),
                                          0,
                                          devs.Get(1));
    Ptr<ShaperNetDevice> shaper;
    Ptr<NetDevice> target = devs.Get(0);
    std::string maxSize = std::to_string(packets) + "p";
    if (kind == Kind::TBF)
    {
        TrafficControlHelper tch;
        tch.SetRootQueueDisc("ns3::TbfQueueDisc",
                             "Rate",
                             DataRateValue(DataRate(rateBps)),
                             "Burst",
                             UintegerValue(burst ? burst : size),
                             "MaxSize",
                             QueueSizeValue(QueueSize(maxSize)));
        tch.Install(devs.Get(0));
    }
    else
    {
        ShaperHelper helper;
        helper.SetQueueAttribute("MaxSize", QueueSizeValue(QueueSize(maxSize)));
        helper.SetDeviceAttribute("Burst", UintegerValue(burst));
        shaper = helper.Install(devs.Get(0), DataRate(rateBps));
        target = shaper;
    }
    Address dest = devs.Get(1)->GetAddress();
    Simulator::ScheduleWithContext(nodes.Get(0)->GetId(), MilliSeconds(1), [=]() {
        for (uint32_t i = 0; i < packets; ++i)
        {
            Ptr<Packet> p = Create<Packet>(size - 20);
            if (kind == Kind::SHAPER_DIRECT)
            {
                Ipv4Header h;
                h.SetPayloadSize(size - 20);
                p->AddHeader(h);
                shaper->Send(p, dest, 0x0800);
            }
            else
            {
                Ipv4Header h;
                h.SetPayloadSize(size - 20);
                tc->Send(target, Create<Ipv4QueueDiscItem>(p, dest, 0x0800, h));
            }
        }
    });
    uint64_t events0 = Simulator::GetEventCount();
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    auto t1 = std::chrono::steady_clock::now();
    RunResult r;
    r.received = counter.n;
    r.nsPerPacket = std::chrono::duration<double, std::nano>(t1 - t0).count() / packets;
    r.eventsPerPacket = double(Simulator::GetEventCount() - events0) / packets;
    if (shaper)
    {
        r.shaperEventsPerPacket = double(shaper->GetStats().releaseEvents) / packets;
    }
    Simulator::Destroy();
    return r;
}

double
Median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

/// Results kept for the summary, by benchmark label.
struct Row
{
    double shaperNs{0};        //!< shaper ns/packet
    double tbfNs{0};           //!< tbf ns/packet
    double shaperEvents{0};    //!< simulator events per packet, shaper
    double tbfEvents{0};       //!< simulator events per packet, tbf
    double shaperOwnEvents{0}; //!< shaper's own events per packet
};

std::map<std::string, Row>&
Rows()
{
    static std::map<std::string, Row> rows;
    return rows;
}

/// The shaper and TbfQueueDisc, interleaved in each iteration.
void
BM_ShaperVsTbf(benchmark::State& state,
               std::string label,
               Kind shaperKind,
               uint64_t rateBps,
               uint32_t packets,
               uint32_t burst)
{
    std::vector<double> shaperNs;
    std::vector<double> tbfNs;
    RunResult s;
    RunResult t;
    bool shaperFirst = true;
    for (auto _ : state)
    {
        if (shaperFirst)
        {
            s = RunOnce(shaperKind, rateBps, packets, burst);
            t = RunOnce(Kind::TBF, rateBps, packets, burst);
        }
        else
        {
            t = RunOnce(Kind::TBF, rateBps, packets, burst);
            s = RunOnce(shaperKind, rateBps, packets, burst);
        }
        shaperFirst = !shaperFirst;
        if (s.received != packets || t.received != packets)
        {
            state.SkipWithError("not every packet arrived");
            return;
        }
        shaperNs.push_back(s.nsPerPacket);
        tbfNs.push_back(t.nsPerPacket);
        state.SetIterationTime((s.nsPerPacket + t.nsPerPacket) * packets * 1e-9);
    }
    Row row;
    row.shaperNs = Median(shaperNs);
    row.tbfNs = Median(tbfNs);
    row.shaperEvents = s.eventsPerPacket;
    row.tbfEvents = t.eventsPerPacket;
    row.shaperOwnEvents = s.shaperEventsPerPacket;
    Rows()[label] = row;
    state.counters["shaper_ns/pkt"] = row.shaperNs;
    state.counters["tbf_ns/pkt"] = row.tbfNs;
    state.counters["ratio"] = row.tbfNs > 0 ? row.shaperNs / row.tbfNs : 0;
    state.counters["shaper_events/pkt"] = row.shaperEvents;
    state.counters["tbf_events/pkt"] = row.tbfEvents;
    state.counters["shaper_own_events/pkt"] = row.shaperOwnEvents;
    state.counters["packets"] = packets;
}

void
PrintSummary()
{
    if (Rows().empty())
    {
        return;
    }
    std::printf("\nshaper vs TbfQueueDisc (same traffic, same rate, same run; wall time of "
                "Simulator::Run per packet, median)\n");
    std::printf("  %-28s %12s %12s %7s %14s %12s %16s\n",
                "case",
                "shaper ns",
                "tbf ns",
                "ratio",
                "shaper ev/pkt",
                "tbf ev/pkt",
                "shaper own ev/pkt");
    for (auto& [label, r] : Rows())
    {
        std::printf("  %-28s %12.1f %12.1f %7.2f %14.2f %12.2f %16.3f\n",
                    label.c_str(),
                    r.shaperNs,
                    r.tbfNs,
                    r.tbfNs > 0 ? r.shaperNs / r.tbfNs : 0.0,
                    r.shaperEvents,
                    r.tbfEvents,
                    r.shaperOwnEvents);
    }
}

bench::BenchRegistrar g_shaper("shaper", [](const bench::Mode& m) {
    uint32_t packets = m.smoke ? 300 : 100000;
    int iterations = m.smoke ? 1 : 7;
    struct Case
    {
        std::string label;
        Kind kind;
        uint64_t rate;
        uint32_t burst;
    };

    std::vector<Case> cases = {
        {"shaper/tc/64kbps", Kind::SHAPER, 64000, 0},
        {"shaper/tc/1Gbps", Kind::SHAPER, 1000000000, 0},
        {"shaper/tc/100Gbps", Kind::SHAPER, 100000000000ULL, 0},
        {"shaper/direct/1Gbps", Kind::SHAPER_DIRECT, 1000000000, 0},
        {"shaper/tc/1Gbps/burst64KB", Kind::SHAPER, 1000000000, 65536},
    };
    for (const Case& c : cases)
    {
        benchmark::RegisterBenchmark(("shaper-vs-tbf/" + c.label).c_str(),
                                     BM_ShaperVsTbf,
                                     c.label,
                                     c.kind,
                                     c.rate,
                                     packets,
                                     c.burst)
            ->Iterations(iterations)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond);
    }
    bench::AddSummary(PrintSummary);
});

} // namespace
