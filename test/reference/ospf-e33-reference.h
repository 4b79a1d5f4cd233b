/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * An independent reference of the OSPF next-hop selection of RFC 1812 Appendix E.3.3, written
 * from the RFC text (../shared/reference/semantics.md §1.2, §1.6, §1.8) and nothing else: it
 * knows no classes, rules, reject nodes or preferences. A router's FIB is a list of routes,
 * each with its OSPF route class; a lookup starts from the whole list and applies the pruning
 * rules in E.3.3's order:
 *
 *   1. Basic match: keep the routes whose route.length most significant bits equal the
 *      destination's.
 *   2. OSPF route class (E.2): if any candidate is intra-area, keep only the intra-area ones.
 *      Otherwise, if the destination falls in an address range configured for an attached
 *      area (and the range is active: it holds at least one intra-area route of the router,
 *      RFC 1583 §11.1), delete the whole set. Otherwise keep only the inter-area ones if any;
 *      otherwise only the type 1 externals if any; otherwise only the type 2 externals if any.
 *      Routes of no OSPF class (the router's interface routes, other sources) are kept only if
 *      no OSPF route is left: the seed's application 3 consults them (class 254) after the
 *      four OSPF classes.
 *   3. Longest match.
 *   4. Weak TOS: if a candidate has route.tos == ip.tos keep those, else keep the TOS-0 ones.
 *   5. Best metric: discard a route whose metric is strictly worse than another's (type 2
 *      externals compare the external cost first, then the internal one).
 *   6. Policy: none; if routes with different next hops are left, the answer is AMBIGUOUS
 *      (the tests treat it as a failure: the route sets they build have no ties).
 *
 * An empty set means unreachable. Before the FIB, a destination that is one of the router's
 * own addresses is delivered locally, and the broadcast address of an attached subnet is a
 * broadcast (RFC 1812 5.2.3 / 4.2.3.1); those two are what the LOCAL class holds.
 *
 * Header-only, standard library only.
 */

