/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Rules with real simulated packets: every selector (from, to, tos, iif, iif loopback, oif
 * of a bound socket), preference ordering in both rule styles (equal and unspecified
 * preferences, and the OSPF recipe of the seed, semantics.md §2.5), rules with their own
 * route (gateway and device, gateway only, device only; 1200 of them, no 256 limit), and the
 * LOG flag (RouteCreated and the NS_LOG line once per flow).
 *
 * Topology: TwoUplinks (policy-routing-test-kit.h). MAIN sends everything to up1, class 101
 * to up2, so the uplink a datagram reaches tells which rule decided.
 */

#include "policy-routing-test-kit.h"

#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/log.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <sstream>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// \return the rules of \p r as the seed's `iproute -r` lists them
std::string
SeedListing(Ptr<const Ipv4PolicyRouting> r)
{
    std::ostringstream os;
    r->GetDatabase().PrintRulesSeed(os);
    return os.str();
}

/// \return the rules of \p r as `ip rule show` lists them
std::string
ModernListing(Ptr<const Ipv4PolicyRouting> r)
{
    std::ostringstream os;
    r->GetDatabase().PrintRulesModern(os, [r](uint32_t i) { return r->GetInterfaceName(i); });
    return os.str();
}

/// Captures std::clog (where NS_LOG writes) while alive.
class ClogCapture
{
  public:
    ClogCapture()
        : m_old(std::clog.rdbuf(m_buffer.rdbuf()))
    {
    }

    ~ClogCapture()
    {
        std::clog.rdbuf(m_old);
    }

    /// \return how many captured lines contain \p text
    std::size_t Count(const std::string& text) const
    {
        std::istringstream in(m_buffer.str());
        std::string line;
        std::size_t n = 0;
        while (std::getline(in, line))
        {
            n += line.find(text) != std::string::npos ? 1 : 0;
        }
        return n;
    }

  private:
    std::ostringstream m_buffer;
    std::streambuf* m_old;
};

} // namespace

/**
 * \ingroup policy-routing-tests
 * One selector at a time: packets the rule selects go to up2 (class 101), the others to up1.
 */
