/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Two flows over the same 10 Mbit/s point-to-point link, one shaped and one not: the setup
 * of the Linux shaper's documentation (shaper.txt),
 *
 *   shapecfg attach shaper0 eth1
 *   shapecfg speed shaper0 1000000
 *   ifconfig shaper0 10.1.1.1 netmask 255.255.255.0 up      (eth1's address)
 *   route add -net 10.9.0.0 netmask 255.255.0.0 gw 10.1.1.2 dev shaper0
 *
 * n0 sends a "shaped" flow to 10.9.0.5 (a second address of n1, routed through shaper0) and
 * an "unshaped" flow to 10.1.1.2 (through eth1 directly). The receiver's throughput of each
 * flow, in bins, goes to a CSV file; shaper-two-flows-plot.py draws it.
 *
 *   shaper-two-flows [--speed=1Mbps] [--mode=Exact|Linux] [--burst=0] [--tcp] [--csma|--wifi]
 *                    [--duration=10] [--bin=0.1] [--csv=shaper-two-flows.csv]
 *                    [--pcap=shaper.pcap] [--ascii=shaper.tr] [--checksum]
 */

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/mobility-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/shaper-helper.h"
#include "ns3/shaper-net-device.h"
#include "ns3/traffic-control-module.h"
#include "ns3/wifi-module.h"

#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("ShaperTwoFlows");

namespace
{

/// Bytes received per flow and per bin.
struct Throughput
{
    double bin{0.1};                                          //!< bin width, seconds
    std::map<std::string, std::map<int64_t, uint64_t>> bytes; //!< flow -> bin -> bytes

    /// PacketSink "Rx" sink, bound to a flow name.
    static void Rx(Throughput* t, std::string flow, Ptr<const Packet> p, const Address&)
    {
        int64_t b = static_cast<int64_t>(Simulator::Now().GetSeconds() / t->bin);
        t->bytes[flow][b] += p->GetSize();
    }
};

} // namespace

int
main(int argc, char* argv[])
{
    std::string speed = "1Mbps";
    std::string mode = "Exact";
    uint32_t burst = 0;
    bool tcp = false;
    double duration = 10;
    double bin = 0.1;
    std::string linkRate = "10Mbps";
    std::string shapedOffer = "2Mbps";
    std::string unshapedOffer = "3Mbps";
    std::string csv = "shaper-two-flows.csv";
    std::string pcap;
    std::string ascii;
    bool checksum = false;
    bool csma = false;
    bool wifi = false;

    CommandLine cmd(__FILE__);
    cmd.AddValue("speed", "shaper speed (shapecfg speed)", speed);
    cmd.AddValue("mode", "Exact or Linux", mode);
    cmd.AddValue("burst", "token bucket depth in bytes (0: none)", burst);
    cmd.AddValue("tcp", "TCP bulk transfers instead of constant-rate UDP", tcp);
    cmd.AddValue("duration", "simulated seconds", duration);
    cmd.AddValue("bin", "throughput bin width, seconds", bin);
    cmd.AddValue("linkRate", "rate of the point-to-point link", linkRate);
    cmd.AddValue("shapedOffer", "UDP rate offered by the shaped flow", shapedOffer);
    cmd.AddValue("unshapedOffer", "UDP rate offered by the unshaped flow", unshapedOffer);
    cmd.AddValue("csv", "output CSV (time_s,flow,bytes,throughput_bps,shaper_speed_bps)", csv);
    cmd.AddValue("pcap", "write a pcap of the shaper to this file (Linux cooked capture)", pcap);
    cmd.AddValue("ascii", "write an ascii trace of the shaper to this file", ascii);
    cmd.AddValue("csma", "an Ethernet (CSMA) link instead of point-to-point", csma);
    cmd.AddValue("wifi", "an ad hoc 802.11a Wi-Fi link instead of point-to-point", wifi);
    cmd.AddValue("checksum", "compute IPv4/UDP checksums (for the pcap)", checksum);
    cmd.Parse(argc, argv);
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(checksum));

    NodeContainer nodes(2);
    NetDeviceContainer link;
    if (wifi)
    {
        // Ad hoc 802.11a at 54 Mbit/s, the two nodes 10 m apart.
        WifiHelper wifiHelper;
        wifiHelper.SetStandard(WIFI_STANDARD_80211a);
        wifiHelper.SetRemoteStationManager("ns3::ConstantRateWifiManager",
                                           "DataMode",
                                           StringValue("OfdmRate54Mbps"));
        YansWifiPhyHelper phy;
        YansWifiChannelHelper channel = YansWifiChannelHelper::Default();
        phy.SetChannel(channel.Create());
        WifiMacHelper mac;
        mac.SetType("ns3::AdhocWifiMac");
        link = wifiHelper.Install(phy, mac, nodes);
        MobilityHelper mobility;
        Ptr<ListPositionAllocator> positions = CreateObject<ListPositionAllocator>();
        positions->Add(Vector(0, 0, 0));
        positions->Add(Vector(10, 0, 0));
        mobility.SetPositionAllocator(positions);
        mobility.Install(nodes);
        linkRate = "54Mbps (802.11a)";
    }
    else if (csma)
    {
        CsmaHelper ethernet;
        ethernet.SetChannelAttribute("DataRate", StringValue(linkRate));
        // half duplex: the channel is busy for the propagation delay too; keep it short
        ethernet.SetChannelAttribute("Delay", StringValue("10us"));
        link = ethernet.Install(nodes);
    }
    else
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", StringValue(linkRate));
        p2p.SetChannelAttribute("Delay", StringValue("2ms"));
        link = p2p.Install(nodes);
    }

    InternetStackHelper internet;
    internet.Install(nodes);
    Ipv4AddressHelper addresses("10.1.1.0", "255.255.255.0");
    addresses.Assign(link); // eth1 of n0: 10.1.1.1; n1: 10.1.1.2

    // shapecfg attach shaper0 eth1; shapecfg speed shaper0 <speed>
    ShaperHelper shaperHelper;
    shaperHelper.SetDeviceAttribute("Mode", StringValue(mode));
    shaperHelper.SetDeviceAttribute("Burst", UintegerValue(burst));
    Ptr<ShaperNetDevice> shaper = shaperHelper.Install(link.Get(0), DataRate(speed));

    // ifconfig shaper0 10.1.1.1 netmask 255.255.255.0 up
    Ptr<Ipv4> ipv4 = nodes.Get(0)->GetObject<Ipv4>();
    uint32_t shaperIf = ipv4->AddInterface(shaper);
    ipv4->AddAddress(shaperIf, Ipv4InterfaceAddress("10.1.1.1", "255.255.255.0"));
    ipv4->SetUp(shaperIf);
    // route del -net 10.1.1.0 netmask 255.255.255.0 dev shaper0: the link's own subnet stays
    // on eth1 (unshaped); only what a route sends to shaper0 is shaped.
    Ipv4StaticRoutingHelper srh;
    Ptr<Ipv4StaticRouting> routes = srh.GetStaticRouting(ipv4);
    for (uint32_t i = 0; i < routes->GetNRoutes(); ++i)
    {
        Ipv4RoutingTableEntry r = routes->GetRoute(i);
        if (r.GetInterface() == shaperIf && r.IsNetwork() &&
            r.GetDestNetwork() == Ipv4Address("10.1.1.0"))
        {
            routes->RemoveRoute(i);
            break;
        }
    }
    // A queue disc above the shaper: the shaper stops it when its own queue is full.
    TrafficControlHelper fifo;
    fifo.SetRootQueueDisc("ns3::FifoQueueDisc", "MaxSize", StringValue("100p"));
    fifo.Install(shaper);

    // route add -net 10.9.0.0 netmask 255.255.0.0 gw 10.1.1.2 dev shaper0
    routes->AddNetworkRouteTo(Ipv4Address("10.9.0.0"),
                              Ipv4Mask("255.255.0.0"),
                              Ipv4Address("10.1.1.2"),
                              shaperIf);
    Ptr<Ipv4> ipv4n1 = nodes.Get(1)->GetObject<Ipv4>();
    ipv4n1->AddAddress(ipv4n1->GetInterfaceForDevice(link.Get(1)),
                       Ipv4InterfaceAddress("10.9.0.5", "255.255.255.255"));

    if (!pcap.empty())
    {
        shaperHelper.EnablePcap(pcap, shaper, false, true);
    }
    if (!ascii.empty())
    {
        shaperHelper.EnableAscii(ascii, shaper, true);
    }

    // The flows.
    Throughput tput;
    tput.bin = bin;

    struct Flow
    {
        std::string name;
        Ipv4Address dst;
        uint16_t port;
        std::string offer;
    };

    std::vector<Flow> flows = {{"shaped", "10.9.0.5", 9000, shapedOffer},
                               {"unshaped", "10.1.1.2", 9001, unshapedOffer}};
    std::string factory = tcp ? "ns3::TcpSocketFactory" : "ns3::UdpSocketFactory";
    for (const Flow& f : flows)
    {
        PacketSinkHelper sinkHelper(factory, InetSocketAddress(Ipv4Address::GetAny(), f.port));
        ApplicationContainer sink = sinkHelper.Install(nodes.Get(1));
        sink.Start(Seconds(0));
        sink.Get(0)->TraceConnectWithoutContext("Rx",
                                                MakeBoundCallback(&Throughput::Rx, &tput, f.name));
        ApplicationContainer source;
        if (tcp)
        {
            BulkSendHelper bulk(factory, InetSocketAddress(f.dst, f.port));
            source = bulk.Install(nodes.Get(0));
        }
        else
        {
            OnOffHelper onoff(factory, InetSocketAddress(f.dst, f.port));
            onoff.SetConstantRate(DataRate(f.offer), 1000);
            source = onoff.Install(nodes.Get(0));
        }
        source.Start(Seconds(1));
        source.Stop(Seconds(duration));
    }

    Simulator::Stop(Seconds(duration));
    Simulator::Run();

    std::ofstream out(csv);
    out << "time_s,flow,bytes,throughput_bps,shaper_speed_bps\n";
    int64_t bins = static_cast<int64_t>(duration / bin);
    std::map<std::string, double> steady;
    for (const Flow& f : flows)
    {
        uint64_t steadyBytes = 0;
        for (int64_t b = 0; b < bins; ++b)
        {
            uint64_t bytes = tput.bytes[f.name][b];
            out << std::fixed << std::setprecision(3) << b * bin << "," << f.name << "," << bytes
                << "," << std::setprecision(0) << bytes * 8 / bin << ","
                << shaper->GetDataRate().GetBitRate() << "\n";
            if (b * bin >= 2)
            {
                steadyBytes += bytes;
            }
        }
        steady[f.name] = steadyBytes * 8 / (duration - 2);
    }
    out.close();

    const ShaperNetDevice::Stats& st = shaper->GetStats();
    std::cout << "shaper " << mode << " at " << speed << " over a " << linkRate
              << (wifi ? " Wi-Fi" : (csma ? " CSMA" : " point-to-point")) << " link, "
              << (tcp ? "TCP" : "UDP") << ", " << duration << " s\n"
              << "  shaped flow:   " << std::setprecision(4) << steady["shaped"] / 1e6
              << " Mbit/s (from 2 s)\n"
              << "  unshaped flow: " << steady["unshaped"] / 1e6 << " Mbit/s (from 2 s)\n"
              << "  shaper: " << st.sentPackets << " packets sent, " << st.dropped << " dropped, "
              << st.receivedPackets << " frames handed up, " << st.releaseEvents
              << " release events\n"
              << "  CSV: " << csv << "\n";
    Simulator::Destroy();
    return 0;
}
