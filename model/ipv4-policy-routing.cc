/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ipv4-policy-routing.h"

#include "policy-routing-compat.h"

#include "ns3/boolean.h"
#include "ns3/buffer.h"
#include "ns3/enum.h"
#include "ns3/icmpv4.h"
#include "ns3/ipv4-route.h"
#include "ns3/log.h"
#include "ns3/loopback-net-device.h"
#include "ns3/names.h"
#include "ns3/node.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/tcp-header.h"
#include "ns3/udp-header.h"
#include "ns3/uinteger.h"

#include <initializer_list>
#include <iomanip>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4PolicyRouting");

NS_OBJECT_ENSURE_REGISTERED(Ipv4PolicyRouting);

namespace
{

constexpr uint8_t PROTO_ICMP = 1;
constexpr uint8_t PROTO_TCP = 6;
constexpr uint8_t PROTO_UDP = 17;
constexpr uint8_t ECN_MASK = 0x03; //!< the ECN field of the TOS octet (RFC 3168)

inline uint8_t
PrefixLength(Ipv4Mask mask)
{
    return static_cast<uint8_t>(mask.GetPrefixLength());
}

/// \return true if ICMP type \p t is an error message (RFC 1812 4.3.2.7: never answered)
bool
IsIcmpError(uint8_t t)
{
    return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

/// Ports of a transport header (the packet starts with it).
struct Ports
{
    bool valid{false};       //!< ports found
    uint16_t source{0};      //!< source port / echo id
    uint16_t destination{0}; //!< destination port / echo id
    bool echo{false};        //!< ICMP echo request/reply
    uint8_t icmpType{0};     //!< ICMP type
};

Ports
ReadPorts(Ptr<const Packet> p, uint8_t protocol, bool firstFragment)
{
    Ports ports;
    if (!p || !firstFragment)
    {
        return ports;
    }
    if (protocol == PROTO_UDP && p->GetSize() >= 8)
    {
        UdpHeader h;
        p->PeekHeader(h);
        ports.valid = true;
        ports.source = h.GetSourcePort();
        ports.destination = h.GetDestinationPort();
    }
    else if (protocol == PROTO_TCP && p->GetSize() >= 20)
    {
        TcpHeader h;
        p->PeekHeader(h);
        ports.valid = true;
        ports.source = h.GetSourcePort();
        ports.destination = h.GetDestinationPort();
    }
    else if (protocol == PROTO_ICMP && p->GetSize() >= 8)
    {
        Ptr<Packet> copy = p->Copy();
        Icmpv4Header icmp;
        copy->RemoveHeader(icmp);
        ports.icmpType = icmp.GetType();
        if (icmp.GetType() == Icmpv4Header::ICMPV4_ECHO ||
            icmp.GetType() == Icmpv4Header::ICMPV4_ECHO_REPLY)
        {
            Icmpv4Echo echo;
            copy->PeekHeader(echo);
            ports.valid = true;
            ports.echo = true;
            ports.source = echo.GetIdentifier();
            ports.destination = echo.GetIdentifier();
        }
    }
    return ports;
}

/// RFC 1624 (eqn. 3) incremental update of an Internet checksum: HC' = ~(~HC + ~m + m') for
/// every 16-bit word m replaced by m'.
uint16_t
AdjustChecksum(uint16_t checksum, std::initializer_list<std::pair<uint16_t, uint16_t>> changes)
{
    uint32_t sum = static_cast<uint16_t>(~checksum);
    for (const auto& [before, after] : changes)
    {
        sum += static_cast<uint16_t>(~before);
        sum += after;
    }
    while (sum >> 16)
    {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

/**
 * Rewrite the transport header of \p p (which starts with it) after an address change from
 * \p before to \p after: set the source and/or destination port (or echo id) and keep the
 * checksum right. Only a first fragment carries the transport header; other fragments are
 * returned unchanged.
 */
Ptr<Packet>
RewriteTransport(Ptr<const Packet> p,
                 const Ipv4Header& before,
                 const Ipv4Header& after,
                 std::optional<uint16_t> srcPort,
                 std::optional<uint16_t> dstPort)
{
    Ptr<Packet> copy = p->Copy();
    const uint8_t protocol = after.GetProtocol();
    if (after.GetFragmentOffset() != 0)
    {
        return copy;
    }
    if (protocol == PROTO_UDP && copy->GetSize() >= 8)
    {
        // The header may be that of a fragmented datagram, so neither its length nor its
        // checksum can be computed from this packet: keep the length and update the checksum
        // incrementally (0 means "no checksum" and stays 0). A deserialized UdpHeader would
        // write its old checksum back and its length 8 bytes short, so the new header is
        // deserialized from the new bytes, its length forced.
        uint8_t raw[8];
        copy->CopyData(raw, 8);
        UdpHeader old;
        copy->RemoveHeader(old);
        const uint16_t sport = srcPort.value_or(old.GetSourcePort());
        const uint16_t dport = dstPort.value_or(old.GetDestinationPort());
        const uint16_t length = static_cast<uint16_t>((raw[4] << 8) | raw[5]);
        uint16_t checksum = static_cast<uint16_t>((raw[6] << 8) | raw[7]);
        if (checksum != 0)
        {
            const uint32_t s0 = before.GetSource().Get();
            const uint32_t s1 = after.GetSource().Get();
            const uint32_t d0 = before.GetDestination().Get();
            const uint32_t d1 = after.GetDestination().Get();
            checksum = AdjustChecksum(checksum,
                                      {{uint16_t(s0 >> 16), uint16_t(s1 >> 16)},
                                       {uint16_t(s0), uint16_t(s1)},
                                       {uint16_t(d0 >> 16), uint16_t(d1 >> 16)},
                                       {uint16_t(d0), uint16_t(d1)},
                                       {old.GetSourcePort(), sport},
                                       {old.GetDestinationPort(), dport}});
            checksum = checksum == 0 ? 0xffff : checksum; // RFC 768: computed 0 is sent as ~0
        }
        const uint8_t bytes[8] = {uint8_t(sport >> 8),
                                  uint8_t(sport),
                                  uint8_t(dport >> 8),
                                  uint8_t(dport),
                                  raw[4],
                                  raw[5],
                                  uint8_t(checksum >> 8),
                                  uint8_t(checksum)};
        Buffer buffer;
        buffer.AddAtStart(8);
        buffer.Begin().Write(bytes, 8);
        UdpHeader h;
        h.Deserialize(buffer.Begin());
        h.ForcePayloadSize(length);
        copy->AddHeader(h);
    }
    else if (protocol == PROTO_TCP && copy->GetSize() >= 20)
    {
        TcpHeader h;
        copy->RemoveHeader(h);
        if (srcPort)
        {
            h.SetSourcePort(*srcPort);
        }
        if (dstPort)
        {
            h.SetDestinationPort(*dstPort);
        }
        if (Node::ChecksumEnabled())
        {
            // Recomputed over this segment: right unless the segment was fragmented.
            h.EnableChecksums();
            h.InitializeChecksum(after.GetSource(), after.GetDestination(), PROTO_TCP);
        }
        copy->AddHeader(h);
    }
    else if (protocol == PROTO_ICMP && (srcPort || dstPort) && copy->GetSize() >= 8)
    {
        Icmpv4Header icmp;
        copy->RemoveHeader(icmp);
        if (icmp.GetType() == Icmpv4Header::ICMPV4_ECHO ||
            icmp.GetType() == Icmpv4Header::ICMPV4_ECHO_REPLY)
        {
            Icmpv4Echo echo;
            copy->RemoveHeader(echo);
            echo.SetIdentifier(srcPort ? *srcPort : *dstPort);
            copy->AddHeader(echo);
        }
        if (Node::ChecksumEnabled())
        {
            icmp.EnableChecksum();
        }
        copy->AddHeader(icmp);
    }
    return copy;
}

/**
 * The modern kernel's gateway check when a route is added without a device
 * (fib_check_nh_v4_gw): a lookup of the gateway with scope link and TOS 0, in the route's own
 * table first (unless it is MAIN), else through the rules. Routes of scope universe (via a
 * gateway, unreachable, prohibit, blackhole, throw) and TOS-specific routes are invisible to
 * it; the answer must be an on-link unicast or a local route.
 * \return the gateway's interface, or ROUTE_NO_INTERFACE if the kernel would refuse it
 */
uint32_t
ModernGatewayInterface(const PolicyDatabase& db, uint32_t gateway, uint32_t classId)
{
    auto linkScope = [gateway](const RouteClass& c) -> std::optional<RouteEntry> {
        for (const RouteEntry& e : c.Matches(gateway))
        {
            if (e.tos == 0 &&
                (e.info.type == RouteNodeType::LOCAL || e.info.type == RouteNodeType::BROADCAST ||
                 (e.info.type == RouteNodeType::UNICAST && e.info.gateway == 0)))
            {
                return e;
            }
        }
        return std::nullopt;
    };
    std::optional<RouteEntry> found;
    if (classId != CLASS_MAIN)
    {
        if (const RouteClass* c = db.FindClass(classId))
        {
            found = linkScope(*c);
        }
    }
    if (!found)
    {
        FlowKey key;
        key.dst = gateway;
        key.iif = db.GetLoopbackInterface();
        for (const PolicyRule& r : db.GetRules())
        {
            if (!PolicyDatabase::RuleMatches(r, key))
            {
                continue;
            }
            if (!r.LooksUpClass())
            {
                if (r.hasRoute)
                {
                    continue;
                }
                return ROUTE_NO_INTERFACE; // unreachable/prohibit/blackhole rule
            }
            if (const RouteClass* c = db.FindClass(r.classId))
            {
                found = linkScope(*c);
                if (found)
                {
                    break;
                }
            }
        }
    }
    if (!found || found->info.type == RouteNodeType::BROADCAST)
    {
        return ROUTE_NO_INTERFACE;
    }
    return found->info.interface;
}

/// An ICMP error message (destination unreachable, time exceeded) and the datagram it quotes.
struct IcmpError
{
    bool valid{false}; //!< the packet is such a message
    uint8_t type{0};   //!< ICMP type
    uint8_t code{0};   //!< ICMP code
    uint16_t mtu{0};   //!< next-hop MTU (destination unreachable)
    Ipv4Header quoted; //!< the quoted datagram's header
    uint8_t data[8]{}; //!< its first 8 bytes (ports, echo identifier)
};

/// \return the ICMP error in \p p (which starts with the ICMP header), if it is one
IcmpError
ReadIcmpError(Ptr<const Packet> p)
{
    IcmpError e;
    if (!p || p->GetSize() < 4 + 4 + 20 + 8)
    {
        return e;
    }
    Ptr<Packet> copy = p->Copy();
    Icmpv4Header icmp;
    copy->RemoveHeader(icmp);
    e.type = icmp.GetType();
    e.code = icmp.GetCode();
    if (e.type == Icmpv4Header::ICMPV4_DEST_UNREACH)
    {
        Icmpv4DestinationUnreachable u;
        copy->RemoveHeader(u);
        e.quoted = u.GetHeader();
        u.GetData(e.data);
        e.mtu = u.GetNextHopMtu();
        e.valid = true;
    }
    else if (e.type == Icmpv4Header::ICMPV4_TIME_EXCEEDED)
    {
        Icmpv4TimeExceeded t;
        copy->RemoveHeader(t);
        e.quoted = t.GetHeader();
        t.GetData(e.data);
        e.valid = true;
    }
    return e;
}

/// \return the ICMP error message \p e
Ptr<Packet>
WriteIcmpError(IcmpError e)
{
    Ptr<Packet> msg = Create<Packet>();
    if (Node::ChecksumEnabled())
    {
        e.quoted.EnableChecksum();
    }
    if (e.type == Icmpv4Header::ICMPV4_DEST_UNREACH)
    {
        Icmpv4DestinationUnreachable u;
        u.SetNextHopMtu(e.mtu);
        u.SetHeader(e.quoted);
        u.SetData(Create<Packet>(e.data, 8));
        msg->AddHeader(u);
    }
    else
    {
        Icmpv4TimeExceeded t;
        t.SetHeader(e.quoted);
        t.SetData(Create<Packet>(e.data, 8));
        msg->AddHeader(t);
    }
    Icmpv4Header icmp;
    icmp.SetType(e.type);
    icmp.SetCode(e.code);
    if (Node::ChecksumEnabled())
    {
        icmp.EnableChecksum();
    }
    msg->AddHeader(icmp);
    return msg;
}

/**
 * Static NAT of an ICMP error (2.1 ip_nat_dumb): when its destination was translated from
 * \p from to \p to, the datagram it quotes was sent by that address (its source changes);
 * when its source was, the quoted datagram was sent to it (its destination changes).
 */
void
NatIcmpError(Ptr<Packet>& packet, const Ipv4Header& before, const Ipv4Header& after)
{
    if (after.GetProtocol() != PROTO_ICMP || after.GetFragmentOffset() != 0)
    {
        return;
    }
    IcmpError e = ReadIcmpError(packet);
    if (!e.valid)
    {
        return;
    }
    if (before.GetDestination() != after.GetDestination() &&
        e.quoted.GetSource() == before.GetDestination())
    {
        e.quoted.SetSource(after.GetDestination());
        packet = WriteIcmpError(e);
    }
    else if (before.GetSource() != after.GetSource() &&
             e.quoted.GetDestination() == before.GetSource())
    {
        e.quoted.SetDestination(after.GetSource());
        packet = WriteIcmpError(e);
    }
}

} // namespace

TypeId
Ipv4PolicyRouting::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::Ipv4PolicyRouting")
            .SetParent<Ipv4RoutingProtocol>()
            .SetGroupName("PolicyRouting")
            .AddConstructor<Ipv4PolicyRouting>()
            .AddAttribute("RuleStyle",
                          "How rules are numbered and ordered: Linux21 (the seed: preferences "
                          "0..255, defaults 0/254/255, equal preference inserted before, REJECT "
                          "nodes answer network unreachable) or Modern (32-bit preferences, "
                          "defaults 0/32766/32767, equal preference inserted after, unreachable "
                          "nodes answer host unreachable). Can only change while the rule list "
                          "holds only the default rules.",
                          EnumValue(STYLE_LINUX_2_1),
                          policyrouting::EnumAccessor(&Ipv4PolicyRouting::SetRuleStyle,
                                                      &Ipv4PolicyRouting::GetRuleStyle),
                          MakeEnumChecker(STYLE_LINUX_2_1, "Linux21", STYLE_MODERN, "Modern"))
            .AddAttribute("LookupAlgorithm",
                          "How a class chooses among its nodes: Linux (the kernel: foreign-TOS "
                          "nodes invisible, backtracking to shorter prefixes), Rfc1812 "
                          "(5.2.4.3: basic, longest, weak TOS, metric), Rfc1812Variant (E.3.2: "
                          "weak TOS before longest match) or Rfc1812Classic (E.3.1: TOS "
                          "ignored).",
                          EnumValue(ALGORITHM_LINUX),
                          policyrouting::EnumAccessor(&Ipv4PolicyRouting::m_algorithm),
                          MakeEnumChecker(ALGORITHM_LINUX,
                                          "Linux",
                                          ALGORITHM_RFC1812,
                                          "Rfc1812",
                                          ALGORITHM_RFC1812_VARIANT,
                                          "Rfc1812Variant",
                                          ALGORITHM_RFC1812_CLASSIC,
                                          "Rfc1812Classic"))
            .AddAttribute("FibModel",
                          "Where routes added without a class go (Linux 2.1 ip_fib_model): "
                          "Standard (all in MAIN), DefaultRoutes (default routes in DEFAULT), "
                          "Rfc1812 (all gateway routes in DEFAULT).",
                          EnumValue(FIB_MODEL_STANDARD),
                          policyrouting::EnumAccessor(&Ipv4PolicyRouting::m_fibModel),
                          MakeEnumChecker(FIB_MODEL_STANDARD,
                                          "Standard",
                                          FIB_MODEL_DEFAULT,
                                          "DefaultRoutes",
                                          FIB_MODEL_RFC1812,
                                          "Rfc1812"))
            .AddAttribute("LocalRoutePolicy",
                          "CONFIG_IP_LOCAL_RT_POLICY: locally originated packets are routed "
                          "with their source address through the whole rule list (with the "
                          "2.1 re-lookup once a source is chosen). When false (the seed's "
                          "default), they are looked up with source 0.0.0.0, so rules that "
                          "select on the source do not apply to them.",
                          BooleanValue(false),
                          MakeBooleanAccessor(&Ipv4PolicyRouting::m_localRoutePolicy),
                          MakeBooleanChecker())
            .AddAttribute("InterfaceDownPolicy",
                          "What happens to routes through an interface that goes down: Flush "
                          "(deleted, as Linux does) or Park (deleted and added back when it "
                          "comes up). Connected and broadcast routes always follow the "
                          "interface; local address routes stay, as in Linux.",
                          EnumValue(DOWN_FLUSH),
                          policyrouting::EnumAccessor(&Ipv4PolicyRouting::m_downPolicy),
                          MakeEnumChecker(DOWN_FLUSH, "Flush", DOWN_PARK, "Park"))
            .AddAttribute("ListingStyle",
                          "What PrintRoutingTable writes: Seed (`iproute -r` and the classes), "
                          "Modern (`ip rule` and `ip route show table`) or Both.",
                          EnumValue(LISTING_BOTH),
                          policyrouting::EnumAccessor(&Ipv4PolicyRouting::m_listingStyle),
                          MakeEnumChecker(LISTING_SEED,
                                          "Seed",
                                          LISTING_MODERN,
                                          "Modern",
                                          LISTING_BOTH,
                                          "Both"))
            .AddAttribute("SendIcmpErrors",
                          "Send ICMP destination unreachable for routing failures (forwarding "
                          "nodes only, never for ICMP errors, broadcasts, multicasts or "
                          "non-initial fragments).",
                          BooleanValue(true),
                          MakeBooleanAccessor(&Ipv4PolicyRouting::m_sendIcmp),
                          MakeBooleanChecker())
            .AddAttribute("SendProhibitedIcmp",
                          "Send code 13 (communication administratively prohibited); RFC 1812 "
                          "lets routers turn it off.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&Ipv4PolicyRouting::m_sendProhibitedIcmp),
                          MakeBooleanChecker())
            .AddAttribute("IcmpErrorInterval",
                          "Minimum time between ICMP errors to the same host (0: no limit). "
                          "Linux 2.1 sent at most one per route cache entry and second.",
                          TimeValue(Seconds(0)),
                          MakeTimeAccessor(&Ipv4PolicyRouting::m_icmpInterval),
                          MakeTimeChecker())
            .AddAttribute("MasqueradePortMin",
                          "First port used for masqueraded flows (Linux ip_masq: 61000).",
                          UintegerValue(61000),
                          MakeUintegerAccessor(&Ipv4PolicyRouting::m_masqPortMin),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("MasqueradePortMax",
                          "Last port used for masqueraded flows (Linux ip_masq: 65095).",
                          UintegerValue(65095),
                          MakeUintegerAccessor(&Ipv4PolicyRouting::m_masqPortMax),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("MasqueradeTimeout",
                          "Idle time after which a masquerade mapping expires (0: never).",
                          TimeValue(Seconds(300)),
                          MakeTimeAccessor(&Ipv4PolicyRouting::m_masqTimeout),
                          MakeTimeChecker())
            .AddTraceSource("RuleMatch",
                            "A rule matched a lookup.",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_ruleMatchTrace),
                            "ns3::Ipv4PolicyRouting::RuleMatchTracedCallback")
            .AddTraceSource("ClassLookup",
                            "A class was consulted.",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_classLookupTrace),
                            "ns3::Ipv4PolicyRouting::ClassLookupTracedCallback")
            .AddTraceSource("Drop",
                            "A packet was dropped by a routing decision.",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_dropTrace),
                            "ns3::Ipv4PolicyRouting::DropTracedCallback")
            .AddTraceSource("IcmpSent",
                            "An ICMP error was sent.",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_icmpTrace),
                            "ns3::Ipv4PolicyRouting::IcmpTracedCallback")
            .AddTraceSource("Translate",
                            "An address was translated (NAT, masquerade, de-masquerade).",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_translateTrace),
                            "ns3::Ipv4PolicyRouting::TranslateTracedCallback")
            .AddTraceSource("RouteCreated",
                            "A route was created through a LOG rule (once per flow, as the "
                            "2.1 route cache reported it).",
                            MakeTraceSourceAccessor(&Ipv4PolicyRouting::m_routeCreatedTrace),
                            "ns3::Ipv4PolicyRouting::RouteCreatedTracedCallback");
    return tid;
}

