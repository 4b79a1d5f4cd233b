/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * policy-sim: the scenario runner. Reads a scenario file (doc/scenario-format.md): nodes,
 * links, each node's configuration in the configuration language
 * (doc/configuration-language.md), traffic (ping, UDP, TCP with a TOS), the run and what to
 * record; builds the network with Ipv4PolicyRouting on every node, runs it, and writes into
 * the output directory:
 *
 *   NODE-DEVICE.pcap   one capture per recorded device (PPP, Ethernet, or Linux cooked for
 *                      shapers)
 *   flows.csv          one line per flow: sent, received, lost, throughput, delay, ICMP
 *   throughput.csv     per flow and time bin: bytes delivered to the receiver
 *   devices.csv        per device, TOS and time bin: IPv4 bytes transmitted, device rate
 *   paths.csv          per flow: which node and device its packets left by
 *   events.csv         routing drops, IPv4 drops, queue drops, ICMP errors sent
 *   rtt.csv            per ping reply: its round-trip time
 *   run.csv            the run: scenario, duration, seed, run, bin
 *   routes-NODE.txt    routing-table dumps (`dump`)
 *   log.txt            what the configurations printed (show, get, echo) and their notes
 *   summary.txt        the summary table also printed at the end
 *
 * The same scenario and seed give byte-identical outputs. A progress line goes to stderr on
 * long runs.
 *
 *   policy-sim scenarios/flagship.scn [--out=results/flagship] [--seed=N] [--run=N]
 *              [--check] [--progress=auto|on|off] [--quiet] [--pcap=0]
 *
 * Exit status: 0 done, 1 the scenario has errors (file:line:column: message on stderr), 2
 * the command line or the output directory is wrong.
 */

#include "ns3/core-module.h"
#include "ns3/csma-module.h"
#include "ns3/internet-module.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-policy-routing.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/policy-config-helper.h"
#include "ns3/policy-scenario.h"
#include "ns3/shaper-helper.h"
#include "ns3/shaper-net-device.h"
#include "ns3/traffic-control-layer.h"

#if __has_include("ns3/version-defines.h")
#include "ns3/version-defines.h"
#endif

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <type_traits>
#include <unistd.h>
#include <unordered_map>
#include <vector>

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("PolicySim");

namespace
{

// ===================================================================================
// Formatting
// ===================================================================================

/// \return \p ns as seconds, without trailing zeros ("1.5", "20", "0.125")
std::string
Secs(int64_t ns)
{
    std::ostringstream os;
    const bool negative = ns < 0;
    const uint64_t v = negative ? uint64_t(-ns) : uint64_t(ns);
    os << (negative ? "-" : "") << v / 1000000000;
    uint64_t frac = v % 1000000000;
    if (frac)
    {
        std::string f = std::to_string(frac);
        f = std::string(9 - f.size(), '0') + f;
        while (!f.empty() && f.back() == '0')
        {
            f.pop_back();
        }
        os << "." << f;
    }
    return os.str();
}

/// \return \p v with \p digits decimals
std::string
Fixed(double v, int digits)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(digits) << v;
    return os.str();
}

std::string
Hex2(uint32_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex << std::setw(2) << std::setfill('0') << v;
    return os.str();
}

std::string
AddressText(uint32_t a)
{
    std::ostringstream os;
    Ipv4Address(a).Print(os);
    return os.str();
}

/// A rate in readable units ("9.87 Mbit/s").
std::string
RateText(double bps)
{
    if (bps >= 1e6)
    {
        return Fixed(bps / 1e6, 2) + " Mbit/s";
    }
    if (bps >= 1e3)
    {
        return Fixed(bps / 1e3, 1) + " kbit/s";
    }
    return Fixed(bps, 0) + " bit/s";
}

/// A text table: columns padded to their widest cell, numbers right-aligned.
class Table
{
  public:
    explicit Table(std::vector<std::string> header)
    {
        m_rows.push_back(std::move(header));
    }

    void Add(std::vector<std::string> row)
    {
        m_rows.push_back(std::move(row));
    }

    void Print(std::ostream& os) const
    {
        std::vector<std::size_t> width;
        std::vector<bool> numeric;
        std::vector<bool> number; // a column is numeric if it has a number and nothing else
        for (const auto& r : m_rows)
        {
            width.resize(std::max(width.size(), r.size()), 0);
            numeric.resize(width.size(), true);
            number.resize(width.size(), false);
        }
        for (std::size_t k = 0; k < m_rows.size(); ++k)
        {
            for (std::size_t c = 0; c < m_rows[k].size(); ++c)
            {
                const std::string& s = m_rows[k][c];
                width[c] = std::max(width[c], s.size());
                if (k > 0 && !s.empty() && s != "-" &&
                    s.find_first_not_of("0123456789.%-") != std::string::npos &&
                    s.find(" kbit/s") == std::string::npos &&
                    s.find(" Mbit/s") == std::string::npos && s.find(" bit/s") == std::string::npos)
                {
                    numeric[c] = false;
                }
                number[c] = number[c] || (k > 0 && !s.empty() && s != "-");
            }
        }
        for (std::size_t c = 0; c < numeric.size(); ++c)
        {
            numeric[c] = numeric[c] && number[c];
        }
        for (std::size_t k = 0; k < m_rows.size(); ++k)
        {
            std::string line;
            for (std::size_t c = 0; c < m_rows[k].size(); ++c)
            {
                const std::string& s = m_rows[k][c];
                const std::string pad(width[c] - s.size(), ' ');
                line += (c ? "  " : "") + (numeric[c] && k > 0 ? pad + s : s + pad);
            }
            while (!line.empty() && line.back() == ' ')
            {
                line.pop_back();
            }
            os << line << "\n";
        }
    }

  private:
    std::vector<std::vector<std::string>> m_rows;
};

// ===================================================================================
// Packet parsing (from bytes, so that it works on any trace: with or without link headers)
// ===================================================================================

constexpr uint8_t PROTO_ICMP = 1;
constexpr uint8_t PROTO_TCP = 6;
constexpr uint8_t PROTO_UDP = 17;
/// The mark policy-sim's ping puts at the start of its echo data.
constexpr uint8_t PING_MARK[4] = {'P', 'S', 'I', 'M'};

/// What policy-sim reads of an IPv4 packet.
struct IpInfo
{
    bool ok{false};           //!< an IPv4 header was found
    uint8_t tos{0};           //!< TOS octet
    uint8_t proto{0};         //!< protocol
    uint16_t totalLength{0};  //!< total length
    uint16_t id{0};           //!< identification
    bool firstFragment{true}; //!< fragment offset 0
    uint32_t src{0};          //!< source (host order)
    uint32_t dst{0};          //!< destination (host order)
    std::vector<uint8_t> l4;  //!< the first bytes after the header
};

uint16_t
Get16(const uint8_t* b)
{
    return static_cast<uint16_t>((b[0] << 8) | b[1]);
}

uint32_t
Get32(const uint8_t* b)
{
    return (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
}

/// Parse an IPv4 header and the bytes after it from \p b.
IpInfo
ParseIp(const uint8_t* b, std::size_t n)
{
    IpInfo ip;
    if (n < 20 || (b[0] >> 4) != 4)
    {
        return ip;
    }
    const std::size_t ihl = std::size_t(b[0] & 0x0f) * 4;
    if (ihl < 20 || n < ihl)
    {
        return ip;
    }
    ip.ok = true;
    ip.tos = b[1];
    ip.totalLength = Get16(b + 2);
    ip.id = Get16(b + 4);
    ip.firstFragment = (Get16(b + 6) & 0x1fff) == 0;
    ip.proto = b[9];
    ip.src = Get32(b + 12);
    ip.dst = Get32(b + 16);
    ip.l4.assign(b + ihl, b + n);
    return ip;
}

/// Parse the IPv4 packet that starts \p skip bytes into \p p.
IpInfo
ParseIp(Ptr<const Packet> p, uint32_t skip)
{
    uint8_t buf[128];
    const uint32_t n = std::min<uint32_t>(p->GetSize(), sizeof(buf));
    p->CopyData(buf, n);
    if (n <= skip)
    {
        return IpInfo();
    }
    return ParseIp(buf + skip, n - skip);
}

/// Parse a header given apart and its payload.
IpInfo
ParseIp(const Ipv4Header& h, Ptr<const Packet> payload)
{
    IpInfo ip;
    ip.ok = true;
    ip.tos = h.GetTos();
    ip.proto = h.GetProtocol();
    ip.totalLength = static_cast<uint16_t>(h.GetSerializedSize() + h.GetPayloadSize());
    ip.id = h.GetIdentification();
    ip.firstFragment = h.GetFragmentOffset() == 0;
    ip.src = h.GetSource().Get();
    ip.dst = h.GetDestination().Get();
    uint8_t buf[96];
    const uint32_t n = std::min<uint32_t>(payload->GetSize(), sizeof(buf));
    payload->CopyData(buf, n);
    ip.l4.assign(buf, buf + n);
    return ip;
}

/// Whether InetSocketAddress carries a TOS (ns-3 up to 3.3x: sockets take it from there).
template <class A, class = void>
struct HasSetTos : std::false_type
{
};

template <class A>
struct HasSetTos<A, std::void_t<decltype(std::declval<A&>().SetTos(uint8_t()))>> : std::true_type
{
};

/**
 * An address with a TOS, for ns-3 versions whose Bind/Connect/SendTo take the TOS from the
 * address (and overwrite the socket's): 3.37 does.
 */
InetSocketAddress
WithTos(InetSocketAddress a, uint8_t tos)
{
    if constexpr (HasSetTos<InetSocketAddress>::value)
    {
        a.SetTos(tos);
    }
    return a;
}

/// \return the ns-3 version built against ("3.37"), as the stored hashes name it
std::string
Ns3Version()
{
#ifdef NS3_VERSION_MINOR
    std::string v = std::to_string(NS3_VERSION_MAJOR) + "." + std::to_string(NS3_VERSION_MINOR);
    if (NS3_VERSION_PATCH != 0)
    {
        v += "." + std::to_string(NS3_VERSION_PATCH);
    }
    return v;
#else
    return "unknown";
#endif
}

bool
IsIcmpError(uint8_t type)
{
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

// ===================================================================================
// Statistics
// ===================================================================================

/// Direction of a packet relative to its flow.
enum class Dir
{
    NONE, //!< not a packet of a flow
    FWD,  //!< from the sender to the receiver
    REV,  //!< back (TCP acknowledgements, echo replies)
    ERR,  //!< an ICMP error about a packet of the flow
};

/// What is measured of a flow.
struct FlowStats
{
    uint32_t nodeFrom{0};           //!< index of the sending node
    uint64_t appSent{0};            //!< packets the application sent (UDP, ping)
    uint64_t appSendFailed{0};      //!< sends the socket refused (no route)
    uint64_t ipSent{0};             //!< forward packets the sending node transmitted
    uint64_t ipDelivered{0};        //!< forward packets delivered at the receiving node
    uint64_t appReceived{0};        //!< packets the receiving application got (UDP)
    uint64_t dropped{0};            //!< forward packets dropped on the way (traced drops)
    uint64_t bytes{0};              //!< payload bytes delivered to the receiver
    uint64_t bytesRunning{0};       //!< ... while the flow ran (up to its stop time)
    int64_t stop{0};                //!< its stop time (ns)
    std::vector<uint64_t> binBytes; //!< payload bytes delivered per time bin
    double delaySum{0};             //!< one-way delays of delivered forward packets, seconds
    double delayMax{0};             //!< the largest
    uint64_t delayCount{0};         //!< how many
    std::unordered_map<uint32_t, int64_t> sendTime; //!< IPv4 id -> time sent (ns)
    uint64_t replies{0};                            //!< ping: echo replies received
    double rttSum{0};                               //!< ping: round-trip times, seconds
    std::map<std::string, uint64_t> icmp; //!< ICMP errors received by the sender, by type/code
    bool tcpConnected{false};             //!< TCP: the connection was set up
};

/// A device whose transmissions are counted.
struct DeviceRecord
{
    std::string node;   //!< node name
    std::string name;   //!< device name
    std::string kind;   //!< p2p, csma, shaper
    Ptr<NetDevice> dev; //!< the device
    /// TOS -> per bin (packets, bytes)
    std::map<uint8_t, std::vector<std::pair<uint64_t, uint64_t>>> bins;
    std::vector<uint64_t> rate; //!< device rate at the end of each bin
};

/// Per node counters for the summary.
struct NodeStats
{
    std::map<std::string, uint64_t> policyDrops; //!< Ipv4PolicyRouting Drop, by reason
    std::map<std::string, uint64_t> icmpSent;    //!< ICMP errors originated, by type/code
    std::map<std::string, uint64_t> ipv4Drops;   //!< Ipv4L3Protocol Drop, by reason
    std::map<std::string, uint64_t> queueDrops;  //!< device queue and shaper drops, by device
};

class PolicySim;

// ===================================================================================
// Applications
// ===================================================================================

/// ICMP echo requests with a TOS, replies timed.
class SimPing : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::PolicySimPing").SetParent<Application>();
        return tid;
    }

    void Setup(PolicySim* sim, uint32_t flow, const ScenarioFlow& f)
    {
        m_sim = sim;
        m_flow = flow;
        m_spec = f;
        m_ident = static_cast<uint16_t>(0x5000 + flow);
    }

  private:
    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;
    void Send();
    void Receive(Ptr<Socket> socket);

    PolicySim* m_sim{nullptr};
    uint32_t m_flow{0};
    ScenarioFlow m_spec;
    uint16_t m_ident{0};
    uint16_t m_seq{0};
    Ptr<Socket> m_socket;
    EventId m_next;
    std::map<uint16_t, Time> m_sent;
};

