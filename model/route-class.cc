/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "route-class.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace ns3
{

namespace
{

constexpr uint32_t NONE = LpmIndex::NONE;

inline uint32_t
HostMask(uint8_t length)
{
    return length == 0 ? 0xffffffffu : (length >= 32 ? 0u : (0xffffffffu >> length));
}

inline uint64_t
LastAddress(uint32_t prefix, uint8_t length)
{
    return static_cast<uint64_t>(prefix) + HostMask(length);
}

/// A prefix and the value its longest-match ranges get.
struct PrefixCode
{
    uint32_t prefix; //!< prefix
    uint8_t length;  //!< its length
    uint32_t code;   //!< value of the addresses it is the longest match for
};

/**
 * Sweep prefixes given in (start, length) order, which is containment order, keeping the
 * chain of open (containing) prefixes on a stack. Each prefix's parent is the top of the stack
 * when it opens; the partition of the address space into longest-match ranges is emitted as
 * prefixes open and close.
 * \param items the prefixes, sorted by (prefix, length)
 * \param ranges receives the partition (values: codes; LpmIndex::NONE where no prefix)
 * \param parent receives, per item, the index of the longest shorter item containing it
 */
void
Partition(const std::vector<PrefixCode>& items,
          std::vector<LpmIndex::Range>& ranges,
          std::vector<uint32_t>& parent)
{
    const std::size_t n = items.size();
    parent.assign(n, NONE);
    parent.shrink_to_fit(); // assign keeps the capacity of a once bigger class
    ranges.clear();
    ranges.reserve(2 * n + 1);
    ranges.push_back({0, NONE});
    auto emit = [&ranges](uint64_t start, uint32_t value) {
        if (ranges.back().start == start)
        {
            ranges.back().value = value;
            if (ranges.size() >= 2 && ranges[ranges.size() - 2].value == value)
            {
                ranges.pop_back();
            }
        }
        else if (ranges.back().value != value)
        {
            ranges.push_back({start, value});
        }
    };

    struct Open
    {
        uint64_t last; //!< last address of the prefix
        uint32_t item; //!< its index
    };

    std::vector<Open> stack;
    auto close = [&]() {
        const uint64_t end = stack.back().last + 1;
        stack.pop_back();
        if (end < (1ULL << 32))
        {
            emit(end, stack.empty() ? NONE : items[stack.back().item].code);
        }
    };
    for (uint32_t i = 0; i < n; ++i)
    {
        const PrefixCode& p = items[i];
        while (!stack.empty() && stack.back().last < p.prefix)
        {
            close();
        }
        parent[i] = stack.empty() ? NONE : stack.back().item;
        emit(p.prefix, p.code);
        stack.push_back({LastAddress(p.prefix, p.length), i});
    }
    while (!stack.empty())
    {
        close();
    }
}

} // namespace

std::string
FormatAddress(uint32_t a)
{
    char buf[16];
    std::snprintf(buf,
                  sizeof(buf),
                  "%u.%u.%u.%u",
                  (a >> 24) & 0xff,
                  (a >> 16) & 0xff,
                  (a >> 8) & 0xff,
                  a & 0xff);
    return buf;
}

std::string
FormatPrefix(uint32_t prefix, uint8_t length, const char* any)
{
    if (length == 0)
    {
        return any;
    }
    if (length == 32)
    {
        return FormatAddress(prefix);
    }
    return FormatAddress(prefix) + "/" + std::to_string(length);
}

const char*
RouteNodeTypeName(RouteNodeType type)
{
    switch (type)
    {
    case RouteNodeType::UNICAST:
        return "unicast";
    case RouteNodeType::LOCAL:
        return "local";
    case RouteNodeType::BROADCAST:
        return "broadcast";
    case RouteNodeType::REJECT:
        return "unreachable";
    case RouteNodeType::PROHIBIT:
        return "prohibit";
    case RouteNodeType::BLACKHOLE:
        return "blackhole";
    case RouteNodeType::THROW:
        return "throw";
    case RouteNodeType::NAT:
        return "nat";
    }
    return "?";
}

const char*
LookupAlgorithmName(LookupAlgorithm algorithm)
{
    switch (algorithm)
    {
    case LookupAlgorithm::LINUX:
        return "linux";
    case LookupAlgorithm::RFC1812:
        return "rfc1812";
    case LookupAlgorithm::RFC1812_VARIANT:
        return "rfc1812-variant";
    case LookupAlgorithm::RFC1812_CLASSIC:
        return "rfc1812-classic";
    }
    return "?";
}

const char*
ClassResultName(ClassResult r)
{
    switch (r)
    {
    case ClassResult::OK:
        return "ok";
    case ClassResult::EXISTS:
        return "exists";
    case ClassResult::NOT_FOUND:
        return "not-found";
    case ClassResult::INVALID:
        return "invalid";
    }
    return "?";
}

std::ostream&
operator<<(std::ostream& os, const RouteEntry& e)
{
    if (e.info.type != RouteNodeType::UNICAST)
    {
        os << RouteNodeTypeName(e.info.type) << " ";
    }
    if (e.length == 0)
    {
        os << "default";
    }
    else
    {
        os << FormatAddress(e.prefix);
        if (e.length != 32)
        {
            os << "/" << unsigned(e.length);
        }
    }
    if (e.tos)
    {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "0x%02x", e.tos);
        os << " tos " << buf;
    }
    if (e.info.gateway)
    {
        os << (e.info.type == RouteNodeType::NAT ? " via " : " via ")
           << FormatAddress(e.info.gateway);
    }
    if (e.info.interface != ROUTE_NO_INTERFACE)
    {
        os << " dev " << e.info.interface;
    }
    if (e.info.prefSrc)
    {
        os << " src " << FormatAddress(e.info.prefSrc);
    }
    if (e.metric)
    {
        os << " metric " << e.metric;
    }
    return os;
}

