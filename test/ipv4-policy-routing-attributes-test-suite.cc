/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Attributes, ICMP rules, output lookups, traces and listings with real simulated packets:
 *  - FibModel 0/1/2 (where routes without a class go, and what that does to traffic);
 *  - LocalRoutePolicy off/on in both styles (source rules and locally originated packets);
 *  - LookupAlgorithm Linux/Rfc1812/Rfc1812Variant/Rfc1812Classic on real traffic;
 *  - SendIcmpErrors, SendProhibitedIcmp, IcmpErrorInterval;
 *  - no ICMP about ICMP errors, broadcasts or non-initial fragments (but about echo requests);
 *  - RouteOutput: TOS from the socket's tag with the ECN bits masked (UDP and ECN-capable TCP),
 *    TCP connect with a null packet (and a refused connect);
 *  - the trace sources RuleMatch, ClassLookup, Drop, IcmpSent; Explain and RouteGet;
 *  - PrintRoutingTable through Ipv4RoutingHelper::PrintRoutingTableAllAt, per ListingStyle.
 *
 * Topology: TwoUplinks (policy-routing-test-kit.h): MAIN to up1, class 101 to up2.
 */

#include "policy-routing-test-kit.h"

#include "ns3/config.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-routing-helper.h"
#include "ns3/output-stream-wrapper.h"
#include "ns3/string.h"
#include "ns3/test.h"

#include <sstream>

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

} // namespace

/**
 * \ingroup policy-routing-tests
 * FibModel (Linux 2.1 ip_fib_model, semantics.md §2.6): Standard puts every route without a
 * class in MAIN, DefaultRoutes the default routes in DEFAULT, Rfc1812 every gateway route in
 * DEFAULT. Traffic: a gateway route more specific than a connected subnet wins in MAIN, but
 * not from DEFAULT ("directly connected first", RFC 1812 5.2.4.2); without the DEFAULT rule,
 * only MAIN's default route is left.
 */
class FibModelTestCase : public TestCase
{
  public:
    explicit FibModelTestCase(const std::string& model)
        : TestCase("FibModel " + model),
          m_model(model)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"FibModel", m_model}});
        Ipv4PolicyRoutingHelper h;
        // TwoUplinks already added "default via 192.0.2.2" without a class.
        h.AddRoute(t.router, PolicyRouteSpec("10.2.0.0/25").Via("198.51.100.2"));
        h.AddRoute(t.router, PolicyRouteSpec("198.51.100.4/30").Dev(4));
        // up2 drops what it gets for hostB (no loop back through R).
        h.AddRoute(t.up2, PolicyRouteSpec("10.2.0.0/24").Blackhole());
        const std::string main = ClassListing(t.R(), CLASS_MAIN);
        const std::string def = ClassListing(t.R(), CLASS_DEFAULT);
        const bool defaultInDefault = m_model != "Standard";
        const bool gatewaysInDefault = m_model == "Rfc1812";
        NS_TEST_EXPECT_MSG_EQ(Contains(def, "default via 192.0.2.2 dev if3"),
                              defaultInDefault,
                              "the default route's class");
        NS_TEST_EXPECT_MSG_EQ(Contains(main, "default via"),
                              !defaultInDefault,
                              "the default route's class");
        NS_TEST_EXPECT_MSG_EQ(Contains(def, "10.2.0.0/25 via 198.51.100.2 dev if4"),
                              gatewaysInDefault,
                              "the gateway route's class");
        NS_TEST_EXPECT_MSG_EQ(Contains(main, "10.2.0.0/25 via 198.51.100.2 dev if4"),
                              !gatewaysInDefault,
                              "the gateway route's class");
        NS_TEST_EXPECT_MSG_EQ(Contains(main, "198.51.100.4/30 dev if4"),
                              true,
                              "a route without gateway stays in MAIN");

        std::vector<Datagram> atB;
        Udp::Sink(t.hostB, 9, &atB);
        std::vector<IcmpReport> icmp;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        TestNetwork::SendAt(Seconds(1), a, "10.2.0.2", 9, 100, 2);
        TestNetwork::SendAt(Seconds(2), a, "203.0.113.10", 9, 100, 1);
        // Without the DEFAULT rule only a default route in MAIN is left.
        Ptr<Ipv4PolicyRouting> r = t.R();
        Simulator::Schedule(Seconds(3), [r]() {
            RuleSelector s;
            s.preference = 255;
            r->DeleteRule(s);
        });
        TestNetwork::SendAt(Seconds(4), a, "203.0.113.10", 9, 100, 1);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(atB.size(),
                              (gatewaysInDefault ? 2 : 0),
                              "hostB is reached directly only when the gateway route is in "
                              "DEFAULT");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "10.2.0.2"),
                              (gatewaysInDefault ? 0 : 2),
                              "otherwise the /25 via up2 wins");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"),
                              (defaultInDefault ? 1 : 2),
                              "the default route works; without rule 255 only from MAIN");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), (defaultInDefault ? 1 : 0), "unreachable otherwise");
    }

    std::string m_model;
};

