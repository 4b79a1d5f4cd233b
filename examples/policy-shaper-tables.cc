/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The shaper with multiple route tables. shaper.txt: "The shaper is device/route based. This
 * makes it very easy to use with any setup BUT less flexible. You may need to use iproute2 to
 * set up multiple route tables to get the flexibility." Here R shapes what its rules select,
 * not what goes to some destination: host B's traffic and every packet with TOS 0x08
 * ("maximize throughput", bulk) take table 100, whose default route leaves through shaper0;
 * everything else takes MAIN's default route through eth1, the same link, unshaped.
 *
 *   hostA 10.1.0.2 --+                         10 Mbit/s, 192.0.2.0/30
 *                    +-- LAN -- (.1) R eth1 (.1) ------------------------ isp (.2)
 *   hostB 10.1.0.3 --+               shaper0 (attached to eth1,           server 203.0.113.10
 *                                     same address, --speed)
 *
 * R's configuration (PolicyConfigHelper, doc/configuration-language.md):
 *   shapecfg attach shaper0 eth1
 *   shapecfg speed shaper0 2000000
 *   ifconfig shaper0 192.0.2.1 netmask 255.255.255.252 up
 *   ip route del 192.0.2.0/30 dev shaper0        (the link's own subnet stays unshaped)
 *   route add default gw 192.0.2.2 dev eth1      (MAIN: unshaped)
 *   ip route add default via 192.0.2.2 dev shaper0 table 100
 *   ip rule add from 10.1.0.3 lookup 100 pref 100
 *   ip rule add tos throughput lookup 100 pref 101
 *
 * Flows to the server (defaults):
 *   a-tcp          hostA, TCP bulk, TOS 0, 1..duration s         MAIN, unshaped
 *   a-interactive  hostA, UDP 0.5 Mbit/s, TOS 0x10, 1..duration s  MAIN, unshaped
 *   b-tcp          hostB, TCP bulk, 2..duration s                  table 100 (from B), shaped
 *   a-bulk-tos     hostA, UDP 1 Mbit/s, TOS 0x08, 4..8 s           table 100 (TOS), shaped
 * The shaped class shares the shaper's speed: b-tcp gets all of it, then what a-bulk-tos
 * leaves. --mode=Linux runs the driver's tick-based algorithm (doc/shaper.rst), whose
 * quantisation shows at low speeds (try --speed=256kbps --mode=Linux --bulkRate=0). With an
 * offered load above the speed (a-bulk-tos at 1 Mbit/s into 256 kbit/s) the Linux driver also
 * shows its starvation under sustained overload (doc/shaper.rst, Linux mode).
 *
 * Output (outDir):
 *   policy-shaper-tables-throughput.csv  time_s,flow,bytes,throughput_bps,shaper_speed_bps,
 *                                        class (at the server, per --bin)
 *   policy-shaper-tables-paths.csv       time_s,tos,path,bytes,throughput_bps (R's output per
 *                                        TOS and device: eth1 or shaper0)
 *   policy-shaper-tables-shaper0.pcap    the shaper (Linux cooked capture, shaped times)
 *   policy-shaper-tables-r-<node>-<dev>.pcap  R's eth1 (everything on the link)
 *
 *   policy-shaper-tables [--speed=2Mbps] [--mode=Exact|Linux] [--hz=100] [--segmentSize=1448]
 *                        [--bulkRate=1Mbps] [--bulkSize=1000] [--interactiveRate=0.5Mbps]
 *                        [--hostBTcp=true]
 *                        [--duration=10]
 *                        [--bin=0.1] [--seed=1] [--run=1] [--outDir=.] [--pcap=true]
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/policy-config-helper.h"
#include "ns3/shaper-helper.h"
#include "ns3/traffic-control-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PolicyShaperTables");

namespace
{

double g_bin = 0.1; //!< bin width, seconds

/// Bytes per flow (at the server) and per (TOS, path) (R's output), per bin.
std::map<std::string, std::map<int64_t, uint64_t>> g_flowBytes;
/// (TOS, path) -> bin -> bytes.
std::map<std::pair<unsigned, std::string>, std::map<int64_t, uint64_t>> g_pathBytes;

/// \return the current bin
int64_t
Bin()
{
    return static_cast<int64_t>(Simulator::Now().GetSeconds() / g_bin);
}

/// PacketSink Rx, bound to a flow name.
void
SinkRx(std::string flow, Ptr<const Packet> p, const Address&)
{
    g_flowBytes[flow][Bin()] += p->GetSize();
}

/// UDP receiver socket, bound to a flow name.
void
UdpRx(std::string flow, Ptr<Socket> s)
{
    while (Ptr<Packet> p = s->Recv())
    {
        g_flowBytes[flow][Bin()] += p->GetSize();
    }
}

/// R's Ipv4L3Protocol Tx: IP bytes per (TOS, output device).
void
RouterTx(const std::vector<std::string>* ifNames, Ptr<const Packet> p, Ptr<Ipv4>, uint32_t i)
{
    Ipv4Header h;
    p->PeekHeader(h);
    if (h.GetDestination() != Ipv4Address("203.0.113.10"))
    {
        return; // only the traffic to the server
    }
    g_pathBytes[{h.GetTos() & 0x1eU, (*ifNames)[i]}][Bin()] += p->GetSize();
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

/// A constant-rate UDP sender with a TOS (Socket::SetIpTos works in every ns-3 version).
void
SendCbr(Ptr<Socket> s, uint32_t size, Time interval, Time stop)
{
    if (Simulator::Now() >= stop)
    {
        return;
    }
    s->Send(Create<Packet>(size));
    Simulator::Schedule(interval, &SendCbr, s, size, interval, stop);
}

/// Start a UDP flow of \p rate (IP bytes) in datagrams of \p size payload bytes from \p node
/// with TOS \p tos to server:port.
void
UdpFlow(Ptr<Node> node,
        uint8_t tos,
        DataRate rate,
        uint32_t size,
        uint16_t port,
        double start,
        double stop)
{
    Ptr<Socket> s = Socket::CreateSocket(node, UdpSocketFactory::GetTypeId());
    s->Bind();
    s->Connect(InetSocketAddress(Ipv4Address("203.0.113.10"), port));
    s->SetIpTos(tos);
    Simulator::Schedule(Seconds(start),
                        &SendCbr,
                        s,
                        size,
                        rate.CalculateBytesTxTime(size + 28),
                        Seconds(stop));
}

} // namespace

int
main(int argc, char* argv[])
{
    std::string speed = "2Mbps";
    std::string mode = "Exact";
    uint32_t hz = 100;
    uint32_t segmentSize = 1448;
    std::string bulkRate = "1Mbps";
    std::string interactiveRate = "0.5Mbps";
    bool hostBTcp = true;
    uint32_t bulkSize = 1000;
    double duration = 10;
    uint32_t seed = 1;
    uint32_t run = 1;
    std::string outDir = ".";
    bool pcap = true;

    CommandLine cmd(__FILE__);
    cmd.AddValue("speed", "shaper speed (shapecfg speed)", speed);
    cmd.AddValue("mode", "shaper Mode: Exact or Linux", mode);
    cmd.AddValue("hz", "Linux mode: timer ticks per second (HZ)", hz);
    cmd.AddValue("segmentSize", "TCP segment size (payload bytes)", segmentSize);
    cmd.AddValue("bulkRate", "rate of a-bulk-tos (UDP, TOS 0x08, shaped); 0: none", bulkRate);
    cmd.AddValue("bulkSize", "UDP payload bytes per datagram of a-bulk-tos", bulkSize);
    cmd.AddValue("interactiveRate",
                 "rate of a-interactive (UDP, TOS 0x10, unshaped); 0: none",
                 interactiveRate);
    cmd.AddValue("hostBTcp", "run b-tcp (host B, TCP bulk, shaped)", hostBTcp);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("bin", "throughput bin width, seconds", g_bin);
    cmd.AddValue("seed", "random number generator seed", seed);
    cmd.AddValue("run", "random number generator run", run);
    cmd.AddValue("outDir", "directory for the CSV and pcap files", outDir);
    cmd.AddValue("pcap", "write pcaps of the shaper and of R's uplink", pcap);
    cmd.Parse(argc, argv);
    RngSeedManager::SetSeed(seed);
    RngSeedManager::SetRun(run);
    SystemPath::MakeDirectories(outDir);
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(segmentSize));

    Ipv4PolicyRoutingHelper policy;
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy);
    Ptr<Node> hostA = CreateObject<Node>();
    Ptr<Node> hostB = CreateObject<Node>();
    Ptr<Node> r = CreateObject<Node>();
    Ptr<Node> isp = CreateObject<Node>();
    stack.Install(NodeContainer(hostA, hostB, r, isp));

    CsmaHelper csma;
    csma.SetChannelAttribute("DataRate", StringValue("100Mbps"));
    csma.SetChannelAttribute("Delay", StringValue("1us"));
    NetDeviceContainer lan = csma.Install(NodeContainer(r, hostA, hostB)); // R eth0
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", StringValue("10Mbps"));
    p2p.SetChannelAttribute("Delay", StringValue("5ms"));
    NetDeviceContainer uplink = p2p.Install(r, isp); // R eth1
    Ipv4AddressHelper a("10.1.0.0", "255.255.255.0");
    a.Assign(lan); // R .1, A .2, B .3
    a.SetBase("192.0.2.0", "255.255.255.252");
    a.Assign(uplink); // R .1, isp .2

    // The server address on a stub device of isp.
    Ptr<SimpleNetDevice> stub = CreateObject<SimpleNetDevice>();
    stub->SetAddress(Mac48Address::Allocate());
    stub->SetChannel(CreateObject<SimpleChannel>());
    isp->AddDevice(stub);
    Ptr<Ipv4> ispIpv4 = isp->GetObject<Ipv4>();
    const uint32_t si = ispIpv4->AddInterface(stub);
    ispIpv4->AddAddress(si, Ipv4InterfaceAddress("203.0.113.10", "255.255.255.0"));
    ispIpv4->SetUp(si);

    NameRouterDevices(r); // eth0 the LAN, eth1 the uplink
    PolicyConfigHelper config;
    ShaperHelper shaperHelper;
    shaperHelper.SetDeviceAttribute("Mode", StringValue(mode));
    shaperHelper.SetDeviceAttribute("Hz", UintegerValue(hz));
    config.SetShaperHelper(shaperHelper);
    config.SetOutputStream(nullptr);
    for (Ptr<Node> n : {hostA, hostB, r, isp})
    {
        config.NameDevices(n);
    }
    config.ApplyText(hostA, "route add default gw 10.1.0.1", "hostA");
    config.ApplyText(hostB, "route add default gw 10.1.0.1", "hostB");
    config.ApplyText(isp, "route add -net 10.1.0.0 netmask 255.255.255.0 gw 192.0.2.1", "isp");
    std::ostringstream rText;
    rText << "shapecfg attach shaper0 eth1\n"
          << "shapecfg speed shaper0 " << DataRate(speed).GetBitRate() << "\n"
          << "ifconfig shaper0 192.0.2.1 netmask 255.255.255.252 up\n"
          << "ip route del 192.0.2.0/30 dev shaper0\n"
          << "route add default gw 192.0.2.2 dev eth1\n"
          << "ip route add default via 192.0.2.2 dev shaper0 table 100\n"
          << "ip rule add from 10.1.0.3 lookup 100 pref 100\n"
          << "ip rule add tos throughput lookup 100 pref 101\n";
    config.ApplyText(r, rText.str(), "R");

    Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(config.FindDevice(r, "shaper0"));
    NS_ABORT_MSG_UNLESS(shaper, "no shaper0 on R");
    Names::Add("R/shaper0", shaper);
    // A queue disc above the shaper holds the backlog (the shaper stops it when full).
    TrafficControlHelper fifo;
    fifo.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue("100p"));
    fifo.Install(shaper);

    Ptr<Ipv4PolicyRouting> rRouting = Ipv4PolicyRoutingHelper::GetPolicyRouting(r);
    {
        std::ofstream listing(outDir + "/policy-shaper-tables-r-routes.txt");
        rRouting->Print(listing, Ipv4PolicyRouting::LISTING_MODERN);
    }
    Ptr<Ipv4> rIpv4 = r->GetObject<Ipv4>();
    std::vector<std::string> ifNames;
    for (uint32_t i = 0; i < rIpv4->GetNInterfaces(); ++i)
    {
        ifNames.push_back(config.GetInterfaceName(r, i));
    }
    r->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext(
        "Tx",
        MakeBoundCallback(&RouterTx, &ifNames));

    // Receivers at the server address.
    struct TcpFlow
    {
        std::string name;
        Ptr<Node> node;
        uint16_t port;
        double start;
    };

    std::vector<TcpFlow> tcpFlows = {{"a-tcp", hostA, 80, 1}, {"b-tcp", hostB, 81, 2}};
    for (const TcpFlow& f : tcpFlows)
    {
        if (f.name == "b-tcp" && !hostBTcp)
        {
            continue;
        }
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), f.port));
        ApplicationContainer app = sink.Install(isp);
        app.Get(0)->TraceConnectWithoutContext("Rx", MakeBoundCallback(&SinkRx, f.name));
        BulkSendHelper bulk("ns3::TcpSocketFactory",
                            InetSocketAddress(Ipv4Address("203.0.113.10"), f.port));
        ApplicationContainer src = bulk.Install(f.node);
        src.Start(Seconds(f.start));
        src.Stop(Seconds(duration));
    }

    struct UdpFlowSpec
    {
        std::string name;
        uint8_t tos;
        std::string rate;
        uint32_t size;
        uint16_t port;
        double start;
        double stop;
    };

    std::vector<UdpFlowSpec> udpFlows = {
        {"a-interactive", 0x10, interactiveRate, 1000, 9000, 1, duration},
        {"a-bulk-tos", 0x08, bulkRate, bulkSize, 9001, 4, 8}};
    for (const UdpFlowSpec& f : udpFlows)
    {
        if (DataRate(f.rate).GetBitRate() == 0)
        {
            continue;
        }
        Ptr<Socket> rx = Socket::CreateSocket(isp, UdpSocketFactory::GetTypeId());
        rx->Bind(InetSocketAddress(Ipv4Address::GetAny(), f.port));
        rx->SetRecvCallback(MakeBoundCallback(&UdpRx, f.name));
        UdpFlow(hostA,
                f.tos,
                DataRate(f.rate),
                f.size,
                f.port,
                f.start,
                std::min(f.stop, duration));
    }

    if (pcap)
    {
        shaperHelper.EnablePcap(outDir + "/policy-shaper-tables-shaper0.pcap", shaper, false, true);
        p2p.EnablePcap(outDir + "/policy-shaper-tables-r", uplink.Get(0), false);
    }

    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    const std::map<std::string, std::string> classOf = {{"a-tcp", "unshaped"},
                                                        {"a-interactive", "unshaped"},
                                                        {"b-tcp", "shaped"},
                                                        {"a-bulk-tos", "shaped"}};
    const int64_t bins = static_cast<int64_t>(duration / g_bin + 0.5);
    std::ofstream tput(outDir + "/policy-shaper-tables-throughput.csv");
    tput << "time_s,flow,bytes,throughput_bps,shaper_speed_bps,class\n";
    std::cout << "shaper " << mode << " at " << speed << " (R's table 100), " << duration
              << " s; throughput at the server (payload), mean while the flow was active:\n";
    for (const auto& [flow, cls] : classOf)
    {
        uint64_t totalBytes = 0;
        int64_t first = -1;
        int64_t last = -1;
        for (int64_t b = 0; b < bins; ++b)
        {
            const uint64_t bytes = g_flowBytes[flow][b];
            totalBytes += bytes;
            if (bytes)
            {
                first = first < 0 ? b : first;
                last = b;
            }
            tput << std::fixed << std::setprecision(3) << b * g_bin << "," << flow << "," << bytes
                 << "," << std::setprecision(0) << bytes * 8 / g_bin << ","
                 << shaper->GetDataRate().GetBitRate() << "," << cls << "\n";
        }
        const double active = first < 0 ? 0 : (last - first + 1) * g_bin;
        std::cout << "  " << std::left << std::setw(14) << flow << std::setw(13) << " (" + cls + ")"
                  << std::right << std::fixed << std::setprecision(3)
                  << (active > 0 ? totalBytes * 8 / active / 1e6 : 0) << " Mbit/s over "
                  << std::setprecision(1) << active << " s\n";
    }
    std::ofstream paths(outDir + "/policy-shaper-tables-paths.csv");
    paths << "time_s,tos,path,bytes,throughput_bps\n";
    for (auto& [key, perBin] : g_pathBytes)
    {
        for (int64_t b = 0; b < bins; ++b)
        {
            const uint64_t bytes = perBin[b];
            paths << std::fixed << std::setprecision(3) << b * g_bin << ",0x" << std::hex
                  << std::setw(2) << std::setfill('0') << key.first << std::dec << std::setfill(' ')
                  << "," << key.second << "," << bytes << "," << std::setprecision(0)
                  << bytes * 8 / g_bin << "\n";
        }
    }
    const ShaperNetDevice::Stats& st = shaper->GetStats();
    std::cout << "  shaper0: " << st.sentPackets << " packets sent, " << st.dropped << " dropped\n"
              << "CSV: " << outDir << "/policy-shaper-tables-throughput.csv, " << outDir
              << "/policy-shaper-tables-paths.csv\n";
    Simulator::Destroy();
    return 0;
}
