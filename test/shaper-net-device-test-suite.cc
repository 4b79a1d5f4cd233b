/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperNetDevice at the device level: rate accuracy from 300 bit/s to 100 Gbit/s, no drift
 * over 10^6 packets (1 bit/s to 400 Gbit/s), exact drop counts, the Linux driver's
 * quantised pattern against figures worked out by hand from semantics.md §6, the token
 * bucket against TbfQueueDisc, flow control towards a full master, master down/up, detach,
 * re-attach and disposal, and received traffic passing unshaped.
 */

#include "shaper-test-util.h"

#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/drop-tail-queue.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/mac48-address.h"
#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/pcap-file.h"
#include "ns3/pointer.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-size.h"
#include "ns3/queue.h"
#include "ns3/shaper-helper.h"
#include "ns3/shaper-net-device.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device-helper.h"
#include "ns3/simple-net-device.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

using namespace ns3;
using namespace shapertest;

namespace
{

const uint16_t IPV4 = 0x0800;

/// A node with a sink TestMaster and an attached shaper.
struct SinkRig
{
    Ptr<Node> node;
    Ptr<TestMaster> master;
    Ptr<ShaperNetDevice> shaper;
};

/**
 * Build a node, a sink master and a shaper attached to it.
 * \param rate the speed
 * \param attrs extra shaper attributes (name, value)
 * \return the rig
 */
SinkRig
MakeSinkRig(DataRate rate,
            const std::vector<std::pair<std::string, std::string>>& attrs = {},
            uint32_t queuePackets = 100)
{
    SinkRig r;
    r.node = CreateObject<Node>();
    r.master = CreateObject<TestMaster>();
    r.master->SetAddress(Mac48Address::Allocate());
    r.node->AddDevice(r.master);
    ShaperHelper helper;
    for (auto& a : attrs)
    {
        helper.SetDeviceAttribute(a.first, StringValue(a.second));
    }
    helper.SetQueueAttribute("MaxSize",
                             QueueSizeValue(QueueSize(std::to_string(queuePackets) + "p")));
    r.shaper = helper.Install(r.master, rate);
    return r;
}

/// Send n packets of size bytes through the shaper at time t (in the node's context).
void
SendAt(Ptr<ShaperNetDevice> shaper,
       Time t,
       uint32_t n,
       uint32_t size,
       std::vector<bool>* ok = nullptr)
{
    Simulator::ScheduleWithContext(shaper->GetNode()->GetId(), t, [shaper, n, size, ok]() {
        for (uint32_t i = 0; i < n; ++i)
        {
            bool r = shaper->Send(Create<Packet>(size), Mac48Address::GetBroadcast(), IPV4);
            if (ok)
            {
                ok->push_back(r);
            }
        }
    });
}

} // namespace

// =========================================================================================
// Rate accuracy over a real SimpleChannel, 300 bit/s ... 100 Gbit/s

/**
 * \ingroup policy-routing-tests
 * A backlogged shaper over a SimpleNetDevice link: at every arrival at the far end, the bytes
 * delivered since the first arrival equal speed x elapsed time within one packet.
 */
class ShaperRateTestCase : public TestCase
{
  public:
    /**
     * \param rate the speed
     * \param size packet size
     * \param packets number of packets
     * \param masterRate the master's own rate (0: infinite)
     */
    ShaperRateTestCase(DataRate rate, uint32_t size, uint32_t packets, DataRate masterRate)
        : TestCase("delivered rate within one packet at " + std::to_string(rate.GetBitRate()) +
                   " bps"),
          m_rate(rate),
          m_size(size),
          m_packets(packets),
          m_masterRate(masterRate)
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes(2);
        SimpleNetDeviceHelper sndh;
        sndh.SetDeviceAttribute("DataRate", DataRateValue(m_masterRate));
        NetDeviceContainer devs = sndh.Install(nodes);
        ShaperHelper helper;
        helper.SetSpeed(m_rate);
        Ptr<ShaperNetDevice> shaper = helper.Install(devs.Get(0));

        Recorder rx;
        nodes.Get(1)->RegisterProtocolHandler(MakeCallback(&Recorder::Receive, &rx),
                                              0,
                                              devs.Get(1));
        std::vector<int64_t>& arrivals = rx.times;

        uint32_t size = m_size;
        Feeder feeder(shaper, devs.Get(1)->GetAddress(), m_packets, [size](uint64_t) {
            return size;
        });
        Simulator::ScheduleWithContext(nodes.Get(0)->GetId(), Seconds(1), &Feeder::Start, &feeder);
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(arrivals.size(), m_packets, "every packet delivered");
        NS_TEST_ASSERT_MSG_EQ(shaper->GetStats().dropped, 0, "no drops");
        double worst = 0;
        Int128 u = Seconds(1).GetTimeStep();
        for (size_t k = 0; k < arrivals.size(); ++k)
        {
            // bytes delivered up to and including k, minus speed x (t_k - t_0)
            Int128 allowedBits = Int128(arrivals[k] - arrivals[0]) * m_rate.GetBitRate() / u;
            double diff = double((k + 1) * m_size) - double(allowedBits) / 8;
            worst = std::max(worst, std::fabs(diff));
            NS_TEST_ASSERT_MSG_EQ_TOL(diff,
                                      double(m_size),
                                      double(m_size),
                                      "more than one packet off at packet " << k);
        }
        double seconds = double(arrivals.back() - arrivals.front()) / double(u);
        double measured = double((m_packets - 1) * m_size * 8) / seconds;
        std::ostringstream os;
        os << "rate " << m_rate.GetBitRate() << " bit/s: measured " << measured << " bit/s over "
           << m_packets << " packets (" << seconds
           << " s); worst |delivered - speed x time| = " << worst
           << " bytes (one packet = " << m_size << ")";
        NS_TEST_EXPECT_MSG_EQ_TOL(measured / m_rate.GetBitRate(), 1.0, 1e-9, os.str());
        std::clog << "  " << os.str() << std::endl;
        Simulator::Destroy();
    }

    DataRate m_rate;       //!< speed
    uint32_t m_size;       //!< packet size
    uint32_t m_packets;    //!< packets
    DataRate m_masterRate; //!< master rate
};

/**
 * \ingroup policy-routing-tests
 * The rate suite.
 */
