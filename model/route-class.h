/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The class engine: one routing "class" (Linux 2.1) or "table" (Linux 2.2+) and its lookup
 * algorithms. See doc/class-engine.md for the design and ../shared/reference/semantics.md for
 * the semantics it implements.
 */

#ifndef ROUTE_CLASS_H
#define ROUTE_CLASS_H

#include "lpm-index.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * The type of a route node (Linux 2.1 node flags; Linux 2.2+ route types).
 */
enum class RouteNodeType : uint8_t
{
    UNICAST = 0, //!< forward (via a gateway or on-link)
    LOCAL,       //!< destination is a local address: deliver
    BROADCAST,   //!< destination is a broadcast address: deliver (and do not forward)
    REJECT,      //!< abort the lookup: network unreachable (2.1 REJECT, iproute2 "unreachable")
    PROHIBIT,    //!< abort the lookup: communication administratively prohibited
    BLACKHOLE,   //!< abort the lookup: drop silently
    THROW,       //!< abort the lookup in this class only; the rule scan goes on
    NAT,         //!< a local (LOCAL class) address translated to the node's gateway (2.1 NAT)
};

/// \return the lower-case name of \p type as iproute2 spells it ("unicast", "unreachable", ...)
const char* RouteNodeTypeName(RouteNodeType type);

/// \return true if a lookup that selects a node of \p type ends with an error (REJECT,
/// PROHIBIT, BLACKHOLE) or leaves the class (THROW).
inline bool
IsErrorNodeType(RouteNodeType type)
{
    return type == RouteNodeType::REJECT || type == RouteNodeType::PROHIBIT ||
           type == RouteNodeType::BLACKHOLE || type == RouteNodeType::THROW;
}

/**
 * \ingroup policy-routing
 * The next-hop selection algorithm of a class lookup (../shared/reference/semantics.md §1, §5).
 */
enum class LookupAlgorithm : uint8_t
{
    /// What Linux 2.1 did and today's kernel does: nodes whose TOS is neither 0 nor the
    /// packet's are invisible (the search backtracks to shorter prefixes); at the longest
    /// visible prefix the exact-TOS node wins over TOS 0, then the lowest metric.
    LINUX = 0,
    /// RFC 1812 5.2.4.3: basic match, longest match, weak TOS, best metric. An empty set is
    /// unreachable; no fallback to a shorter prefix.
    RFC1812,
    /// RFC 1812 E.3.2, the variant router requirements: basic match, weak TOS, longest match,
    /// best metric.
    RFC1812_VARIANT,
    /// RFC 1812 E.3.1, revised classic: basic match, longest match, best metric (TOS ignored).
    RFC1812_CLASSIC,
};

/// \return a short name of \p algorithm ("linux", "rfc1812", "rfc1812-variant", "rfc1812-classic")
const char* LookupAlgorithmName(LookupAlgorithm algorithm);

/// The TOS bits of the IPv4 TOS octet (RFC 1349): routing compares only these.
constexpr uint8_t ROUTE_TOS_MASK = 0x1e;

/// Interface index meaning "none" / "any".
constexpr uint32_t ROUTE_NO_INTERFACE = 0xffffffff;

/**
 * \ingroup policy-routing
 * What a route node carries besides its key.
 */
struct RouteInfo
{
    RouteNodeType type{RouteNodeType::UNICAST}; //!< node type
    uint32_t gateway{0};                        //!< next hop (host order), 0 = on-link
    uint32_t interface {
        ROUTE_NO_INTERFACE
    };                   //!< output interface (ns-3 IPv4 index)
    uint32_t prefSrc{0}; //!< preferred source address, 0 = none

    bool operator==(const RouteInfo& o) const
    {
        return type == o.type && gateway == o.gateway && interface == o.interface &&
               prefSrc == o.prefSrc;
    }

    bool operator!=(const RouteInfo& o) const
    {
        return !(*this == o);
    }
};

/**
 * \ingroup policy-routing
 * A route node: key (prefix, TOS, metric) and information.
 */
struct RouteEntry
{
    uint32_t prefix{0}; //!< destination prefix (host order, host bits zero)
    uint8_t length{0};  //!< prefix length 0..32
    uint8_t tos{0};     //!< node TOS (only ROUTE_TOS_MASK bits), 0 = any
    uint32_t metric{0}; //!< metric; lower is preferred
    RouteInfo info;     //!< type, gateway, interface, preferred source