/**
 * \ingroup policy-routing-tests
 * LocalRoutePolicy (CONFIG_IP_LOCAL_RT_POLICY): source rules apply to locally originated
 * packets only when it is on. R's own unbound socket gets its source from MAIN (192.0.2.1);
 * 2.1 then looks up again with that source ("stabilization"), modern Linux does not. A
 * socket bound to 10.1.0.1 gives its source to every lookup when on.
 */
class LocalRoutePolicyTestCase : public TestCase
{
  public:
    LocalRoutePolicyTestCase(bool on, const std::string& style)
        : TestCase(std::string("LocalRoutePolicy ") + (on ? "on" : "off") + ", " + style +
                   " style"),
          m_on(on),
          m_style(style)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(
            Attributes{{"LocalRoutePolicy", m_on ? "true" : "false"}, {"RuleStyle", m_style}});
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("192.0.2.1/32").Lookup(101));
        h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.1/32").Lookup(101));
        h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.2/32").To("203.0.113.20/32").Lookup(101));
        std::vector<IcmpReport> icmp;
        TestNetwork::SendAt(Seconds(1),
                            t.net.Sender(t.router, 0, &icmp),
                            "203.0.113.10",
                            9,
                            100,
                            2);
        TestNetwork::SendAt(Seconds(2),
                            t.net.Sender(t.router, 0, &icmp, Ipv4Address("10.1.0.1")),
                            "203.0.113.10",
                            9,
                            100,
                            3);
        // Forwarded packets always use their source.
        TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0, &icmp), "203.0.113.20", 9, 100, 1);
        TestNetwork::Run();

        const bool relookup = m_on && m_style == "Linux21";
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", "192.0.2.1"),
                              (relookup ? 2 : 0),
                              "the chosen source selects class 101 only with the 2.1 re-lookup");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10", "192.0.2.1"),
                              (relookup ? 0 : 2),
                              "otherwise MAIN");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10", "10.1.0.1"),
                              (m_on ? 3 : 0),
                              "a bound source selects class 101 when on");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10", "10.1.0.1"),
                              (m_on ? 0 : 3),
                              "and is looked up with source 0 when off");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.20", "10.1.0.2"),
                              1,
                              "forwarded packets use their source either way");
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
    }

    bool m_on;
    std::string m_style;
};

/**
 * \ingroup policy-routing-tests
 * LookupAlgorithm on real traffic (semantics.md §5 worked examples).
 * MAIN: default TOS 0 via up1, 203.0.113.0/24 TOS 0x08 via up2. Class 102 (for .100):
 * 203.0.113.0/24 TOS 0 via up1, default TOS 0x10 via up2.
 *   .10  TOS 0x10: Linux up1 (backtrack), Rfc1812 3/11, Variant up1, Classic up2
 *   .10  TOS 0x08: up2 for all
 *   .100 TOS 0x10: Linux up1, Rfc1812 up1, Variant up2, Classic up1
 */
