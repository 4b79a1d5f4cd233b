/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "tos-classes-helper.h"

#include "ns3/abort.h"

#include <cstdio>

namespace ns3
{

std::vector<uint8_t>
AllTosValues()
{
    std::vector<uint8_t> out;
    for (uint8_t v = 0; v < 16; ++v)
    {
        out.push_back(static_cast<uint8_t>(v << 1));
    }
    return out;
}

uint32_t
TosClassOf(uint8_t tos, uint32_t base)
{
    return base + ((tos & ROUTE_TOS_MASK) >> 1);
}

PolicyLayout
TosClassLayout(const std::vector<RouteEntry>& routes, uint32_t base)
{
    NS_ABORT_MSG_IF(base == CLASS_UNSPEC || base + 15 >= CLASS_DEFAULT,
                    "TosClassLayout: the 16 classes must lie in 1..252");
    PolicyLayout layout;
    for (uint8_t tos : AllTosValues())
    {
        bool first = true;
        for (const RouteEntry& e : routes)
        {
            if ((e.tos & ROUTE_TOS_MASK) != tos)
            {
                continue;
            }
            PolicyLayoutRoute r;
            r.classId = TosClassOf(tos, base);
            r.entry = e;
            if (first)
            {
                char b[64];
                std::snprintf(b, sizeof(b), "routes of TOS 0x%02x", tos);
                r.comment = b;
                first = false;
            }
            layout.routes.push_back(r);
        }
    }
    PolicyLayoutRule interfaces;
    interfaces.rule.classId = CLASS_MAIN;
    interfaces.preference = TOS_RULE_INTERFACES_PREF;
    interfaces.comment = "directly connected destinations first (RFC 1812 5.2.4.2)";
    layout.rules.push_back(interfaces);
    for (uint8_t tos : AllTosValues())
    {
        if (tos == 0)
        {
            continue;
        }
        PolicyLayoutRule r;
        r.rule.tos = tos;
        r.rule.classId = TosClassOf(tos, base);
        r.preference = TOS_RULE_PREF_BASE + (tos >> 1);
        if (tos == 0x02)
        {
            r.comment = "one class per TOS value: weak TOS before longest match (E.3.2)";
        }
        layout.rules.push_back(r);
    }
    PolicyLayoutRule fallback;
    fallback.rule.classId = base;
    fallback.preference = TOS_RULE_DEFAULT_PREF;
    fallback.comment = "no route of the packet's TOS: the routes of TOS 0";
    layout.rules.push_back(fallback);
    return layout;
}

} // namespace ns3
