/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Address translation with real simulated packets, checked on the wire at the receiver (its
 * Ipv4L3Protocol Rx trace) and by the replies that come back:
 *  - NAT rule + LOCAL-class nat node (static NAT both ways), a /32 and a /24 block;
 *  - MASQUERADE with UDP (several inside hosts, the same ports), ICMP echo (same identifier)
 *    and TCP, replies translated back to the right inside host and port; the masquerade
 *    attributes (port range, exhaustion);
 *  - VALVE: inside-out works, unsolicited outside-in gets ICMP 3/13, replies to masqueraded
 *    flows pass;
 *  - the same with transport checksums on (the receivers' stacks verify them).
 *
 * Topology (every node runs Ipv4PolicyRouting):
 *
 *   H1 10.1.0.2 --+
 *                 |-- 10.1.0.1 R 192.0.2.1 ---- 192.0.2.2 O
 *   H2 10.1.0.3 --+
 *
 * H1 and H2 route by default via R; O routes by default via R (so addresses R translates to
 * reach R), and knows no route to 10.1.0.0/24 unless a test adds one.
 */

#include "policy-routing-test-kit.h"

#include "ns3/boolean.h"
#include "ns3/global-value.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/string.h"
#include "ns3/test.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <set>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// The inside/outside topology.
struct NatNet
{
    TestNetwork net;
    Ptr<Node> h1;
    Ptr<Node> h2;
    Ptr<Node> r;
    Ptr<Node> o;
    uint32_t rIn{0};
    uint32_t rOut{0};
    std::vector<WirePacket> atO;  //!< what O's IP layer received
    std::vector<WirePacket> atH1; //!< what H1's IP layer received
    std::vector<WirePacket> atH2; //!< what H2's IP layer received

    /// \param attributes (name, value) pairs for the router's Ipv4PolicyRouting
    explicit NatNet(const Attributes& attributes = {})
    {
        h1 = net.AddNode();
        h2 = net.AddNode();
        for (const auto& [name, value] : attributes)
        {
            net.Set(name, StringValue(value));
        }
        r = net.AddNode();
        o = net.AddNode();
        Ptr<SimpleChannel> inside = CreateObject<SimpleChannel>();
        const uint32_t i1 = net.Attach(h1, "10.1.0.2/24", inside);
        const uint32_t i2 = net.Attach(h2, "10.1.0.3/24", inside);
        rIn = net.Attach(r, "10.1.0.1/24", inside);
        auto [ro, oo] = net.Link(r, "192.0.2.1/24", o, "192.0.2.2/24");
        rOut = ro;
        Ipv4PolicyRoutingHelper h;
        h.AddRoute(h1, PolicyRouteSpec("default").Via("10.1.0.1").Dev(i1));
        h.AddRoute(h2, PolicyRouteSpec("default").Via("10.1.0.1").Dev(i2));
        h.AddRoute(o, PolicyRouteSpec("default").Via("192.0.2.1").Dev(oo));
        WireTap::Attach(o, &atO);
        WireTap::Attach(h1, &atH1);
        WireTap::Attach(h2, &atH2);
    }

    Ptr<Ipv4PolicyRouting> R() const
    {
        return TestNetwork::Routing(r);
    }
};

/// \return the UDP packets of \p all from \p src
std::vector<WirePacket>
UdpFrom(const std::vector<WirePacket>& all, const std::string& src)
{
    std::vector<WirePacket> out;
    for (const WirePacket& w : WireTap::Only(all, 17))
    {
        if (w.src == Ipv4Address(src.c_str()))
        {
            out.push_back(w);
        }
    }
    return out;
}

/// Sets the ChecksumEnabled global for the lifetime of the object.
class ChecksumScope
{
  public:
    explicit ChecksumScope(bool on)
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(on));
    }

    ~ChecksumScope()
    {
        GlobalValue::Bind("ChecksumEnabled", BooleanValue(false));
    }
};

} // namespace

/**
 * \ingroup policy-routing-tests
 * Static NAT: a NAT rule translates the source, the LOCAL-class nat node translates the
 * destination back, so the inside host is reachable both ways under its NAT address.
 */
class StaticNatTestCase : public TestCase
{
  public:
    StaticNatTestCase(bool block, bool checksums)
        : TestCase(std::string("static NAT both ways, ") +
                   (block ? "a 24-bit block" : "one address") +
                   (checksums ? ", checksums on" : "")),
          m_block(block),
          m_checksums(checksums)
    {
    }

