/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * NAT and masquerade (Linux 2.1 RTP_NAT, RTP_MASQUERADE, RTRF_VALVE): an inside network
 * reaches the outside through R. H1 has a static NAT address (a NAT rule for the way out, a
 * NAT node in the LOCAL class for the way in); H2 and H3 are masqueraded as R's outside
 * address, on a rule with the VALVE flag ("one way route (used with masquerading)"):
 *
 *   pref 10: from 10.1.0.2/32 lookup main nat 198.51.100.7     PolicyRuleSpec().Nat(...)
 *            ip route add nat 198.51.100.7 via 10.1.0.2       Ipv4PolicyRouting::AddNatRoute
 *   pref 20: from 10.1.0.0/24 lookup main masquerade valve    .Masquerade().Valve()
 *
 *      inside 10.1.0.0/24                          outside 192.0.2.0/24
 *   H1 10.1.0.2 --+                            +-- S1 192.0.2.10  UDP echo (7), TCP sink (80)
 *   H2 10.1.0.3 --+-- (.1) R (192.0.2.1) ------+
 *   H3 10.1.0.4 --+                            +-- S2 192.0.2.20  sends unsolicited datagrams
 *
 * What happens (the times are the defaults):
 *   1.0 s  H1, H2, H3 send UDP echo requests from the same port 5000 to S1; S1 sees H1 as
 *          198.51.100.7:5000 and H2/H3 as 192.0.2.1:61000/61001; every reply comes back.
 *   2.0 s  H1, H2, H3 send 100 kB each over TCP to S1 (BulkSend): every byte arrives, the
 *          acknowledgements are translated back.
 *   4.0 s  S2 sends to H2's inside address 10.1.0.3: the VALVE stops it, S2 gets ICMP 3/13.
 *   4.5 s  S2 sends to H1's NAT address 198.51.100.7: static NAT lets it in.
 *
 * Output (outDir):
 *   policy-nat-masquerade-translations.csv  time_s,kind,protocol,src_before,dst_before,
 *                                           src_after,dst_after (R's Translate trace)
 *   policy-nat-masquerade-flows.csv         flow,protocol,from,to,sent,received,replies,
 *                                           seen_as,icmp
 *   policy-nat-masquerade-r-<node>-<dev>.pcap  R's inside and outside devices
 *
 *   policy-nat-masquerade [--bytes=100000] [--count=5] [--duration=6] [--seed=1] [--run=1]
 *                         [--outDir=.] [--pcap=true] [--checksum=true]
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/network-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PolicyNatMasquerade");

namespace
{

/// One flow of the example and what was seen of it.
struct Flow
{
    std::string name;              //!< flow name
    std::string protocol;          //!< "udp" or "tcp"
    std::string from;              //!< sender (inside view)
    std::string to;                //!< destination
    uint32_t sent{0};              //!< datagrams (UDP) or bytes (TCP) sent
    uint32_t received{0};          //!< datagrams/bytes that reached the destination
    uint32_t replies{0};           //!< echo replies back at the sender
    std::set<std::string> seenAs;  //!< the sender's address:port as the destination saw it
    std::vector<std::string> icmp; //!< ICMP errors at the sender ("3/13 from 192.0.2.1")
};

std::vector<Flow> g_flows; //!< the flows, in order

/// \return a flow with nothing seen yet
Flow
MakeFlow(const std::string& name,
         const std::string& protocol,
         const std::string& from,
         const std::string& to)
{
    Flow f;
    f.name = name;
    f.protocol = protocol;
    f.from = from;
    f.to = to;
    return f;
}

/// \return "a.b.c.d:port" of \p a (an InetSocketAddress)
std::string
Endpoint(const Address& a)
{
    const InetSocketAddress i = InetSocketAddress::ConvertFrom(a);
    std::ostringstream s;
    s << i.GetIpv4() << ":" << i.GetPort();
    return s.str();
}

/// UDP echo server: send every datagram back, count it for the flow of its sender.
void
EchoRx(Ptr<Socket> s)
{
    Address from;
    while (Ptr<Packet> p = s->RecvFrom(from))
    {
        // The flow is told by the payload size (see Sender below).
        const std::size_t f = p->GetSize() - 100;
        if (f < g_flows.size())
        {
            g_flows[f].received++;
            g_flows[f].seenAs.insert(Endpoint(from));
        }
        s->SendTo(p, 0, from);
    }
}

/// A sender's socket received (an echo reply or, for unsolicited flows, nothing).
void
SenderRx(std::size_t f, Ptr<Socket> s)
{
    while (s->Recv())
    {
        g_flows[f].replies++;
    }
}

/// A sender's socket got an ICMP error.
void
SenderIcmp(std::size_t f, Ipv4Address source, uint8_t ttl, uint8_t type, uint8_t code, uint32_t)
{
    std::ostringstream s;
    s << unsigned(type) << "/" << unsigned(code) << " from " << source;
    g_flows[f].icmp.push_back(s.str());
}

/// Plain UDP sink (the inside hosts' port 9): count for the flow.
void
SinkRx(Ptr<Socket> s)
{
    Address from;
    while (Ptr<Packet> p = s->RecvFrom(from))
    {
        const std::size_t f = p->GetSize() - 100;
        if (f < g_flows.size())
        {
            g_flows[f].received++;
            g_flows[f].seenAs.insert(Endpoint(from));
        }
    }
}

/// Send one datagram of flow \p f (its size tells the flow: 100 + f bytes).
void
SendDatagram(std::size_t f, Ptr<Socket> s, Ipv4Address dst, uint16_t port)
{
    s->SendTo(Create<Packet>(100 + f), 0, InetSocketAddress(dst, port));
    g_flows[f].sent++;
}

/// A UDP flow: \p count datagrams from \p node (port \p srcPort) to dst:port from \p start.
void
UdpFlow(const std::string& name,
        Ptr<Node> node,
        const std::string& from,
        uint16_t srcPort,
        Ipv4Address dst,
        uint16_t port,
        Time start,
        uint32_t count)
{
    const std::size_t f = g_flows.size();
    std::ostringstream to;
    to << dst << ":" << port;
    g_flows.push_back(MakeFlow(name, "udp", from, to.str()));
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(Ipv4Address::GetAny(), srcPort));
    s->SetRecvCallback(MakeBoundCallback(&SenderRx, f));
    s->SetAttribute("IcmpCallback", CallbackValue(MakeBoundCallback(&SenderIcmp, f)));
    for (uint32_t k = 0; k < count; ++k)
    {
        Simulator::Schedule(start + MilliSeconds(100 * k), &SendDatagram, f, s, dst, port);
    }
}

/// TCP sink Rx: bytes per peer as the server sees it.
void
TcpSinkRx(std::map<std::string, uint32_t>* bytes, Ptr<const Packet> p, const Address& from)
{
    (*bytes)[Endpoint(from)] += p->GetSize();
}

/// Name R's devices as Linux would (eth0, eth1, ... in the order they were added), so that
/// the listings and `ip route get` answers say "dev eth1" rather than "dev if2".
void
NameRouterDevices(Ptr<Node> r)
{
    Names::Add("R", r);
    uint32_t k = 0;
    for (uint32_t d = 0; d < r->GetNDevices(); ++d)
    {
        if (!DynamicCast<LoopbackNetDevice>(r->GetDevice(d)))
        {
            Names::Add("R/eth" + std::to_string(k++), r->GetDevice(d));
        }
    }
}

/// Translate trace: one CSV row per translation.
void
Translated(std::ostream* csv,
           const Ipv4Header& before,
           const Ipv4Header& after,
           Ipv4PolicyRouting::Translation kind)
{
    static const char* const KINDS[] = {"snat", "dnat", "masquerade", "demasquerade"};
    *csv << std::fixed << std::setprecision(6) << Simulator::Now().GetSeconds() << ","
         << KINDS[kind] << "," << unsigned(before.GetProtocol()) << "," << before.GetSource() << ","
         << before.GetDestination() << "," << after.GetSource() << "," << after.GetDestination()
         << "\n";
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t bytes = 100000;
    uint32_t count = 5;
    double duration = 6;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string outDir = ".";
    bool pcap = true;
    bool checksum = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("bytes", "bytes each inside host sends over TCP", bytes);
    cmd.AddValue("count", "datagrams per UDP flow", count);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("seed", "random number generator seed", seed);
    cmd.AddValue("run", "random number generator run", run);
    cmd.AddValue("outDir", "directory for the CSV and pcap files", outDir);
    cmd.AddValue("pcap", "write pcaps of R's devices", pcap);
    cmd.AddValue("checksum", "compute IPv4/UDP/TCP checksums (R keeps them right)", checksum);
    cmd.Parse(argc, argv);
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(checksum));
    SystemPath::MakeDirectories(outDir);

    Ipv4PolicyRoutingHelper policy;
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy); // alone, not in a list: masquerade needs the return path

    Ptr<Node> h1 = CreateObject<Node>();
    Ptr<Node> h2 = CreateObject<Node>();
    Ptr<Node> h3 = CreateObject<Node>();
    Ptr<Node> r = CreateObject<Node>();
    Ptr<Node> s1 = CreateObject<Node>();
    Ptr<Node> s2 = CreateObject<Node>();
    NodeContainer all(h1, h2, h3, r, s1);
    all.Add(s2);
    stack.Install(all);

    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("10Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("10us"));
    NetDeviceContainer inside = csma.Install(NodeContainer(r, h1, h2, h3));
    NetDeviceContainer outside = csma.Install(NodeContainer(r, s1, s2));
    Ipv4AddressHelper a("10.1.0.0", "255.255.255.0");
    a.Assign(inside); // R .1, H1 .2, H2 .3, H3 .4
    a.SetBase("192.0.2.0", "255.255.255.0", "0.0.0.1");
    a.Assign(outside.Get(0)); // R 192.0.2.1
    a.SetBase("192.0.2.0", "255.255.255.0", "0.0.0.10");
    a.Assign(outside.Get(1)); // S1 192.0.2.10
    a.SetBase("192.0.2.0", "255.255.255.0", "0.0.0.20");
    a.Assign(outside.Get(2)); // S2 192.0.2.20

    NameRouterDevices(r); // eth0 inside, eth1 outside

    // Routes: the inside hosts and S1 by default via R; S2 also knows the inside network
    // (it tries to reach it directly).
    policy.AddRoute(NodeContainer(h1, h2, h3), PolicyRouteSpec("default").Via("10.1.0.1"));
    policy.AddRoute(NodeContainer(s1, s2), PolicyRouteSpec("default").Via("192.0.2.1"));
    policy.AddRoute(s2, PolicyRouteSpec("10.1.0.0/24").Via("192.0.2.1"));

    // R: static NAT for H1, masquerade with VALVE for the rest.
    Ptr<Ipv4PolicyRouting> rRouting = Ipv4PolicyRoutingHelper::GetPolicyRouting(r);
    policy.AddRule(r,
                   PolicyRuleSpec()
                       .From("10.1.0.2/32")
                       .Lookup(CLASS_MAIN)
                       .Nat(Ipv4Address("198.51.100.7"))
                       .Pref(10));
    rRouting->AddNatRoute(Ipv4Address("198.51.100.7"),
                          Ipv4Mask("255.255.255.255"),
                          Ipv4Address("10.1.0.2"));
    policy.AddRule(
        r,
        PolicyRuleSpec().From("10.1.0.0/24").Lookup(CLASS_MAIN).Masquerade().Valve().Pref(20));
    {
        std::ofstream listing(outDir + "/policy-nat-masquerade-r-routes.txt");
        rRouting->Print(listing, Ipv4PolicyRouting::LISTING_BOTH);
    }
    std::ofstream translations(outDir + "/policy-nat-masquerade-translations.csv");
    translations << "time_s,kind,protocol,src_before,dst_before,src_after,dst_after\n";
    rRouting->TraceConnectWithoutContext("Translate",
                                         MakeBoundCallback(&Translated, &translations));

    // S1: UDP echo on 7, TCP sink on 80. The inside hosts: UDP sink on 9.
    Ptr<Socket> echo = Socket::CreateSocket(s1, UdpSocketFactory::GetTypeId());
    echo->Bind(InetSocketAddress(Ipv4Address::GetAny(), 7));
    echo->SetRecvCallback(MakeCallback(&EchoRx));
    for (Ptr<Node> h : {h1, h2, h3})
    {
        Ptr<Socket> sink = Socket::CreateSocket(h, UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        sink->SetRecvCallback(MakeCallback(&SinkRx));
    }
    PacketSinkHelper tcpSink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), 80));
    ApplicationContainer sinkApp = tcpSink.Install(s1);
    std::map<std::string, uint32_t> tcpBytes;
    sinkApp.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&TcpSinkRx, &tcpBytes));

    // UDP flows (the size of each datagram tells its flow).
    const Ipv4Address s1Addr("192.0.2.10");
    UdpFlow("H1 echo (static NAT)", h1, "10.1.0.2:5000", 5000, s1Addr, 7, Seconds(1.0), count);
    UdpFlow("H2 echo (masquerade)", h2, "10.1.0.3:5000", 5000, s1Addr, 7, Seconds(1.02), count);
    UdpFlow("H3 echo (masquerade)", h3, "10.1.0.4:5000", 5000, s1Addr, 7, Seconds(1.04), count);
    UdpFlow("S2 to H2's inside address (unsolicited)",
            s2,
            "192.0.2.20:6000",
            6000,
            Ipv4Address("10.1.0.3"),
            9,
            Seconds(4.0),
            count);
    UdpFlow("S2 to H1's NAT address (unsolicited)",
            s2,
            "192.0.2.20:6001",
            6001,
            Ipv4Address("198.51.100.7"),
            9,
            Seconds(4.5),
            count);

    // TCP flows.
    struct TcpFlow
    {
        Ptr<Node> node;
        std::string name;
        std::string from;
    };

    std::vector<TcpFlow> tcpFlows = {{h1, "H1 TCP (static NAT)", "10.1.0.2"},
                                     {h2, "H2 TCP (masquerade)", "10.1.0.3"},
                                     {h3, "H3 TCP (masquerade)", "10.1.0.4"}};
    for (std::size_t k = 0; k < tcpFlows.size(); ++k)
    {
        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(s1Addr, 80));
        bulk.SetAttribute("MaxBytes", UintegerValue(bytes));
        ApplicationContainer app = bulk.Install(tcpFlows[k].node);
        app.Start(Seconds(2.0 + 0.2 * k));
    }

    if (pcap)
    {
        csma.EnablePcap(outDir + "/policy-nat-masquerade-r", inside.Get(0), false);
        csma.EnablePcap(outDir + "/policy-nat-masquerade-r", outside.Get(0), false);
    }

    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    // TCP: the sink saw one peer per connection. H1's is its NAT address; H2 and H3 come from
    // R's address, with masquerade ports allocated in the order they connected (H2 first).
    for (std::size_t k = 0; k < tcpFlows.size(); ++k)
    {
        Flow f = MakeFlow(tcpFlows[k].name, "tcp", tcpFlows[k].from, "192.0.2.10:80");
        f.sent = bytes;
        g_flows.push_back(f);
    }
    std::vector<std::pair<std::string, uint32_t>> masqueraded;
    for (const auto& [peer, n] : tcpBytes)
    {
        if (peer.rfind("198.51.100.7:", 0) == 0)
        {
            g_flows[g_flows.size() - 3].received = n;
            g_flows[g_flows.size() - 3].seenAs.insert(peer);
        }
        else
        {
            masqueraded.emplace_back(peer, n); // map order: ascending port = H2, then H3
        }
    }
    for (std::size_t k = 0; k < masqueraded.size() && k < 2; ++k)
    {
        g_flows[g_flows.size() - 2 + k].received = masqueraded[k].second;
        g_flows[g_flows.size() - 2 + k].seenAs.insert(masqueraded[k].first);
    }

    std::ofstream flowsCsv(outDir + "/policy-nat-masquerade-flows.csv");
    flowsCsv << "flow,protocol,from,to,sent,received,replies,seen_as,icmp\n";
    std::cout << "flow: sent / received / replies, seen as; ICMP at the sender\n";
    for (const Flow& f : g_flows)
    {
        std::string seen;
        for (const std::string& s : f.seenAs)
        {
            seen += (seen.empty() ? "" : ";") + s;
        }
        std::map<std::string, uint32_t> icmpCount;
        for (const std::string& s : f.icmp)
        {
            icmpCount[s]++;
        }
        std::string icmp;
        for (const auto& [s, n] : icmpCount)
        {
            icmp += (icmp.empty() ? "" : ";") + std::to_string(n) + "x " + s;
        }
        flowsCsv << "\"" << f.name << "\"," << f.protocol << "," << f.from << "," << f.to << ","
                 << f.sent << "," << f.received << "," << f.replies << "," << seen << "," << icmp
                 << "\n";
        std::cout << "  " << f.name << ": " << f.sent << " / " << f.received << " / " << f.replies
                  << (seen.empty() ? "" : ", seen as " + seen)
                  << (icmp.empty() ? "" : "; ICMP " + icmp) << "\n";
    }
    std::cout << "CSV: " << outDir << "/policy-nat-masquerade-flows.csv, " << outDir
              << "/policy-nat-masquerade-translations.csv\n";
    Simulator::Destroy();
    return 0;
}