    bool operator==(const RouteEntry& o) const
    {
        return prefix == o.prefix && length == o.length && tos == o.tos && metric == o.metric &&
               info == o.info;
    }
};

/// Format an address (host order) as dotted quad.
std::string FormatAddress(uint32_t a);

/// Format a prefix as iproute2 does ("default", "10.0.0.0/8", "10.1.2.3" for /32).
std::string FormatPrefix(uint32_t prefix, uint8_t length, const char* any = "default");

/// Print \p e the way `ip route show` does (without the table).
std::ostream& operator<<(std::ostream& os, const RouteEntry& e);

/**
 * \ingroup policy-routing
 * How Insert treats nodes with the same (prefix, TOS, metric), as `ip route` does.
 */
enum class InsertMode : uint8_t
{
    ADD,     //!< `ip route add`: fail with EXISTS if the key is taken
    REPLACE, //!< `ip route replace`: replace the first node with the key, or add
    PREPEND, //!< `ip route prepend`: add before nodes with the same key
    APPEND,  //!< `ip route append`: add after nodes with the same key
};

/**
 * \ingroup policy-routing
 * Outcome of a modification.
 */
enum class ClassResult : uint8_t
{
    OK,        //!< done
    EXISTS,    //!< ADD: a node with that (prefix, TOS, metric) exists (or an identical node)
    NOT_FOUND, //!< Delete: no node matched
    INVALID,   //!< bad argument: host bits set, length > 32, TOS outside 0x1e, error node
               //!< with a gateway or interface, ...
};

/// \return the name of \p r ("ok", "exists", "not-found", "invalid")
const char* ClassResultName(ClassResult r);

/**
 * \ingroup policy-routing
 * Which nodes Delete removes, as `ip route del` selects them: prefix and length always; TOS
 * exactly (0 selects TOS-0 nodes only); the other fields only when set.
 */
struct RouteSelector
{
    uint32_t prefix{0};                         //!< prefix (host order)
    uint8_t length{0};                          //!< prefix length
    uint8_t tos{0};                             //!< exact TOS
    bool hasMetric{false};                      //!< compare metric
    uint32_t metric{0};                         //!< metric if hasMetric
    bool hasType{false};                        //!< compare type
    RouteNodeType type{RouteNodeType::UNICAST}; //!< type if hasType
    uint32_t gateway{0};                        //!< compare gateway if non-zero
    uint32_t interface {
        ROUTE_NO_INTERFACE
    }; //!< compare interface if not ROUTE_NO_INTERFACE
};

/**
 * \ingroup policy-routing
 * Result of a class lookup.
 */
struct ClassLookup
{
    /// Lookup outcome.
    enum Status : uint8_t
    {
        MATCH,        //!< a node was chosen (it may be an error or THROW node)
        NO_MATCH,     //!< no node matches the destination
        NO_MATCH_TOS, //!< nodes match the destination, but none is usable for the packet's TOS
                      //!< (RFC 1812 4.3.3.1: "unreachable for TOS", ICMP code 11)
    };

    Status status{NO_MATCH};        //!< outcome
    uint8_t length{0};              //!< matched prefix length (MATCH)
    uint8_t tos{0};                 //!< chosen node's TOS (MATCH)
    uint32_t prefix{0};             //!< matched prefix (MATCH)
    uint32_t metric{0};             //!< chosen node's metric (MATCH)
    const RouteInfo* info{nullptr}; //!< chosen node's information (MATCH); valid until the
                                    //!< class is modified

    /// \return true if a node was chosen
    bool IsMatch() const
    {
        return status == MATCH;
    }

    /// \return the chosen node as a RouteEntry (MATCH only)
    RouteEntry Entry() const;
};

/**
 * \ingroup policy-routing
 * \brief A routing class: a complete routing table, as Linux 2.1's policy-routing.txt defines
 * it: "a tree of nodes (destination prefix, tos, metric) with attached information: gateway,
 * device etc.", looked up by one of the LookupAlgorithm variants.
 *
 * Scales to full Internet tables (10^6 prefixes, see doc/class-engine.md for the numbers):
 * nodes live in a prefix-sorted array (about 20 bytes a prefix); a Poptrie-style LpmIndex
 * maps an address to its longest matching prefix. A prefix whose only node has TOS 0 (most of
 * a real table) is answered from the index leaf alone; other prefixes lead to their group,
 * and each group knows its parent (the longest shorter prefix containing it), which gives the
 * TOS backtracking of the Linux algorithm; a second small index over the prefixes with TOS
 * nodes gives the weak-TOS-first search of RFC 1812 E.3.2.
 *
 * Modifications are cheap (new prefixes wait in a small unsorted buffer) but any of them makes
 * the index stale: the next lookup rebuilds it in O(n) (about 70 ms at 10^6 prefixes). Make
 * large changes in batches, or call Build() after a batch. Nothing in this class depends on
 * the simulator.
 */