RouteEntry
ClassLookup::Entry() const
{
    RouteEntry e;
    e.prefix = prefix;
    e.length = length;
    e.tos = tos;
    e.metric = metric;
    if (info)
    {
        e.info = *info;
    }
    return e;
}

std::size_t
RouteClass::InfoHash::operator()(const RouteInfo& i) const
{
    uint64_t h = (static_cast<uint64_t>(i.gateway) << 32) ^ i.interface;
    h ^= (static_cast<uint64_t>(i.prefSrc) << 8) ^ static_cast<uint64_t>(i.type);
    h *= 0x9e3779b97f4a7c15ULL;
    return static_cast<std::size_t>(h ^ (h >> 29));
}

RouteClass::RouteClass() = default;
RouteClass::RouteClass(const RouteClass& o) = default;
RouteClass& RouteClass::operator=(const RouteClass& o) = default;

// The moves leave \p o an empty class: the defaulted ones left its counters (GetNodeCount())
// and m_stale as they were over moved-out containers, so a lookup in a moved-from class read
// an empty index.
RouteClass::RouteClass(RouteClass&& o) noexcept
    : m_groups(std::move(o.m_groups)),
      m_pending(std::move(o.m_pending)),
      m_pendingMap(std::move(o.m_pendingMap)),
      m_multi(std::move(o.m_multi)),
      m_freeMulti(std::move(o.m_freeMulti)),
      m_deletedGroups(o.m_deletedGroups),
      m_parent(std::move(o.m_parent)),
      m_index(std::move(o.m_index)),
      m_fast(std::move(o.m_fast)),
      m_tosCount(o.m_tosCount),
      m_tosIndex(std::move(o.m_tosIndex)),
      m_tosParent(std::move(o.m_tosParent)),
      m_tosGroups(std::move(o.m_tosGroups)),
      m_stale(o.m_stale),
      m_infos(std::move(o.m_infos)),
      m_infoRefs(std::move(o.m_infoRefs)),
      m_freeInfos(std::move(o.m_freeInfos)),
      m_infoIndex(std::move(o.m_infoIndex)),
      m_nodeCount(o.m_nodeCount),
      m_prefixCount(o.m_prefixCount)
{
    o.m_deletedGroups = 0;
    o.m_stale = true;
    o.m_nodeCount = 0;
    o.m_prefixCount = 0;
}

