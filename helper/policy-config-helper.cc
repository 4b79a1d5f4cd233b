/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "policy-config-helper.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/ipv4-interface-address.h"
#include "ns3/ipv4-policy-routing.h"
#include "ns3/ipv4-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/loopback-net-device.h"
#include "ns3/names.h"
#include "ns3/shaper-net-device.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("PolicyConfigHelper");

std::string
PolicyConfigResult::ErrorText() const
{
    std::string s;
    for (const ConfigError& e : errors)
    {
        s += e.ToString() + "\n";
    }
    return s;
}

namespace
{

/// Thrown inside a run to stop at the first failing command.
struct ApplyFailure
{
    ConfigLocation where; //!< position
    std::string message;  //!< message
};

std::string
Quote(const std::string& s)
{
    return "\"" + s + "\"";
}

uint32_t
MaskOf(uint8_t length)
{
    return length == 0 ? 0 : 0xffffffffu << (32 - length);
}

std::string
TableName(uint32_t id)
{
    return ClassIdName(id);
}

std::string
Hex2(uint32_t v)
{
    std::ostringstream os;
    os << "0x" << std::hex;
    os.width(2);
    os.fill('0');
    os << v;
    return os.str();
}

/// "10.0.0.0/8 tos 0x10 metric 5"
std::string
RouteKeyText(uint32_t prefix, uint8_t length, uint8_t tos, bool hasMetric, uint32_t metric)
{
    std::string s = FormatPrefix(prefix, length);
    if (tos)
    {
        s += " tos " + Hex2(tos);
    }
    if (hasMetric && metric)
    {
        s += " metric " + std::to_string(metric);
    }
    return s;
}

/// The FibModel attribute value names, by ip_fib_model.
const char* const FIB_MODEL_NAMES[] = {"Standard", "DefaultRoutes", "Rfc1812"};

} // namespace

// ----- a run: check, then carry out with undo -----

/**
 * One application of a configuration to a node: the checks before (Validate), the commands
 * (Execute) with an undo log, and the undo (Rollback).
 */
class PolicyConfigHelper::Run
{
  public:
    Run(const PolicyConfigHelper& helper, Ptr<Node> node, const std::string& file)
        : m_helper(helper),
          m_node(node),
          m_file(file)
    {
        m_ipv4 = node->GetObject<Ipv4>();
        if (m_ipv4 && m_ipv4->GetRoutingProtocol())
        {
            m_routing =
                Ipv4RoutingHelper::GetRouting<Ipv4PolicyRouting>(m_ipv4->GetRoutingProtocol());
        }
    }

    /// Check every command against the node. \return the first error, if any
    std::optional<ConfigError> Validate(const std::vector<ConfigCommand>& commands);

    /// Carry the commands out. \return the first error, if any (then call Rollback())
    std::optional<ConfigError> Execute(const std::vector<ConfigCommand>& commands);

    /// Undo everything Execute() did.
    void Rollback();

    std::map<std::string, Ptr<NetDevice>> m_created; //!< shapers created, by name
    std::ostringstream m_out;                        //!< output of show/get/echo
    std::vector<ConfigNote> m_notes;                 //!< notes

  private:
    [[noreturn]] void Fail(const ConfigLocation& where, const std::string& message) const
    {
        throw ApplyFailure{where, message};
    }

    void Note(const ConfigLocation& where, const std::string& message)
    {
        m_notes.push_back({where.file, where.line, where.column, message});
    }

    // ----- names -----
    Ptr<NetDevice> Find(const std::string& name) const;
    std::string KnownNames() const;

    std::string NodeText() const
    {
        return "node " + std::to_string(m_node->GetId());
    }

    std::string IfName(uint32_t interface) const;

    /// \return the rule database, read only (the non-const accessor resets the LOG cache)
    const PolicyDatabase& Database() const
    {
        return static_cast<const Ipv4PolicyRouting&>(*m_routing).GetDatabase();
    }

    std::string DevName(Ptr<NetDevice> dev) const;

    // ----- checks -----
    void CheckCommand(const ConfigCommand& c);
    void RequireRouting(const ConfigCommand& c) const;
    void RequireIpv4(const ConfigCommand& c) const;
    /// The device a reference names now, or null if it is a shaper to be created; fails if
    /// it names nothing.
    Ptr<NetDevice> RequireDevice(const DeviceRef& ref) const;
    void RequireInterface(const DeviceRef& ref) const;

    // ----- execution -----
    void ExecuteCommand(const ConfigCommand& c);
    Ptr<NetDevice> Device(const DeviceRef& ref) const;
    uint32_t Interface(const DeviceRef& ref) const;
    uint32_t ChooseClass(const RouteEntry& e) const;
    bool HasKey(uint32_t classId, const RouteEntry& e) const;
    bool HasEquivalent(uint32_t classId, const RouteEntry& e, bool compareSource) const;
    void SetUpDown(uint32_t interface, bool up);
    void PrintRoutes(std::optional<uint32_t> classId);
    std::string RouteGetText(const RouteGetCommand& g, int32_t iif, int32_t oif) const;

    void DoRouteAdd(const ConfigCommand& c, const RouteAddCommand& a);
    void DoRouteDelete(const ConfigCommand& c, const RouteDeleteCommand& d);
    void DoRouteFlush(const RouteFlushCommand& f);
    void DoRuleAdd(const ConfigCommand& c, const RuleAddCommand& a);
    void DoRuleDelete(const ConfigCommand& c, const RuleDeleteCommand& d);
    void DoRuleFlush();
    void DoInterface(const ConfigCommand& c, const InterfaceCommand& ic);
    void DoSysctl(const SysctlCommand& s);
    void DoShaperAttach(const ConfigCommand& c, const ShaperAttachCommand& a);
    void DoShaperSpeed(const ShaperSpeedCommand& s);

