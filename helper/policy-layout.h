/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * PolicyLayout: a router's policy routing as data (the routes of each class and the rules in
 * the order they are added), as the OSPF-classes and TOS-classes helpers compute it. It can be
 * applied to a PolicyDatabase (no simulator), to a node's Ipv4PolicyRouting, or printed as the
 * seed's `iproute` commands for the configuration language (doc/configuration-language.md).
 */

#ifndef POLICY_LAYOUT_H
#define POLICY_LAYOUT_H

#include "ns3/ipv4-policy-routing.h"
#include "ns3/policy-database.h"
#include "ns3/ptr.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * A route of a layout: the node and its class.
 */
struct PolicyLayoutRoute
{
    uint32_t classId{CLASS_MAIN}; //!< class
    RouteEntry entry;             //!< the node
    std::string comment;          //!< why it is there (printed as a `#` comment)
};

/**
 * \ingroup policy-routing
 * A rule of a layout.
 */
struct PolicyLayoutRule
{
    PolicyRule rule;                    //!< selectors and action (its preference is ignored)
    std::optional<uint32_t> preference; //!< explicit preference; empty: unspecified (2.1)
    std::string comment;                //!< why it is there
};

/**
 * \ingroup policy-routing
 * \brief A router's policy routing as data: routes per class and rules in the order they are
 * added. Rules are added after the routes; with unspecified preferences (Linux 2.1 style) a
 * rule added later is consulted earlier (semantics.md §2.5).
 */
struct PolicyLayout
{
    std::vector<PolicyLayoutRoute> routes; //!< routes, in the order they are added
    std::vector<PolicyLayoutRule> rules;   //!< rules, in the order they are added

    /// \return the ids of the classes the layout fills or names, ascending
    std::vector<uint32_t> ClassIds() const;
};

/**
 * \ingroup policy-routing
 * Apply a layout to a rule database: every route is inserted (InsertMode::ADD) into its class
 * (created if needed), then every rule is added; the classes rules name are created empty if
 * no route fills them.
 * \param db the database
 * \param layout the layout
 * \return an empty string, or the first failure ("class 250: 10.1.0.0/16 ...: exists")
 */
std::string ApplyPolicyLayout(PolicyDatabase& db, const PolicyLayout& layout);

/**
 * \ingroup policy-routing
 * Install a layout on a node's policy routing through its public API (AddRoute, AddRule);
 * aborts with a message on a failure.
 * \param routing the node's Ipv4PolicyRouting
 * \param layout the layout
 */
void InstallPolicyLayout(Ptr<Ipv4PolicyRouting> routing, const PolicyLayout& layout);

/**
 * \ingroup policy-routing
 * The layout as the seed's commands (policy-routing.txt syntax, which PolicyConfigHelper
 * reads): `iproute add PREFIX [tos T] [gw GW] [dev DEV] [metric M] [reject] class N` for the
 * routes, `iproute addrule [from P] [to P] [tos T] [pref N] class N` (or `drop`, `reject`,
 * `prohibit`) for the rules, each after its comment. Rule selectors other than source,
 * destination and TOS, NAT/MASQUERADE actions and rules with their own route are not
 * printed (the helpers do not make them).
 * \param layout the layout
 * \param ifName names an interface index (for `dev`); null: "if<i>"
 * \return the text, one command a line
 */
std::string PolicyLayoutCommands(const PolicyLayout& layout,
                                 const std::function<std::string(uint32_t)>& ifName = nullptr);

} // namespace ns3

#endif /* POLICY_LAYOUT_H */