class ShaperRateTestSuite : public TestSuite
{
  public:
    ShaperRateTestSuite()
        : TestSuite("shaper-rate", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperRateTestCase(DataRate(300), 100, 200, DataRate(0)));
        AddTestCase(new ShaperRateTestCase(DataRate(9600), 1000, 500, DataRate(0)));
        AddTestCase(new ShaperRateTestCase(DataRate(64000), 1000, 1000, DataRate(640000)));
        AddTestCase(new ShaperRateTestCase(DataRate(256000), 1500, 1000, DataRate(10000000)));
        AddTestCase(new ShaperRateTestCase(DataRate(10000000), 1500, 2000, DataRate(100000000)));
        AddTestCase(new ShaperRateTestCase(DataRate(1000000000), 1500, 5000, DataRate(0)));
        AddTestCase(new ShaperRateTestCase(DataRate(100000000000ULL), 1500, 5000, DataRate(0)));
    }
};

static ShaperRateTestSuite g_shaperRateTestSuite; //!< the suite

// =========================================================================================
// No drift over 10^6 packets

/**
 * \ingroup policy-routing-tests
 * 10^6 packets through a backlogged shaper into a sink master: every release time equals
 * t_0 + ceil(bits before it / speed) exactly, so bytes sent = speed x time within one packet
 * at every packet, and the shaper schedules at most one event per packet.
 */
class ShaperDriftTestCase : public TestCase
{
  public:
    /**
     * \param rate speed
     * \param packets number of packets
     * \param minSize smallest packet
     * \param maxSize largest packet (sizes vary pseudo-randomly between the two)
     */
    ShaperDriftTestCase(DataRate rate, uint64_t packets, uint32_t minSize, uint32_t maxSize)
        : TestCase("no drift over " + std::to_string(packets) + " packets at " +
                   std::to_string(rate.GetBitRate()) + " bps"),
          m_rate(rate),
          m_packets(packets),
          m_minSize(minSize),
          m_maxSize(maxSize)
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(m_rate);
        r.master->keepLog = false;
        uint64_t rate = m_rate.GetBitRate();
        uint32_t minSize = m_minSize;
        uint32_t span = m_maxSize - m_minSize + 1;
        auto size = [minSize, span](uint64_t i) {
            uint64_t x = i * 6364136223846793005ULL + 1442695040888963407ULL;
            return minSize + uint32_t((x >> 33) % span);
        };

        // Online check of every release.
        int64_t t0 = -1;
        Int128 bitsBefore = 0;
        uint64_t mismatches = 0;
        double worstBytes = 0;
        r.master->onSend = [&](Ptr<Packet> p) {
            int64_t now = Simulator::Now().GetTimeStep();
            if (t0 < 0)
            {
                t0 = now;
            }
            int64_t expected = t0 + StepsFor(bitsBefore, rate);
            if (now != expected)
            {
                mismatches++;
            }
            bitsBefore += 8 * p->GetSize();
            // bytes sent so far minus speed x elapsed
            Int128 allowedBits = Int128(now - t0) * rate / Int128(Seconds(1).GetTimeStep());
            double diff = double(bitsBefore - allowedBits) / 8;
            worstBytes = std::max(worstBytes, std::fabs(diff));
        };

        Feeder feeder(r.shaper, Mac48Address::GetBroadcast(), m_packets, size);
        Simulator::ScheduleWithContext(r.node->GetId(), Seconds(0), &Feeder::Start, &feeder);
        uint64_t events0 = Simulator::GetEventCount();
        Simulator::Run();
        uint64_t events = Simulator::GetEventCount() - events0;

        const ShaperNetDevice::Stats& st = r.shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(r.master->count, m_packets, "all packets released");
        NS_TEST_ASSERT_MSG_EQ(st.dropped, 0, "no drops");
        NS_TEST_ASSERT_MSG_EQ(mismatches, 0, "release times differ from t0 + ceil(bits/speed)");
        NS_TEST_ASSERT_MSG_EQ((worstBytes <= m_maxSize), true, "more than one packet off");
        NS_TEST_ASSERT_MSG_EQ((st.releaseEvents <= st.sentPackets), true, "> 1 event/packet");
        std::clog << "  " << m_rate.GetBitRate() << " bit/s, " << m_packets
                  << " packets: worst |sent - speed x time| = " << worstBytes
                  << " bytes (max packet " << m_maxSize << "), release mismatches " << mismatches
                  << ", shaper events/packet " << double(st.releaseEvents) / double(st.sentPackets)
                  << ", all simulator events/packet " << double(events) / double(m_packets)
                  << ", simulated " << Simulator::Now().GetSeconds() << " s" << std::endl;
        Simulator::Destroy();
    }

    DataRate m_rate;    //!< speed
    uint64_t m_packets; //!< packets
    uint32_t m_minSize; //!< smallest packet
    uint32_t m_maxSize; //!< largest packet
};

/**
 * \ingroup policy-routing-tests
 * Release times at 400 Gbit/s, where a 64-byte packet takes 1.28 ns: they are ceil(k x 1.28)
 * ns, alternating 1- and 2-ns gaps, never 2 ns each.
 */
class ShaperSubNanosecondTestCase : public TestCase
{
  public:
    ShaperSubNanosecondTestCase()
        : TestCase("400 Gbps: 64-byte packets 1.28 ns apart, rounded once, not accumulated")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(400000000000ULL));
        SendAt(r.shaper, Seconds(0), 100, 64);
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 100, "all sent");
        for (size_t k = 0; k < 100; ++k)
        {
            int64_t expected = (int64_t(k) * 128 + 99) / 100; // ceil(k * 1.28 ns)
            NS_TEST_ASSERT_MSG_EQ(r.master->times[k], expected, "packet " << k);
        }
        NS_TEST_ASSERT_MSG_EQ(r.master->times[99], 127, "99 x 1.28 ns = 126.72 -> 127 ns");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The drift suite.
 */
class ShaperDriftTestSuite : public TestSuite
{
  public:
    ShaperDriftTestSuite()
        : TestSuite("shaper-drift", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperSubNanosecondTestCase);
        const uint64_t million = 1000000;
        AddTestCase(new ShaperDriftTestCase(DataRate(400000000000ULL), million, 64, 64));
        AddTestCase(new ShaperDriftTestCase(DataRate(1), million, 40, 40));
        AddTestCase(new ShaperDriftTestCase(DataRate(333333333), million, 40, 1500));
        AddTestCase(new ShaperDriftTestCase(DataRate(9600), 100000, 40, 1500));
        AddTestCase(new ShaperDriftTestCase(DataRate(7), 100000, 1, 1500));
        AddTestCase(new ShaperDriftTestCase(DataRate(1000000000), million, 1500, 1500));
        AddTestCase(new ShaperDriftTestCase(DataRate(64000), million, 40, 1500));
    }
};