/// Constant-rate (or Poisson) UDP datagrams with a TOS.
class SimUdpSource : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::PolicySimUdpSource").SetParent<Application>();
        return tid;
    }

    void Setup(PolicySim* sim, uint32_t flow, const ScenarioFlow& f)
    {
        m_sim = sim;
        m_flow = flow;
        m_spec = f;
        m_gap = static_cast<int64_t>((uint64_t(f.size) * 8 * 1000000000ULL) / f.rate);
        if (f.poisson)
        {
            m_random = CreateObject<ExponentialRandomVariable>();
            m_random->SetAttribute("Mean", DoubleValue(double(m_gap)));
            m_random->SetStream(flow);
        }
    }

  private:
    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;
    void Send();

    PolicySim* m_sim{nullptr};
    uint32_t m_flow{0};
    ScenarioFlow m_spec;
    int64_t m_gap{0};
    Ptr<ExponentialRandomVariable> m_random;
    Ptr<Socket> m_socket;
    EventId m_next;
};

/// Receives the datagrams of one UDP flow.
class SimUdpSink : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::PolicySimUdpSink").SetParent<Application>();
        return tid;
    }

    void Setup(PolicySim* sim, uint32_t flow, uint16_t port)
    {
        m_sim = sim;
        m_flow = flow;
        m_port = port;
    }

  private:
    void StartApplication() override;
    void DoDispose() override;
    void Receive(Ptr<Socket> socket);

    PolicySim* m_sim{nullptr};
    uint32_t m_flow{0};
    uint16_t m_port{0};
    Ptr<Socket> m_socket;
};

/// A TCP bulk transfer with a TOS.
class SimTcpBulk : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::PolicySimTcpBulk").SetParent<Application>();
        return tid;
    }

    void Setup(PolicySim* sim, uint32_t flow, const ScenarioFlow& f)
    {
        m_sim = sim;
        m_flow = flow;
        m_spec = f;
    }

  private:
    void StartApplication() override;
    void StopApplication() override;
    void DoDispose() override;
    void Fill(Ptr<Socket> socket, uint32_t available);
    void Connected(Ptr<Socket> socket);
    void Failed(Ptr<Socket> socket);

    PolicySim* m_sim{nullptr};
    uint32_t m_flow{0};
    ScenarioFlow m_spec;
    Ptr<Socket> m_socket;
    uint64_t m_sent{0};
    bool m_connected{false};
    bool m_stopped{false};
};

/// Accepts the connection of one TCP flow and reads everything (acknowledging with the TOS).
class SimTcpSink : public Application
{
  public:
    static TypeId GetTypeId()
    {
        static TypeId tid = TypeId("ns3::PolicySimTcpSink").SetParent<Application>();
        return tid;
    }

    void Setup(PolicySim* sim, uint32_t flow, uint16_t port, uint8_t tos)
    {
        m_sim = sim;
        m_flow = flow;
        m_port = port;
        m_tos = tos;
    }

  private:
    void StartApplication() override;
    void DoDispose() override;
    void Accept(Ptr<Socket> socket, const Address& from);
    void Receive(Ptr<Socket> socket);
    void Closed(Ptr<Socket> socket);

    PolicySim* m_sim{nullptr};
    uint32_t m_flow{0};
    uint16_t m_port{0};
    uint8_t m_tos{0};
    Ptr<Socket> m_listen;
    std::vector<Ptr<Socket>> m_accepted;
};

// ===================================================================================
// The runner
// ===================================================================================

/// Options of the command line.
struct Options
{
    std::string scenario;         //!< the scenario file
    std::string out;              //!< output directory (overrides `output`)
    uint32_t seed{0};             //!< overrides `seed` (0: no)
    uint64_t run{0};              //!< overrides `run` (0: no)
    bool check{false};            //!< build and configure, do not run
    std::string progress{"auto"}; //!< auto, on, off
    bool quiet{false};            //!< no log on stdout
    bool pcap{true};              //!< write the pcaps the scenario asks for
};

/**
 * Builds the network of a scenario, runs it, and writes the outputs.
 */
class PolicySim
{
  public:
    PolicySim(const Scenario& s, const Options& o)
        : m_s(s),
          m_opt(o)
    {
    }

    /// \return the exit status
    int Main();

    // ----- called by the applications -----
    /// \return the time bin of now
    std::size_t Bin() const;

    /// \return the statistics of flow \p f
    FlowStats& Stats(uint32_t f)
    {
        return m_flows[f];
    }

    /// A ping reply arrived.
    void PingReply(uint32_t flow, uint16_t seq, Time rtt);

    /// Payload delivered to the receiving application of a UDP or TCP flow.
    void Delivered(uint32_t flow, uint32_t bytes, bool datagram);

    // ----- trace sinks -----
    void OnTx(uint32_t node, Ptr<const Packet> p, Ptr<Ipv4> ipv4, uint32_t interface);
    void OnDeliver(uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t iif);
    void OnOutgoing(uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t oif);
    void OnIpv4Drop(uint32_t node,
                    const Ipv4Header& h,
                    Ptr<const Packet> p,
                    Ipv4L3Protocol::DropReason reason,
                    Ptr<Ipv4> ipv4,
                    uint32_t iif);
    void OnPolicyDrop(uint32_t node,
                      Ptr<const Packet> p,
                      const Ipv4Header& h,
                      RouteError reason,
                      uint32_t iif);
    void OnTcDrop(uint32_t node, Ptr<const Packet> p);
    void OnArpDrop(uint32_t node, Ptr<const Packet> p);
    void OnDeviceTx(uint32_t device, uint32_t skip, Ptr<const Packet> p);
    void OnQueueDrop(uint32_t device, Ptr<const Packet> p);
    void OnShaperDrop(uint32_t device, Ptr<const Packet> p, ShaperNetDevice::DropReason reason);

  private:
    // ----- building -----
    bool Error(const ConfigLocation& at, const std::string& message);
    bool SetDefaults();
    bool CreateNodes();
    bool CreateLinks();
    bool AssignAddresses();
    bool CreateShapers();
    bool ApplyConfig(std::size_t index);
    void ApplyScheduled(std::size_t index);
    void RegisterDevice(uint32_t node, const std::string& name, Ptr<NetDevice> dev);
    void RegisterNewDevices(uint32_t node, const ParsedConfig& parsed);
    bool CreateTraffic();
    bool OpenOutput();
    void EnablePcap(uint32_t device);
    void ConnectTraces();
    void ScheduleDumps();
    void Dump(std::size_t dump, std::size_t time);
    void Progress();
    void SampleRates();
    void Log(const std::string& text);

    // ----- measuring -----
    std::pair<int, Dir> Classify(const IpInfo& ip) const;
    /// Count a dropped packet against its flow. \return the flow, or -1
    int Dropped(const IpInfo& ip);
    void Count(std::map<std::string, uint64_t>& m, const std::string& key);
    void Event(uint32_t node,
               const std::string& event,
               const std::string& detail,
               const IpInfo& ip,
               int flow);

