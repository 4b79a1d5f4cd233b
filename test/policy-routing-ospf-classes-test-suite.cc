/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * policy-routing-ospf-classes: the seed's OSPF classes (application 3) on ns-3 nodes. The
 * domain of examples/ospf-classes.cc (backbone, two areas, three ABRs, two ASBRs with type 1
 * and type 2 externals), built with SimpleNetDevice links, routes computed and installed by
 * OspfClassesHelper:
 *
 *  - the topology the helper reads from the nodes is the one described (addresses, areas,
 *    costs, neighbours, externals);
 *  - for every router and every destination (every address of the network, subnet broadcasts,
 *    holes in area ranges, external and unknown addresses) Ipv4PolicyRouting::Explain and the
 *    independent RFC 1812 E.3.3 reference choose the same next hop, or both none;
 *  - real packets: every router sends a UDP datagram to every destination; the path each takes,
 *    hop by hop, is the path the reference predicts, and OSPF addresses are delivered;
 *  - the routers configured from their iproute commands (PolicyConfigHelper) decide as the
 *    routers configured through the API.
 */

#include "../examples/ospf-classes-network.h"
#include "policy-routing-test-kit.h"
#include "reference/ospf-e33-reference.h"

#include "ns3/ospf-classes-helper.h"
#include "ns3/policy-config-helper.h"
#include "ns3/simple-channel.h"
#include "ns3/simple-net-device.h"
#include "ns3/test.h"

#include <map>
#include <set>
#include <sstream>

using namespace ns3;
using namespace policyroutingtest;

namespace
{

/// Two SimpleNetDevices on a SimpleChannel.
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

/// The demo network, built and installed.
struct Domain
{
    ospfdemo::OspfDemoNetwork net;

    /// Build; install through the API, or through each router's iproute commands.
    explicit Domain(bool viaConfig = false)
    {
        Ipv4PolicyRoutingHelper policy;
        policy.Set("LookupAlgorithm", EnumValue(Ipv4PolicyRouting::ALGORITHM_RFC1812));
        net.Build(&SimpleLink, policy);
        if (!viaConfig)
        {
            net.ospf.Install();
            return;
        }
        net.ospf.Compute();
        PolicyConfigHelper config;
        config.SetOutputStream(nullptr);
        for (const std::string& r : ospfdemo::Routers())
        {
            config.ApplyText(net.Get(r), net.ospf.GetCommands(net.Get(r)), r + ".cfg");
        }
    }

    Ptr<Ipv4PolicyRouting> Routing(const std::string& name) const
    {
        return Ipv4PolicyRoutingHelper::GetPolicyRouting(net.Get(name));
    }

    /// The reference's view of router \p r: OSPF routes with their classes, interface
    /// routes, ranges of its areas, and the node's own and broadcast addresses.
    e33ref::Router Reference(uint32_t r) const
    {
        const OspfTopology& t = net.ospf.GetInstalledTopology();
        const OspfRouterTable& table = net.ospf.GetTables()[r];
        e33ref::Router ref;
        for (const OspfRoute& route : table.routes)
        {
            e33ref::Route x;
            x.dest = route.prefix.address;
            x.length = route.prefix.length;
            x.cls = static_cast<e33ref::OspfClass>(static_cast<int>(route.type));
            x.metric = route.cost;
            x.externalMetric = route.type2Cost;
            x.gateway = route.gateway;
            x.interface = route.interface;
            ref.fib.push_back(x);
        }
        Ptr<Ipv4> ipv4 = net.Get(ospfdemo::Routers()[r])->GetObject<Ipv4>();
        for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
        {
            for (uint32_t k = 0; k < ipv4->GetNAddresses(i); ++k)
            {
                const Ipv4InterfaceAddress a = ipv4->GetAddress(i, k);
                const OspfPrefix net =
                    OspfPrefix::Of(a.GetLocal().Get(), a.GetMask().GetPrefixLength());
                ref.local.push_back(a.GetLocal().Get());
                if (net.length < 31)
                {
                    ref.broadcast.push_back(net.address | ~net.Mask());
                }
                ref.fib.push_back(
                    {net.address, net.length, 0, e33ref::OspfClass::OTHER, 0, 0, 0, i});
            }
        }
        for (uint32_t id : table.areas)
        {
            for (const OspfPrefix& p : t.FindArea(id)->ranges)
            {
                ref.ranges.push_back({p.address, p.length});
            }
        }
        return ref;
    }