static ShaperDriftTestSuite g_shaperDriftTestSuite; //!< the suite

// =========================================================================================
// Exact mode: drops, bucket, speed changes

/**
 * \ingroup policy-routing-tests
 * A TxQueue of 10 packets, 25 packets sent at once at 1 Mbit/s: the first leaves at once, 10
 * wait, 14 are dropped (DROP_QUEUE_FULL); the 11 sent leave 10 ms apart.
 */
class ShaperQueueOverflowTestCase : public TestCase
{
  public:
    ShaperQueueOverflowTestCase()
        : TestCase("exact drop count when the queue overflows")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000), {}, 10);
        Recorder drops;
        r.shaper->TraceConnectWithoutContext("Drop", MakeCallback(&Recorder::Drop, &drops));
        std::vector<bool> ok;
        SendAt(r.shaper, Seconds(1), 25, 1250, &ok);
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(ok.size(), 25, "25 sends");
        for (size_t i = 0; i < ok.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(ok[i], (i < 11), "Send() return value of packet " << i);
        }
        NS_TEST_ASSERT_MSG_EQ(drops.reasons.size(), 14, "14 dropped");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().drops[ShaperNetDevice::DROP_QUEUE_FULL],
                              14,
                              "as queue-full");
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 11, "11 sent");
        for (size_t k = 0; k < r.master->times.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]),
                                  Seconds(1) + MilliSeconds(10 * k),
                                  "packet " << k << " at 1 s + " << 10 * k << " ms");
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Token bucket (Burst = 15000 bytes) at 1 Mbit/s, 20 packets of 1500 bytes at once: 10 leave
 * at once, then one every 12 ms; a 16000-byte packet is dropped as oversize. The same
 * traffic through ns-3's TbfQueueDisc (Burst 15000, Rate 1 Mbit/s) leaves at the same times.
 */
class ShaperBurstTestCase : public TestCase
{
  public:
    ShaperBurstTestCase()
        : TestCase("token bucket burst, as tc tbf and TbfQueueDisc")
    {
    }

  private:
    void DoRun() override
    {
        std::vector<int64_t> shaperTimes;
        {
            SinkRig r = MakeSinkRig(DataRate(1000000), {{"Burst", "15000"}});
            SendAt(r.shaper, Seconds(1), 20, 1500);
            SendAt(r.shaper, Seconds(2), 1, 16000);
            Simulator::Run();
            shaperTimes = r.master->times;
            NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().drops[ShaperNetDevice::DROP_OVERSIZE],
                                  1,
                                  "a packet larger than the bucket is dropped");
            Simulator::Destroy();
        }
        NS_TEST_ASSERT_MSG_EQ(shaperTimes.size(), 20, "20 sent");
        for (size_t k = 0; k < 20; ++k)
        {
            Time expected = Seconds(1) + (k < 10 ? Time(0) : MilliSeconds(12 * (k - 9)));
            NS_TEST_ASSERT_MSG_EQ(Time(shaperTimes[k]), expected, "packet " << k);
        }

        // The same through TbfQueueDisc on a SimpleNetDevice of infinite rate.
        std::vector<int64_t> tbfTimes;
        {
            Ptr<Node> node = CreateObject<Node>();
            Ptr<TrafficControlLayer> tc = CreateObject<TrafficControlLayer>();
            node->AggregateObject(tc);
            SimpleNetDeviceHelper sndh;
            NetDeviceContainer devs = sndh.Install(node);
            Ptr<SimpleNetDevice> dev = DynamicCast<SimpleNetDevice>(devs.Get(0));
            TrafficControlHelper tch;
            tch.SetRootQueueDisc("ns3::TbfQueueDisc",
                                 "Burst",
                                 UintegerValue(15000),
                                 "Rate",
                                 DataRateValue(DataRate(1000000)),
                                 "MaxSize",
                                 QueueSizeValue(QueueSize("100p")));
            tch.Install(dev);
            Recorder enq;
            dev->GetQueue()->TraceConnectWithoutContext("Enqueue",
                                                        MakeCallback(&Recorder::Trace, &enq));
            Simulator::ScheduleWithContext(node->GetId(), Seconds(1), [tc, dev]() {
                for (int i = 0; i < 20; ++i)
                {
                    Ipv4Header h;
                    h.SetPayloadSize(1480);
                    tc->Send(dev,
                             Create<Ipv4QueueDiscItem>(Create<Packet>(1480),
                                                       Mac48Address::GetBroadcast(),
                                                       IPV4,
                                                       h));
                }
            });
            Simulator::Run();
            tbfTimes = enq.times;
            Simulator::Destroy();
        }
        NS_TEST_ASSERT_MSG_EQ(tbfTimes.size(), 20, "TbfQueueDisc sent 20");
        for (size_t k = 0; k < 20; ++k)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(Time(tbfTimes[k]),
                                      Time(shaperTimes[k]),
                                      MicroSeconds(1),
                                      "TbfQueueDisc and the shaper differ at packet " << k);
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * Changing the speed while backlogged: the packet in progress keeps its slot, later packets
 * are spaced at the new speed, nothing is gained or lost.
 */
class ShaperSpeedChangeTestCase : public TestCase
{
  public:
    ShaperSpeedChangeTestCase()
        : TestCase("speed change while backlogged")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000));
        SendAt(r.shaper, Seconds(1), 10, 1250); // 10 ms each at 1 Mbit/s
        Ptr<ShaperNetDevice> shaper = r.shaper;
        Simulator::Schedule(Seconds(1) + MilliSeconds(35),
                            [shaper]() { shaper->SetDataRate(DataRate(2000000)); });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 10, "10 sent");
        // 0, 10, 20, 30 ms at 1 Mbit/s; the 4th packet's slot ends at 40 ms; then 5 ms each.
        std::vector<int64_t> ms = {0, 10, 20, 30, 40, 45, 50, 55, 60, 65};
        for (size_t k = 0; k < 10; ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]),
                                  Seconds(1) + MilliSeconds(ms[k]),
                                  "packet " << k);
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Packets arriving slower than the speed are not delayed (an idle shaper restarts its clock),
 * and Overhead bytes count in the spacing.
 */