    // ----- writing -----
    void WriteCsvs();
    void WriteSummary();
    std::string Path(const std::string& file) const;

    const Scenario& m_s;
    Options m_opt;
    std::string m_dir;
    std::size_t m_bins{0};
    bool m_failed{false};

    std::vector<Ptr<Node>> m_nodes;
    std::map<std::string, uint32_t> m_nodeIndex;
    PolicyConfigHelper m_config;
    std::vector<DeviceRecord> m_devices;
    std::map<std::pair<uint32_t, std::string>, uint32_t> m_deviceIndex; //!< (node, name)
    std::set<const NetDevice*> m_registered;
    std::vector<NodeStats> m_nodeStats;
    std::vector<FlowStats> m_flows;
    std::map<std::pair<uint8_t, uint16_t>, uint32_t> m_byPort; //!< (protocol, port) -> flow
    std::map<std::tuple<uint32_t, std::string, bool>, std::pair<uint64_t, uint64_t>>
        m_paths;                       //!< flow, "node:dev", rev -> counts
    std::set<uint32_t> m_pathNodes;    //!< nodes counted in paths.csv
    std::vector<std::string> m_events; //!< events.csv lines
    std::vector<std::string> m_rtt;    //!< rtt.csv lines
    std::ofstream m_log;
    std::chrono::steady_clock::time_point m_wallStart;
    std::chrono::steady_clock::time_point m_lastPrint;
    bool m_progressPrinted{false};
    bool m_tty{false};
};

// ----- applications -----

void
SimPing::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), TypeId::LookupByName("ns3::Ipv4RawSocketFactory"));
    m_socket->SetAttribute("Protocol", UintegerValue(PROTO_ICMP));
    const Ipv4Address src = m_spec.source ? Ipv4Address(*m_spec.source) : Ipv4Address::GetAny();
    m_socket->Bind(InetSocketAddress(src, 0));
    m_socket->SetIpTos(m_spec.tos);
    m_socket->SetRecvCallback(MakeCallback(&SimPing::Receive, this));
    Send();
}

void
SimPing::StopApplication()
{
    // Stop asking; replies still on their way are counted until the end of the run.
    m_next.Cancel();
}

void
SimPing::DoDispose()
{
    m_next.Cancel();
    if (m_socket)
    {
        m_socket->Close();
        m_socket = nullptr;
    }
    Application::DoDispose();
}

void
SimPing::Send()
{
    std::vector<uint8_t> data(m_spec.size, 0);
    std::memcpy(data.data(), PING_MARK, 4);
    data[4] = static_cast<uint8_t>(m_flow >> 8);
    data[5] = static_cast<uint8_t>(m_flow);
    data[6] = static_cast<uint8_t>(m_seq >> 8);
    data[7] = static_cast<uint8_t>(m_seq);
    Icmpv4Echo echo;
    echo.SetIdentifier(m_ident);
    echo.SetSequenceNumber(m_seq);
    echo.SetData(Create<Packet>(data.data(), static_cast<uint32_t>(data.size())));
    Ptr<Packet> p = Create<Packet>();
    p->AddHeader(echo);
    Icmpv4Header icmp;
    icmp.SetType(Icmpv4Header::ICMPV4_ECHO);
    icmp.SetCode(0);
    if (Node::ChecksumEnabled())
    {
        icmp.EnableChecksum();
    }
    p->AddHeader(icmp);
    if (m_spec.tos)
    {
        SocketIpTosTag tag;
        tag.SetTos(m_spec.tos);
        p->ReplacePacketTag(tag);
    }
    FlowStats& st = m_sim->Stats(m_flow);
    st.appSent++;
    m_sent[m_seq] = Simulator::Now();
    if (m_socket->SendTo(p, 0, InetSocketAddress(Ipv4Address(m_spec.destination), 0)) < 0)
    {
        st.appSendFailed++;
    }
    ++m_seq;
    if (m_spec.count == 0 || m_seq < m_spec.count)
    {
        m_next = Simulator::Schedule(NanoSeconds(m_spec.interval), &SimPing::Send, this);
    }
}

void
SimPing::Receive(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        Ipv4Header ip;
        p->RemoveHeader(ip);
        if (p->GetSize() < 8)
        {
            continue;
        }
        Icmpv4Header icmp;
        p->RemoveHeader(icmp);
        if (icmp.GetType() != Icmpv4Header::ICMPV4_ECHO_REPLY)
        {
            continue; // errors are counted from the node's LocalDeliver trace
        }
        Icmpv4Echo echo;
        p->RemoveHeader(echo);
        if (echo.GetIdentifier() != m_ident)
        {
            continue;
        }
        const auto sent = m_sent.find(echo.GetSequenceNumber());
        if (sent == m_sent.end())
        {
            continue; // a duplicate
        }
        m_sim->PingReply(m_flow, echo.GetSequenceNumber(), Simulator::Now() - sent->second);
        m_sent.erase(sent);
    }
}

void
SimUdpSource::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    const Ipv4Address src = m_spec.source ? Ipv4Address(*m_spec.source) : Ipv4Address::GetAny();
    m_socket->Bind(WithTos(InetSocketAddress(src, 0), m_spec.tos));
    m_socket->SetIpTos(m_spec.tos);
    Send();
}

void
SimUdpSource::StopApplication()
{
    m_next.Cancel();
}

void
SimUdpSource::DoDispose()
{
    m_next.Cancel();
    if (m_socket)
    {
        m_socket->Close();
        m_socket = nullptr;
    }
    m_random = nullptr;
    Application::DoDispose();
}

void
SimUdpSource::Send()
{
    FlowStats& st = m_sim->Stats(m_flow);
    st.appSent++;
    const InetSocketAddress to =
        WithTos(InetSocketAddress(Ipv4Address(m_spec.destination), m_spec.port), m_spec.tos);
    Ptr<Packet> p = Create<Packet>(m_spec.size);
    if (m_spec.tos)
    {
        SocketIpTosTag tag;
        tag.SetTos(m_spec.tos);
        p->ReplacePacketTag(tag);
    }
    if (m_socket->SendTo(p, 0, to) < 0)
    {
        st.appSendFailed++;
    }
    int64_t gap = m_gap;
    if (m_random)
    {
        gap = std::max<int64_t>(1, static_cast<int64_t>(m_random->GetValue()));
    }
    m_next = Simulator::Schedule(NanoSeconds(gap), &SimUdpSource::Send, this);
}

void
SimUdpSink::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), UdpSocketFactory::GetTypeId());
    m_socket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port));
    m_socket->SetRecvCallback(MakeCallback(&SimUdpSink::Receive, this));
}

void
SimUdpSink::DoDispose()
{
    if (m_socket)
    {
        m_socket->Close();
        m_socket = nullptr;
    }
    Application::DoDispose();
}

void
SimUdpSink::Receive(Ptr<Socket> socket)
{
    Address from;
    while (Ptr<Packet> p = socket->RecvFrom(from))
    {
        m_sim->Delivered(m_flow, p->GetSize(), true);
    }
}

void
SimTcpBulk::StartApplication()
{
    m_socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    const Ipv4Address src = m_spec.source ? Ipv4Address(*m_spec.source) : Ipv4Address::GetAny();
    m_socket->Bind(WithTos(InetSocketAddress(src, 0), m_spec.tos));
    m_socket->SetIpTos(m_spec.tos);
    m_socket->SetConnectCallback(MakeCallback(&SimTcpBulk::Connected, this),
                                 MakeCallback(&SimTcpBulk::Failed, this));
    m_socket->SetSendCallback(MakeCallback(&SimTcpBulk::Fill, this));
    m_socket->Connect(
        WithTos(InetSocketAddress(Ipv4Address(m_spec.destination), m_spec.port), m_spec.tos));
    m_socket->SetIpTos(m_spec.tos);
}

void
SimTcpBulk::StopApplication()
{
    if (!m_stopped && m_socket)
    {
        m_stopped = true;
        m_socket->Close();
    }
}

void
SimTcpBulk::DoDispose()
{
    m_socket = nullptr;
    Application::DoDispose();
}

void
SimTcpBulk::Connected(Ptr<Socket> socket)
{
    m_connected = true;
    m_sim->Stats(m_flow).tcpConnected = true;
    Fill(socket, socket->GetTxAvailable());
}

void
SimTcpBulk::Failed(Ptr<Socket> socket)
{
    m_stopped = true;
}

void
SimTcpBulk::Fill(Ptr<Socket> socket, uint32_t)
{
    if (!m_connected || m_stopped)
    {
        return;
    }
    while (m_spec.maxBytes == 0 || m_sent < m_spec.maxBytes)
    {
        uint64_t n = std::min<uint64_t>(socket->GetTxAvailable(), 16384);
        if (m_spec.maxBytes)
        {
            n = std::min<uint64_t>(n, m_spec.maxBytes - m_sent);
        }
        if (n == 0)
        {
            return;
        }
        const int r = socket->Send(Create<Packet>(static_cast<uint32_t>(n)));
        if (r <= 0)
        {
            return;
        }
        m_sent += static_cast<uint64_t>(r);
    }
    m_stopped = true;
    socket->Close();
}

void
SimTcpSink::StartApplication()
{
    m_listen = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    m_listen->Bind(WithTos(InetSocketAddress(Ipv4Address::GetAny(), m_port), m_tos));
    m_listen->SetIpTos(m_tos);
    m_listen->Listen();
    m_listen->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                MakeCallback(&SimTcpSink::Accept, this));
}

void
SimTcpSink::DoDispose()
{
    m_listen = nullptr;
    m_accepted.clear();
    Application::DoDispose();
}

void
SimTcpSink::Accept(Ptr<Socket> socket, const Address&)
{
    socket->SetIpTos(m_tos);
    socket->SetRecvCallback(MakeCallback(&SimTcpSink::Receive, this));
    socket->SetCloseCallbacks(MakeCallback(&SimTcpSink::Closed, this),
                              MakeCallback(&SimTcpSink::Closed, this));
    m_accepted.push_back(socket);
}

void
SimTcpSink::Receive(Ptr<Socket> socket)
{
    while (Ptr<Packet> p = socket->Recv())
    {
        if (p->GetSize() == 0)
        {
            break;
        }
        m_sim->Delivered(m_flow, p->GetSize(), false);
    }
}