RouteClass&
RouteClass::operator=(RouteClass&& o) noexcept
{
    if (this != &o)
    {
        m_groups = std::move(o.m_groups);
        m_pending = std::move(o.m_pending);
        m_pendingMap = std::move(o.m_pendingMap);
        m_multi = std::move(o.m_multi);
        m_freeMulti = std::move(o.m_freeMulti);
        m_deletedGroups = o.m_deletedGroups;
        m_parent = std::move(o.m_parent);
        m_index = std::move(o.m_index);
        m_fast = std::move(o.m_fast);
        m_tosCount = o.m_tosCount;
        m_tosIndex = std::move(o.m_tosIndex);
        m_tosParent = std::move(o.m_tosParent);
        m_tosGroups = std::move(o.m_tosGroups);
        m_stale = o.m_stale;
        m_infos = std::move(o.m_infos);
        m_infoRefs = std::move(o.m_infoRefs);
        m_freeInfos = std::move(o.m_freeInfos);
        m_infoIndex = std::move(o.m_infoIndex);
        m_nodeCount = o.m_nodeCount;
        m_prefixCount = o.m_prefixCount;
        // Moved-from containers are valid but unspecified: make them empty.
        o.m_groups.clear();
        o.m_pending.clear();
        o.m_pendingMap.clear();
        o.m_multi.clear();
        o.m_freeMulti.clear();
        o.m_parent.clear();
        o.m_fast.clear();
        o.m_tosParent.clear();
        o.m_tosGroups.clear();
        o.m_infos.clear();
        o.m_infoRefs.clear();
        o.m_freeInfos.clear();
        o.m_infoIndex.clear();
        o.m_deletedGroups = 0;
        o.m_stale = true;
        o.m_nodeCount = 0;
        o.m_prefixCount = 0;
    }
    return *this;
}

RouteClass::~RouteClass() = default;

bool
RouteClass::SlotBefore(const Slot& a, const Slot& b)
{
    if (a.tos != b.tos)
    {
        return a.tos > b.tos;
    }
    return a.metric < b.metric;
}

uint64_t
RouteClass::Key(uint32_t prefix, uint8_t length)
{
    return (static_cast<uint64_t>(prefix) << 8) | length;
}

uint64_t
RouteClass::GroupKey(const Group& g)
{
    return Key(g.prefix, g.length);
}

RouteClass::Group*
RouteClass::FindGroup(uint32_t prefix, uint8_t length)
{
    return const_cast<Group*>(static_cast<const RouteClass*>(this)->FindGroup(prefix, length));
}

const RouteClass::Group*
RouteClass::FindGroup(uint32_t prefix, uint8_t length) const
{
    const uint64_t key = Key(prefix, length);
    auto it =
        std::lower_bound(m_groups.begin(), m_groups.end(), key, [](const Group& g, uint64_t k) {
            return GroupKey(g) < k;
        });
    if (it != m_groups.end() && GroupKey(*it) == key)
    {
        return &*it;
    }
    auto p = m_pendingMap.find(key);
    if (p != m_pendingMap.end())
    {
        return &m_pending[p->second];
    }
    return nullptr;
}

RouteClass::SlotSpan::SlotSpan(const RouteClass& c, const Group& g)
    : m_one{g.metric, g.payload, g.tos},
      m_begin(&m_one),
      m_end(&m_one + (g.count == 1 ? 1 : 0))
{
    if (g.count > 1)
    {
        const std::vector<Slot>& v = c.m_multi[g.payload];
        m_begin = v.data();
        m_end = v.data() + v.size();
    }
}

std::vector<RouteClass::Slot>
RouteClass::GetSlots(const Group& g) const
{
    if (g.count == 0)
    {
        return {};
    }
    if (g.count == 1)
    {
        return {Slot{g.metric, g.payload, g.tos}};
    }
    return m_multi[g.payload];
}

