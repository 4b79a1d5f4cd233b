/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Ipv4PolicyRouting with real simulated packets: rules select the path by source and TOS;
 * REJECT/PROHIBIT/DROP rules and REJECT/PROHIBIT/BLACKHOLE/THROW nodes end (or continue) the
 * lookup, and the sender's UDP socket receives the ICMP error the router sends.
 *
 * Topology (every node runs Ipv4PolicyRouting):
 *
 *   hostA 10.1.0.2 --+                    +-- 192.0.2.2      up1 [203.0.113.10 sink]
 *                    |-- R 10.1.0.1 ...  -|
 *   hostB 10.2.0.2 --+   10.2.0.1         +-- 198.51.100.2   up2 [203.0.113.10 sink]
 *
 * The server address 203.0.113.10 exists on both uplinks, so the sink that receives a packet
 * tells which way R sent it. MAIN: default via up1. Class 101: default via up2.
 */

#include "policy-routing-test-network.h"

#include "ns3/enum.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <sstream>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// The dual-uplink topology.
struct DualUplink
{
    TestNetwork net;
    Ptr<Node> hostA;
    Ptr<Node> hostB;
    Ptr<Node> router;
    Ptr<Node> up1;
    Ptr<Node> up2;
    uint32_t rUp1{0};
    uint32_t rUp2{0};
    std::vector<Received> atUp1;
    std::vector<Received> atUp2;

    explicit DualUplink(const std::string& ruleStyle = "Linux21",
                        const std::string& algorithm = "Linux")
    {
        net.Set("RuleStyle", StringValue(ruleStyle));
        net.Set("LookupAlgorithm", StringValue(algorithm));
        hostA = net.AddNode();
        hostB = net.AddNode();
        router = net.AddNode();
        up1 = net.AddNode();
        up2 = net.AddNode();
        auto [a, ra] = net.Link(hostA, "10.1.0.2/24", router, "10.1.0.1/24");
        auto [b, rb] = net.Link(hostB, "10.2.0.2/24", router, "10.2.0.1/24");
        auto [r1, u1] = net.Link(router, "192.0.2.1/30", up1, "192.0.2.2/30");
        auto [r2, u2] = net.Link(router, "198.51.100.1/30", up2, "198.51.100.2/30");
        rUp1 = r1;
        rUp2 = r2;
        // The server address on a stub link of each uplink.
        net.Attach(up1, "203.0.113.10/24", CreateObject<SimpleChannel>());
        net.Attach(up2, "203.0.113.10/24", CreateObject<SimpleChannel>());
        net.Sink(up1, 9, &atUp1);
        net.Sink(up2, 9, &atUp2);

        Ipv4PolicyRoutingHelper h;
        h.AddRoute(hostA, PolicyRouteSpec("default").Via("10.1.0.1").Dev(a));
        h.AddRoute(hostB, PolicyRouteSpec("default").Via("10.2.0.1").Dev(b));
        h.AddRoute(up1, PolicyRouteSpec("10.0.0.0/8").Via("192.0.2.1").Dev(u1));
        h.AddRoute(up2, PolicyRouteSpec("10.0.0.0/8").Via("198.51.100.1").Dev(u2));
        h.AddRoute(router, PolicyRouteSpec("default").Via("192.0.2.2").Dev(r1));
        h.AddRoute(router, PolicyRouteSpec("default").Via("198.51.100.2").Dev(r2).Class(101));
        (void)ra;
        (void)rb;
    }

    Ptr<Ipv4PolicyRouting> R() const
    {
        return TestNetwork::Routing(router);
    }
};

} // namespace

/**
 * \ingroup policy-routing-tests
 * Source and TOS rules choose the uplink.
 */
class SourceAndTosRoutingTestCase : public TestCase
{
  public:
    SourceAndTosRoutingTestCase()
        : TestCase("rules select the uplink by source prefix and by TOS")
    {
    }