void
SimTcpSink::Closed(Ptr<Socket> socket)
{
    socket->Close();
}

// ----- trace trampolines -----

void
TxSink(PolicySim* sim, uint32_t node, Ptr<const Packet> p, Ptr<Ipv4> ipv4, uint32_t interface)
{
    sim->OnTx(node, p, ipv4, interface);
}

void
DeliverSink(PolicySim* sim, uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t iif)
{
    sim->OnDeliver(node, h, p, iif);
}

void
OutgoingSink(PolicySim* sim, uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t oif)
{
    sim->OnOutgoing(node, h, p, oif);
}

void
Ipv4DropSink(PolicySim* sim,
             uint32_t node,
             const Ipv4Header& h,
             Ptr<const Packet> p,
             Ipv4L3Protocol::DropReason reason,
             Ptr<Ipv4> ipv4,
             uint32_t iif)
{
    sim->OnIpv4Drop(node, h, p, reason, ipv4, iif);
}

void
PolicyDropSink(PolicySim* sim,
               uint32_t node,
               Ptr<const Packet> p,
               const Ipv4Header& h,
               RouteError reason,
               uint32_t iif)
{
    sim->OnPolicyDrop(node, p, h, reason, iif);
}

void
TcDropSink(PolicySim* sim, uint32_t node, Ptr<const Packet> p)
{
    sim->OnTcDrop(node, p);
}

void
ArpDropSink(PolicySim* sim, uint32_t node, Ptr<const Packet> p)
{
    sim->OnArpDrop(node, p);
}

void
DeviceTxSink(PolicySim* sim, uint32_t device, uint32_t skip, Ptr<const Packet> p)
{
    sim->OnDeviceTx(device, skip, p);
}

void
QueueDropSink(PolicySim* sim, uint32_t device, Ptr<const Packet> p)
{
    sim->OnQueueDrop(device, p);
}

void
ShaperDropSink(PolicySim* sim,
               uint32_t device,
               Ptr<const Packet> p,
               ShaperNetDevice::DropReason reason)
{
    sim->OnShaperDrop(device, p, reason);
}

void
PcapSink(Ptr<PcapFileWrapper> file, Ptr<const Packet> p)
{
    file->Write(Simulator::Now(), p);
}

// ----- the runner -----

bool
PolicySim::Error(const ConfigLocation& at, const std::string& message)
{
    std::cerr << ConfigDiagnostic{at.file, at.line, at.column, message}.ToString() << "\n";
    m_failed = true;
    return false;
}

void
PolicySim::Log(const std::string& text)
{
    if (text.empty())
    {
        return;
    }
    if (!m_opt.quiet)
    {
        std::cout << text << std::flush;
    }
    if (m_log.is_open())
    {
        m_log << text;
    }
}

std::string
PolicySim::Path(const std::string& file) const
{
    return m_dir + "/" + file;
}

std::size_t
PolicySim::Bin() const
{
    const auto b = static_cast<std::size_t>(Simulator::Now().GetNanoSeconds() / m_s.bin);
    return std::min(b, m_bins - 1);
}

bool
PolicySim::SetDefaults()
{
    // Linux-like defaults (a scenario's `default` lines come after and may change them):
    // full-size TCP segments, and room for packets waiting for ARP (Linux queues about 100
    // per neighbour, ns-3 three).
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::ArpCache::PendingQueueSize", UintegerValue(100));
    GlobalValue::Bind("ChecksumEnabled", BooleanValue(m_s.checksum));
    RngSeedManager::SetSeed(m_opt.seed ? m_opt.seed : m_s.seed);
    RngSeedManager::SetRun(m_opt.run ? m_opt.run : m_s.run);
    bool ok = true;
    for (const ScenarioAttribute& a : m_s.defaults)
    {
        if (!Config::SetDefaultFailSafe(a.name, StringValue(a.value)))
        {
            ok = Error(a.where,
                       "cannot set the default of " + a.name + " to \"" + a.value +
                           "\" (no such attribute, or a value it does not take)");
        }
    }
    return ok;
}

bool
PolicySim::CreateNodes()
{
    const TypeId tid = Ipv4PolicyRouting::GetTypeId();
    bool ok = true;
    for (const ScenarioNode& n : m_s.nodes)
    {
        Ipv4PolicyRoutingHelper policy;
        std::vector<ScenarioAttribute> attributes;
        if (!m_s.ruleStyle.empty())
        {
            attributes.push_back(ScenarioAttribute{"RuleStyle", m_s.ruleStyle, n.where});
        }
        attributes.insert(attributes.end(), n.attributes.begin(), n.attributes.end());
        for (const ScenarioAttribute& a : attributes)
        {
            TypeId::AttributeInformation info;
            if (!tid.LookupAttributeByName(a.name, &info))
            {
                ok = Error(a.where, "Ipv4PolicyRouting has no attribute \"" + a.name + "\"");
                continue;
            }
            if (!info.checker->CreateValidValue(StringValue(a.value)))
            {
                ok = Error(a.where,
                           "\"" + a.value + "\" is not a value of Ipv4PolicyRouting::" + a.name +
                               " (" + info.checker->GetUnderlyingTypeInformation() + ")");
                continue;
            }
            policy.Set(a.name, StringValue(a.value));
        }
        Ptr<Node> node = CreateObject<Node>();
        Names::Add(n.name, node);
        InternetStackHelper stack;
        stack.SetIpv6StackInstall(false);
        stack.SetRoutingHelper(policy);
        stack.Install(node);
        m_nodeIndex[n.name] = static_cast<uint32_t>(m_nodes.size());
        m_nodes.push_back(node);
        m_nodeStats.emplace_back();
    }
    return ok;
}

void
PolicySim::RegisterDevice(uint32_t node, const std::string& name, Ptr<NetDevice> dev)
{
    if (m_registered.count(PeekPointer(dev)))
    {
        return;
    }
    m_registered.insert(PeekPointer(dev));
    if (Names::FindName(dev).empty())
    {
        Names::Add(m_nodes[node], name, dev);
    }
    m_config.SetDeviceName(m_nodes[node], name, dev);
    DeviceRecord r;
    r.node = m_s.nodes[node].name;
    r.name = name;
    r.dev = dev;
    uint32_t skip = 0;
    if (DynamicCast<PointToPointNetDevice>(dev))
    {
        r.kind = "p2p";
        skip = 2; // PPP header
    }
    else if (DynamicCast<CsmaNetDevice>(dev))
    {
        r.kind = "csma";
        skip = 14; // Ethernet header
    }
    else if (DynamicCast<ShaperNetDevice>(dev))
    {
        r.kind = "shaper"; // hands IPv4 packets to its master
    }
    else
    {
        r.kind = dev->GetInstanceTypeId().GetName();
    }
    r.rate.assign(m_bins, 0);
    const uint32_t index = static_cast<uint32_t>(m_devices.size());
    m_deviceIndex[{node, name}] = index;
    m_devices.push_back(r);
    // transmissions, as they start on the wire (shapers: as they are released)
    dev->TraceConnectWithoutContext("PhyTxBegin",
                                    MakeBoundCallback(&DeviceTxSink, this, index, skip));
    // drops of the device queue or the shaper
    if (Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(dev))
    {
        shaper->TraceConnectWithoutContext("Drop", MakeBoundCallback(&ShaperDropSink, this, index));
    }
    else
    {
        PointerValue queue;
        TypeId::AttributeInformation info;
        if (dev->GetInstanceTypeId().LookupAttributeByName("TxQueue", &info))
        {
            dev->GetAttribute("TxQueue", queue);
            if (Ptr<Queue<Packet>> q = queue.Get<Queue<Packet>>())
            {
                q->TraceConnectWithoutContext("Drop",
                                              MakeBoundCallback(&QueueDropSink, this, index));
            }
        }
    }
    if (m_opt.pcap && !m_dir.empty())
    {
        bool selected = m_s.pcapAll;
        for (const ScenarioDeviceRef& ref : m_s.pcap)
        {
            selected = selected || (ref.node == r.node && ref.device == name);
        }
        if (selected)
        {
            EnablePcap(index);
        }
    }
}

void
PolicySim::EnablePcap(uint32_t index)
{
    const DeviceRecord& r = m_devices[index];
    PcapHelper pcap;
    const std::string file = Path(r.node + "-" + r.name + ".pcap");
    if (r.kind == "p2p")
    {
        Ptr<PcapFileWrapper> f =
            pcap.CreateFile(file, std::ios::out, PcapHelper::DLT_PPP, m_s.snaplen);
        r.dev->TraceConnectWithoutContext("PromiscSniffer", MakeBoundCallback(&PcapSink, f));
    }
    else if (r.kind == "csma")
    {
        Ptr<PcapFileWrapper> f =
            pcap.CreateFile(file, std::ios::out, PcapHelper::DLT_EN10MB, m_s.snaplen);
        r.dev->TraceConnectWithoutContext("Sniffer", MakeBoundCallback(&PcapSink, f));
    }
    else if (r.kind == "shaper")
    {
        Ptr<PcapFileWrapper> f = pcap.CreateFile(file,
                                                 std::ios::out,
                                                 static_cast<PcapHelper::DataLinkType>(113),
                                                 m_s.snaplen);
        r.dev->TraceConnectWithoutContext("CookedSniffer",
                                          MakeBoundCallback(&ShaperHelper::CookedPcapSink, f));
    }
}

bool
PolicySim::CreateLinks()
{
    for (const ScenarioLink& l : m_s.links)
    {
        NodeContainer nodes;
        for (const ScenarioEndpoint& e : l.endpoints)
        {
            nodes.Add(m_nodes[m_nodeIndex.at(e.node)]);
        }
        const std::string queue = std::to_string(l.queue) + "p";
        NetDeviceContainer devices;
        if (l.type == ScenarioLinkType::POINT_TO_POINT)
        {
            PointToPointHelper p2p;
            p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(l.rate)));
            p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(l.delay)));
            p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(queue));
            if (l.mtu)
            {
                p2p.SetDeviceAttribute("Mtu", UintegerValue(l.mtu));
            }
            devices = p2p.Install(nodes.Get(0), nodes.Get(1));
        }
        else
        {
            CsmaHelper csma;
            csma.SetChannelAttribute("DataRate", DataRateValue(DataRate(l.rate)));
            csma.SetChannelAttribute("Delay", TimeValue(NanoSeconds(l.delay)));
            csma.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue(queue));
            if (l.mtu)
            {
                csma.SetDeviceAttribute("Mtu", UintegerValue(l.mtu));
            }
            devices = csma.Install(nodes);
        }
        for (std::size_t k = 0; k < l.endpoints.size(); ++k)
        {
            RegisterDevice(m_nodeIndex.at(l.endpoints[k].node),
                           l.endpoints[k].device,
                           devices.Get(static_cast<uint32_t>(k)));
        }
    }
    return true;
}

