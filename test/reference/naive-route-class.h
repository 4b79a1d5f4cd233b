/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * A deliberately naive reference implementation of one routing class, written straight from
 * the RFC text (RFC 1812 5.2.4.3 and Appendix E.3, RFC 1349) and from the Linux 2.1
 * fib_lookup() pseudo-code (../shared/reference/semantics.md §1.2, §1.6, §2.3, §2.4, §4.3,
 * §4.4, §5). It exists to be compared with ns3::RouteClass (the differential test) and as a
 * slow baseline for the benchmarks. It is header-only and has no dependency beyond the plain
 * types of route-class.h.
 *
 * Nothing here is clever on purpose: every node lives in one std::vector; every lookup starts
 * with the whole vector as its candidate set and applies the pruning rules one after the
 * other, in the order the RFC lists them; the Linux algorithm is the 2.1 zone scan, longest
 * zone first, over the same vector. O(n) per lookup.
 *
 * Decisions (the contract the engine is tested against):
 *
 *  - Node order. Nodes of the same prefix (prefix, length) are kept in lookup order: TOS
 *    descending, then metric ascending (Linux fib_create() 2.1 intended order, 2.2 fib_hash,
 *    modern fib_find_alias()). Nodes with the same key (prefix, length, TOS, metric) are
 *    ordered by how they were inserted, as `ip route` does: ADD and PREPEND put the new node
 *    before the nodes with its key, APPEND after them, REPLACE keeps the position of the node
 *    it replaces. "First in order" breaks every remaining tie (RFC 1812 5.2.4.5: the router
 *    "may arbitrarily discard all but one of them"), including E.3.1's ties between equal
 *    metrics of different TOS (the higher TOS comes first).
 *
 *  - Insert results (Linux fib_table_insert(), checked with `ip route` on a 6.x kernel):
 *    INVALID for length > 32, host bits set, TOS bits outside 0x1e, or a REJECT / PROHIBIT /
 *    BLACKHOLE / THROW node with a gateway or an interface. ADD: EXISTS if a node with the same
 *    key exists. PREPEND / APPEND: EXISTS if a node with the same key and the same information
 *    (type, gateway, interface, preferred source) exists. REPLACE: if no node has the key, adds;
 *    if the first node with the key is identical, OK and nothing changes; if another node with
 *    the key is identical, EXISTS (the kernel refuses to create a duplicate: `ip route
 *    replace` answers "File exists"); else the first node with the key gets the new
 *    information.
 *
 *  - Delete (`ip route del`, fib_table_delete()): the first node in lookup order whose prefix
 *    and length are the selector's, whose TOS is exactly the selector's (0 selects TOS-0 nodes
 *    only), and whose metric / type / gateway / interface equal the selector's when those are
 *    set (hasMetric, hasType, gateway != 0, interface != ROUTE_NO_INTERFACE). NOT_FOUND if none.
 *
 *  - The packet TOS is masked with ROUTE_TOS_MASK (0x1e) before any comparison: precedence and
 *    ECN bits never matter.
 *
 *  - Output interface. If oif is not ROUTE_NO_INTERFACE the lookup is for a socket bound to
 *    that interface: a UNICAST / LOCAL / BROADCAST / NAT node is a candidate only if its
 *    interface is oif; REJECT / PROHIBIT / BLACKHOLE / THROW nodes (which have no interface)
 *    always are. For the RFC algorithms this restriction is applied to the FIB before the
 *    first pruning rule (the nodes through other interfaces are not routes for this packet).
 *    For the Linux algorithm it is applied where the kernel applies it (after the TOS test and
 *    after the error-node test, fib_table_lookup() / 2.1 fib_lookup()); both tests are
 *    per-node filters, so the order of the two does not change the result.
 *
 *  - NO_MATCH vs NO_MATCH_TOS, for all four algorithms alike. RFC 1812 4.3.3.1 says code 11
 *    (network unreachable for TOS) is for destinations to which routes exist but whose TOS is
 *    "neither the default TOS (0000) nor the TOS of the packet"; RFC 1349 §6.1 says codes 11 /
 *    12 are for a destination that "would have been reachable had a different TOS value been
 *    specified". Hence: when nothing is selected, the status is NO_MATCH_TOS if the Basic
 *    Match set (after the oif restriction above) is not empty, else NO_MATCH. Under every
 *    algorithm here a non-empty Basic Match set can only be emptied by a TOS rule, so both
 *    RFC sentences give the same answer (the differential test checks the RFC 1349 form:
 *    NO_MATCH_TOS implies some other TOS value gives a MATCH, NO_MATCH implies none does).
 *    This is also right for the Linux algorithm, although Linux itself never sends code 11
 *    (semantics.md §5): the class lookup reports *why* nothing was found; mapping the status
 *    to an errno / ICMP code (Linux: -ENETUNREACH, 3/0, whatever the status) is the caller's
 *    business. The other reading, "Linux mode never reports NO_MATCH_TOS", would throw away
 *    information the caller may need (an RFC-faithful router) and is not what the engine's
 *    ClassLookup::Status documents.
 *
 *  - A lookup that selects a REJECT / PROHIBIT / BLACKHOLE / THROW / LOCAL / BROADCAST / NAT
 *    node returns MATCH with that node; the caller interprets it.
 *
 *  - Entries(): every node. Nodes of one prefix appear in lookup order (above); different
 *    prefixes appear in the order their first current node was created (insertion order, not
 *    sorted). A stable sort by (prefix, length) gives RouteClass::Entries()'s order.
 */