class SelectorTestCase : public TestCase
{
  public:
    explicit SelectorTestCase(const std::string& selector)
        : TestCase("selector " + selector),
          m_selector(selector)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        std::vector<IcmpReport> icmp;
        const std::string srv = "203.0.113.10";
        if (m_selector == "from")
        {
            h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Lookup(101));
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0, &icmp), srv, 9, 100, 2);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostB, 0, &icmp), srv, 9, 100, 3);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, srv, "10.1.0.2"), 2, "A via up1");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, srv, "10.2.0.2"), 3, "B via up2");
        }
        else if (m_selector == "to")
        {
            h.AddRule(t.router, PolicyRuleSpec().To("203.0.113.20/32").Lookup(101));
            Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
            TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9, 100, 2);
            TestNetwork::SendAt(Seconds(2), a, "203.0.113.20", 9, 100, 3);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"), 2, ".10 via up1");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.20"), 3, ".20 via up2");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 3, "only .20 via up2");
        }
        else if (m_selector == "tos")
        {
            // Rule TOS is exact (semantics.md §2.3): 0x0c is not 0x08.
            h.AddRule(t.router, PolicyRuleSpec().Tos(0x08).Lookup(101));
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x00, &icmp), srv, 9, 100, 2);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x08, &icmp), srv, 9, 200, 3);
            TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0x0c, &icmp), srv, 9, 300, 1);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size(), 3, "TOS 0 and 0x0c: up1");
            NS_TEST_ASSERT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 3, "TOS 0x08: up2");
            for (const WirePacket& w : TwoUplinks::ToPort9(t.atUp2))
            {
                NS_TEST_EXPECT_MSG_EQ(unsigned(w.tos), 0x08, "only TOS 0x08 via up2");
            }
        }
        else if (m_selector == "iif")
        {
            h.AddRule(t.router, PolicyRuleSpec().Iif(t.RDev(2)).Lookup(101));
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0, &icmp), srv, 9, 100, 2);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostB, 0, &icmp), srv, 9, 100, 3);
            // R's own traffic does not come in through hostB's interface.
            TestNetwork::SendAt(Seconds(3), t.net.Sender(t.router, 0, &icmp), srv, 9, 100, 1);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, srv, "10.1.0.2"), 2, "A via up1");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, srv, "10.2.0.2"), 3, "B via up2");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, srv, "192.0.2.1"), 1, "R via up1");
        }
        else if (m_selector == "iif-loopback")
        {
            // ip-rule(8): "If the interface is loopback, the rule only matches packets
            // originating from this host."
            h.AddRule(t.router, PolicyRuleSpec().Iif(t.R()->GetLoopbackInterface()).Lookup(101));
            TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0, &icmp), srv, 9, 100, 2);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.router, 0, &icmp), srv, 9, 100, 3);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, srv, "10.1.0.2"), 2, "forwarded: up1");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, srv, "198.51.100.1"),
                                  3,
                                  "R's own, from its up2 address: up2");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 3, "nothing else on up2");
        }
        else if (m_selector == "oif")
        {
            h.AddRule(t.router, PolicyRuleSpec().Oif(t.RDev(4)).Lookup(101));
            Ptr<Socket> bound = t.net.Sender(t.router, 0, &icmp);
            bound->BindToNetDevice(t.RDev(4));
            TestNetwork::SendAt(Seconds(1), bound, srv, 9, 100, 3);
            TestNetwork::SendAt(Seconds(2), t.net.Sender(t.router, 0, &icmp), srv, 9, 200, 2);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, srv, "198.51.100.1"),
                                  3,
                                  "the socket bound to if4 uses class 101");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, srv, "192.0.2.1"),
                                  2,
                                  "the unbound socket uses MAIN");
        }
        else if (m_selector == "oif-no-rule")
        {
            // Without the rule, a socket bound to if4 finds no route: MAIN's default leaves
            // through if3 and a bound lookup only sees routes through its device.
            PolicyTraces traces;
            traces.Connect(t.R());
            const uint32_t loopback = t.R()->GetLoopbackInterface();
            Ptr<Socket> bound = t.net.Sender(t.router, 0, &icmp);
            bound->BindToNetDevice(t.RDev(4));
            TestNetwork::SendAt(Seconds(1), bound, srv, 9, 100, 2);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size() +
                                      TwoUplinks::ToPort9(t.atUp2).size(),
                                  0,
                                  "nothing sent");
            PR_TEST_REQUIRE_MSG_EQ(traces.drops.size(), 2, "two failed output lookups");
            NS_TEST_EXPECT_MSG_EQ(traces.drops[0].reason,
                                  RouteError::NET_UNREACHABLE,
                                  "network unreachable");
            NS_TEST_EXPECT_MSG_EQ(traces.drops[0].iif, loopback, "a local output lookup");
        }
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }

    std::string m_selector;
};

/**
 * \ingroup policy-routing-tests
 * Two rules with the same selector and preference: Linux 2.1 inserts the new one before the
 * old one, modern Linux after (semantics.md §2.5, §4.1). The old rule sends hostA to up2,
 * the new one to a class whose default is PROHIBIT.
 */
class EqualPreferenceTestCase : public TestCase
{
  public:
    explicit EqualPreferenceTestCase(const std::string& style)
        : TestCase("equal preferences, " + style + " style"),
          m_style(style)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"RuleStyle", m_style}});
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(t.router, PolicyRouteSpec("default").Prohibit().Class(102));
        const uint32_t p1 =
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(101).Pref(100));
        const uint32_t p2 =
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(102).Pref(100));
        NS_TEST_EXPECT_MSG_EQ(p1, 100, "explicit preference kept");
        NS_TEST_EXPECT_MSG_EQ(p2, 100, "explicit preference kept");
        const std::string seed = SeedListing(t.R());
        const std::string modern = ModernListing(t.R());
        std::vector<IcmpReport> icmp;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0, &icmp), "203.0.113.10", 9);
        TestNetwork::Run();

        if (m_style == "Linux21")
        {
            PR_TEST_REQUIRE_MSG_EQ(icmp.size(), 1, "the newer rule is first: prohibited");
            NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 13, "3/13");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 0, "not via up2");
            NS_TEST_EXPECT_MSG_EQ(seed,
                                  "Kernel routing policy rules\n"
                                  "Pref Source Destination TOS Iface Cl\n"
                                  "0 default default 00 * 255\n"
                                  "100 10.1.0.0/16 default 00 * 102\n"
                                  "100 10.1.0.0/16 default 00 * 101\n"
                                  "254 default default 00 * 254\n"
                                  "255 default default 00 * 253\n",
                                  "the newer rule listed first");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "the older rule is first");
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 1, "via up2");
            NS_TEST_EXPECT_MSG_EQ(modern,
                                  "0:\tfrom all lookup local\n"
                                  "100:\tfrom 10.1.0.0/16 lookup 101\n"
                                  "100:\tfrom 10.1.0.0/16 lookup 102\n"
                                  "32766:\tfrom all lookup main\n"
                                  "32767:\tfrom all lookup default\n",
                                  "the older rule listed first");
        }
    }

    std::string m_style;
};