  private:
    void DoRun() override
    {
        ChecksumScope checksums(m_checksums);
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        // H1 is 198.51.100.7 (one address) or 198.51.100.2 (block, host bits kept), H2 is
        // 198.51.100.3 in the block case and not translated otherwise.
        const std::string h1Nat = m_block ? "198.51.100.2" : "198.51.100.7";
        if (m_block)
        {
            h.AddRule(t.r,
                      PolicyRuleSpec()
                          .From("10.1.0.0/24")
                          .Lookup(CLASS_MAIN)
                          .Nat(Ipv4Address("198.51.100.0")));
            t.R()->AddNatRoute(Ipv4Address("198.51.100.0"),
                               Ipv4Mask("255.255.255.0"),
                               Ipv4Address("10.1.0.0"));
        }
        else
        {
            h.AddRule(t.r,
                      PolicyRuleSpec()
                          .From("10.1.0.2/32")
                          .Lookup(CLASS_MAIN)
                          .Nat(Ipv4Address("198.51.100.7")));
            t.R()->AddNatRoute(Ipv4Address("198.51.100.7"),
                               Ipv4Mask("255.255.255.255"),
                               Ipv4Address("10.1.0.2"));
        }
        PolicyTraces traces;
        traces.ConnectLight(t.R());

        std::vector<Datagram> atEcho;
        Udp::EchoServer(t.o, 7, &atEcho);
        std::vector<Datagram> h1Replies;
        std::vector<Datagram> h2Replies;
        std::vector<IcmpReport> icmp;
        Ptr<Socket> c1 = Udp::Client(t.h1, 5000, &h1Replies, &icmp);
        Ptr<Socket> c2 = Udp::Client(t.h2, 5000, &h2Replies, &icmp);
        TestNetwork::SendAt(Seconds(1), c1, "192.0.2.2", 7, 100, 3);
        TestNetwork::SendAt(Seconds(2), c2, "192.0.2.2", 7, 200, 2);
        // Outside-in, unsolicited: the NAT address reaches H1's sink.
        std::vector<Datagram> h1Sink;
        Udp::Sink(t.h1, 9, &h1Sink);
        std::vector<IcmpReport> oIcmp;
        Ptr<Socket> oc = Udp::Client(t.o, 0, nullptr, &oIcmp);
        TestNetwork::SendAt(Seconds(3), oc, h1Nat, 9, 300, 2);
        TestNetwork::Run();

        // On the wire at O: H1's datagrams carry the NAT address and H1's own port.
        const std::vector<WirePacket> fromNat = UdpFrom(t.atO, h1Nat);
        PR_TEST_REQUIRE_MSG_EQ(fromNat.size(), 3, "H1's three datagrams arrive translated");
        for (const WirePacket& w : fromNat)
        {
            NS_TEST_EXPECT_MSG_EQ(w.srcPort, 5000, "static NAT keeps the port");
            NS_TEST_EXPECT_MSG_EQ(w.udpLength, w.size, "the UDP length field is intact");
            NS_TEST_EXPECT_MSG_EQ(w.dst, Ipv4Address("192.0.2.2"), "destination untouched");
        }
        NS_TEST_EXPECT_MSG_EQ(UdpFrom(t.atO, "10.1.0.2").size(),
                              0,
                              "H1's real address never reaches O");
        const std::string h2Seen = m_block ? "198.51.100.3" : "10.1.0.3";
        NS_TEST_EXPECT_MSG_EQ(UdpFrom(t.atO, h2Seen).size(), 2, "H2 as the rule says");
        PR_TEST_REQUIRE_MSG_EQ(atEcho.size(), 5, "the echo server saw every datagram");
        NS_TEST_EXPECT_MSG_EQ(atEcho[0].from, Ipv4Address(h1Nat.c_str()), "the socket agrees");

        // The replies came back to the inside hosts' real addresses.
        PR_TEST_REQUIRE_MSG_EQ(h1Replies.size(), 3, "H1 got its replies");
        NS_TEST_EXPECT_MSG_EQ(h1Replies[0].from, Ipv4Address("192.0.2.2"), "from O");
        NS_TEST_EXPECT_MSG_EQ(h1Replies[0].port, 7, "from the echo port");
        NS_TEST_EXPECT_MSG_EQ(h2Replies.size(), 2, "H2 got its replies");
        uint32_t toH1 = 0;
        for (const WirePacket& w : UdpFrom(t.atH1, "192.0.2.2"))
        {
            NS_TEST_EXPECT_MSG_EQ(w.dst, Ipv4Address("10.1.0.2"), "the destination is H1 again");
            NS_TEST_EXPECT_MSG_EQ(w.udpLength, w.size, "the UDP length field is intact");
            ++toH1;
        }
        NS_TEST_EXPECT_MSG_EQ(toH1, 5, "3 replies and 2 unsolicited datagrams reached H1");

        // Outside-in to the NAT address.
        PR_TEST_REQUIRE_MSG_EQ(h1Sink.size(), 2, "the NAT address reaches H1 unsolicited");
        NS_TEST_EXPECT_MSG_EQ(h1Sink[0].from, Ipv4Address("192.0.2.2"), "from O");
        NS_TEST_EXPECT_MSG_EQ(icmp.size() + oIcmp.size(), 0, "no errors");

        const std::size_t h2Translations = m_block ? 2 : 0;
        NS_TEST_EXPECT_MSG_EQ(traces.CountTranslations(Ipv4PolicyRouting::TRANSLATE_SNAT),
                              3 + h2Translations,
                              "one source translation per inside datagram");
        NS_TEST_EXPECT_MSG_EQ(traces.CountTranslations(Ipv4PolicyRouting::TRANSLATE_DNAT),
                              5 + h2Translations,
                              "one destination translation per datagram to a NAT address");
        for (const auto& e : traces.translates)
        {
            if (e.kind == Ipv4PolicyRouting::TRANSLATE_DNAT)
            {
                NS_TEST_EXPECT_MSG_EQ(e.after.GetDestination().CombineMask(Ipv4Mask("/24")),
                                      Ipv4Address("10.1.0.0"),
                                      "DNAT goes to the inside network");
            }
        }
    }