class RouteClass
{
  public:
    RouteClass();
    RouteClass(const RouteClass& o);
    RouteClass& operator=(const RouteClass& o);
    RouteClass(RouteClass&& o) noexcept;
    RouteClass& operator=(RouteClass&& o) noexcept;
    ~RouteClass();

    /**
     * Add or replace a node.
     * \param entry the node; prefix must have no host bits, TOS only ROUTE_TOS_MASK bits;
     *              REJECT/PROHIBIT/BLACKHOLE/THROW nodes carry no gateway and no interface
     * \param mode duplicate handling
     * \return OK, EXISTS or INVALID
     */
    ClassResult Insert(const RouteEntry& entry, InsertMode mode = InsertMode::ADD);

    /**
     * Delete the first node matching \p selector (`ip route del`).
     * \return OK or NOT_FOUND
     */
    ClassResult Delete(const RouteSelector& selector);

    /**
     * Delete every node for which \p predicate is true (e.g. all routes via an interface
     * that went down).
     * \return the number of nodes deleted
     */
    std::size_t DeleteIf(const std::function<bool(const RouteEntry&)>& predicate);

    /// Delete everything.
    void Clear();

    /**
     * Look up a destination.
     * \param dst destination address (host order)
     * \param tos the packet's TOS octet; only ROUTE_TOS_MASK bits are compared
     * \param algorithm next-hop selection algorithm
     * \param oif if not ROUTE_NO_INTERFACE, only nodes through this interface (and error
     *            nodes) are candidates, as a socket bound to a device asks
     * \return the chosen node or why there is none
     */
    ClassLookup Lookup(uint32_t dst,
                       uint8_t tos = 0,
                       LookupAlgorithm algorithm = LookupAlgorithm::LINUX,
                       uint32_t oif = ROUTE_NO_INTERFACE) const;

    /**
     * The basic-match set: every node whose prefix contains \p dst, longest prefix first,
     * then in lookup order (TOS descending, metric ascending). For explanations and tests.
     */
    std::vector<RouteEntry> Matches(uint32_t dst) const;

    /// \return every node, ordered by prefix, length, TOS descending, metric ascending
    std::vector<RouteEntry> Entries() const;

    /// Call \p f for every node, in the order of Entries().
    void ForEach(const std::function<void(const RouteEntry&)>& f) const;

    /// \return true if a node equal to \p entry exists
    bool Contains(const RouteEntry& entry) const;

    /// \return number of nodes
    std::size_t GetNodeCount() const
    {
        return m_nodeCount;
    }

    /// \return number of distinct prefixes with at least one node
    std::size_t GetPrefixCount() const
    {
        return m_prefixCount;
    }

    /// \return true if there are no nodes
    bool IsEmpty() const
    {
        return m_nodeCount == 0;
    }

    /// Bring the lookup index up to date now (otherwise the next lookup does).
    void Build() const;

    /// \return bytes of memory held (nodes, index, information table)
    std::size_t MemoryBytes() const;

    /// \return the lookup index (for statistics)
    const LpmIndex& GetIndex() const
    {
        return m_index;
    }

  private:
    /// A node as stored: 12 bytes; its information is interned in m_infos.
    struct Slot
    {
        uint32_t metric; //!< metric
        uint32_t info;   //!< index into m_infos
        uint8_t tos;     //!< TOS
    };

    /// All nodes of one prefix. With one node it is stored inline (16 bytes in all).
    struct Group
    {
        uint32_t prefix;  //!< prefix
        uint8_t length;   //!< prefix length
        uint8_t tos;      //!< inline node TOS (count == 1)
        uint16_t count;   //!< number of nodes; 0 = deleted prefix
        uint32_t metric;  //!< inline node metric (count == 1)
        uint32_t payload; //!< inline node info (count == 1), else index into m_multi
    };

