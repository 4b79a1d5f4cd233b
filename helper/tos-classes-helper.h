/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * TOS classes: the seed's "application 4" (policy-routing.txt: "The Variant Router
 * Requirements Algorithm (RFC1812 E.3.2): Create 16 classes for different TOS values").
 * Gateway routes go to the class of their TOS; one rule per TOS value selects its class, a
 * last rule the class of TOS 0. See doc/ospf-and-tos-classes.md.
 */

#ifndef TOS_CLASSES_HELPER_H
#define TOS_CLASSES_HELPER_H

#include "ns3/policy-layout.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/// The class of TOS 0 (the classes of the 16 TOS values are 200..215).
constexpr uint32_t TOS_CLASS_BASE = 200;
/// Preference of the rule that consults the interface routes (class 254) first.
constexpr uint32_t TOS_RULE_INTERFACES_PREF = 10;
/// Preference of the rule of TOS value v (v = 1..15, TOS octet 2v) is this plus v.
constexpr uint32_t TOS_RULE_PREF_BASE = 100;
/// Preference of the rule of TOS 0 (every packet that no TOS class answered).
constexpr uint32_t TOS_RULE_DEFAULT_PREF = 200;

/**
 * \ingroup policy-routing
 * \return the 16 TOS octets of the 4-bit TOS field (RFC 1349): 0x00, 0x02, ..., 0x1e
 */
std::vector<uint8_t> AllTosValues();

/**
 * \ingroup policy-routing
 * \param tos a TOS octet (only ROUTE_TOS_MASK bits count)
 * \param base the class of TOS 0
 * \return the class of the TOS value: base + tos/2
 */
uint32_t TosClassOf(uint8_t tos, uint32_t base = TOS_CLASS_BASE);

/**
 * \ingroup policy-routing
 * The seed's application 4 for one router. Every route goes to the class of its TOS (its TOS
 * is kept on the node); the rules are
 *
 *   iproute addrule pref 10 class 254              interface routes first (RFC 1812 5.2.4.2)
 *   iproute addrule tos 0x02 pref 101 class 201    one per non-zero TOS value
 *   ...
 *   iproute addrule tos 0x1e pref 115 class 215
 *   iproute addrule pref 200 class 200             TOS 0: every packet
 *
 * A packet with TOS t first meets the rule of t (rule TOS is an exact selector): if class t
 * has a route to the destination, the longest of them decides; if not, the class does not
 * match and the scan goes on to class 200, the routes of TOS 0, where again the longest
 * decides. That is RFC 1812 E.3.2, weak TOS before longest match.
 * \param routes gateway routes with their TOS (unicast, reject, ...)
 * \param base the class of TOS 0 (base + 15 must be below 253)
 * \return the layout (all 16 classes exist, empty ones included)
 */
PolicyLayout TosClassLayout(const std::vector<RouteEntry>& routes, uint32_t base = TOS_CLASS_BASE);

} // namespace ns3

#endif /* TOS_CLASSES_HELPER_H */