    bool m_block;
    bool m_checksums;
};

/**
 * \ingroup policy-routing-tests
 * MASQUERADE with UDP: two inside hosts send from the same port; outside they appear as R's
 * address with distinct masquerade ports, and the echo replies come back to the right host
 * and port.
 */
class MasqueradeUdpTestCase : public TestCase
{
  public:
    explicit MasqueradeUdpTestCase(bool checksums)
        : TestCase(std::string("masquerade UDP, two hosts on the same port") +
                   (checksums ? ", checksums on" : "")),
          m_checksums(checksums)
    {
    }

  private:
    void DoRun() override
    {
        ChecksumScope checksums(m_checksums);
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        PolicyTraces traces;
        traces.ConnectLight(t.R());

        std::vector<Datagram> atEcho;
        Udp::EchoServer(t.o, 7, &atEcho);
        std::vector<Datagram> r1;
        std::vector<Datagram> r2;
        std::vector<Datagram> r3;
        std::vector<IcmpReport> icmp;
        Ptr<Socket> c1 = Udp::Client(t.h1, 5000, &r1, &icmp);
        Ptr<Socket> c2 = Udp::Client(t.h2, 5000, &r2, &icmp);
        Ptr<Socket> c3 = Udp::Client(t.h1, 5001, &r3, &icmp);
        TestNetwork::SendAt(Seconds(1), c1, "192.0.2.2", 7, 101, 3);
        TestNetwork::SendAt(Seconds(2), c2, "192.0.2.2", 7, 102, 3);
        TestNetwork::SendAt(Seconds(3), c3, "192.0.2.2", 7, 103, 1);
        TestNetwork::SendAt(Seconds(4), c1, "192.0.2.2", 7, 101, 1);
        TestNetwork::Run();

        // On the wire at O: everything from R's outside address, one port per flow.
        const std::vector<WirePacket> udp = WireTap::Only(t.atO, 17);
        PR_TEST_REQUIRE_MSG_EQ(udp.size(), 8, "eight datagrams reached O");
        std::map<uint32_t, std::set<uint16_t>> portsBySize;
        for (const WirePacket& w : udp)
        {
            NS_TEST_EXPECT_MSG_EQ(w.src, Ipv4Address("192.0.2.1"), "masqueraded as R");
            NS_TEST_EXPECT_MSG_EQ((w.srcPort >= 61000 && w.srcPort <= 65095),
                                  true,
                                  "a masquerade port");
            NS_TEST_EXPECT_MSG_EQ(w.udpLength, w.size, "the UDP length field is intact");
            portsBySize[w.size - 8].insert(w.srcPort);
        }
        NS_TEST_EXPECT_MSG_EQ(portsBySize[101].size(), 1, "H1:5000 keeps one port");
        NS_TEST_EXPECT_MSG_EQ(portsBySize[102].size(), 1, "H2:5000 keeps one port");
        NS_TEST_EXPECT_MSG_EQ(*portsBySize[101].begin(), 61000, "first flow, first port");
        NS_TEST_EXPECT_MSG_EQ(*portsBySize[102].begin(), 61001, "second flow, next port");
        NS_TEST_EXPECT_MSG_EQ(*portsBySize[103].begin(), 61002, "third flow, next port");

        // The replies reached the right socket, from O's echo port.
        NS_TEST_EXPECT_MSG_EQ(r1.size(), 4, "H1:5000 got its 4 replies");
        NS_TEST_EXPECT_MSG_EQ(r2.size(), 3, "H2:5000 got its 3 replies");
        NS_TEST_EXPECT_MSG_EQ(r3.size(), 1, "H1:5001 got its reply");
        for (const Datagram& d : r1)
        {
            NS_TEST_EXPECT_MSG_EQ(d.size, 101, "H1:5000 got only its own replies");
            NS_TEST_EXPECT_MSG_EQ(d.from, Ipv4Address("192.0.2.2"), "from O");
            NS_TEST_EXPECT_MSG_EQ(d.port, 7, "from the echo port");
        }
        for (const Datagram& d : r2)
        {
            NS_TEST_EXPECT_MSG_EQ(d.size, 102, "H2:5000 got only its own replies");
        }
        // What H2 received on the wire: its own address and port, restored.
        for (const WirePacket& w : UdpFrom(t.atH2, "192.0.2.2"))
        {
            NS_TEST_EXPECT_MSG_EQ(w.dst, Ipv4Address("10.1.0.3"), "de-masqueraded address");
            NS_TEST_EXPECT_MSG_EQ(w.dstPort, 5000, "de-masqueraded port");
            NS_TEST_EXPECT_MSG_EQ(w.udpLength, w.size, "the UDP length field is intact");
        }
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no errors");
        NS_TEST_EXPECT_MSG_EQ(traces.CountTranslations(Ipv4PolicyRouting::TRANSLATE_MASQ),
                              8,
                              "one masquerade per outgoing datagram");
        NS_TEST_EXPECT_MSG_EQ(traces.CountTranslations(Ipv4PolicyRouting::TRANSLATE_DEMASQ),
                              8,
                              "one de-masquerade per reply");
    }

