/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * OSPF classes, the seed's "application 3" (policy-routing.txt; RFC 1583, RFC 1812 E.3.3):
 *
 *   255 local addresses                    iproute addrule class 253
 *   254 interface routes                   iproute addrule class 252
 *   253 ASE routes with external metric    iproute addrule class 251
 *   252 ASE routes with internal metric    iproute addrule to a-prefix-for-1st-area class 250
 *   251 inter-area routes                  ...
 *   250 intra-area routes for 1st area     iproute add default reject class 250
 *   249 intra-area routes for 2nd area     ...
 *
 * A backbone and two areas (examples/ospf-classes-network.h): area border routers B1, B3
 * (area 1) and B2 (area 2); AS boundary routers C (backbone) and X (area 2) that inject type 1
 * and type 2 external routes to an external router E. OspfClassesHelper computes every
 * router's OSPF routing table from the topology (Boost Graph Library shortest paths per area,
 * area range summaries, externals) and installs it as the seed's classes and rules. Then
 * hosts ping each other across areas and send UDP to external destinations; every flow's path
 * is traced hop by hop and compared with the path the routing tables predict.
 *
 *   ospf-classes [--seed=1] [--run=1] [--duration=15] [--outDir=.] [--verbose]
 *                [--viaConfig] [--rangeCost=max|min] [--pcap=1] [--packets=5]
 *
 * Writes to --outDir:
 *   ospf-classes.csv              one line per flow: source, destination, what it shows,
 *                                 packets sent and received, the path taken (hops), the path
 *                                 the tables predict, the outcome, ICMP errors
 *   ospf-classes-routers.txt      each router's OSPF table and its classes in the seed's
 *                                 `iproute -r` format
 *   ospf-classes-<router>.cfg     the seed's iproute commands that configure the router
 *                                 (--viaConfig installs them through PolicyConfigHelper)
 *   ospf-classes-<node>-<dev>.pcap  every point-to-point device
 *
 * The run is deterministic: the same --seed and --run give byte-identical files (CTest
 * example-hashes/ospf-classes compares them with examples/ospf-classes.sha256).
 */

#include "ospf-classes-network.h"

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/icmpv4.h"
#include "ns3/internet-apps-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/ospf-classes-helper.h"
#include "ns3/point-to-point-module.h"
#include "ns3/policy-config-helper.h"

#include <array>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("OspfClassesExample");

namespace
{

/// A flow of the run.
struct Flow
{
    std::string kind;              //!< "ping" or "udp"
    std::string source;            //!< source host
    std::string dst;               //!< destination address
    std::string note;              //!< what it shows (no commas)
    uint16_t port{0};              //!< UDP destination port
    double start{0};               //!< start time, s
    uint32_t sent{0};              //!< packets sent
    uint32_t received{0};          //!< packets received (UDP at the destination, ping replies)
    uint64_t firstUid{0};          //!< uid of the first packet
    bool seen{false};              //!< the first packet was seen
    std::vector<std::string> path; //!< nodes the first packet visited
    std::string icmp;              //!< the first ICMP error the source received
};

/// Everything the traces need.
struct Run
{
    ospfdemo::OspfDemoNetwork* net{nullptr};
    std::vector<Flow> flows;

    /// \return the flow of a packet (-1: none): UDP by port, ping by (source, destination)
    int FlowOf(const Ipv4Header& ip, Ptr<Packet> payload) const
    {
        if (ip.GetProtocol() == UdpL4Protocol::PROT_NUMBER && ip.GetFragmentOffset() == 0)
        {
            UdpHeader udp;
            payload->PeekHeader(udp);
            for (std::size_t i = 0; i < flows.size(); ++i)
            {
                if (flows[i].kind == "udp" && flows[i].port == udp.GetDestinationPort())
                {
                    return static_cast<int>(i);
                }
            }
        }
        if (ip.GetProtocol() == Icmpv4L4Protocol::PROT_NUMBER)
        {
            Icmpv4Header icmp;
            payload->PeekHeader(icmp);
            if (icmp.GetType() != Icmpv4Header::ICMPV4_ECHO)
            {
                return -1;
            }
            for (std::size_t i = 0; i < flows.size(); ++i)
            {
                if (flows[i].kind == "ping" &&
                    Ipv4Address(flows[i].dst.c_str()) == ip.GetDestination() &&
                    net->Owner(ip.GetSource()) == net->Get(flows[i].source))
                {
                    return static_cast<int>(i);
                }
            }
        }
        return -1;
    }

