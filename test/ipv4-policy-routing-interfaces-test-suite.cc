/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Interfaces and the ns-3 routing framework with real simulated packets:
 *  - interface down/up: connected and broadcast routes go and come back, local routes stay;
 *    user routes through the interface are flushed (Flush) or come back (Park);
 *  - addresses added and removed (also a secondary address of a connected subnet, and an
 *    address added while the interface is down), reflected in LOCAL and MAIN;
 *  - inside Ipv4ListRouting beside Ipv4StaticRouting, both orders of priority (forwarding,
 *    local output, errors);
 *  - installed alone: local delivery of unicast, directed and limited broadcast and
 *    multicast; a host (forwarding off) drops what is not for it, silently.
 *
 * Topology: TwoUplinks (policy-routing-test-kit.h) unless said otherwise.
 */

#include "policy-routing-test-kit.h"

#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-list-routing-helper.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4-static-routing.h"
#include "ns3/string.h"
#include "ns3/test.h"

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// \return true if \p text contains \p part
bool
Contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// Listings of LOCAL and MAIN taken during the simulation.
struct Snapshot
{
    std::string local; //!< LOCAL class
    std::string main;  //!< MAIN class
};

/// Take a snapshot of \p r's LOCAL and MAIN classes into \p out at \p at.
void
SnapshotAt(Time at, Ptr<Ipv4PolicyRouting> r, Snapshot* out)
{
    Simulator::Schedule(at, [r, out]() {
        out->local = ClassListing(r, CLASS_LOCAL);
        out->main = ClassListing(r, CLASS_MAIN);
    });
}

} // namespace

/**
 * \ingroup policy-routing-tests
 * R's interface to up1 (if3) goes down at 2 s and up at 4 s. While down, MAIN's default route
 * via up1 is gone (the DEFAULT class is empty: network unreachable) and so are the connected
 * and broadcast routes; R's address on if3 is still delivered locally. After it comes up, the
 * connected routes are back; the user's default route only with InterfaceDownPolicy Park.
 * A route through if4 is untouched.
 */
class InterfaceDownUpTestCase : public TestCase
{
  public:
    explicit InterfaceDownUpTestCase(const std::string& policy)
        : TestCase("interface down and up, InterfaceDownPolicy " + policy),
          m_policy(policy)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"InterfaceDownPolicy", m_policy}});
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.20/32").Via("192.0.2.2").Class(101));
        h.AddRule(t.router, PolicyRuleSpec().To("203.0.113.0/24").Tos(0x08).Lookup(101));
        Snapshot before;
        Snapshot down;
        Snapshot up;
        SnapshotAt(Seconds(1.5), t.R(), &before);
        SetInterfaceAt(Seconds(2), t.router, 3, false);
        SnapshotAt(Seconds(2.5), t.R(), &down);
        SetInterfaceAt(Seconds(4), t.router, 3, true);
        SnapshotAt(Seconds(4.5), t.R(), &up);
        const bool park = m_policy == "Park";

        std::vector<IcmpReport> icmp;
        std::vector<IcmpReport> icmp8;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        Ptr<Socket> a8 = t.net.Sender(t.hostA, 0x08, &icmp8);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9);    // up1
        TestNetwork::SendAt(Seconds(3), a, "203.0.113.10", 9);    // unreachable
        TestNetwork::SendAt(Seconds(3.1), a, "192.0.2.1", 9);     // local, still
        TestNetwork::SendAt(Seconds(3.2), a8, "203.0.113.10", 9); // class 101 default: up2
        TestNetwork::SendAt(Seconds(3.3), a8, "203.0.113.20", 9); // class 101 via if3: gone
        TestNetwork::SendAt(Seconds(5), a, "203.0.113.10", 9);    // Park: up1; Flush: unreachable
        TestNetwork::SendAt(Seconds(5.1), a, "192.0.2.2", 9);     // connected again: up1
        TestNetwork::SendAt(Seconds(5.2), a8, "203.0.113.20", 9); // Park: up1 again
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(Contains(before.main, "192.0.2.0/30 dev if3 src 192.0.2.1"),
                              true,
                              "connected route before");
        NS_TEST_EXPECT_MSG_EQ(Contains(down.main, "192.0.2.0/30"), false, "connected gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(down.main, "default via 192.0.2.2"), false, "default gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(down.local, "broadcast 192.0.2.3"), false, "broadcast gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(down.local, "local 192.0.2.1 dev if3 src 192.0.2.1"),
                              true,
                              "the local route stays");
        NS_TEST_EXPECT_MSG_EQ(Contains(down.local, "broadcast 198.51.100.3"),
                              true,
                              "other interfaces untouched");
        NS_TEST_EXPECT_MSG_EQ(Contains(up.main, "192.0.2.0/30 dev if3 src 192.0.2.1"),
                              true,
                              "connected route back");
        NS_TEST_EXPECT_MSG_EQ(Contains(up.local, "broadcast 192.0.2.3 dev if3"),
                              true,
                              "broadcast back");
        NS_TEST_EXPECT_MSG_EQ(Contains(up.main, "default via 192.0.2.2 dev if3"),
                              park,
                              "the user's route back only when parked");

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"),
                              (park ? 2 : 1),
                              "before, and after only when parked");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "192.0.2.2"), 1, "connected again");
        NS_TEST_EXPECT_MSG_EQ(t.sinkR.size(), 1, "R's address on the down interface delivered");
        PR_TEST_REQUIRE_MSG_EQ(icmp.size(), (park ? 1 : 2), "network unreachable while down");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 0, "3/0");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10"), 1, "if4 untouched");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.20"),
                              (park ? 1 : 0),
                              "class 101's route via if3 parked or flushed");
        // While if3 is down class 101 has no .20 node: its default (via up2) takes .20.
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.20"),
                              (park ? 1 : 2),
                              "the class default took .20 while its route was gone");
        NS_TEST_EXPECT_MSG_EQ(icmp8.size(), 0, "no error for the TOS 0x08 packets");
    }

    std::string m_policy;
};

