/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperNetDevice with the IPv4 stack and the traffic-control layer: a route whose device is
 * the shaper (the shaper carrying the IPv4 interface, the master none), the Linux layout
 * (master and shaper both with the same address, a route choosing the shaper for one flow
 * only), received traffic unshaped and delivered once, and queue discs above the shaper
 * (exact mode stops and wakes them; Linux mode never does, as the driver).
 */

#include "shaper-test-util.h"

#include "ns3/inet-socket-address.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-header.h"
#include "ns3/ipv4-queue-disc-item.h"
#include "ns3/ipv4-routing-table-entry.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/ipv4.h"
#include "ns3/mac48-address.h"
#include "ns3/node-container.h"
#include "ns3/node.h"
#include "ns3/queue-disc.h"
#include "ns3/queue-size.h"
#include "ns3/shaper-helper.h"
#include "ns3/simple-net-device-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/traffic-control-helper.h"
#include "ns3/traffic-control-layer.h"
#include "ns3/udp-socket-factory.h"

#include <vector>

using namespace ns3;
using namespace shapertest;

namespace
{

/// Records what a UDP socket receives, by destination port.
struct UdpSink
{
    std::vector<int64_t> times;  //!< arrival times (time steps)
    std::vector<uint32_t> sizes; //!< payload sizes

    /// Socket receive callback.
    void Recv(Ptr<Socket> socket)
    {
        Ptr<Packet> p;
        while ((p = socket->Recv()))
        {
            times.push_back(Simulator::Now().GetTimeStep());
            sizes.push_back(p->GetSize());
        }
    }
};

/// A UDP socket on node bound to port, recording into sink.
Ptr<Socket>
MakeSink(Ptr<Node> node, uint16_t port, UdpSink* sink)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
    s->SetRecvCallback(MakeCallback(&UdpSink::Recv, sink));
    return s;
}

/// Send n datagrams of size bytes from node to dst:port at time t.
void
SendUdpAt(Ptr<Node> node, Ipv4Address dst, uint16_t port, Time t, uint32_t n, uint32_t size)
{
    Simulator::ScheduleWithContext(node->GetId(), t, [node, dst, port, n, size]() {
        Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
        s->Connect(InetSocketAddress(dst, port));
        for (uint32_t i = 0; i < n; ++i)
        {
            s->Send(Create<Packet>(size));
        }
        s->Close();
    });
}

/// Check that times[first..] are spaced by gap (within tol).
bool
Spaced(const std::vector<int64_t>& times, size_t first, Time gap, Time tol)
{
    for (size_t k = first + 1; k < times.size(); ++k)
    {
        Time d = Time(times[k] - times[k - 1]) - gap;
        if (Abs(d) > tol)
        {
            return false;
        }
    }
    return true;
}

const uint16_t PORT = 9;

} // namespace

/**
 * \ingroup policy-routing-tests
 * The shaper carries node A's IPv4 interface (10.1.1.1/24), its master none. A route
 * 10.9.0.0/16 via 10.1.1.2 whose device is the shaper takes A's datagrams to 10.9.0.5 (a
 * second address of B): they arrive 1028 x 8 / 1 Mbit/s = 8.224 ms apart through a 100
 * Mbit/s link, under a FIFO queue disc that the shaper stops and wakes (no loss). B's
 * datagrams to A come up through the shaper at the link's pace (82.24 us), unshaped.
 */