/**
 * \ingroup policy-routing-tests
 * Unspecified preferences: the second rule's preference minus one, so a later rule is
 * consulted before an earlier one, in both styles (2.1: 253, 252; modern: 32765, 32764). In
 * 2.1 style an explicit preference 0 also means "unspecified".
 */
class UnspecifiedPreferenceTestCase : public TestCase
{
  public:
    explicit UnspecifiedPreferenceTestCase(const std::string& style)
        : TestCase("unspecified preferences, " + style + " style"),
          m_style(style)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"RuleStyle", m_style}});
        const bool old = m_style == "Linux21";
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(t.router, PolicyRouteSpec("default").Prohibit().Class(102));
        const uint32_t p1 = h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Lookup(101));
        const uint32_t p2 = h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Lookup(102));
        NS_TEST_EXPECT_MSG_EQ(p1, old ? 253 : 32765, "second rule's preference minus one");
        NS_TEST_EXPECT_MSG_EQ(p2, old ? 252 : 32764, "and again");
        if (old)
        {
            const uint32_t p3 = h.AddRule(t.router, PolicyRuleSpec().Tos(0x04).Lookup(101).Pref(0));
            NS_TEST_EXPECT_MSG_EQ(p3, 251, "2.1: preference 0 is unspecified");
        }
        std::vector<IcmpReport> icmpB;
        std::vector<IcmpReport> icmpA;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostB, 0, &icmpB), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x04, &icmpA), "203.0.113.10", 9);
        TestNetwork::Run();
        PR_TEST_REQUIRE_MSG_EQ(icmpB.size(), 1, "the later rule decided: prohibited");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmpB[0].code), 13, "3/13");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", "10.2.0.2"),
                              0,
                              "the earlier rule was not reached");
        if (old)
        {
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", "10.1.0.2"),
                                  1,
                                  "the preference-0 rule is in the list");
        }
    }

    std::string m_style;
};

/**
 * \ingroup policy-routing-tests
 * 2.1: an unspecified preference is the second rule's minus one and the rule goes right
 * after the first rule (fib_rule_add scans from the second rule). Once the preferences reach
 * 0, new unspecified rules still go after the LOCAL rule, never before it: local delivery
 * keeps working.
 */
class UnspecifiedPreferenceFloorTestCase : public TestCase
{
  public:
    UnspecifiedPreferenceFloorTestCase()
        : TestCase("2.1 unspecified preferences down to 0 stay after the LOCAL rule")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        for (uint32_t k = 0; k < 253; ++k)
        {
            // Rules that match nothing here: preferences 253 down to 1.
            h.AddRule(t.router,
                      PolicyRuleSpec().From("10.99." + std::to_string(k) + ".0/24").Lookup(101));
        }
        const uint32_t p =
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Tos(0x04).Prohibit());
        NS_TEST_EXPECT_MSG_EQ(p, 0, "the preferences reached 0");
        const uint32_t q = h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(101));
        NS_TEST_EXPECT_MSG_EQ(q, 0, "and stay there");
        const std::vector<PolicyRule>& rules = t.R()->GetDatabase().GetRules();
        PR_TEST_REQUIRE_MSG_EQ(rules.size(), 258u, "3 defaults and 255 rules");
        NS_TEST_EXPECT_MSG_EQ(rules[0].classId, CLASS_LOCAL, "the LOCAL rule is still first");
        NS_TEST_EXPECT_MSG_EQ(rules[1].classId, 101u, "the newest rule right after it");
        NS_TEST_EXPECT_MSG_EQ(rules[2].action, RuleAction::PROHIBIT, "then the one before");

        std::vector<IcmpReport> icmp;
        // To R's own address: delivered, the LOCAL rule comes first.
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x04, &icmp), "10.1.0.1", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x00, &icmp), "192.0.2.1", 9);
        // Through R: the newest rule (class 101, up2) beats the PROHIBIT rule.
        TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0x04, &icmp), "203.0.113.10", 9);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(t.sinkR.size(), 2, "local delivery works");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "nothing prohibited");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 1, "forwarded via class 101");
    }
};