    bool m_checksums;
};

/**
 * \ingroup policy-routing-tests
 * Translation of datagrams that reach the router in fragments, both ways (the links of H1
 * and O have an MTU of 1000): only the first fragment carries the UDP header, so the header
 * must be rewritten without recomputing length and checksum from that fragment alone, and
 * the other fragments must follow it (for masquerade replies: to the same inside host). The
 * receivers reassemble the datagrams and their stacks verify the checksums (when on).
 */
class TranslateFragmentsTestCase : public TestCase
{
  public:
    TranslateFragmentsTestCase(bool masquerade, bool checksums)
        : TestCase(std::string("fragmented datagram through ") +
                   (masquerade ? "masquerade" : "static NAT") +
                   (checksums ? ", checksums on" : "")),
          m_masquerade(masquerade),
          m_checksums(checksums)
    {
    }

  private:
    void DoRun() override
    {
        ChecksumScope checksums(m_checksums);
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        if (m_masquerade)
        {
            h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        }
        else
        {
            h.AddRule(t.r,
                      PolicyRuleSpec()
                          .From("10.1.0.0/24")
                          .Lookup(CLASS_MAIN)
                          .Nat(Ipv4Address("198.51.100.0")));
            t.R()->AddNatRoute(Ipv4Address("198.51.100.0"),
                               Ipv4Mask("255.255.255.0"),
                               Ipv4Address("10.1.0.0"));
        }
        // Both ways in fragments: H1's and O's links have an MTU of 1000.
        DynamicCast<SimpleNetDevice>(t.h1->GetObject<Ipv4>()->GetNetDevice(1))->SetMtu(1000);
        DynamicCast<SimpleNetDevice>(t.o->GetObject<Ipv4>()->GetNetDevice(1))->SetMtu(1000);
        std::vector<Datagram> atEcho;
        Udp::EchoServer(t.o, 7, &atEcho);
        std::vector<Datagram> replies;
        // 0.5 s apart: a reply in three fragments fills O's ARP queue (3 packets) while it
        // resolves R's address; a second one right behind it would be dropped there.
        Ptr<Socket> c = Udp::Client(t.h1, 5000, &replies, nullptr);
        TestNetwork::SendAt(Seconds(1), c, "192.0.2.2", 7, 2500);
        TestNetwork::SendAt(Seconds(1.5), c, "192.0.2.2", 7, 2500);
        TestNetwork::Run();

        const std::string outside = m_masquerade ? "192.0.2.1" : "198.51.100.2";
        std::size_t fragments = 0;
        for (const WirePacket& w : UdpFrom(t.atO, outside))
        {
            ++fragments;
            if (w.srcPort != 0)
            {
                NS_TEST_EXPECT_MSG_EQ(w.udpLength,
                                      2508,
                                      "the first fragment: the datagram's length");
                NS_TEST_EXPECT_MSG_EQ(w.srcPort, (m_masquerade ? 61000 : 5000), "its port");
            }
        }
        NS_TEST_EXPECT_MSG_EQ(fragments, 6, "three fragments per datagram, all translated");
        PR_TEST_REQUIRE_MSG_EQ(atEcho.size(), 2, "O reassembled and accepted both datagrams");
        NS_TEST_EXPECT_MSG_EQ(atEcho[0].size, 2500, "whole");
        NS_TEST_EXPECT_MSG_EQ(atEcho[0].from, Ipv4Address(outside.c_str()), "translated");
        NS_TEST_EXPECT_MSG_EQ(replies.size(), 2, "and the replies came back, also in fragments");
        std::size_t back = 0;
        for (const WirePacket& w : UdpFrom(t.atH1, "192.0.2.2"))
        {
            NS_TEST_EXPECT_MSG_EQ(w.dst, Ipv4Address("10.1.0.2"), "every fragment translated");
            ++back;
        }
        NS_TEST_EXPECT_MSG_EQ(back, 6, "three fragments per reply");
    }

    bool m_masquerade;
    bool m_checksums;
};

/**
 * \ingroup policy-routing-tests
 * MASQUERADE with ICMP echo: two inside hosts ping O with the same identifier; O sees two
 * identifiers on R's address, and each host gets its replies with its own identifier.
 */