    const PolicyConfigHelper& m_helper;
    Ptr<Node> m_node;
    std::string m_file;
    Ptr<Ipv4> m_ipv4;
    Ptr<Ipv4PolicyRouting> m_routing;

    // Validate: what the file will have created by the command being checked.
    std::map<std::string, uint32_t> m_futureShapers; //!< name -> line of its attach
    std::set<std::string> m_futureInterfaces;        //!< devices that will get an interface
    std::set<const NetDevice*> m_plannedMasters;     //!< masters shaped by the file
    std::set<const NetDevice*> m_plannedShapers;     //!< existing shapers attached by it

    // Execute: how to undo it.
    std::vector<std::function<void()>> m_undo;
    std::optional<PolicyDatabase> m_snapshot;
};

// ----- names -----

Ptr<NetDevice>
PolicyConfigHelper::Run::Find(const std::string& name) const
{
    auto created = m_created.find(name);
    if (created != m_created.end())
    {
        return created->second;
    }
    return m_helper.FindDevice(m_node, name);
}

std::string
PolicyConfigHelper::Run::KnownNames() const
{
    std::set<std::string> names;
    auto it = m_helper.m_names.find(m_node->GetId());
    if (it != m_helper.m_names.end())
    {
        for (const auto& [name, dev] : it->second)
        {
            names.insert(name);
        }
    }
    for (const auto& [name, dev] : m_created)
    {
        names.insert(name);
    }
    for (uint32_t k = 0; k < m_node->GetNDevices(); ++k)
    {
        const std::string n = Names::FindName(m_node->GetDevice(k));
        if (!n.empty())
        {
            names.insert(n);
        }
    }
    std::string s;
    for (const std::string& n : names)
    {
        s += (s.empty() ? "" : ", ") + n;
    }
    s += std::string(s.empty() ? "" : ", ") + "lo";
    if (m_ipv4)
    {
        for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
        {
            s += ", if" + std::to_string(i);
        }
    }
    return s;
}

std::string
PolicyConfigHelper::Run::DevName(Ptr<NetDevice> dev) const
{
    for (const auto& [name, d] : m_created)
    {
        if (d == dev)
        {
            return name;
        }
    }
    auto it = m_helper.m_names.find(m_node->GetId());
    if (it != m_helper.m_names.end())
    {
        for (const auto& [name, d] : it->second)
        {
            if (d == dev)
            {
                return name;
            }
        }
    }
    return "";
}

std::string
PolicyConfigHelper::Run::IfName(uint32_t interface) const
{
    if (m_ipv4 && interface < m_ipv4->GetNInterfaces())
    {
        const std::string n = DevName(m_ipv4->GetNetDevice(interface));
        if (!n.empty())
        {
            return n;
        }
    }
    if (m_routing)
    {
        return m_routing->GetInterfaceName(interface);
    }
    return interface == ROUTE_NO_INTERFACE ? "*" : "if" + std::to_string(interface);
}

// ----- checks -----

void
PolicyConfigHelper::Run::RequireRouting(const ConfigCommand& c) const
{
    if (!m_routing)
    {
        Fail(c.where,
             NodeText() + " has no Ipv4PolicyRouting (install it with Ipv4PolicyRoutingHelper and "
                          "InternetStackHelper::SetRoutingHelper)");
    }
}

void
PolicyConfigHelper::Run::RequireIpv4(const ConfigCommand& c) const
{
    if (!m_ipv4)
    {
        Fail(c.where, NodeText() + " has no IPv4 stack (install InternetStackHelper first)");
    }
}

Ptr<NetDevice>
PolicyConfigHelper::Run::RequireDevice(const DeviceRef& ref) const
{
    Ptr<NetDevice> dev = Find(ref.name);
    if (!dev && m_futureShapers.count(ref.name) == 0)
    {
        Fail(ref.where,
             "unknown device " + Quote(ref.name) + " on " + NodeText() + " (known: " +
                 KnownNames() + "; name devices with PolicyConfigHelper::SetDeviceName)");
    }
    return dev;
}

void
PolicyConfigHelper::Run::RequireInterface(const DeviceRef& ref) const
{
    Ptr<NetDevice> dev = RequireDevice(ref);
    const bool now = dev && m_ipv4 && m_ipv4->GetInterfaceForDevice(dev) >= 0;
    if (!now && m_futureInterfaces.count(ref.name) == 0)
    {
        Fail(ref.where,
             "device " + Quote(ref.name) + " has no IPv4 interface on " + NodeText() +
                 " (give it an address first, e.g. ifconfig " + ref.name +
                 " ADDR netmask MASK up)");
    }
}

