/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A deterministic generator of realistic IPv4 Internet routing tables and of destination
 * addresses to look up in them, for the benchmarks (and for tests and examples that want a
 * big, realistic table). See bench/README.md for the model and how it compares to a real BGP
 * table.
 */

#ifndef POLICY_ROUTING_INTERNET_TABLE_H
#define POLICY_ROUTING_INTERNET_TABLE_H

#include "ns3/route-class.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * Parameters of GenerateInternetTable.
 */
struct InternetTableConfig
{
    std::size_t prefixes{1000000};     //!< number of routes, the default route included
    uint64_t seed{1};                  //!< same seed and parameters, same table, on any platform
    uint32_t nextHops{32};             //!< number of distinct gateways (a real table has tens)
    uint32_t firstGateway{0x0a000002}; //!< gateway i is firstGateway + i (10.0.0.2 on)
    uint32_t interface {
        1
    };                       //!< output interface of every route
    bool defaultRoute{true}; //!< include 0.0.0.0/0 (via the first gateway)
};

/**
 * \ingroup policy-routing
 * Generate a realistic Internet routing table.
 *
 * The model, in the order the generator applies it:
 *  - Prefix lengths follow the length mix of a real full BGP table
 *    (InternetTableLengthMixPerMillion(): /24 60%, /23 10.5%, /22 12%, /21 5.2%, /20 4.5%,
 *    /19 3%, /16-/18 4.1%, /8-/15 0.7%); counts are apportioned exactly (largest remainder),
 *    so even a 10-route table has mostly /24s.
 *  - Prefixes are placed shortest first. A prefix is either a more-specific, placed inside an
 *    already placed shorter prefix at most 10 bits shorter (deaggregation and traffic
 *    engineering: about half of a real table is covered by another prefix), or a top-level
 *    block carved from the allocation pool of one of the unicast /8s (1-223 but 10 and 127,
 *    skipping the other special-purpose blocks). Each /8 pool is handed out sequentially, as
 *    RIRs do, with occasional gaps, and /8s are chosen with uneven weights: routes cluster in
 *    allocated space instead of spreading uniformly.
 *  - Gateways: a skewed choice among nextHops gateways (a few upstreams carry most routes);
 *    a more-specific often keeps the gateway of its covering prefix.
 *  - The routes are returned in a pseudo-random order (the default route first), as a BGP
 *    feed delivers them; all are UNICAST, TOS 0, metric 0, through config.interface.
 *
 * \param config sizes and seed
 * \return the routes; prefixes are distinct
 */
std::vector<RouteEntry> GenerateInternetTable(const InternetTableConfig& config);

/// \return the share of each prefix length (index: length 0..32) in a generated table, per
/// million non-default prefixes.
const std::array<uint32_t, 33>& InternetTableLengthMixPerMillion();

/**
 * \ingroup policy-routing
 * What a table looks like (see DescribeInternetTable).
 */
struct InternetTableStats
{
    std::size_t routes{0};                  //!< number of routes
    std::array<std::size_t, 33> byLength{}; //!< routes per prefix length
    std::size_t covered{0};      //!< routes inside a shorter route other than the default
    std::size_t gateways{0};     //!< distinct gateways
    uint64_t routedAddresses{0}; //!< addresses covered by some route other than the default
    std::size_t usedSlash8s{0};  //!< /8s holding at least one non-default route
    bool hasDefault{false};      //!< 0.0.0.0/0 present
};

/// \return statistics of \p table (distinct prefixes assumed)
InternetTableStats DescribeInternetTable(const std::vector<RouteEntry>& table);

/**
 * \ingroup policy-routing
 * Destinations to look up in \p table: with probability \p routedShare a uniformly chosen
 * non-default route and a uniformly random address inside it (traffic goes to routed space;
 * choosing the route first, not the address, gives the many /24s their weight), else a
 * uniformly random 32-bit address.
 * \param table the table
 * \param count number of destinations
 * \param seed random seed
 * \param routedShare share of destinations drawn from the routes
 * \return the destinations (host order)
 */
std::vector<uint32_t> GenerateDestinations(const std::vector<RouteEntry>& table,
                                           std::size_t count,
                                           uint64_t seed,
                                           double routedShare = 0.9);

} // namespace ns3

#endif /* POLICY_ROUTING_INTERNET_TABLE_H */