class ShaperIpv4RouteTestCase : public TestCase
{
  public:
    ShaperIpv4RouteTestCase()
        : TestCase("IPv4 route via the shaper; received traffic unshaped")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes(2);
        SimpleNetDeviceHelper sndh;
        sndh.SetDeviceAttribute("DataRate", DataRateValue(DataRate("100Mbps")));
        NetDeviceContainer devs = sndh.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);

        ShaperHelper shaperHelper;
        Ptr<ShaperNetDevice> shaper = shaperHelper.Install(devs.Get(0), DataRate("1Mbps"));

        NetDeviceContainer ipDevs;
        ipDevs.Add(shaper); // the master gets no IPv4 interface
        ipDevs.Add(devs.Get(1));
        Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        addresses.Assign(ipDevs);

        Ptr<TrafficControlLayer> tc = nodes.Get(0)->GetObject<TrafficControlLayer>();
        NS_TEST_ASSERT_MSG_NE(tc->GetRootQueueDiscOnDevice(shaper),
                              nullptr,
                              "a default queue disc above the shaper (it has an NDQI)");
        TrafficControlHelper::Default().Uninstall(shaper);
        TrafficControlHelper fifo;
        fifo.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue("1000p"));
        QueueDiscContainer qdiscs = fifo.Install(shaper);

        Ptr<Ipv4> ipv4A = nodes.Get(0)->GetObject<Ipv4>();
        Ptr<Ipv4> ipv4B = nodes.Get(1)->GetObject<Ipv4>();
        int32_t shaperIf = ipv4A->GetInterfaceForDevice(shaper);
        NS_TEST_ASSERT_MSG_EQ((shaperIf >= 0), true, "interface on the shaper");
        NS_TEST_ASSERT_MSG_EQ(ipv4A->GetInterfaceForDevice(devs.Get(0)), -1, "none on master");
        int32_t ifB = ipv4B->GetInterfaceForDevice(devs.Get(1));
        ipv4B->AddAddress(ifB, Ipv4InterfaceAddress("10.9.0.5", "255.255.255.255"));

        // route add -net 10.9.0.0 netmask 255.255.0.0 gw 10.1.1.2 dev shaper0
        Ipv4StaticRoutingHelper srh;
        srh.GetStaticRouting(ipv4A)->AddNetworkRouteTo(Ipv4Address("10.9.0.0"),
                                                       Ipv4Mask("255.255.0.0"),
                                                       Ipv4Address("10.1.1.2"),
                                                       shaperIf);

        UdpSink atB;
        UdpSink atA;
        Ptr<Socket> sinkB = MakeSink(nodes.Get(1), PORT, &atB);
        Ptr<Socket> sinkA = MakeSink(nodes.Get(0), PORT, &atA);
        SendUdpAt(nodes.Get(0), "10.9.0.5", PORT, Seconds(1), 1, 1000); // resolves ARP
        SendUdpAt(nodes.Get(0), "10.9.0.5", PORT, Seconds(2), 20, 1000);
        SendUdpAt(nodes.Get(1), "10.1.1.1", PORT, Seconds(4), 1, 1000);
        SendUdpAt(nodes.Get(1), "10.1.1.1", PORT, Seconds(5), 20, 1000);
        Simulator::Stop(Seconds(10));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(atB.times.size(), 21, "B received A's datagrams via the shaper");
        NS_TEST_ASSERT_MSG_EQ(Spaced(atB.times, 1, MicroSeconds(8224), NanoSeconds(2)),
                              true,
                              "shaped: 8.224 ms apart");
        NS_TEST_ASSERT_MSG_EQ(atA.times.size(), 21, "A received B's datagrams, once each");
        NS_TEST_ASSERT_MSG_EQ(Spaced(atA.times, 1, NanoSeconds(82240), NanoSeconds(2)),
                              true,
                              "received unshaped: 82.24 us apart");
        NS_TEST_ASSERT_MSG_EQ(shaper->GetStats().dropped, 0, "no drops in the shaper");
        NS_TEST_ASSERT_MSG_EQ(qdiscs.Get(0)->GetStats().nTotalDroppedPackets, 0, "nor above");
        NS_TEST_ASSERT_MSG_GT(shaper->GetStats().receivedPackets, 21, "frames came up");
        sinkA->Close();
        sinkB->Close();
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The Linux layout of shaper.txt: A's master keeps its interface 10.1.1.1/24 and the shaper
 * has the same address; a route sends 10.9.0.0/16 through the shaper. Datagrams to 10.9.0.5
 * are shaped (8.224 ms apart), datagrams to 10.1.1.2 on the same link are not (82.24 us);
 * released packets go through the master's own queue disc; B's datagrams to A are delivered
 * once (the shaper hands only ARP up when the master has an interface).
 */