class MasqueradeIcmpTestCase : public TestCase
{
  public:
    explicit MasqueradeIcmpTestCase(bool checksums)
        : TestCase(std::string("masquerade ICMP echo, two hosts with the same identifier") +
                   (checksums ? ", checksums on" : "")),
          m_checksums(checksums)
    {
    }

  private:
    void DoRun() override
    {
        ChecksumScope checksums(m_checksums);
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        std::vector<IcmpMessage> at1;
        std::vector<IcmpMessage> at2;
        Ptr<Socket> s1 = Icmp::Open(t.h1, &at1);
        Ptr<Socket> s2 = Icmp::Open(t.h2, &at2);
        for (uint16_t k = 0; k < 3; ++k)
        {
            Icmp::PingAt(Seconds(1) + MilliSeconds(20 * k), s1, "192.0.2.2", 77, k);
            Icmp::PingAt(Seconds(2) + MilliSeconds(20 * k), s2, "192.0.2.2", 77, 10 + k);
        }
        TestNetwork::Run();

        const std::vector<WirePacket> requests = WireTap::Only(t.atO, 1);
        PR_TEST_REQUIRE_MSG_EQ(requests.size(), 6, "six echo requests reached O");
        std::set<uint16_t> ids;
        for (const WirePacket& w : requests)
        {
            NS_TEST_EXPECT_MSG_EQ(unsigned(w.icmpType), 8, "echo request");
            NS_TEST_EXPECT_MSG_EQ(w.src, Ipv4Address("192.0.2.1"), "masqueraded as R");
            ids.insert(w.srcPort);
        }
        NS_TEST_EXPECT_MSG_EQ(ids.size(), 2, "one identifier per inside host");
        NS_TEST_EXPECT_MSG_EQ(ids.count(77), 0, "the inside identifier is not seen outside");

        const std::vector<IcmpMessage> replies1 = Icmp::OfType(at1, 0);
        const std::vector<IcmpMessage> replies2 = Icmp::OfType(at2, 0);
        PR_TEST_REQUIRE_MSG_EQ(replies1.size(), 3, "H1 got its three replies");
        PR_TEST_REQUIRE_MSG_EQ(replies2.size(), 3, "H2 got its three replies");
        for (uint16_t k = 0; k < 3; ++k)
        {
            NS_TEST_EXPECT_MSG_EQ(replies1[k].from, Ipv4Address("192.0.2.2"), "from O");
            NS_TEST_EXPECT_MSG_EQ(replies1[k].to, Ipv4Address("10.1.0.2"), "to H1");
            NS_TEST_EXPECT_MSG_EQ(replies1[k].id, 77, "H1's identifier restored");
            NS_TEST_EXPECT_MSG_EQ(replies1[k].seq, k, "H1's sequence");
            NS_TEST_EXPECT_MSG_EQ(replies2[k].to, Ipv4Address("10.1.0.3"), "to H2");
            NS_TEST_EXPECT_MSG_EQ(replies2[k].id, 77, "H2's identifier restored");
            NS_TEST_EXPECT_MSG_EQ(replies2[k].seq, 10 + k, "H2's sequence");
        }
    }

    bool m_checksums;
};

/**
 * \ingroup policy-routing-tests
 * ICMP errors about translated datagrams reach the inside host: O has no socket on port 9 and
 * answers port unreachable to the address it saw (R's, or the NAT address); R translates the
 * error's destination and the datagram it quotes back (as Linux ip_masq and ip_nat_dumb did),
 * so H1's socket learns about it.
 */
class TranslateIcmpErrorTestCase : public TestCase
{
  public:
    explicit TranslateIcmpErrorTestCase(bool masquerade)
        : TestCase(std::string("ICMP errors back through ") +
                   (masquerade ? "masquerade" : "static NAT")),
          m_masquerade(masquerade)
    {
    }

