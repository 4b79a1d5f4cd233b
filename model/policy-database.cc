/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "policy-database.h"

#include "rule-index.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <sstream>

namespace ns3
{

namespace
{

inline uint32_t
PrefixMask(uint8_t length)
{
    return length == 0 ? 0u : (0xffffffffu << (32 - length));
}

std::string
InterfaceName(uint32_t i, const std::function<std::string(uint32_t)>& ifName)
{
    if (ifName)
    {
        return ifName(i);
    }
    return "if" + std::to_string(i);
}

std::string
Hex2(uint8_t v)
{
    char buf[4];
    std::snprintf(buf, sizeof(buf), "%02x", v);
    return buf;
}

} // namespace

std::string
ClassIdName(uint32_t id)
{
    switch (id)
    {
    case CLASS_LOCAL:
        return "local";
    case CLASS_MAIN:
        return "main";
    case CLASS_DEFAULT:
        return "default";
    default:
        return std::to_string(id);
    }
}

const char*
RuleActionName(RuleAction a)
{
    switch (a)
    {
    case RuleAction::ROUTE:
        return "route";
    case RuleAction::NAT:
        return "nat";
    case RuleAction::MASQUERADE:
        return "masquerade";
    case RuleAction::DROP:
        return "drop";
    case RuleAction::REJECT:
        return "reject";
    case RuleAction::PROHIBIT:
        return "prohibit";
    }
    return "?";
}

const char*
RuleStyleName(RuleStyle s)
{
    return s == RuleStyle::LINUX_2_1 ? "linux-2.1" : "modern";
}

const char*
RouteErrorName(RouteError e)
{
    switch (e)
    {
    case RouteError::NONE:
        return "none";
    case RouteError::NET_UNREACHABLE:
        return "network-unreachable";
    case RouteError::HOST_UNREACHABLE:
        return "host-unreachable";
    case RouteError::NET_UNREACHABLE_TOS:
        return "network-unreachable-for-tos";
    case RouteError::PROHIBITED:
        return "prohibited";
    case RouteError::BLACKHOLE:
        return "blackhole";
    case RouteError::INVALID:
        return "invalid";
    }
    return "?";
}

std::ostream&
operator<<(std::ostream& os, RouteError e)
{
    return os << RouteErrorName(e);
}

std::ostream&
operator<<(std::ostream& os, ClassResult r)
{
    return os << ClassResultName(r);
}

std::ostream&
operator<<(std::ostream& os, RuleAction a)
{
    return os << RuleActionName(a);
}

int
RouteErrorIcmpCode(RouteError e)
{
    switch (e)
    {
    case RouteError::NET_UNREACHABLE:
        return 0;
    case RouteError::HOST_UNREACHABLE:
        return 1;
    case RouteError::NET_UNREACHABLE_TOS:
        return 11;
    case RouteError::PROHIBITED:
        return 13;
    default:
        return -1;
    }
}

const char*
LookupOutcomeName(LookupStep::Outcome o)
{
    switch (o)
    {
    case LookupStep::RULE_NO_MATCH:
        return "rule does not match";
    case LookupStep::CLASS_MISSING:
        return "class does not exist, next rule";
    case LookupStep::CLASS_NO_MATCH:
        return "no node for the destination, next rule";
    case LookupStep::CLASS_NO_TOS:
        return "nodes for the destination, none for this TOS, next rule";
    case LookupStep::NODE_THROW:
        return "throw node, next rule";
    case LookupStep::NODE_SELECTED:
        return "node selected";
    case LookupStep::RULE_OWN_ROUTE:
        return "the rule's own route";
    case LookupStep::RULE_TERMINATES:
        return "rule ends the lookup";
    }
    return "?";
}

bool
PolicyRule::operator==(const PolicyRule& o) const
{
    return preference == o.preference && src == o.src && srcLength == o.srcLength && dst == o.dst &&
           dstLength == o.dstLength && tos == o.tos && iif == o.iif && oif == o.oif &&
           action == o.action && classId == o.classId && natAddress == o.natAddress &&
           hasRoute == o.hasRoute && (!hasRoute || route == o.route) && flags == o.flags;
}

bool
RuleSelector::Matches(const PolicyRule& r) const
{
    return (!preference || *preference == r.preference) &&
           (!src || (*src == r.src && srcLength == r.srcLength)) &&
           (!dst || (*dst == r.dst && dstLength == r.dstLength)) && (!tos || *tos == r.tos) &&
           (!iif || *iif == r.iif) && (!oif || *oif == r.oif) && (!action || *action == r.action) &&
           (!classId || *classId == r.classId);
}

PolicyDatabase::PolicyDatabase(RuleStyle style)
    : m_style(style)
{
    Reset(style);
}

std::vector<uint32_t>
PolicyDatabase::DefaultPreferences(RuleStyle style)
{
    if (style == RuleStyle::LINUX_2_1)
    {
        return {0, 254, 255};
    }
    return {0, 32766, 32767};
}

void
PolicyDatabase::Reset(RuleStyle style)
{
    m_style = style;
    m_rules.clear();
    m_valveRules = 0;
    m_ruleIndexStale = true;
    m_classes.clear();
    const std::vector<uint32_t> prefs = DefaultPreferences(style);
    const uint32_t classes[] = {CLASS_LOCAL, CLASS_MAIN, CLASS_DEFAULT};
    for (std::size_t i = 0; i < 3; ++i)
    {
        m_classes.emplace(classes[i], RouteClass());
        PolicyRule r;
        r.preference = prefs[i];
        r.classId = classes[i];
        r.builtin = true;
        m_rules.push_back(r);
    }
}

bool
PolicyDatabase::ChangeStyle(RuleStyle style)
{
    if (style == m_style)
    {
        return true;
    }
    const std::vector<uint32_t> prefs = DefaultPreferences(m_style);
    const uint32_t classes[] = {CLASS_LOCAL, CLASS_MAIN, CLASS_DEFAULT};
    if (m_rules.size() != 3)
    {
        return false;
    }
    for (std::size_t i = 0; i < 3; ++i)
    {
        PolicyRule expected;
        expected.preference = prefs[i];
        expected.classId = classes[i];
        if (!(m_rules[i] == expected))
        {
            return false;
        }
    }
    m_style = style;
    const std::vector<uint32_t> next = DefaultPreferences(style);
    for (std::size_t i = 0; i < 3; ++i)
    {
        m_rules[i].preference = next[i];
    }
    return true;
}

RouteClass&
PolicyDatabase::GetClass(uint32_t id)
{
    auto [it, created] = m_classes.try_emplace(id);
    if (created)
    {
        m_ruleIndexStale = true; // rules may name this class: refresh their class pointers
    }
    return it->second;
}

const RouteClass*
PolicyDatabase::FindClass(uint32_t id) const
{
    auto it = m_classes.find(id);
    return it == m_classes.end() ? nullptr : &it->second;
}

RouteClass*
PolicyDatabase::FindClass(uint32_t id)
{
    auto it = m_classes.find(id);
    return it == m_classes.end() ? nullptr : &it->second;
}

bool
PolicyDatabase::DeleteClass(uint32_t id)
{
    auto it = m_classes.find(id);
    if (it == m_classes.end())
    {
        return false;
    }
    m_ruleIndexStale = true;
    if (id == CLASS_LOCAL || id == CLASS_MAIN || id == CLASS_DEFAULT)
    {
        it->second.Clear();
    }
    else
    {
        m_classes.erase(it);
    }
    return true;
}

std::vector<uint32_t>
PolicyDatabase::GetClassIds() const
{
    std::vector<uint32_t> ids;
    for (const auto& [id, c] : m_classes)
    {
        ids.push_back(id);
    }
    return ids;
}

uint32_t
PolicyDatabase::AllocateClassId() const
{
    uint32_t id = 1;
    for (const auto& [used, c] : m_classes)
    {
        if (used == id)
        {
            ++id;
        }
        else if (used > id)
        {
            break;
        }
    }
    return id;
}

PolicyDatabase::AddResult
PolicyDatabase::AddRule(PolicyRule rule, std::optional<uint32_t> preference)
{
    AddResult out;
    auto invalid = [&out](const std::string& why) {
        out.result = ClassResult::INVALID;
        out.reason = why;
        return out;
    };
    if (rule.srcLength > 32 || rule.dstLength > 32)
    {
        return invalid("prefix length above 32");
    }
    if ((rule.src & ~PrefixMask(rule.srcLength)) || (rule.dst & ~PrefixMask(rule.dstLength)))
    {
        return invalid("prefix has host bits set");
    }
    if (rule.tos & ~ROUTE_TOS_MASK)
    {
        return invalid("TOS has bits outside 0x1e");
    }
    const bool terminal = rule.action == RuleAction::DROP || rule.action == RuleAction::REJECT ||
                          rule.action == RuleAction::PROHIBIT;
    if (terminal && rule.hasRoute)
    {
        return invalid("a drop/reject/prohibit rule cannot carry a route");
    }
    if (rule.action == RuleAction::NAT && rule.natAddress == 0)
    {
        return invalid("a nat rule needs an address");
    }
    if (rule.hasRoute && rule.route.interface == ROUTE_NO_INTERFACE && rule.route.gateway == 0)
    {
        return invalid("a rule's own route needs a gateway or a device");
    }
    if (terminal || rule.hasRoute)
    {
        rule.classId = CLASS_UNSPEC;
    }
    bool given = preference.has_value();
    const uint32_t requested = given ? *preference : 0;
    if (m_style == RuleStyle::LINUX_2_1 && given)
    {
        if (requested > 255)
        {
            return invalid("Linux 2.1 preferences are 0..255");
        }
        given = requested != 0; // 2.1: preference 0 means "unspecified"
    }
    // Unspecified: fib_default_rule_pref(), the second rule's preference minus one, else 0.
    const uint32_t unspecified =
        (m_rules.size() >= 2 && m_rules[1].preference > 0) ? m_rules[1].preference - 1 : 0;
    rule.preference = given ? requested : unspecified;
    rule.builtin = false;

    // Modern: `ip rule add` (NLM_F_EXCL) refuses a rule that "exists" (fib_nl_newrule,
    // rule_exists), checked before a table is allocated: same preference, action, table and
    // interfaces, and the source, destination and TOS of the new rule where it gives them
    // (fib4_rule_compare skips the ones it does not: "from all" equals any source). The
    // default rules (proto kernel) never equal a user rule.
    auto exists = [&rule](const PolicyRule& r) {
        return !r.builtin && r.preference == rule.preference && r.action == rule.action &&
               r.classId == rule.classId && r.iif == rule.iif && r.oif == rule.oif &&
               r.natAddress == rule.natAddress && r.hasRoute == rule.hasRoute &&
               (!r.hasRoute || r.route == rule.route) && r.flags == rule.flags &&
               (rule.srcLength == 0 || (r.srcLength == rule.srcLength && r.src == rule.src)) &&
               (rule.dstLength == 0 || (r.dstLength == rule.dstLength && r.dst == rule.dst)) &&
               (rule.tos == 0 || r.tos == rule.tos);
    };
    if (m_style == RuleStyle::MODERN && std::any_of(m_rules.begin(), m_rules.end(), exists))
    {
        out.result = ClassResult::EXISTS;
        out.reason = "an identical rule exists";
        return out;
    }
    if (rule.LooksUpClass() && rule.classId == CLASS_UNSPEC)
    {
        rule.classId = AllocateClassId();
        m_classes.emplace(rule.classId, RouteClass());
    }

    // 2.1 fib_rule_add: an unspecified rule is placed by scanning from the second rule, so it
    // always goes after the first (the LOCAL rule), even when its preference is not above it.
    const auto scanFrom = (m_style == RuleStyle::LINUX_2_1 && !given && m_rules.size() >= 2)
                              ? m_rules.begin() + 1
                              : m_rules.begin();
    auto pos =
        m_style == RuleStyle::LINUX_2_1
            ? std::find_if(scanFrom,
                           m_rules.end(),
                           [&rule](const PolicyRule& r) { return r.preference >= rule.preference; })
            : std::find_if(m_rules.begin(), m_rules.end(), [&rule](const PolicyRule& r) {
                  return r.preference > rule.preference;
              });
    m_rules.insert(pos, rule);
    m_ruleIndexStale = true;
    m_valveRules += (rule.flags & RULE_FLAG_VALVE) ? 1 : 0;
    out.preference = rule.preference;
    out.classId = rule.classId;
    return out;
}

bool
PolicyDatabase::DeleteRule(const RuleSelector& selector)
{
    auto it = std::find_if(m_rules.begin(), m_rules.end(), [&selector](const PolicyRule& r) {
        return selector.Matches(r);
    });
    if (it == m_rules.end())
    {
        return false;
    }
    m_valveRules -= (it->flags & RULE_FLAG_VALVE) ? 1 : 0;
    m_rules.erase(it);
    m_ruleIndexStale = true;
    return true;
}

void
PolicyDatabase::ClearRules()
{
    m_rules.clear();
    m_valveRules = 0;
    m_ruleIndexStale = true;
}

bool
PolicyDatabase::RuleMatches(const PolicyRule& r, const FlowKey& key)
{
    return ((key.src ^ r.src) & PrefixMask(r.srcLength)) == 0 &&
           ((key.dst ^ r.dst) & PrefixMask(r.dstLength)) == 0 &&
           (r.tos == 0 || r.tos == (key.tos & ROUTE_TOS_MASK)) &&
           (r.iif == ROUTE_NO_INTERFACE || r.iif == key.iif) &&
           (r.oif == ROUTE_NO_INTERFACE || r.oif == key.oif);
}

PolicyDecision
PolicyDatabase::Scan(const FlowKey& key,
                     LookupAlgorithm algorithm,
                     std::vector<LookupStep>* steps) const
{
    PolicyDecision d;
    bool tosMiss = false;
    auto step = [steps](std::size_t i, const PolicyRule& r, LookupStep::Outcome o) {
        if (steps)
        {
            LookupStep s;
            s.ruleIndex = i;
            s.preference = r.preference;
            s.outcome = o;
            s.classId = r.classId;
            steps->push_back(s);
        }
    };
    auto decide = [&d](std::size_t i, const PolicyRule& r) {
        d.ruleIndex = static_cast<int>(i);
        d.preference = r.preference;
        d.ruleFlags = r.flags;
    };

    // One rule: \return true if it decides (d is set), false to go on with the next rule.
    auto process = [&](std::size_t i) -> bool {
        const PolicyRule& r = m_rules[i];
        if (!RuleMatches(r, key))
        {
            step(i, r, LookupStep::RULE_NO_MATCH);
            return false;
        }
        switch (r.action)
        {
        case RuleAction::DROP:
        case RuleAction::REJECT:
        case RuleAction::PROHIBIT:
            step(i, r, LookupStep::RULE_TERMINATES);
            decide(i, r);
            d.kind = PolicyDecision::ERROR;
            d.fromRule = true;
            d.error = r.action == RuleAction::DROP     ? RouteError::BLACKHOLE
                      : r.action == RuleAction::REJECT ? RouteError::NET_UNREACHABLE
                                                       : RouteError::PROHIBITED;
            return true;
        default:
            break;
        }

        if (r.hasRoute)
        {
            step(i, r, LookupStep::RULE_OWN_ROUTE);
            if (steps)
            {
                steps->back().node.info = r.route;
            }
            decide(i, r);
            d.kind = PolicyDecision::FORWARD;
            d.error = RouteError::NONE;
            d.fromRule = true;
            d.classId = CLASS_UNSPEC;
            d.node = RouteEntry();
            d.node.info = r.route;
        }
        else
        {
            const RouteClass* c = m_ruleClass[i];
            if (!c)
            {
                step(i, r, LookupStep::CLASS_MISSING);
                return false;
            }
            const ClassLookup res = c->Lookup(key.dst, key.tos, algorithm, key.oif);
            if (!res.IsMatch())
            {
                const bool noTos = res.status == ClassLookup::NO_MATCH_TOS;
                tosMiss = tosMiss || noTos;
                step(i, r, noTos ? LookupStep::CLASS_NO_TOS : LookupStep::CLASS_NO_MATCH);
                return false;
            }
            if (res.info->type == RouteNodeType::THROW)
            {
                step(i, r, LookupStep::NODE_THROW);
                if (steps)
                {
                    steps->back().node = res.Entry();
                }
                return false;
            }
            step(i, r, LookupStep::NODE_SELECTED);
            if (steps)
            {
                steps->back().node = res.Entry();
            }
            decide(i, r);
            d.classId = r.classId;
            d.node = res.Entry();
            d.fromRule = false;
            d.error = RouteError::NONE;
            switch (res.info->type)
            {
            case RouteNodeType::REJECT:
                d.kind = PolicyDecision::ERROR;
                d.error = m_style == RuleStyle::LINUX_2_1 ? RouteError::NET_UNREACHABLE
                                                          : RouteError::HOST_UNREACHABLE;
                return true;
            case RouteNodeType::PROHIBIT:
                d.kind = PolicyDecision::ERROR;
                d.error = RouteError::PROHIBITED;
                return true;
            case RouteNodeType::BLACKHOLE:
                d.kind = PolicyDecision::ERROR;
                d.error = RouteError::BLACKHOLE;
                return true;
            case RouteNodeType::LOCAL:
            case RouteNodeType::NAT:
                d.kind = PolicyDecision::LOCAL;
                return true;
            case RouteNodeType::BROADCAST:
                d.kind = PolicyDecision::BROADCAST;
                return true;
            default:
                d.kind = PolicyDecision::FORWARD;
                break;
            }
        }

        // A forwarding route: the rule's translation applies.
        if (r.action == RuleAction::NAT)
        {
            d.translateSource = true;
            d.newSource = (key.src & ~PrefixMask(r.srcLength)) | r.natAddress;
        }
        else if (r.action == RuleAction::MASQUERADE)
        {
            d.masquerade = true;
        }
        return true;
    };

    if (m_ruleIndexStale)
    {
        m_ruleIndex.Build(m_rules);
        m_ruleClass.resize(m_rules.size());
        for (std::size_t i = 0; i < m_rules.size(); ++i)
        {
            m_ruleClass[i] = m_rules[i].LooksUpClass() ? FindClass(m_rules[i].classId) : nullptr;
        }
        m_ruleIndexStale = false;
    }
    bool decided = false;
    if (steps)
    {
        // Explanations show every rule in order, matching or not.
        for (std::size_t i = 0; i < m_rules.size() && !decided; ++i)
        {
            decided = process(i);
        }
    }
    else
    {
        m_ruleIndex.ForEachCandidate(key, [&](uint32_t i) { return decided = process(i); });
    }
    if (decided)
    {
        return d;
    }

    d = PolicyDecision();
    d.kind = PolicyDecision::ERROR;
    d.error = (tosMiss && algorithm != LookupAlgorithm::LINUX) ? RouteError::NET_UNREACHABLE_TOS
                                                               : RouteError::NET_UNREACHABLE;
    return d;
}

PolicyDecision
PolicyDatabase::Lookup(const FlowKey& key,
                       LookupAlgorithm algorithm,
                       std::vector<LookupStep>* steps) const
{
    PolicyDecision d = Scan(key, algorithm, steps);
    const bool input = key.iif != ROUTE_NO_INTERFACE && key.iif != m_loopback;

    if (d.kind == PolicyDecision::LOCAL && d.node.info.type == RouteNodeType::NAT)
    {
        if (!input)
        {
            // ip_route_output_slow: a NAT address is not a destination for local senders.
            d.kind = PolicyDecision::ERROR;
            d.error = RouteError::INVALID;
            return d;
        }
        // ip_route_input_slow: daddr = (daddr & host bits) | gateway, then look up again; the
        // result must be a plain unicast route.
        const uint32_t hostMask = ~PrefixMask(d.node.length);
        FlowKey inner = key;
        inner.dst = (key.dst & hostMask) | d.node.info.gateway;
        PolicyDecision t = Scan(inner, algorithm, steps);
        if (t.kind != PolicyDecision::FORWARD || t.node.info.type != RouteNodeType::UNICAST)
        {
            d.kind = PolicyDecision::ERROR;
            d.error = t.kind == PolicyDecision::ERROR ? t.error : RouteError::INVALID;
            return d;
        }
        t.translateDestination = true;
        t.newDestination = inner.dst;
        d = t;
    }

    if (d.kind == PolicyDecision::FORWARD && d.node.info.interface == ROUTE_NO_INTERFACE &&
        d.node.info.gateway != 0)
    {
        // A route given by gateway only: the gateway must be on a directly connected network
        // (2.1 get_gw_dev: a lookup of the gateway that must not need a gateway itself).
        FlowKey g;
        g.dst = d.node.info.gateway;
        g.tos = key.tos;
        g.iif = m_loopback;
        const PolicyDecision via = Scan(g, algorithm, nullptr);
        if (via.kind == PolicyDecision::FORWARD && via.node.info.gateway == 0 &&
            via.node.info.interface != ROUTE_NO_INTERFACE)
        {
            d.node.info.interface = via.node.info.interface;
        }
        else
        {
            d.kind = PolicyDecision::ERROR;
            d.error = RouteError::NET_UNREACHABLE;
            return d;
        }
    }

    if (input && d.kind == PolicyDecision::FORWARD)
    {
        if (m_valveRules > 0)
        {
            // Reverse lookup for source validation (2.1 ip_route_input_slow): if the rule that
            // routes replies back to the source is a VALVE, the packet must have been
            // de-masqueraded to pass.
            FlowKey reverse;
            reverse.src = d.translateDestination ? d.newDestination : key.dst;
            reverse.dst = key.src;
            reverse.tos = key.tos;
            reverse.iif = d.node.info.interface;
            PolicyDecision back = Scan(reverse, algorithm, nullptr);
            if (back.IsRoute() && (back.ruleFlags & RULE_FLAG_VALVE))
            {
                d.valve = true;
            }
        }
    }
    return d;
}

namespace
{

std::string
RuleSelectorText(const PolicyRule& r,
                 bool modern,
                 const std::function<std::string(uint32_t)>& ifName)
{
    std::ostringstream os;
    if (modern)
    {
        os << "from " << FormatPrefix(r.src, r.srcLength, "all");
        if (r.dstLength)
        {
            os << " to " << FormatPrefix(r.dst, r.dstLength);
        }
        if (r.tos)
        {
            os << " tos 0x" << Hex2(r.tos);
        }
        if (r.iif != ROUTE_NO_INTERFACE)
        {
            os << " iif " << InterfaceName(r.iif, ifName);
        }
        if (r.oif != ROUTE_NO_INTERFACE)
        {
            os << " oif " << InterfaceName(r.oif, ifName);
        }
    }
    return os.str();
}

std::string
RuleActionText(const PolicyRule& r, bool modern, const std::function<std::string(uint32_t)>& ifName)
{
    std::ostringstream os;
    auto ownRoute = [&]() {
        os << "route";
        if (r.route.gateway)
        {
            os << " via " << FormatAddress(r.route.gateway);
        }
        if (r.route.interface != ROUTE_NO_INTERFACE)
        {
            os << " dev " << InterfaceName(r.route.interface, ifName);
        }
    };
    switch (r.action)
    {
    case RuleAction::ROUTE:
        if (r.hasRoute)
        {
            ownRoute();
        }
        else
        {
            os << (modern ? "lookup " + ClassIdName(r.classId) : std::to_string(r.classId));
        }
        break;
    case RuleAction::NAT:
    case RuleAction::MASQUERADE:
        if (r.hasRoute)
        {
            ownRoute();
        }
        else
        {
            os << (modern ? "lookup " + ClassIdName(r.classId) : std::to_string(r.classId));
        }
        if (r.action == RuleAction::NAT)
        {
            os << " nat " << FormatAddress(r.natAddress);
        }
        else
        {
            os << " masquerade";
        }
        break;
    case RuleAction::DROP:
        os << (modern ? "blackhole" : "drop");
        break;
    case RuleAction::REJECT:
        os << (modern ? "unreachable" : "reject");
        break;
    case RuleAction::PROHIBIT:
        os << "prohibit";
        break;
    }
    if (r.flags & RULE_FLAG_LOG)
    {
        os << " log";
    }
    if (r.flags & RULE_FLAG_VALVE)
    {
        os << " valve";
    }
    return os.str();
}

} // namespace

void
PolicyDatabase::PrintRulesSeed(std::ostream& os,
                               const std::function<std::string(uint32_t)>& ifName) const
{
    os << "Kernel routing policy rules\n";
    os << "Pref Source Destination TOS Iface Cl\n";
    for (const PolicyRule& r : m_rules)
    {
        os << r.preference << " " << FormatPrefix(r.src, r.srcLength) << " "
           << FormatPrefix(r.dst, r.dstLength) << " " << Hex2(r.tos) << " "
           << (r.iif == ROUTE_NO_INTERFACE ? std::string("*") : InterfaceName(r.iif, ifName)) << " "
           << RuleActionText(r, false, ifName) << "\n";
    }
}

void
PolicyDatabase::PrintRulesModern(std::ostream& os,
                                 const std::function<std::string(uint32_t)>& ifName) const
{
    for (const PolicyRule& r : m_rules)
    {
        os << r.preference << ":\t" << RuleSelectorText(r, true, ifName) << " "
           << RuleActionText(r, true, ifName) << "\n";
    }
}

void
PolicyDatabase::PrintClass(std::ostream& os,
                           uint32_t id,
                           const std::function<std::string(uint32_t)>& ifName) const
{
    const RouteClass* c = FindClass(id);
    if (!c)
    {
        return;
    }
    c->ForEach([&](const RouteEntry& e) {
        if (e.info.type != RouteNodeType::UNICAST)
        {
            os << RouteNodeTypeName(e.info.type) << " ";
        }
        os << FormatPrefix(e.prefix, e.length);
        if (e.tos)
        {
            os << " tos 0x" << Hex2(e.tos);
        }
        if (e.info.gateway)
        {
            os << " via " << FormatAddress(e.info.gateway);
        }
        if (e.info.interface != ROUTE_NO_INTERFACE)
        {
            os << " dev " << InterfaceName(e.info.interface, ifName);
        }
        if (e.info.prefSrc)
        {
            os << " src " << FormatAddress(e.info.prefSrc);
        }
        if (e.metric)
        {
            os << " metric " << e.metric;
        }
        os << "\n";
    });
}

} // namespace ns3