class ShaperIdleAndOverheadTestCase : public TestCase
{
  public:
    ShaperIdleAndOverheadTestCase()
        : TestCase("idle shaper sends at once; Overhead counts")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000), {{"Overhead", "250"}});
        SendAt(r.shaper, Seconds(1), 1, 1000);     // 1250 bytes with overhead: 10 ms
        SendAt(r.shaper, Seconds(1.5), 2, 1000);   // idle: at 1.5 s, then 1.51 s
        SendAt(r.shaper, Seconds(1.505), 1, 1000); // queued behind: 1.52 s
        Simulator::Run();
        std::vector<Time> expected = {Seconds(1), Seconds(1.5), Seconds(1.51), Seconds(1.52)};
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), expected.size(), "4 sent");
        for (size_t k = 0; k < expected.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), expected[k], "packet " << k);
        }
        NS_TEST_ASSERT_MSG_EQ(r.master->sizes[0], 1000, "Overhead is not added to the packet");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The exact-mode suite.
 */
class ShaperExactTestSuite : public TestSuite
{
  public:
    ShaperExactTestSuite()
        : TestSuite("shaper-exact", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperQueueOverflowTestCase);
        AddTestCase(new ShaperBurstTestCase);
        AddTestCase(new ShaperSpeedChangeTestCase);
        AddTestCase(new ShaperIdleAndOverheadTestCase);
    }
};

static ShaperExactTestSuite g_shaperExactTestSuite; //!< the suite

// =========================================================================================
// Linux mode, against figures worked out by hand from semantics.md §6

/**
 * \ingroup policy-routing-tests
 * Linux mode, Hz 100, 64000 bit/s, 1514-byte frames (1500 + Overhead 14):
 * bytespertick = (64000 / 100) / 8 = 80, shapelen = 1514 / 80 = 18 ticks (180 ms).
 * 12 frames at t = 0 (jiffies 0):
 *  - #1: shapeclock = max(recovery 0, 0) + 0 = 0 <= 0 + 2: sent at once; recovery = 18.
 *  - #k (k = 2..12): shapeclock = 18 + 18 (k - 2) = 18 (k - 1).
 *  - #12 makes 11 queued > SHAPER_QLEN 10: the oldest, #2 (tick 18), is dropped; its slot
 *    is not reclaimed.
 *  - the timer goes to the head's clock: #3 at tick 36 (0.36 s), #4 at 0.54 s, ...,
 *    #12 at tick 198 (1.98 s).
 * So 11 sent at 0, 0.36, 0.54, ..., 1.98 s and one dropped (linux-overflow).
 */
class ShaperLinuxQuantisationTestCase : public TestCase
{
  public:
    ShaperLinuxQuantisationTestCase()
        : TestCase("Linux mode: 64000 bps, 80 bytes per tick, 1514-byte frames 18 ticks each")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(64000), {{"Mode", "Linux"}, {"Overhead", "14"}});
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetBytesPerTick(), 80, "bytes per tick");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetPacketTicks(1500), 18, "ticks per 1514-byte frame");
        SendAt(r.shaper, Seconds(0), 12, 1500);
        Simulator::Run();
        std::vector<Time> expected = {Seconds(0)};
        for (int k = 3; k <= 12; ++k)
        {
            expected.push_back(MilliSeconds(180 * (k - 1)));
        }
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), expected.size(), "11 sent");
        for (size_t k = 0; k < expected.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), expected[k], "frame " << k);
        }
        const ShaperNetDevice::Stats& st = r.shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(st.drops[ShaperNetDevice::DROP_LINUX_OVERFLOW], 1, "head drop");
        NS_TEST_ASSERT_MSG_EQ(st.dropped, 1, "one drop in all");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode, 9600 bit/s: 12 bytes per tick, a 1500-byte frame is 125 ticks. 10 frames at
 * t = 0: #1 sent at once (recovery 125); #2..#5 get clocks 125, 250, 375, 500 (500 - 0 is
 * not > 500: kept); #6 would start at 625 > 5 s away: dropped, and so are #7..#10.
 * Sent at 0, 1.25, 2.5, 3.75, 5 s; 5 latency drops.
 */
class ShaperLinuxLatencyTestCase : public TestCase
{
  public:
    ShaperLinuxLatencyTestCase()
        : TestCase("Linux mode: 9600 bps, frames starting more than 5 s away are dropped")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(9600), {{"Mode", "Linux"}});
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetBytesPerTick(), 12, "bytes per tick");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetPacketTicks(1500), 125, "ticks per frame");
        std::vector<bool> ok;
        SendAt(r.shaper, Seconds(0), 10, 1500, &ok);
        Simulator::Run();
        std::vector<Time> expected = {Seconds(0),
                                      Seconds(1.25),
                                      Seconds(2.5),
                                      Seconds(3.75),
                                      Seconds(5)};
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), expected.size(), "5 sent");
        for (size_t k = 0; k < expected.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), expected[k], "frame " << k);
        }
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().drops[ShaperNetDevice::DROP_LINUX_LATENCY],
                              5,
                              "5 latency drops");
        for (size_t i = 0; i < ok.size(); ++i)
        {
            NS_TEST_ASSERT_MSG_EQ(ok[i], (i < 5), "Send() of frame " << i);
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode over-sends small packets: at 64000 bit/s (80 bytes per tick) a 40-byte packet
 * costs 40 / 80 = 0 ticks, so 100 of them leave at once. Exact mode spaces them 5 ms apart.
 */
class ShaperLinuxSmallPacketsTestCase : public TestCase
{
  public:
    ShaperLinuxSmallPacketsTestCase()
        : TestCase("Linux mode over-sends packets smaller than a tick")
    {
    }

  private:
    void DoRun() override
    {
        {
            SinkRig r = MakeSinkRig(DataRate(64000), {{"Mode", "Linux"}});
            SendAt(r.shaper, Seconds(0), 100, 40);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 100, "100 sent");
            NS_TEST_ASSERT_MSG_EQ(r.master->times.back(), 0, "all at t = 0 (0 ticks each)");
            NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().dropped, 0, "no drops");
            Simulator::Destroy();
        }
        {
            SinkRig r = MakeSinkRig(DataRate(64000));
            SendAt(r.shaper, Seconds(0), 100, 40);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 100, "100 sent");
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times.back()),
                                  MilliSeconds(495),
                                  "exact mode: 99 x 5 ms");
            Simulator::Destroy();
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode above 256 kbit/s gets blocky. At 1 Mbit/s, 1250 bytes per tick, a 1500-byte
 * frame is 1 tick (really 1.2): 10 frames at t = 0 get clocks 0..9; with the 2-tick early
 * release, ticks 0, 1, 2 leave at 0; the timer at tick 3 sends 3, 4, 5; tick 6 sends 6, 7,
 * 8; tick 9 sends 9: bursts of 3 frames every 30 ms, 1.2 Mbit/s on average. At 2 Mbit/s
 * (2500 bytes per tick) a frame costs 0 ticks: all 10 leave at once.
 */
