/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Application 1 of the seed (policy-routing.txt): "Just ignore classes. All the routes are put
 * into MAIN class (and/or into DEFAULT class)." and "Gated does not understand classes, but it
 * will work happily in MAIN+DEFAULT."
 *
 * Router R is configured as a routing daemon or an administrator with net-tools would do it:
 * `route add` without any class. The Linux 2.1 sysctl ip_fib_model (the FibModel attribute)
 * decides which class each route lands in:
 *
 *   0 Standard       every route in MAIN
 *   1 DefaultRoutes  default routes in DEFAULT, the rest in MAIN
 *   2 Rfc1812        interface routes in MAIN, every gateway route in DEFAULT
 *
 * With the default rules (MAIN before DEFAULT) models 0 and 1 forward alike. Model 2 makes the
 * RFC 1812 5.2.4.2 local/remote decision first: a destination inside a directly connected
 * subnet is sent on that subnet even if a longer gateway route exists. The topology has
 * exactly such a route: the upper half of R's LAN (10.1.0.128/25) was moved behind R2, and R
 * still has the whole /24 on its LAN interface.
 *
 *                 192.0.2.0/30                 LAN 10.1.0.0/24
 *   isp (.2) ------------------- (.1) R (.1) ------+------------ hostA 10.1.0.2
 *   server: echo clients                           |
 *                                          (.3) R2 +--- site 10.1.0.128/25 --- M 10.1.0.200
 *                                                  +--- stub 172.16.0.0/24 --- P 172.16.0.10
 *
 * R's routes (what gated would install):
 *   route add default gw 192.0.2.2
 *   route add -net 10.1.0.128 netmask 255.255.255.128 gw 10.1.0.3
 *   route add -net 172.16.0.0 netmask 255.255.0.0 gw 10.1.0.3
 *
 * The isp node sends UDP echo requests to hostA, M and P; the replies come back. The example
 * runs the three FibModels one after the other (or one, --fibModel=N) and writes, per model,
 * pcaps of R's two devices and R's listing, and for all models two CSV files:
 *   policy-ignore-classes-flows.csv   fib_model,flow,destination,sent,echoed,icmp_errors,
 *                                     r_route (R's `ip route get` for the request)
 *   policy-ignore-classes-routes.csv  fib_model,class,route (every node of every class of R)
 *
 *   policy-ignore-classes [--fibModel=-1] [--count=10] [--duration=5] [--seed=1] [--run=1]
 *                         [--outDir=.] [--pcap=true]
 */

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/policy-config-helper.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PolicyIgnoreClasses");

namespace
{

/// One echo flow from the isp node.
struct Flow
{
    std::string name;       //!< flow name
    Ipv4Address dst;        //!< destination
    uint32_t sent{0};       //!< requests sent
    uint32_t echoed{0};     //!< replies received
    uint32_t icmpErrors{0}; //!< ICMP errors received
};

/// Echo server: send every datagram back to its sender.
void
EchoBack(Ptr<Socket> s)
{
    Address from;
    while (Ptr<Packet> p = s->RecvFrom(from))
    {
        s->SendTo(p, 0, from);
    }
}

/// Client receive: count the replies.
void
ClientRx(Flow* f, Ptr<Socket> s)
{
    while (s->Recv())
    {
        f->echoed++;
    }
}

/// Client ICMP: count the errors.
void
ClientIcmp(Flow* f, Ipv4Address, uint8_t, uint8_t, uint8_t, uint32_t)
{
    f->icmpErrors++;
}

/// Send one request.
void
SendRequest(Flow* f, Ptr<Socket> s)
{
    s->SendTo(Create<Packet>(200), 0, InetSocketAddress(f->dst, 7));
    f->sent++;
}

/// Add an echo server (UDP port 7) to \p node.
void
EchoServer(Ptr<Node> node)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    s->Bind(InetSocketAddress(Ipv4Address::GetAny(), 7));
    s->SetRecvCallback(MakeCallback(&EchoBack));
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

/// The names FibModel takes.
const char* const FIB_MODEL_NAMES[] = {"Standard", "DefaultRoutes", "Rfc1812"};

/**
 * Build the network with R using \p fibModel, run it, append to the CSV files.
 * \return the flows
 */
std::vector<Flow>
RunOnce(int fibModel,
        uint32_t count,
        double duration,
        const std::string& outDir,
        bool pcap,
        std::ostream& flowsCsv,
        std::ostream& routesCsv)
{
    const std::string tag = "policy-ignore-classes-fib" + std::to_string(fibModel);

    // Every node runs Ipv4PolicyRouting; only R's FibModel matters here.
    Ipv4PolicyRoutingHelper policy;
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy);

    Ptr<Node> isp = CreateObject<Node>();
    Ptr<Node> r = CreateObject<Node>();
    Ptr<Node> hostA = CreateObject<Node>();
    Ptr<Node> r2 = CreateObject<Node>();
    Ptr<Node> m = CreateObject<Node>();
    Ptr<Node> p = CreateObject<Node>();
    NodeContainer all(isp, r, hostA, r2, m);
    all.Add(p);
    stack.Install(all);

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("5Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer uplink = p2p.Install(r, isp); // R eth0, isp eth0
    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("1us"));
    NetDeviceContainer lan = csma.Install(NodeContainer(r, hostA, r2)); // R eth1, R2 eth0
    NetDeviceContainer site = csma.Install(NodeContainer(r2, m));       // R2 eth1
    NetDeviceContainer stub = csma.Install(NodeContainer(r2, p));       // R2 eth2

    Ipv4AddressHelper a;
    a.SetBase("192.0.2.0", "255.255.255.252");
    a.Assign(uplink); // R 192.0.2.1, isp 192.0.2.2
    a.SetBase("10.1.0.0", "255.255.255.0");
    Ipv4InterfaceContainer lanIf = a.Assign(lan); // R .1, hostA .2, R2 .3
    a.SetBase("10.1.0.128", "255.255.255.128", "0.0.0.1");
    a.Assign(site.Get(0)); // R2 10.1.0.129
    a.SetBase("10.1.0.128", "255.255.255.128", "0.0.0.72");
    a.Assign(site.Get(1)); // M 10.1.0.200
    a.SetBase("172.16.0.0", "255.255.255.0", "0.0.0.1");
    a.Assign(stub.Get(0)); // R2 172.16.0.1
    a.SetBase("172.16.0.0", "255.255.255.0", "0.0.0.10");
    a.Assign(stub.Get(1)); // P 172.16.0.10

    NameRouterDevices(r); // eth0 uplink, eth1 LAN

    // The configuration, in the language of the time (doc/configuration-language.md).
    PolicyConfigHelper config;
    for (Ptr<Node> n : {isp, r, hostA, r2, m, p})
    {
        config.NameDevices(n);
    }
    std::ostringstream rText;
    rText << "sysctl -w net.ipv4.ip_fib_model=" << fibModel << "\n"
          << "echo 1 > /proc/sys/net/ipv4/ip_forward\n"
          << "route add default gw 192.0.2.2\n"
          << "route add -net 10.1.0.128 netmask 255.255.255.128 gw 10.1.0.3\n"
          << "route add -net 172.16.0.0 netmask 255.255.0.0 gw 10.1.0.3\n";
    config.SetOutputStream(nullptr);
    config.ApplyText(r, rText.str(), "R");
    config.ApplyText(isp,
                     "route add -net 10.0.0.0 netmask 255.0.0.0 gw 192.0.2.1\n"
                     "route add -net 172.16.0.0 netmask 255.240.0.0 gw 192.0.2.1",
                     "isp");
    config.ApplyText(hostA, "route add default gw 10.1.0.1", "hostA");
    config.ApplyText(r2, "route add default gw 10.1.0.1", "R2");
    config.ApplyText(m, "route add default gw 10.1.0.129", "M");
    config.ApplyText(p, "route add default gw 172.16.0.1", "P");

    // R's classes, as listings and as CSV rows.
    Ptr<Ipv4PolicyRouting> rRouting = Ipv4PolicyRoutingHelper::GetPolicyRouting(r);
    {
        std::ofstream listing(outDir + "/" + tag + "-r-routes.txt");
        listing << "# R with FibModel " << FIB_MODEL_NAMES[fibModel] << " (ip_fib_model "
                << fibModel << ")\n";
        rRouting->Print(listing, Ipv4PolicyRouting::LISTING_BOTH);
    }
    const PolicyDatabase& db = rRouting->GetDatabase();
    for (uint32_t id : db.GetClassIds())
    {
        std::ostringstream text;
        db.PrintClass(text, id, [&rRouting](uint32_t i) { return rRouting->GetInterfaceName(i); });
        std::istringstream lines(text.str());
        std::string line;
        while (std::getline(lines, line))
        {
            if (!line.empty())
            {
                routesCsv << fibModel << "," << id << ",\"" << line << "\"\n";
            }
        }
    }

    // Echo servers behind R, clients on isp.
    for (Ptr<Node> n : {hostA, m, p})
    {
        EchoServer(n);
    }
    std::vector<Flow> flows = {
        {"to-hostA (connected)", Ipv4Address("10.1.0.2")},
        {"to-M (gateway route inside the LAN's /24)", Ipv4Address("10.1.0.200")},
        {"to-P (gateway route)", Ipv4Address("172.16.0.10")}};
    std::vector<Ptr<Socket>> clients;
    for (std::size_t f = 0; f < flows.size(); ++f)
    {
        Ptr<Socket> s = Socket::CreateSocket(isp, UdpSocketFactory::GetTypeId());
        s->Bind();
        s->SetRecvCallback(MakeBoundCallback(&ClientRx, &flows[f]));
        s->SetAttribute("IcmpCallback", CallbackValue(MakeBoundCallback(&ClientIcmp, &flows[f])));
        for (uint32_t k = 0; k < count; ++k)
        {
            Simulator::Schedule(Seconds(1) + MilliSeconds(100 * k + 30 * f),
                                &SendRequest,
                                &flows[f],
                                s);
        }
        clients.push_back(s);
    }

    if (pcap)
    {
        p2p.EnablePcap(outDir + "/" + tag + "-r", uplink.Get(0), false);
        csma.EnablePcap(outDir + "/" + tag + "-r", lan.Get(0), false);
    }

    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    // What R decides for each request as it arrives from isp (after the run: the ARP caches
    // do not matter for the decision).
    const int32_t rUplinkIf = r->GetObject<Ipv4>()->GetInterfaceForDevice(uplink.Get(0));
    for (const Flow& f : flows)
    {
        const std::string get = rRouting->RouteGet(f.dst, Ipv4Address("192.0.2.2"), 0, rUplinkIf);
        flowsCsv << fibModel << ",\"" << f.name << "\"," << f.dst << "," << f.sent << ","
                 << f.echoed << "," << f.icmpErrors << ",\"" << get << "\"\n";
    }
    Simulator::Destroy();
    Ipv4AddressGenerator::Reset(); // the next model assigns the same addresses again
    Names::Clear();
    return flows;
}

} // namespace