  private:
    void DoRun() override
    {
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        if (m_masquerade)
        {
            h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        }
        else
        {
            h.AddRule(t.r,
                      PolicyRuleSpec()
                          .From("10.1.0.2/32")
                          .Lookup(CLASS_MAIN)
                          .Nat(Ipv4Address("198.51.100.7")));
            t.R()->AddNatRoute(Ipv4Address("198.51.100.7"),
                               Ipv4Mask("255.255.255.255"),
                               Ipv4Address("10.1.0.2"));
        }
        std::vector<IcmpReport> icmp;
        std::vector<IcmpReport> icmp2;
        TestNetwork::SendAt(Seconds(1), Udp::Client(t.h1, 5000, nullptr, &icmp), "192.0.2.2", 9);
        TestNetwork::SendAt(Seconds(2), Udp::Client(t.h1, 5001, nullptr, &icmp2), "192.0.2.2", 9);
        // Time exceeded: beyond O (R's default route points to O, O's back to R), a datagram
        // sent with TTL 2 dies at O, which tells the address it saw.
        h.AddRoute(t.r, PolicyRouteSpec("default").Via("192.0.2.2").Dev(t.rOut));
        std::vector<IcmpReport> icmp3;
        Ptr<Socket> ttl2 = Udp::Client(t.h1, 5002, nullptr, &icmp3);
        ttl2->SetIpTtl(2);
        TestNetwork::SendAt(Seconds(3), ttl2, "203.0.113.5", 9);
        TestNetwork::Run();

        const std::vector<WirePacket> errors = WireTap::Only(t.atH1, 1);
        PR_TEST_REQUIRE_MSG_EQ((errors.size() >= 2), true, "the port unreachables reached H1");
        NS_TEST_EXPECT_MSG_EQ(errors[0].src, Ipv4Address("192.0.2.2"), "from O");
        NS_TEST_EXPECT_MSG_EQ(errors[0].dst, Ipv4Address("10.1.0.2"), "to H1");
        NS_TEST_EXPECT_MSG_EQ(unsigned(errors[0].icmpType), 3, "destination unreachable");
        NS_TEST_EXPECT_MSG_EQ(errors[0].quotedSrc,
                              Ipv4Address("10.1.0.2"),
                              "quoting H1's datagram as H1 sent it");
        NS_TEST_EXPECT_MSG_EQ(errors[0].quotedSrcPort, 5000, "with H1's port");
        NS_TEST_EXPECT_MSG_EQ(errors[1].quotedSrcPort, 5001, "the second with its own");
        NS_TEST_EXPECT_MSG_EQ(errors[0].quotedDst, Ipv4Address("192.0.2.2"), "to O");
        PR_TEST_REQUIRE_MSG_EQ(icmp.size(), 1, "the socket of the first datagram was told");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmp[0].code), 3, "port unreachable");
        NS_TEST_EXPECT_MSG_EQ(icmp[0].from, Ipv4Address("192.0.2.2"), "by O");
        NS_TEST_EXPECT_MSG_EQ(icmp2.size(), 1, "and the socket of the second, its own error");
        PR_TEST_REQUIRE_MSG_EQ(icmp3.size(), 1, "the time exceeded came back too");
        NS_TEST_EXPECT_MSG_EQ(unsigned(icmp3[0].type), 11, "time exceeded");
        NS_TEST_EXPECT_MSG_EQ(icmp3[0].from, Ipv4Address("192.0.2.2"), "from O");
    }

    bool m_masquerade;
};

/**
 * \ingroup policy-routing-tests
 * MASQUERADE with TCP: two inside hosts connect from the same port to an echo server; both
 * connections work end to end through the masquerading router.
 */
class MasqueradeTcpTestCase : public TestCase
{
  public:
    explicit MasqueradeTcpTestCase(bool checksums)
        : TestCase(std::string("masquerade TCP, two hosts on the same port") +
                   (checksums ? ", checksums on" : "")),
          m_checksums(checksums)
    {
    }

  private:
    void DoRun() override
    {
        ChecksumScope checksums(m_checksums);
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        std::vector<Datagram> peers;
        uint32_t serverBytes = 0;
        Tcp::EchoServer(t.o, 80, &peers, &serverBytes);
        TcpResult c1;
        TcpResult c2;
        Tcp::ClientAt(Seconds(1), t.h1, 5000, "192.0.2.2", 80, 3000, &c1);
        Tcp::ClientAt(Seconds(1.5), t.h2, 5000, "192.0.2.2", 80, 2000, &c2);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(c1.connected, true, "H1 connected");
        NS_TEST_EXPECT_MSG_EQ(c2.connected, true, "H2 connected");
        NS_TEST_EXPECT_MSG_EQ(c1.localAddress, Ipv4Address("10.1.0.2"), "H1's own address");
        NS_TEST_EXPECT_MSG_EQ(c1.echoed, 3000, "H1 got all its bytes back");
        NS_TEST_EXPECT_MSG_EQ(c2.echoed, 2000, "H2 got all its bytes back");
        NS_TEST_EXPECT_MSG_EQ(serverBytes, 5000, "the server got every byte");
        PR_TEST_REQUIRE_MSG_EQ(peers.size(), 2, "two connections accepted");
        NS_TEST_EXPECT_MSG_EQ(peers[0].from, Ipv4Address("192.0.2.1"), "from R's address");
        NS_TEST_EXPECT_MSG_EQ(peers[1].from, Ipv4Address("192.0.2.1"), "from R's address");
        NS_TEST_EXPECT_MSG_EQ((peers[0].port != peers[1].port), true, "distinct ports");
        NS_TEST_EXPECT_MSG_EQ((peers[0].port >= 61000 && peers[1].port >= 61000),
                              true,
                              "masquerade ports");
        for (const WirePacket& w : WireTap::Only(t.atO, 6))
        {
            NS_TEST_EXPECT_MSG_EQ(w.src, Ipv4Address("192.0.2.1"), "every segment masqueraded");
        }
        for (const WirePacket& w : WireTap::Only(t.atH1, 6))
        {
            NS_TEST_EXPECT_MSG_EQ(w.dstPort, 5000, "every reply segment de-masqueraded");
        }
    }

    bool m_checksums;
};

/**
 * \ingroup policy-routing-tests
 * The masquerade attributes: port range (MasqueradePortMin/Max) and exhaustion (a flow that
 * finds no free port is dropped).
 */