class LookupAlgorithmTestCase : public TestCase
{
  public:
    explicit LookupAlgorithmTestCase(const std::string& algorithm)
        : TestCase("LookupAlgorithm " + algorithm),
          m_algorithm(algorithm)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"LookupAlgorithm", m_algorithm}});
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Tos(0x08).Via("198.51.100.2"));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.0/24").Via("192.0.2.2").Class(102));
        h.AddRoute(t.router, PolicyRouteSpec("default").Tos(0x10).Via("198.51.100.2").Class(102));
        h.AddRule(t.router, PolicyRuleSpec().To("203.0.113.100/32").Lookup(102));
        std::vector<IcmpReport> icmp10;
        std::vector<IcmpReport> icmp08;
        std::vector<IcmpReport> icmp100;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostA, 0x10, &icmp10), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x08, &icmp08), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(3), t.net.Sender(t.hostA, 0x10, &icmp100), "203.0.113.100", 9);
        TestNetwork::Run();

        const std::string& a = m_algorithm;
        const std::size_t tenUp1 = (a == "Linux" || a == "Rfc1812Variant") ? 1 : 0;
        const std::size_t tenUp2 = a == "Rfc1812Classic" ? 1 : 0;
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"), tenUp1, ".10 TOS 0x10");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10") - 1,
                              tenUp2,
                              ".10 TOS 0x10 (and the TOS 0x08 packet) via up2");
        if (a == "Rfc1812")
        {
            PR_TEST_REQUIRE_MSG_EQ(icmp10.size(), 1, "RFC 1812: the TOS miss is unreachable");
            NS_TEST_EXPECT_MSG_EQ(unsigned(icmp10[0].code), 11, "network unreachable for TOS");
        }
        else
        {
            NS_TEST_EXPECT_MSG_EQ(icmp10.size(), 0, "no error");
        }
        NS_TEST_EXPECT_MSG_EQ(icmp08.size(), 0, "the exact TOS route serves TOS 0x08");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.100"),
                              (a == "Rfc1812Variant" ? 1 : 0),
                              ".100: only the variant prefers the exact-TOS default");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.100"),
                              (a == "Rfc1812Variant" ? 0 : 1),
                              ".100: the others take the longer TOS-0 prefix");
        NS_TEST_EXPECT_MSG_EQ(icmp100.size(), 0, "no error");
    }

    std::string m_algorithm;
};

/**
 * \ingroup policy-routing-tests
 * SendIcmpErrors, SendProhibitedIcmp and IcmpErrorInterval. hostA sends to destinations a
 * REJECT (TOS 0x08) or PROHIBIT (TOS 0x04) rule stops.
 */
class IcmpAttributesTestCase : public TestCase
{
  public:
    IcmpAttributesTestCase(const std::string& name, const std::string& value)
        : TestCase(name + " " + value),
          m_name(name),
          m_value(value)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{m_name, m_value}});
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x08).Reject());
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x04).Prohibit());
        PolicyTraces traces;
        traces.ConnectLight(t.R());
        std::vector<IcmpReport> reject;
        std::vector<IcmpReport> prohibit;
        std::vector<IcmpReport> rejectB;
        Ptr<Socket> r = t.net.Sender(t.hostA, 0x08, &reject);
        // Five packets 20 ms apart at 1 s, one more at 2.5 s; the same from hostB at 1 s.
        TestNetwork::SendAt(Seconds(1), r, "203.0.113.10", 9, 100, 5);
        TestNetwork::SendAt(Seconds(2.5), r, "203.0.113.10", 9, 100, 1);
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostB, 0x08, &rejectB), "203.0.113.10", 9);
        TestNetwork::SendAt(Seconds(4), t.net.Sender(t.hostA, 0x04, &prohibit), "203.0.113.10", 9);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(traces.drops.size(), 8, "every packet dropped either way");
        if (m_name == "SendIcmpErrors")
        {
            NS_TEST_EXPECT_MSG_EQ(reject.size() + rejectB.size() + prohibit.size(),
                                  0,
                                  "no ICMP at all");
            NS_TEST_EXPECT_MSG_EQ(traces.icmps.size(), 0, "none traced");
        }
        else if (m_name == "SendProhibitedIcmp")
        {
            NS_TEST_EXPECT_MSG_EQ(reject.size(), 6, "network unreachable still sent");
            NS_TEST_EXPECT_MSG_EQ(prohibit.size(), 0, "but no code 13");
        }
        else
        {
            // IcmpErrorInterval 1s: per destination host.
            PR_TEST_REQUIRE_MSG_EQ(reject.size(), 2, "one at 1 s, one at 2.5 s");
            NS_TEST_EXPECT_MSG_EQ(unsigned(reject[0].code), 0, "network unreachable");
            NS_TEST_EXPECT_MSG_EQ(rejectB.size(), 1, "hostB has its own interval");
            NS_TEST_EXPECT_MSG_EQ(prohibit.size(), 1, "2.5 s + 1 s < 4 s");
            NS_TEST_EXPECT_MSG_EQ(traces.icmps.size(), 4, "as traced");
        }
    }

    std::string m_name;
    std::string m_value;
};