class ShaperLinuxLayoutTestCase : public TestCase
{
  public:
    ShaperLinuxLayoutTestCase()
        : TestCase("Linux layout: one flow shaped, one not, over the same link")
    {
    }

  private:
    void DoRun() override
    {
        NodeContainer nodes(2);
        SimpleNetDeviceHelper sndh;
        sndh.SetDeviceAttribute("DataRate", DataRateValue(DataRate("100Mbps")));
        NetDeviceContainer devs = sndh.Install(nodes);
        InternetStackHelper internet;
        internet.Install(nodes);
        Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
        addresses.Assign(devs); // eth1 10.1.1.1, B 10.1.1.2

        ShaperHelper shaperHelper;
        Ptr<ShaperNetDevice> shaper = shaperHelper.Install(devs.Get(0), DataRate("1Mbps"));
        // ifconfig shaper0 10.1.1.1 up (the same address as eth1)
        Ptr<Ipv4> ipv4A = nodes.Get(0)->GetObject<Ipv4>();
        uint32_t shaperIf = ipv4A->AddInterface(shaper);
        ipv4A->AddAddress(shaperIf, Ipv4InterfaceAddress("10.1.1.1", "255.255.255.0"));
        ipv4A->SetUp(shaperIf);
        Ptr<Ipv4> ipv4B = nodes.Get(1)->GetObject<Ipv4>();
        ipv4B->AddAddress(ipv4B->GetInterfaceForDevice(devs.Get(1)),
                          Ipv4InterfaceAddress("10.9.0.5", "255.255.255.255"));
        // route del -net 10.1.1.0/24 dev shaper0; route add -net 10.9.0.0/16 ... dev shaper0
        Ipv4StaticRoutingHelper srh;
        Ptr<Ipv4StaticRouting> routes = srh.GetStaticRouting(ipv4A);
        bool removed = false;
        for (uint32_t i = 0; i < routes->GetNRoutes() && !removed; ++i)
        {
            Ipv4RoutingTableEntry e = routes->GetRoute(i);
            if (e.GetInterface() == shaperIf && e.IsNetwork() &&
                e.GetDestNetwork() == Ipv4Address("10.1.1.0"))
            {
                routes->RemoveRoute(i);
                removed = true;
            }
        }
        NS_TEST_ASSERT_MSG_EQ(removed, true, "the shaper's connected route");
        routes->AddNetworkRouteTo(Ipv4Address("10.9.0.0"),
                                  Ipv4Mask("255.255.0.0"),
                                  Ipv4Address("10.1.1.2"),
                                  shaperIf);

        UdpSink shaped;
        UdpSink direct;
        UdpSink atA;
        Ptr<Socket> s1 = MakeSink(nodes.Get(1), PORT, &shaped);
        Ptr<Socket> s2 = MakeSink(nodes.Get(1), PORT + 1, &direct);
        Ptr<Socket> s3 = MakeSink(nodes.Get(0), PORT, &atA);
        SendUdpAt(nodes.Get(0), "10.9.0.5", PORT, Seconds(1), 1, 1000);
        SendUdpAt(nodes.Get(0), "10.1.1.2", PORT + 1, Seconds(1), 1, 1000);
        SendUdpAt(nodes.Get(0), "10.9.0.5", PORT, Seconds(2), 20, 1000);
        SendUdpAt(nodes.Get(0), "10.1.1.2", PORT + 1, Seconds(2), 20, 1000);
        SendUdpAt(nodes.Get(1), "10.1.1.1", PORT, Seconds(4), 1, 1000);
        SendUdpAt(nodes.Get(1), "10.1.1.1", PORT, Seconds(5), 20, 1000);
        Simulator::Stop(Seconds(10));
        Simulator::Run();

        NS_TEST_ASSERT_MSG_EQ(shaped.times.size(), 21, "shaped flow delivered");
        NS_TEST_ASSERT_MSG_EQ(Spaced(shaped.times, 1, MicroSeconds(8224), NanoSeconds(2)),
                              true,
                              "flow via the shaper: 8.224 ms apart");
        NS_TEST_ASSERT_MSG_EQ(direct.times.size(), 21, "direct flow delivered");
        NS_TEST_ASSERT_MSG_LT(Time(direct.times.back() - direct.times[1]),
                              MilliSeconds(5),
                              "flow via the master: not shaped");
        NS_TEST_ASSERT_MSG_EQ(atA.times.size(), 21, "B's datagrams delivered once each");
        NS_TEST_ASSERT_MSG_EQ(shaper->GetStats().dropped, 0, "no drops");
        s1->Close();
        s2->Close();
        s3->Close();
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The IPv4 suite.
 */
class ShaperIpv4TestSuite : public TestSuite
{
  public:
    ShaperIpv4TestSuite()
        : TestSuite("shaper-ipv4", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperIpv4RouteTestCase);
        AddTestCase(new ShaperLinuxLayoutTestCase);
    }
};

static ShaperIpv4TestSuite g_shaperIpv4TestSuite; //!< the suite

// =========================================================================================
// Queue discs above the shaper

namespace
{

/// A node with a traffic-control layer, a sink master, a shaper and a FIFO queue disc on it.
struct QdiscRig
{
    Ptr<Node> node;
    Ptr<TestMaster> master;
    Ptr<ShaperNetDevice> shaper;
    Ptr<TrafficControlLayer> tc;
    Ptr<QueueDisc> qdisc;
};

QdiscRig
MakeQdiscRig(DataRate rate, bool linuxMode, uint32_t shaperQueue)
{
    QdiscRig r;
    r.node = CreateObject<Node>();
    r.tc = CreateObject<TrafficControlLayer>();
    r.node->AggregateObject(r.tc);
    r.master = CreateObject<TestMaster>();
    r.master->SetAddress(Mac48Address::Allocate());
    r.node->AddDevice(r.master);
    ShaperHelper helper;
    helper.SetQueueAttribute("MaxSize",
                             QueueSizeValue(QueueSize(std::to_string(shaperQueue) + "p")));
    if (linuxMode)
    {
        helper.SetDeviceAttribute("Mode", StringValue("Linux"));
    }
    r.shaper = helper.Install(r.master, rate);
    TrafficControlHelper fifo;
    fifo.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue("1000p"));
    r.qdisc = fifo.Install(r.shaper).Get(0);
    return r;
}

/// Send n IPv4 items of size bytes (header included) through the traffic-control layer.
void
TcSendAt(const QdiscRig& r, Time t, uint32_t n, uint32_t size)
{
    Ptr<TrafficControlLayer> tc = r.tc;
    Ptr<ShaperNetDevice> shaper = r.shaper;
    Simulator::ScheduleWithContext(r.node->GetId(), t, [tc, shaper, n, size]() {
        for (uint32_t i = 0; i < n; ++i)
        {
            Ipv4Header h;
            h.SetPayloadSize(size - 20);
            tc->Send(shaper,
                     Create<Ipv4QueueDiscItem>(Create<Packet>(size - 20),
                                               Mac48Address::GetBroadcast(),
                                               0x0800,
                                               h));
        }
    });
}

} // namespace