/**
 * \ingroup policy-routing-tests
 * The seed's OSPF recipe (application 3, semantics.md §2.5): rules added without preference
 * in the order ASE type 2 (253), ASE type 1 (252), inter-area (251), area 1 (250, with a
 * destination selector and a REJECT default) come out in the order intra-area, inter-area,
 * type 1, type 2, then MAIN. Each class holds a decoy route that would win if the order were
 * wrong.
 */
class OspfRecipeTestCase : public TestCase
{
  public:
    OspfRecipeTestCase()
        : TestCase("the seed's OSPF classes recipe")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        Ptr<Node> r = t.router;
        // ASE type 2 (external metric).
        h.AddRoute(r, PolicyRouteSpec("203.0.113.0/24").Via("192.0.2.2").Class(253));
        h.AddRoute(r, PolicyRouteSpec("203.0.113.96/27").Via("192.0.2.2").Class(253));
        h.AddRoute(r, PolicyRouteSpec("203.0.113.192/26").Via("198.51.100.2").Class(253));
        // ASE type 1 (internal metric).
        h.AddRoute(r, PolicyRouteSpec("203.0.113.64/26").Via("198.51.100.2").Class(252));
        // Inter-area.
        h.AddRoute(r, PolicyRouteSpec("203.0.113.128/25").Via("192.0.2.2").Class(251));
        h.AddRoute(r, PolicyRouteSpec("203.0.113.0/28").Via("198.51.100.2").Class(251));
        // Area 1: its prefix 203.0.113.0/26; "area classes must be terminated with reject".
        h.AddRoute(r, PolicyRouteSpec("203.0.113.0/28").Via("192.0.2.2").Class(250));
        h.AddRoute(r, PolicyRouteSpec("default").Reject().Class(250));

        h.AddRule(r, PolicyRuleSpec().Lookup(253));
        h.AddRule(r, PolicyRuleSpec().Lookup(252));
        h.AddRule(r, PolicyRuleSpec().Lookup(251));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.0/26").Lookup(250));
        NS_TEST_EXPECT_MSG_EQ(SeedListing(t.R()),
                              "Kernel routing policy rules\n"
                              "Pref Source Destination TOS Iface Cl\n"
                              "0 default default 00 * 255\n"
                              "250 default 203.0.113.0/26 00 * 250\n"
                              "251 default default 00 * 251\n"
                              "252 default default 00 * 252\n"
                              "253 default default 00 * 253\n"
                              "254 default default 00 * 254\n"
                              "255 default default 00 * 253\n",
                              "the recipe's rule order");

        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9);  // intra-area: up1
        TestNetwork::SendAt(Seconds(2), a, "203.0.113.40", 9);  // area, no route: reject
        TestNetwork::SendAt(Seconds(3), a, "203.0.113.100", 9); // type 1: up2
        TestNetwork::SendAt(Seconds(4), a, "203.0.113.200", 9); // inter-area: up1
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"), 1, "intra-area first");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.100"),
                              1,
                              "type 1 before type 2");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.200"),
                              1,
                              "inter-area before type 2");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size() +
                                  TwoUplinks::ToPort9(t.atUp2).size(),
                              3,
                              "the area address without a route went nowhere");
        PR_TEST_REQUIRE_MSG_EQ(icmp.size(), 1, "the area's REJECT answered");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 0, "network unreachable (2.1)");
    }
};

/**
 * \ingroup policy-routing-tests
 * Rules with their own route (the seed's application 2): gateway and device, gateway only
 * (the device comes from the gateway's connected route), device only (on-link), and a
 * gateway that is not on a connected network (network unreachable).
 */
class OwnRouteTestCase : public TestCase
{
  public:
    OwnRouteTestCase()
        : TestCase("rules with their own route")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        // A second address on up2's link, outside R's /30: reachable only on-link via if4.
        Ptr<Ipv4> up2 = t.up2->GetObject<Ipv4>();
        up2->AddAddress(1, Ipv4InterfaceAddress(Ipv4Address("198.51.100.6"), Ipv4Mask("/32")));
        Ipv4PolicyRoutingHelper h;
        Ptr<Node> r = t.router;
        h.AddRule(r, PolicyRuleSpec().From("10.2.0.0/24").Via("198.51.100.2").Dev(t.RDev(4)));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.20/32").Via("198.51.100.2"));
        h.AddRule(r, PolicyRuleSpec().To("198.51.100.6/32").Dev(t.RDev(4)));
        h.AddRule(r, PolicyRuleSpec().To("203.0.113.40/32").Via("203.0.113.1"));
        NS_TEST_EXPECT_MSG_EQ(t.R()->RouteGet(Ipv4Address("203.0.113.20")),
                              "203.0.113.20 via 198.51.100.2 dev if4 src 198.51.100.1 rule 252",
                              "gateway only: the device is resolved");