void
PolicyConfigHelper::Run::CheckCommand(const ConfigCommand& c)
{
    if (const auto* a = c.As<RouteAddCommand>())
    {
        RequireRouting(c);
        if (a->dev.IsSet())
        {
            RequireInterface(a->dev);
        }
    }
    else if (const auto* d = c.As<RouteDeleteCommand>())
    {
        RequireRouting(c);
        if (d->dev.IsSet())
        {
            RequireInterface(d->dev);
        }
    }
    else if (const auto* f = c.As<RouteFlushCommand>())
    {
        RequireRouting(c);
        if (f->dev.IsSet())
        {
            RequireInterface(f->dev);
        }
    }
    else if (c.As<RouteShowCommand>() || c.As<RuleShowCommand>() || c.As<RuleFlushCommand>())
    {
        RequireRouting(c);
    }
    else if (const auto* g = c.As<RouteGetCommand>())
    {
        RequireRouting(c);
        if (g->iif.IsSet())
        {
            RequireInterface(g->iif);
        }
        if (g->oif.IsSet())
        {
            RequireInterface(g->oif);
        }
    }
    else if (const auto* r = c.As<RuleAddCommand>())
    {
        RequireRouting(c);
        for (const DeviceRef* ref : {&r->iif, &r->oif, &r->routeDev})
        {
            if (ref->IsSet())
            {
                RequireInterface(*ref);
            }
        }
        if (r->preference && *r->preference > 255 && Database().GetStyle() == RuleStyle::LINUX_2_1)
        {
            Fail(c.where,
                 "preference " + std::to_string(*r->preference) + " is above 255: " + NodeText() +
                     " numbers its rules as Linux 2.1 did (Ipv4PolicyRouting RuleStyle "
                     "Linux21, preferences 0..255); set RuleStyle to Modern for iproute2 "
                     "preferences");
        }
    }
    else if (const auto* rd = c.As<RuleDeleteCommand>())
    {
        RequireRouting(c);
        if (rd->iif.IsSet())
        {
            RequireInterface(rd->iif);
        }
        if (rd->oif.IsSet())
        {
            RequireInterface(rd->oif);
        }
    }
    else if (const auto* ic = c.As<InterfaceCommand>())
    {
        RequireIpv4(c);
        if (ic->kind == InterfaceCommand::ADDRESS_DELETE ||
            ic->kind == InterfaceCommand::ADDRESS_FLUSH)
        {
            RequireInterface(ic->dev);
        }
        else
        {
            RequireDevice(ic->dev);
            m_futureInterfaces.insert(ic->dev.name);
        }
    }
    else if (const auto* s = c.As<SysctlCommand>())
    {
        if (s->key == SysctlCommand::FIB_MODEL)
        {
            RequireRouting(c);
        }
        else
        {
            RequireIpv4(c);
            if (s->dev.IsSet())
            {
                RequireInterface(s->dev);
            }
        }
    }
    else if (const auto* sa = c.As<ShaperAttachCommand>())
    {
        Ptr<NetDevice> master = Find(sa->master.name);
        if (!master)
        {
            if (m_futureShapers.count(sa->master.name))
            {
                Fail(sa->master.where, "cannot shape a shaper (" + sa->master.name + ")");
            }
            RequireDevice(sa->master);
        }
        if (DynamicCast<ShaperNetDevice>(master))
        {
            Fail(sa->master.where, "cannot shape a shaper (" + sa->master.name + ")");
        }
        if (DynamicCast<LoopbackNetDevice>(master))
        {
            Fail(sa->master.where, "cannot shape the loopback device");
        }
        bool shaped = m_plannedMasters.count(PeekPointer(master)) > 0;
        for (uint32_t k = 0; k < m_node->GetNDevices(); ++k)
        {
            Ptr<ShaperNetDevice> other = DynamicCast<ShaperNetDevice>(m_node->GetDevice(k));
            shaped = shaped || (other && other->GetMaster() == master);
        }
        if (shaped)
        {
            Fail(sa->master.where,
                 "device " + Quote(sa->master.name) + " already has a shaper attached");
        }
        Ptr<NetDevice> dev = Find(sa->shaper.name);
        if (dev)
        {
            Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(dev);
            if (!shaper)
            {
                Fail(sa->shaper.where,
                     Quote(sa->shaper.name) + " is a device of another kind, not a shaper");
            }
            if (shaper->IsAttached() || m_plannedShapers.count(PeekPointer(dev)))
            {
                Fail(sa->shaper.where,
                     "shaper " + Quote(sa->shaper.name) +
                         " is already attached (shapecfg attach: EBUSY)");
            }
            m_plannedShapers.insert(PeekPointer(dev));
        }
        else
        {
            auto it = m_futureShapers.find(sa->shaper.name);
            if (it != m_futureShapers.end())
            {
                Fail(sa->shaper.where,
                     "shaper " + Quote(sa->shaper.name) + " is already attached (line " +
                         std::to_string(it->second) + ")");
            }
            m_futureShapers[sa->shaper.name] = c.where.line;
        }
        m_plannedMasters.insert(PeekPointer(master));
    }
    else if (const auto* sp = c.As<ShaperSpeedCommand>())
    {
        Ptr<NetDevice> dev = RequireDevice(sp->shaper);
        if (dev && !DynamicCast<ShaperNetDevice>(dev))
        {
            Fail(sp->shaper.where,
                 Quote(sp->shaper.name) + " is a device of another kind, not a shaper");
        }
    }
}

std::optional<ConfigError>
PolicyConfigHelper::Run::Validate(const std::vector<ConfigCommand>& commands)
{
    for (const ConfigCommand& c : commands)
    {
        try
        {
            CheckCommand(c);
        }
        catch (const ApplyFailure& f)
        {
            return ConfigError{f.where.file, f.where.line, f.where.column, f.message};
        }
    }
    return std::nullopt;
}

// ----- execution -----

Ptr<NetDevice>
PolicyConfigHelper::Run::Device(const DeviceRef& ref) const
{
    Ptr<NetDevice> dev = Find(ref.name);
    if (!dev)
    {
        Fail(ref.where, "unknown device " + Quote(ref.name) + " on " + NodeText());
    }
    return dev;
}

uint32_t
PolicyConfigHelper::Run::Interface(const DeviceRef& ref) const
{
    const int32_t i = m_ipv4 ? m_ipv4->GetInterfaceForDevice(Device(ref)) : -1;
    if (i < 0)
    {
        Fail(ref.where, "device " + Quote(ref.name) + " has no IPv4 interface on " + NodeText());
    }
    return static_cast<uint32_t>(i);
}