/**
 * \ingroup policy-routing-tests
 * Exact mode under a FIFO queue disc: 200 packets of 1500 bytes at once into a shaper with
 * a 5-packet queue at 1 Mbit/s. The shaper stops the queue disc when its queue is full and
 * wakes it when a packet leaves: nothing is lost, 12 ms spacing, the backlog sits in the
 * queue disc.
 */
class ShaperUnderQdiscTestCase : public TestCase
{
  public:
    ShaperUnderQdiscTestCase()
        : TestCase("exact mode under a queue disc: stop and wake, no loss")
    {
    }

  private:
    void DoRun() override
    {
        QdiscRig r = MakeQdiscRig(DataRate(1000000), false, 5);
        TcSendAt(r, Seconds(1), 200, 1500);
        uint32_t backlog = 0;
        Ptr<QueueDisc> qdisc = r.qdisc;
        Simulator::Schedule(Seconds(1.001), [&]() { backlog = qdisc->GetNPackets(); });
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 200, "all 200 released");
        NS_TEST_ASSERT_MSG_EQ(r.shaper->GetStats().dropped, 0, "no drop in the shaper");
        NS_TEST_ASSERT_MSG_EQ(r.qdisc->GetStats().nTotalDroppedPackets, 0, "none above");
        NS_TEST_ASSERT_MSG_EQ(backlog, 194, "200 - 1 sent - 5 in the shaper: in the qdisc");
        for (size_t k = 0; k < r.master->times.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]),
                                  Seconds(1) + MilliSeconds(12 * k),
                                  "packet " << k);
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Linux mode under a FIFO queue disc. The driver never reports busy, so the queue disc
 * drains at once and the driver's own rules apply. 64000 bit/s (80 bytes/tick), 1000-byte
 * packets (12 ticks), 200 at t = 1 s (tick 100):
 *  - #1: clock 100, sent at once; recovery 112.
 *  - #2..#11: clocks 112, 124, ..., 220 (10 queued, 120 ticks in all).
 *  - #12..#200: clock = recovery 112 + 120 = 232 each time; each makes 11 queued, so the
 *    oldest goes: #2..#190 are dropped (189), #191..#200 remain, all at tick 232.
 *  - at tick 232 (2.32 s) the 10 leave together.
 */