/**
 * \ingroup policy-routing-tests
 * RFC 1812 4.3.2.7: no ICMP error about an ICMP error, a broadcast, or a non-initial
 * fragment; but an echo request is answered with an error. Everything from hostA is
 * rejected except what the LOCAL rule takes first; in the broadcast case a PROHIBIT rule is
 * put before the LOCAL rule (modern style: preference 0, LOCAL moved to 1).
 */
class NoIcmpAboutTestCase : public TestCase
{
  public:
    explicit NoIcmpAboutTestCase(const std::string& what)
        : TestCase("no ICMP about " + what),
          m_what(what)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"RuleStyle", "Modern"}});
        Ipv4PolicyRoutingHelper h;
        PolicyTraces traces;
        traces.ConnectLight(t.R());
        std::vector<IcmpMessage> atA;
        Ptr<Socket> raw = Icmp::Open(t.hostA, &atA);
        std::vector<IcmpReport> icmp;
        if (m_what == "ICMP errors")
        {
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Reject());
            Icmp::SendErrorAt(Seconds(1), raw, "203.0.113.10", 3);
            Icmp::PingAt(Seconds(2), raw, "203.0.113.10", 5, 1);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(traces.drops.size(), 2, "both dropped");
            const std::vector<IcmpMessage> errors = Icmp::OfType(atA, 3);
            PR_TEST_REQUIRE_MSG_EQ(errors.size(), 1, "only the echo request got an error");
            NS_TEST_EXPECT_MSG_EQ(errors[0].from, Ipv4Address("10.1.0.1"), "from R");
            NS_TEST_EXPECT_MSG_EQ(unsigned(errors[0].code), 0, "a REJECT rule: 3/0");
        }
        else if (m_what == "non-initial fragments")
        {
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Reject());
            // hostA's link MTU 1000: a 2500-byte datagram leaves in three fragments.
            DynamicCast<SimpleNetDevice>(t.hostA->GetObject<Ipv4>()->GetNetDevice(t.aIf))
                ->SetMtu(1000);
            TestNetwork::SendAt(Seconds(1),
                                t.net.Sender(t.hostA, 0, &icmp),
                                "203.0.113.10",
                                9,
                                2500);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(traces.drops.size(), 3, "three fragments dropped");
            NS_TEST_EXPECT_MSG_EQ(Icmp::OfType(atA, 3).size(), 1, "one error, for the first");
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 1, "the sender's socket got it");
        }
        else if (m_what == "broadcasts")
        {
            RuleSelector local;
            local.preference = 0;
            t.R()->DeleteRule(local);
            h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Prohibit().Pref(0));
            h.AddRule(t.router, PolicyRuleSpec().Lookup(CLASS_LOCAL).Pref(1));
            Ptr<Socket> s = t.net.Sender(t.hostA, 0, &icmp);
            s->SetAllowBroadcast(true);
            TestNetwork::SendAt(Seconds(1), s, "10.1.255.255", 9);
            TestNetwork::SendAt(Seconds(2), s, "10.1.0.1", 9);
            TestNetwork::Run();
            NS_TEST_EXPECT_MSG_EQ(traces.drops.size(), 2, "both prohibited");
            NS_TEST_EXPECT_MSG_EQ(t.sinkR.size(), 0, "nothing delivered");
            const std::vector<IcmpMessage> errors = Icmp::OfType(atA, 3);
            PR_TEST_REQUIRE_MSG_EQ(errors.size(), 1, "only the unicast packet got an error");
            NS_TEST_EXPECT_MSG_EQ(unsigned(errors[0].code), 13, "prohibited");
        }
    }

    std::string m_what;
};

/**
 * \ingroup policy-routing-tests
 * RouteOutput takes the TOS from the socket's SocketIpTosTag and masks the ECN bits: R's own
 * UDP with TOS 0x10, 0x11 (ECT(1)), 0x12 (ECT(0)) and 0x13 (CE) all match a TOS 0x10 rule.
 * An ECN-capable TCP connection (TOS 0: ns-3 then tags its data segments ECT(0), 0x02, but
 * not its SYN) keeps one path although MAIN has a decoy route with TOS 0x02 (the RFC 1349
 * "minimize monetary cost" bit) that would catch ECT-marked segments; the server exists only
 * behind up2.
 */