Ipv4PolicyRouting::Ipv4PolicyRouting()
    : m_db(RuleStyle::LINUX_2_1),
      m_algorithm(ALGORITHM_LINUX),
      m_fibModel(FIB_MODEL_STANDARD),
      m_localRoutePolicy(false),
      m_downPolicy(DOWN_FLUSH),
      m_listingStyle(LISTING_BOTH),
      m_sendIcmp(true),
      m_sendProhibitedIcmp(true),
      m_icmpInterval(Seconds(0)),
      m_masqPortMin(61000),
      m_masqPortMax(65095),
      m_masqTimeout(Seconds(300))
{
    NS_LOG_FUNCTION(this);
}

Ipv4PolicyRouting::~Ipv4PolicyRouting()
{
    NS_LOG_FUNCTION(this);
}

void
Ipv4PolicyRouting::DoInitialize()
{
    NS_LOG_FUNCTION(this);
    ConfigureMasquerade();
    Ipv4RoutingProtocol::DoInitialize();
}

void
Ipv4PolicyRouting::ConfigureMasquerade()
{
    // Called before every use of the table, not only from DoInitialize: Ipv4L3Protocol never
    // initializes its routing protocol (only Ipv4ListRouting initializes its children), so a
    // protocol installed alone would otherwise ignore the Masquerade* attributes.
    NS_ABORT_MSG_IF(m_masqPortMin > m_masqPortMax,
                    "Ipv4PolicyRouting: MasqueradePortMin ("
                        << m_masqPortMin << ") is above MasqueradePortMax (" << m_masqPortMax
                        << ")");
    m_masq.Configure(m_masqPortMin, m_masqPortMax, m_masqTimeout.GetNanoSeconds());
}