  private:
    void DoRun() override
    {
        DualUplink t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Lookup(101));
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x10).Lookup(101));

        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0x00, &icmp);
        Ptr<Socket> aLowDelay = t.net.Sender(t.hostA, 0x10, &icmp);
        Ptr<Socket> aLowDelayEcn = t.net.Sender(t.hostA, 0x12 | 0x01, &icmp);
        Ptr<Socket> b = t.net.Sender(t.hostB, 0x00, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9, 100, 3);
        TestNetwork::SendAt(Seconds(2), aLowDelay, "203.0.113.10", 9, 200, 2);
        TestNetwork::SendAt(Seconds(3), b, "203.0.113.10", 9, 300, 4);
        // TOS 0x13: the rule's TOS is exact over the TOS bits 0x1e, so 0x12 != 0x10.
        TestNetwork::SendAt(Seconds(4), aLowDelayEcn, "203.0.113.10", 9, 400, 1);
        TestNetwork::Run();

        uint32_t up1From1 = 0;
        uint32_t up2From1 = 0;
        uint32_t up2From2 = 0;
        for (const Received& r : t.atUp1)
        {
            NS_TEST_EXPECT_MSG_EQ(r.from, Ipv4Address("10.1.0.2"), "only hostA uses up1");
            NS_TEST_EXPECT_MSG_EQ((r.size == 100 || r.size == 400), true, "TOS 0 traffic on up1");
            up1From1++;
        }
        for (const Received& r : t.atUp2)
        {
            if (r.from == Ipv4Address("10.1.0.2"))
            {
                NS_TEST_EXPECT_MSG_EQ(r.size, 200, "hostA's TOS 0x10 traffic on up2");
                up2From1++;
            }
            else
            {
                NS_TEST_EXPECT_MSG_EQ(r.from, Ipv4Address("10.2.0.2"), "hostB on up2");
                up2From2++;
            }
        }
        NS_TEST_EXPECT_MSG_EQ(up1From1, 4, "3 TOS-0 packets and 1 TOS-0x12 packet via up1");
        NS_TEST_EXPECT_MSG_EQ(up2From1, 2, "2 low-delay packets via up2");
        NS_TEST_EXPECT_MSG_EQ(up2From2, 4, "hostB's 4 packets via up2");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }
};

/**
 * \ingroup policy-routing-tests
 * REJECT, PROHIBIT and DROP rules: ICMP 3/0, 3/13, silence; the drop trace counts all.
 */
class TerminalRulesTestCase : public TestCase
{
  public:
    TerminalRulesTestCase()
        : TestCase("REJECT, PROHIBIT and DROP rules send ICMP 3:0, 3:13 and nothing")
    {
    }

  private:
    void DoRun() override
    {
        DualUplink t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x08).Reject());
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x04).Prohibit());
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x0c).Drop());
        uint32_t drops = 0;
        t.R()->TraceConnectWithoutContext(
            "Drop",
            MakeBoundCallback(
                +[](uint32_t* n, Ptr<const Packet>, const Ipv4Header&, RouteError, uint32_t) {
                    ++*n;
                },
                &drops));

        std::vector<IcmpReport> reject;
        std::vector<IcmpReport> prohibit;
        std::vector<IcmpReport> drop;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x08, &reject), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x04, &prohibit), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0x0c, &drop), "203.0.113.10", 9);
        TestNetwork::Run();

        NS_TEST_ASSERT_MSG_EQ(reject.size(), 1, "one ICMP for the rejected packet");
        NS_TEST_EXPECT_MSG_EQ(unsigned(reject[0].type), 3, "destination unreachable");
        NS_TEST_EXPECT_MSG_EQ(unsigned(reject[0].code), 0, "network unreachable");
        NS_TEST_EXPECT_MSG_EQ(reject[0].from, Ipv4Address("10.1.0.1"), "sent by the router");
        NS_TEST_ASSERT_MSG_EQ(prohibit.size(), 1, "one ICMP for the prohibited packet");
        NS_TEST_EXPECT_MSG_EQ(unsigned(prohibit[0].code), 13, "administratively prohibited");
        NS_TEST_EXPECT_MSG_EQ(drop.size(), 0, "DROP is silent");
        NS_TEST_EXPECT_MSG_EQ(t.atUp1.size() + t.atUp2.size(), 0, "nothing got through");
        NS_TEST_EXPECT_MSG_EQ(drops, 3, "three drops traced");
    }
};

/**
 * \ingroup policy-routing-tests
 * Special nodes in a class: REJECT (3/0 in 2.1 style, 3/1 in modern style), PROHIBIT (3/13),
 * BLACKHOLE (silent), THROW (the rule scan goes on).
 */
class SpecialNodesTestCase : public TestCase
{
  public:
    SpecialNodesTestCase(const std::string& style, uint8_t rejectCode)
        : TestCase("special nodes, " + style + " style"),
          m_style(style),
          m_rejectCode(rejectCode)
    {
    }