void
RouteClass::SetSlots(Group& g, const std::vector<Slot>& slots)
{
    // The index may hold this prefix's node in its leaves (see Build): rebuild it.
    m_stale = true;
    if (g.count > 1)
    {
        m_multi[g.payload].clear();
        m_multi[g.payload].shrink_to_fit();
        m_freeMulti.push_back(g.payload);
    }
    g.count = static_cast<uint16_t>(slots.size());
    if (slots.size() == 1)
    {
        g.tos = slots[0].tos;
        g.metric = slots[0].metric;
        g.payload = slots[0].info;
    }
    else if (slots.empty())
    {
        g.tos = 0;
        g.metric = 0;
        g.payload = 0;
    }
    else
    {
        uint32_t index;
        if (!m_freeMulti.empty())
        {
            index = m_freeMulti.back();
            m_freeMulti.pop_back();
        }
        else
        {
            index = static_cast<uint32_t>(m_multi.size());
            m_multi.emplace_back();
        }
        m_multi[index] = slots;
        g.tos = 0;
        g.metric = 0;
        g.payload = index;
    }
}

uint32_t
RouteClass::InternInfo(const RouteInfo& info)
{
    auto it = m_infoIndex.find(info);
    if (it != m_infoIndex.end())
    {
        ++m_infoRefs[it->second];
        return it->second;
    }
    uint32_t index;
    if (!m_freeInfos.empty())
    {
        index = m_freeInfos.back();
        m_freeInfos.pop_back();
        m_infos[index] = info;
        m_infoRefs[index] = 1;
    }
    else
    {
        index = static_cast<uint32_t>(m_infos.size());
        m_infos.push_back(info);
        m_infoRefs.push_back(1);
    }
    m_infoIndex.emplace(info, index);
    return index;
}

void
RouteClass::ReleaseInfo(uint32_t index)
{
    if (--m_infoRefs[index] == 0)
    {
        m_infoIndex.erase(m_infos[index]);
        m_freeInfos.push_back(index);
    }
}

RouteEntry
RouteClass::MakeEntry(const Group& g, const Slot& s) const
{
    RouteEntry e;
    e.prefix = g.prefix;
    e.length = g.length;
    e.tos = s.tos;
    e.metric = s.metric;
    e.info = m_infos[s.info];
    return e;
}

ClassResult
RouteClass::Insert(const RouteEntry& entry, InsertMode mode)
{
    if (entry.length > 32 || (entry.prefix & HostMask(entry.length)) != 0 ||
        (entry.tos & ~ROUTE_TOS_MASK) != 0)
    {
        return ClassResult::INVALID;
    }
    if (IsErrorNodeType(entry.info.type) &&
        (entry.info.gateway != 0 || entry.info.interface != ROUTE_NO_INTERFACE))
    {
        return ClassResult::INVALID;
    }

    Group* g = FindGroup(entry.prefix, entry.length);
    if (g == nullptr)
    {
        Group fresh{entry.prefix, entry.length, entry.tos, 1, entry.metric, 0};
        fresh.payload = InternInfo(entry.info);
        m_pendingMap.emplace(GroupKey(fresh), static_cast<uint32_t>(m_pending.size()));
        m_pending.push_back(fresh);
        ++m_nodeCount;
        ++m_prefixCount;
        m_stale = true;
        if (m_pending.size() > std::max<std::size_t>(1024, m_groups.size() / 8))
        {
            Flush();
        }
        return ClassResult::OK;
    }

    std::vector<Slot> slots = GetSlots(*g);
    if (slots.size() >= 0xffff)
    {
        return ClassResult::INVALID;
    }
    const Slot probe{entry.metric, 0, entry.tos};
    // [first, last) are the nodes with the same (TOS, metric) key.
    auto first = std::lower_bound(slots.begin(), slots.end(), probe, SlotBefore);
    auto last = std::upper_bound(slots.begin(), slots.end(), probe, SlotBefore);

    if (first != last)
    {
        if (mode == InsertMode::ADD)
        {
            return ClassResult::EXISTS;
        }
        if (mode == InsertMode::REPLACE)
        {
            // Like the kernel (fib_table_insert, NLM_F_REPLACE): the information of the first
            // node is a no-op; that of another node with the key would make a duplicate:
            // EXISTS.
            for (auto it = first; it != last; ++it)
            {
                if (m_infos[it->info] == entry.info)
                {
                    return it == first ? ClassResult::OK : ClassResult::EXISTS;
                }
            }
            const uint32_t info = InternInfo(entry.info);
            ReleaseInfo(first->info);
            first->info = info;
            SetSlots(*g, slots);
            return ClassResult::OK;
        }
        // PREPEND/APPEND: like the kernel, refuse a node identical in every field.
        for (auto it = first; it != last; ++it)
        {
            if (m_infos[it->info] == entry.info)
            {
                return ClassResult::EXISTS;
            }
        }
    }

    const Slot slot{entry.metric, InternInfo(entry.info), entry.tos};
    slots.insert(mode == InsertMode::APPEND ? last : first, slot);
    if (g->count == 0)
    {
        ++m_prefixCount;
        --m_deletedGroups;
    }
    SetSlots(*g, slots);
    ++m_nodeCount;
    return ClassResult::OK;
}

