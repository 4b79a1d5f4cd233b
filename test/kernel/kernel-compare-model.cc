/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "kernel-compare-model.h"

#include "ns3/boolean.h"
#include "ns3/enum.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4-route.h"
#include "ns3/mac48-address.h"
#include "ns3/names.h"
#include "ns3/packet.h"
#include "ns3/simple-channel.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"

#include <sstream>

using namespace ns3;

namespace kernelcompare
{

ModelNode::ModelNode(const Config& config)
{
    Ipv4PolicyRoutingHelper policy;
    policy.Set("RuleStyle", EnumValue(Ipv4PolicyRouting::STYLE_MODERN));
    policy.Set("LookupAlgorithm", EnumValue(Ipv4PolicyRouting::ALGORITHM_LINUX));
    policy.Set("LocalRoutePolicy", BooleanValue(true));
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(policy);
    m_node = CreateObject<Node>();
    stack.Install(m_node);
    m_ipv4 = m_node->GetObject<Ipv4>();
    m_routing = Ipv4PolicyRoutingHelper::GetPolicyRouting(m_node);
    for (std::size_t k = 0; k < config.interfaces.size(); ++k)
    {
        const Interface& i = config.interfaces[k];
        Ptr<SimpleNetDevice> dev = CreateObject<SimpleNetDevice>();
        dev->SetAddress(Mac48Address::Allocate());
        dev->SetChannel(CreateObject<SimpleChannel>());
        m_node->AddDevice(dev);
        Names::Add("v" + std::to_string(k), dev);
        const uint32_t index = m_ipv4->AddInterface(dev);
        NS_ABORT_MSG_UNLESS(index == k + 1, "unexpected interface index " << index);
        for (const Interface& a : AddressesOf(i))
        {
            m_ipv4->AddAddress(
                index,
                Ipv4InterfaceAddress(Ipv4Address(a.address), Ipv4Mask(Mask(a.length))));
        }
        m_ipv4->SetForwarding(index, true);
        m_ipv4->SetUp(index);
        m_devices.push_back(dev);
    }
    m_routing->TraceConnectWithoutContext("Drop", MakeCallback(&ModelNode::OnDrop, this));
    m_routing->TraceConnectWithoutContext("IcmpSent", MakeCallback(&ModelNode::OnIcmp, this));
    m_node->Initialize();
}

ModelNode::~ModelNode()
{
    m_routing = nullptr;
    m_ipv4 = nullptr;
    m_devices.clear();
    m_node = nullptr;
    Simulator::Destroy();
    Names::Clear();
}

int
ModelNode::VethOf(uint32_t i) const
{
    if (i == m_routing->GetLoopbackInterface())
    {
        return LO_IF;
    }
    if (i == ROUTE_NO_INTERFACE)
    {
        return NO_IF;
    }
    return static_cast<int>(i) - 1;
}

uint32_t
ModelNode::InterfaceOf(int k) const
{
    if (k == LO_IF)
    {
        return m_routing->GetLoopbackInterface();
    }
    if (k == NO_IF)
    {
        return ROUTE_NO_INTERFACE;
    }
    return static_cast<uint32_t>(k + 1);
}

namespace
{

RouteNodeType
NodeType(RouteType t)
{
    switch (t)
    {
    case RouteType::UNICAST:
        return RouteNodeType::UNICAST;
    case RouteType::UNREACHABLE:
        return RouteNodeType::REJECT;
    case RouteType::PROHIBIT:
        return RouteNodeType::PROHIBIT;
    case RouteType::BLACKHOLE:
        return RouteNodeType::BLACKHOLE;
    case RouteType::THROW:
        return RouteNodeType::THROW;
    }
    return RouteNodeType::UNICAST;
}

RuleAction
Action(RuleType t)
{
    switch (t)
    {
    case RuleType::LOOKUP:
        return RuleAction::ROUTE;
    case RuleType::UNREACHABLE:
        return RuleAction::REJECT;
    case RuleType::PROHIBIT:
        return RuleAction::PROHIBIT;
    case RuleType::BLACKHOLE:
        return RuleAction::DROP;
    }
    return RuleAction::ROUTE;
}

OpResult
FromClassResult(ClassResult r)
{
    switch (r)
    {
    case ClassResult::OK:
        return OpResult::OK;
    case ClassResult::EXISTS:
        return OpResult::EXISTS;
    case ClassResult::NOT_FOUND:
        return OpResult::NOT_FOUND;
    default:
        return OpResult::FAILED;
    }
}

AnswerKind
FromError(RouteError e)
{
    switch (e)
    {
    case RouteError::NET_UNREACHABLE:
        return AnswerKind::NET_UNREACHABLE;
    case RouteError::HOST_UNREACHABLE:
        return AnswerKind::HOST_UNREACHABLE;
    case RouteError::PROHIBITED:
        return AnswerKind::PROHIBITED;
    case RouteError::BLACKHOLE:
    case RouteError::INVALID:
        return AnswerKind::INVALID;
    default:
        return AnswerKind::OTHER;
    }
}

std::string
NodeTypeName(RouteNodeType t)
{
    switch (t)
    {
    case RouteNodeType::UNICAST:
        return "unicast";
    case RouteNodeType::LOCAL:
        return "local";
    case RouteNodeType::BROADCAST:
        return "broadcast";
    case RouteNodeType::REJECT:
        return "unreachable";
    case RouteNodeType::PROHIBIT:
        return "prohibit";
    case RouteNodeType::BLACKHOLE:
        return "blackhole";
    case RouteNodeType::THROW:
        return "throw";
    case RouteNodeType::NAT:
        return "nat";
    }
    return "?";
}

} // namespace

OpResult
ModelNode::Apply(const Op& op)
{
    switch (op.kind)
    {
    case OpKind::ROUTE_ADD:
    case OpKind::ROUTE_APPEND:
    case OpKind::ROUTE_PREPEND:
    case OpKind::ROUTE_REPLACE: {
        const RouteOp& r = op.route;
        RouteEntry e;
        e.prefix = r.prefix;
        e.length = r.length;
        e.tos = r.tos;
        e.metric = r.metric;
        e.info.type = NodeType(r.type);
        e.info.gateway = r.gateway;
        e.info.interface = InterfaceOf(r.dev);
        const InsertMode mode = op.kind == OpKind::ROUTE_ADD       ? InsertMode::ADD
                                : op.kind == OpKind::ROUTE_APPEND  ? InsertMode::APPEND
                                : op.kind == OpKind::ROUTE_PREPEND ? InsertMode::PREPEND
                                                                   : InsertMode::REPLACE;
        return FromClassResult(m_routing->AddRoute(e, r.table, mode));
    }
    case OpKind::ROUTE_DEL: {
        const RouteOp& r = op.route;
        RouteSelector s;
        s.prefix = r.prefix;
        s.length = r.length;
        s.tos = r.tos;
        s.hasMetric = r.metric != 0;
        s.metric = r.metric;
        s.hasType = r.typeGiven;
        s.type = NodeType(r.type);
        s.gateway = r.gateway;
        s.interface = InterfaceOf(r.dev);
        return FromClassResult(m_routing->DeleteRoute(s, r.table));
    }
    case OpKind::RULE_ADD: {
        const RuleOp& r = op.rule;
        PolicyRule rule;
        rule.src = r.src;
        rule.srcLength = r.srcLength;
        rule.dst = r.dst;
        rule.dstLength = r.dstLength;
        rule.tos = r.tos;
        rule.iif = InterfaceOf(r.iif);
        rule.action = Action(r.type.value_or(RuleType::LOOKUP));
        rule.classId = rule.action == RuleAction::ROUTE ? r.table : CLASS_UNSPEC;
        const PolicyDatabase::AddResult a = m_routing->GetDatabase().AddRule(rule, r.pref);
        return FromClassResult(a.result);
    }
    case OpKind::RULE_DEL: {
        const RuleOp& r = op.rule;
        RuleSelector s;
        s.preference = r.pref;
        if (r.srcLength)
        {
            s.src = r.src;
            s.srcLength = r.srcLength;
        }
        if (r.dstLength)
        {
            s.dst = r.dst;
            s.dstLength = r.dstLength;
        }
        if (r.tos)
        {
            s.tos = r.tos;
        }
        if (r.iif != NO_IF)
        {
            s.iif = InterfaceOf(r.iif);
        }
        if (r.type)
        {
            s.action = Action(*r.type);
        }
        if (r.table)
        {
            s.classId = r.table;
        }
        return m_routing->DeleteRule(s) ? OpResult::OK : OpResult::NOT_FOUND;
    }
    }
    return OpResult::FAILED;
}

void
ModelNode::OnUnicast(Ptr<Ipv4Route> route, Ptr<const Packet>, const Ipv4Header&)
{
    ++m_capture.unicast;
    m_capture.route = route;
}

void
ModelNode::OnMulticast(Ptr<Ipv4MulticastRoute>, Ptr<const Packet>, const Ipv4Header&)
{
    ++m_capture.multicast;
}

void
ModelNode::OnLocal(Ptr<const Packet>, const Ipv4Header&, uint32_t)
{
    ++m_capture.local;
}

void
ModelNode::OnError(Ptr<const Packet>, const Ipv4Header&, Socket::SocketErrno err)
{
    ++m_capture.error;
    m_capture.errno_ = err;
}

void
ModelNode::OnDrop(Ptr<const Packet>, const Ipv4Header&, RouteError reason, uint32_t)
{
    // The first drop is the question's; later ones come from routing the ICMP error back.
    if (m_capture.drops++ == 0)
    {
        m_capture.dropReason = reason;
    }
}

void
ModelNode::OnIcmp(const Ipv4Header&, uint8_t type, uint8_t code)
{
    if (m_capture.icmps++ == 0 && type == 3)
    {
        m_capture.icmpCode = code;
    }
}

Answer
ModelNode::Ask(const Query& q)
{
    m_capture = Capture();
    Ipv4Header h;
    h.SetDestination(Ipv4Address(q.dst));
    if (q.src)
    {
        h.SetSource(Ipv4Address(q.src));
    }
    h.SetTos(q.tos);
    h.SetProtocol(17);
    h.SetTtl(64);
    h.SetPayloadSize(8);
    Ptr<Packet> p = Create<Packet>(8);
    Answer a;
    std::ostringstream detail;

    if (q.iif == NO_IF)
    {
        // Locally originated, as a socket with IP_TOS sends it.
        SocketIpTosTag tag;
        tag.SetTos(q.tos);
        p->AddPacketTag(tag);
        Socket::SocketErrno err = Socket::ERROR_NOTERROR;
        Ptr<Ipv4Route> route = m_routing->RouteOutput(p, h, nullptr, err);
        if (route)
        {
            const int32_t i = m_ipv4->GetInterfaceForDevice(route->GetOutputDevice());
            const int k = i < 0 ? NO_IF - 1 : VethOf(static_cast<uint32_t>(i));
            a.kind = k == LO_IF ? AnswerKind::LOCAL : AnswerKind::FORWARD;
            a.gateway = route->GetGateway().Get();
            a.dev = k;
            detail << "RouteOutput: route dev " << IfName(k) << " gateway " << route->GetGateway()
                   << " source " << route->GetSource();
        }
        else
        {
            a.kind = m_capture.drops ? FromError(m_capture.dropReason) : AnswerKind::OTHER;
            detail << "RouteOutput: no route, errno " << err << ", Drop trace "
                   << (m_capture.drops ? RouteErrorName(m_capture.dropReason) : "none");
        }
        a.detail = detail.str();
        return a;
    }

    Ptr<NetDevice> dev = m_devices.at(static_cast<std::size_t>(q.iif));
    const bool handled = m_routing->RouteInput(p,
                                               h,
                                               dev,
                                               MakeCallback(&ModelNode::OnUnicast, this),
                                               MakeCallback(&ModelNode::OnMulticast, this),
                                               MakeCallback(&ModelNode::OnLocal, this),
                                               MakeCallback(&ModelNode::OnError, this));
    detail << "RouteInput: returned " << (handled ? "true" : "false");
    const int callbacks =
        m_capture.unicast + m_capture.local + m_capture.multicast + m_capture.error;
    if (callbacks > 1 || (callbacks == 1 && m_capture.drops))
    {
        detail << ", more than one outcome (unicast " << m_capture.unicast << " local "
               << m_capture.local << " error " << m_capture.error << " drops " << m_capture.drops
               << ")";
        a.kind = AnswerKind::OTHER;
    }
    else if (m_capture.unicast)
    {
        const int32_t i = m_ipv4->GetInterfaceForDevice(m_capture.route->GetOutputDevice());
        a.kind = AnswerKind::FORWARD;
        a.gateway = m_capture.route->GetGateway().Get();
        a.dev = i < 0 ? NO_IF - 1 : VethOf(static_cast<uint32_t>(i));
        detail << ", unicast forward via " << m_capture.route->GetGateway() << " dev "
               << IfName(a.dev);
    }
    else if (m_capture.local)
    {
        a.kind = AnswerKind::LOCAL;
        detail << ", local deliver";
    }
    else if (m_capture.drops)
    {
        a.kind = FromError(m_capture.dropReason);
        detail << ", Drop trace " << RouteErrorName(m_capture.dropReason);
        const int expected = RouteErrorIcmpCode(m_capture.dropReason);
        if (m_capture.icmps)
        {
            detail << ", ICMP 3/" << m_capture.icmpCode;
        }
        else
        {
            detail << ", no ICMP";
        }
        // The ICMP error (when one could be routed back) must say the same as the drop.
        if (m_capture.icmps && m_capture.icmpCode != expected)
        {
            detail << " (ICMP code disagrees with the drop reason)";
            a.kind = AnswerKind::OTHER;
        }
        if (expected < 0 && m_capture.icmps)
        {
            detail << " (ICMP for a silent drop)";
            a.kind = AnswerKind::OTHER;
        }
    }
    else if (m_capture.error)
    {
        a.kind = AnswerKind::OTHER;
        detail << ", error callback errno " << m_capture.errno_;
    }
    else
    {
        a.kind = AnswerKind::OTHER;
        detail << ", no outcome";
    }
    a.detail = detail.str();
    return a;
}

std::string
ModelNode::Explain(const Query& q) const
{
    const int32_t iif = q.iif == NO_IF ? -1 : static_cast<int32_t>(InterfaceOf(q.iif));
    return m_routing
        ->Explain(Ipv4Address(q.dst),
                  q.src ? Ipv4Address(q.src) : Ipv4Address::GetAny(),
                  q.tos,
                  iif,
                  -1)
        .ToString();
}

State
ModelNode::GetState() const
{
    State s;
    const PolicyDatabase& db = m_routing->GetDatabase();
    for (const PolicyRule& r : db.GetRules())
    {
        StateRule x;
        x.pref = r.preference;
        x.src = r.src;
        x.srcLength = r.srcLength;
        x.dst = r.dst;
        x.dstLength = r.dstLength;
        x.tos = r.tos;
        x.iif = VethOf(r.iif);
        switch (r.action)
        {
        case RuleAction::REJECT:
            x.type = RuleType::UNREACHABLE;
            break;
        case RuleAction::PROHIBIT:
            x.type = RuleType::PROHIBIT;
            break;
        case RuleAction::DROP:
            x.type = RuleType::BLACKHOLE;
            break;
        default:
            x.type = RuleType::LOOKUP;
            x.table = r.classId;
            break;
        }
        s.rules.push_back(x);
    }
    for (uint32_t id : db.GetClassIds())
    {
        db.FindClass(id)->ForEach([&s, id, this](const RouteEntry& e) {
            StateRoute x;
            x.table = id;
            x.type = NodeTypeName(e.info.type);
            x.prefix = e.prefix;
            x.length = e.length;
            x.tos = e.tos;
            x.metric = e.metric;
            x.gateway = e.info.gateway;
            x.dev = VethOf(e.info.interface);
            s.routes.push_back(x);
        });
    }
    return s;
}

std::string
ModelNode::Listing() const
{
    std::ostringstream os;
    m_routing->Print(os, Ipv4PolicyRouting::LISTING_MODERN);
    return os.str();
}

} // namespace kernelcompare
