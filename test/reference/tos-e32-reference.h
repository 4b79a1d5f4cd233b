/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * An independent reference of RFC 1812 Appendix E.3.2, "The Variant Router Requirements
 * Algorithm", written from the RFC text (../shared/reference/semantics.md §1.2, §1.4, §1.6,
 * §1.7, §5) and nothing else: no classes, no rules. A lookup is:
 *
 *   0. Local/remote decision (RFC 1812 5.2.4.2): a destination that is one of the router's
 *      addresses is delivered locally, a subnet broadcast address is a broadcast, and a
 *      destination on a directly connected network is sent there (the longest such network).
 *      Only other destinations go through the next-hop selection (5.2.4.3: "If so, the next
 *      hop address is the same as the IP Destination Address").
 *   1. Basic match: keep the routes whose route.length most significant bits equal the
 *      destination's.
 *   2. Weak TOS: if a candidate has route.tos == ip.tos (the four TOS bits, RFC 1349), keep
 *      only those; otherwise keep only the routes of TOS 0000.
 *   3. Longest match.
 *   4. Best metric: discard a route whose metric is strictly worse than another's.
 *   5. Policy: none; routes with different next hops left: AMBIGUOUS.
 *
 * An empty set is unreachable. The 5.2.4.3 order (basic, longest, weak TOS, metric) is here too,
 * to show where the two differ.
 *
 * Header-only, standard library only.
 */

#ifndef TOS_E32_REFERENCE_H
#define TOS_E32_REFERENCE_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace e32ref
{

/// A gateway route.
struct Route
{
    uint32_t dest{0};    //!< route.dest
    uint32_t length{0};  //!< route.length
    uint8_t tos{0};      //!< route.tos (TOS octet, bits 0x1e)
    uint32_t metric{0};  //!< route.metric
    uint32_t gateway{0}; //!< next hop
    uint32_t interface {
        0
    }; //!< output interface
};

/// A directly connected network.
struct Connected
{
    uint32_t address{0}; //!< network
    uint32_t length{0};  //!< prefix length
    uint32_t interface {
        0
    }; //!< interface
};

/// What the reference knows of a router.
struct Router
{
    std::vector<Route> fib;           //!< gateway routes
    std::vector<Connected> connected; //!< directly connected networks
    std::vector<uint32_t> local;      //!< own addresses
    std::vector<uint32_t> broadcast;  //!< subnet broadcast addresses
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
    std::string why; //!< which step decided
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

namespace detail
{

inline void
WeakTos(std::vector<Route>& set, uint8_t tos)
{
    const bool exact =
        std::any_of(set.begin(), set.end(), [tos](const Route& x) { return x.tos == tos; });
    const uint8_t keep = exact ? tos : 0;
    set.erase(
        std::remove_if(set.begin(), set.end(), [keep](const Route& x) { return x.tos != keep; }),
        set.end());
}

inline void
LongestMatch(std::vector<Route>& set)
{
    uint32_t longest = 0;
    for (const Route& x : set)
    {
        longest = std::max(longest, x.length);
    }
    set.erase(std::remove_if(set.begin(),
                             set.end(),
                             [longest](const Route& x) { return x.length != longest; }),
              set.end());
}

/// Steps 0 (local/remote); \return true if they decided
inline bool
LocalRemote(const Router& r, uint32_t dst, Decision& d)
{
    if (std::find(r.local.begin(), r.local.end(), dst) != r.local.end())
    {
        d.kind = Decision::LOCAL;
        d.why = "own address";
        return true;
    }
    if (std::find(r.broadcast.begin(), r.broadcast.end(), dst) != r.broadcast.end())
    {
        d.kind = Decision::BROADCAST;
        d.why = "subnet broadcast";
        return true;
    }
    const Connected* on = nullptr;
    for (const Connected& c : r.connected)
    {
        if (SameBits(c.address, dst, c.length) && (!on || c.length > on->length))
        {
            on = &c;
        }
    }
    if (on)
    {
        d.kind = Decision::FORWARD;
        d.gateway = 0;
        d.interface = on->interface;
        d.why = "directly connected (5.2.4.2)";
        return true;
    }
    return false;
}

/// Steps 4 and 5 on what is left.
inline Decision
Finish(std::vector<Route>& set, Decision d, const std::string& why)
{
    if (set.empty())
    {
        d.kind = Decision::UNREACHABLE;
        d.why = why + ": nothing left";
        return d;
    }
    std::vector<Route> best;
    for (const Route& x : set)
    {
        if (std::none_of(set.begin(), set.end(), [&x](const Route& y) {
                return y.metric < x.metric;
            }))
        {
            best.push_back(x);
        }
    }
    for (const Route& x : best)
    {
        if (x.gateway != best[0].gateway || x.interface != best[0].interface)
        {
            d.kind = Decision::AMBIGUOUS;
            d.why = why + ": several routes left";
            return d;
        }
    }
    d.kind = Decision::FORWARD;
    d.gateway = best[0].gateway;
    d.interface = best[0].interface;
    d.why = why + ": /" + std::to_string(best[0].length) + " tos " + std::to_string(best[0].tos);
    return d;
}

} // namespace detail

/**
 * RFC 1812 E.3.2 for one packet.
 * \param r the router
 * \param dst destination
 * \param tos the packet's TOS octet (precedence and the low bit are ignored)
 * \return the decision
 */
inline Decision
Lookup(const Router& r, uint32_t dst, uint8_t tos)
{
    Decision d;
    if (detail::LocalRemote(r, dst, d))
    {
        return d;
    }
    tos &= 0x1e;
    std::vector<Route> set;
    for (const Route& x : r.fib)
    {
        if (SameBits(x.dest, dst, x.length))
        {
            set.push_back(x);
        }
    }
    detail::WeakTos(set, tos);
    detail::LongestMatch(set);
    return detail::Finish(set, d, "E.3.2");
}

/**
 * RFC 1812 5.2.4.3 for one packet (longest match before weak TOS), for comparison.
 * \param r the router
 * \param dst destination
 * \param tos the packet's TOS octet
 * \return the decision
 */
inline Decision
LookupRfc1812(const Router& r, uint32_t dst, uint8_t tos)
{
    Decision d;
    if (detail::LocalRemote(r, dst, d))
    {
        return d;
    }
    tos &= 0x1e;
    std::vector<Route> set;
    for (const Route& x : r.fib)
    {
        if (SameBits(x.dest, dst, x.length))
        {
            set.push_back(x);
        }
    }
    detail::LongestMatch(set);
    detail::WeakTos(set, tos);
    return detail::Finish(set, d, "5.2.4.3");
}

} // namespace e32ref

#endif /* TOS_E32_REFERENCE_H */