ClassResult
RouteClass::Delete(const RouteSelector& sel)
{
    Group* g = FindGroup(sel.prefix, sel.length);
    if (g == nullptr || g->count == 0)
    {
        return ClassResult::NOT_FOUND;
    }
    std::vector<Slot> slots = GetSlots(*g);
    for (auto it = slots.begin(); it != slots.end(); ++it)
    {
        const RouteInfo& info = m_infos[it->info];
        if (it->tos != sel.tos || (sel.hasMetric && it->metric != sel.metric) ||
            (sel.hasType && info.type != sel.type) ||
            (sel.gateway != 0 && info.gateway != sel.gateway) ||
            (sel.interface != ROUTE_NO_INTERFACE && info.interface != sel.interface))
        {
            continue;
        }
        ReleaseInfo(it->info);
        slots.erase(it);
        SetSlots(*g, slots);
        --m_nodeCount;
        if (slots.empty())
        {
            --m_prefixCount;
            const uint64_t key = GroupKey(*g);
            auto p = m_pendingMap.find(key);
            if (p != m_pendingMap.end())
            {
                // A pending group is not in the index yet: remove it outright.
                const uint32_t at = p->second;
                m_pendingMap.erase(p);
                if (at + 1 != m_pending.size())
                {
                    m_pending[at] = m_pending.back();
                    m_pendingMap[GroupKey(m_pending[at])] = at;
                }
                m_pending.pop_back();
            }
            else
            {
                ++m_deletedGroups; // the rebuild at the next lookup (SetSlots) drops it
            }
        }
        return ClassResult::OK;
    }
    return ClassResult::NOT_FOUND;
}

std::size_t
RouteClass::DeleteIf(const std::function<bool(const RouteEntry&)>& predicate)
{
    std::size_t deleted = 0;
    auto sweep = [&](Group& g) {
        if (g.count == 0)
        {
            return;
        }
        std::vector<Slot> slots = GetSlots(g);
        std::vector<Slot> kept;
        kept.reserve(slots.size());
        for (const Slot& s : slots)
        {
            if (predicate(MakeEntry(g, s)))
            {
                ReleaseInfo(s.info);
                ++deleted;
            }
            else
            {
                kept.push_back(s);
            }
        }
        if (kept.size() != slots.size())
        {
            SetSlots(g, kept);
            if (kept.empty())
            {
                --m_prefixCount;
                ++m_deletedGroups;
            }
        }
    };
    Flush();
    for (Group& g : m_groups)
    {
        sweep(g);
    }
    m_nodeCount -= deleted;
    return deleted;
}

void
RouteClass::Clear()
{
    *this = RouteClass();
}

void
RouteClass::Flush() const
{
    if (m_pending.empty() && m_deletedGroups == 0)
    {
        return;
    }
    std::sort(m_pending.begin(), m_pending.end(), [](const Group& a, const Group& b) {
        return GroupKey(a) < GroupKey(b);
    });
    std::vector<Group> merged;
    merged.reserve(m_groups.size() - m_deletedGroups + m_pending.size());
    auto a = m_groups.begin();
    auto b = m_pending.begin();
    while (a != m_groups.end() || b != m_pending.end())
    {
        if (a != m_groups.end() && a->count == 0)
        {
            ++a;
            continue;
        }
        if (b == m_pending.end() || (a != m_groups.end() && GroupKey(*a) < GroupKey(*b)))
        {
            merged.push_back(*a++);
        }
        else
        {
            merged.push_back(*b++);
        }
    }
    m_groups.swap(merged);
    m_pending.clear();
    m_pending.shrink_to_fit();
    m_pendingMap.clear();
    m_pendingMap.rehash(0);
    m_deletedGroups = 0;
    m_stale = true;
}