    /// Ipv4L3Protocol "Rx" of node \p name: the path of every flow's first packet, and the
    /// ICMP errors sources receive.
    static void Rx(Run* run, std::string name, Ptr<const Packet> p, Ptr<Ipv4>, uint32_t)
    {
        Ptr<Packet> copy = p->Copy();
        Ipv4Header ip;
        copy->RemoveHeader(ip);
        if (ip.GetProtocol() == Icmpv4L4Protocol::PROT_NUMBER)
        {
            Icmpv4Header icmp;
            copy->PeekHeader(icmp);
            if (icmp.GetType() == Icmpv4Header::ICMPV4_DEST_UNREACH)
            {
                Ptr<Packet> body = copy->Copy();
                body->RemoveHeader(icmp);
                Icmpv4DestinationUnreachable u;
                body->RemoveHeader(u);
                uint8_t data[8];
                u.GetData(data);
                const uint16_t port = static_cast<uint16_t>((data[2] << 8) | data[3]);
                for (Flow& f : run->flows)
                {
                    if (f.kind == "udp" && f.port == port && f.source == name && f.icmp.empty())
                    {
                        std::ostringstream os;
                        os << "3/" << int(icmp.GetCode()) << " from " << ip.GetSource();
                        f.icmp = os.str();
                    }
                }
                return;
            }
        }
        const int i = run->FlowOf(ip, copy);
        if (i < 0)
        {
            return;
        }
        Flow& f = run->flows[i];
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

    /// UDP sink "Rx".
    static void Received(Flow* f, Ptr<const Packet>, const Address&)
    {
        ++f->received;
    }

    /// V4Ping "Rtt".
    static void Reply(Flow* f, Time)
    {
        ++f->received;
    }

    /// UdpClient sends (Ipv4L3Protocol "SendOutgoing" of the source).
    static void Sent(Run* run,
                     std::string name,
                     const Ipv4Header& ip,
                     Ptr<const Packet> p,
                     uint32_t)
    {
        Ptr<Packet> copy = p->Copy();
        const int i = run->FlowOf(ip, copy);
        if (i >= 0 && run->flows[i].source == name)
        {
            ++run->flows[i].sent;
        }
    }
};

/**
 * The path the routing tables predict: Explain() at every node, from the source host, until
 * the destination, an error, or a host that does not forward.
 * \return (nodes, outcome)
 */
std::pair<std::vector<std::string>, std::string>
Predict(const ospfdemo::OspfDemoNetwork& net, const std::string& source, Ipv4Address dst)
{
    std::vector<std::string> path{source};
    Ptr<Node> node = net.Get(source);
    int32_t iif = -1;
    Ipv4Address src = node->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
    for (int hop = 0; hop < 32; ++hop)
    {
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        if (iif >= 0 && ipv4->IsDestinationAddress(dst, iif))
        {
            return {path, "delivered"};
        }
        if (iif >= 0 && !ipv4->IsForwarding(iif))
        {
            return {path, "not forwarded by " + path.back() + " (a host)"};
        }
        Ptr<Ipv4PolicyRouting> routing = Ipv4PolicyRoutingHelper::GetPolicyRouting(node);
        const Ipv4PolicyRouting::Explanation x = routing->Explain(dst, src, 0, iif);
        if (x.decision.kind == PolicyDecision::LOCAL)
        {
            return {path, "delivered"};
        }
        if (x.decision.kind != PolicyDecision::FORWARD)
        {
            return {path,
                    std::string(RouteErrorName(x.decision.error)) + " at " + path.back() +
                        " (class " + std::to_string(x.decision.classId) + ")"};
        }
        Ptr<NetDevice> dev = ipv4->GetNetDevice(x.decision.node.info.interface);
        Ptr<Channel> channel = dev->GetChannel();
        Ptr<NetDevice> peer =
            channel->GetDevice(0) == dev ? channel->GetDevice(1) : channel->GetDevice(0);
        node = peer->GetNode();
        iif = node->GetObject<Ipv4>()->GetInterfaceForDevice(peer);
        path.push_back(net.NameOf(node));
    }
    return {path, "loop"};
}

std::string
Join(const std::vector<std::string>& v)
{
    std::string out;
    for (const std::string& s : v)
    {
        out += (out.empty() ? "" : ">") + s;
    }
    return out;
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t seed = 1;
    uint32_t runNumber = 1;
    double duration = 15;
    std::string outDir = ".";
    bool verbose = false;
    bool viaConfig = false;
    std::string rangeCost = "max";
    bool pcap = true;
    uint32_t packets = 5;

    CommandLine cmd(__FILE__);
    cmd.AddValue("seed", "random number generator seed (flow start jitter)", seed);
    cmd.AddValue("run", "random number generator run", runNumber);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("outDir", "directory for the CSV, listings, configurations and pcaps", outDir);
    cmd.AddValue("verbose", "print every router's OSPF table and classes", verbose);
    cmd.AddValue("viaConfig",
                 "install the routers by applying their iproute commands (PolicyConfigHelper)",
                 viaConfig);
    cmd.AddValue("rangeCost", "cost of an area range summary: max (RFC 2328) or min", rangeCost);
    cmd.AddValue("pcap", "write pcaps of every device", pcap);
    cmd.AddValue("packets", "UDP packets (and pings) per flow", packets);
    cmd.Parse(argc, argv);
    NS_ABORT_MSG_UNLESS(rangeCost == "max" || rangeCost == "min", "--rangeCost: max or min");
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(runNumber);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(true));