class EcnOutputTestCase : public TestCase
{
  public:
    EcnOutputTestCase()
        : TestCase("RouteOutput masks the ECN bits of the socket TOS")
    {
    }

  private:
    void DoRun() override
    {
        Config::SetDefault("ns3::TcpSocketBase::UseEcn", StringValue("On"));
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x10).Lookup(101));
        // For the TCP server only (the UDP datagrams to .100 take MAIN's default: up1).
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.10/32").Via("198.51.100.2"));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.10/32").Tos(0x02).Via("192.0.2.2"));
        std::vector<IcmpReport> icmp;
        Time at = Seconds(1);
        for (uint8_t tos : {0x10, 0x11, 0x12, 0x13})
        {
            TestNetwork::SendAt(at, t.net.Sender(t.router, tos, &icmp), "203.0.113.100", 9);
            at += MilliSeconds(50);
        }
        std::vector<Datagram> peers;
        uint32_t bytes = 0;
        Tcp::EchoServer(t.up2, 80, &peers, &bytes);
        TcpResult tcp;
        Tcp::ClientAt(Seconds(2), t.router, 0, "203.0.113.10", 80, 5000, &tcp, 0);
        TestNetwork::Run();
        Config::SetDefault("ns3::TcpSocketBase::UseEcn", StringValue("Off"));

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp2).size(), 4, "all four via class 101");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::ToPort9(t.atUp1).size(), 0, "none via MAIN");
        for (const WirePacket& w : TwoUplinks::ToPort9(t.atUp2))
        {
            NS_TEST_EXPECT_MSG_EQ(w.src, Ipv4Address("198.51.100.1"), "class 101's source");
        }
        NS_TEST_EXPECT_MSG_EQ(tcp.connected, true, "TCP connected");
        NS_TEST_EXPECT_MSG_EQ(tcp.echoed, 5000, "and got everything back");
        std::size_t ect = 0;
        for (const WirePacket& w : t.atUp2)
        {
            ect += (w.protocol == 6 && (w.tos & 0x03) != 0) ? 1 : 0;
        }
        NS_TEST_EXPECT_MSG_EQ((ect > 0), true, "the data segments were ECT-marked");
        NS_TEST_EXPECT_MSG_EQ(WireTap::Only(t.atUp1, 6).size(), 0, "no segment strayed to up1");
    }
};

/**
 * \ingroup policy-routing-tests
 * TCP connect asks RouteOutput with a null packet: the route's source becomes the local
 * address, and a refused lookup makes Connect fail at once (nothing is sent).
 */
class TcpConnectTestCase : public TestCase
{
  public:
    TcpConnectTestCase()
        : TestCase("TCP connect through RouteOutput with a null packet")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("10.1.0.0/16").Lookup(101));
        h.AddRule(t.hostA, PolicyRuleSpec().To("203.0.113.40/32").Prohibit());
        std::vector<Datagram> peers;
        uint32_t bytes = 0;
        Tcp::EchoServer(t.up2, 80, &peers, &bytes);
        TcpResult ok;
        TcpResult refused;
        Tcp::ClientAt(Seconds(1), t.hostA, 0, "203.0.113.10", 80, 3000, &ok);
        Tcp::ClientAt(Seconds(2), t.hostA, 0, "203.0.113.40", 80, 3000, &refused);
        TestNetwork::Run();
        NS_TEST_EXPECT_MSG_EQ(ok.connectReturn, 0, "connect accepted");
        NS_TEST_EXPECT_MSG_EQ(ok.connected, true, "connected through R to up2");
        NS_TEST_EXPECT_MSG_EQ(ok.localAddress, Ipv4Address("10.1.0.2"), "source from the route");
        NS_TEST_EXPECT_MSG_EQ(ok.echoed, 3000, "echoed");
        PR_TEST_REQUIRE_MSG_EQ(peers.size(), 1, "one connection");
        NS_TEST_EXPECT_MSG_EQ(peers[0].from, Ipv4Address("10.1.0.2"), "from hostA");
        NS_TEST_EXPECT_MSG_EQ(refused.connectReturn, -1, "the prohibited connect fails at once");
        NS_TEST_EXPECT_MSG_EQ(refused.connected, false, "never connected");
        std::size_t to40 = 0;
        for (const WirePacket& w : t.atUp2)
        {
            to40 += w.dst == Ipv4Address("203.0.113.40") ? 1 : 0;
        }
        NS_TEST_EXPECT_MSG_EQ(to40, 0, "no SYN left");
    }
};