  private:
    void DoRun() override
    {
        DualUplink t(m_style);
        Ipv4PolicyRoutingHelper h;
        // Class 100 is consulted first for everything from hostA.
        h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/24").Lookup(100).Pref(100));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Tos(0x08).Reject().Class(100));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Tos(0x04).Prohibit().Class(100));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Tos(0x0c).Blackhole().Class(100));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Throw().Class(100));

        std::vector<IcmpReport> reject;
        std::vector<IcmpReport> prohibit;
        std::vector<IcmpReport> blackhole;
        std::vector<IcmpReport> thrown;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x08, &reject), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x04, &prohibit), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0x0c, &blackhole), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(4), t.net.Sender(t.hostA, 0x00, &thrown), "203.0.113.10", 9);
        TestNetwork::Run();

        NS_TEST_ASSERT_MSG_EQ(reject.size(), 1, "REJECT node answers");
        NS_TEST_EXPECT_MSG_EQ(unsigned(reject[0].code), unsigned(m_rejectCode), "REJECT code");
        NS_TEST_ASSERT_MSG_EQ(prohibit.size(), 1, "PROHIBIT node answers");
        NS_TEST_EXPECT_MSG_EQ(unsigned(prohibit[0].code), 13, "PROHIBIT code");
        NS_TEST_EXPECT_MSG_EQ(blackhole.size(), 0, "BLACKHOLE is silent");
        NS_TEST_EXPECT_MSG_EQ(thrown.size(), 0, "THROW is no error");
        NS_TEST_ASSERT_MSG_EQ(t.atUp1.size(), 1, "the thrown packet went on to MAIN: up1");
        NS_TEST_EXPECT_MSG_EQ(t.atUp1[0].size, 100, "it is that packet");
        NS_TEST_EXPECT_MSG_EQ(t.atUp2.size(), 0, "nothing via up2");
    }

    std::string m_style;
    uint8_t m_rejectCode;
};

/**
 * \ingroup policy-routing-tests
 * No rule gives a route: network unreachable (3/0); in RFC 1812 mode, a class with routes to
 * the destination but none for the packet's TOS gives 3/11.
 */
class UnreachableTestCase : public TestCase
{
  public:
    UnreachableTestCase()
        : TestCase("no route gives ICMP 3:0; an RFC 1812 TOS miss gives 3:11")
    {
    }

  private:
    void DoRun() override
    {
        {
            DualUplink t;
            RouteSelector s;
            s.prefix = 0;
            s.length = 0;
            NS_TEST_ASSERT_MSG_EQ(t.R()->DeleteRoute(s, CLASS_MAIN),
                                  ClassResult::OK,
                                  "default route deleted");
            std::vector<IcmpReport> icmp;
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0, &icmp), "203.0.113.10", 9);
            TestNetwork::Run();
            NS_TEST_ASSERT_MSG_EQ(icmp.size(), 1, "one ICMP");
            NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 0, "network unreachable");
        }
        {
            DualUplink t("Linux21", "Rfc1812");
            Ipv4PolicyRoutingHelper h;
            // The longest match for 203.0.113.10 has only a TOS 0x08 node.
            h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Via("192.0.2.2").Tos(0x08));
            std::vector<IcmpReport> icmp;
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x10, &icmp), "203.0.113.10", 9);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x08, &icmp), "203.0.113.10", 9);
            TestNetwork::Run();
            NS_TEST_ASSERT_MSG_EQ(icmp.size(), 1, "one ICMP (the TOS 0x08 packet is routed)");
            NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 11, "network unreachable for TOS");
            NS_TEST_EXPECT_MSG_EQ(t.atUp1.size(), 1, "the matching-TOS packet arrived");
        }
        {
            // The same table in Linux mode backtracks to the default route.
            DualUplink t("Linux21", "Linux");
            Ipv4PolicyRoutingHelper h;
            h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Via("198.51.100.2").Tos(0x08));
            std::vector<IcmpReport> icmp;
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x10, &icmp), "203.0.113.10", 9);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x08, &icmp), "203.0.113.10", 9);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no ICMP in Linux mode");
            NS_TEST_EXPECT_MSG_EQ(t.atUp1.size(), 1, "TOS 0x10 fell back to the default route");
            NS_TEST_EXPECT_MSG_EQ(t.atUp2.size(), 1, "TOS 0x08 took its TOS route");
        }
    }
};