/**
 * \ingroup policy-routing-tests
 * Addresses added and removed: a new subnet on R's if1 (172.20.0.1/24) gets its local,
 * broadcast and connected routes and is delivered locally, then loses them; a secondary
 * address of an existing subnet leaves the subnet's routes in place when removed; an address
 * added while its interface is down gets its local route at once (fib_add_ifaddr adds the
 * local route before it checks IFF_UP) and the rest when the interface comes up.
 */
class AddressChangeTestCase : public TestCase
{
  public:
    AddressChangeTestCase()
        : TestCase("addresses added and removed")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ptr<Ipv4> ipv4 = t.router->GetObject<Ipv4>();
        Snapshot added;
        Snapshot removed;
        Snapshot whileDown;
        Snapshot afterUp;
        Simulator::Schedule(Seconds(2), [ipv4]() {
            ipv4->AddAddress(1, Ipv4InterfaceAddress("172.20.0.1", "255.255.255.0"));
            ipv4->AddAddress(1, Ipv4InterfaceAddress("10.1.0.9", "255.255.0.0"));
        });
        SnapshotAt(Seconds(2.5), t.R(), &added);
        Simulator::Schedule(Seconds(4), [ipv4]() {
            ipv4->RemoveAddress(1, Ipv4Address("172.20.0.1"));
            ipv4->RemoveAddress(1, Ipv4Address("10.1.0.9"));
        });
        SnapshotAt(Seconds(4.5), t.R(), &removed);
        // if2 (hostB) down at 6 s, an address added at 6.1 s, up at 8 s.
        SetInterfaceAt(Seconds(6), t.router, 2, false);
        Simulator::Schedule(Seconds(6.1), [ipv4]() {
            ipv4->AddAddress(2, Ipv4InterfaceAddress("172.16.0.1", "255.255.255.0"));
        });
        SnapshotAt(Seconds(6.5), t.R(), &whileDown);
        SetInterfaceAt(Seconds(8), t.router, 2, true);
        SnapshotAt(Seconds(8.5), t.R(), &afterUp);

        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "172.20.0.1", 9); // not R's: default, up1
        TestNetwork::SendAt(Seconds(3), a, "172.20.0.1", 9); // R's
        TestNetwork::SendAt(Seconds(3.1), a, "10.1.0.9", 9); // R's (secondary)
        TestNetwork::SendAt(Seconds(5), a, "172.20.0.1", 9); // not R's again: up1
        TestNetwork::SendAt(Seconds(5.1), t.net.Sender(t.hostB, 0, &icmp), "10.1.0.2", 9);
        TestNetwork::SendAt(Seconds(7), a, "172.16.0.1", 9); // R's, its interface down
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(Contains(added.local, "local 172.20.0.1 dev if1 src 172.20.0.1"),
                              true,
                              "local route added");
        NS_TEST_EXPECT_MSG_EQ(
            Contains(added.local, "broadcast 172.20.0.255 dev if1 src 172.20.0.1"),
            true,
            "broadcast route added");
        NS_TEST_EXPECT_MSG_EQ(Contains(added.main, "172.20.0.0/24 dev if1 src 172.20.0.1"),
                              true,
                              "connected route added");
        NS_TEST_EXPECT_MSG_EQ(Contains(added.local, "local 10.1.0.9 dev if1 src 10.1.0.9"),
                              true,
                              "secondary: local route added");
        NS_TEST_EXPECT_MSG_EQ(Contains(added.main, "10.1.0.0/16 dev if1 src 10.1.0.9"),
                              false,
                              "secondary: no second connected route");
        NS_TEST_EXPECT_MSG_EQ(Contains(removed.local, "172.20.0."), false, "local routes gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(removed.main, "172.20.0.0/24"), false, "connected gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(removed.local, "10.1.0.9"), false, "secondary's gone");
        NS_TEST_EXPECT_MSG_EQ(Contains(removed.main, "10.1.0.0/16 dev if1 src 10.1.0.1"),
                              true,
                              "the primary's connected route stays");
        NS_TEST_EXPECT_MSG_EQ(Contains(whileDown.local, "local 172.16.0.1 dev if2"),
                              true,
                              "an address added while down gets its local route");
        NS_TEST_EXPECT_MSG_EQ(Contains(whileDown.main, "172.16.0.0/24"),
                              false,
                              "but no connected route while down");
        NS_TEST_EXPECT_MSG_EQ(Contains(afterUp.main, "172.16.0.0/24 dev if2 src 172.16.0.1"),
                              true,
                              "the connected route when the interface comes up");
        NS_TEST_EXPECT_MSG_EQ(Contains(afterUp.local, "broadcast 172.16.0.255 dev if2"),
                              true,
                              "and the broadcast route");

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "172.20.0.1"),
                              2,
                              "before and after, 172.20.0.1 is not R's");
        NS_TEST_EXPECT_MSG_EQ(t.sinkR.size(), 3, "R's new addresses delivered locally");
        NS_TEST_EXPECT_MSG_EQ(t.sinkHostA.size(), 1, "hostA's subnet still connected");
    }
};

