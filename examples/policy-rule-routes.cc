/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Application 2 of the seed (policy-routing.txt): "Just forget all that you know about routing
 * tables. Every rule is supplied with its own gateway, device info. record." The seed warned
 * "As of now the size of the routing table in this approach is limited to 256"; this model
 * has no such limit. Here R has one rule per customer host (1024 by default), each with its
 * own route: the host's traffic leaves through the uplink its contract names.
 *
 *   iproute addrule from 10.1.1.2/32 route gw 100.64.2.2 dev eth3        (2.1 syntax)
 *   ip rule add from 10.1.1.2/32 ... (no iproute2 equivalent: rules carry no route today)
 *
 *                                      100.64.0.0/30  +-- isp0 (203.0.113.10)
 *   customers 10.1.0.0/16 ---- LAN ---- R (10.1.0.1) --+-- isp1 (203.0.113.10)
 *   (hosts nodes, many addresses each)                 +-- isp2 ...
 *
 * Every uplink's isp node owns the server address 203.0.113.10; its sink records which
 * customer addresses arrived. The uplink of each host is drawn from the random number
 * generator (so --seed/--run give another contract table); one extra customer address has no
 * rule and leaves by MAIN's default route (isp0).
 *
 * Output (outDir):
 *   policy-rule-routes-hosts.csv    host,source,preference,expected_uplink,observed_uplink,
 *                                   sent,received
 *   policy-rule-routes-uplinks.csv  uplink,hosts,packets
 *   policy-rule-routes-r-<node>-<dev>.pcap   R's uplinks
 *
 *   policy-rule-routes [--hosts=1024] [--uplinks=4] [--hostNodes=0] [--packets=2]
 *                      [--ruleStyle=Modern|Linux21] [--duration=4] [--seed=1] [--run=1]
 *                      [--outDir=.] [--pcap=true]
 */

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PolicyRuleRoutes");

namespace
{

/// One customer host (address).
struct Host
{
    Ipv4Address address;                //!< its address
    int uplink{-1};                     //!< uplink its rule names (-1: no rule)
    uint32_t preference{0};             //!< the rule's preference
    uint32_t sent{0};                   //!< datagrams sent
    std::map<int, uint32_t> receivedAt; //!< uplink -> datagrams received there
};

/// Map from a source address to its host index.
std::map<uint32_t, std::size_t> g_hostIndex;
/// The hosts.
std::vector<Host> g_hosts;

/// Sink at an isp node: record where each customer's datagrams arrived.
void
SinkRx(int uplink, Ptr<Socket> s)
{
    Address from;
    while (s->RecvFrom(from))
    {
        const Ipv4Address src = InetSocketAddress::ConvertFrom(from).GetIpv4();
        auto it = g_hostIndex.find(src.Get());
        if (it != g_hostIndex.end())
        {
            g_hosts[it->second].receivedAt[uplink]++;
        }
    }
}

/// Send one datagram from host \p h.
void
Send(std::size_t h, Ptr<Socket> s)
{
    s->SendTo(Create<Packet>(64), 0, InetSocketAddress(Ipv4Address("203.0.113.10"), 9));
    g_hosts[h].sent++;
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

/// \return the address of customer \p i: 10.1.(1 + i / 250).(2 + i % 250)
Ipv4Address
CustomerAddress(uint32_t i)
{
    return Ipv4Address((10u << 24) | (1u << 16) | ((1 + i / 250) << 8) | (2 + i % 250));
}

} // namespace

int
main(int argc, char* argv[])
{
    uint32_t nHosts = 1024;
    uint32_t nUplinks = 4;
    uint32_t nHostNodes = 0;
    uint32_t packets = 2;
    std::string ruleStyle = "Modern";
    double duration = 4;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string outDir = ".";
    bool pcap = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("hosts", "customer addresses with a rule of their own", nHosts);
    cmd.AddValue("uplinks", "uplinks of R (1..64)", nUplinks);
    cmd.AddValue("hostNodes",
                 "nodes the customer addresses are spread over (0: one per 256 addresses; ns-3 "
                 "scans a node's addresses linearly, so thousands on one node are slow)",
                 nHostNodes);
    cmd.AddValue("packets", "datagrams each customer sends", packets);
    cmd.AddValue("ruleStyle",
                 "R's RuleStyle: Modern (preferences 1000, 1001, ...) or Linux21 (2.1: "
                 "preferences are 0..255, every rule gets preference 100)",
                 ruleStyle);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("seed", "random number generator seed", seed);
    cmd.AddValue("run", "random number generator run", run);
    cmd.AddValue("outDir", "directory for the CSV and pcap files", outDir);
    cmd.AddValue("pcap", "write pcaps of R's uplinks", pcap);
    cmd.Parse(argc, argv);
    NS_ABORT_MSG_IF(nUplinks < 1 || nUplinks > 64, "--uplinks must be 1..64");
    NS_ABORT_MSG_IF(nHosts < 1 || nHosts > 250 * 250, "--hosts must be 1..62500");
    if (nHostNodes == 0)
    {
        nHostNodes = (nHosts + 255) / 256;
    }
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    SystemPath::MakeDirectories(outDir);

    Ipv4PolicyRoutingHelper policy;
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy);