uint32_t
PolicyConfigHelper::Run::ChooseClass(const RouteEntry& e) const
{
    // As Ipv4PolicyRouting (and Linux 2.1's rtmsg_process) choose a class for class 0.
    if (e.info.type == RouteNodeType::LOCAL || e.info.type == RouteNodeType::BROADCAST ||
        e.info.type == RouteNodeType::NAT)
    {
        return CLASS_LOCAL;
    }
    StringValue model;
    m_routing->GetAttribute("FibModel", model);
    if (e.info.gateway != 0 &&
        (model.Get() == "Rfc1812" || (model.Get() == "DefaultRoutes" && e.length == 0)))
    {
        return CLASS_DEFAULT;
    }
    return CLASS_MAIN;
}

bool
PolicyConfigHelper::Run::HasKey(uint32_t classId, const RouteEntry& e) const
{
    const RouteClass* c = Database().FindClass(classId);
    if (!c)
    {
        return false;
    }
    for (const RouteEntry& x : c->Matches(e.prefix))
    {
        if (x.prefix == e.prefix && x.length == e.length && x.tos == e.tos && x.metric == e.metric)
        {
            return true;
        }
    }
    return false;
}

bool
PolicyConfigHelper::Run::HasEquivalent(uint32_t classId,
                                       const RouteEntry& e,
                                       bool compareSource) const
{
    const RouteClass* c = Database().FindClass(classId);
    if (!c)
    {
        return false;
    }
    for (const RouteEntry& x : c->Matches(e.prefix))
    {
        if (x.prefix == e.prefix && x.length == e.length && x.tos == e.tos &&
            x.metric == e.metric && x.info.type == e.info.type &&
            x.info.gateway == e.info.gateway &&
            (e.info.interface == ROUTE_NO_INTERFACE || x.info.interface == e.info.interface) &&
            (!compareSource || x.info.prefSrc == e.info.prefSrc))
        {
            return true;
        }
    }
    return false;
}

void
PolicyConfigHelper::Run::SetUpDown(uint32_t interface, bool up)
{
    if (up && !m_ipv4->IsUp(interface))
    {
        m_ipv4->SetUp(interface);
        m_undo.emplace_back([this, interface]() { m_ipv4->SetDown(interface); });
    }
    else if (!up && m_ipv4->IsUp(interface))
    {
        m_ipv4->SetDown(interface);
        m_undo.emplace_back([this, interface]() { m_ipv4->SetUp(interface); });
    }
}

void
PolicyConfigHelper::Run::DoRouteAdd(const ConfigCommand& c, const RouteAddCommand& a)
{
    RouteEntry e = a.entry;
    if (a.dev.IsSet())
    {
        e.info.interface = Interface(a.dev);
    }
    const uint32_t classId = a.classId != CLASS_UNSPEC ? a.classId : ChooseClass(e);
    const std::string key = RouteKeyText(e.prefix, e.length, e.tos, true, e.metric);
    if (a.mustExist && !HasKey(classId, e))
    {
        Fail(c.where,
             "no route " + key + " in table " + TableName(classId) +
                 " to change (RTNETLINK answers: No such file or directory); ip route replace "
                 "adds or replaces");
    }
    const ClassResult r = m_routing->AddRoute(e, classId, a.mode);
    if (r == ClassResult::EXISTS)
    {
        if (a.kernelProto && HasEquivalent(classId, e, a.hasSource))
        {
            Note(c.where,
                 "route " + key + " is already in table " + TableName(classId) +
                     " (the kernel route of an interface address): nothing to do");
            return;
        }
        Fail(c.where,
             "route " + key + " exists in table " + TableName(classId) +
                 " (RTNETLINK answers: File exists); use ip route replace, or append or a "
                 "different metric for a second route");
    }
    if (r != ClassResult::OK)
    {
        Fail(c.where,
             "the routing engine refused route " + key + " in table " + TableName(classId) + " (" +
                 ClassResultName(r) + ")");
    }
}

void
PolicyConfigHelper::Run::DoRouteDelete(const ConfigCommand& c, const RouteDeleteCommand& d)
{
    RouteSelector s = d.selector;
    if (d.dev.IsSet())
    {
        s.interface = Interface(d.dev);
    }
    uint32_t classId = d.classId;
    if (classId == CLASS_UNSPEC)
    {
        RouteEntry e;
        e.length = s.length;
        e.info.gateway = s.gateway;
        e.info.type = s.hasType ? s.type : RouteNodeType::UNICAST;
        classId = ChooseClass(e);
    }
    if (m_routing->DeleteRoute(s, classId) != ClassResult::OK)
    {
        Fail(c.where,
             "no route " + RouteKeyText(s.prefix, s.length, s.tos, s.hasMetric, s.metric) +
                 " in table " + TableName(classId) +
                 " matches (RTNETLINK answers: No such process)");
    }
}

void
PolicyConfigHelper::Run::DoRouteFlush(const RouteFlushCommand& f)
{
    PolicyDatabase& db = m_routing->GetDatabase();
    std::vector<uint32_t> ids = f.classId ? std::vector<uint32_t>{*f.classId} : db.GetClassIds();
    const uint32_t interface = f.dev.IsSet() ? Interface(f.dev) : ROUTE_NO_INTERFACE;
    for (uint32_t id : ids)
    {
        RouteClass* c = db.FindClass(id);
        if (!c)
        {
            continue;
        }
        if (interface == ROUTE_NO_INTERFACE)
        {
            c->Clear();
        }
        else
        {
            c->DeleteIf([interface](const RouteEntry& e) { return e.info.interface == interface; });
        }
    }
}

