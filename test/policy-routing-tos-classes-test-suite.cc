/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * policy-routing-tos-classes: the seed's TOS classes (application 4, RFC 1812 E.3.2) on ns-3
 * nodes. The network of examples/tos-classes.cc (router R, four paths P1..P4, three
 * destination networks), built with SimpleNetDevice links:
 *
 *  - R with the 16 TOS classes: for every destination (every address, network and broadcast
 *    address, and addresses inside and at the edges of R's route prefixes) and every TOS octet
 *    (the 16 values, and octets with precedence bits), Ipv4PolicyRouting::Explain decides as
 *    the independent RFC 1812 E.3.2 reference;
 *  - the same routes in one class looked up by RFC 1812 5.2.4.3 decide as the reference's
 *    5.2.4.3, and differently from E.3.2 where the RFC says they do;
 *  - real packets: S sends to every destination with every TOS value; each crosses the P
 *    router the reference chooses and is delivered, and flows of different TOS take different
 *    paths.
 */

#include "../examples/tos-classes-network.h"
#include "policy-routing-test-kit.h"
#include "reference/tos-e32-reference.h"

#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"
#include "ns3/test.h"
#include "ns3/tos-classes-helper.h"

#include <map>
#include <set>
#include <sstream>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

NetDeviceContainer
SimpleLink(Ptr<Node> a, Ptr<Node> b)
{
    Ptr<SimpleChannel> channel = CreateObject<SimpleChannel>();
    NetDeviceContainer d;
    for (Ptr<Node> n : {a, b})
    {
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(channel);
        n->AddDevice(dev);
        d.Add(dev);
    }
    return d;
}

/// The reference's view of R: its gateway routes, connected networks and addresses.
e32ref::Router
Reference(Ptr<Node> r)
{
    e32ref::Router ref;
    for (const RouteEntry& e : tosdemo::RouterRoutes())
    {
        ref.fib.push_back({e.prefix, e.length, e.tos, e.metric, e.info.gateway, e.info.interface});
    }
    Ptr<Ipv4> ipv4 = r->GetObject<Ipv4>();
    for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
    {
        const Ipv4InterfaceAddress a = ipv4->GetAddress(i, 0);
        const OspfPrefix net = OspfPrefix::Of(a.GetLocal().Get(), a.GetMask().GetPrefixLength());
        ref.local.push_back(a.GetLocal().Get());
        if (net.length < 31)
        {
            ref.broadcast.push_back(net.address | ~net.Mask());
        }
        ref.connected.push_back({net.address, net.length, i});
    }
    return ref;
}

/// Destinations: every address and subnet of the network, and around R's route prefixes.
std::vector<uint32_t>
Destinations(const tosdemo::TosDemoNetwork& net)
{
    std::set<uint32_t> d{Ipv4Address("8.8.8.8").Get(), Ipv4Address("10.9.3.1").Get()};
    for (const auto& [name, node] : net.nodes)
    {
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
        {
            const Ipv4InterfaceAddress a = ipv4->GetAddress(i, 0);
            const OspfPrefix p = OspfPrefix::Of(a.GetLocal().Get(), a.GetMask().GetPrefixLength());
            d.insert({a.GetLocal().Get(), p.address, p.address | ~p.Mask()});
        }
    }
    for (const RouteEntry& e : tosdemo::RouterRoutes())
    {
        const uint32_t last = e.prefix | ~OspfPrefix{e.prefix, e.length}.Mask();
        d.insert({e.prefix, e.prefix + 1, last - 1, last});
    }
    return {d.begin(), d.end()};
}

/// TOS octets: the 16 values and a few with precedence or the low bit.
std::vector<uint8_t>
TosOctets()
{
    std::vector<uint8_t> t = AllTosValues();
    t.push_back(0xb8);
    t.push_back(0x11);
    t.push_back(0xe2);
    return t;
}

std::string
Text(const PolicyDecision& d)
{
    std::ostringstream os;
    switch (d.kind)
    {
    case PolicyDecision::FORWARD:
        os << "forward via " << Ipv4Address(d.node.info.gateway) << " if" << d.node.info.interface;
        break;
    case PolicyDecision::LOCAL:
        os << "local";
        break;
    case PolicyDecision::BROADCAST:
        os << "broadcast";
        break;
    case PolicyDecision::ERROR:
        os << "unreachable";
        break;
    }
    return os.str();
}

std::string
Text(const e32ref::Decision& d)
{
    static const char* names[] = {"local", "broadcast", "forward", "unreachable", "ambiguous"};
    std::ostringstream os;
    os << names[d.kind];
    if (d.kind == e32ref::Decision::FORWARD)
    {
        os << " via " << Ipv4Address(d.gateway) << " if" << d.interface;
    }
    return os.str();
}

/**
 * \ingroup policy-routing-tests
 * Every (destination, TOS) at R: the 16 classes decide as E.3.2; one class looked up by
 * 5.2.4.3 decides as 5.2.4.3.
 */
class TosEveryDecisionTestCase : public TestCase
{
  public:
    TosEveryDecisionTestCase(tosdemo::Arrangement a, const std::string& name)
        : TestCase("every (destination, TOS) at R: " + name),
          m_arrangement(a)
    {
    }

  private:
    void DoRun() override
    {
        tosdemo::TosDemoNetwork net;
        net.Build(&SimpleLink);
        net.Install(m_arrangement);
        Ptr<Ipv4PolicyRouting> r = Ipv4PolicyRoutingHelper::GetPolicyRouting(net.Get("R"));
        const e32ref::Router ref = Reference(net.Get("R"));
        uint32_t checked = 0;
        uint32_t differ = 0;
        for (uint32_t dst : Destinations(net))
        {
            for (uint8_t tos : TosOctets())
            {
                const e32ref::Decision e32 = e32ref::Lookup(ref, dst, tos);
                const e32ref::Decision rfc = e32ref::LookupRfc1812(ref, dst, tos);
                const e32ref::Decision& want =
                    m_arrangement == tosdemo::Arrangement::RFC1812 ? rfc : e32;
                const std::string got =
                    Text(r->Explain(Ipv4Address(dst), Ipv4Address::GetAny(), tos).decision);
                NS_TEST_EXPECT_MSG_EQ(got,
                                      Text(want),
                                      Ipv4Address(dst) << " tos " << int(tos) << ": " << want.why);
                ++checked;
                differ += Text(e32) != Text(rfc);
            }
        }
        NS_TEST_EXPECT_MSG_GT(differ, 10u, "E.3.2 and 5.2.4.3 differ on the example's routes");
        std::cout << "[policy-routing-tos-classes] " << checked
                  << " (destination, TOS) decisions of R equal to the reference; " << differ
                  << " differ between E.3.2 and 5.2.4.3" << std::endl;
        Simulator::Destroy();
    }

    tosdemo::Arrangement m_arrangement;
};

/**
 * \ingroup policy-routing-tests
 * Real packets: every TOS value to every destination, through the P router E.3.2 chooses.
 */
class TosPacketsTestCase : public TestCase
{
  public:
    TosPacketsTestCase()
        : TestCase("packets of every TOS take the E.3.2 path and are delivered")
    {
    }

  private:
    /// (destination, TOS) -> P routers that saw it
    std::map<std::pair<uint32_t, uint8_t>, std::vector<std::string>> m_seen;
    /// (destination, TOS) -> received at the destination
    std::map<std::pair<uint32_t, uint8_t>, uint32_t> m_delivered;

    static void Rx(TosPacketsTestCase* self,
                   std::string name,
                   Ptr<const Packet> p,
                   Ptr<Ipv4>,
                   uint32_t)
    {
        Ipv4Header ip;
        p->PeekHeader(ip);
        if (ip.GetProtocol() != 17)
        {
            return;
        }
        const auto key = std::make_pair(ip.GetDestination().Get(), uint8_t(ip.GetTos()));
        if (name[0] == 'P')
        {
            self->m_seen[key].push_back(name);
        }
        if (name[0] == 'D')
        {
            ++self->m_delivered[key];
        }
    }

    void DoRun() override
    {
        tosdemo::TosDemoNetwork net;
        net.Build(&SimpleLink);
        net.Install(tosdemo::Arrangement::CLASSES);
        for (const auto& [name, node] : net.nodes)
        {
            node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
                "Rx",
                MakeBoundCallback(&TosPacketsTestCase::Rx, this, name));
        }
        TestNetwork sender;
        std::vector<IcmpReport> icmp;
        std::vector<Received> received;
        for (const auto& [host, address] : tosdemo::Destinations())
        {
            sender.Sink(net.Get(host), 9, &received);
        }
        Time at = Seconds(1);
        for (uint8_t tos : AllTosValues())
        {
            Ptr<Socket> s = sender.Sender(net.Get("S"), tos, &icmp);
            for (const auto& [host, address] : tosdemo::Destinations())
            {
                TestNetwork::SendAt(at, s, address, 9);
                at += MilliSeconds(30);
            }
        }
        TestNetwork::Run(at + Seconds(1));

        const e32ref::Router ref = Reference(net.Get("R"));
        std::map<std::string, std::set<uint32_t>> paths;
        for (uint8_t tos : AllTosValues())
        {
            for (const auto& [host, address] : tosdemo::Destinations())
            {
                const uint32_t dst = Ipv4Address(address.c_str()).Get();
                const e32ref::Decision want = e32ref::Lookup(ref, dst, tos);
                const std::string p = "P" + std::to_string(want.interface - 1);
                const auto key = std::make_pair(dst, tos);
                NS_TEST_EXPECT_MSG_EQ(m_seen[key].size(), 1u, host << " tos " << int(tos));
                if (m_seen[key].size() == 1)
                {
                    NS_TEST_EXPECT_MSG_EQ(m_seen[key][0], p, host << " tos " << int(tos));
                    paths[host].insert(m_seen[key][0][1] - '0');
                }
                NS_TEST_EXPECT_MSG_EQ(m_delivered[key], 1u, host << " tos " << int(tos));
            }
        }
        for (const auto& [host, address] : tosdemo::Destinations())
        {
            NS_TEST_EXPECT_MSG_GT(paths[host].size(),
                                  2u,
                                  host << ": different TOS, different paths");
        }
        NS_TEST_EXPECT_MSG_EQ(icmp.size(), 0u, "no ICMP errors");
        NS_TEST_EXPECT_MSG_EQ(received.size(),
                              AllTosValues().size() * tosdemo::Destinations().size(),
                              "every datagram reached its socket");
    }
};

/**
 * \ingroup policy-routing-tests
 * The seed's TOS classes on ns-3 nodes.
 */
class TosClassesTestSuite : public TestSuite
{
  public:
    TosClassesTestSuite()
        : TestSuite("policy-routing-tos-classes", TestSuite::Type::UNIT)
    {
        AddTestCase(new TosEveryDecisionTestCase(tosdemo::Arrangement::CLASSES,
                                                 "16 TOS classes decide as RFC 1812 E.3.2"));
        AddTestCase(new TosEveryDecisionTestCase(tosdemo::Arrangement::VARIANT,
                                                 "one class, the engine's E.3.2"));
        AddTestCase(new TosEveryDecisionTestCase(tosdemo::Arrangement::RFC1812,
                                                 "one class, RFC 1812 5.2.4.3"));
        AddTestCase(new TosPacketsTestCase);
    }
};

/// The suite's instance.
static TosClassesTestSuite g_tosClassesTestSuite;

} // namespace