class MasqueradePortRangeTestCase : public TestCase
{
  public:
    MasqueradePortRangeTestCase()
        : TestCase("masquerade port range attributes and exhaustion")
    {
    }

  private:
    void DoRun() override
    {
        NatNet t(Attributes{{"MasqueradePortMin", "40000"}, {"MasqueradePortMax", "40001"}});
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        PolicyTraces traces;
        traces.ConnectLight(t.R());
        Udp::EchoServer(t.o, 7, nullptr);
        std::vector<Datagram> r1;
        std::vector<Datagram> r2;
        std::vector<Datagram> r3;
        TestNetwork::SendAt(Seconds(1), Udp::Client(t.h1, 5000, &r1, nullptr), "192.0.2.2", 7);
        TestNetwork::SendAt(Seconds(2), Udp::Client(t.h2, 5000, &r2, nullptr), "192.0.2.2", 7);
        TestNetwork::SendAt(Seconds(3), Udp::Client(t.h1, 5001, &r3, nullptr), "192.0.2.2", 7);
        TestNetwork::Run();

        const std::vector<WirePacket> udp = WireTap::Only(t.atO, 17);
        PR_TEST_REQUIRE_MSG_EQ(udp.size(), 2, "two flows fit in two ports");
        NS_TEST_EXPECT_MSG_EQ(udp[0].srcPort, 40000, "MasqueradePortMin is the first port");
        NS_TEST_EXPECT_MSG_EQ(udp[1].srcPort, 40001, "then the next");
        NS_TEST_EXPECT_MSG_EQ(r1.size(), 1, "H1's reply");
        NS_TEST_EXPECT_MSG_EQ(r2.size(), 1, "H2's reply");
        NS_TEST_EXPECT_MSG_EQ(r3.size(), 0, "no port for the third flow");
        PR_TEST_REQUIRE_MSG_EQ(traces.drops.size(), 1, "the third flow's datagram was dropped");
        NS_TEST_EXPECT_MSG_EQ(traces.drops[0].reason, RouteError::INVALID, "as untranslatable");
        NS_TEST_EXPECT_MSG_EQ(traces.icmps.size(), 0, "silently");
    }
};

/**
 * \ingroup policy-routing-tests
 * The masquerade idle timeout (MasqueradeTimeout): a reply after the mapping expired is not
 * translated; the flow gets a new port when it sends again.
 */
class MasqueradeTimeoutTestCase : public TestCase
{
  public:
    MasqueradeTimeoutTestCase()
        : TestCase("masquerade mappings expire after MasqueradeTimeout")
    {
    }

  private:
    void DoRun() override
    {
        NatNet t(Attributes{{"MasqueradeTimeout", "2s"}});
        Ipv4PolicyRoutingHelper h;
        h.AddRule(t.r, PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade());
        std::vector<Datagram> atSink;
        // O's sink answers from its port 9 (masquerade mappings include the remote port).
        Ptr<Socket> oc = Udp::Sink(t.o, 9, &atSink);
        std::vector<Datagram> replies;
        Ptr<Socket> c = Udp::Client(t.h1, 5000, &replies, nullptr);
        TestNetwork::SendAt(Seconds(1), c, "192.0.2.2", 9);
        // O answers the mapping at 2.5 s (alive: it expires 2 s after its last use, 4.5 s).
        auto answer = [oc](uint16_t port, uint32_t size) {
            oc->SendTo(Create<Packet>(size), 0, InetSocketAddress(Ipv4Address("192.0.2.1"), port));
        };
        Simulator::Schedule(Seconds(2.5), [answer]() { answer(61000, 10); });
        // H1 sends again at 7 s, after the expiry: a new mapping, the next port.
        TestNetwork::SendAt(Seconds(7), c, "192.0.2.2", 9);
        // Late answers to the old port are not translated; to the new one they are.
        Simulator::Schedule(Seconds(8), [answer]() { answer(61000, 20); });
        Simulator::Schedule(Seconds(8.5), [answer]() { answer(61001, 30); });
        TestNetwork::Run();

        PR_TEST_REQUIRE_MSG_EQ(atSink.size(), 2, "both datagrams reached O");
        NS_TEST_EXPECT_MSG_EQ(atSink[0].port, 61000, "first mapping");
        NS_TEST_EXPECT_MSG_EQ(atSink[1].port, 61001, "the expired mapping is not reused");
        PR_TEST_REQUIRE_MSG_EQ(replies.size(), 2, "the answers to live mappings got in");
        NS_TEST_EXPECT_MSG_EQ(replies[0].size, 10, "the early one");
        NS_TEST_EXPECT_MSG_EQ(replies[1].size, 30, "the one to the new port");
    }
};

/**
 * \ingroup policy-routing-tests
 * VALVE (semantics.md §2.7): packets may leave the masqueraded network, unsolicited packets
 * may not enter it (ICMP 3/13 to their sender), replies to masqueraded flows pass.
 */