void
Ipv4PolicyRouting::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_ipv4 = nullptr;
    m_interfaces.clear();
    m_routeCache.assign(ROUTE_CACHE_SIZE, RouteCacheEntry());
    m_masq.Clear();
    m_masqFragments.clear();
    m_parked.clear();
    InvalidateCaches();
    m_lastIcmp.clear();
    Ipv4RoutingProtocol::DoDispose();
}

void
Ipv4PolicyRouting::SetRuleStyle(Style style)
{
    NS_LOG_FUNCTION(this << style);
    const RuleStyle s = style == STYLE_MODERN ? RuleStyle::MODERN : RuleStyle::LINUX_2_1;
    NS_ABORT_MSG_UNLESS(m_db.ChangeStyle(s),
                        "Ipv4PolicyRouting: RuleStyle can only be changed while the rule list "
                        "holds only the default rules; set it before adding rules");
}

Ipv4PolicyRouting::Style
Ipv4PolicyRouting::GetRuleStyle() const
{
    return m_db.GetStyle() == RuleStyle::MODERN ? STYLE_MODERN : STYLE_LINUX_2_1;
}

PolicyDatabase&
Ipv4PolicyRouting::GetDatabase()
{
    InvalidateCaches();
    return m_db;
}

const PolicyDatabase&
Ipv4PolicyRouting::GetDatabase() const
{
    return m_db;
}

uint32_t
Ipv4PolicyRouting::GetLoopbackInterface() const
{
    return m_db.GetLoopbackInterface();
}

std::string
Ipv4PolicyRouting::GetInterfaceName(uint32_t i) const
{
    if (i == ROUTE_NO_INTERFACE)
    {
        return "*";
    }
    if (i == m_db.GetLoopbackInterface())
    {
        return "lo";
    }
    if (m_ipv4 && i < m_ipv4->GetNInterfaces())
    {
        std::string name = Names::FindName(m_ipv4->GetNetDevice(i));
        if (!name.empty())
        {
            return name;
        }
    }
    return "if" + std::to_string(i);
}

bool
Ipv4PolicyRouting::IsTopLevel() const
{
    return m_ipv4 && PeekPointer(m_ipv4->GetRoutingProtocol()) == this;
}

// ----- configuration -----

uint32_t
Ipv4PolicyRouting::ChooseClass(const RouteEntry& entry) const
{
    switch (entry.info.type)
    {
    case RouteNodeType::LOCAL:
    case RouteNodeType::BROADCAST:
    case RouteNodeType::NAT:
        return CLASS_LOCAL;
    default:
        break;
    }
    if (entry.info.gateway != 0 &&
        (m_fibModel == FIB_MODEL_RFC1812 || (m_fibModel == FIB_MODEL_DEFAULT && entry.length == 0)))
    {
        return CLASS_DEFAULT;
    }
    return CLASS_MAIN;
}

ClassResult
Ipv4PolicyRouting::AddRoute(const RouteEntry& entry, uint32_t classId, InsertMode mode)
{
    NS_LOG_FUNCTION(this << entry << classId);
    if (classId == CLASS_UNSPEC)
    {
        classId = ChooseClass(entry);
    }
    RouteEntry e = entry;
    if (e.info.gateway != 0 && e.info.interface == ROUTE_NO_INTERFACE &&
        !IsErrorNodeType(e.info.type) && e.info.type != RouteNodeType::NAT)
    {
        // As the kernel does on insertion: the gateway's directly connected interface. If it
        // is not known yet, the lookup resolves it later.
        if (m_db.GetStyle() == RuleStyle::MODERN)
        {
            e.info.interface = ModernGatewayInterface(m_db, e.info.gateway, classId);
        }
        else
        {
            FlowKey g;
            g.dst = e.info.gateway;
            g.iif = m_db.GetLoopbackInterface();
            const PolicyDecision via = m_db.Lookup(g, GetAlgorithm());
            if (via.kind == PolicyDecision::FORWARD && via.node.info.gateway == 0)
            {
                e.info.interface = via.node.info.interface;
            }
        }
    }
    InvalidateCaches();
    return m_db.GetClass(classId).Insert(e, mode);
}

