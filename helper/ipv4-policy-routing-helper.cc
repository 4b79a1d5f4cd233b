/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ipv4-policy-routing-helper.h"

#include "ns3/abort.h"
#include "ns3/ipv4-list-routing.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/node.h"

#include <cstdlib>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("Ipv4PolicyRoutingHelper");

std::pair<Ipv4Address, uint8_t>
ParsePolicyPrefix(const std::string& text)
{
    if (text == "default" || text == "all" || text == "any")
    {
        return {Ipv4Address::GetZero(), 0};
    }
    const std::size_t slash = text.find('/');
    const std::string address = text.substr(0, slash);
    unsigned a[4];
    char tail;
    NS_ABORT_MSG_UNLESS(
        std::sscanf(address.c_str(), "%u.%u.%u.%u%c", &a[0], &a[1], &a[2], &a[3], &tail) == 4 &&
            a[0] < 256 && a[1] < 256 && a[2] < 256 && a[3] < 256,
        "policy routing: \"" << text << "\" is not an IPv4 prefix (a.b.c.d/len)");
    long length = 32;
    if (slash != std::string::npos)
    {
        char* end = nullptr;
        const std::string l = text.substr(slash + 1);
        length = std::strtol(l.c_str(), &end, 10);
        NS_ABORT_MSG_UNLESS(!l.empty() && *end == '\0' && length >= 0 && length <= 32,
                            "policy routing: bad prefix length in \"" << text << "\"");
    }
    const uint32_t value = (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3];
    const uint32_t mask = length == 0 ? 0 : 0xffffffffu << (32 - length);
    NS_ABORT_MSG_UNLESS((value & ~mask) == 0,
                        "policy routing: \"" << text << "\" has host bits set (use "
                                             << Ipv4Address(value & mask) << "/" << length << ")");
    return {Ipv4Address(value), static_cast<uint8_t>(length)};
}

namespace
{

uint32_t
InterfaceOf(Ptr<Ipv4> ipv4, Ptr<NetDevice> device, const char* what)
{
    const int32_t i = ipv4->GetInterfaceForDevice(device);
    NS_ABORT_MSG_IF(i < 0,
                    "policy routing: the " << what << " device " << device
                                           << " has no IPv4 interface on this node");
    return static_cast<uint32_t>(i);
}

} // namespace

// ----- PolicyRuleSpec -----

PolicyRuleSpec::PolicyRuleSpec() = default;