/**
 * \ingroup policy-routing-tests
 * Ipv4PolicyRouting inside Ipv4ListRouting beside Ipv4StaticRouting, in both orders.
 * Static: 203.0.113.10/32, .20/32 and .40/32 via up1. Policy: .10 and .100 to class 101 (up2),
 * .40 prohibited, no default. The first protocol that answers wins; the policy protocol
 * returns false when no rule answers, so static gets its turn; its errors are final.
 */
class ListRoutingTestCase : public TestCase
{
  public:
    explicit ListRoutingTestCase(bool policyFirst)
        : TestCase(std::string("inside Ipv4ListRouting, ") +
                   (policyFirst ? "policy before static" : "static before policy")),
          m_policyFirst(policyFirst)
    {
    }

  private:
    void DoRun() override
    {
        TestNetwork net;
        Ptr<Node> hostA = net.AddNode();
        Ptr<Node> up1 = net.AddNode();
        Ptr<Node> up2 = net.AddNode();
        Ipv4ListRoutingHelper list;
        Ipv4StaticRoutingHelper staticHelper;
        Ipv4PolicyRoutingHelper policyHelper;
        list.Add(staticHelper, m_policyFirst ? 0 : 10);
        list.Add(policyHelper, m_policyFirst ? 10 : 0);
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.SetRoutingHelper(list);
        Ptr<Node> r = CreateObject<Node>();
        stack.Install(r);
        auto [a, ra] = net.Link(hostA, "10.1.0.2/16", r, "10.1.0.1/16");
        auto [r1, u1] = net.Link(r, "192.0.2.1/30", up1, "192.0.2.2/30");
        auto [r2, u2] = net.Link(r, "198.51.100.1/30", up2, "198.51.100.2/30");
        std::vector<WirePacket> atUp1;
        std::vector<WirePacket> atUp2;
        for (Ptr<Node> up : {up1, up2})
        {
            const uint32_t stub = net.Attach(up, "203.0.113.10/24", CreateObject<SimpleChannel>());
            for (const char* extra : {"203.0.113.20", "203.0.113.40", "203.0.113.100"})
            {
                up->GetObject<Ipv4>()->AddAddress(
                    stub,
                    Ipv4InterfaceAddress(Ipv4Address(extra), Ipv4Mask("255.255.255.0")));
            }
        }
        WireTap::Attach(up1, &atUp1);
        WireTap::Attach(up2, &atUp2);
        std::vector<Datagram> sinkR;
        Udp::Sink(r, 9, &sinkR);
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(hostA, PolicyRouteSpec("default").Via("10.1.0.1").Dev(a));
        h.AddRoute(up1, PolicyRouteSpec("10.0.0.0/8").Via("192.0.2.1").Dev(u1));
        h.AddRoute(up1, PolicyRouteSpec("192.0.2.0/24").Via("192.0.2.1").Dev(u1));
        h.AddRoute(up2, PolicyRouteSpec("10.0.0.0/8").Via("198.51.100.1").Dev(u2));
        h.AddRoute(up2, PolicyRouteSpec("192.0.2.0/24").Via("198.51.100.1").Dev(u2));

        Ptr<Ipv4StaticRouting> st = staticHelper.GetStaticRouting(r->GetObject<Ipv4>());
        for (const char* d : {"203.0.113.10", "203.0.113.20", "203.0.113.40"})
        {
            st->AddHostRouteTo(Ipv4Address(d), Ipv4Address("192.0.2.2"), r1);
        }
        h.AddRoute(r, PolicyRouteSpec("default").Via("198.51.100.2").Dev(r2).Class(101));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.10/32").Lookup(101));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.100/32").Lookup(101));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.40/32").Prohibit());
        PolicyTraces traces;
        traces.ConnectLight(TestNetwork::Routing(r));

        std::vector<IcmpReport> icmp;
        Ptr<Socket> s = net.Sender(hostA, 0, &icmp);
        TestNetwork::SendAt(Seconds(1), s, "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(1.1), s, "203.0.113.20", 9);
        TestNetwork::SendAt(Seconds(1.2), s, "203.0.113.100", 9);
        TestNetwork::SendAt(Seconds(1.3), s, "203.0.113.40", 9);
        TestNetwork::SendAt(Seconds(1.4), s, "203.0.113.200", 9); // nobody
        TestNetwork::SendAt(Seconds(1.5), s, "10.1.0.1", 9);      // R itself
        // R's own traffic (RouteOutput through the list).
        TestNetwork::SendAt(Seconds(2), net.Sender(r, 0, &icmp), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(2.1), net.Sender(r, 0, &icmp), "203.0.113.20", 9);
        TestNetwork::Run();

        auto count = [](const std::vector<WirePacket>& tap, const char* dst, const char* src) {
            return TwoUplinks::Count(tap, dst, src);
        };
        NS_TEST_EXPECT_MSG_EQ(count(m_policyFirst ? atUp2 : atUp1, "203.0.113.10", "10.1.0.2"),
                              1,
                              ".10 forwarded by the first protocol");
        NS_TEST_EXPECT_MSG_EQ(count(atUp1, "203.0.113.20", "10.1.0.2"),
                              1,
                              ".20: only static knows it");
        NS_TEST_EXPECT_MSG_EQ(count(atUp2, "203.0.113.100", "10.1.0.2"),
                              1,
                              ".100: only policy knows it");
        NS_TEST_EXPECT_MSG_EQ(count(atUp1, "203.0.113.40", "10.1.0.2"),
                              (m_policyFirst ? 0 : 1),
                              ".40: static forwards it when first");
        NS_TEST_EXPECT_MSG_EQ(
            count(m_policyFirst ? atUp2 : atUp1, "203.0.113.10", "192.0.2.1") +
                count(m_policyFirst ? atUp2 : atUp1, "203.0.113.10", "198.51.100.1"),
            1,
            "R's own .10 through the first protocol");
        NS_TEST_EXPECT_MSG_EQ(count(atUp1, "203.0.113.20", "192.0.2.1"), 1, "R's own .20");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(atUp1).size() + TwoUplinks::ToPort9(atUp2).size(),
                              (m_policyFirst ? 5 : 6),
                              "nothing else left R (.200 went nowhere)");
        NS_TEST_EXPECT_MSG_EQ(sinkR.size(), 1, "the list delivered R's own address");
        // The uplinks have no port-9 sockets here: they answer 3/3; count R's 3/13 only.
        std::size_t prohibited = 0;
        for (const IcmpReport& i : icmp)
        {
            prohibited += (i.code == 13 && i.from == Ipv4Address("10.1.0.1")) ? 1 : 0;
        }
        NS_TEST_EXPECT_MSG_EQ(prohibited,
                              (m_policyFirst ? 1 : 0),
                              "the prohibited .40 answered once, when policy is first");
        NS_TEST_EXPECT_MSG_EQ(traces.icmps.size(), (m_policyFirst ? 1 : 0), "sent once");
    }

    bool m_policyFirst;
};

