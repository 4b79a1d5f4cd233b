/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * TOS classes, the seed's "application 4": "The Variant Router Requirements Algorithm
 * (RFC1812 E.3.2): Create 16 classes for different TOS values. It is a funny, but pretty
 * useless algorithm. I listed it just to show the power of new routing code."
 *
 * Router R has four paths (P1..P4) to three destination networks behind M
 * (examples/tos-classes-network.h) and routes that carry a TOS. Each of the 16 values of the
 * 4-bit TOS field (TOS octets 0x00, 0x02, ..., 0x1e; RFC 1349) gets its own class, 200 + value,
 * holding exactly the routes of that TOS; the rules are
 *
 *   iproute addrule pref 10 class 254              interface routes: directly connected
 *                                                  destinations are not routed (5.2.4.2)
 *   iproute addrule tos 0x02 pref 101 class 201    one rule per non-zero TOS value: the rule
 *   ...                                            TOS selector is exact
 *   iproute addrule tos 0x1e pref 115 class 215
 *   iproute addrule pref 200 class 200             every packet: the routes of TOS 0
 *
 * How this is E.3.2. RFC 1812 E.3.2 prunes the candidate routes in the order basic match, weak
 * TOS, longest match, best metric: among the routes that match the destination, if any has the
 * packet's TOS keep only those, otherwise keep only the TOS-0 ones; then the longest prefix
 * wins. Here a packet of TOS t meets the rule of t first, and its class holds exactly the
 * routes of TOS t: if one of them matches the destination, the class lookup (basic match,
 * longest match, metric) picks the longest of them — weak TOS found routes of the packet's
 * TOS, and longest match ran among them only. If none matches, the class answers nothing and
 * the scan goes on (a class without a matching node is passed over, as after a THROW); the
 * other TOS rules do not match the packet, and the last rule reaches class 200, the routes of
 * TOS 0, where again the longest wins — weak TOS fell back to TOS 0. So TOS is decided before
 * the prefix length ("weak TOS before longest match"): a default route with the packet's TOS
 * beats a /24 of TOS 0, the opposite of RFC 1812 5.2.4.3, where the longest prefix is chosen
 * first and TOS only breaks ties. Inside a class every node has the class's TOS, so the
 * class's own LookupAlgorithm does not matter (the seed looked classes up "as specified in
 * RFC1812"; this router uses Rfc1812).
 *
 * --arrangement=variant puts every route into one class looked up with the engine's own E.3.2
 * algorithm (LookupAlgorithm Rfc1812Variant): same paths. --arrangement=rfc1812 looks that
 * class up with RFC 1812 5.2.4.3: other paths where the two algorithms differ.
 *
 *   tos-classes [--seed=1] [--run=1] [--outDir=.] [--arrangement=classes|variant|rfc1812]
 *               [--packets=3] [--verbose] [--pcap=1]
 *
 * Writes to --outDir:
 *   tos-classes.csv          one line per (TOS, destination): the path taken, the P router,
 *                            what E.3.2 and 5.2.4.3 choose over R's routes, packets sent and
 *                            received (tos-classes-plot.py draws it)
 *   tos-classes-router.txt   R's rules and classes in the seed's `iproute -r` format
 *   tos-classes-R.cfg        the seed's iproute commands of R's arrangement
 *   tos-classes-<node>-<dev>.pcap
 */

#include "tos-classes-network.h"

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/tos-classes-helper.h"

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("TosClassesExample");