    /// Every destination worth asking about.
    std::vector<uint32_t> Destinations() const
    {
        std::set<uint32_t> d{Ipv4Address("8.8.8.8").Get(),
                             Ipv4Address("10.2.99.1").Get(),  // area 2 range, no network
                             Ipv4Address("10.0.55.1").Get(),  // backbone range, no network
                             Ipv4Address("10.11.7.1").Get(),  // area 1's second range
                             Ipv4Address("10.1.200.9").Get(), // in H1's /16, no host
                             Ipv4Address("192.0.2.77").Get(),
                             Ipv4Address("100.127.0.1").Get()};
        for (const auto& [name, node] : net.nodes)
        {
            Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
            for (uint32_t i = 1; i < ipv4->GetNInterfaces(); ++i)
            {
                for (uint32_t k = 0; k < ipv4->GetNAddresses(i); ++k)
                {
                    const Ipv4InterfaceAddress a = ipv4->GetAddress(i, k);
                    const OspfPrefix p =
                        OspfPrefix::Of(a.GetLocal().Get(), a.GetMask().GetPrefixLength());
                    d.insert(a.GetLocal().Get());
                    d.insert(p.address);
                    d.insert(p.address | ~p.Mask());
                }
            }
        }
        return {d.begin(), d.end()};
    }
};

/// (kind, gateway, interface) of a decision.
using Verdict = std::tuple<int, uint32_t, uint32_t>;

Verdict
Of(const PolicyDecision& d)
{
    switch (d.kind)
    {
    case PolicyDecision::FORWARD:
        return {e33ref::Decision::FORWARD, d.node.info.gateway, d.node.info.interface};
    case PolicyDecision::LOCAL:
        return {e33ref::Decision::LOCAL, 0, 0};
    case PolicyDecision::BROADCAST:
        return {e33ref::Decision::BROADCAST, 0, 0};
    case PolicyDecision::ERROR:
        break;
    }
    return {e33ref::Decision::UNREACHABLE, 0, 0};
}

Verdict
Of(const e33ref::Decision& d)
{
    return {d.kind, d.kind == e33ref::Decision::FORWARD ? d.gateway : 0, d.interface};
}

std::string
Text(const Verdict& v)
{
    static const char* names[] = {"local", "broadcast", "forward", "unreachable", "ambiguous"};
    std::ostringstream os;
    os << names[std::get<0>(v)];
    if (std::get<0>(v) == e33ref::Decision::FORWARD)
    {
        os << " via " << Ipv4Address(std::get<1>(v)) << " if" << std::get<2>(v);
    }
    return os.str();
}

/**
 * \ingroup policy-routing-tests
 * The topology read from the nodes is the one described.
 */
class OspfTopologyTestCase : public TestCase
{
  public:
    OspfTopologyTestCase()
        : TestCase("the helper reads the described topology from the nodes")
    {
    }