    /// Lookup-order comparison of two slots: TOS descending, then metric ascending.
    static bool SlotBefore(const Slot& a, const Slot& b);
    static uint64_t Key(uint32_t prefix, uint8_t length);
    static uint64_t GroupKey(const Group& g);

    /// \return the group for (prefix, length), or nullptr
    Group* FindGroup(uint32_t prefix, uint8_t length);
    const Group* FindGroup(uint32_t prefix, uint8_t length) const;

    /// The nodes of a group, iterable without copying. Not copyable: it may point into
    /// itself.
    class SlotSpan
    {
      public:
        SlotSpan(const RouteClass& c, const Group& g);
        SlotSpan(const SlotSpan&) = delete;
        SlotSpan& operator=(const SlotSpan&) = delete;

        const Slot* begin() const
        {
            return m_begin;
        }

        const Slot* end() const
        {
            return m_end;
        }

      private:
        Slot m_one;
        const Slot* m_begin;
        const Slot* m_end;
    };

    /// Replace the nodes of \p g by \p slots (maybe empty).
    void SetSlots(Group& g, const std::vector<Slot>& slots);
    std::vector<Slot> GetSlots(const Group& g) const;

    uint32_t InternInfo(const RouteInfo& info);
    void ReleaseInfo(uint32_t index);
    RouteEntry MakeEntry(const Group& g, const Slot& s) const;

    /// Merge m_pending into m_groups, drop deleted groups; invalidates the index.
    void Flush() const;

    /// Rebuild parents and the index if stale.
    void EnsureIndex() const
    {
        if (m_stale)
        {
            Build();
        }
    }

    ClassLookup Finish(const Group& g, const Slot& s) const;

    // The nodes. m_groups is sorted by (prefix, length); new prefixes wait in m_pending
    // (unsorted, found through m_pendingMap) until the next Flush.
    mutable std::vector<Group> m_groups;
    mutable std::vector<Group> m_pending;
    mutable std::unordered_map<uint64_t, uint32_t> m_pendingMap;
    mutable std::vector<std::vector<Slot>> m_multi; //!< nodes of groups with count > 1
    mutable std::vector<uint32_t> m_freeMulti;      //!< free indices in m_multi
    mutable std::size_t m_deletedGroups{0};         //!< groups in m_groups with count 0

    // Parents (index into m_groups of the longest shorter prefix containing it, or NONE)
    // and the index, valid when !m_stale.
    mutable std::vector<uint32_t> m_parent;
    mutable LpmIndex m_index;

    /// A (metric, information) pair a leaf can name directly (see Build).
    struct Fast
    {
        uint32_t metric; //!< metric
        uint32_t info;   //!< index into m_infos
    };

    /// Leaf codes: LEAF_SIMPLE | length << LEAF_LENGTH_SHIFT | index into m_fast for a prefix
    /// with one TOS-0 node; a group index otherwise; LpmIndex::NONE for no prefix.
    static constexpr uint32_t LEAF_SIMPLE = 0x40000000;
    static constexpr unsigned LEAF_LENGTH_SHIFT = 24;
    static constexpr uint32_t LEAF_FAST_MASK = 0x00ffffff;

    /// \return the group index of leaf \p code for destination \p dst (NONE stays NONE)
    uint32_t GroupOf(uint32_t code, uint32_t dst) const;

    /// \return the longest-prefix node with TOS \p tos usable per \p usable, or NO_MATCH
    template <class Usable>
    ClassLookup ExactTos(uint32_t dst, uint8_t tos, Usable usable) const;

    mutable std::vector<Fast> m_fast;
    mutable std::array<uint32_t, 16> m_tosCount{}; //!< nodes per TOS value (index tos >> 1)
    // The prefixes with nodes of TOS other than 0: their own index (value: position k),
    // parents (positions) and group indices.
    mutable LpmIndex m_tosIndex;
    mutable std::vector<uint32_t> m_tosParent;
    mutable std::vector<uint32_t> m_tosGroups;
    mutable bool m_stale{true};

    // Interned node information with reference counts.
    std::vector<RouteInfo> m_infos;
    std::vector<uint32_t> m_infoRefs;
    std::vector<uint32_t> m_freeInfos;

    struct InfoHash
    {
        std::size_t operator()(const RouteInfo& i) const;
    };

    std::unordered_map<RouteInfo, uint32_t, InfoHash> m_infoIndex;

    std::size_t m_nodeCount{0};
    std::size_t m_prefixCount{0};
};

} // namespace ns3

#endif /* ROUTE_CLASS_H */