    Ptr<Node> r = CreateObject<Node>();
    NodeContainer hostNodes(nHostNodes);
    NodeContainer isps(nUplinks);
    // R's RuleStyle before anything is installed on it.
    Ipv4PolicyRoutingHelper rPolicy;
    rPolicy.Set("RuleStyle", StringValue(ruleStyle));
    InternetStackHelper rStack;
    rStack.SetIpv6StackInstall(false);
    rStack.SetRoutingHelper(rPolicy);
    rStack.Install(r);
    stack.Install(hostNodes);
    stack.Install(isps);

    // The customer LAN: R is 10.1.0.1/16.
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("1us"));
    NodeContainer lanNodes(r);
    lanNodes.Add(hostNodes);
    NetDeviceContainer lan = csma.Install(lanNodes);
    Ipv4AddressHelper a("10.1.0.0", "255.255.0.0");
    a.Assign(lan.Get(0)); // R 10.1.0.1

    // Customer addresses, spread over the host nodes; the first is the host node's own.
    Ptr<UniformRandomVariable> contract = CreateObject<UniformRandomVariable>();
    contract->SetStream(1);
    const uint32_t total = nHosts + 1; // the last one has no rule
    g_hosts.resize(total);
    std::vector<std::vector<std::size_t>> hostsOfNode(nHostNodes);
    for (uint32_t i = 0; i < total; ++i)
    {
        Host& h = g_hosts[i];
        h.address = CustomerAddress(i);
        g_hostIndex[h.address.Get()] = i;
        const uint32_t n = i % nHostNodes;
        hostsOfNode[n].push_back(i);
        Ptr<Ipv4> ipv4 = hostNodes.Get(n)->GetObject<Ipv4>();
        int32_t ifIndex = ipv4->GetInterfaceForDevice(lan.Get(1 + n));
        if (ifIndex < 0)
        {
            ifIndex = ipv4->AddInterface(lan.Get(1 + n));
            ipv4->SetUp(ifIndex);
        }
        ipv4->AddAddress(ifIndex, Ipv4InterfaceAddress(h.address, Ipv4Mask("255.255.0.0")));
        if (i < nHosts)
        {
            h.uplink = static_cast<int>(contract->GetInteger(0, nUplinks - 1));
        }
    }
    for (uint32_t n = 0; n < nHostNodes; ++n)
    {
        policy.AddRoute(hostNodes.Get(n), PolicyRouteSpec("default").Via("10.1.0.1"));
    }

    // The uplinks: R 100.64.k.1/30 -- isp k 100.64.k.2/30; isp k owns 203.0.113.10.
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("2ms"));
    std::vector<Ptr<NetDevice>> rUplinks;
    std::vector<Ipv4Address> gateways;
    for (uint32_t k = 0; k < nUplinks; ++k)
    {
        NetDeviceContainer link = p2p.Install(r, isps.Get(k));
        const Ipv4Address net((100u << 24) | (64u << 16) | (k << 8));
        Ipv4AddressHelper up(net, "255.255.255.252");
        up.Assign(link);
        rUplinks.push_back(link.Get(0));
        gateways.emplace_back(net.Get() | 2);
        Ptr<Node> isp = isps.Get(k);
        // The server address on a stub device of its own.
        Ptr<SimpleNetDevice> stub = CreateObject<SimpleNetDevice>();
        stub->SetAddress(Mac48Address::Allocate());
        stub->SetChannel(CreateObject<SimpleChannel>());
        isp->AddDevice(stub);
        Ptr<Ipv4> ipv4 = isp->GetObject<Ipv4>();
        const uint32_t si = ipv4->AddInterface(stub);
        ipv4->AddAddress(si, Ipv4InterfaceAddress("203.0.113.10", "255.255.255.0"));
        ipv4->SetUp(si);
        policy.AddRoute(isp, PolicyRouteSpec("10.0.0.0/8").Via(Ipv4Address(net.Get() | 1)));
        Ptr<Socket> sink = Socket::CreateSocket(isp, UdpSocketFactory::GetTypeId());
        sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9));
        sink->SetRecvCallback(MakeBoundCallback(&SinkRx, static_cast<int>(k)));
        if (pcap)
        {
            p2p.EnablePcap(outDir + "/policy-rule-routes-r", link.Get(0), false);
        }
    }
    NameRouterDevices(r); // eth0 the LAN, eth1... the uplinks

    // MAIN: the default route via isp0, for customers without a rule.
    policy.AddRoute(r, PolicyRouteSpec("default").Via(gateways[0]).Dev(rUplinks[0]));

    // One rule per customer, each with its own route (gateway and device).
    const auto t0 = std::chrono::steady_clock::now();
    for (uint32_t i = 0; i < nHosts; ++i)
    {
        Host& h = g_hosts[i];
        PolicyRuleSpec rule = PolicyRuleSpec()
                                  .From(h.address, Ipv4Mask("255.255.255.255"))
                                  .Via(gateways[h.uplink])
                                  .Dev(rUplinks[h.uplink]);
        rule.Pref(ruleStyle == "Linux21" ? 100 : 1000 + i);
        h.preference = policy.AddRule(r, rule);
    }
    const double addMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    Ptr<Ipv4PolicyRouting> rRouting = Ipv4PolicyRoutingHelper::GetPolicyRouting(r);
    std::cout << "R: " << rRouting->GetDatabase().GetRules().size() << " rules (" << nHosts
              << " with their own route), added in " << addMs << " ms (wall clock)\n";
    const int32_t lanIf = r->GetObject<Ipv4>()->GetInterfaceForDevice(lan.Get(0));
    for (uint32_t i : {0u, 255u, 256u, nHosts - 1, nHosts})
    {
        if (i < total)
        {
            std::cout << "  ip route get 203.0.113.10 from " << g_hosts[i].address << " iif eth0: "
                      << rRouting->RouteGet(Ipv4Address("203.0.113.10"),
                                            g_hosts[i].address,
                                            0,
                                            lanIf)
                      << "\n";
        }
    }

    // Traffic: every customer sends `packets` datagrams, spread over 1..3 s.
    std::vector<Ptr<Socket>> sockets;
    for (uint32_t n = 0; n < nHostNodes; ++n)
    {
        for (std::size_t i : hostsOfNode[n])
        {
            Ptr<Socket> s = Socket::CreateSocket(hostNodes.Get(n), UdpSocketFactory::GetTypeId());
            s->Bind(InetSocketAddress(g_hosts[i].address, 5000));
            for (uint32_t k = 0; k < packets; ++k)
            {
                const Time at =
                    Seconds(1) + MicroSeconds((2000000 * i) / total) + MilliSeconds(500 * k);
                Simulator::Schedule(at, &Send, i, s);
            }
            sockets.push_back(s);
        }
    }

    const auto t1 = std::chrono::steady_clock::now();
    Simulator::Stop(Seconds(duration));
    Simulator::Run();
    const double runMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1).count();

    std::ofstream hostsCsv(outDir + "/policy-rule-routes-hosts.csv");
    hostsCsv << "host,source,preference,expected_uplink,observed_uplink,sent,received\n";
    std::vector<uint32_t> hostsPerUplink(nUplinks, 0);
    std::vector<uint32_t> packetsPerUplink(nUplinks, 0);
    uint32_t wrong = 0;
    uint32_t lost = 0;
    for (std::size_t i = 0; i < total; ++i)
    {
        const Host& h = g_hosts[i];
        const int expected = h.uplink < 0 ? 0 : h.uplink; // no rule: MAIN's default, isp0
        uint32_t received = 0;
        std::string observed;
        for (const auto& [uplink, n] : h.receivedAt)
        {
            received += n;
            packetsPerUplink[uplink] += n;
            observed += (observed.empty() ? "" : ";") + std::to_string(uplink);
            if (uplink != expected)
            {
                wrong += n;
            }
        }
        lost += h.sent - received;
        hostsPerUplink[expected]++;
        hostsCsv << i << "," << h.address << "," << (h.uplink < 0 ? 0 : h.preference) << ","
                 << expected << "," << observed << "," << h.sent << "," << received << "\n";
    }
    std::ofstream uplinksCsv(outDir + "/policy-rule-routes-uplinks.csv");
    uplinksCsv << "uplink,hosts,packets\n";
    for (uint32_t k = 0; k < nUplinks; ++k)
    {
        uplinksCsv << k << "," << hostsPerUplink[k] << "," << packetsPerUplink[k] << "\n";
        std::cout << "  uplink " << k << ": " << hostsPerUplink[k] << " customers, "
                  << packetsPerUplink[k] << " datagrams\n";
    }
    std::cout << total * packets << " datagrams from " << total << " customer addresses: " << wrong
              << " on a wrong uplink, " << lost << " lost; simulation " << runMs
              << " ms (wall clock)\n"
              << "CSV: " << outDir << "/policy-rule-routes-hosts.csv, " << outDir
              << "/policy-rule-routes-uplinks.csv\n";
    Simulator::Destroy();
    return wrong == 0 && lost == 0 ? 0 : 1;
}