class ShaperLinuxBlockyTestCase : public TestCase
{
  public:
    ShaperLinuxBlockyTestCase()
        : TestCase("Linux mode is blocky above 256 kbps")
    {
    }

  private:
    void DoRun() override
    {
        {
            SinkRig r = MakeSinkRig(DataRate(1000000), {{"Mode", "Linux"}});
            SendAt(r.shaper, Seconds(0), 10, 1500);
            Simulator::Run();
            std::vector<int> ms = {0, 0, 0, 30, 30, 30, 60, 60, 60, 90};
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 10, "10 sent");
            for (size_t k = 0; k < 10; ++k)
            {
                NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), MilliSeconds(ms[k]), "frame " << k);
            }
            Simulator::Destroy();
        }
        {
            SinkRig r = MakeSinkRig(DataRate(2000000), {{"Mode", "Linux"}});
            SendAt(r.shaper, Seconds(0), 10, 1500);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 10, "10 sent");
            NS_TEST_ASSERT_MSG_EQ(r.master->times.back(), 0, "0 ticks per frame: all at once");
            Simulator::Destroy();
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode releases up to Hz/50 ticks early, when a packet is queued: 64000 bit/s, 1500-
 * byte frames (18 ticks). #1 at t = 0 (recovery 18). A frame sent at 0.17 s (tick 17) has
 * clock 18 <= 17 + 2: it leaves at once, 10 ms early. One sent at 0.15 s instead (clock 36
 * after the previous) waits for the timer at its clock. Also: Hz 1000 gives 8 bytes per
 * tick and 1514 / 8 = 189 ticks (0.189 s); and attaching resets the speed to 0.
 */
class ShaperLinuxEarlyTestCase : public TestCase
{
  public:
    ShaperLinuxEarlyTestCase()
        : TestCase("Linux mode: early release, Hz, attach resets the speed")
    {
    }

  private:
    void DoRun() override
    {
        {
            SinkRig r = MakeSinkRig(DataRate(64000), {{"Mode", "Linux"}});
            SendAt(r.shaper, Seconds(0), 1, 1500);
            SendAt(r.shaper, Seconds(0.17), 1, 1500);  // clock 18: early by 1 tick
            SendAt(r.shaper, Seconds(0.175), 1, 1500); // clock 36 > 17 + 2: timer at 0.36 s
            Simulator::Run();
            std::vector<Time> expected = {Seconds(0), Seconds(0.17), Seconds(0.36)};
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 3, "3 sent");
            for (size_t k = 0; k < 3; ++k)
            {
                NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), expected[k], "frame " << k);
            }
            Simulator::Destroy();
        }
        {
            SinkRig r = MakeSinkRig(DataRate(64000),
                                    {{"Mode", "Linux"}, {"Hz", "1000"}, {"Overhead", "14"}});
            NS_TEST_ASSERT_MSG_EQ(r.shaper->GetBytesPerTick(), 8, "bytes per tick at Hz 1000");
            NS_TEST_ASSERT_MSG_EQ(r.shaper->GetPacketTicks(1500), 189, "ticks per frame");
            SendAt(r.shaper, Seconds(0), 2, 1500);
            Simulator::Run();
            NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 2, "2 sent");
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[1]), Seconds(0.189), "189 ticks later");
            Simulator::Destroy();
        }
        {
            Ptr<Node> node = CreateObject<Node>();
            Ptr<TestMaster> master = CreateObject<TestMaster>();
            node->AddDevice(master);
            Ptr<ShaperNetDevice> shaper = CreateObject<ShaperNetDevice>();
            shaper->SetAttribute("Mode", StringValue("Linux"));
            shaper->SetDataRate(DataRate(64000));
            node->AddDevice(shaper);
            shaper->Attach(master);
            NS_TEST_ASSERT_MSG_EQ(shaper->GetDataRate().GetBitRate(),
                                  0,
                                  "Linux mode: attaching resets the speed");
            Simulator::Destroy();
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode under sustained overload starves: 64000 bit/s (80 bytes/tick), 800-byte
 * packets (10 ticks), one sent every tick (at 5, 15, 25, ... ms), ten times the speed, 100
 * in all, with nothing above the shaper to hold them back (the driver never says busy):
 *  - #1 (tick 0) leaves at once, recovery 10; #2..#10 get clocks 10, 20, ..., 90.
 *  - the timer sends #2 at tick 10 (0.1 s); recovery 20.
 *  - from #13 on, each packet makes 11 queued and the oldest is dropped; a new packet's
 *    clock is max(recovery 20, now) + 100 (ten queued packets of 10 ticks), so it would
 *    leave 1 s later but is dropped as the oldest 100 ms later: nothing leaves while the
 *    flood lasts.
 *  - afterwards #91..#100 remain, with clocks 190..199 (one tick apart, though each is 10
 *    ticks long): the timer at 190 sends 190, 191, 192 (2 ticks early allowed), at 193 the
 *    next three, at 196 three, at 199 the last.
 * So 12 sent (0.005, 0.1, 3 x 1.9, 3 x 1.93, 3 x 1.96, 1.99 s) and 88 oldest dropped.
 */