/**
 * \ingroup policy-routing-tests
 * The trace sources RuleMatch, ClassLookup, Drop and IcmpSent for a forwarded packet that a
 * THROW node sends on to MAIN and one a PROHIBIT rule stops; Explain and RouteGet say the
 * same.
 */
class TracesTestCase : public TestCase
{
  public:
    TracesTestCase()
        : TestCase("RuleMatch, ClassLookup, Drop, IcmpSent, Explain, RouteGet")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Lookup(101).Pref(100));
        h.AddRoute(t.router, PolicyRouteSpec("203.0.113.20/32").Throw().Class(101));
        // Unspecified preference: the second rule's (100) minus one.
        h.AddRule(t.router, PolicyRuleSpec().Tos(0x04).Prohibit());
        PolicyTraces traces;
        traces.Connect(t.R());

        const std::string explained =
            t.R()->Explain(Ipv4Address("203.0.113.20"), Ipv4Address("10.2.0.2"), 0, 2).ToString();
        NS_TEST_EXPECT_MSG_EQ(explained,
                              "lookup 203.0.113.20 from 10.2.0.2 tos 0x00\n"
                              "  rule 0: no node for the destination, next rule [class 255]\n"
                              "  rule 99: rule does not match\n"
                              "  rule 100: throw node, next rule [class 101] node: throw "
                              "203.0.113.20\n"
                              "  rule 254: node selected [class 254] node: default via "
                              "192.0.2.2 dev 3\n"
                              "  => forward: default via 192.0.2.2 dev 3\n",
                              "Explain");
        NS_TEST_EXPECT_MSG_EQ(
            t.R()->RouteGet(Ipv4Address("203.0.113.20"), Ipv4Address("10.2.0.2"), 0, 2),
            "203.0.113.20 via 192.0.2.2 dev if3 src 10.2.0.2 table 254",
            "RouteGet, thrown to MAIN (a forwarded packet keeps its source)");
        NS_TEST_EXPECT_MSG_EQ(
            t.R()->RouteGet(Ipv4Address("203.0.113.10"), Ipv4Address("10.1.0.2"), 0x04, 1),
            "prohibited rule 99",
            "RouteGet, prohibited");

        std::vector<IcmpReport> icmpB;
        std::vector<IcmpReport> icmpA;
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.hostB, 0, &icmpB), "203.0.113.20", 9);
        TestNetwork::SendAt(Seconds(2), t.net.Sender(t.hostA, 0x04, &icmpA), "203.0.113.10", 9);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.20", "10.2.0.2"),
                              1,
                              "thrown to MAIN: up1");
        // The ICMP error R sends is routed too (RouteOutput): its lookup is traced last.
        PR_TEST_REQUIRE_MSG_EQ(traces.rules.size(), 7, "rules 0, 100, 254; 0, 99; 0, 254");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[0].pref, 0, "LOCAL rule");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[1].pref, 100, "the source rule");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[2].pref, 254, "MAIN rule");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[3].pref, 0, "LOCAL rule");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[4].pref, 99, "the PROHIBIT rule");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[4].action, RuleAction::PROHIBIT, "its action");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[6].pref, 254, "the ICMP error via MAIN");
        NS_TEST_EXPECT_MSG_EQ(traces.rules[6].dst, Ipv4Address("10.1.0.2"), "to hostA");
        PR_TEST_REQUIRE_MSG_EQ(traces.classes.size(), 6, "class lookups");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[0].classId, CLASS_LOCAL, "LOCAL first");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[0].outcome, LookupStep::CLASS_NO_MATCH, "no match");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[1].classId, 101, "class 101");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[1].outcome, LookupStep::NODE_THROW, "throw");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[2].classId, CLASS_MAIN, "MAIN");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[2].outcome, LookupStep::NODE_SELECTED, "selected");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[3].classId, CLASS_LOCAL, "the second packet");
        NS_TEST_EXPECT_MSG_EQ(traces.classes[5].classId, CLASS_MAIN, "the ICMP error");
        PR_TEST_REQUIRE_MSG_EQ(traces.drops.size(), 1, "one drop");
        NS_TEST_EXPECT_MSG_EQ(traces.drops[0].reason, RouteError::PROHIBITED, "prohibited");
        NS_TEST_EXPECT_MSG_EQ(traces.drops[0].iif, 1, "came in on if1");
        NS_TEST_EXPECT_MSG_EQ(traces.drops[0].hasPacket, true, "with its packet");
        PR_TEST_REQUIRE_MSG_EQ(traces.icmps.size(), 1, "one ICMP");
        NS_TEST_EXPECT_MSG_EQ(unsigned(traces.icmps[0].type), 3, "destination unreachable");
        NS_TEST_EXPECT_MSG_EQ(unsigned(traces.icmps[0].code), 13, "prohibited");
        NS_TEST_EXPECT_MSG_EQ(traces.icmps[0].about, Ipv4Address("203.0.113.10"), "about it");
        PR_TEST_REQUIRE_MSG_EQ(icmpA.size(), 1, "and hostA got it");
        NS_TEST_EXPECT_MSG_EQ(icmpB.size(), 0, "hostB got nothing");
    }
};

