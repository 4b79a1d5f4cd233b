/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * An index over the rule list that yields, in list order, only the rules whose most selective
 * selector can match a key, so that a lookup with thousands of rules costs a few hash probes
 * instead of a scan of every rule.
 */

#ifndef RULE_INDEX_H
#define RULE_INDEX_H

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace ns3
{

struct PolicyRule;
struct FlowKey;

/**
 * \ingroup policy-routing
 * \brief Candidate rules for a lookup, in rule-list order.
 *
 * Each rule is filed under one key: its longer prefix selector (source or destination), else
 * its input interface, else the list of rules that select on neither (the "wildcards": the
 * default rules among them). For a key, the candidates are the wildcards, the rules filed
 * under each prefix of the key's source and destination that some rule uses, and the rules of
 * the key's input interface. These lists are merged in rule-list order; the caller checks
 * every selector of each candidate as before, so the result is exactly that of a full scan.
 */
class RuleIndex
{
  public:
    /// Rebuild from \p rules (indices refer to positions in that vector).
    void Build(const std::vector<PolicyRule>& rules);

    /**
     * Call \p f(index) for every candidate rule of \p key in increasing index order, until
     * \p f returns true.
     */
    template <class F>
    void ForEachCandidate(const FlowKey& key, F&& f) const;

    /// \return the number of lists a lookup of \p key merges (for tests and statistics)
    std::size_t CountLists(const FlowKey& key) const;

  private:
    /// Rules filed under prefixes of one selector (source or destination).
    struct PrefixDimension
    {
        uint64_t lengths{0};                                       //!< bit L: some rule uses /L
        std::unordered_map<uint64_t, std::vector<uint32_t>> lists; //!< (prefix << 8 | L) -> rules
    };

    /// A list to merge: [begin, end).
    struct Range
    {
        const uint32_t* begin;
        const uint32_t* end;
    };

    /// Append the non-empty lists for \p key to \p out (at most 2 * 33 + 2).
    void Collect(const FlowKey& key, Range* out, std::size_t& n) const;
    static void CollectPrefix(const PrefixDimension& d,
                              uint32_t address,
                              Range* out,
                              std::size_t& n);

    std::vector<uint32_t> m_wildcards;
    PrefixDimension m_src;
    PrefixDimension m_dst;
    std::unordered_map<uint32_t, std::vector<uint32_t>> m_iif;
};

template <class F>
void
RuleIndex::ForEachCandidate(const FlowKey& key, F&& f) const
{
    Range lists[2 * 33 + 2];
    std::size_t n = 0;
    Collect(key, lists, n);
    // A k-way merge of short sorted lists; k is small (the wildcards and one or two more).
    for (;;)
    {
        std::size_t best = n;
        uint32_t bestValue = 0xffffffff;
        for (std::size_t k = 0; k < n; ++k)
        {
            if (lists[k].begin != lists[k].end && *lists[k].begin < bestValue)
            {
                bestValue = *lists[k].begin;
                best = k;
            }
        }
        if (best == n)
        {
            return;
        }
        ++lists[best].begin;
        if (f(bestValue))
        {
            return;
        }
    }
}

} // namespace ns3

#endif /* RULE_INDEX_H */