namespace
{

/// A flow: one TOS to one destination.
struct Flow
{
    uint8_t tos{0};                //!< TOS octet
    std::string host;              //!< destination host
    std::string dst;               //!< destination address
    uint16_t port{0};              //!< UDP port
    uint32_t sent{0};              //!< packets sent
    uint32_t received{0};          //!< packets received
    uint64_t firstUid{0};          //!< uid of the first packet
    bool seen{false};              //!< first packet seen
    std::vector<std::string> path; //!< nodes the first packet visited
};

std::map<uint16_t, Flow*> g_byPort; //!< flows by port

/// Ipv4L3Protocol "Rx" of node \p name.
void
Rx(std::string name, Ptr<const Packet> p, Ptr<Ipv4>, uint32_t)
{
    Ptr<Packet> copy = p->Copy();
    Ipv4Header ip;
    copy->RemoveHeader(ip);
    if (ip.GetProtocol() != UdpL4Protocol::PROT_NUMBER)
    {
        return;
    }
    UdpHeader udp;
    copy->PeekHeader(udp);
    auto it = g_byPort.find(udp.GetDestinationPort());
    if (it == g_byPort.end())
    {
        return;
    }
    Flow& f = *it->second;
    if (!f.seen)
    {
        f.seen = true;
        f.firstUid = p->GetUid();
    }
    if (p->GetUid() == f.firstUid)
    {
        f.path.push_back(name);
    }
}

void
Received(Flow* f, Ptr<const Packet>, const Address&)
{
    ++f->received;
}

void
Send(Ptr<Socket> socket, Flow* f)
{
    if (socket->Send(Create<Packet>(100)) >= 0)
    {
        ++f->sent;
    }
}

std::string
TosName(uint8_t tos)
{
    switch (tos)
    {
    case 0x00:
        return "normal";
    case 0x02:
        return "mincost";
    case 0x04:
        return "reliability";
    case 0x08:
        return "throughput";
    case 0x10:
        return "lowdelay";
    default:
        char b[8];
        std::snprintf(b, sizeof(b), "0x%02x", tos);
        return b;
    }
}

/// \return "P<n>" for the route \p algorithm picks among R's routes, "-" for none
std::string
Choice(const RouteClass& routes, uint32_t dst, uint8_t tos, LookupAlgorithm algorithm)
{
    const ClassLookup l = routes.Lookup(dst, tos, algorithm);
    if (!l.IsMatch())
    {
        return "-";
    }
    return "P" + std::to_string(l.info->interface - 1);
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t seed = 1;
    uint32_t runNumber = 1;
    std::string outDir = ".";
    std::string arrangement = "classes";
    uint32_t packets = 3;
    bool verbose = false;
    bool pcap = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("seed", "random number generator seed (send time jitter)", seed);
    cmd.AddValue("run", "random number generator run", runNumber);
    cmd.AddValue("outDir", "directory for the CSV, listing, configuration and pcaps", outDir);
    cmd.AddValue("arrangement",
                 "classes (16 TOS classes, the seed), variant (one class, the engine's E.3.2) "
                 "or rfc1812 (one class, RFC 1812 5.2.4.3)",
                 arrangement);
    cmd.AddValue("packets", "UDP packets per (TOS, destination)", packets);
    cmd.AddValue("verbose", "print R's rules and classes", verbose);
    cmd.AddValue("pcap", "write pcaps of every device", pcap);
    cmd.Parse(argc, argv);
    tosdemo::Arrangement a = tosdemo::Arrangement::CLASSES;
    if (arrangement == "variant")
    {
        a = tosdemo::Arrangement::VARIANT;
    }
    else if (arrangement == "rfc1812")
    {
        a = tosdemo::Arrangement::RFC1812;
    }
    else
    {
        NS_ABORT_MSG_UNLESS(arrangement == "classes", "--arrangement: classes, variant or rfc1812");
    }
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(runNumber);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("1ms"));
    tosdemo::TosDemoNetwork net;
    net.Build([&p2p](Ptr<Node> x, Ptr<Node> y) { return p2p.Install(x, y); });
    for (const auto& [name, node] : net.nodes)
    {
        Names::Add(name, node);
        uint32_t k = 0;
        for (uint32_t d = 0; d < node->GetNDevices(); ++d)
        {
            if (DynamicCast<PointToPointNetDevice>(node->GetDevice(d)))
            {
                Names::Add(node, "eth" + std::to_string(k++), node->GetDevice(d));
            }
        }
    }
    net.Install(a);

    Ptr<Ipv4PolicyRouting> r = Ipv4PolicyRoutingHelper::GetPolicyRouting(net.Get("R"));
    {
        std::ofstream cfg(outDir + "/tos-classes-R.cfg");
        cfg << "# R: " << arrangement << " arrangement (policy-routing.txt, application 4)\n"
            << PolicyLayoutCommands(tosdemo::RouterLayout(a),
                                    [r](uint32_t i) { return r->GetInterfaceName(i); });
        std::ostringstream listing;
        r->Print(listing, Ipv4PolicyRouting::LISTING_SEED);
        std::ofstream(outDir + "/tos-classes-router.txt") << listing.str();
        if (verbose)
        {
            std::cout << listing.str();
        }
    }

    // What E.3.2 and 5.2.4.3 choose over R's routes (all in one class).
    RouteClass all;
    for (const RouteEntry& e : tosdemo::RouterRoutes())
    {
        all.Insert(e);
    }