class ShaperLinuxOverloadTestCase : public TestCase
{
  public:
    ShaperLinuxOverloadTestCase()
        : TestCase("Linux mode starves under sustained overload")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(64000), {{"Mode", "Linux"}});
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetPacketTicks(800), 10, "10 ticks per packet");
        for (int k = 0; k < 100; ++k)
        {
            SendAt(r.shaper, MilliSeconds(10 * k + 5), 1, 800);
        }
        Simulator::Run();
        std::vector<Time> expected = {MilliSeconds(5), MilliSeconds(100)};
        for (int ms : {1900, 1900, 1900, 1930, 1930, 1930, 1960, 1960, 1960, 1990})
        {
            expected.push_back(MilliSeconds(ms));
        }
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), expected.size(), "12 sent");
        for (size_t k = 0; k < expected.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), expected[k], "packet " << k);
        }
        const ShaperNetDevice::Stats& st = r.shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(st.drops[ShaperNetDevice::DROP_LINUX_OVERFLOW], 88, "88 oldest");
        NS_TEST_ASSERT_MSG_EQ(st.dropped, 88, "no other drop");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The Linux-mode suite.
 */
class ShaperLinuxTestSuite : public TestSuite
{
  public:
    ShaperLinuxTestSuite()
        : TestSuite("shaper-linux", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperLinuxQuantisationTestCase);
        AddTestCase(new ShaperLinuxLatencyTestCase);
        AddTestCase(new ShaperLinuxSmallPacketsTestCase);
        AddTestCase(new ShaperLinuxBlockyTestCase);
        AddTestCase(new ShaperLinuxEarlyTestCase);
        AddTestCase(new ShaperLinuxOverloadTestCase);
    }
};

static ShaperLinuxTestSuite g_shaperLinuxTestSuite; //!< the suite

// =========================================================================================
// The device: flow control towards the master, master down/up, detach, disposal, receive

/**
 * \ingroup policy-routing-tests
 * A shaper faster (5 Mbit/s) than its master (1 Mbit/s, 2-packet queue): the shaper waits
 * for the master instead of losing packets, through the master's NetDeviceQueueInterface or,
 * without one, through its TxQueue. All 50 packets arrive, 8 ms apart (the master's rate).
 */
class ShaperMasterFullTestCase : public TestCase
{
  public:
    /// \param flowControl give the master a NetDeviceQueueInterface
    explicit ShaperMasterFullTestCase(bool flowControl)
        : TestCase(std::string("waits for a full master (") +
                   (flowControl ? "NetDeviceQueueInterface" : "TxQueue only") + ")"),
          m_flowControl(flowControl)
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes(2);
        SimpleNetDeviceHelper sndh;
        sndh.SetDeviceAttribute("DataRate", DataRateValue(DataRate(1000000)));
        sndh.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("2p"));
        if (!m_flowControl)
        {
            sndh.DisableFlowControl();
        }
        NetDeviceContainer devs = sndh.Install(nodes);
        Ptr<SimpleNetDevice> master = DynamicCast<SimpleNetDevice>(devs.Get(0));
        NS_TEST_ASSERT_MSG_EQ(bool(master->GetObject<NetDeviceQueueInterface>()),
                              m_flowControl,
                              "master NDQI as configured");
        Recorder masterDrops;
        master->GetQueue()->TraceConnectWithoutContext(
            "Drop",
            MakeCallback(&Recorder::Trace, &masterDrops));
        ShaperHelper helper;
        Ptr<ShaperNetDevice> shaper = helper.Install(master, DataRate(5000000));
        Recorder rx;
        nodes.Get(1)->RegisterProtocolHandler(MakeCallback(&Recorder::Receive, &rx),
                                              0,
                                              devs.Get(1));
        Simulator::ScheduleWithContext(nodes.Get(0)->GetId(), Seconds(1), [&]() {
            for (int i = 0; i < 50; ++i)
            {
                shaper->Send(Create<Packet>(1000), devs.Get(1)->GetAddress(), IPV4);
            }
        });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(rx.times.size(), 50, "all 50 delivered");
        NS_TEST_ASSERT_MSG_EQ(masterDrops.times.size(), 0, "the master dropped nothing");
        NS_TEST_ASSERT_MSG_EQ(shaper->GetStats().dropped, 0, "the shaper dropped nothing");
        NS_TEST_ASSERT_MSG_GT(shaper->GetStats().masterWaits, 0, "the shaper waited");
        for (size_t k = 0; k < rx.times.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(rx.times[k]),
                                  Seconds(1) + MilliSeconds(8 * (k + 1)),
                                  "arrival " << k);
        }
        Simulator::Destroy();
    }

    bool m_flowControl; //!< master has an NDQI
};

/**
 * \ingroup policy-routing-tests
 * Master down at 1.1 s with 40 packets queued (1 Mbit/s, 10 ms each from 1 s): the 40 are
 * dropped as link-down, the link-change callback fires, Send fails while down; up at 1.2 s,
 * the callback fires again and sending resumes at once.
 */
class ShaperMasterDownTestCase : public TestCase
{
  public:
    ShaperMasterDownTestCase()
        : TestCase("master down and up")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000));
        Recorder rec;
        r.shaper->AddLinkChangeCallback(MakeCallback(&Recorder::LinkChange, &rec));
        r.shaper->TraceConnectWithoutContext("Drop", MakeCallback(&Recorder::Drop, &rec));
        NS_TEST_ASSERT_MSG_EQ(r.shaper->IsLinkUp(), true, "up after attach");
        SendAt(r.shaper, Seconds(1), 50, 1250);
        Ptr<TestMaster> master = r.master;
        Ptr<ShaperNetDevice> shaper = r.shaper;
        bool upWhileDown = true;
        Simulator::Schedule(Seconds(1.1), &TestMaster::SetUp, master, false);
        Simulator::Schedule(Seconds(1.12), [&]() { upWhileDown = shaper->IsLinkUp(); });
        std::vector<bool> okDown;
        SendAt(r.shaper, Seconds(1.15), 1, 1250, &okDown);
        Simulator::Schedule(Seconds(1.2), &TestMaster::SetUp, master, true);
        SendAt(r.shaper, Seconds(1.25), 5, 1250);
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(upWhileDown, false, "shaper link follows the master down");
        NS_TEST_ASSERT_MSG_EQ(rec.linkChanges, 2, "down and up callbacks");
        NS_TEST_ASSERT_MSG_EQ((okDown.size() == 1 && !okDown[0]), true, "Send fails while down");
        const ShaperNetDevice::Stats& st = r.shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(st.drops[ShaperNetDevice::DROP_LINK_DOWN], 41, "40 + 1 dropped");
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 15, "10 before, 5 after");
        for (size_t k = 0; k < 10; ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]),
                                  Seconds(1) + MilliSeconds(10 * k),
                                  "packet " << k);
        }
        for (size_t k = 0; k < 5; ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[10 + k]),
                                  Seconds(1.25) + MilliSeconds(10 * k),
                                  "packet after up " << k);
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Detach with 15 packets queued: they are dropped (detached), the link goes down, Send
 * fails, frames the old master receives no longer come up. Attaching another master brings
 * the link up; sending and receiving go through the new master.
 */