bool
PolicySim::AssignAddresses()
{
    for (const ScenarioLink& l : m_s.links)
    {
        for (const ScenarioEndpoint& e : l.endpoints)
        {
            if (!e.hasAddress)
            {
                continue;
            }
            const uint32_t node = m_nodeIndex.at(e.node);
            Ptr<NetDevice> dev = m_devices[m_deviceIndex.at({node, e.device})].dev;
            Ptr<Ipv4> ipv4 = m_nodes[node]->GetObject<Ipv4>();
            int32_t i = ipv4->GetInterfaceForDevice(dev);
            if (i < 0)
            {
                i = static_cast<int32_t>(ipv4->AddInterface(dev));
            }
            const uint32_t mask = e.length ? ~uint32_t(0) << (32 - e.length) : 0;
            ipv4->AddAddress(static_cast<uint32_t>(i),
                             Ipv4InterfaceAddress(Ipv4Address(e.address), Ipv4Mask(mask)));
            ipv4->SetUp(static_cast<uint32_t>(i));
        }
    }
    return true;
}

bool
PolicySim::CreateShapers()
{
    bool ok = true;
    for (const ScenarioShaper& sh : m_s.shapers)
    {
        const uint32_t node = m_nodeIndex.at(sh.node);
        Ptr<NetDevice> master = m_config.FindDevice(m_nodes[node], sh.master);
        if (!master)
        {
            ok = Error(sh.where, "node " + sh.node + " has no device \"" + sh.master + "\"");
            continue;
        }
        if (DynamicCast<ShaperNetDevice>(master))
        {
            ok = Error(sh.where, "a shaper cannot shape another shaper (" + sh.master + ")");
            continue;
        }
        ShaperHelper helper;
        if (!sh.mode.empty())
        {
            helper.SetDeviceAttribute("Mode", StringValue(sh.mode));
        }
        helper.SetDeviceAttribute("Burst", UintegerValue(sh.burst));
        if (sh.queue)
        {
            helper.SetQueueAttribute("MaxSize", StringValue(std::to_string(sh.queue) + "p"));
        }
        Ptr<ShaperNetDevice> shaper = helper.Install(master, DataRate(sh.rate));
        RegisterDevice(node, sh.name, shaper);
    }
    return ok;
}

void
PolicySim::RegisterNewDevices(uint32_t node, const ParsedConfig& parsed)
{
    for (const ConfigCommand& c : parsed.commands)
    {
        if (const ShaperAttachCommand* a = c.As<ShaperAttachCommand>())
        {
            Ptr<NetDevice> dev = m_config.FindDevice(m_nodes[node], a->shaper.name);
            if (dev)
            {
                RegisterDevice(node, a->shaper.name, dev);
            }
        }
    }
    // anything else a configuration may have created
    Ptr<Node> n = m_nodes[node];
    for (uint32_t k = 0; k < n->GetNDevices(); ++k)
    {
        Ptr<NetDevice> dev = n->GetDevice(k);
        if (!DynamicCast<LoopbackNetDevice>(dev) && !m_registered.count(PeekPointer(dev)))
        {
            RegisterDevice(node, "dev" + std::to_string(k), dev);
        }
    }
}

bool
PolicySim::ApplyConfig(std::size_t index)
{
    const ScenarioConfig& c = m_s.configs[index];
    const uint32_t node = m_nodeIndex.at(c.node);
    const PolicyConfigResult r = m_config.Apply(m_nodes[node], c.parsed);
    std::ostringstream head;
    head << "[" << Secs(Simulator::Now().GetNanoSeconds()) << " s] " << c.node << ": ";
    if (!r.Ok())
    {
        std::cerr << r.ErrorText();
        if (Simulator::Now().IsStrictlyPositive())
        {
            std::cerr << "policy-sim: the configuration of " << c.node << " at "
                      << Secs(Simulator::Now().GetNanoSeconds()) << " s (" << c.where.ToString()
                      << ") failed; stopping the run\n";
        }
        m_failed = true;
        return false;
    }
    std::ostringstream out;
    out << head.str() << "configuration " << c.where.ToString()
        << (c.source != m_s.file ? " (" + c.source + ")" : "") << ": " << r.commands
        << (r.commands == 1 ? " command\n" : " commands\n");
    for (const ConfigNote& n : r.notes)
    {
        out << "  note: " << n.ToString() << "\n";
    }
    std::istringstream lines(r.output);
    std::string line;
    while (std::getline(lines, line))
    {
        out << "  " << line << "\n";
    }
    Log(out.str());
    RegisterNewDevices(node, c.parsed);
    return true;
}

void
PolicySim::ApplyScheduled(std::size_t index)
{
    if (!ApplyConfig(index))
    {
        Simulator::Stop();
    }
}

bool
PolicySim::CreateTraffic()
{
    bool ok = true;
    m_flows.resize(m_s.flows.size());
    for (std::size_t k = 0; k < m_s.flows.size(); ++k)
    {
        const ScenarioFlow& f = m_s.flows[k];
        const uint32_t flow = static_cast<uint32_t>(k);
        FlowStats& st = m_flows[k];
        st.nodeFrom = m_nodeIndex.at(f.from);
        st.stop = f.stop ? *f.stop : m_s.duration;
        st.binBytes.assign(m_bins, 0);
        Ptr<Node> from = m_nodes[st.nodeFrom];
        if (f.source && from->GetObject<Ipv4>()->GetInterfaceForAddress(Ipv4Address(*f.source)) < 0)
        {
            ok = Error(f.sourceWhere,
                       "node " + f.from + " has no address " + AddressText(*f.source) +
                           " after its configuration");
            continue;
        }
        const Time start = NanoSeconds(f.start);
        const Time stop = NanoSeconds(f.stop ? *f.stop : m_s.duration);
        if (f.kind != ScenarioFlowKind::PING)
        {
            m_byPort[{f.kind == ScenarioFlowKind::UDP ? PROTO_UDP : PROTO_TCP, f.port}] = flow;
            // the receiver: the sink node, else the node with the destination address
            Ptr<Node> sink;
            if (!f.sink.empty())
            {
                sink = m_nodes[m_nodeIndex.at(f.sink)];
            }
            else
            {
                for (Ptr<Node> n : m_nodes)
                {
                    if (n->GetObject<Ipv4>()->GetInterfaceForAddress(Ipv4Address(f.destination)) >=
                        0)
                    {
                        sink = n;
                        break;
                    }
                }
            }
            if (!sink)
            {
                ok = Error(f.toWhere,
                           "no node has the address " + AddressText(f.destination) +
                               " after the configurations (give the receiver with sink NODE)");
                continue;
            }
            Ptr<Application> receiver;
            if (f.kind == ScenarioFlowKind::UDP)
            {
                Ptr<SimUdpSink> s = CreateObject<SimUdpSink>();
                s->Setup(this, flow, f.port);
                receiver = s;
            }
            else
            {
                Ptr<SimTcpSink> s = CreateObject<SimTcpSink>();
                s->Setup(this, flow, f.port, f.tos);
                receiver = s;
            }
            sink->AddApplication(receiver);
            receiver->SetStartTime(Seconds(0));
        }
        Ptr<Application> sender;
        if (f.kind == ScenarioFlowKind::PING)
        {
            Ptr<SimPing> a = CreateObject<SimPing>();
            a->Setup(this, flow, f);
            sender = a;
        }
        else if (f.kind == ScenarioFlowKind::UDP)
        {
            Ptr<SimUdpSource> a = CreateObject<SimUdpSource>();
            a->Setup(this, flow, f);
            sender = a;
        }
        else
        {
            Ptr<SimTcpBulk> a = CreateObject<SimTcpBulk>();
            a->Setup(this, flow, f);
            sender = a;
        }
        from->AddApplication(sender);
        sender->SetStartTime(start);
        sender->SetStopTime(stop);
    }
    return ok;
}

bool
PolicySim::OpenOutput()
{
    m_dir = m_opt.out;
    if (m_dir.empty())
    {
        m_dir = m_s.output.empty() ? "results/" + m_s.name : m_s.output;
    }
    std::error_code ec;
    std::filesystem::create_directories(m_dir, ec);
    if (ec || !std::filesystem::is_directory(m_dir))
    {
        std::cerr << "policy-sim: cannot create the output directory " << m_dir << ": "
                  << ec.message() << "\n";
        return false;
    }
    // Outputs of an earlier run that this one would not overwrite must not linger; only in
    // a directory an earlier run wrote (its run.csv says so), never among other files.
    std::ifstream earlier(Path("run.csv"));
    std::string first;
    std::string second;
    std::getline(earlier, first);
    std::getline(earlier, second);
    if (first != "key,value" || second.rfind("scenario,", 0) != 0)
    {
        m_log.open(Path("log.txt"));
        return true;
    }
    for (const auto& entry : std::filesystem::directory_iterator(m_dir))
    {
        const std::string name = entry.path().filename().string();
        const std::string ext = entry.path().extension().string();
        if (ext == ".pcap" || ext == ".csv" || ext == ".png" || name == "log.txt" ||
            name == "summary.txt" || name.rfind("routes-", 0) == 0)
        {
            std::filesystem::remove(entry.path(), ec);
        }
    }
    m_log.open(Path("log.txt"));
    return true;
}