/**
 * \ingroup policy-routing-tests
 * The route API with packets: a preferred source (PolicyRouteSpec::Src) is the source of R's
 * own packets; `ip route replace` (Mode REPLACE) moves the default route; AddNetworkRouteTo
 * and AddSpecialRoute work like the specs.
 */
class RouteApiTestCase : public TestCase
{
  public:
    RouteApiTestCase()
        : TestCase("route API: preferred source, replace, AddNetworkRouteTo, AddSpecialRoute")
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t;
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(
            t.router,
            PolicyRouteSpec("203.0.113.20/32").Via("192.0.2.2").Src(Ipv4Address("10.1.0.1")));
        NS_TEST_EXPECT_MSG_EQ(t.R()->RouteGet(Ipv4Address("203.0.113.20")),
                              "203.0.113.20 via 192.0.2.2 dev if3 src 10.1.0.1 table 254",
                              "ip route get shows the preferred source");
        t.R()->AddNetworkRouteTo(Ipv4Address("203.0.113.100"),
                                 Ipv4Mask("/32"),
                                 Ipv4Address("198.51.100.2"),
                                 4);
        t.R()->AddSpecialRoute(RouteNodeType::PROHIBIT,
                               Ipv4Address("203.0.113.40"),
                               Ipv4Mask("/32"));
        std::vector<IcmpReport> icmp;
        std::vector<IcmpReport> icmpR;
        Ptr<Socket> a = t.net.Sender(t.hostA, 0, &icmp);
        TestNetwork::SendAt(Seconds(1), t.net.Sender(t.router, 0, &icmpR), "203.0.113.20", 9);
        TestNetwork::SendAt(Seconds(1.1), a, "203.0.113.100", 9);
        TestNetwork::SendAt(Seconds(1.2), a, "203.0.113.40", 9);
        TestNetwork::SendAt(Seconds(1.3), a, "203.0.113.10", 9);
        // ip route replace default via up2 at 2 s.
        Ptr<Node> r = t.router;
        Simulator::Schedule(Seconds(2), [r]() {
            Ipv4PolicyRoutingHelper().AddRoute(
                r,
                PolicyRouteSpec("default").Via("198.51.100.2").Mode(InsertMode::REPLACE));
        });
        TestNetwork::SendAt(Seconds(3), a, "203.0.113.10", 9);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.20", "10.1.0.1"),
                              1,
                              "R's own packet from the preferred source");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.100"), 1, "AddNetworkRouteTo");
        PR_TEST_REQUIRE_MSG_EQ(icmp.size(), 1, "AddSpecialRoute: prohibited");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 13, "3/13");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp1, "203.0.113.10"), 1, "before replace");
        NS_TEST_EXPECT_MSG_EQ(TwoUplinks::Count(t.atUp2, "203.0.113.10"), 1, "after replace");
    }
};

/**
 * \ingroup policy-routing-tests
 * PrintRoutingTable through Ipv4RoutingHelper::PrintRoutingTableAllAt, for each ListingStyle.
 */
class PrintRoutingTableTestCase : public TestCase
{
  public:
    explicit PrintRoutingTableTestCase(const std::string& style)
        : TestCase("PrintRoutingTable, ListingStyle " + style),
          m_style(style)
    {
    }