  private:
    void DoRun() override
    {
        Domain d;
        const OspfTopology got = d.net.ospf.GetInstalledTopology();
        const OspfTopology want = ospfdemo::PureTopology();
        PR_TEST_REQUIRE_MSG_EQ(got.routers.size(), want.routers.size(), "routers");
        for (std::size_t r = 0; r < want.routers.size(); ++r)
        {
            const OspfRouterSpec& g = got.routers[r];
            const OspfRouterSpec& w = want.routers[r];
            NS_TEST_EXPECT_MSG_EQ(g.name, w.name, "name");
            PR_TEST_REQUIRE_MSG_EQ(g.interfaces.size(), w.interfaces.size(), w.name);
            for (std::size_t k = 0; k < w.interfaces.size(); ++k)
            {
                const OspfInterfaceSpec& a = g.interfaces[k];
                const OspfInterfaceSpec& b = w.interfaces[k];
                const bool same =
                    a.interface == b.interface && a.address == b.address && a.length == b.length &&
                    a.ospf == b.ospf && (!b.ospf || (a.area == b.area && a.cost == b.cost)) &&
                    a.neighbor == b.neighbor && a.neighborAddress == b.neighborAddress;
                NS_TEST_EXPECT_MSG_EQ(same, true, w.name << " interface " << b.interface);
            }
            PR_TEST_REQUIRE_MSG_EQ(g.externals.size(), w.externals.size(), w.name);
            for (std::size_t k = 0; k < w.externals.size(); ++k)
            {
                const OspfExternalSpec& a = g.externals[k];
                const OspfExternalSpec& b = w.externals[k];
                NS_TEST_EXPECT_MSG_EQ((a.prefix == b.prefix && a.type == b.type &&
                                       a.metric == b.metric && a.gateway == b.gateway &&
                                       a.interface == b.interface),
                                      true,
                                      w.name << " external " << b.prefix.ToString());
            }
        }
        NS_TEST_EXPECT_MSG_EQ(got.areas.size(), want.areas.size(), "areas");
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Every (router, destination): Explain equals the E.3.3 reference.
 */
class OspfEveryPairTestCase : public TestCase
{
  public:
    OspfEveryPairTestCase()
        : TestCase("every (router, destination): Explain equals the RFC 1812 E.3.3 reference")
    {
    }

  private:
    void DoRun() override
    {
        Domain d;
        const std::vector<uint32_t> destinations = d.Destinations();
        uint32_t pairs = 0;
        uint32_t forwarded = 0;
        uint32_t unreachable = 0;
        for (uint32_t r = 0; r < ospfdemo::Routers().size(); ++r)
        {
            const std::string& name = ospfdemo::Routers()[r];
            const e33ref::Router ref = d.Reference(r);
            for (uint32_t dst : destinations)
            {
                const e33ref::Decision want = e33ref::Lookup(ref, dst);
                const Verdict got = Of(d.Routing(name)->Explain(Ipv4Address(dst)).decision);
                NS_TEST_EXPECT_MSG_EQ(Text(got),
                                      Text(Of(want)),
                                      name << " to " << Ipv4Address(dst) << " (" << want.why
                                           << ")");
                ++pairs;
                forwarded += want.kind == e33ref::Decision::FORWARD;
                unreachable += want.kind == e33ref::Decision::UNREACHABLE;
            }
        }
        NS_TEST_EXPECT_MSG_GT(pairs, 400u, "pairs checked");
        NS_TEST_EXPECT_MSG_GT(unreachable, 5u, "some destinations are unreachable");
        std::cout << "[policy-routing-ospf-classes] " << pairs
                  << " (router, destination) pairs: " << forwarded << " forwarded, " << unreachable
                  << " unreachable, the rest local" << std::endl;
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * Real packets from every router to every destination take the path the reference predicts.
 */
class OspfPacketsTestCase : public TestCase
{
  public:
    OspfPacketsTestCase()
        : TestCase("packets from every router to every destination take the E.3.3 path")
    {
    }

  private:
    /// The nodes a packet visited, by uid.
    std::map<uint64_t, std::vector<std::string>> m_paths;

    static void Rx(OspfPacketsTestCase* self,
                   std::string name,
                   Ptr<const Packet> p,
                   Ptr<Ipv4>,
                   uint32_t interface)
    {
        if (interface == 0)
        {
            return; // the loopback: a packet to the sender's own address
        }
        auto it = self->m_paths.find(p->GetUid());
        if (it != self->m_paths.end())
        {
            it->second.push_back(name);
        }
    }

    static void Send(Ptr<Socket> s, Ptr<Packet> p, Ipv4Address dst)
    {
        s->SendTo(p, 0, InetSocketAddress(dst, 9));
    }

    void DoRun() override
    {
        Domain d;
        const std::vector<uint32_t> destinations = d.Destinations();
        std::vector<e33ref::Router> refs;
        for (uint32_t r = 0; r < ospfdemo::Routers().size(); ++r)
        {
            refs.push_back(d.Reference(r));
        }
        for (const auto& [name, node] : d.net.nodes)
        {
            node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
                "Rx",
                MakeBoundCallback(&OspfPacketsTestCase::Rx, this, name));
        }
        // The path the reference predicts: its decision at every router, until a local
        // delivery, no route, or a host. E (outside the domain, static routes) decides by its
        // own table. A packet sent on-link to an address the peer does not have goes nowhere
        // (ARP is not answered); one sent to the subnet broadcast reaches the peer.
        auto predict = [&](const std::string& from, uint32_t dst) {
            std::vector<std::string> path{from};
            std::string at = from;
            for (int hop = 0; hop < 20; ++hop)
            {
                e33ref::Decision x;
                if (ospfdemo::IsRouter(at))
                {
                    x = e33ref::Lookup(refs[ospfdemo::RouterIndex(at)], dst);
                }
                else if (at == ospfdemo::EXTERNAL)
                {
                    const PolicyDecision e = d.Routing(at)->Explain(Ipv4Address(dst)).decision;
                    x.kind = e.kind == PolicyDecision::FORWARD ? e33ref::Decision::FORWARD
                                                               : e33ref::Decision::LOCAL;
                    x.gateway = e.node.info.gateway;
                    x.interface = e.node.info.interface;
                }
                if (x.kind != e33ref::Decision::FORWARD ||
                    !(ospfdemo::IsRouter(at) || at == ospfdemo::EXTERNAL))
                {
                    break;
                }
                Ptr<NetDevice> dev = d.net.Get(at)->GetObject<Ipv4>()->GetNetDevice(x.interface);
                Ptr<Channel> ch = dev->GetChannel();
                Ptr<NetDevice> peer = ch->GetDevice(0) == dev ? ch->GetDevice(1) : ch->GetDevice(0);
                Ptr<Ipv4> peerIpv4 = peer->GetNode()->GetObject<Ipv4>();
                const uint32_t hopTo = x.gateway != 0 ? x.gateway : dst;
                if (!peerIpv4->IsDestinationAddress(Ipv4Address(hopTo),
                                                    peerIpv4->GetInterfaceForDevice(peer)))
                {
                    break;
                }
                at = d.net.NameOf(peer->GetNode());
                path.push_back(at);
                if (x.gateway == 0)
                {
                    break;
                }
            }
            return path;
        };

        struct Probe
        {
            std::string from;
            uint32_t dst;
            uint64_t uid;
        };

        std::vector<Probe> probes;
        Time at = Seconds(1);
        for (const std::string& r : ospfdemo::Routers())
        {
            Ptr<Socket> s = Socket::CreateSocket(d.net.Get(r), UdpSocketFactory::GetTypeId());
            s->Bind();
            for (uint32_t dst : destinations)
            {
                Ptr<Packet> p = Create<Packet>(64);
                probes.push_back({r, dst, p->GetUid()});
                m_paths[p->GetUid()] = {r};
                Simulator::Schedule(at, &OspfPacketsTestCase::Send, s, p, Ipv4Address(dst));
                at += MilliSeconds(20);
            }
        }
        Simulator::Stop(at + Seconds(2));
        Simulator::Run();
        uint32_t delivered = 0;
        uint32_t ospfAddresses = 0;
        for (const Probe& p : probes)
        {
            const std::vector<std::string> want = predict(p.from, p.dst);
            const std::vector<std::string>& got = m_paths[p.uid];
            std::string w;
            std::string g;
            for (const std::string& n : want)
            {
                w += n + " ";
            }
            for (const std::string& n : got)
            {
                g += n + " ";
            }
            NS_TEST_EXPECT_MSG_EQ(g, w, "from " << p.from << " to " << Ipv4Address(p.dst));
            Ptr<Node> owner = d.net.Owner(Ipv4Address(p.dst));
            const bool reached = owner && !got.empty() && d.net.NameOf(owner) == got.back();
            delivered += reached;
            // Every address of an OSPF router is reached from every router.
            if (owner && ospfdemo::IsRouter(d.net.NameOf(owner)))
            {
                ++ospfAddresses;
                NS_TEST_EXPECT_MSG_EQ(reached,
                                      true,
                                      "from " << p.from << " to " << Ipv4Address(p.dst));
            }
        }
        NS_TEST_EXPECT_MSG_GT(ospfAddresses, 150u, "OSPF addresses probed");
        std::cout << "[policy-routing-ospf-classes] " << probes.size()
                  << " packets followed hop by hop, " << delivered
                  << " reached the destination's node" << std::endl;
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The seed's listing of an ABR, and the routers configured from their iproute commands.
 */
class OspfConfigTestCase : public TestCase
{
  public:
    OspfConfigTestCase()
        : TestCase("the seed's iproute commands configure the same routers")
    {
    }

  private:
    void DoRun() override
    {
        Domain api;
        Domain config(true);
        std::ostringstream rules;
        config.Routing("B2")->GetDatabase().PrintRulesSeed(rules);
        NS_TEST_EXPECT_MSG_EQ(rules.str(),
                              "Kernel routing policy rules\n"
                              "Pref Source Destination TOS Iface Cl\n"
                              "0 default default 00 * 255\n"
                              "249 default 10.2.0.0/16 00 * 249\n"
                              "250 default 10.0.0.0/16 00 * 250\n"
                              "251 default default 00 * 251\n"
                              "252 default default 00 * 252\n"
                              "253 default default 00 * 253\n"
                              "254 default default 00 * 254\n"
                              "255 default default 00 * 253\n",
                              "B2: backbone 250, area 2 249, then 251, 252, 253");
        for (const std::string& r : ospfdemo::Routers())
        {
            for (uint32_t id : {249u, 250u, 251u, 252u, 253u, 254u, 255u})
            {
                std::ostringstream a;
                std::ostringstream c;
                api.Routing(r)->GetDatabase().PrintClass(a, id);
                config.Routing(r)->GetDatabase().PrintClass(c, id);
                NS_TEST_EXPECT_MSG_EQ(c.str(), a.str(), r << " class " << id);
            }
            for (uint32_t dst : api.Destinations())
            {
                NS_TEST_EXPECT_MSG_EQ(config.Routing(r)->RouteGet(Ipv4Address(dst)),
                                      api.Routing(r)->RouteGet(Ipv4Address(dst)),
                                      r << " to " << Ipv4Address(dst));
            }
        }
        Simulator::Destroy();
    }
};

/**
 * \ingroup policy-routing-tests
 * The seed's OSPF classes on ns-3 nodes.
 */
class OspfClassesTestSuite : public TestSuite
{
  public:
    OspfClassesTestSuite()
        : TestSuite("policy-routing-ospf-classes", TestSuite::Type::UNIT)
    {
        AddTestCase(new OspfTopologyTestCase);
        AddTestCase(new OspfEveryPairTestCase);
        AddTestCase(new OspfPacketsTestCase);
        AddTestCase(new OspfConfigTestCase);
    }
};

/// The suite's instance.
static OspfClassesTestSuite g_ospfClassesTestSuite;

} // namespace