/**
 * \ingroup policy-routing-tests
 * The default rules, classes and listings, exactly as the seed's `iproute -r` shows them.
 */
class DefaultsTestCase : public TestCase
{
  public:
    DefaultsTestCase()
        : TestCase("default rules, LOCAL and MAIN filled from the interfaces, listings")
    {
    }

  private:
    void DoRun() override
    {
        DualUplink t;
        std::ostringstream seed;
        t.R()->GetDatabase().PrintRulesSeed(seed);
        NS_TEST_EXPECT_MSG_EQ(seed.str(),
                              "Kernel routing policy rules\n"
                              "Pref Source Destination TOS Iface Cl\n"
                              "0 default default 00 * 255\n"
                              "254 default default 00 * 254\n"
                              "255 default default 00 * 253\n",
                              "seed listing");

        DualUplink m("Modern");
        std::ostringstream modern;
        m.R()->GetDatabase().PrintRulesModern(modern);
        NS_TEST_EXPECT_MSG_EQ(modern.str(),
                              "0:\tfrom all lookup local\n"
                              "32766:\tfrom all lookup main\n"
                              "32767:\tfrom all lookup default\n",
                              "ip rule listing");

        std::ostringstream local;
        t.R()->GetDatabase().PrintClass(local, CLASS_LOCAL, [&t](uint32_t i) {
            return t.R()->GetInterfaceName(i);
        });
        NS_TEST_EXPECT_MSG_EQ(local.str(),
                              "local 10.1.0.1 dev if1 src 10.1.0.1\n"
                              "broadcast 10.1.0.255 dev if1 src 10.1.0.1\n"
                              "local 10.2.0.1 dev if2 src 10.2.0.1\n"
                              "broadcast 10.2.0.255 dev if2 src 10.2.0.1\n"
                              "local 127.0.0.0/8 dev lo src 127.0.0.1\n"
                              "local 127.0.0.1 dev lo src 127.0.0.1\n"
                              "broadcast 127.255.255.255 dev lo src 127.0.0.1\n"
                              "local 192.0.2.1 dev if3 src 192.0.2.1\n"
                              "broadcast 192.0.2.3 dev if3 src 192.0.2.1\n"
                              "local 198.51.100.1 dev if4 src 198.51.100.1\n"
                              "broadcast 198.51.100.3 dev if4 src 198.51.100.1\n",
                              "LOCAL class");
        std::ostringstream main;
        t.R()->GetDatabase().PrintClass(main, CLASS_MAIN, [&t](uint32_t i) {
            return t.R()->GetInterfaceName(i);
        });
        NS_TEST_EXPECT_MSG_EQ(main.str(),
                              "default via 192.0.2.2 dev if3\n"
                              "10.1.0.0/24 dev if1 src 10.1.0.1\n"
                              "10.2.0.0/24 dev if2 src 10.2.0.1\n"
                              "192.0.2.0/30 dev if3 src 192.0.2.1\n"
                              "198.51.100.0/30 dev if4 src 198.51.100.1\n",
                              "MAIN class");
        NS_TEST_EXPECT_MSG_EQ(t.R()->RouteGet(Ipv4Address("203.0.113.10")),
                              "203.0.113.10 via 192.0.2.2 dev if3 src 192.0.2.1 table 254",
                              "ip route get");
        NS_TEST_EXPECT_MSG_EQ(t.R()->RouteGet(Ipv4Address("10.2.0.1")),
                              "local 10.2.0.1 dev lo src 10.2.0.1 table 255",
                              "ip route get, local");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Ipv4PolicyRouting suite.
 */
class Ipv4PolicyRoutingTestSuite : public TestSuite
{
  public:
    Ipv4PolicyRoutingTestSuite()
        : TestSuite("ipv4-policy-routing", TestSuite::Type::UNIT)
    {
        AddTestCase(new DefaultsTestCase);
        AddTestCase(new SourceAndTosRoutingTestCase);
        AddTestCase(new TerminalRulesTestCase);
        AddTestCase(new SpecialNodesTestCase("Linux21", 0));
        AddTestCase(new SpecialNodesTestCase("Modern", 1));
        AddTestCase(new UnreachableTestCase);
    }
};

/// Static instance registering the suite.
static Ipv4PolicyRoutingTestSuite g_ipv4PolicyRoutingTestSuite;