void
PolicyConfigHelper::Run::DoRuleAdd(const ConfigCommand& c, const RuleAddCommand& a)
{
    PolicyRule r = a.rule;
    if (a.iif.IsSet())
    {
        r.iif = Interface(a.iif);
    }
    if (a.oif.IsSet())
    {
        r.oif = Interface(a.oif);
    }
    if (a.routeDev.IsSet())
    {
        r.route.interface = Interface(a.routeDev);
    }
    const PolicyDatabase::AddResult res = m_routing->GetDatabase().AddRule(r, a.preference);
    if (res.result != ClassResult::OK)
    {
        Fail(c.where, "the rule was refused: " + res.reason);
    }
    if (r.LooksUpClass() && r.classId == CLASS_UNSPEC)
    {
        Note(c.where, "class 0: the rule got the new, empty class " + std::to_string(res.classId));
    }
}

void
PolicyConfigHelper::Run::DoRuleDelete(const ConfigCommand& c, const RuleDeleteCommand& d)
{
    RuleSelector s = d.selector;
    if (d.iif.IsSet())
    {
        s.iif = Interface(d.iif);
    }
    if (d.oif.IsSet())
    {
        s.oif = Interface(d.oif);
    }
    if (!m_routing->DeleteRule(s))
    {
        Fail(c.where, "no rule matches (RTNETLINK answers: No such file or directory)");
    }
}

void
PolicyConfigHelper::Run::DoRuleFlush()
{
    // iproute2 deletes every rule the kernel reports with a preference, i.e. all but the
    // rules of preference 0.
    PolicyDatabase& db = m_routing->GetDatabase();
    while (true)
    {
        const std::vector<PolicyRule>& rules = db.GetRules();
        auto it = std::find_if(rules.begin(), rules.end(), [](const PolicyRule& r) {
            return r.preference != 0;
        });
        if (it == rules.end())
        {
            break;
        }
        RuleSelector s;
        s.preference = it->preference;
        s.src = it->src;
        s.srcLength = it->srcLength;
        s.dst = it->dst;
        s.dstLength = it->dstLength;
        s.tos = it->tos;
        s.iif = it->iif;
        s.oif = it->oif;
        s.action = it->action;
        s.classId = it->classId;
        if (!db.DeleteRule(s))
        {
            break;
        }
    }
}

void
PolicyConfigHelper::Run::DoInterface(const ConfigCommand& c, const InterfaceCommand& ic)
{
    Ptr<NetDevice> dev = Device(ic.dev);
    int32_t found = m_ipv4->GetInterfaceForDevice(dev);
    if (found < 0)
    {
        found = static_cast<int32_t>(m_ipv4->AddInterface(dev));
        const bool staysDown = !ic.up || !*ic.up;
        Note(c.where,
             "device " + Quote(ic.dev.name) + " got IPv4 interface " + std::to_string(found) +
                 (staysDown ? " (down until ip link set " + ic.dev.name + " up)" : ""));
    }
    const uint32_t i = static_cast<uint32_t>(found);
    const std::string text = FormatAddress(ic.address) + "/" + std::to_string(ic.length);
    auto add = [this, i](const Ipv4InterfaceAddress& a) {
        m_ipv4->AddAddress(i, a);
        m_undo.emplace_back([this, i, a]() { m_ipv4->RemoveAddress(i, a.GetLocal()); });
    };
    auto remove = [this, i](uint32_t k) {
        const Ipv4InterfaceAddress old = m_ipv4->GetAddress(i, k);
        m_ipv4->RemoveAddress(i, k);
        m_undo.emplace_back([this, i, old]() { m_ipv4->AddAddress(i, old); });
    };
    auto findAddress = [this, i](uint32_t address, std::optional<uint8_t> length) -> int32_t {
        for (uint32_t k = 0; k < m_ipv4->GetNAddresses(i); ++k)
        {
            const Ipv4InterfaceAddress a = m_ipv4->GetAddress(i, k);
            if (a.GetLocal().Get() == address &&
                (!length || a.GetMask().GetPrefixLength() == *length))
            {
                return static_cast<int32_t>(k);
            }
        }
        return -1;
    };
    Ipv4InterfaceAddress address(Ipv4Address(ic.address), Ipv4Mask(MaskOf(ic.length)));
    if (ic.broadcast)
    {
        address.SetBroadcast(Ipv4Address(*ic.broadcast));
    }
    switch (ic.kind)
    {
    case InterfaceCommand::IFCONFIG:
        if (ic.hasAddress)
        {
            // ifconfig sets the primary address: replace the first one.
            const bool same = m_ipv4->GetNAddresses(i) > 0 &&
                              m_ipv4->GetAddress(i, 0).GetLocal() == address.GetLocal() &&
                              m_ipv4->GetAddress(i, 0).GetMask() == address.GetMask() &&
                              m_ipv4->GetAddress(i, 0).GetBroadcast() == address.GetBroadcast();
            if (!same)
            {
                if (m_ipv4->GetNAddresses(i) > 0)
                {
                    remove(0);
                }
                add(address);
            }
        }
        break;
    case InterfaceCommand::ADDRESS_ADD: {
        const int32_t k = findAddress(ic.address, ic.length);
        if (k >= 0 && !ic.replace)
        {
            Fail(c.where,
                 "address " + text + " is already on " + ic.dev.name +
                     " (RTNETLINK answers: File exists)");
        }
        if (k >= 0)
        {
            remove(static_cast<uint32_t>(k));
        }
        add(address);
        break;
    }
    case InterfaceCommand::ADDRESS_DELETE: {
        const int32_t k = findAddress(ic.address, ic.length);
        if (k < 0)
        {
            Fail(c.where,
                 "address " + text + " is not on " + ic.dev.name +
                     " (RTNETLINK answers: Cannot assign requested address)");
        }
        remove(static_cast<uint32_t>(k));
        break;
    }
    case InterfaceCommand::ADDRESS_FLUSH:
        while (m_ipv4->GetNAddresses(i) > 0)
        {
            remove(m_ipv4->GetNAddresses(i) - 1);
        }
        break;
    case InterfaceCommand::LINK_SET:
        break;
    }
    if (ic.up)
    {
        SetUpDown(i, *ic.up);
    }
}