void
Ipv4PolicyRouting::AddNetworkRouteTo(Ipv4Address network,
                                     Ipv4Mask mask,
                                     Ipv4Address gateway,
                                     uint32_t interface,
                                     uint32_t classId,
                                     uint8_t tos,
                                     uint32_t metric)
{
    RouteEntry e;
    e.prefix = network.Get();
    e.length = PrefixLength(mask);
    e.tos = tos;
    e.metric = metric;
    e.info.gateway = gateway.Get();
    e.info.interface = interface;
    const ClassResult r = AddRoute(e, classId);
    NS_ABORT_MSG_IF(r != ClassResult::OK,
                    "Ipv4PolicyRouting::AddNetworkRouteTo: cannot add "
                        << network << mask << " via " << gateway << " if " << interface << " tos "
                        << unsigned(tos) << " metric " << metric << ": " << ClassResultName(r));
}

void
Ipv4PolicyRouting::AddNetworkRouteTo(Ipv4Address network,
                                     Ipv4Mask mask,
                                     uint32_t interface,
                                     uint32_t classId,
                                     uint8_t tos,
                                     uint32_t metric)
{
    AddNetworkRouteTo(network, mask, Ipv4Address::GetZero(), interface, classId, tos, metric);
}

void
Ipv4PolicyRouting::AddSpecialRoute(RouteNodeType type,
                                   Ipv4Address network,
                                   Ipv4Mask mask,
                                   uint32_t classId,
                                   uint8_t tos,
                                   uint32_t metric)
{
    NS_ABORT_MSG_UNLESS(IsErrorNodeType(type),
                        "Ipv4PolicyRouting::AddSpecialRoute: " << RouteNodeTypeName(type)
                                                               << " is not a special node type");
    RouteEntry e;
    e.prefix = network.Get();
    e.length = PrefixLength(mask);
    e.tos = tos;
    e.metric = metric;
    e.info.type = type;
    const ClassResult r = AddRoute(e, classId == CLASS_UNSPEC ? CLASS_MAIN : classId);
    NS_ABORT_MSG_IF(r != ClassResult::OK,
                    "Ipv4PolicyRouting::AddSpecialRoute: cannot add "
                        << RouteNodeTypeName(type) << " " << network << mask << ": "
                        << ClassResultName(r));
}

void
Ipv4PolicyRouting::AddNatRoute(Ipv4Address external, Ipv4Mask mask, Ipv4Address internal)
{
    RouteEntry e;
    e.prefix = external.Get();
    e.length = PrefixLength(mask);
    e.info.type = RouteNodeType::NAT;
    e.info.gateway = internal.Get();
    const ClassResult r = AddRoute(e, CLASS_LOCAL);
    NS_ABORT_MSG_IF(r != ClassResult::OK,
                    "Ipv4PolicyRouting::AddNatRoute: cannot add nat "
                        << external << mask << " via " << internal << ": " << ClassResultName(r));
}

ClassResult
Ipv4PolicyRouting::DeleteRoute(const RouteSelector& selector, uint32_t classId)
{
    RouteClass* c = m_db.FindClass(classId == CLASS_UNSPEC ? CLASS_MAIN : classId);
    if (!c)
    {
        return ClassResult::NOT_FOUND;
    }
    InvalidateCaches();
    return c->Delete(selector);
}

uint32_t
Ipv4PolicyRouting::AddRule(const PolicyRule& rule, std::optional<uint32_t> preference)
{
    NS_LOG_FUNCTION(this);
    const PolicyDatabase::AddResult r = m_db.AddRule(rule, preference);
    NS_ABORT_MSG_IF(r.result != ClassResult::OK,
                    "Ipv4PolicyRouting::AddRule: invalid rule: " << r.reason);
    InvalidateCaches();
    return r.preference;
}

bool
Ipv4PolicyRouting::DeleteRule(const RuleSelector& selector)
{
    InvalidateCaches();
    return m_db.DeleteRule(selector);
}

// ----- interfaces -----

void
Ipv4PolicyRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    NS_LOG_FUNCTION(this << ipv4);
    NS_ABORT_MSG_IF(m_ipv4, "Ipv4PolicyRouting::SetIpv4: already attached to an Ipv4");
    NS_ABORT_MSG_UNLESS(ipv4, "Ipv4PolicyRouting::SetIpv4: null Ipv4");
    m_ipv4 = ipv4;
    for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
    {
        RefreshInterface(i);
    }
    for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
    {
        if (DynamicCast<LoopbackNetDevice>(m_ipv4->GetNetDevice(i)))
        {
            m_db.SetLoopbackInterface(i);
        }
    }
    for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
    {
        if (m_ipv4->IsUp(i))
        {
            NotifyInterfaceUp(i);
        }
    }
}

void
Ipv4PolicyRouting::AddAddressRoutes(uint32_t interface,
                                    const Ipv4InterfaceAddress& address,
                                    bool localOnly)
{
    const uint32_t local = address.GetLocal().Get();
    if (local == 0)
    {
        return;
    }
    const uint8_t length = PrefixLength(address.GetMask());
    const uint32_t mask = length == 0 ? 0 : 0xffffffffu << (32 - length);
    const bool loopback = interface == m_db.GetLoopbackInterface();
    RouteClass& localClass = m_db.GetClass(CLASS_LOCAL);

    // fib_add_ifaddr: local ADDR; for the loopback also local PREFIX; broadcast BCAST for
    // prefixes shorter than /31; the connected PREFIX in MAIN (not for /32). The kernel
    // appends them (fib_magic: NLM_F_CREATE | NLM_F_APPEND), so two interfaces with the same
    // broadcast address or subnet both get their route; a second address of the same subnet
    // on the same interface adds none (secondary addresses share the primary's routes).
    auto add = [interface](RouteClass& c, const RouteEntry& e) {
        for (const RouteEntry& m : c.Matches(e.prefix))
        {
            if (m.prefix == e.prefix && m.length == e.length && m.tos == 0 && m.metric == 0 &&
                m.info.type == e.info.type && m.info.interface == interface)
            {
                return;
            }
        }
        c.Insert(e, InsertMode::APPEND);
    };
    RouteEntry e;
    e.info.interface = interface;
    e.info.prefSrc = local;
    e.info.type = RouteNodeType::LOCAL;
    e.prefix = local;
    e.length = 32;
    add(localClass, e);
    if (localOnly)
    {
        return;
    }
    if (loopback && length < 32)
    {
        e.prefix = local & mask;
        e.length = length;
        add(localClass, e);
    }
    if (length < 31)
    {
        e.info.type = RouteNodeType::BROADCAST;
        e.prefix = (local & mask) | ~mask;
        e.length = 32;
        add(localClass, e);
    }
    if (!loopback && length < 32)
    {
        e.info.type = RouteNodeType::UNICAST;
        e.prefix = local & mask;
        e.length = length;
        add(m_db.GetClass(CLASS_MAIN), e);
    }
}

void
Ipv4PolicyRouting::RemoveAddressRoutes(uint32_t interface,
                                       const Ipv4InterfaceAddress& address,
                                       bool withLocal)
{
    const uint32_t local = address.GetLocal().Get();
    const uint8_t length = PrefixLength(address.GetMask());
    const uint32_t mask = length == 0 ? 0 : 0xffffffffu << (32 - length);
    auto remove = [&](uint32_t classId, RouteNodeType type, uint32_t prefix, uint8_t len) {
        RouteClass* c = m_db.FindClass(classId);
        if (!c)
        {
            return;
        }
        c->DeleteIf([&](const RouteEntry& e) {
            return e.prefix == prefix && e.length == len && e.info.type == type &&
                   e.info.interface == interface && e.info.gateway == 0 && e.info.prefSrc == local;
        });
    };
    if (withLocal)
    {
        remove(CLASS_LOCAL, RouteNodeType::LOCAL, local, 32);
        remove(CLASS_LOCAL, RouteNodeType::LOCAL, local & mask, length);
    }
    remove(CLASS_LOCAL, RouteNodeType::BROADCAST, (local & mask) | ~mask, 32);
    remove(CLASS_MAIN, RouteNodeType::UNICAST, local & mask, length);
}