PolicyRuleSpec&
PolicyRuleSpec::From(const std::string& prefix)
{
    auto [a, len] = ParsePolicyPrefix(prefix);
    m_rule.src = a.Get();
    m_rule.srcLength = len;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::From(Ipv4Address address, Ipv4Mask mask)
{
    m_rule.src = address.CombineMask(mask).Get();
    m_rule.srcLength = static_cast<uint8_t>(mask.GetPrefixLength());
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::To(const std::string& prefix)
{
    auto [a, len] = ParsePolicyPrefix(prefix);
    m_rule.dst = a.Get();
    m_rule.dstLength = len;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::To(Ipv4Address address, Ipv4Mask mask)
{
    m_rule.dst = address.CombineMask(mask).Get();
    m_rule.dstLength = static_cast<uint8_t>(mask.GetPrefixLength());
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Tos(uint8_t tos)
{
    m_rule.tos = tos;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Iif(uint32_t interface)
{
    m_rule.iif = interface;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Iif(Ptr<NetDevice> device)
{
    m_iifDevice = device;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Oif(uint32_t interface)
{
    m_rule.oif = interface;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Oif(Ptr<NetDevice> device)
{
    m_oifDevice = device;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Pref(uint32_t preference)
{
    m_preference = preference;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Lookup(uint32_t classId)
{
    m_rule.classId = classId;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Nat(Ipv4Address address)
{
    m_rule.action = RuleAction::NAT;
    m_rule.natAddress = address.Get();
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Masquerade()
{
    m_rule.action = RuleAction::MASQUERADE;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Drop()
{
    m_rule.action = RuleAction::DROP;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Reject()
{
    m_rule.action = RuleAction::REJECT;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Prohibit()
{
    m_rule.action = RuleAction::PROHIBIT;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Via(const std::string& gateway)
{
    return Via(Ipv4Address(gateway.c_str()));
}

PolicyRuleSpec&
PolicyRuleSpec::Via(const char* gateway)
{
    return Via(Ipv4Address(gateway));
}

PolicyRuleSpec&
PolicyRuleSpec::Via(Ipv4Address gateway)
{
    m_rule.hasRoute = true;
    m_rule.route.gateway = gateway.Get();
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Dev(uint32_t interface)
{
    m_rule.hasRoute = true;
    m_rule.route.interface = interface;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Dev(Ptr<NetDevice> device)
{
    m_rule.hasRoute = true;
    m_routeDevice = device;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Log()
{
    m_rule.flags |= RULE_FLAG_LOG;
    return *this;
}

PolicyRuleSpec&
PolicyRuleSpec::Valve()
{
    m_rule.flags |= RULE_FLAG_VALVE;
    return *this;
}

PolicyRule
PolicyRuleSpec::Resolve(Ptr<Ipv4> ipv4) const
{
    PolicyRule r = m_rule;
    if (m_iifDevice)
    {
        r.iif = InterfaceOf(ipv4, m_iifDevice, "input");
    }
    if (m_oifDevice)
    {
        r.oif = InterfaceOf(ipv4, m_oifDevice, "output");
    }
    if (m_routeDevice)
    {
        r.route.interface = InterfaceOf(ipv4, m_routeDevice, "route");
    }
    return r;
}

// ----- PolicyRouteSpec -----

PolicyRouteSpec::PolicyRouteSpec(const std::string& prefix)
    : m_classId(CLASS_UNSPEC),
      m_mode(InsertMode::ADD)
{
    auto [a, len] = ParsePolicyPrefix(prefix);
    m_entry.prefix = a.Get();
    m_entry.length = len;
}

PolicyRouteSpec::PolicyRouteSpec(Ipv4Address network, Ipv4Mask mask)
    : m_classId(CLASS_UNSPEC),
      m_mode(InsertMode::ADD)
{
    m_entry.prefix = network.CombineMask(mask).Get();
    m_entry.length = static_cast<uint8_t>(mask.GetPrefixLength());
}

PolicyRouteSpec&
PolicyRouteSpec::Via(const std::string& gateway)
{
    return Via(Ipv4Address(gateway.c_str()));
}

PolicyRouteSpec&
PolicyRouteSpec::Via(const char* gateway)
{
    return Via(Ipv4Address(gateway));
}

PolicyRouteSpec&
PolicyRouteSpec::Via(Ipv4Address gateway)
{
    m_entry.info.gateway = gateway.Get();
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Dev(uint32_t interface)
{
    m_entry.info.interface = interface;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Dev(Ptr<NetDevice> device)
{
    m_device = device;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Src(Ipv4Address source)
{
    m_entry.info.prefSrc = source.Get();
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Tos(uint8_t tos)
{
    m_entry.tos = tos;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Metric(uint32_t metric)
{
    m_entry.metric = metric;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Class(uint32_t classId)
{
    m_classId = classId;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Type(RouteNodeType type)
{
    m_entry.info.type = type;
    return *this;
}

PolicyRouteSpec&
PolicyRouteSpec::Reject()
{
    return Type(RouteNodeType::REJECT);
}

PolicyRouteSpec&
PolicyRouteSpec::Prohibit()
{
    return Type(RouteNodeType::PROHIBIT);
}

PolicyRouteSpec&
PolicyRouteSpec::Blackhole()
{
    return Type(RouteNodeType::BLACKHOLE);
}

PolicyRouteSpec&
PolicyRouteSpec::Throw()
{
    return Type(RouteNodeType::THROW);
}

PolicyRouteSpec&
PolicyRouteSpec::Mode(InsertMode mode)
{
    m_mode = mode;
    return *this;
}

RouteEntry
PolicyRouteSpec::Resolve(Ptr<Ipv4> ipv4) const
{
    RouteEntry e = m_entry;
    if (m_device)
    {
        e.info.interface = InterfaceOf(ipv4, m_device, "route");
    }
    return e;
}

// ----- Ipv4PolicyRoutingHelper -----

Ipv4PolicyRoutingHelper::Ipv4PolicyRoutingHelper()
{
    m_factory.SetTypeId(Ipv4PolicyRouting::GetTypeId());
}

Ipv4PolicyRoutingHelper*
Ipv4PolicyRoutingHelper::Copy() const
{
    return new Ipv4PolicyRoutingHelper(*this);
}

Ptr<Ipv4RoutingProtocol>
Ipv4PolicyRoutingHelper::Create(Ptr<Node> node) const
{
    return m_factory.Create<Ipv4PolicyRouting>();
}

void
Ipv4PolicyRoutingHelper::Set(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

Ptr<Ipv4PolicyRouting>
Ipv4PolicyRoutingHelper::GetPolicyRouting(Ptr<Node> node)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    NS_ABORT_MSG_UNLESS(ipv4, "Ipv4PolicyRoutingHelper: node " << node->GetId() << " has no IPv4");
    Ptr<Ipv4PolicyRouting> pr =
        Ipv4RoutingHelper::GetRouting<Ipv4PolicyRouting>(ipv4->GetRoutingProtocol());
    NS_ABORT_MSG_UNLESS(pr,
                        "Ipv4PolicyRoutingHelper: node "
                            << node->GetId()
                            << " has no Ipv4PolicyRouting (install it with "
                               "InternetStackHelper::SetRoutingHelper)");
    return pr;
}

uint32_t
Ipv4PolicyRoutingHelper::AddRule(Ptr<Node> node, const PolicyRuleSpec& rule) const
{
    Ptr<Ipv4PolicyRouting> pr = GetPolicyRouting(node);
    return pr->AddRule(rule.Resolve(node->GetObject<Ipv4>()), rule.GetPreference());
}

void
Ipv4PolicyRoutingHelper::AddRule(NodeContainer nodes, const PolicyRuleSpec& rule) const
{
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        AddRule(*it, rule);
    }
}

void
Ipv4PolicyRoutingHelper::AddRoute(Ptr<Node> node, const PolicyRouteSpec& route) const
{
    Ptr<Ipv4PolicyRouting> pr = GetPolicyRouting(node);
    const RouteEntry e = route.Resolve(node->GetObject<Ipv4>());
    const ClassResult r = pr->AddRoute(e, route.GetClass(), route.GetMode());
    NS_ABORT_MSG_IF(r != ClassResult::OK,
                    "Ipv4PolicyRoutingHelper::AddRoute: node " << node->GetId() << ": cannot add "
                                                               << e << ": " << ClassResultName(r));
}

void
Ipv4PolicyRoutingHelper::AddRoute(NodeContainer nodes, const PolicyRouteSpec& route) const
{
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        AddRoute(*it, route);
    }
}

std::string
Ipv4PolicyRoutingHelper::RouteGet(Ptr<Node> node,
                                  Ipv4Address dst,
                                  Ipv4Address src,
                                  uint8_t tos,
                                  int32_t iif)
{
    return GetPolicyRouting(node)->RouteGet(dst, src, tos, iif);
}

} // namespace ns3