void
PolicyConfigHelper::Run::DoSysctl(const SysctlCommand& s)
{
    if (s.key == SysctlCommand::FIB_MODEL)
    {
        StringValue old;
        m_routing->GetAttribute("FibModel", old);
        m_routing->SetAttribute("FibModel", StringValue(FIB_MODEL_NAMES[s.value]));
        Ptr<Ipv4PolicyRouting> routing = m_routing;
        m_undo.emplace_back([routing, old]() { routing->SetAttribute("FibModel", old); });
        return;
    }
    const bool value = s.value != 0;
    if (s.dev.IsSet())
    {
        const uint32_t i = Interface(s.dev);
        const bool old = m_ipv4->IsForwarding(i);
        m_ipv4->SetForwarding(i, value);
        m_undo.emplace_back([this, i, old]() { m_ipv4->SetForwarding(i, old); });
        return;
    }
    // ip_forward, conf.all.forwarding: every interface and the default for new ones;
    // conf.default.forwarding: the default for new interfaces only.
    BooleanValue oldGlobal;
    m_ipv4->GetAttribute("IpForward", oldGlobal);
    std::vector<bool> oldFlags;
    for (uint32_t i = 0; i < m_ipv4->GetNInterfaces(); ++i)
    {
        oldFlags.push_back(m_ipv4->IsForwarding(i));
    }
    m_ipv4->SetAttribute("IpForward", BooleanValue(value));
    if (s.defaultOnly)
    {
        for (uint32_t i = 0; i < oldFlags.size(); ++i)
        {
            m_ipv4->SetForwarding(i, oldFlags[i]);
        }
    }
    m_undo.emplace_back([this, oldGlobal, oldFlags]() {
        m_ipv4->SetAttribute("IpForward", oldGlobal);
        for (uint32_t i = 0; i < oldFlags.size(); ++i)
        {
            m_ipv4->SetForwarding(i, oldFlags[i]);
        }
    });
}

void
PolicyConfigHelper::Run::DoShaperAttach(const ConfigCommand& c, const ShaperAttachCommand& a)
{
    Ptr<NetDevice> master = Device(a.master);
    Ptr<NetDevice> dev = Find(a.shaper.name);
    if (dev)
    {
        Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(dev);
        const DataRate old = shaper->GetDataRate();
        shaper->Attach(master);
        m_undo.emplace_back([shaper, old]() {
            shaper->Detach();
            shaper->SetDataRate(old);
        });
        return;
    }
    // As "insmod shaper" would have: a new shaper device on the master's node.
    Ptr<ShaperNetDevice> shaper = m_helper.m_shaper.Install(master);
    m_created[a.shaper.name] = shaper;
    m_undo.emplace_back([shaper]() { shaper->Detach(); });
    Note(c.where,
         "created " + a.shaper.name + " (ShaperNetDevice, device " +
             std::to_string(shaper->GetIfIndex()) + " of " + NodeText() + ") attached to " +
             a.master.name);
}

void
PolicyConfigHelper::Run::DoShaperSpeed(const ShaperSpeedCommand& s)
{
    Ptr<ShaperNetDevice> shaper = DynamicCast<ShaperNetDevice>(Device(s.shaper));
    const DataRate old = shaper->GetDataRate();
    shaper->SetDataRate(DataRate(s.bitsPerSecond));
    m_undo.emplace_back([shaper, old]() { shaper->SetDataRate(old); });
}

void
PolicyConfigHelper::Run::PrintRoutes(std::optional<uint32_t> classId)
{
    const PolicyDatabase& db = Database();
    auto name = [this](uint32_t i) { return IfName(i); };
    if (classId)
    {
        db.PrintClass(m_out, *classId, name);
        return;
    }
    // table all: every class, each line with its table as iproute2 shows it.
    for (uint32_t id : db.GetClassIds())
    {
        std::ostringstream one;
        db.PrintClass(one, id, name);
        std::istringstream lines(one.str());
        std::string line;
        while (std::getline(lines, line))
        {
            m_out << line << (id == CLASS_MAIN ? "" : " table " + TableName(id)) << "\n";
        }
    }
}

std::string
PolicyConfigHelper::Run::RouteGetText(const RouteGetCommand& g, int32_t iif, int32_t oif) const
{
    const Ipv4PolicyRouting::Explanation x =
        m_routing->Explain(Ipv4Address(g.destination),
                           g.source ? Ipv4Address(*g.source) : Ipv4Address::GetAny(),
                           g.tos,
                           iif,
                           oif);
    return m_routing->FormatRouteGet(
        x,
        [this](uint32_t i) { return IfName(i); },
        [](uint32_t c) { return TableName(c); });
}