void
Ipv4PolicyRouting::NotifyInterfaceUp(uint32_t interface)
{
    NS_LOG_FUNCTION(this << interface);
    RefreshInterface(interface);
    if (!m_ipv4)
    {
        return;
    }
    if (DynamicCast<LoopbackNetDevice>(m_ipv4->GetNetDevice(interface)))
    {
        m_db.SetLoopbackInterface(interface);
    }
    for (uint32_t k = 0; k < m_ipv4->GetNAddresses(interface); ++k)
    {
        AddAddressRoutes(interface, m_ipv4->GetAddress(interface, k));
    }
    if (m_downPolicy == DOWN_PARK)
    {
        std::vector<std::pair<uint32_t, RouteEntry>> keep;
        for (const auto& [classId, e] : m_parked)
        {
            if (e.info.interface == interface)
            {
                m_db.GetClass(classId).Insert(e, InsertMode::APPEND);
            }
            else
            {
                keep.emplace_back(classId, e);
            }
        }
        m_parked.swap(keep);
    }
    InvalidateCaches();
}

void
Ipv4PolicyRouting::HandleInterfaceDown(uint32_t interface)
{
    for (uint32_t id : m_db.GetClassIds())
    {
        RouteClass* c = m_db.FindClass(id);
        c->DeleteIf([&](const RouteEntry& e) {
            if (e.info.interface != interface ||
                (id == CLASS_LOCAL && e.info.type == RouteNodeType::LOCAL))
            {
                return false;
            }
            if (m_downPolicy == DOWN_PARK)
            {
                m_parked.emplace_back(id, e);
            }
            return true;
        });
    }
}

void
Ipv4PolicyRouting::NotifyInterfaceDown(uint32_t interface)
{
    NS_LOG_FUNCTION(this << interface);
    RefreshInterface(interface);
    if (!m_ipv4)
    {
        return;
    }
    for (uint32_t k = 0; k < m_ipv4->GetNAddresses(interface); ++k)
    {
        RemoveAddressRoutes(interface, m_ipv4->GetAddress(interface, k), false);
    }
    HandleInterfaceDown(interface);
    InvalidateCaches();
}

void
Ipv4PolicyRouting::NotifyAddAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    NS_LOG_FUNCTION(this << interface << address);
    RefreshInterface(interface);
    if (m_ipv4)
    {
        // fib_add_ifaddr adds the local route before it checks IFF_UP: an address added to a
        // down interface is local at once (as the addresses of an interface that went down
        // stay local); broadcast and connected routes wait for NotifyInterfaceUp.
        AddAddressRoutes(interface, address, !m_ipv4->IsUp(interface));
    }
    InvalidateCaches();
}

void
Ipv4PolicyRouting::NotifyRemoveAddress(uint32_t interface, Ipv4InterfaceAddress address)
{
    NS_LOG_FUNCTION(this << interface << address);
    RefreshInterface(interface);
    RemoveAddressRoutes(interface, address, true);
    // Routes shared with the remaining addresses of the interface come back.
    if (m_ipv4 && m_ipv4->IsUp(interface))
    {
        for (uint32_t k = 0; k < m_ipv4->GetNAddresses(interface); ++k)
        {
            if (m_ipv4->GetAddress(interface, k).GetLocal() != address.GetLocal())
            {
                AddAddressRoutes(interface, m_ipv4->GetAddress(interface, k));
            }
        }
    }
    InvalidateCaches();
}

// ----- lookups -----

uint8_t
Ipv4PolicyRouting::OutputTos(Ptr<const Packet> p, const Ipv4Header& header)
{
    if (p)
    {
        SocketIpTosTag tag;
        if (p->PeekPacketTag(tag))
        {
            return tag.GetTos();
        }
    }
    return header.GetTos();
}

PolicyDecision
Ipv4PolicyRouting::Decide(const FlowKey& key, const Ipv4Header& header) const
{
    if (m_ruleMatchTrace.IsEmpty() && m_classLookupTrace.IsEmpty())
    {
        return m_db.Lookup(key, GetAlgorithm());
    }
    std::vector<LookupStep> steps;
    PolicyDecision d = m_db.Lookup(key, GetAlgorithm(), &steps);
    const std::vector<PolicyRule>& rules = m_db.GetRules();
    for (const LookupStep& s : steps)
    {
        if (s.outcome == LookupStep::RULE_NO_MATCH)
        {
            continue;
        }
        m_ruleMatchTrace(header, s.preference, rules[s.ruleIndex].action);
        if (s.outcome != LookupStep::RULE_TERMINATES && s.outcome != LookupStep::RULE_OWN_ROUTE)
        {
            m_classLookupTrace(header, s.classId, s.outcome);
        }
    }
    return d;
}

const Ipv4PolicyRouting::InterfaceState&
Ipv4PolicyRouting::Interface(uint32_t i) const
{
    if (i >= m_interfaces.size() || !m_interfaces[i].device)
    {
        RefreshInterface(i);
        if (i >= m_interfaces.size())
        {
            static const InterfaceState none; // no such interface: down, no device
            return none;
        }
    }
    return m_interfaces[i];
}

void
Ipv4PolicyRouting::RefreshInterface(uint32_t i) const
{
    if (!m_ipv4 || i >= m_ipv4->GetNInterfaces())
    {
        return;
    }
    if (m_interfaces.size() <= i)
    {
        m_interfaces.resize(i + 1);
    }
    InvalidateCaches();
    InterfaceState& s = m_interfaces[i];
    s.device = m_ipv4->GetNetDevice(i);
    s.up = m_ipv4->IsUp(i);
    s.addresses = m_ipv4->GetNAddresses(i);
    s.onlyAddress = s.addresses == 1 ? m_ipv4->GetAddress(i, 0).GetLocal() : Ipv4Address::GetZero();
}

Ipv4Address
Ipv4PolicyRouting::ChooseSource(const PolicyDecision& d, Ipv4Address dst) const
{
    if (d.node.info.prefSrc)
    {
        return Ipv4Address(d.node.info.prefSrc);
    }
    if (d.kind == PolicyDecision::LOCAL)
    {
        return dst;
    }
    const uint32_t i = d.node.info.interface;
    if (m_ipv4 && i < m_ipv4->GetNInterfaces() && Interface(i).addresses > 0)
    {
        if (Interface(i).addresses == 1)
        {
            return Interface(i).onlyAddress; // what SourceAddressSelection answers then
        }
        const Ipv4Address toward = d.node.info.gateway ? Ipv4Address(d.node.info.gateway) : dst;
        return m_ipv4->SourceAddressSelection(i, toward);
    }
    // inet_select_addr: any address of the host will do.
    for (uint32_t k = 0; m_ipv4 && k < m_ipv4->GetNInterfaces(); ++k)
    {
        if (k != m_db.GetLoopbackInterface() && m_ipv4->GetNAddresses(k) > 0)
        {
            return m_ipv4->GetAddress(k, 0).GetLocal();
        }
    }
    return Ipv4Address::GetZero();
}

void
Ipv4PolicyRouting::InvalidateCaches() const
{
    m_logged.clear();
    ++m_generation;
}

Ptr<Ipv4Route>
Ipv4PolicyRouting::MakeRoute(const PolicyDecision& d, Ipv4Address dst, Ipv4Address src) const
{
    // Routes are shared by every packet with the same next hop, device and source (as the
    // Nix-vector routing shares them per destination): ns-3 reads only the gateway, the source
    // and the device of a route. Its destination is the next hop: the gateway, or the packet's
    // destination for an on-link route. Any change of configuration or interface empties the
    // cache.
    const uint32_t gateway =
        d.kind == PolicyDecision::FORWARD && d.node.info.gateway ? d.node.info.gateway : 0;
    const uint32_t out =
        d.kind == PolicyDecision::LOCAL ? m_db.GetLoopbackInterface() : d.node.info.interface;
    const uint32_t next = gateway ? gateway : dst.Get();
    uint64_t h = (static_cast<uint64_t>(next) << 32 | src.Get()) * 0x9e3779b97f4a7c15ULL;
    h ^= (static_cast<uint64_t>(out) << 9 | (gateway ? 256 : 0) | d.kind) * 0xc2b2ae3d27d4eb4fULL;
    RouteCacheEntry& e = m_routeCache[(h >> 40) & (ROUTE_CACHE_SIZE - 1)];
    if (e.route && e.generation == m_generation && e.next == next && e.gateway == gateway &&
        e.source == src.Get() && e.out == out && e.kind == d.kind)
    {
        return e.route;
    }
    Ptr<Ipv4Route> route = Create<Ipv4Route>();
    route->SetDestination(Ipv4Address(next));
    route->SetSource(src);
    route->SetGateway(gateway ? Ipv4Address(gateway) : Ipv4Address::GetZero());
    route->SetOutputDevice(Interface(out).device);
    e.route = route;
    e.generation = m_generation;
    e.next = next;
    e.gateway = gateway;
    e.source = src.Get();
    e.out = out;
    e.kind = d.kind;
    return route;
}