    // The network: point-to-point links, every node with Ipv4PolicyRouting whose classes are
    // looked up as the seed says ("as specified in RFC1812").
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("2ms"));
    Ipv4PolicyRoutingHelper policy;
    policy.Set("LookupAlgorithm", EnumValue(Ipv4PolicyRouting::ALGORITHM_RFC1812));
    ospfdemo::OspfDemoNetwork net;
    net.Build([&p2p](Ptr<Node> a, Ptr<Node> b) { return p2p.Install(a, b); }, policy);
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

    // OSPF: compute the tables, install the classes.
    net.ospf.SetRangeCost(rangeCost == "max" ? OspfRangeCost::MAXIMUM : OspfRangeCost::MINIMUM);
    if (viaConfig)
    {
        net.ospf.Compute();
        PolicyConfigHelper config;
        config.SetOutputStream(nullptr);
        for (const std::string& r : ospfdemo::Routers())
        {
            config.ApplyText(net.Get(r), net.ospf.GetCommands(net.Get(r)), r + ".cfg");
        }
    }
    else
    {
        net.ospf.Install();
    }
    std::ostringstream listing;
    for (const std::string& r : ospfdemo::Routers())
    {
        Ptr<Node> node = net.Get(r);
        std::ofstream cfg(outDir + "/ospf-classes-" + r + ".cfg");
        cfg << "# " << r << ": the seed's OSPF classes (policy-routing.txt, application 3)\n"
            << net.ospf.GetCommands(node);
        listing << "===== " << r << " =====\n";
        net.ospf.PrintTable(listing, node);
        Ipv4PolicyRoutingHelper::GetPolicyRouting(node)->Print(listing,
                                                               Ipv4PolicyRouting::LISTING_SEED);
        listing << "\n";
    }
    std::ofstream(outDir + "/ospf-classes-routers.txt") << listing.str();
    if (verbose)
    {
        std::cout << listing.str();
    }