void
PolicyConfigHelper::Run::ExecuteCommand(const ConfigCommand& c)
{
    if (const auto* a = c.As<RouteAddCommand>())
    {
        DoRouteAdd(c, *a);
    }
    else if (const auto* d = c.As<RouteDeleteCommand>())
    {
        DoRouteDelete(c, *d);
    }
    else if (const auto* f = c.As<RouteFlushCommand>())
    {
        DoRouteFlush(*f);
    }
    else if (const auto* s = c.As<RouteShowCommand>())
    {
        PrintRoutes(s->classId);
    }
    else if (const auto* g = c.As<RouteGetCommand>())
    {
        const int32_t iif = g->iif.IsSet() ? static_cast<int32_t>(Interface(g->iif)) : -1;
        const int32_t oif = g->oif.IsSet() ? static_cast<int32_t>(Interface(g->oif)) : -1;
        m_out << RouteGetText(*g, iif, oif) << "\n";
    }
    else if (const auto* r = c.As<RuleAddCommand>())
    {
        DoRuleAdd(c, *r);
    }
    else if (const auto* rd = c.As<RuleDeleteCommand>())
    {
        DoRuleDelete(c, *rd);
    }
    else if (c.As<RuleFlushCommand>())
    {
        DoRuleFlush();
    }
    else if (const auto* rs = c.As<RuleShowCommand>())
    {
        const PolicyDatabase& db = Database();
        auto name = [this](uint32_t i) { return IfName(i); };
        if (rs->seedStyle)
        {
            db.PrintRulesSeed(m_out, name);
        }
        else
        {
            db.PrintRulesModern(m_out, name);
        }
    }
    else if (const auto* ic = c.As<InterfaceCommand>())
    {
        DoInterface(c, *ic);
    }
    else if (const auto* sc = c.As<SysctlCommand>())
    {
        DoSysctl(*sc);
    }
    else if (const auto* sa = c.As<ShaperAttachCommand>())
    {
        DoShaperAttach(c, *sa);
    }
    else if (const auto* sp = c.As<ShaperSpeedCommand>())
    {
        DoShaperSpeed(*sp);
    }
    else if (const auto* e = c.As<EchoCommand>())
    {
        m_out << e->text << "\n";
    }
}

std::optional<ConfigError>
PolicyConfigHelper::Run::Execute(const std::vector<ConfigCommand>& commands)
{
    if (m_routing)
    {
        m_snapshot = Database();
    }
    for (const ConfigCommand& c : commands)
    {
        try
        {
            ExecuteCommand(c);
        }
        catch (const ApplyFailure& f)
        {
            return ConfigError{f.where.file, f.where.line, f.where.column, f.message};
        }
    }
    return std::nullopt;
}

void
PolicyConfigHelper::Run::Rollback()
{
    // Interfaces first (they make the routing add and remove kernel routes), then the rule
    // database as it was.
    for (auto it = m_undo.rbegin(); it != m_undo.rend(); ++it)
    {
        (*it)();
    }
    m_undo.clear();
    if (m_routing && m_snapshot)
    {
        m_routing->GetDatabase() = *m_snapshot;
    }
    m_created.clear();
    m_out.str("");
}

// ----- PolicyConfigHelper -----

PolicyConfigHelper::PolicyConfigHelper()
    : m_output(&std::cout),
      m_abortOnError(true)
{
}

void
PolicyConfigHelper::SetDeviceName(Ptr<Node> node, const std::string& name, Ptr<NetDevice> device)
{
    NS_ABORT_MSG_UNLESS(node && device, "PolicyConfigHelper::SetDeviceName: null node or device");
    NS_ABORT_MSG_UNLESS(device->GetNode() == node,
                        "PolicyConfigHelper::SetDeviceName: device " << name << " is not on node "
                                                                     << node->GetId());
    NS_ABORT_MSG_IF(name.empty() || name.find_first_of(" \t/") != std::string::npos,
                    "PolicyConfigHelper::SetDeviceName: unusable name \"" << name << "\"");
    m_names[node->GetId()][name] = device;
}

void
PolicyConfigHelper::NameDevices(Ptr<Node> node, const std::string& prefix)
{
    uint32_t next = 0;
    uint32_t nextShaper = 0;
    for (uint32_t k = 0; k < node->GetNDevices(); ++k)
    {
        Ptr<NetDevice> dev = node->GetDevice(k);
        if (DynamicCast<LoopbackNetDevice>(dev))
        {
            continue;
        }
        if (DynamicCast<ShaperNetDevice>(dev))
        {
            SetDeviceName(node, "shaper" + std::to_string(nextShaper++), dev);
            continue;
        }
        SetDeviceName(node, prefix + std::to_string(next++), dev);
    }
}

Ptr<NetDevice>
PolicyConfigHelper::FindDevice(Ptr<Node> node, const std::string& name) const
{
    auto it = m_names.find(node->GetId());
    if (it != m_names.end())
    {
        auto d = it->second.find(name);
        if (d != it->second.end())
        {
            return d->second;
        }
    }
    for (uint32_t k = 0; k < node->GetNDevices(); ++k)
    {
        if (Names::FindName(node->GetDevice(k)) == name)
        {
            return node->GetDevice(k);
        }
    }
    if (name == "lo")
    {
        for (uint32_t k = 0; k < node->GetNDevices(); ++k)
        {
            if (DynamicCast<LoopbackNetDevice>(node->GetDevice(k)))
            {
                return node->GetDevice(k);
            }
        }
    }
    if (name.size() > 2 && name.compare(0, 2, "if") == 0 &&
        name.find_first_not_of("0123456789", 2) == std::string::npos && name.size() < 12)
    {
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        const unsigned long i = std::stoul(name.substr(2));
        if (ipv4 && i < ipv4->GetNInterfaces())
        {
            return ipv4->GetNetDevice(static_cast<uint32_t>(i));
        }
    }
    return nullptr;
}