Ptr<Ipv4Route>
Ipv4PolicyRouting::RouteOutput(Ptr<Packet> p,
                               const Ipv4Header& header,
                               Ptr<NetDevice> oif,
                               Socket::SocketErrno& sockerr)
{
    NS_LOG_FUNCTION(this << p << header << oif);
    NS_ABORT_MSG_UNLESS(m_ipv4, "Ipv4PolicyRouting::RouteOutput: not attached to an Ipv4");
    const Ipv4Address dst = header.GetDestination();
    uint32_t oifIndex = ROUTE_NO_INTERFACE;
    if (oif)
    {
        const int32_t k = m_ipv4->GetInterfaceForDevice(oif);
        if (k >= 0)
        {
            oifIndex = static_cast<uint32_t>(k);
        }
    }
    if ((dst.IsMulticast() || dst.IsBroadcast()) && oifIndex != ROUTE_NO_INTERFACE)
    {
        // A sender bound to a device: multicast and limited broadcast leave through it.
        Ptr<Ipv4Route> route = Create<Ipv4Route>();
        route->SetDestination(dst);
        route->SetGateway(Ipv4Address::GetZero());
        route->SetOutputDevice(oif);
        route->SetSource(m_ipv4->GetNAddresses(oifIndex) > 0
                             ? m_ipv4->SourceAddressSelection(oifIndex, dst)
                             : Ipv4Address::GetZero());
        sockerr = Socket::ERROR_NOTERROR;
        return route;
    }

    const uint32_t loopback = m_db.GetLoopbackInterface();
    FlowKey key;
    key.dst = dst.Get();
    // The ECN bits are not TOS: ns-3's TCP writes ECT into the socket's TOS tag of its data
    // segments (not of its SYN), which must not route them differently (ns3-integration.md
    // §1.8; modern Linux masks them too, IPTOS_RT_MASK).
    key.tos = OutputTos(p, header) & ~ECN_MASK;
    key.iif = loopback;
    key.oif = oifIndex;
    const Ipv4Address given = header.GetSource();
    const bool haveSource =
        m_localRoutePolicy && given.IsInitialized() && !given.IsAny() && !given.IsBroadcast();
    key.src = haveSource ? given.Get() : 0;
    PolicyDecision d = Decide(key, header);
    Ipv4Address src = haveSource ? given : ChooseSource(d, dst);

    if (m_localRoutePolicy && !haveSource && m_db.GetStyle() == RuleStyle::LINUX_2_1 &&
        d.kind == PolicyDecision::FORWARD)
    {
        // 2.1 "stabilization of route": once the source is chosen, look up again with it, so
        // that source rules apply to locally originated packets too.
        key.src = src.Get();
        d = Decide(key, header);
    }

    if (d.IsRoute() && d.kind != PolicyDecision::LOCAL && oifIndex != ROUTE_NO_INTERFACE &&
        d.node.info.interface != oifIndex)
    {
        // ip_route_output_slow: "if (dst_dev_key && dev_out != dst_dev_key) return -EINVAL"
        d.kind = PolicyDecision::ERROR;
        d.error = RouteError::INVALID;
    }
    if (d.kind == PolicyDecision::FORWARD && !Interface(d.node.info.interface).up)
    {
        d.kind = PolicyDecision::ERROR;
        d.error = RouteError::NET_UNREACHABLE;
    }
    if (!d.IsRoute())
    {
        NS_LOG_LOGIC("no route to " << dst << ": " << RouteErrorName(d.error));
        sockerr = Socket::ERROR_NOROUTETOHOST;
        m_dropTrace(p, header, d.error, loopback);
        return nullptr;
    }
    if (d.ruleFlags & RULE_FLAG_LOG)
    {
        auto flow = std::make_tuple(src.Get(), key.dst, key.tos, loopback);
        if (m_logged.insert(flow).second)
        {
            NS_LOG_INFO("installing route " << src << " -> " << dst << " (rule " << d.preference
                                            << ")");
            m_routeCreatedTrace(header, d.preference);
        }
    }
    sockerr = Socket::ERROR_NOTERROR;
    return MakeRoute(d, dst, src);
}

bool
Ipv4PolicyRouting::Demasquerade(Ptr<Packet>& packet, Ipv4Header& header)
{
    if (m_masq.GetSize() == 0)
    {
        return false;
    }
    ConfigureMasquerade();
    const uint8_t protocol = header.GetProtocol();
    const FragmentKey fragmentKey{protocol,
                                  header.GetSource().Get(),
                                  header.GetDestination().Get(),
                                  header.GetIdentification()};
    if (header.GetFragmentOffset() != 0)
    {
        // A later fragment has no ports: it goes where its first fragment went.
        auto f = m_masqFragments.find(fragmentKey);
        if (f == m_masqFragments.end())
        {
            return false;
        }
        const Ipv4Header before = header;
        header.SetDestination(Ipv4Address(f->second.first));
        if (header.IsLastFragment())
        {
            m_masqFragments.erase(f);
        }
        m_translateTrace(before, header, TRANSLATE_DEMASQ);
        return true;
    }
    const Ports ports = ReadPorts(packet, protocol, true);
    if (protocol == PROTO_ICMP && IsIcmpError(ports.icmpType))
    {
        return DemasqueradeIcmpError(packet, header);
    }
    if (protocol == PROTO_ICMP &&
        !(ports.echo && ports.icmpType == Icmpv4Header::ICMPV4_ECHO_REPLY))
    {
        return false;
    }
    const uint16_t outsidePort = ports.valid ? ports.destination : 0;
    const uint16_t remotePort = ports.valid && !ports.echo ? ports.source : 0;
    auto m = m_masq.Inbound(protocol,
                            header.GetDestination().Get(),
                            outsidePort,
                            header.GetSource().Get(),
                            remotePort,
                            Simulator::Now().GetNanoSeconds());
    if (!m)
    {
        return false;
    }
    const Ipv4Header before = header;
    header.SetDestination(Ipv4Address(m->insideAddress));
    packet = RewriteTransport(packet,
                              before,
                              header,
                              std::nullopt,
                              ports.valid ? std::optional<uint16_t>(m->insidePort) : std::nullopt);
    NS_LOG_LOGIC("de-masquerade " << before.GetDestination() << ":" << outsidePort << " -> "
                                  << header.GetDestination() << ":" << m->insidePort);
    if (!header.IsLastFragment())
    {
        // The first fragment of a fragmented reply: remember where the others go (forgotten
        // after the last one, or after the reassembly timeout if it never comes).
        const Time now = Simulator::Now();
        for (auto it = m_masqFragments.begin(); it != m_masqFragments.end();)
        {
            it = now - it->second.second > Seconds(30) ? m_masqFragments.erase(it) : std::next(it);
        }
        m_masqFragments[fragmentKey] = {m->insideAddress, now};
    }
    m_translateTrace(before, header, TRANSLATE_DEMASQ);
    return true;
}

bool
Ipv4PolicyRouting::DemasqueradeIcmpError(Ptr<Packet>& packet, Ipv4Header& header)
{
    // Linux ip_fw_demasq_icmp: an error about a datagram R masqueraded quotes R's address and
    // masquerade port (or echo identifier); it goes to the inside host, quoting its own.
    IcmpError e = ReadIcmpError(packet);
    if (!e.valid || e.quoted.GetSource() != header.GetDestination() ||
        e.quoted.GetFragmentOffset() != 0)
    {
        return false;
    }
    const uint8_t quoted = e.quoted.GetProtocol();
    std::size_t at = 0; // where the port (or identifier) is in the quoted bytes
    uint16_t remotePort = 0;
    if (quoted == PROTO_UDP || quoted == PROTO_TCP)
    {
        remotePort = static_cast<uint16_t>((e.data[2] << 8) | e.data[3]);
    }
    else if (quoted == PROTO_ICMP && e.data[0] == Icmpv4Header::ICMPV4_ECHO)
    {
        at = 4;
    }
    else
    {
        return false;
    }
    const uint16_t port = static_cast<uint16_t>((e.data[at] << 8) | e.data[at + 1]);
    auto m = m_masq.Inbound(quoted,
                            e.quoted.GetSource().Get(),
                            port,
                            e.quoted.GetDestination().Get(),
                            remotePort,
                            Simulator::Now().GetNanoSeconds());
    if (!m)
    {
        return false;
    }
    const Ipv4Header before = header;
    header.SetDestination(Ipv4Address(m->insideAddress));
    e.quoted.SetSource(Ipv4Address(m->insideAddress));
    e.data[at] = static_cast<uint8_t>(m->insidePort >> 8);
    e.data[at + 1] = static_cast<uint8_t>(m->insidePort);
    packet = WriteIcmpError(e);
    NS_LOG_LOGIC("de-masquerade ICMP " << unsigned(e.type) << "/" << unsigned(e.code) << " to "
                                       << header.GetDestination());
    m_translateTrace(before, header, TRANSLATE_DEMASQ);
    return true;
}