    // The flows: every TOS value to every destination.
    std::vector<Flow> flows;
    for (uint8_t tos : AllTosValues())
    {
        for (const auto& [host, address] : tosdemo::Destinations())
        {
            Flow f;
            f.tos = tos;
            f.host = host;
            f.dst = address;
            f.port = static_cast<uint16_t>(6000 + flows.size());
            f.path.emplace_back("S");
            flows.push_back(f);
        }
    }
    Ptr<UniformRandomVariable> jitter = CreateObject<UniformRandomVariable>();
    jitter->SetAttribute("Min", DoubleValue(0));
    jitter->SetAttribute("Max", DoubleValue(0.01));
    for (std::size_t i = 0; i < flows.size(); ++i)
    {
        Flow& f = flows[i];
        g_byPort[f.port] = &f;
        PacketSinkHelper sink("ns3::UdpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), f.port));
        ApplicationContainer app = sink.Install(net.Get(f.host));
        app.Start(Seconds(0));
        app.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&Received, &f));
        Ptr<Socket> s = Socket::CreateSocket(net.Get("S"), UdpSocketFactory::GetTypeId());
        s->Bind();
        s->Connect(InetSocketAddress(Ipv4Address(f.dst.c_str()), f.port));
        s->SetIpTos(f.tos); // after Connect, which sets the TOS of the address (0)
        const double start = 1 + 0.05 * i + jitter->GetValue();
        for (uint32_t k = 0; k < packets; ++k)
        {
            Simulator::Schedule(Seconds(start + 0.01 * k), &Send, s, &f);
        }
    }
    for (const auto& [name, node] : net.nodes)
    {
        node->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext("Rx",
                                                                      MakeBoundCallback(&Rx, name));
    }
    if (pcap)
    {
        p2p.EnablePcapAll(outDir + "/tos-classes");
    }
    Simulator::Stop(Seconds(1 + 0.05 * flows.size() + 1));
    Simulator::Run();

    std::ofstream csv(outDir + "/tos-classes.csv");
    csv << "tos,tos_name,host,destination,path,hops,p_router,e32_choice,rfc1812_choice,sent,"
           "received\n";
    std::cout << "TOS classes (" << arrangement << "): path per TOS value\n"
              << "  TOS    name         ";
    for (const auto& [host, address] : tosdemo::Destinations())
    {
        std::cout << std::left << std::setw(22) << (host + " " + address);
    }
    std::cout << "\n";
    uint32_t asE32 = 0;
    std::string line;
    for (std::size_t i = 0; i < flows.size(); ++i)
    {
        const Flow& f = flows[i];
        std::string via = "-";
        for (const std::string& n : f.path)
        {
            if (n.size() == 2 && n[0] == 'P')
            {
                via = n;
            }
        }
        const uint32_t dst = Ipv4Address(f.dst.c_str()).Get();
        const std::string e32 = Choice(all, dst, f.tos, LookupAlgorithm::RFC1812_VARIANT);
        const std::string rfc = Choice(all, dst, f.tos, LookupAlgorithm::RFC1812);
        asE32 += via == e32;
        std::string path;
        for (const std::string& n : f.path)
        {
            path += (path.empty() ? "" : ">") + n;
        }
        char tos[8];
        std::snprintf(tos, sizeof(tos), "0x%02x", f.tos);
        csv << tos << "," << TosName(f.tos) << "," << f.host << "," << f.dst << "," << path << ","
            << f.path.size() - 1 << "," << via << "," << e32 << "," << rfc << "," << f.sent << ","
            << f.received << "\n";
        if (i % tosdemo::Destinations().size() == 0)
        {
            std::ostringstream head;
            head << "  " << tos << "   " << std::left << std::setw(13) << TosName(f.tos);
            line = head.str();
        }
        std::ostringstream cell;
        cell << via << " " << f.received << "/" << f.sent
             << (rfc != e32 ? " (5.2.4.3: " + rfc + ")" : "");
        line += cell.str() + std::string(cell.str().size() < 22 ? 22 - cell.str().size() : 1, ' ');
        if (i % tosdemo::Destinations().size() == tosdemo::Destinations().size() - 1)
        {
            std::cout << line << "\n";
        }
    }
    std::cout << "  " << asE32 << "/" << flows.size() << " flows took the E.3.2 path; CSV "
              << outDir << "/tos-classes.csv\n";
    Simulator::Destroy();
    return a == tosdemo::Arrangement::RFC1812 || asE32 == flows.size() ? 0 : 1;
}