/**
 * \ingroup policy-routing-tests
 * Installed alone, Ipv4PolicyRouting also delivers locally (as Ipv4ListRouting would):
 * unicast to any of R's addresses, the directed broadcast of a connected subnet, the limited
 * broadcast, and multicast.
 */
class StandaloneDeliveryTestCase : public TestCase
{
  public:
    StandaloneDeliveryTestCase()
        : TestCase("installed alone: local delivery of unicast, broadcast and multicast")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        a->SetAllowBroadcast(true);
        Ptr<Socket> m = t.net.Sender(t.hostA, 0, &icmp);
        m->BindToNetDevice(t.hostA->GetObject<Ipv4>()->GetNetDevice(t.aIf));
        TestNetwork::SendAt(Seconds(1), a, "10.1.0.1", 9);
        TestNetwork::SendAt(Seconds(1.1), a, "198.51.100.1", 9);
        TestNetwork::SendAt(Seconds(1.2), a, "10.1.255.255", 9);
        TestNetwork::SendAt(Seconds(1.3), a, "255.255.255.255", 9);
        TestNetwork::SendAt(Seconds(1.4), m, "224.0.0.251", 9);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(t.sinkR.size(), 5, "all five delivered to R's socket");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size() +
                                  TwoUplinks::ToPort9(t.atUp2).size(),
                              0,
                              "nothing forwarded");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }
};