bool
Ipv4PolicyRouting::TranslateOutbound(const PolicyDecision& d,
                                     Ptr<Packet>& packet,
                                     Ipv4Header& header)
{
    const uint8_t protocol = header.GetProtocol();
    if (d.translateDestination)
    {
        const Ipv4Header before = header;
        header.SetDestination(Ipv4Address(d.newDestination));
        packet = RewriteTransport(packet, before, header, std::nullopt, std::nullopt);
        NatIcmpError(packet, before, header);
        m_translateTrace(before, header, TRANSLATE_DNAT);
    }
    if (d.translateSource)
    {
        const Ipv4Header before = header;
        header.SetSource(Ipv4Address(d.newSource));
        packet = RewriteTransport(packet, before, header, std::nullopt, std::nullopt);
        NatIcmpError(packet, before, header);
        m_translateTrace(before, header, TRANSLATE_SNAT);
    }
    if (d.masquerade)
    {
        const Ipv4Header before = header;
        const Ports ports = ReadPorts(packet, protocol, header.GetFragmentOffset() == 0);
        if ((protocol == PROTO_ICMP &&
             !(ports.echo && ports.icmpType == Icmpv4Header::ICMPV4_ECHO)) ||
            header.GetFragmentOffset() != 0)
        {
            // Only echo requests open a mapping; other ICMP leaves with the address rewritten,
            // and so do the later fragments of a datagram (no ports: its first fragment has
            // the mapping).
            header.SetSource(ChooseSource(d, header.GetDestination()));
            m_translateTrace(before, header, TRANSLATE_MASQ);
            return true;
        }
        const Ipv4Address outside = ChooseSource(d, header.GetDestination());
        const uint16_t insidePort = ports.valid ? ports.source : 0;
        const uint16_t remotePort = ports.valid && !ports.echo ? ports.destination : 0;
        ConfigureMasquerade();
        auto m = m_masq.Outbound(protocol,
                                 header.GetSource().Get(),
                                 insidePort,
                                 outside.Get(),
                                 header.GetDestination().Get(),
                                 remotePort,
                                 Simulator::Now().GetNanoSeconds());
        if (!m)
        {
            NS_LOG_WARN("masquerade: no free port for " << header.GetSource());
            return false;
        }
        header.SetSource(outside);
        packet =
            RewriteTransport(packet,
                             before,
                             header,
                             ports.valid ? std::optional<uint16_t>(m->outsidePort) : std::nullopt,
                             std::nullopt);
        NS_LOG_LOGIC("masquerade " << before.GetSource() << ":" << insidePort << " -> " << outside
                                   << ":" << m->outsidePort);
        m_translateTrace(before, header, TRANSLATE_MASQ);
    }
    return true;
}

void
Ipv4PolicyRouting::SendIcmpError(Ptr<const Packet> packet, const Ipv4Header& header, uint8_t code)
{
    NS_LOG_FUNCTION(this << header << unsigned(code));
    if (!m_sendIcmp || (code == 13 && !m_sendProhibitedIcmp))
    {
        return;
    }
    const Ipv4Address src = header.GetSource();
    const Ipv4Address dst = header.GetDestination();
    // RFC 1812 4.3.2.7: not about ICMP errors, broadcasts, multicasts, non-initial fragments,
    // or packets whose source does not name a single host.
    if (dst.IsBroadcast() || dst.IsMulticast() || src.IsAny() || src.IsBroadcast() ||
        src.IsMulticast() || src.IsLocalhost() || header.GetFragmentOffset() != 0)
    {
        return;
    }
    // The directed broadcast addresses of the node's own networks are broadcasts too (the
    // limited broadcast alone is not enough: a packet to 10.1.255.255 is one).
    for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
    {
        for (uint32_t k = 0; k < m_ipv4->GetNAddresses(i); ++k)
        {
            const Ipv4InterfaceAddress a = m_ipv4->GetAddress(i, k);
            if (a.GetMask().GetPrefixLength() < 31 &&
                (dst == a.GetBroadcast() || src == a.GetBroadcast()))
            {
                return;
            }
        }
    }
    if (header.GetProtocol() == PROTO_ICMP && packet && packet->GetSize() >= 4)
    {
        Icmpv4Header icmp;
        packet->PeekHeader(icmp);
        if (IsIcmpError(icmp.GetType()))
        {
            return;
        }
    }
    const Time now = Simulator::Now();
    if (m_icmpInterval.IsStrictlyPositive())
    {
        auto it = m_lastIcmp.find(src.Get());
        if (it != m_lastIcmp.end() && now - it->second < m_icmpInterval)
        {
            return;
        }
        m_lastIcmp[src.Get()] = now;
    }

    Ptr<Packet> msg = Create<Packet>();
    Icmpv4DestinationUnreachable unreach;
    unreach.SetNextHopMtu(0);
    unreach.SetHeader(header);
    unreach.SetData(packet ? packet : Ptr<const Packet>(Create<Packet>()));
    msg->AddHeader(unreach);
    Icmpv4Header icmp;
    icmp.SetType(Icmpv4Header::ICMPV4_DEST_UNREACH);
    icmp.SetCode(code);
    if (Node::ChecksumEnabled())
    {
        icmp.EnableChecksum();
    }
    msg->AddHeader(icmp);

    Ipv4Header out;
    out.SetDestination(src);
    out.SetProtocol(PROTO_ICMP);
    Socket::SocketErrno err;
    Ptr<Ipv4Route> route = m_ipv4->GetRoutingProtocol()->RouteOutput(msg, out, nullptr, err);
    if (!route)
    {
        NS_LOG_LOGIC("no route back to " << src << " for the ICMP error");
        return;
    }
    NS_LOG_LOGIC("ICMP 3/" << unsigned(code) << " to " << src << " about " << dst);
    m_icmpTrace(header, Icmpv4Header::ICMPV4_DEST_UNREACH, code);
    m_ipv4->Send(msg, route->GetSource(), src, PROTO_ICMP, route);
}

void
Ipv4PolicyRouting::DropWithError(Ptr<const Packet> p,
                                 const Ipv4Header& header,
                                 RouteError error,
                                 uint32_t iif,
                                 bool sendIcmp)
{
    NS_LOG_LOGIC("drop " << header.GetSource() << " -> " << header.GetDestination() << ": "
                         << RouteErrorName(error));
    m_dropTrace(p, header, error, iif);
    const int code = RouteErrorIcmpCode(error);
    if (sendIcmp && code >= 0)
    {
        SendIcmpError(p, header, static_cast<uint8_t>(code));
    }
}