void
PolicySim::ConnectTraces()
{
    for (uint32_t k = 0; k < m_nodes.size(); ++k)
    {
        Ptr<Ipv4L3Protocol> ip = m_nodes[k]->GetObject<Ipv4L3Protocol>();
        ip->TraceConnectWithoutContext("Tx", MakeBoundCallback(&TxSink, this, k));
        ip->TraceConnectWithoutContext("LocalDeliver", MakeBoundCallback(&DeliverSink, this, k));
        ip->TraceConnectWithoutContext("SendOutgoing", MakeBoundCallback(&OutgoingSink, this, k));
        ip->TraceConnectWithoutContext("Drop", MakeBoundCallback(&Ipv4DropSink, this, k));
        Ptr<Ipv4PolicyRouting> pr = Ipv4PolicyRoutingHelper::GetPolicyRouting(m_nodes[k]);
        pr->TraceConnectWithoutContext("Drop", MakeBoundCallback(&PolicyDropSink, this, k));
        // no queue discs: a packet for a device whose queue is full is dropped here
        if (Ptr<TrafficControlLayer> tc = m_nodes[k]->GetObject<TrafficControlLayer>())
        {
            tc->TraceConnectWithoutContext("TcDrop", MakeBoundCallback(&TcDropSink, this, k));
        }
        if (Ptr<ArpL3Protocol> arp = m_nodes[k]->GetObject<ArpL3Protocol>())
        {
            arp->TraceConnectWithoutContext("Drop", MakeBoundCallback(&ArpDropSink, this, k));
        }
    }
    for (const std::string& n : m_s.pathNodes)
    {
        m_pathNodes.insert(m_nodeIndex.at(n));
    }
    if (m_s.pathNodes.empty())
    {
        for (uint32_t k = 0; k < m_nodes.size(); ++k)
        {
            m_pathNodes.insert(k);
        }
    }
}

void
PolicySim::ScheduleDumps()
{
    for (std::size_t d = 0; d < m_s.dumps.size(); ++d)
    {
        for (std::size_t t = 0; t < m_s.dumps[d].times.size(); ++t)
        {
            Simulator::Schedule(NanoSeconds(m_s.dumps[d].times[t]), &PolicySim::Dump, this, d, t);
        }
    }
}

void
PolicySim::Dump(std::size_t d, std::size_t t)
{
    const ScenarioDump& dump = m_s.dumps[d];
    for (const std::string& name : dump.nodes)
    {
        Ptr<Ipv4PolicyRouting> pr =
            Ipv4PolicyRoutingHelper::GetPolicyRouting(m_nodes[m_nodeIndex.at(name)]);
        std::ofstream out(Path("routes-" + name + ".txt"), std::ios::app);
        out << "=== " << name << " at " << Secs(dump.times[t]) << " s (" << dump.where.ToString()
            << ")\n";
        Ipv4PolicyRouting::ListingStyle style = Ipv4PolicyRouting::LISTING_BOTH;
        if (dump.style == "Seed")
        {
            style = Ipv4PolicyRouting::LISTING_SEED;
        }
        else if (dump.style == "Modern")
        {
            style = Ipv4PolicyRouting::LISTING_MODERN;
        }
        pr->Print(out, style);
        out << "\n";
    }
}

void
PolicySim::SampleRates()
{
    const std::size_t bin = Bin();
    for (DeviceRecord& r : m_devices)
    {
        uint64_t rate = 0;
        if (Ptr<ShaperNetDevice> s = DynamicCast<ShaperNetDevice>(r.dev))
        {
            rate = s->GetDataRate().GetBitRate();
        }
        else if (Ptr<PointToPointNetDevice> p = DynamicCast<PointToPointNetDevice>(r.dev))
        {
            DataRateValue v;
            p->GetAttribute("DataRate", v);
            rate = v.Get().GetBitRate();
        }
        else if (Ptr<CsmaNetDevice> c = DynamicCast<CsmaNetDevice>(r.dev))
        {
            DataRateValue v;
            c->GetChannel()->GetAttribute("DataRate", v);
            rate = v.Get().GetBitRate();
        }
        if (r.rate.size() < m_bins)
        {
            r.rate.resize(m_bins, 0);
        }
        r.rate[bin] = rate;
    }
    const int64_t next = (int64_t(bin) + 2) * m_s.bin - 1;
    if (bin + 1 < m_bins && next <= m_s.duration)
    {
        Simulator::Schedule(NanoSeconds(next) - Simulator::Now(), &PolicySim::SampleRates, this);
    }
}

void
PolicySim::Progress()
{
    const int64_t now = Simulator::Now().GetNanoSeconds();
    const auto wall = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(wall - m_wallStart).count();
    const double sinceLast = std::chrono::duration<double>(wall - m_lastPrint).count();
    const bool print =
        m_opt.progress == "on" || (m_opt.progress == "auto" && elapsed >= 1.0 && sinceLast >= 0.5);
    if (print)
    {
        std::ostringstream os;
        os << "policy-sim: " << m_s.name << " " << Fixed(now / 1e9, 1) << "/"
           << Fixed(m_s.duration / 1e9, 1) << " s simulated ("
           << Fixed(100.0 * double(now) / double(m_s.duration), 0) << "%), " << Fixed(elapsed, 1)
           << " s wall";
        std::cerr << (m_tty ? "\r" : "") << os.str() << (m_tty ? "\033[K" : "\n") << std::flush;
        m_progressPrinted = true;
        m_lastPrint = wall;
    }
    const int64_t interval = m_s.progress ? m_s.progress : std::max<int64_t>(1, m_s.duration / 20);
    if (now + interval <= m_s.duration)
    {
        Simulator::Schedule(NanoSeconds(interval), &PolicySim::Progress, this);
    }
}

// ----- measuring -----

std::pair<int, Dir>
PolicySim::Classify(const IpInfo& ip) const
{
    if (!ip.ok || !ip.firstFragment)
    {
        return {-1, Dir::NONE};
    }
    const std::vector<uint8_t>& l4 = ip.l4;
    if ((ip.proto == PROTO_UDP || ip.proto == PROTO_TCP) && l4.size() >= 4)
    {
        const uint16_t sport = Get16(l4.data());
        const uint16_t dport = Get16(l4.data() + 2);
        auto f = m_byPort.find({ip.proto, dport});
        if (f != m_byPort.end())
        {
            return {static_cast<int>(f->second), Dir::FWD};
        }
        f = m_byPort.find({ip.proto, sport});
        if (f != m_byPort.end())
        {
            return {static_cast<int>(f->second), Dir::REV};
        }
        return {-1, Dir::NONE};
    }
    if (ip.proto == PROTO_ICMP && l4.size() >= 8)
    {
        const uint8_t type = l4[0];
        if ((type == 8 || type == 0) && l4.size() >= 14 &&
            std::memcmp(l4.data() + 8, PING_MARK, 4) == 0)
        {
            const uint32_t flow = Get16(l4.data() + 12);
            if (flow < m_s.flows.size() && m_s.flows[flow].kind == ScenarioFlowKind::PING)
            {
                return {static_cast<int>(flow), type == 8 ? Dir::FWD : Dir::REV};
            }
        }
        if (IsIcmpError(type) && l4.size() >= 8 + 20)
        {
            IpInfo quoted = ParseIp(l4.data() + 8, l4.size() - 8);
            if (quoted.ok && quoted.proto == PROTO_ICMP && quoted.l4.size() >= 6)
            {
                // an echo request: the quoted 8 bytes hold the identifier, not the data
                const uint16_t ident = Get16(quoted.l4.data() + 4);
                const uint32_t flow = ident - 0x5000u;
                if (ident >= 0x5000 && flow < m_s.flows.size() &&
                    m_s.flows[flow].kind == ScenarioFlowKind::PING)
                {
                    return {static_cast<int>(flow), Dir::ERR};
                }
                return {-1, Dir::NONE};
            }
            const auto q = Classify(quoted);
            if (q.first >= 0)
            {
                return {q.first, Dir::ERR};
            }
        }
    }
    return {-1, Dir::NONE};
}

int
PolicySim::Dropped(const IpInfo& ip)
{
    const auto [flow, dir] = Classify(ip);
    if (flow >= 0 && dir == Dir::FWD)
    {
        m_flows[flow].dropped++;
    }
    return flow;
}

void
PolicySim::Count(std::map<std::string, uint64_t>& m, const std::string& key)
{
    m[key]++;
}

void
PolicySim::Event(uint32_t node,
                 const std::string& event,
                 const std::string& detail,
                 const IpInfo& ip,
                 int flow)
{
    if (!m_s.WritesCsv("events"))
    {
        return;
    }
    std::ostringstream os;
    os << Secs(Simulator::Now().GetNanoSeconds()) << "," << m_s.nodes[node].name << "," << event
       << "," << detail << "," << (flow >= 0 ? m_s.flows[flow].name : "") << ","
       << (ip.ok ? AddressText(ip.src) : "") << "," << (ip.ok ? AddressText(ip.dst) : "") << ","
       << (ip.ok ? Hex2(ip.tos) : "");
    m_events.push_back(os.str());
}

void
PolicySim::OnTx(uint32_t node, Ptr<const Packet> p, Ptr<Ipv4> ipv4, uint32_t interface)
{
    const IpInfo ip = ParseIp(p, 0);
    const auto [flow, dir] = Classify(ip);
    if (flow < 0 || dir == Dir::ERR)
    {
        return;
    }
    FlowStats& st = m_flows[flow];
    if (dir == Dir::FWD && node == st.nodeFrom)
    {
        st.ipSent++;
        st.sendTime[ip.id] = Simulator::Now().GetNanoSeconds();
    }
    if (m_pathNodes.count(node))
    {
        Ptr<NetDevice> dev = ipv4->GetNetDevice(interface);
        std::string name = Names::FindName(dev);
        if (name.empty())
        {
            name = "if" + std::to_string(interface);
        }
        auto& c = m_paths[{static_cast<uint32_t>(flow),
                           m_s.nodes[node].name + ":" + name,
                           dir == Dir::REV}];
        c.first++;
        c.second += ip.totalLength;
    }
}

void
PolicySim::OnDeliver(uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t iif)
{
    const IpInfo ip = ParseIp(h, p);
    const auto [flow, dir] = Classify(ip);
    if (flow < 0)
    {
        return;
    }
    FlowStats& st = m_flows[flow];
    if (dir == Dir::FWD)
    {
        st.ipDelivered++;
        const auto sent = st.sendTime.find(ip.id);
        if (sent != st.sendTime.end())
        {
            const double d = double(Simulator::Now().GetNanoSeconds() - sent->second) / 1e9;
            st.delaySum += d;
            st.delayMax = std::max(st.delayMax, d);
            st.delayCount++;
            st.sendTime.erase(sent);
        }
        if (m_s.flows[flow].kind == ScenarioFlowKind::PING)
        {
            // a ping's "throughput": its echo data reaching the destination
            const uint64_t data = ip.l4.size() >= 8 ? p->GetSize() - 8 : 0;
            st.bytes += data;
            st.binBytes[Bin()] += data;
            if (Simulator::Now().GetNanoSeconds() <= st.stop)
            {
                st.bytesRunning += data;
            }
        }
    }
    else if (dir == Dir::ERR && node == st.nodeFrom)
    {
        Count(st.icmp, std::to_string(ip.l4[0]) + "/" + std::to_string(ip.l4[1]));
    }
}