        std::vector<IcmpReport> icmpA;
        std::vector<IcmpReport> icmpB;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmpA);
        TestNetwork::SendAt(Seconds(1),
                            t.net.Sender(t.hostB, 0, &icmpB),
                            "203.0.113.10",
                            9,
                            100,
                            2);
        TestNetwork::SendAt(Seconds(2), a, "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(3), a, "203.0.113.20", 9);
        TestNetwork::SendAt(Seconds(4), a, "198.51.100.6", 9);
        TestNetwork::SendAt(Seconds(5), a, "203.0.113.40", 9);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", "10.2.0.2"),
                              2,
                              "gateway and device");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10", "10.1.0.2"),
                              1,
                              "no rule for A to .10: MAIN");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.20"), 1, "gateway only");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "198.51.100.6"), 1, "device only");
        NS_TEST_EXPECT_MSG_EQ(icmpB.size(), 0, "no error for B");
        PR_TEST_REQUIRE_MSG_EQ(icmpA.size(), 1, "the unresolvable gateway");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmpA[0].code), 0, "network unreachable");
    }
};

/**
 * \ingroup policy-routing-tests
 * 1200 rules with their own route (the seed warned "the size of the routing table in this
 * approach is limited to 256"; this model has no such limit): every rule selects one source
 * address of hostA and sends it to up2, alternately as gateway+device and gateway only.
 * Packets from sources at several positions of the list, and from one no rule selects.
 */
class ManyOwnRoutesTestCase : public TestCase
{
  public:
    explicit ManyOwnRoutesTestCase(const std::string& style)
        : TestCase("1200 rules with their own route, " + style + " style"),
          m_style(style)
    {
    }

  private:
    static std::string Source(uint32_t i)
    {
        return "10.1." + std::to_string(1 + i / 200) + "." + std::to_string(2 + i % 200);
    }

    void DoRun() override
    {
        TwoUplinks t(Attributes{{"RuleStyle", m_style}});
        Ipv4PolicyRoutingHelper h;
        const uint32_t n = 1200;
        for (uint32_t i = 0; i < n; ++i)
        {
            PolicyRuleSpec rule = PolicyRuleSpec().From(Source(i) + "/32").Via("198.51.100.2");
            if (i % 2 == 0)
            {
                rule.Dev(t.RDev(4));
            }
            if (m_style == "Linux21")
            {
                rule.Pref(100); // 2.1 preferences are 0..255: many rules share one
            }
            h.AddRule(t.router, rule);
        }
        NS_TEST_EXPECT_MSG_EQ(t.R()->GetDatabase().GetRules().size(), n + 3, "all rules there");

        const std::vector<uint32_t> picks = {0, 1, 255, 256, 257, 700, 1198, 1199};
        Ptr<Ipv4> ipv4 = t.hostA->GetObject<Ipv4>();
        std::vector<IcmpReport> icmp;
        Time at = Seconds(1);
        for (uint32_t i : picks)
        {
            const Ipv4Address src(Source(i).c_str());
            ipv4->AddAddress(t.aIf, Ipv4InterfaceAddress(src, Ipv4Mask("/16")));
            TestNetwork::SendAt(at,
                                Udp::Client(t.hostA, 0, nullptr, &icmp, 0, src),
                                "203.0.113.10",
                                9);
            at += MilliSeconds(50);
        }
        TestNetwork::SendAt(at, t.net.Sender(t.hostA, 0, &icmp), "203.0.113.10", 9);
        TestNetwork::Run();

        for (uint32_t i : picks)
        {
            NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", Source(i)),
                                  1,
                                  "rule " << i << " sent its source to up2");
        }
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), picks.size(), "only those");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10", "10.1.0.2"),
                              1,
                              "no rule for the primary address: MAIN");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }

    std::string m_style;
};

/**
 * \ingroup policy-routing-tests
 * The LOG flag: RouteCreated and the NS_LOG line "installing route" once per flow (2.1
 * printed it when the route cache entry was created), not per packet; a rule change flushes
 * the flows (as the route cache flush did); rules without LOG report nothing.
 */