bool
Ipv4PolicyRouting::RouteInput(Ptr<const Packet> p,
                              const Ipv4Header& header,
                              Ptr<const NetDevice> idev,
                              policyrouting::CallbackParam<UnicastForwardCallback> ucb,
                              policyrouting::CallbackParam<MulticastForwardCallback> mcb,
                              policyrouting::CallbackParam<LocalDeliverCallback> lcb,
                              policyrouting::CallbackParam<ErrorCallback> ecb)
{
    NS_LOG_FUNCTION(this << p << header << idev);
    NS_ABORT_MSG_UNLESS(m_ipv4, "Ipv4PolicyRouting::RouteInput: not attached to an Ipv4");
    const int32_t iifSigned = m_ipv4->GetInterfaceForDevice(idev);
    NS_ABORT_MSG_IF(iifSigned < 0,
                    "Ipv4PolicyRouting::RouteInput: the input device has no IPv4 interface");
    const auto iif = static_cast<uint32_t>(iifSigned);
    const Ipv4Address dst = header.GetDestination();

    // Multicast and limited broadcast: delivered locally (no multicast forwarding here).
    if (dst.IsMulticast() || dst.IsBroadcast())
    {
        if (lcb.IsNull())
        {
            return false;
        }
        lcb(p, header, iif);
        return true;
    }

    Ptr<Packet> packet = p->Copy();
    Ipv4Header h = header;
    const bool demasqueraded = Demasquerade(packet, h);

    FlowKey key;
    key.src = h.GetSource().Get();
    key.dst = h.GetDestination().Get();
    key.tos = h.GetTos();
    key.iif = iif;
    PolicyDecision d = Decide(key, h);

    if (d.kind == PolicyDecision::LOCAL || d.kind == PolicyDecision::BROADCAST)
    {
        if (lcb.IsNull())
        {
            return false;
        }
        lcb(p, header, iif);
        return true;
    }

    const bool router = m_ipv4->IsForwarding(iif);
    if (!router)
    {
        // A host does not forward and sends no errors (2.1: "if (!IS_ROUTER) return
        // -EINVAL"); report it the way ns-3's routing protocols do.
        NS_LOG_LOGIC("forwarding disabled on interface " << iif << ": drop");
        m_dropTrace(p, header, RouteError::INVALID, iif);
        ecb(p, header, Socket::ERROR_NOROUTETOHOST);
        return true;
    }

    if (d.kind == PolicyDecision::FORWARD && !Interface(d.node.info.interface).up)
    {
        d.kind = PolicyDecision::ERROR;
        d.error = RouteError::NET_UNREACHABLE;
    }
    if (d.kind == PolicyDecision::FORWARD && d.valve && !demasqueraded)
    {
        // 2.1 ip_forward: RTCF_VALVE and not de-masqueraded: ICMP_PKT_FILTERED.
        d.kind = PolicyDecision::ERROR;
        d.error = RouteError::PROHIBITED;
    }
    if (!d.IsRoute())
    {
        if (d.ruleIndex < 0 && !IsTopLevel())
        {
            // No rule gave an answer: let the other protocols of an Ipv4ListRouting try.
            return false;
        }
        DropWithError(p, header, d.error, iif, true);
        return true;
    }

    if (!TranslateOutbound(d, packet, h))
    {
        DropWithError(p, header, RouteError::INVALID, iif, false);
        return true;
    }
    if (d.ruleFlags & RULE_FLAG_LOG)
    {
        auto flow = std::make_tuple(key.src, key.dst, key.tos, iif);
        if (m_logged.insert(flow).second)
        {
            NS_LOG_INFO("installing route " << header.GetSource() << " -> "
                                            << header.GetDestination() << " (rule " << d.preference
                                            << ")");
            m_routeCreatedTrace(header, d.preference);
        }
    }
    Ptr<Ipv4Route> route = MakeRoute(d, h.GetDestination(), h.GetSource());
    NS_LOG_LOGIC("forward " << h.GetSource() << " -> " << h.GetDestination() << " via "
                            << route->GetGateway() << " if " << d.node.info.interface);
    ucb(route, packet, h);
    (void)mcb;
    return true;
}

// ----- explanation and listings -----

Ipv4PolicyRouting::Explanation
Ipv4PolicyRouting::Explain(Ipv4Address dst, Ipv4Address src, uint8_t tos, int32_t iif, int32_t oif)
    const
{
    Explanation x;
    x.key.dst = dst.Get();
    x.key.tos = tos;
    x.key.oif = oif < 0 ? ROUTE_NO_INTERFACE : static_cast<uint32_t>(oif);
    const bool local = iif < 0;
    x.key.iif = local ? m_db.GetLoopbackInterface() : static_cast<uint32_t>(iif);
    const bool haveSource = !src.IsAny() && (!local || m_localRoutePolicy);
    x.key.src = haveSource ? src.Get() : 0;
    x.decision = m_db.Lookup(x.key, GetAlgorithm(), &x.steps);
    x.source = haveSource ? src : ChooseSource(x.decision, dst);
    if (local && m_localRoutePolicy && !haveSource && m_db.GetStyle() == RuleStyle::LINUX_2_1 &&
        x.decision.kind == PolicyDecision::FORWARD)
    {
        x.key.src = x.source.Get();
        x.steps.clear();
        x.decision = m_db.Lookup(x.key, GetAlgorithm(), &x.steps);
    }
    return x;
}

std::string
Ipv4PolicyRouting::Explanation::ToString() const
{
    std::ostringstream os;
    os << "lookup " << FormatAddress(key.dst) << " from "
       << (key.src ? FormatAddress(key.src) : std::string("0.0.0.0")) << " tos 0x" << std::hex
       << std::setw(2) << std::setfill('0') << unsigned(key.tos) << std::dec << std::setfill(' ')
       << "\n";
    for (const LookupStep& s : steps)
    {
        os << "  rule " << s.preference << ": " << LookupOutcomeName(s.outcome);
        if (s.outcome != LookupStep::RULE_NO_MATCH && s.outcome != LookupStep::RULE_TERMINATES &&
            s.outcome != LookupStep::RULE_OWN_ROUTE)
        {
            os << " [class " << s.classId << "]";
        }
        if (s.outcome == LookupStep::NODE_SELECTED || s.outcome == LookupStep::NODE_THROW)
        {
            os << " node: " << s.node;
        }
        os << "\n";
    }
    os << "  => ";
    switch (decision.kind)
    {
    case PolicyDecision::FORWARD:
        os << "forward: " << decision.node;
        break;
    case PolicyDecision::LOCAL:
        os << "local delivery";
        break;
    case PolicyDecision::BROADCAST:
        os << "broadcast delivery";
        break;
    case PolicyDecision::ERROR:
        os << "error " << RouteErrorName(decision.error);
        if (RouteErrorIcmpCode(decision.error) >= 0)
        {
            os << " (ICMP 3/" << RouteErrorIcmpCode(decision.error) << ")";
        }
        break;
    }
    if (decision.translateSource)
    {
        os << ", source NAT to " << FormatAddress(decision.newSource);
    }
    if (decision.masquerade)
    {
        os << ", masquerade";
    }
    if (decision.translateDestination)
    {
        os << ", destination NAT to " << FormatAddress(decision.newDestination);
    }
    if (decision.valve)
    {
        os << ", valve";
    }
    os << "\n";
    return os.str();
}

std::string
Ipv4PolicyRouting::RouteGet(Ipv4Address dst, Ipv4Address src, uint8_t tos, int32_t iif, int32_t oif)
    const
{
    return FormatRouteGet(Explain(dst, src, tos, iif, oif));
}

std::string
Ipv4PolicyRouting::FormatRouteGet(const Explanation& x,
                                  const std::function<std::string(uint32_t)>& ifName,
                                  const std::function<std::string(uint32_t)>& className) const
{
    auto name = [&](uint32_t i) { return ifName ? ifName(i) : GetInterfaceName(i); };
    auto table = [&](uint32_t c) { return className ? className(c) : std::to_string(c); };
    const Ipv4Address dst(x.key.dst);
    const PolicyDecision& d = x.decision;
    std::ostringstream os;
    switch (d.kind)
    {
    case PolicyDecision::ERROR:
        os << RouteErrorName(d.error);
        if (d.ruleIndex >= 0)
        {
            os << (d.fromRule ? " rule " + std::to_string(d.preference)
                              : " table " + table(d.classId));
        }
        return os.str();
    case PolicyDecision::LOCAL:
        os << "local " << dst << " dev lo";
        break;
    case PolicyDecision::BROADCAST:
        os << "broadcast " << dst << " dev " << name(d.node.info.interface);
        break;
    case PolicyDecision::FORWARD:
        os << (d.translateDestination ? Ipv4Address(d.newDestination) : dst);
        if (d.node.info.gateway)
        {
            os << " via " << Ipv4Address(d.node.info.gateway);
        }
        os << " dev " << name(d.node.info.interface);
        break;
    }
    os << " src " << x.source;
    if (d.fromRule)
    {
        os << " rule " << d.preference;
    }
    else
    {
        os << " table " << table(d.classId);
    }
    return os.str();
}

void
Ipv4PolicyRouting::Print(std::ostream& os, ListingStyle style) const
{
    auto name = [this](uint32_t i) { return GetInterfaceName(i); };
    if (style == LISTING_SEED || style == LISTING_BOTH)
    {
        m_db.PrintRulesSeed(os, name);
        for (uint32_t id : m_db.GetClassIds())
        {
            os << "Class " << id << "\n";
            m_db.PrintClass(os, id, name);
        }
    }
    if (style == LISTING_MODERN || style == LISTING_BOTH)
    {
        os << "# ip rule show\n";
        m_db.PrintRulesModern(os, name);
        for (uint32_t id : m_db.GetClassIds())
        {
            os << "# ip route show table " << id << "\n";
            m_db.PrintClass(os, id, name);
        }
    }
}

void
Ipv4PolicyRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit unit) const
{
    std::ostream* os = stream->GetStream();
    std::ios oldState(nullptr);
    oldState.copyfmt(*os);
    Ptr<Node> node = m_ipv4 ? m_ipv4->GetObject<Node>() : nullptr;
    *os << "Node: " << (node ? node->GetId() : 0) << ", Time: " << Now().As(unit)
        << ", Local time: " << (node ? node->GetLocalTime().As(unit) : Now().As(unit))
        << ", Ipv4PolicyRouting table" << std::endl;
    Print(*os, m_listingStyle);
    os->copyfmt(oldState);
}

} // namespace ns3