void
PolicySim::OnOutgoing(uint32_t node, const Ipv4Header& h, Ptr<const Packet> p, uint32_t)
{
    if (h.GetProtocol() != PROTO_ICMP || p->GetSize() < 8)
    {
        return;
    }
    const IpInfo ip = ParseIp(h, p);
    if (!IsIcmpError(ip.l4[0]))
    {
        return;
    }
    const std::string code = std::to_string(ip.l4[0]) + "/" + std::to_string(ip.l4[1]);
    Count(m_nodeStats[node].icmpSent, code);
    Event(node, "icmp-error", code, ip, Classify(ip).first);
}

void
PolicySim::OnIpv4Drop(uint32_t node,
                      const Ipv4Header& h,
                      Ptr<const Packet> p,
                      Ipv4L3Protocol::DropReason reason,
                      Ptr<Ipv4>,
                      uint32_t)
{
    static const std::map<int, std::string> names = {
        {Ipv4L3Protocol::DROP_TTL_EXPIRED, "ttl-expired"},
        {Ipv4L3Protocol::DROP_NO_ROUTE, "no-route"},
        {Ipv4L3Protocol::DROP_BAD_CHECKSUM, "bad-checksum"},
        {Ipv4L3Protocol::DROP_INTERFACE_DOWN, "interface-down"},
        {Ipv4L3Protocol::DROP_ROUTE_ERROR, "route-error"},
        {Ipv4L3Protocol::DROP_FRAGMENT_TIMEOUT, "fragment-timeout"},
        {Ipv4L3Protocol::DROP_DUPLICATE, "duplicate"}};
    const auto n = names.find(reason);
    const std::string why = n == names.end() ? "reason-" + std::to_string(reason) : n->second;
    Count(m_nodeStats[node].ipv4Drops, why);
    const IpInfo ip = ParseIp(h, p);
    Event(node, "ipv4-drop", why, ip, Dropped(ip));
}

void
PolicySim::OnPolicyDrop(uint32_t node,
                        Ptr<const Packet> p,
                        const Ipv4Header& h,
                        RouteError reason,
                        uint32_t)
{
    const std::string why = RouteErrorName(reason);
    Count(m_nodeStats[node].policyDrops, why);
    const IpInfo ip = p ? ParseIp(h, p) : IpInfo();
    Event(node, "policy-drop", why, ip, Dropped(ip));
}

void
PolicySim::OnTcDrop(uint32_t node, Ptr<const Packet> p)
{
    Count(m_nodeStats[node].queueDrops, "device-queue-full");
    const IpInfo ip = ParseIp(p, 0);
    Event(node, "queue-drop", "device-queue-full", ip, Dropped(ip));
}

void
PolicySim::OnArpDrop(uint32_t node, Ptr<const Packet> p)
{
    Count(m_nodeStats[node].ipv4Drops, "arp-pending-queue-full");
    Event(node, "arp-drop", "arp-pending-queue-full", IpInfo(), -1);
}

void
PolicySim::OnDeviceTx(uint32_t device, uint32_t skip, Ptr<const Packet> p)
{
    DeviceRecord& r = m_devices[device];
    const IpInfo ip = ParseIp(p, skip);
    if (!ip.ok)
    {
        return; // ARP
    }
    auto& bins = r.bins[ip.tos];
    if (bins.empty())
    {
        bins.assign(m_bins, {0, 0});
    }
    auto& b = bins[Bin()];
    b.first++;
    b.second += ip.totalLength;
}

void
PolicySim::OnQueueDrop(uint32_t device, Ptr<const Packet> p)
{
    const DeviceRecord& r = m_devices[device];
    const uint32_t node = m_nodeIndex.at(r.node);
    Count(m_nodeStats[node].queueDrops, r.name);
    const IpInfo ip = ParseIp(p, r.kind == "p2p" ? 2 : (r.kind == "csma" ? 14 : 0));
    Event(node, "queue-drop", r.name, ip, Dropped(ip));
}

void
PolicySim::OnShaperDrop(uint32_t device, Ptr<const Packet> p, ShaperNetDevice::DropReason reason)
{
    static const char* const names[] = {"queue-full",
                                        "oversize",
                                        "linux-latency",
                                        "linux-overflow",
                                        "link-down",
                                        "detached",
                                        "master-refused",
                                        "queue-replaced"};
    const DeviceRecord& r = m_devices[device];
    const uint32_t node = m_nodeIndex.at(r.node);
    Count(m_nodeStats[node].queueDrops, r.name);
    const IpInfo ip = ParseIp(p, 0);
    const std::string why =
        reason < ShaperNetDevice::DROP_REASON_COUNT ? names[reason] : std::string("?");
    Event(node, "queue-drop", r.name + " " + why, ip, Dropped(ip));
}

void
PolicySim::PingReply(uint32_t flow, uint16_t seq, Time rtt)
{
    FlowStats& st = m_flows[flow];
    st.replies++;
    st.rttSum += rtt.GetSeconds();
    if (m_s.WritesCsv("rtt"))
    {
        m_rtt.push_back(Secs(Simulator::Now().GetNanoSeconds()) + "," + m_s.flows[flow].name + "," +
                        std::to_string(seq) + "," + Fixed(rtt.GetSeconds() * 1e3, 3));
    }
}

void
PolicySim::Delivered(uint32_t flow, uint32_t bytes, bool datagram)
{
    FlowStats& st = m_flows[flow];
    st.bytes += bytes;
    st.binBytes[Bin()] += bytes;
    if (Simulator::Now().GetNanoSeconds() <= st.stop)
    {
        st.bytesRunning += bytes;
    }
    if (datagram)
    {
        st.appReceived++;
    }
}

// ----- writing -----

void
PolicySim::WriteCsvs()
{
    const double binSeconds = double(m_s.bin) / 1e9;
    {
        std::ofstream out(Path("run.csv"));
        out << "key,value\n"
            << "scenario," << m_s.name << "\n"
            << "file," << m_s.file << "\n"
            << "duration_s," << Secs(m_s.duration) << "\n"
            << "seed," << (m_opt.seed ? m_opt.seed : m_s.seed) << "\n"
            << "run," << (m_opt.run ? m_opt.run : m_s.run) << "\n"
            << "bin_s," << Secs(m_s.bin) << "\n"
            << "ns3_version," << Ns3Version() << "\n";
        for (const std::string& n : m_s.pathNodes)
        {
            out << "path_node," << n << "\n";
        }
        // shapers and the devices they shape (for the plots)
        for (const DeviceRecord& r : m_devices)
        {
            Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(r.dev);
            if (shaper && shaper->GetMaster())
            {
                std::string master = Names::FindName(shaper->GetMaster());
                out << "shaper," << r.node << ":" << r.name << ":" << master << "\n";
            }
        }
    }
    if (m_s.WritesCsv("flows"))
    {
        std::ofstream out(Path("flows.csv"));
        out << "flow,kind,from,to,port,tos,start_s,stop_s,sent,received,lost,loss_pct,dropped,"
               "bytes,"
               "throughput_bps,mean_delay_ms,max_delay_ms,replies,mean_rtt_ms,icmp_errors\n";
        for (std::size_t k = 0; k < m_s.flows.size(); ++k)
        {
            const ScenarioFlow& f = m_s.flows[k];
            const FlowStats& st = m_flows[k];
            const int64_t stop = f.stop ? *f.stop : m_s.duration;
            const uint64_t sent = f.kind == ScenarioFlowKind::TCP ? st.ipSent : st.appSent;
            const uint64_t received =
                f.kind == ScenarioFlowKind::UDP ? st.appReceived : st.ipDelivered;
            const uint64_t lost = sent > received ? sent - received : 0;
            std::string icmp;
            for (const auto& [code, n] : st.icmp)
            {
                icmp += (icmp.empty() ? "" : " ") + code + ":" + std::to_string(n);
            }
            out << f.name << "," << ScenarioFlowKindName(f.kind) << "," << f.from << ","
                << AddressText(f.destination) << ","
                << (f.kind == ScenarioFlowKind::PING ? "" : std::to_string(f.port)) << ","
                << Hex2(f.tos) << "," << Secs(f.start) << "," << Secs(stop) << "," << sent << ","
                << received << "," << lost << ","
                << Fixed(sent ? 100.0 * double(lost) / double(sent) : 0.0, 2) << "," << st.dropped
                << "," << st.bytes << ","
                << uint64_t(double(st.bytesRunning) * 8e9 / double(stop - f.start)) << ","
                << (st.delayCount ? Fixed(st.delaySum / double(st.delayCount) * 1e3, 3) : "") << ","
                << (st.delayCount ? Fixed(st.delayMax * 1e3, 3) : "") << ","
                << (f.kind == ScenarioFlowKind::PING ? std::to_string(st.replies) : "") << ","
                << (st.replies ? Fixed(st.rttSum / double(st.replies) * 1e3, 3) : "") << "," << icmp
                << "\n";
        }
    }
    if (m_s.WritesCsv("throughput"))
    {
        std::ofstream out(Path("throughput.csv"));
        out << "time_s,flow,kind,tos,bytes,throughput_bps\n";
        for (std::size_t b = 0; b < m_bins; ++b)
        {
            for (std::size_t k = 0; k < m_s.flows.size(); ++k)
            {
                const uint64_t bytes = m_flows[k].binBytes[b];
                out << Secs(int64_t(b) * m_s.bin) << "," << m_s.flows[k].name << ","
                    << ScenarioFlowKindName(m_s.flows[k].kind) << "," << Hex2(m_s.flows[k].tos)
                    << "," << bytes << "," << uint64_t(double(bytes) * 8 / binSeconds) << "\n";
            }
        }
    }
    if (m_s.WritesCsv("devices"))
    {
        std::ofstream out(Path("devices.csv"));
        out << "time_s,node,device,kind,tos,packets,bytes,throughput_bps,rate_bps\n";
        for (std::size_t b = 0; b < m_bins; ++b)
        {
            for (const DeviceRecord& r : m_devices)
            {
                for (const auto& [tos, bins] : r.bins)
                {
                    out << Secs(int64_t(b) * m_s.bin) << "," << r.node << "," << r.name << ","
                        << r.kind << "," << Hex2(tos) << "," << bins[b].first << ","
                        << bins[b].second << ","
                        << uint64_t(double(bins[b].second) * 8 / binSeconds) << ","
                        << (b < r.rate.size() ? r.rate[b] : 0) << "\n";
                }
            }
        }
    }
    if (m_s.WritesCsv("paths"))
    {
        std::ofstream out(Path("paths.csv"));
        out << "flow,kind,tos,direction,node,device,packets,bytes\n";
        for (const auto& [key, c] : m_paths)
        {
            const auto& [flow, where, rev] = key;
            const ScenarioFlow& f = m_s.flows[flow];
            const std::size_t colon = where.find(':');
            out << f.name << "," << ScenarioFlowKindName(f.kind) << "," << Hex2(f.tos) << ","
                << (rev ? "reverse" : "forward") << "," << where.substr(0, colon) << ","
                << where.substr(colon + 1) << "," << c.first << "," << c.second << "\n";
        }
    }
    if (m_s.WritesCsv("events"))
    {
        std::ofstream out(Path("events.csv"));
        out << "time_s,node,event,detail,flow,src,dst,tos\n";
        for (const std::string& line : m_events)
        {
            out << line << "\n";
        }
    }
    if (m_s.WritesCsv("rtt"))
    {
        std::ofstream out(Path("rtt.csv"));
        out << "time_s,flow,seq,rtt_ms\n";
        for (const std::string& line : m_rtt)
        {
            out << line << "\n";
        }
    }
}