class ShaperLinuxUnderQdiscTestCase : public TestCase
{
  public:
    ShaperLinuxUnderQdiscTestCase()
        : TestCase("Linux mode under a queue disc: never stops it, drops the oldest")
    {
    }

  private:
    void DoRun() override
    {
        QdiscRig r = MakeQdiscRig(DataRate(64000), true, 100);
        TcSendAt(r, Seconds(1), 200, 1000);
        Simulator::Run();
        NS_TEST_ASSERT_MSG_EQ(r.master->times.size(), 11, "11 sent");
        NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[0]), Seconds(1), "first at once");
        for (size_t k = 1; k < r.master->times.size(); ++k)
        {
            NS_TEST_ASSERT_MSG_EQ(Time(r.master->times[k]), Seconds(2.32), "the rest at 2.32 s");
        }
        const ShaperNetDevice::Stats& st = r.shaper->GetStats();
        NS_TEST_ASSERT_MSG_EQ(st.drops[ShaperNetDevice::DROP_LINUX_OVERFLOW], 189, "189 oldest");
        NS_TEST_ASSERT_MSG_EQ(st.dropped, 189, "no other drop");
        NS_TEST_ASSERT_MSG_EQ(r.qdisc->GetStats().nTotalDroppedPackets, 0, "none in the qdisc");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The queue disc suite.
 */
class ShaperQdiscTestSuite : public TestSuite
{
  public:
    ShaperQdiscTestSuite()
        : TestSuite("shaper-qdisc", TestSuite::Type::UNIT)
    {
        AddTestCase(new ShaperUnderQdiscTestCase);
        AddTestCase(new ShaperLinuxUnderQdiscTestCase);
    }
};

static ShaperQdiscTestSuite g_shaperQdiscTestSuite; //!< the suite