class ShaperDetachTestCase : public TestCase
{
  public:
    ShaperDetachTestCase()
        : TestCase("detach and attach to another master")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000));
        Ptr<TestMaster> other = CreateObject<TestMaster>();
        other->SetAddress(Mac48Address::Allocate());
        r.node->AddDevice(other);
        Recorder rec;
        Recorder rx;
        r.shaper->AddLinkChangeCallback(MakeCallback(&Recorder::LinkChange, &rec));
        r.node->RegisterProtocolHandler(MakeCallback(&Recorder::Receive, &rx), 0, r.shaper);
        Ptr<ShaperNetDevice> shaper = r.shaper;
        Ptr<TestMaster> master = r.master;
        uint32_t id = r.node->GetId();
        auto frameTo = [id](Ptr<TestMaster> m, Time t) {
            Simulator::ScheduleWithContext(id, t, [m]() {
                m->Receive(Create<Packet>(100),
                           IPV4,
                           Mac48Address::ConvertFrom(m->GetAddress()),
                           Mac48Address::Allocate());
            });
        };
        SendAt(shaper, Seconds(1), 20, 1250);
        Simulator::Schedule(Seconds(1.045), &ShaperNetDevice::Detach, shaper);
        std::vector<bool> okDetached;
        SendAt(shaper, Seconds(1.06), 1, 1250, &okDetached);
        frameTo(master, Seconds(1.07));
        Simulator::Schedule(Seconds(1.08), &ShaperNetDevice::Attach, shaper, other);
        SendAt(shaper, Seconds(1.09), 3, 1250);
        frameTo(other, Seconds(1.2));
        frameTo(master, Seconds(1.21));
        Simulator::Run();
        const ShaperNetDevice::Stats& st = shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(master->times.size(), 5, "5 sent before the detach");
        NS_TEST_ASSERT_MSG_EQ(st.drops[ShaperNetDevice::DROP_DETACHED], 16, "15 queued + 1");
        NS_TEST_ASSERT_MSG_EQ((okDetached.size() == 1 && !okDetached[0]), true, "Send fails");
        NS_TEST_ASSERT_MSG_EQ(rec.linkChanges, 2, "down at detach, up at attach");
        NS_TEST_ASSERT_MSG_EQ(other->times.size(), 3, "3 through the new master");
        NS_TEST_ASSERT_MSG_EQ(Time(other->times[2]), Seconds(1.11), "shaped on the new master");
        NS_TEST_ASSERT_MSG_EQ(rx.times.size(), 1, "only the new master's frame comes up");
        NS_TEST_ASSERT_MSG_EQ(Time(rx.times[0]), Seconds(1.2), "at 1.2 s");
        NS_TEST_ASSERT_MSG_EQ(shaper->GetMaster(), Ptr<NetDevice>(other), "new master");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Disposing the master while packets are queued: handled as a detach.
 */
class ShaperMasterDisposedTestCase : public TestCase
{
  public:
    ShaperMasterDisposedTestCase()
        : TestCase("master disposed")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000));
        Recorder rec;
        r.shaper->AddLinkChangeCallback(MakeCallback(&Recorder::LinkChange, &rec));
        SendAt(r.shaper, Seconds(1), 10, 1250);
        Ptr<TestMaster> master = r.master;
        Ptr<ShaperNetDevice> shaper = r.shaper;
        Simulator::Schedule(Seconds(1.035), [master]() { master->Dispose(); });
        bool attached = true;
        Simulator::Schedule(Seconds(1.04), [&]() { attached = shaper->IsAttached(); });
        std::vector<bool> ok;
        SendAt(r.shaper, Seconds(1.05), 1, 1250, &ok);
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(attached, false, "detached when the master is disposed");
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 4, "4 sent before");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().drops[ShaperNetDevice::DROP_DETACHED],
                              7,
                              "6 queued + 1 sent afterwards");
        NS_TEST_ASSERT_MSG_EQ(rec.linkChanges, 1, "link down");
        NS_TEST_ASSERT_MSG_EQ((ok.size() == 1 && !ok[0]), true, "Send fails, no crash");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Frames the master receives come up through the shaper at once (received traffic is not
 * shaped): 20 frames 0.8 ms apart from a 10 Mbit/s peer, through a 64 kbit/s shaper.
 */
class ShaperReceiveTestCase : public TestCase
{
  public:
    ShaperReceiveTestCase()
        : TestCase("received traffic passes unshaped")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes(2);
        SimpleNetDeviceHelper sndh;
        sndh.SetDeviceAttribute("DataRate", DataRateValue(DataRate(10000000)));
        NetDeviceContainer devs = sndh.Install(nodes);
        ShaperHelper helper;
        Ptr<ShaperNetDevice> shaper = helper.Install(devs.Get(0), DataRate(64000));
        Recorder rx;
        Recorder macRx;
        nodes.Get(0)->RegisterProtocolHandler(MakeCallback(&Recorder::Receive, &rx), 0, shaper);
        shaper->TraceConnectWithoutContext("MacRx", MakeCallback(&Recorder::Trace, &macRx));
        Ptr<NetDevice> peer = devs.Get(1);
        Address to = devs.Get(0)->GetAddress();
        Simulator::ScheduleWithContext(nodes.Get(1)->GetId(), Seconds(1), [peer, to]() {
            for (int i = 0; i < 20; ++i)
            {
                peer->Send(Create<Packet>(1000), to, IPV4);
            }
        });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(rx.times.size(), 20, "20 handed up");
        NS_TEST_ASSERT_MSG_EQ(macRx.times.size(), 20, "MacRx fired");
        for (size_t k = 0; k < rx.times.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(rx.times[k]),
                                  Seconds(1) + MicroSeconds(800 * (k + 1)),
                                  "arrival " << k << " not delayed");
            NS_TEST_ASSERT_MSG_EQ(rx.protocols[k], IPV4, "protocol");
        }
        NS_TEST_ASSERT_MSG_EQ(shaper->GetStats().receivedPackets, 20, "counted");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Properties mirror the master (address, MTU, broadcast, point-to-point, SendFrom); replacing
 * the queue drops what it held; a second shaper on the same master is refused by design
 * (checked by reading the watcher, not by aborting).
 */