void
RouteClass::Build() const
{
    Flush();
    const std::size_t n = m_groups.size();

    // Leaf codes. A prefix whose only node has TOS 0 (most of a real table) is encoded in the
    // leaf itself: its length and its interned (metric, information) pair, so that a lookup
    // needs no read of the group array; adjacent prefixes of the same length and next hop then
    // share their leaves. Other prefixes are encoded by their group index.
    m_fast.clear();
    m_tosCount.fill(0);
    std::unordered_map<uint64_t, uint32_t> fastIndex;
    std::vector<PrefixCode> items(n);
    std::vector<PrefixCode> tosItems;
    m_tosGroups.clear();
    for (uint32_t i = 0; i < n; ++i)
    {
        const Group& g = m_groups[i];
        bool withTos = false;
        for (const Slot& sl : SlotSpan(*this, g))
        {
            ++m_tosCount[sl.tos >> 1];
            withTos = withTos || sl.tos != 0;
        }
        if (withTos)
        {
            // The prefixes with TOS nodes get an index of their own (the variant algorithm's
            // search for the packet's TOS over all matching prefixes).
            tosItems.push_back({g.prefix, g.length, static_cast<uint32_t>(m_tosGroups.size())});
            m_tosGroups.push_back(i);
        }
        items[i] = {g.prefix, g.length, i};
        if (g.count == 1 && g.tos == 0)
        {
            const uint64_t pair = (static_cast<uint64_t>(g.metric) << 32) | g.payload;
            auto it = fastIndex.find(pair);
            if (it == fastIndex.end() && m_fast.size() <= LEAF_FAST_MASK)
            {
                it = fastIndex.emplace(pair, static_cast<uint32_t>(m_fast.size())).first;
                m_fast.push_back(Fast{g.metric, g.payload});
            }
            if (it != fastIndex.end())
            {
                items[i].code =
                    LEAF_SIMPLE | (uint32_t(g.length) << LEAF_LENGTH_SHIFT) | it->second;
            }
        }
    }
    m_fast.shrink_to_fit();
    m_tosGroups.shrink_to_fit();

    std::vector<LpmIndex::Range> ranges;
    Partition(items, ranges, m_parent);
    m_index.Build(ranges);
    Partition(tosItems, ranges, m_tosParent);
    m_tosIndex.Build(ranges);
    m_stale = false;
}

ClassLookup
RouteClass::Finish(const Group& g, const Slot& s) const
{
    ClassLookup r;
    r.status = ClassLookup::MATCH;
    r.length = g.length;
    r.tos = s.tos;
    r.prefix = g.prefix;
    r.metric = s.metric;
    r.info = &m_infos[s.info];
    return r;
}

template <class Usable>
ClassLookup
RouteClass::ExactTos(uint32_t dst, uint8_t tos, Usable usable) const
{
    for (uint32_t k = m_tosIndex.Lookup(dst); k != NONE; k = m_tosParent[k])
    {
        const Group& g = m_groups[m_tosGroups[k]];
        for (const Slot& s : SlotSpan(*this, g))
        {
            if (s.tos == tos && usable(s))
            {
                return Finish(g, s);
            }
        }
    }
    return ClassLookup();
}

uint32_t
RouteClass::GroupOf(uint32_t code, uint32_t dst) const
{
    if (code == NONE || !(code & LEAF_SIMPLE))
    {
        return code;
    }
    const auto length = static_cast<uint8_t>((code >> LEAF_LENGTH_SHIFT) & 0x3f);
    const uint64_t key = Key(dst & ~HostMask(length), length);
    auto it =
        std::lower_bound(m_groups.begin(), m_groups.end(), key, [](const Group& g, uint64_t k) {
            return GroupKey(g) < k;
        });
    return static_cast<uint32_t>(it - m_groups.begin());
}