void
PolicySim::WriteSummary()
{
    std::ostringstream os;
    os << "=== " << m_s.name << ": " << Secs(m_s.duration) << " s simulated, seed "
       << (m_opt.seed ? m_opt.seed : m_s.seed) << " run " << (m_opt.run ? m_opt.run : m_s.run)
       << "\n\nflows\n";
    Table flows({"flow",
                 "kind",
                 "from",
                 "to",
                 "tos",
                 "sent",
                 "recv",
                 "lost",
                 "loss",
                 "drops",
                 "throughput",
                 "delay ms",
                 "rtt ms",
                 "icmp errors"});
    for (std::size_t k = 0; k < m_s.flows.size(); ++k)
    {
        const ScenarioFlow& f = m_s.flows[k];
        const FlowStats& st = m_flows[k];
        const int64_t stop = f.stop ? *f.stop : m_s.duration;
        const uint64_t sent = f.kind == ScenarioFlowKind::TCP ? st.ipSent : st.appSent;
        const uint64_t received = f.kind == ScenarioFlowKind::UDP ? st.appReceived : st.ipDelivered;
        const uint64_t lost = sent > received ? sent - received : 0;
        std::string icmp;
        for (const auto& [code, n] : st.icmp)
        {
            icmp += (icmp.empty() ? "" : ", ") + std::to_string(n) + "x " + code;
        }
        std::string to = AddressText(f.destination);
        if (f.kind != ScenarioFlowKind::PING)
        {
            to += ":" + std::to_string(f.port);
        }
        flows.Add({f.name,
                   ScenarioFlowKindName(f.kind),
                   f.from,
                   to,
                   Hex2(f.tos),
                   std::to_string(sent),
                   std::to_string(received),
                   std::to_string(lost),
                   Fixed(sent ? 100.0 * double(lost) / double(sent) : 0.0, 1) + "%",
                   std::to_string(st.dropped),
                   RateText(double(st.bytesRunning) * 8e9 / double(stop - f.start)),
                   st.delayCount ? Fixed(st.delaySum / double(st.delayCount) * 1e3, 1) : "-",
                   st.replies ? Fixed(st.rttSum / double(st.replies) * 1e3, 1) : "-",
                   icmp.empty() ? "-" : icmp});
    }
    flows.Print(os);
    os << "(sent, recv: packets - datagrams, echo requests, TCP segments with retransmissions;\n"
          " lost: not delivered by the end, dropped or still on the way; drops: seen dropped;\n"
          " throughput: payload delivered from start to stop; delay: one-way, IPv4)\n";
    os << "\nnodes\n";
    Table nodes({"node", "routing drops", "icmp errors sent", "ipv4 drops", "queue drops"});
    auto join = [](const std::map<std::string, uint64_t>& m) {
        std::string s;
        for (const auto& [k, n] : m)
        {
            s += (s.empty() ? "" : ", ") + std::to_string(n) + "x " + k;
        }
        return s.empty() ? std::string("-") : s;
    };
    for (std::size_t k = 0; k < m_nodes.size(); ++k)
    {
        const NodeStats& n = m_nodeStats[k];
        nodes.Add({m_s.nodes[k].name,
                   join(n.policyDrops),
                   join(n.icmpSent),
                   join(n.ipv4Drops),
                   join(n.queueDrops)});
    }
    nodes.Print(os);
    std::ofstream out(Path("summary.txt"));
    out << os.str();
    std::cout << "\n" << os.str();
}

int
PolicySim::Main()
{
    m_bins = static_cast<std::size_t>((m_s.duration + m_s.bin - 1) / m_s.bin);
    m_bins = std::max<std::size_t>(m_bins, 1);
    m_config.SetAbortOnError(false);
    m_config.SetOutputStream(nullptr);
    for (const auto& [id, name] : m_s.tables)
    {
        m_config.DefineTable(name, id);
    }
    if (!m_opt.check && !OpenOutput())
    {
        return 2;
    }
    if (!SetDefaults() || !CreateNodes() || !CreateLinks() || !AssignAddresses() ||
        !CreateShapers())
    {
        return 1;
    }
    // the configurations without a time, in file order
    for (std::size_t k = 0; k < m_s.configs.size(); ++k)
    {
        if (!m_s.configs[k].at && !ApplyConfig(k))
        {
            return 1;
        }
    }
    // devices the pcap selection names exist now (or will be made by a later configuration)
    std::map<std::string, std::set<std::string>> later;
    for (const ScenarioConfig& c : m_s.configs)
    {
        for (const ConfigCommand& cmd : c.parsed.commands)
        {
            if (const ShaperAttachCommand* a = cmd.As<ShaperAttachCommand>())
            {
                later[c.node].insert(a->shaper.name);
            }
        }
    }
    for (const ScenarioDeviceRef& ref : m_s.pcap)
    {
        if (!m_deviceIndex.count({m_nodeIndex.at(ref.node), ref.device}) &&
            !later[ref.node].count(ref.device))
        {
            Error(ref.where, "node " + ref.node + " has no device \"" + ref.device + "\"");
        }
    }
    if (m_failed || !CreateTraffic())
    {
        return 1;
    }
    if (m_opt.check)
    {
        std::cout << m_s.file << ": the scenario builds and every configuration applies ("
                  << m_nodes.size() << " nodes, " << m_devices.size() << " devices, "
                  << m_s.configs.size() << " configurations, " << m_s.flows.size() << " flows)\n";
        return 0;
    }
    for (std::size_t k = 0; k < m_s.configs.size(); ++k)
    {
        if (m_s.configs[k].at)
        {
            Simulator::Schedule(NanoSeconds(*m_s.configs[k].at),
                                &PolicySim::ApplyScheduled,
                                this,
                                k);
        }
    }
    ConnectTraces();
    ScheduleDumps();
    Simulator::Schedule(NanoSeconds(m_s.bin - 1), &PolicySim::SampleRates, this);
    Simulator::ScheduleNow(&PolicySim::Progress, this);
    m_tty = isatty(STDERR_FILENO) != 0;
    m_wallStart = std::chrono::steady_clock::now();
    m_lastPrint = m_wallStart;
    Log("[0 s] running " + m_s.name + " for " + Secs(m_s.duration) + " s\n");
    Simulator::Stop(NanoSeconds(m_s.duration));
    Simulator::Run();
    if (m_progressPrinted && m_tty)
    {
        std::cerr << "\n";
    }
    if (m_failed)
    {
        Simulator::Destroy();
        return 1;
    }
    WriteCsvs();
    WriteSummary();
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
    m_log.close();
    Simulator::Destroy();
    std::cout << "\noutputs in " << m_dir << "/ (" << Fixed(wall, 1) << " s wall)\n";
    return 0;
}

} // namespace

int
main(int argc, char* argv[])
{
    Options opt;
    std::string scenarioFile;
    CommandLine cmd(__FILE__);
    cmd.Usage("Runs a policy routing scenario (doc/scenario-format.md) and writes pcaps, CSVs, "
              "routing-table dumps and a summary.");
    cmd.AddValue("scenario", "the scenario file", opt.scenario);
    cmd.AddNonOption("file", "the scenario file (instead of --scenario)", scenarioFile);
    cmd.AddValue("out",
                 "output directory (default: the scenario's output, or results/NAME)",
                 opt.out);
    cmd.AddValue("seed", "RNG seed (0: the scenario's)", opt.seed);
    cmd.AddValue("run", "RNG run number (0: the scenario's)", opt.run);
    cmd.AddValue("check", "build the network and apply the configurations, do not run", opt.check);
    cmd.AddValue("progress", "progress line on stderr: auto (long runs), on, off", opt.progress);
    cmd.AddValue("quiet", "do not copy the log to stdout", opt.quiet);
    cmd.AddValue("pcap", "write the pcaps the scenario asks for", opt.pcap);
    cmd.Parse(argc, argv);
    if (opt.scenario.empty())
    {
        opt.scenario = scenarioFile;
    }
    if (opt.scenario.empty())
    {
        std::cerr << "policy-sim: give a scenario file (policy-sim FILE or --scenario=FILE)\n";
        return 2;
    }
    if (opt.progress != "auto" && opt.progress != "on" && opt.progress != "off")
    {
        std::cerr << "policy-sim: --progress takes auto, on or off\n";
        return 2;
    }
    const ParsedScenario parsed = ScenarioParser().ParseFile(opt.scenario);
    if (!parsed.Ok())
    {
        std::cerr << parsed.ErrorText();
        return 1;
    }
    PolicySim sim(parsed.scenario, opt);
    return sim.Main();
}