class LogFlagTestCase : public TestCase
{
  public:
    LogFlagTestCase()
        : TestCase("LOG reports a route once per flow")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(CLASS_MAIN).Log());
        h.AddRule(t.router, PolicyRuleSpec().Iif(t.R()->GetLoopbackInterface()).Lookup(101).Log());
        PolicyTraces traces;
        traces.ConnectLight(t.R());
        ClogCapture clog;
        LogComponentEnable("Ipv4PolicyRouting", LOG_LEVEL_INFO);

        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        Ptr<Socket> aLowDelay = t.net.Sender(t.hostA, 0x10, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "203.0.113.10", 9, 100, 5);
        TestNetwork::SendAt(Seconds(2), aLowDelay, "203.0.113.10", 9, 100, 3);
        TestNetwork::SendAt(Seconds(3), a, "203.0.113.20", 9, 100, 2);
        TestNetwork::SendAt(Seconds(4), t.net.Sender(t.hostB, 0, &icmp), "203.0.113.10", 9, 100, 4);
        TestNetwork::SendAt(Seconds(5),
                            t.net.Sender(t.router, 0, &icmp),
                            "203.0.113.10",
                            9,
                            100,
                            3);
        // A rule change at 6 s: the next packet of a known flow is reported again.
        Ipv4PolicyRoutingHelper helper;
        Ptr<Node> router = t.router;
        Simulator::Schedule(Seconds(6), [helper, router]() {
            helper.AddRule(router, PolicyRuleSpec().From("10.77.0.0/16").Drop());
        });
        TestNetwork::SendAt(Seconds(7), a, "203.0.113.10", 9, 100, 2);
        TestNetwork::Run();
        LogComponentDisable("Ipv4PolicyRouting", LOG_LEVEL_INFO);

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size(), 16, "A's and B's packets");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 3, "R's own via class 101");
        PR_TEST_REQUIRE_MSG_EQ(traces.created.size(), 5, "5 flows created through LOG rules");
        NS_TEST_EXPECT_MSG_EQ(traces.created[0].dst, Ipv4Address("203.0.113.10"), "A to .10");
        NS_TEST_EXPECT_MSG_EQ(unsigned(traces.created[1].tos), 0x10, "A's TOS 0x10 flow");
        NS_TEST_EXPECT_MSG_EQ(traces.created[2].dst, Ipv4Address("203.0.113.20"), "A to .20");
        NS_TEST_EXPECT_MSG_EQ(traces.created[3].pref, 252, "R's own flow, the loopback rule");
        NS_TEST_EXPECT_MSG_EQ(traces.created[4].src, Ipv4Address("10.1.0.2"), "after the flush");
        NS_TEST_EXPECT_MSG_EQ(traces.created[0].pref, 253, "the LOG rule's preference");
#ifdef NS3_LOG_ENABLE
        // Only where NS_LOG is compiled in (not in ns-3's release/optimized profiles).
        NS_TEST_EXPECT_MSG_EQ(clog.Count("installing route"), 5, "one log line per flow");
#endif
    }
};

/**
 * \ingroup policy-routing-tests
 * Rules suite.
 */
class Ipv4PolicyRoutingRulesTestSuite : public TestSuite
{
  public:
    Ipv4PolicyRoutingRulesTestSuite()
        : TestSuite("ipv4-policy-routing-rules", TestSuite::Type::UNIT)
    {
        for (const char* s : {"from", "to", "tos", "iif", "iif-loopback", "oif", "oif-no-rule"})
        {
            AddTestCase(new SelectorTestCase(s));
        }
        AddTestCase(new EqualPreferenceTestCase("Linux21"));
        AddTestCase(new EqualPreferenceTestCase("Modern"));
        AddTestCase(new UnspecifiedPreferenceTestCase("Linux21"));
        AddTestCase(new UnspecifiedPreferenceTestCase("Modern"));
        AddTestCase(new UnspecifiedPreferenceFloorTestCase);
        AddTestCase(new OspfRecipeTestCase);
        AddTestCase(new OwnRouteTestCase);
        AddTestCase(new ManyOwnRoutesTestCase("Linux21"));
        AddTestCase(new ManyOwnRoutesTestCase("Modern"));
        AddTestCase(new LogFlagTestCase);
    }
};

/// Static instance registering the suite.
static Ipv4PolicyRoutingRulesTestSuite g_ipv4PolicyRoutingRulesTestSuite;