POLICY_ROUTING_POPCNT_CLONES ClassLookup
RouteClass::Lookup(uint32_t dst, uint8_t tos, LookupAlgorithm algorithm, uint32_t oif) const
{
    EnsureIndex();
    tos &= ROUTE_TOS_MASK;
    const uint32_t code = m_index.Lookup(dst);
    // No node anywhere has the packet's TOS: the variant algorithm (weak TOS first) then keeps
    // the TOS-0 nodes only, as the others do at the longest prefix.
    const bool noExactTos = tos == 0 || m_tosCount[tos >> 1] == 0;
    uint32_t gid = code;
    if (code != NONE && (code & LEAF_SIMPLE))
    {
        // Fast path without the group: one TOS-0 node at the longest prefix, usable whatever
        // the algorithm (for the variant, when no node has the packet's TOS).
        const unsigned length = (code >> LEAF_LENGTH_SHIFT) & 0x3f;
        if (oif == ROUTE_NO_INTERFACE)
        {
            if (algorithm == LookupAlgorithm::RFC1812_VARIANT && !noExactTos)
            {
                // A node with the packet's TOS on a shorter prefix beats this TOS-0 node.
                ClassLookup exact = ExactTos(dst, tos, [](const Slot&) { return true; });
                if (exact.IsMatch())
                {
                    return exact;
                }
            }
            const Fast& f = m_fast[code & LEAF_FAST_MASK];
            ClassLookup r;
            r.status = ClassLookup::MATCH;
            r.length = static_cast<uint8_t>(length);
            r.prefix = dst & ~HostMask(static_cast<uint8_t>(length));
            r.metric = f.metric;
            r.info = &m_infos[f.info];
            return r;
        }
        gid = GroupOf(code, dst);
    }
    else if (gid != NONE && oif == ROUTE_NO_INTERFACE)
    {
        // One node at the longest prefix, usable whatever the algorithm.
        const Group& g = m_groups[gid];
        if (g.count == 1 &&
            (g.tos == tos ||
             (g.tos == 0 && (algorithm != LookupAlgorithm::RFC1812_VARIANT || noExactTos)) ||
             algorithm == LookupAlgorithm::RFC1812_CLASSIC))
        {
            return Finish(g, Slot{g.metric, g.payload, g.tos});
        }
    }

    auto usable = [this, oif](const Slot& s) {
        if (oif == ROUTE_NO_INTERFACE)
        {
            return true;
        }
        const RouteInfo& info = m_infos[s.info];
        return info.interface == oif || IsErrorNodeType(info.type);
    };
    ClassLookup none;
    none.status = ClassLookup::NO_MATCH;

    switch (algorithm)
    {
    case LookupAlgorithm::LINUX:
        // Longest prefix first; a node whose TOS is neither 0 nor the packet's is invisible,
        // so the search goes on to shorter prefixes. Within a prefix the nodes are in
        // TOS-descending, metric-ascending order: the first visible one is the exact-TOS node
        // with the lowest metric, else the TOS-0 node with the lowest metric.
        for (; gid != NONE; gid = m_parent[gid])
        {
            const Group& g = m_groups[gid];
            for (const Slot& s : SlotSpan(*this, g))
            {
                if (s.tos != 0 && s.tos != tos)
                {
                    if (usable(s))
                    {
                        none.status = ClassLookup::NO_MATCH_TOS;
                    }
                    continue;
                }
                if (usable(s))
                {
                    return Finish(g, s);
                }
            }
        }
        return none;

    case LookupAlgorithm::RFC1812:
        // Basic match, then longest match over all (usable) nodes, then weak TOS: exact TOS
        // if any, else TOS 0, else the set is empty (unreachable for TOS). Then best metric:
        // the first in order.
        for (; gid != NONE; gid = m_parent[gid])
        {
            const Group& g = m_groups[gid];
            bool any = false;
            const Slot* zero = nullptr;
            const SlotSpan span(*this, g);
            for (const Slot& s : span)
            {
                if (!usable(s))
                {
                    continue;
                }
                any = true;
                if (s.tos == tos)
                {
                    return Finish(g, s);
                }
                if (s.tos == 0 && !zero)
                {
                    zero = &s;
                }
            }
            if (zero)
            {
                return Finish(g, *zero);
            }
            if (any)
            {
                none.status = ClassLookup::NO_MATCH_TOS;
                return none;
            }
        }
        return none;

    case LookupAlgorithm::RFC1812_VARIANT: {
        // Basic match, then weak TOS over every matching node: if any node has the packet's
        // TOS keep only those (found through the index of the prefixes with TOS nodes), else
        // only TOS-0 nodes; then longest match, then best metric.
        if (!noExactTos)
        {
            ClassLookup exact = ExactTos(dst, tos, usable);
            if (exact.IsMatch())
            {
                return exact;
            }
        }
        bool any = false;
        for (uint32_t id = gid; id != NONE; id = m_parent[id])
        {
            const Group& g = m_groups[id];
            for (const Slot& s : SlotSpan(*this, g))
            {
                if (!usable(s))
                {
                    continue;
                }
                any = true;
                if (s.tos == 0)
                {
                    return Finish(g, s);
                }
            }
        }
        if (any)
        {
            none.status = ClassLookup::NO_MATCH_TOS;
        }
        return none;
    }

    case LookupAlgorithm::RFC1812_CLASSIC:
        // Basic match, longest match, best metric; TOS is ignored.
        for (; gid != NONE; gid = m_parent[gid])
        {
            const Group& g = m_groups[gid];
            const SlotSpan span(*this, g);
            const Slot* best = nullptr;
            for (const Slot& s : span)
            {
                if (usable(s) && (!best || s.metric < best->metric))
                {
                    best = &s;
                }
            }
            if (best)
            {
                return Finish(g, *best);
            }
        }
        return none;
    }
    return none;
}