#ifndef OSPF_E33_REFERENCE_H
#define OSPF_E33_REFERENCE_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace e33ref
{

/// The OSPF route classes of RFC 1812 E.2, most preferred first; OTHER: not an OSPF route.
enum class OspfClass
{
    INTRA_AREA = 0,
    INTER_AREA = 1,
    TYPE1_EXTERNAL = 2,
    TYPE2_EXTERNAL = 3,
    OTHER = 4,
};

/// A FIB entry.
struct Route
{
    uint32_t dest{0};                //!< route.dest
    uint32_t length{0};              //!< route.length
    uint8_t tos{0};                  //!< route.tos (TOS octet bits 0x1e)
    OspfClass cls{OspfClass::OTHER}; //!< its OSPF route class
    uint32_t metric{0};              //!< metric (type 2: the internal part)
    uint32_t externalMetric{0};      //!< type 2: the external cost
    uint32_t gateway{0};             //!< next hop, 0: the destination itself (on-link)
    uint32_t interface {
        0
    }; //!< output interface
};

/// A configured area address range.
struct Range
{
    uint32_t address{0}; //!< range address
    uint32_t length{0};  //!< range length
};

/// What the reference knows of a router.
struct Router
{
    std::vector<Route> fib;          //!< every route
    std::vector<Range> ranges;       //!< the ranges of its attached areas
    std::vector<uint32_t> local;     //!< its own addresses
    std::vector<uint32_t> broadcast; //!< broadcast addresses of its subnets
};

/// The answer.
struct Decision
{
    /// What the router does.
    enum Kind
    {
        LOCAL,
        BROADCAST,
        FORWARD,
        UNREACHABLE,
        AMBIGUOUS,
    };

    Kind kind{UNREACHABLE}; //!< what
    uint32_t gateway{0};    //!< FORWARD: next hop (0: on-link)
    uint32_t interface {
        0
    };               //!< FORWARD: output interface
    std::string why; //!< which rule decided
};

/// \return the mask of a prefix length
inline uint32_t
Mask(uint32_t length)
{
    return length == 0 ? 0 : 0xffffffffu << (32 - length);
}

/// \return true if the most significant \p length bits of \p a and \p b are equal
inline bool
SameBits(uint32_t a, uint32_t b, uint32_t length)
{
    return ((a ^ b) & Mask(length)) == 0;
}

/**
 * RFC 1812 E.3.3 for one packet.
 * \param r the router
 * \param dst destination address
 * \param tos TOS octet of the packet
 * \return the decision
 */
inline Decision
Lookup(const Router& r, uint32_t dst, uint8_t tos = 0)
{
    Decision d;
    if (std::find(r.local.begin(), r.local.end(), dst) != r.local.end())
    {
        d.kind = Decision::LOCAL;
        d.why = "own address";
        return d;
    }
    if (std::find(r.broadcast.begin(), r.broadcast.end(), dst) != r.broadcast.end())
    {
        d.kind = Decision::BROADCAST;
        d.why = "subnet broadcast";
        return d;
    }
    tos &= 0x1e;

    // 1. Basic match.
    std::vector<Route> set;
    for (const Route& x : r.fib)
    {
        if (SameBits(x.dest, dst, x.length))
        {
            set.push_back(x);
        }
    }
    if (set.empty())
    {
        d.why = "no route matches";
        return d;
    }

    // 2. OSPF route class.
    auto has = [&set](OspfClass c) {
        return std::any_of(set.begin(), set.end(), [c](const Route& x) { return x.cls == c; });
    };
    auto keepOnly = [&set](OspfClass c) {
        set.erase(
            std::remove_if(set.begin(), set.end(), [c](const Route& x) { return x.cls != c; }),
            set.end());
    };
    if (has(OspfClass::INTRA_AREA))
    {
        keepOnly(OspfClass::INTRA_AREA);
    }
    else
    {
        for (const Range& range : r.ranges)
        {
            if (!SameBits(range.address, dst, range.length))
            {
                continue;
            }
            const bool active = std::any_of(r.fib.begin(), r.fib.end(), [&range](const Route& x) {
                return x.cls == OspfClass::INTRA_AREA && x.length >= range.length &&
                       SameBits(x.dest, range.address, range.length);
            });
            if (active)
            {
                d.why = "in an active area range, no intra-area route";
                return d;
            }
        }
        for (OspfClass c : {OspfClass::INTER_AREA,
                            OspfClass::TYPE1_EXTERNAL,
                            OspfClass::TYPE2_EXTERNAL,
                            OspfClass::OTHER})
        {
            if (has(c))
            {
                keepOnly(c);
                break;
            }
        }
    }

    // 3. Longest match.
    uint32_t longest = 0;
    for (const Route& x : set)
    {
        longest = std::max(longest, x.length);
    }
    set.erase(std::remove_if(set.begin(),
                             set.end(),
                             [longest](const Route& x) { return x.length != longest; }),
              set.end());

    // 4. Weak TOS.
    const bool exact =
        std::any_of(set.begin(), set.end(), [tos](const Route& x) { return x.tos == tos; });
    const uint8_t keep = exact ? tos : 0;
    set.erase(
        std::remove_if(set.begin(), set.end(), [keep](const Route& x) { return x.tos != keep; }),
        set.end());
    if (set.empty())
    {
        d.why = "no route of this TOS or TOS 0 at the longest match";
        return d;
    }

    // 5. Best metric: a route strictly worse than another is discarded.
    auto metric = [](const Route& x) {
        return x.cls == OspfClass::TYPE2_EXTERNAL ? std::make_tuple(x.externalMetric, x.metric)
                                                  : std::make_tuple(0u, x.metric);
    };
    std::vector<Route> best;
    for (const Route& x : set)
    {
        const bool worse = std::any_of(set.begin(), set.end(), [&](const Route& y) {
            return metric(y) < metric(x);
        });
        if (!worse)
        {
            best.push_back(x);
        }
    }

    // 6. Policy.
    for (const Route& x : best)
    {
        if (x.gateway != best[0].gateway || x.interface != best[0].interface)
        {
            d.kind = Decision::AMBIGUOUS;
            d.why = "several routes left";
            return d;
        }
    }
    d.kind = Decision::FORWARD;
    d.gateway = best[0].gateway;
    d.interface = best[0].interface;
    d.why = "class " + std::to_string(static_cast<int>(best[0].cls)) + ", /" +
            std::to_string(best[0].length);
    return d;
}

} // namespace e33ref

#endif /* OSPF_E33_REFERENCE_H */