class ShaperMirrorTestCase : public TestCase
{
  public:
    ShaperMirrorTestCase()
        : TestCase("properties mirror the master; SendFrom; queue replacement")
    {
    }

  private:
    void DoRun() override
    {
        SinkRig r = MakeSinkRig(DataRate(1000000));
        r.master->SetMtu(1400);
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetAddress(), r.master->GetAddress(), "address");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetMtu(), 1400, "MTU");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->SetMtu(1500), false, "no MTU above the master's");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->SetMtu(1000), true, "a smaller MTU is fine");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetMtu(), 1000, "own MTU");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->IsBroadcast(), r.master->IsBroadcast(), "broadcast");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetBroadcast(), r.master->GetBroadcast(), "bcast addr");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->IsPointToPoint(), false, "not point-to-point");
        r.master->SetAttribute("PointToPointMode", BooleanValue(true));
        NS_TEST_ASSERT_MSG_EQ(r.shaper->IsPointToPoint(), true, "point-to-point follows");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->NeedsArp(), r.master->NeedsArp(), "ARP");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->SupportsSendFrom(), true, "SendFrom as the master");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetChannel(), r.master->GetChannel(), "channel");

        Ptr<ShaperNetDevice> shaper = r.shaper;
        Mac48Address src = Mac48Address::Allocate();
        Simulator::Schedule(Seconds(1), [shaper, src]() {
            shaper->SendFrom(Create<Packet>(100), src, Mac48Address::GetBroadcast(), IPV4);
            for (int i = 0; i < 5; ++i)
            {
                shaper->Send(Create<Packet>(1250), Mac48Address::GetBroadcast(), IPV4);
            }
            Ptr<Queue<Packet>> q = CreateObject<DropTailQueue<Packet>>();
            shaper->SetQueue(q);
        });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(r.master->sendFromCount, 1, "SendFrom reached the master");
        NS_TEST_ASSERT_MSG_EQ(r.master->lastSource, Address(src), "with its source");
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 1, "only the first left");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().drops[ShaperNetDevice::DROP_QUEUE_REPLACED],
                              5,
                              "queue replaced with 5 inside");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * pcap and ascii through ShaperHelper: a Linux cooked capture whose timestamps show the
 * shaped spacing (10 ms for 1250 bytes at 1 Mbit/s), and an ascii trace with +, - and d.
 */
class ShaperTraceFilesTestCase : public TestCase
{
  public:
    ShaperTraceFilesTestCase()
        : TestCase("pcap (Linux cooked) and ascii traces on the shaper")
    {
    }

  private:
    void DoRun() override
    {
        std::string dir = CreateTempDirFilename("");
        std::string pcapName = dir + "shaper-test.pcap";
        std::string asciiName = dir + "shaper-test.tr";
        {
            Ptr<Node> node = CreateObject<Node>();
            Ptr<TestMaster> master = CreateObject<TestMaster>();
            master->SetAddress(Mac48Address::Allocate());
            node->AddDevice(master);
            ShaperHelper helper;
            helper.SetQueueAttribute("MaxSize", QueueSizeValue(QueueSize("5p")));
            Ptr<ShaperNetDevice> shaper = helper.Install(master, DataRate(1000000));
            helper.EnablePcap(pcapName, shaper, false, true);
            helper.EnableAscii(asciiName, shaper, true);
            SendAt(shaper, Seconds(1), 8, 1250); // 6 sent, 2 dropped
            Simulator::Run();
            Simulator::Destroy();
        }
        PcapFile pcap;
        pcap.Open(pcapName, std::ios::in);
        NS_TEST_ASSERT_MSG_EQ(pcap.Fail(), false, "pcap opens");
        NS_TEST_ASSERT_MSG_EQ(pcap.GetDataLinkType(), 113, "DLT_LINUX_SLL");
        uint8_t data[2000];
        uint32_t sec;
        uint32_t usec;
        uint32_t inclLen;
        uint32_t origLen;
        uint32_t readLen;
        std::vector<double> stamps;
        while (true)
        {
            pcap.Read(data, sizeof(data), sec, usec, inclLen, origLen, readLen);
            if (pcap.Eof() || pcap.Fail())
            {
                break;
            }
            NS_TEST_ASSERT_MSG_EQ(origLen, 16 + 1250, "SLL header + packet");
            NS_TEST_ASSERT_MSG_EQ(data[1], 4, "outgoing");
            NS_TEST_ASSERT_MSG_EQ(((data[14] << 8) | data[15]), IPV4, "protocol");
            stamps.push_back(sec + usec * 1e-6);
        }
        pcap.Close();
        NS_TEST_ASSERT_MSG_EQ(stamps.size(), 6, "6 packets in the pcap");
        for (size_t k = 1; k < stamps.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ_TOL(stamps[k] - stamps[k - 1], 0.010, 1e-6, "10 ms spacing");
        }
        std::ifstream ascii(asciiName);
        std::map<char, int> counts;
        std::string line;
        while (std::getline(ascii, line))
        {
            if (!line.empty())
            {
                counts[line[0]]++;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(counts['+'], 6, "6 enqueued");
        NS_TEST_ASSERT_MSG_EQ(counts['-'], 6, "6 released");
        NS_TEST_ASSERT_MSG_EQ(counts['d'], 2, "2 dropped");
    }
};

/**
 * \ingroup policy-routing-tests
 * The device suite.
 */
class ShaperDeviceTestSuite : public TestSuite
{
  public:
    ShaperDeviceTestSuite()
        : TestSuite("shaper-device", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperMasterFullTestCase(true));
        AddTestCase(new ShaperMasterFullTestCase(false));
        AddTestCase(new ShaperMasterDownTestCase);
        AddTestCase(new ShaperDetachTestCase);
        AddTestCase(new ShaperMasterDisposedTestCase);
        AddTestCase(new ShaperReceiveTestCase);
        AddTestCase(new ShaperMirrorTestCase);
        AddTestCase(new ShaperTraceFilesTestCase);
    }
};

static ShaperDeviceTestSuite g_shaperDeviceTestSuite; //!< the suite
