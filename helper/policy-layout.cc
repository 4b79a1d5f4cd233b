/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "policy-layout.h"

#include "ns3/abort.h"

#include <cstdio>
#include <set>
#include <sstream>

namespace ns3
{

std::vector<uint32_t>
PolicyLayout::ClassIds() const
{
    std::set<uint32_t> ids;
    for (const PolicyLayoutRoute& r : routes)
    {
        ids.insert(r.classId);
    }
    for (const PolicyLayoutRule& r : rules)
    {
        if (r.rule.LooksUpClass() && r.rule.classId != CLASS_UNSPEC)
        {
            ids.insert(r.rule.classId);
        }
    }
    return {ids.begin(), ids.end()};
}

namespace
{

std::string
RouteText(const RouteEntry& e)
{
    std::ostringstream os;
    os << FormatPrefix(e.prefix, e.length);
    return os.str();
}

std::string
TosText(uint8_t tos)
{
    char b[8];
    std::snprintf(b, sizeof(b), "0x%02x", tos);
    return b;
}

} // namespace

std::string
ApplyPolicyLayout(PolicyDatabase& db, const PolicyLayout& layout)
{
    for (const PolicyLayoutRoute& r : layout.routes)
    {
        const ClassResult result = db.GetClass(r.classId).Insert(r.entry, InsertMode::ADD);
        if (result != ClassResult::OK)
        {
            return "class " + std::to_string(r.classId) + ": " + RouteText(r.entry) + ": " +
                   ClassResultName(result);
        }
    }
    for (uint32_t id : layout.ClassIds())
    {
        db.GetClass(id);
    }
    for (const PolicyLayoutRule& r : layout.rules)
    {
        const PolicyDatabase::AddResult result = db.AddRule(r.rule, r.preference);
        if (result.result != ClassResult::OK)
        {
            return "rule " + std::to_string(r.rule.classId) + ": " + result.reason;
        }
    }
    return "";
}

void
InstallPolicyLayout(Ptr<Ipv4PolicyRouting> routing, const PolicyLayout& layout)
{
    NS_ABORT_MSG_UNLESS(routing, "InstallPolicyLayout: no Ipv4PolicyRouting");
    for (const PolicyLayoutRoute& r : layout.routes)
    {
        const ClassResult result = routing->AddRoute(r.entry, r.classId, InsertMode::ADD);
        NS_ABORT_MSG_IF(result != ClassResult::OK,
                        "InstallPolicyLayout: class " << r.classId << ": " << RouteText(r.entry)
                                                      << ": " << ClassResultName(result));
    }
    for (uint32_t id : layout.ClassIds())
    {
        routing->GetDatabase().GetClass(id);
    }
    for (const PolicyLayoutRule& r : layout.rules)
    {
        routing->AddRule(r.rule, r.preference);
    }
}

std::string
PolicyLayoutCommands(const PolicyLayout& layout, const std::function<std::string(uint32_t)>& ifName)
{
    auto name = [&ifName](uint32_t i) { return ifName ? ifName(i) : "if" + std::to_string(i); };
    std::ostringstream os;
    for (const PolicyLayoutRoute& r : layout.routes)
    {
        if (!r.comment.empty())
        {
            os << "# " << r.comment << "\n";
        }
        const RouteEntry& e = r.entry;
        os << "iproute add " << FormatPrefix(e.prefix, e.length);
        if (e.tos != 0)
        {
            os << " tos " << TosText(e.tos);
        }
        switch (e.info.type)
        {
        case RouteNodeType::REJECT:
            os << " reject";
            break;
        case RouteNodeType::THROW:
            os << " throw";
            break;
        default:
            if (e.info.gateway != 0)
            {
                os << " gw " << FormatAddress(e.info.gateway);
            }
            if (e.info.interface != ROUTE_NO_INTERFACE)
            {
                os << " dev " << name(e.info.interface);
            }
            break;
        }
        if (e.metric != 0)
        {
            os << " metric " << e.metric;
        }
        os << " class " << r.classId << "\n";
    }
    for (const PolicyLayoutRule& r : layout.rules)
    {
        if (!r.comment.empty())
        {
            os << "# " << r.comment << "\n";
        }
        const PolicyRule& p = r.rule;
        os << "iproute addrule";
        if (p.srcLength != 0)
        {
            os << " from " << FormatPrefix(p.src, p.srcLength);
        }
        if (p.dstLength != 0)
        {
            os << " to " << FormatPrefix(p.dst, p.dstLength);
        }
        if (p.tos != 0)
        {
            os << " tos " << TosText(p.tos);
        }
        if (r.preference)
        {
            os << " pref " << *r.preference;
        }
        switch (p.action)
        {
        case RuleAction::DROP:
            os << " drop";
            break;
        case RuleAction::REJECT:
            os << " reject";
            break;
        case RuleAction::PROHIBIT:
            os << " prohibit";
            break;
        default:
            os << " class " << p.classId;
            break;
        }
        os << "\n";
    }
    return os.str();
}

} // namespace ns3