  private:
    void DoRun() override
    {
        TwoUplinks t(Attributes{{"ListingStyle", m_style}});
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.router, PolicyRuleSpec().From("10.2.0.0/24").Tos(0x10).Lookup(101).Log());
        std::ostringstream out;
        Ptr<OutputStreamWrapper> stream = Create<OutputStreamWrapper>(&out);
        Ipv4RoutingHelper::PrintRoutingTableAllAt(Seconds(1.5), stream);
        TestNetwork::Run(Seconds(2));

        // R is node 4; cut its part out of the whole listing.
        const std::string all = out.str();
        const std::size_t begin = all.find("Node: 4,");
        PR_TEST_REQUIRE_MSG_EQ((begin != std::string::npos), true, "R is listed");
        const std::string r = all.substr(begin);
        NS_TEST_EXPECT_MSG_EQ(Contains(r,
                                       "Node: 4, Time: +1.5s, Local time: +1.5s, "
                                       "Ipv4PolicyRouting table\n"),
                              true,
                              "the ns-3 header line");
        const bool seed = m_style != "Modern";
        const bool modern = m_style != "Seed";
        NS_TEST_EXPECT_MSG_EQ(Contains(r,
                                       "Kernel routing policy rules\n"
                                       "Pref Source Destination TOS Iface Cl\n"
                                       "0 default default 00 * 255\n"
                                       "253 10.2.0.0/24 default 10 * 101 log\n"
                                       "254 default default 00 * 254\n"
                                       "255 default default 00 * 253\n"),
                              seed,
                              "the seed's iproute -r");
        NS_TEST_EXPECT_MSG_EQ(Contains(r, "Class 101\ndefault via 198.51.100.2 dev if4\n"),
                              seed,
                              "the classes, seed style");
        NS_TEST_EXPECT_MSG_EQ(Contains(r,
                                       "# ip rule show\n"
                                       "0:\tfrom all lookup local\n"
                                       "253:\tfrom 10.2.0.0/24 tos 0x10 lookup 101 log\n"
                                       "254:\tfrom all lookup main\n"
                                       "255:\tfrom all lookup default\n"),
                              modern,
                              "ip rule show");
        NS_TEST_EXPECT_MSG_EQ(Contains(r,
                                       "# ip route show table 254\n"
                                       "default via 192.0.2.2 dev if3\n"
                                       "10.1.0.0/16 dev if1 src 10.1.0.1\n"),
                              modern,
                              "ip route show table 254");
    }

    std::string m_style;
};

/**
 * \ingroup policy-routing-tests
 * Attributes suite.
 */
class Ipv4PolicyRoutingAttributesTestSuite : public TestSuite
{
  public:
    Ipv4PolicyRoutingAttributesTestSuite()
        : TestSuite("ipv4-policy-routing-attributes", TestSuite::Type::UNIT)
    {
        for (const char* m : {"Standard", "DefaultRoutes", "Rfc1812"})
        {
            AddTestCase(new FibModelTestCase(m));
        }
        for (bool on : {false, true})
        {
            AddTestCase(new LocalRoutePolicyTestCase(on, "Linux21"));
            AddTestCase(new LocalRoutePolicyTestCase(on, "Modern"));
        }
        for (const char* a : {"Linux", "Rfc1812", "Rfc1812Variant", "Rfc1812Classic"})
        {
            AddTestCase(new LookupAlgorithmTestCase(a));
        }
        AddTestCase(new IcmpAttributesTestCase("SendIcmpErrors", "false"));
        AddTestCase(new IcmpAttributesTestCase("SendProhibitedIcmp", "false"));
        AddTestCase(new IcmpAttributesTestCase("IcmpErrorInterval", "1s"));
        for (const char* w : {"ICMP errors", "non-initial fragments", "broadcasts"})
        {
            AddTestCase(new NoIcmpAboutTestCase(w));
        }
        AddTestCase(new EcnOutputTestCase);
        AddTestCase(new TcpConnectTestCase);
        AddTestCase(new TracesTestCase);
        AddTestCase(new RouteApiTestCase);
        for (const char* s : {"Seed", "Modern", "Both"})
        {
            AddTestCase(new PrintRoutingTableTestCase(s));
        }
    }
};

/// Static instance registering the suite.
static Ipv4PolicyRoutingAttributesTestSuite g_ipv4PolicyRoutingAttributesTestSuite;