    // The flows.
    Run run;
    run.net = &net;
    const std::vector<std::array<const char*, 4>> table{
        {"ping", "H1", "10.2.100.2", "inter-area: area 1 to area 2"},
        {"ping", "H2", "10.0.100.2", "inter-area: area 2 to the backbone"},
        {"ping", "H0", "10.1.0.2", "inter-area: backbone to area 1"},
        {"udp", "H1", "192.0.2.1", "type 1: C is nearer in total cost"},
        {"udp", "H2", "192.0.2.1", "type 1: X is nearer in total cost"},
        {"udp", "H2", "198.51.100.1", "type 2 equal external costs: the nearer ASBR (C)"},
        {"udp", "H2", "203.0.113.1", "type 2: the smaller external cost (X) though C is nearer"},
        {"udp", "H1", "203.0.113.1", "type 2 towards X; C's own route takes it out at C"},
        {"udp", "H2", "100.64.0.1", "type 1 (X) beats type 2 (C)"},
        {"udp", "H2", "10.1.77.5", "route class beats longest match: area 1's /16 not the /24"},
        {"udp", "H0", "10.2.99.1", "area 2 range without a route: rejected by B2"},
        {"udp", "H1", "8.8.8.8", "C's type 2 default; E has no route"},
        {"udp", "H1", "172.16.0.2", "X's link to E (type 2 /30): C's own default takes it out"},
    };
    for (const auto& [kind, source, dst, note] : table)
    {
        Flow f;
        f.kind = kind;
        f.source = source;
        f.dst = dst;
        f.note = note;
        run.flows.push_back(f);
    }
    Ptr<UniformRandomVariable> jitter = CreateObject<UniformRandomVariable>();
    jitter->SetAttribute("Min", DoubleValue(0));
    jitter->SetAttribute("Max", DoubleValue(0.1));
    for (std::size_t i = 0; i < run.flows.size(); ++i)
    {
        Flow& f = run.flows[i];
        f.port = static_cast<uint16_t>(5000 + i);
        f.start = 1 + 0.5 * i + jitter->GetValue();
        const Ipv4Address dst(f.dst.c_str());
        Ptr<Node> src = net.Get(f.source);
        if (f.kind == "ping")
        {
            V4PingHelper ping(dst);
            ping.SetAttribute("Interval", TimeValue(Seconds(0.2)));
            ApplicationContainer app = ping.Install(src);
            app.Start(Seconds(f.start));
            app.Stop(Seconds(f.start + 0.2 * packets - 0.1));
            app.Get(0)->TraceConnectWithoutContext("Rtt", MakeBoundCallback(&Run::Reply, &f));
            continue;
        }
        if (Ptr<Node> owner = net.Owner(dst))
        {
            PacketSinkHelper sink("ns3::UdpSocketFactory",
                                  InetSocketAddress(Ipv4Address::GetAny(), f.port));
            ApplicationContainer app = sink.Install(owner);
            app.Start(Seconds(0));
            app.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&Run::Received, &f));
        }
        UdpClientHelper client(dst, f.port);
        client.SetAttribute("MaxPackets", UintegerValue(packets));
        client.SetAttribute("Interval", TimeValue(Seconds(0.2)));
        client.SetAttribute("PacketSize", UintegerValue(200));
        ApplicationContainer app = client.Install(src);
        app.Start(Seconds(f.start));
    }
    for (const auto& [name, node] : net.nodes)
    {
        Ptr<Ipv4L3Protocol> l3 = node->GetObject<Ipv4L3Protocol>();
        l3->TraceConnectWithoutContext("Rx", MakeBoundCallback(&Run::Rx, &run, name));
        l3->TraceConnectWithoutContext("SendOutgoing", MakeBoundCallback(&Run::Sent, &run, name));
    }
    for (Flow& f : run.flows)
    {
        f.path.push_back(f.source);
    }
    if (pcap)
    {
        p2p.EnablePcapAll(outDir + "/ospf-classes");
    }

    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    // The CSV, and a summary.
    std::ofstream csv(outDir + "/ospf-classes.csv");
    csv << "flow,kind,source,destination,port,shows,start_s,sent,received,hops,path,"
           "expected_path,outcome,icmp\n";
    std::cout << "OSPF classes: " << ospfdemo::Routers().size() << " routers, "
              << ospfdemo::AreaRanges().size() << " areas, seed " << seed << " run " << runNumber
              << (viaConfig ? ", installed through iproute commands" : "") << "\n";
    uint32_t agree = 0;
    for (std::size_t i = 0; i < run.flows.size(); ++i)
    {
        const Flow& f = run.flows[i];
        const auto [expected, outcome] = Predict(net, f.source, Ipv4Address(f.dst.c_str()));
        const bool same = expected == f.path;
        agree += same;
        csv << i << "," << f.kind << "," << f.source << "," << f.dst << ","
            << (f.kind == "udp" ? std::to_string(f.port) : "") << "," << f.note << "," << std::fixed
            << std::setprecision(6) << f.start << "," << f.sent << "," << f.received << ","
            << f.path.size() - 1 << "," << Join(f.path) << "," << Join(expected) << "," << outcome
            << "," << f.icmp << "\n";
        std::cout << "  " << std::left << std::setw(5) << f.kind << std::setw(3) << f.source
                  << " -> " << std::setw(13) << f.dst << " " << std::setw(26) << Join(f.path) << " "
                  << f.received << "/" << f.sent
                  << (same ? "" : " (PREDICTED " + Join(expected) + ")") << "  " << outcome
                  << (f.icmp.empty() ? "" : ", ICMP " + f.icmp) << "\n";
    }
    std::cout << "  " << agree << "/" << run.flows.size()
              << " paths as the routing tables predict; CSV " << outDir << "/ospf-classes.csv\n";
    Simulator::Destroy();
    return agree == run.flows.size() ? 0 : 1;
}
