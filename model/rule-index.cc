/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "rule-index.h"

#include "policy-database.h"

namespace ns3
{

namespace
{

inline uint32_t
Mask(unsigned length)
{
    return length == 0 ? 0u : (0xffffffffu << (32 - length));
}

inline uint64_t
PrefixKey(uint32_t prefix, unsigned length)
{
    return (static_cast<uint64_t>(prefix) << 8) | length;
}

} // namespace

void
RuleIndex::Build(const std::vector<PolicyRule>& rules)
{
    m_wildcards.clear();
    m_src = PrefixDimension();
    m_dst = PrefixDimension();
    m_iif.clear();
    for (uint32_t i = 0; i < rules.size(); ++i)
    {
        const PolicyRule& r = rules[i];
        if (r.srcLength > 0 && r.srcLength >= r.dstLength)
        {
            m_src.lengths |= 1ULL << r.srcLength;
            m_src.lists[PrefixKey(r.src, r.srcLength)].push_back(i);
        }
        else if (r.dstLength > 0)
        {
            m_dst.lengths |= 1ULL << r.dstLength;
            m_dst.lists[PrefixKey(r.dst, r.dstLength)].push_back(i);
        }
        else if (r.iif != ROUTE_NO_INTERFACE)
        {
            m_iif[r.iif].push_back(i);
        }
        else
        {
            m_wildcards.push_back(i);
        }
    }
}

void
RuleIndex::CollectPrefix(const PrefixDimension& d, uint32_t address, Range* out, std::size_t& n)
{
    for (uint64_t bits = d.lengths; bits != 0; bits &= bits - 1)
    {
        const unsigned length = __builtin_ctzll(bits);
        auto it = d.lists.find(PrefixKey(address & Mask(length), length));
        if (it != d.lists.end())
        {
            out[n++] = Range{it->second.data(), it->second.data() + it->second.size()};
        }
    }
}

void
RuleIndex::Collect(const FlowKey& key, Range* out, std::size_t& n) const
{
    if (!m_wildcards.empty())
    {
        out[n++] = Range{m_wildcards.data(), m_wildcards.data() + m_wildcards.size()};
    }
    CollectPrefix(m_src, key.src, out, n);
    CollectPrefix(m_dst, key.dst, out, n);
    if (!m_iif.empty())
    {
        auto it = m_iif.find(key.iif);
        if (it != m_iif.end())
        {
            out[n++] = Range{it->second.data(), it->second.data() + it->second.size()};
        }
    }
}

std::size_t
RuleIndex::CountLists(const FlowKey& key) const
{
    Range lists[2 * 33 + 2];
    std::size_t n = 0;
    Collect(key, lists, n);
    return n;
}

} // namespace ns3