std::vector<RouteEntry>
RouteClass::Matches(uint32_t dst) const
{
    EnsureIndex();
    std::vector<RouteEntry> out;
    for (uint32_t gid = GroupOf(m_index.Lookup(dst), dst); gid != NONE; gid = m_parent[gid])
    {
        const Group& g = m_groups[gid];
        for (const Slot& s : GetSlots(g))
        {
            out.push_back(MakeEntry(g, s));
        }
    }
    return out;
}

void
RouteClass::ForEach(const std::function<void(const RouteEntry&)>& f) const
{
    if (!m_pending.empty())
    {
        Flush();
    }
    for (const Group& g : m_groups)
    {
        for (const Slot& s : GetSlots(g))
        {
            f(MakeEntry(g, s));
        }
    }
}

std::vector<RouteEntry>
RouteClass::Entries() const
{
    std::vector<RouteEntry> out;
    out.reserve(m_nodeCount);
    ForEach([&out](const RouteEntry& e) { out.push_back(e); });
    return out;
}

bool
RouteClass::Contains(const RouteEntry& entry) const
{
    const Group* g = FindGroup(entry.prefix, entry.length);
    if (g == nullptr)
    {
        return false;
    }
    for (const Slot& s : GetSlots(*g))
    {
        if (s.tos == entry.tos && s.metric == entry.metric && m_infos[s.info] == entry.info)
        {
            return true;
        }
    }
    return false;
}

std::size_t
RouteClass::MemoryBytes() const
{
    std::size_t bytes = sizeof(*this);
    bytes += m_groups.capacity() * sizeof(Group) + m_pending.capacity() * sizeof(Group);
    bytes += m_pendingMap.size() * (sizeof(uint64_t) + sizeof(uint32_t) + 2 * sizeof(void*)) +
             m_pendingMap.bucket_count() * sizeof(void*);
    bytes += m_multi.capacity() * sizeof(std::vector<Slot>);
    for (const auto& v : m_multi)
    {
        bytes += v.capacity() * sizeof(Slot);
    }
    bytes += m_freeMulti.capacity() * sizeof(uint32_t);
    bytes += m_parent.capacity() * sizeof(uint32_t) + m_fast.capacity() * sizeof(Fast);
    bytes += m_tosIndex.MemoryBytes() + m_tosParent.capacity() * sizeof(uint32_t) +
             m_tosGroups.capacity() * sizeof(uint32_t);
    bytes += m_index.MemoryBytes();
    bytes += m_infos.capacity() * sizeof(RouteInfo) + m_infoRefs.capacity() * sizeof(uint32_t) +
             m_freeInfos.capacity() * sizeof(uint32_t);
    bytes += m_infoIndex.size() * (sizeof(RouteInfo) + sizeof(uint32_t) + 2 * sizeof(void*)) +
             m_infoIndex.bucket_count() * sizeof(void*);
    return bytes;
}

} // namespace ns3