std::string
PolicyConfigHelper::GetInterfaceName(Ptr<Node> node, uint32_t interface) const
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    if (ipv4 && interface < ipv4->GetNInterfaces())
    {
        Ptr<NetDevice> dev = ipv4->GetNetDevice(interface);
        auto it = m_names.find(node->GetId());
        if (it != m_names.end())
        {
            for (const auto& [name, d] : it->second)
            {
                if (d == dev)
                {
                    return name;
                }
            }
        }
        const std::string n = Names::FindName(dev);
        if (!n.empty())
        {
            return n;
        }
        if (DynamicCast<LoopbackNetDevice>(dev))
        {
            return "lo";
        }
    }
    return "if" + std::to_string(interface);
}

bool
PolicyConfigHelper::DefineTable(const std::string& name, uint32_t id)
{
    return m_parser.DefineTable(name, id);
}

void
PolicyConfigHelper::SetOutputStream(std::ostream* os)
{
    m_output = os;
}

void
PolicyConfigHelper::SetAbortOnError(bool abort)
{
    m_abortOnError = abort;
}

void
PolicyConfigHelper::SetShaperHelper(const ShaperHelper& helper)
{
    m_shaper = helper;
}

PolicyConfigResult
PolicyConfigHelper::Finish(PolicyConfigResult result) const
{
    if (result.applied && m_output && !result.output.empty())
    {
        *m_output << result.output << std::flush;
    }
    for (const ConfigNote& n : result.notes)
    {
        NS_LOG_INFO(n.ToString());
    }
    if (!result.applied)
    {
        NS_LOG_WARN("configuration " << result.file << " not applied:\n" << result.ErrorText());
        NS_ABORT_MSG_IF(m_abortOnError,
                        "policy configuration " << result.file << " not applied:\n"
                                                << result.ErrorText());
    }
    return result;
}

PolicyConfigResult
PolicyConfigHelper::Apply(Ptr<Node> node, const ParsedConfig& config)
{
    NS_ABORT_MSG_UNLESS(node, "PolicyConfigHelper::Apply: null node");
    PolicyConfigResult result;
    result.file = config.file;
    result.notes = config.notes;
    if (!config.Ok())
    {
        result.errors = config.errors;
        return Finish(result);
    }
    Run run(*this, node, config.file);
    std::optional<ConfigError> error = run.Validate(config.commands);
    if (!error)
    {
        error = run.Execute(config.commands);
        if (error)
        {
            run.Rollback();
        }
    }
    if (error)
    {
        result.errors.push_back(*error);
        return Finish(result);
    }
    for (const auto& [name, dev] : run.m_created)
    {
        m_names[node->GetId()][name] = dev;
    }
    result.notes.insert(result.notes.end(), run.m_notes.begin(), run.m_notes.end());
    std::stable_sort(result.notes.begin(),
                     result.notes.end(),
                     [](const ConfigNote& a, const ConfigNote& b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    result.output = run.m_out.str();
    result.applied = true;
    result.commands = config.commands.size();
    return Finish(result);
}

PolicyConfigResult
PolicyConfigHelper::ApplyText(Ptr<Node> node, const std::string& text, const std::string& name)
{
    return Apply(node, m_parser.Parse(text, name));
}

PolicyConfigResult
PolicyConfigHelper::ApplyFile(Ptr<Node> node, const std::string& path)
{
    return Apply(node, m_parser.ParseFile(path));
}

PolicyConfigResult
PolicyConfigHelper::Check(Ptr<Node> node, const std::string& text, const std::string& name) const
{
    const ParsedConfig config = m_parser.Parse(text, name);
    PolicyConfigResult result;
    result.file = name;
    result.notes = config.notes;
    result.errors = config.errors;
    if (config.Ok())
    {
        Run run(*this, node, name);
        if (std::optional<ConfigError> error = run.Validate(config.commands))
        {
            result.errors.push_back(*error);
        }
    }
    return result;
}

void
PolicyConfigHelper::ApplyScheduled(std::shared_ptr<PolicyConfigHelper> helper,
                                   Ptr<Node> node,
                                   ParsedConfig config)
{
    helper->Apply(node, config);
}

void
PolicyConfigHelper::ScheduleText(Time delay,
                                 Ptr<Node> node,
                                 const std::string& text,
                                 const std::string& name) const
{
    const ParsedConfig config = m_parser.Parse(text, name);
    NS_ABORT_MSG_UNLESS(config.Ok(),
                        "policy configuration " << name << " has errors:\n"
                                                << config.ErrorText());
    auto copy = std::make_shared<PolicyConfigHelper>(*this);
    copy->m_abortOnError = true;
    Simulator::ScheduleWithContext(node->GetId(),
                                   delay,
                                   &PolicyConfigHelper::ApplyScheduled,
                                   copy,
                                   node,
                                   config);
}

void
PolicyConfigHelper::ScheduleFile(Time delay, Ptr<Node> node, const std::string& path) const
{
    const ParsedConfig config = m_parser.ParseFile(path);
    NS_ABORT_MSG_UNLESS(config.Ok(),
                        "policy configuration " << path << " has errors:\n"
                                                << config.ErrorText());
    auto copy = std::make_shared<PolicyConfigHelper>(*this);
    copy->m_abortOnError = true;
    Simulator::ScheduleWithContext(node->GetId(),
                                   delay,
                                   &PolicyConfigHelper::ApplyScheduled,
                                   copy,
                                   node,
                                   config);
}

} // namespace ns3