/**
 * \ingroup policy-routing-tests
 * A host (forwarding off on its interface) that gets a packet for someone else drops it
 * silently (2.1: "if (!IS_ROUTER) return -EINVAL"): no ICMP, a Drop trace.
 */
class HostDropsTestCase : public TestCase
{
  public:
    HostDropsTestCase()
        : TestCase("a host drops what is not for it, without ICMP")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        t.hostA->GetObject<Ipv4>()->SetForwarding(t.aIf, false);
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(t.router, PolicyRouteSpec("10.1.99.0/24").Via("10.1.0.2"));
        PolicyTraces traces;
        traces.ConnectLight(TestNetwork::Routing(t.hostA));
        std::vector<IcmpReport> icmp;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostB, 0, &icmp), "10.1.99.99", 9, 100, 2);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostB, 0, &icmp), "10.1.0.2", 9);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no ICMP");
        PR_TEST_REQUIRE_MSG_EQ(traces.drops.size(), 2, "hostA dropped both");
        NS_TEST_EXPECT_MSG_EQ(traces.drops[0].reason, RouteError::INVALID, "not a router");
        NS_TEST_EXPECT_MSG_EQ(traces.icmps.size(), 0, "no ICMP traced");
        NS_TEST_EXPECT_MSG_EQ(t.sinkHostA.size(), 1, "its own traffic is delivered");
    }
};

/**
 * \ingroup policy-routing-tests
 * Interfaces suite.
 */
class Ipv4PolicyRoutingInterfacesTestSuite : public TestSuite
{
  public:
    Ipv4PolicyRoutingInterfacesTestSuite()
        : TestSuite("ipv4-policy-routing-interfaces", TestSuite::Type::UNIT)
    {
        AddTestCase(new InterfaceDownUpTestCase("Flush"));
        AddTestCase(new InterfaceDownUpTestCase("Park"));
        AddTestCase(new AddressChangeTestCase);
        AddTestCase(new ListRoutingTestCase(true));
        AddTestCase(new ListRoutingTestCase(false));
        AddTestCase(new StandaloneDeliveryTestCase);
        AddTestCase(new HostDropsTestCase);
    }
};

/// Static instance registering the suite.
static Ipv4PolicyRoutingInterfacesTestSuite g_ipv4PolicyRoutingInterfacesTestSuite;