class ValveTestCase : public TestCase
{
  public:
    explicit ValveTestCase(bool masquerade)
        : TestCase(std::string("VALVE on a ") + (masquerade ? "masquerade" : "plain route") +
                   " rule"),
          m_masquerade(masquerade)
    {
    }

  private:
    void DoRun() override
    {
        NatNet t;
        Ipv4PolicyRoutingHelper h;
        Ipv4PolicyRoutingHelper().AddRoute(t.o,
                                           PolicyRouteSpec("10.1.0.0/24").Via("192.0.2.1").Dev(1));
        PolicyRuleSpec rule = PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Valve();
        if (m_masquerade)
        {
            rule.Masquerade();
        }
        h.AddRule(t.r, rule);
        PolicyTraces traces;
        traces.ConnectLight(t.R());

        std::vector<Datagram> atEcho;
        Udp::EchoServer(t.o, 7, &atEcho);
        std::vector<Datagram> replies;
        std::vector<IcmpReport> icmp;
        TestNetwork::SendAt(Seconds(1),
                            Udp::Client(t.h1, 5000, &replies, &icmp),
                            "192.0.2.2",
                            7,
                            100,
                            3);
        // Unsolicited, from outside to H1.
        std::vector<Datagram> h1Sink;
        Udp::Sink(t.h1, 9, &h1Sink);
        std::vector<IcmpReport> oIcmp;
        TestNetwork::SendAt(Seconds(2), Udp::Client(t.o, 0, nullptr, &oIcmp), "10.1.0.2", 9, 50, 2);
        TestNetwork::Run();

        NS_TEST_EXPECT_MSG_EQ(atEcho.size(), 3, "inside-out works");
        NS_TEST_EXPECT_MSG_EQ(h1Sink.size(), 0, "unsolicited outside-in is stopped");
        PR_TEST_REQUIRE_MSG_EQ(oIcmp.size(), 2, "and its sender told, once per datagram");
        NS_TEST_EXPECT_MSG_EQ(unsigned(oIcmp[0].type), 3, "destination unreachable");
        NS_TEST_EXPECT_MSG_EQ(unsigned(oIcmp[0].code), 13, "administratively prohibited");
        NS_TEST_EXPECT_MSG_EQ(oIcmp[0].from, Ipv4Address("192.0.2.1"), "by R");
        if (m_masquerade)
        {
            NS_TEST_EXPECT_MSG_EQ(replies.size(), 3, "replies to masqueraded flows pass");
            NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0, "no error for H1");
            NS_TEST_EXPECT_MSG_EQ(atEcho[0].from, Ipv4Address("192.0.2.1"), "masqueraded");
        }
        else
        {
            // Without masquerading nothing is de-masqueraded: the replies are "incoming
            // frames" like any other and stopped (2.1 ip_forward drops every RTCF_VALVE
            // packet that was not de-masqueraded). O gets a 3/13 for each.
            NS_TEST_EXPECT_MSG_EQ(replies.size(), 0, "replies of a plain flow are stopped");
            NS_TEST_EXPECT_MSG_EQ(atEcho[0].from, Ipv4Address("10.1.0.2"), "not masqueraded");
        }
        for (const auto& d : traces.drops)
        {
            NS_TEST_EXPECT_MSG_EQ(d.reason, RouteError::PROHIBITED, "valve drops are 3/13");
        }
    }

    bool m_masquerade;
};

/**
 * \ingroup policy-routing-tests
 * Address translation suite.
 */
class Ipv4PolicyRoutingNatTestSuite : public TestSuite
{
  public:
    Ipv4PolicyRoutingNatTestSuite()
        : TestSuite("ipv4-policy-routing-nat", TestSuite::Type::UNIT)
    {
        AddTestCase(new StaticNatTestCase(false, false));
        AddTestCase(new StaticNatTestCase(true, false));
        AddTestCase(new StaticNatTestCase(true, true));
        AddTestCase(new MasqueradeUdpTestCase(false));
        AddTestCase(new MasqueradeUdpTestCase(true));
        AddTestCase(new TranslateFragmentsTestCase(true, false));
        AddTestCase(new TranslateFragmentsTestCase(true, true));
        AddTestCase(new TranslateFragmentsTestCase(false, false));
        AddTestCase(new TranslateFragmentsTestCase(false, true));
        AddTestCase(new MasqueradeIcmpTestCase(false));
        AddTestCase(new MasqueradeIcmpTestCase(true));
        AddTestCase(new TranslateIcmpErrorTestCase(true));
        AddTestCase(new TranslateIcmpErrorTestCase(false));
        AddTestCase(new MasqueradeTcpTestCase(false));
        AddTestCase(new MasqueradeTcpTestCase(true));
        AddTestCase(new MasqueradePortRangeTestCase);
        AddTestCase(new MasqueradeTimeoutTestCase);
        AddTestCase(new ValveTestCase(true));
        AddTestCase(new ValveTestCase(false));
    }
};

/// Static instance registering the suite.
static Ipv4PolicyRoutingNatTestSuite g_ipv4PolicyRoutingNatTestSuite;