#ifndef NAIVE_ROUTE_CLASS_H
#define NAIVE_ROUTE_CLASS_H

#include "ns3/route-class.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ns3
{
namespace reference
{

/**
 * \ingroup policy-routing-tests
 * \brief A routing class as a plain vector of nodes, looked up by pruning rules (see the file
 * comment for every decision it embodies).
 */
class NaiveRouteClass
{
  public:
    /// Result of a lookup: the status and, for MATCH, the chosen node.
    struct Result
    {
        ns3::ClassLookup::Status status; //!< MATCH, NO_MATCH or NO_MATCH_TOS
        ns3::RouteEntry entry;           //!< the chosen node (MATCH only)
    };

    /**
     * Add a node, as `ip route add|replace|prepend|append` does.
     * \param e the node
     * \param mode duplicate handling
     * \return OK, EXISTS or INVALID
     */
    ns3::ClassResult Insert(const ns3::RouteEntry& e, ns3::InsertMode mode = ns3::InsertMode::ADD)
    {
        // Validity.
        if (e.length > 32)
        {
            return ns3::ClassResult::INVALID;
        }
        if ((e.prefix & ~Netmask(e.length)) != 0)
        {
            return ns3::ClassResult::INVALID;
        }
        if ((e.tos & ~ns3::ROUTE_TOS_MASK) != 0)
        {
            return ns3::ClassResult::INVALID;
        }
        if (ns3::IsErrorNodeType(e.info.type) &&
            (e.info.gateway != 0 || e.info.interface != ns3::ROUTE_NO_INTERFACE))
        {
            return ns3::ClassResult::INVALID;
        }

        // The nodes with the same key, in order.
        std::vector<std::size_t> sameKey;
        for (std::size_t i = 0; i < m_entries.size(); ++i)
        {
            const ns3::RouteEntry& n = m_entries[i];
            if (n.prefix == e.prefix && n.length == e.length && n.tos == e.tos &&
                n.metric == e.metric)
            {
                sameKey.push_back(i);
            }
        }

        if (!sameKey.empty())
        {
            if (mode == ns3::InsertMode::ADD)
            {
                return ns3::ClassResult::EXISTS;
            }
            bool firstIdentical = m_entries[sameKey[0]].info == e.info;
            bool otherIdentical = false;
            for (std::size_t k = 1; k < sameKey.size(); ++k)
            {
                if (m_entries[sameKey[k]].info == e.info)
                {
                    otherIdentical = true;
                }
            }
            if (mode == ns3::InsertMode::REPLACE)
            {
                if (firstIdentical)
                {
                    return ns3::ClassResult::OK;
                }
                if (otherIdentical)
                {
                    return ns3::ClassResult::EXISTS;
                }
                m_entries[sameKey[0]].info = e.info;
                return ns3::ClassResult::OK;
            }
            if (firstIdentical || otherIdentical)
            {
                return ns3::ClassResult::EXISTS;
            }
        }

        // Where the new node goes: before the first node of its prefix that comes after it in
        // lookup order; else after the last node of its prefix; else at the end.
        const bool append = mode == ns3::InsertMode::APPEND;
        std::size_t position = m_entries.size();
        bool found = false;
        std::size_t lastOfPrefix = m_entries.size();
        for (std::size_t i = 0; i < m_entries.size(); ++i)
        {
            const ns3::RouteEntry& n = m_entries[i];
            if (n.prefix != e.prefix || n.length != e.length)
            {
                continue;
            }
            lastOfPrefix = i;
            bool after;
            if (n.tos != e.tos)
            {
                after = n.tos < e.tos; // TOS descending
            }
            else if (n.metric != e.metric)
            {
                after = n.metric > e.metric; // metric ascending
            }
            else
            {
                after = !append; // same key: ADD, REPLACE, PREPEND before; APPEND after
            }
            if (after)
            {
                position = i;
                found = true;
                break;
            }
        }
        if (!found && lastOfPrefix != m_entries.size())
        {
            position = lastOfPrefix + 1;
        }
        m_entries.insert(m_entries.begin() + static_cast<std::ptrdiff_t>(position), e);
        return ns3::ClassResult::OK;
    }

    /**
     * Delete the first node (in lookup order) that \p s selects.
     * \return OK or NOT_FOUND
     */
    ns3::ClassResult Delete(const ns3::RouteSelector& s)
    {
        for (std::size_t i = 0; i < m_entries.size(); ++i)
        {
            const ns3::RouteEntry& n = m_entries[i];
            if (n.prefix != s.prefix || n.length != s.length)
            {
                continue;
            }
            if (n.tos != s.tos)
            {
                continue;
            }
            if (s.hasMetric && n.metric != s.metric)
            {
                continue;
            }
            if (s.hasType && n.info.type != s.type)
            {
                continue;
            }
            if (s.gateway != 0 && n.info.gateway != s.gateway)
            {
                continue;
            }
            if (s.interface != ns3::ROUTE_NO_INTERFACE && n.info.interface != s.interface)
            {
                continue;
            }
            m_entries.erase(m_entries.begin() + static_cast<std::ptrdiff_t>(i));
            return ns3::ClassResult::OK;
        }
        return ns3::ClassResult::NOT_FOUND;
    }

    /**
     * Look up a destination.
     * \param dst destination (host order)
     * \param tos the packet's TOS octet (masked with ROUTE_TOS_MASK here)
     * \param alg the algorithm
     * \param oif output interface restriction, or ROUTE_NO_INTERFACE
     * \return the status and the chosen node
     */
    Result Lookup(uint32_t dst,
                  uint8_t tos,
                  ns3::LookupAlgorithm alg,
                  uint32_t oif = ns3::ROUTE_NO_INTERFACE) const
    {
        tos &= ns3::ROUTE_TOS_MASK;
        switch (alg)
        {
        case ns3::LookupAlgorithm::RFC1812:
            return LookupRfc1812(dst, tos, oif);
        case ns3::LookupAlgorithm::RFC1812_VARIANT:
            return LookupVariant(dst, tos, oif);
        case ns3::LookupAlgorithm::RFC1812_CLASSIC:
            return LookupClassic(dst, oif);
        case ns3::LookupAlgorithm::LINUX:
            return LookupLinux(dst, tos, oif);
        }
        return Result{ns3::ClassLookup::NO_MATCH, ns3::RouteEntry()};
    }

    /// \return every node (see the file comment for the order)
    const std::vector<ns3::RouteEntry>& Entries() const
    {
        return m_entries;
    }

    /// \return the number of nodes
    std::size_t Size() const
    {
        return m_entries.size();
    }

  private:
    using Set = std::vector<ns3::RouteEntry>;

    static uint32_t Netmask(uint8_t length)
    {
        return length == 0 ? 0u : 0xffffffffu << (32 - length);
    }

    /// Is \p n a candidate for a lookup restricted to \p oif?
    static bool ThroughOif(const ns3::RouteEntry& n, uint32_t oif)
    {
        return oif == ns3::ROUTE_NO_INTERFACE || ns3::IsErrorNodeType(n.info.type) ||
               n.info.interface == oif;
    }

    /// "Conceptually, any route lookup algorithm starts out with a set of candidate routes
    /// that consists of the entire contents of the FIB" (restricted to oif, see above).
    Set Candidates(uint32_t oif) const
    {
        Set set;
        for (const ns3::RouteEntry& n : m_entries)
        {
            if (ThroughOif(n, oif))
            {
                set.push_back(n);
            }
        }
        return set;
    }

    /// Rule 1, Basic Match: keep the routes whose most significant route.length bits equal
    /// those of ip.dest.
    static Set BasicMatch(const Set& in, uint32_t dst)
    {
        Set out;
        for (const ns3::RouteEntry& n : in)
        {
            if ((dst & Netmask(n.length)) == n.prefix)
            {
                out.push_back(n);
            }
        }
        return out;
    }

    /// Rule 2, Longest Match: keep the routes with the largest route.length.
    static Set LongestMatch(const Set& in)
    {
        int longest = -1;
        for (const ns3::RouteEntry& n : in)
        {
            if (n.length > longest)
            {
                longest = n.length;
            }
        }
        Set out;
        for (const ns3::RouteEntry& n : in)
        {
            if (n.length == longest)
            {
                out.push_back(n);
            }
        }
        return out;
    }

    /// Rule 3, Weak TOS: if some route has route.tos = ip.tos keep only those, else keep only
    /// the routes with route.tos = 0000.
    static Set WeakTos(const Set& in, uint8_t tos)
    {
        bool exact = false;
        for (const ns3::RouteEntry& n : in)
        {
            if (n.tos == tos)
            {
                exact = true;
            }
        }
        const uint8_t keep = exact ? tos : 0;
        Set out;
        for (const ns3::RouteEntry& n : in)
        {
            if (n.tos == keep)
            {
                out.push_back(n);
            }
        }
        return out;
    }

    /// Rule 4, Best Metric: discard every route whose metric is strictly worse (greater) than
    /// another's (one routing domain).
    static Set BestMetric(const Set& in)
    {
        Set out;
        for (const ns3::RouteEntry& n : in)
        {
            bool inferior = false;
            for (const ns3::RouteEntry& m : in)
            {
                if (m.metric < n.metric)
                {
                    inferior = true;
                }
            }
            if (!inferior)
            {
                out.push_back(n);
            }
        }
        return out;
    }

    /// Rule 5, Vendor Policy / 5.2.4.5: "may arbitrarily discard all but one": the first in
    /// order. Also the end of the algorithm: an empty set is unreachable.
    static Result Pick(const Set& final, const Set& basic)
    {
        if (!final.empty())
        {
            return Result{ns3::ClassLookup::MATCH, final.front()};
        }
        return Result{basic.empty() ? ns3::ClassLookup::NO_MATCH : ns3::ClassLookup::NO_MATCH_TOS,
                      ns3::RouteEntry()};
    }

    /// RFC 1812 5.2.4.3: Basic Match, Longest Match, Weak TOS, Best Metric, Vendor Policy.
    Result LookupRfc1812(uint32_t dst, uint8_t tos, uint32_t oif) const
    {
        const Set basic = BasicMatch(Candidates(oif), dst);
        Set set = LongestMatch(basic);
        set = WeakTos(set, tos);
        set = BestMetric(set);
        return Pick(set, basic);
    }

    /// RFC 1812 E.3.2: Basic Match, Weak TOS, Longest Match, Best Metric, Policy.
    Result LookupVariant(uint32_t dst, uint8_t tos, uint32_t oif) const
    {
        const Set basic = BasicMatch(Candidates(oif), dst);
        Set set = WeakTos(basic, tos);
        set = LongestMatch(set);
        set = BestMetric(set);
        return Pick(set, basic);
    }

    /// RFC 1812 E.3.1: Basic Match, Longest Match, Best Metric, Policy.
    Result LookupClassic(uint32_t dst, uint32_t oif) const
    {
        const Set basic = BasicMatch(Candidates(oif), dst);
        Set set = LongestMatch(basic);
        set = BestMetric(set);
        return Pick(set, basic);
    }

    /// Linux 2.1 fib_lookup() (semantics.md §2.3), one class: for each zone, longest prefix
    /// first, for each node of the zone whose key is dst & mask, in order: skip it if its TOS
    /// is neither 0 nor the packet's; an error or THROW node ends the lookup with that node;
    /// skip it if it is not through oif; else it is the answer.
    Result LookupLinux(uint32_t dst, uint8_t tos, uint32_t oif) const
    {
        for (int zone = 32; zone >= 0; --zone)
        {
            const uint32_t key = dst & Netmask(static_cast<uint8_t>(zone));
            for (const ns3::RouteEntry& f : m_entries)
            {
                if (f.length != zone || f.prefix != key)
                {
                    continue;
                }
                if (f.tos != 0 && f.tos != tos)
                {
                    continue;
                }
                if (ns3::IsErrorNodeType(f.info.type))
                {
                    return Result{ns3::ClassLookup::MATCH, f};
                }
                if (!ThroughOif(f, oif))
                {
                    continue;
                }
                return Result{ns3::ClassLookup::MATCH, f};
            }
        }
        // Nothing selected: classify as for the RFC algorithms.
        const Set basic = BasicMatch(Candidates(oif), dst);
        return Pick(Set(), basic);
    }

    std::vector<ns3::RouteEntry> m_entries; //!< the nodes (see the file comment for the order)
};

} // namespace reference
} // namespace ns3

#endif /* NAIVE_ROUTE_CLASS_H */