int
main(int argc, char* argv[])
{
    int fibModel = -1;
    uint32_t count = 10;
    double duration = 5;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string outDir = ".";
    bool pcap = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("fibModel",
                 "R's ip_fib_model 0, 1 or 2; -1: all three, one after the other",
                 fibModel);
    cmd.AddValue("count", "echo requests per destination", count);
    cmd.AddValue("duration", "simulated seconds per model", duration);
    cmd.AddValue("seed", "random number generator seed", seed);
    cmd.AddValue("run", "random number generator run", run);
    cmd.AddValue("outDir", "directory for the CSV, pcap and listing files", outDir);
    cmd.AddValue("pcap", "write pcaps of R's devices", pcap);
    cmd.Parse(argc, argv);
    NS_ABORT_MSG_IF(fibModel < -1 || fibModel > 2, "--fibModel must be -1, 0, 1 or 2");
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    SystemPath::MakeDirectories(outDir);

    std::ofstream flowsCsv(outDir + "/policy-ignore-classes-flows.csv");
    flowsCsv << "fib_model,flow,destination,sent,echoed,icmp_errors,r_route\n";
    std::ofstream routesCsv(outDir + "/policy-ignore-classes-routes.csv");
    routesCsv << "fib_model,class,route\n";

    std::vector<int> models = {0, 1, 2};
    if (fibModel >= 0)
    {
        models = {fibModel};
    }
    for (int model : models)
    {
        std::cout << "=== R with FibModel " << FIB_MODEL_NAMES[model] << " (ip_fib_model " << model
                  << ")\n";
        for (const Flow& f : RunOnce(model, count, duration, outDir, pcap, flowsCsv, routesCsv))
        {
            std::cout << "  " << f.name << ": " << f.echoed << " of " << f.sent << " echoed"
                      << (f.icmpErrors ? ", " + std::to_string(f.icmpErrors) + " ICMP errors"
                                       : std::string())
                      << "\n";
        }
    }
    std::cout << "CSV: " << outDir << "/policy-ignore-classes-flows.csv, " << outDir
              << "/policy-ignore-classes-routes.csv\n";
    return 0;
}
