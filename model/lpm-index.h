/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Longest-prefix-match index of the class engine (see doc/class-engine.md).
 */

#ifndef LPM_INDEX_H
#define LPM_INDEX_H

#include <cstddef>
#include <cstdint>
#include <vector>

/**
 * \ingroup policy-routing
 * Put on a function that walks an LpmIndex: on x86-64 builds without POPCNT (the generic
 * target distributions build for), compile it twice and let the loader pick the POPCNT
 * version where the CPU has it. Without the instruction each popcount is a libgcc call.
 */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(__POPCNT__)
#define POLICY_ROUTING_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define POLICY_ROUTING_POPCNT_CLONES
#endif

namespace ns3
{

/// Allocate \p bytes for IndexAllocator (huge-page backed from 2 MiB).
void* IndexAllocate(std::size_t bytes);
/// Free what IndexAllocate(\p bytes) returned.
void IndexDeallocate(void* p, std::size_t bytes) noexcept;

/**
 * \ingroup policy-routing
 * An allocator for the index arrays: arrays of 2 MiB and more are 2 MiB-aligned and, on
 * Linux, advised to be backed by transparent huge pages (madvise mode), so that a lookup in a
 * full Internet table does not also pay a TLB miss per level. Smaller arrays are plain.
 */
template <class T>
struct IndexAllocator
{
    using value_type = T; //!< allocated type

    IndexAllocator() = default;

    /// Converting constructor (allocator requirements).
    template <class U>
    IndexAllocator(const IndexAllocator<U>&) noexcept
    {
    }

    /// Allocate \p n objects.
    T* allocate(std::size_t n)
    {
        return static_cast<T*>(IndexAllocate(n * sizeof(T)));
    }

    /// Free what allocate(\p n) returned.
    void deallocate(T* p, std::size_t n) noexcept
    {
        IndexDeallocate(p, n * sizeof(T));
    }

    template <class U>
    bool operator==(const IndexAllocator<U>&) const noexcept
    {
        return true;
    }

    template <class U>
    bool operator!=(const IndexAllocator<U>&) const noexcept
    {
        return false;
    }
};

/**
 * \ingroup policy-routing
 * \brief A static longest-prefix-match index over IPv4 addresses (Poptrie-style).
 *
 * The index maps every 32-bit address to a value: the value of the longest prefix that
 * contains it, or NONE. It is built in one pass from the address space partitioned into
 * ranges (LpmIndex::Range) and is then read-only.
 *
 * Layout: a direct-pointing table indexed by the top \c s bits (s is chosen from the size of
 * the input), then nodes of 6-bit stride. A node has a 64-bit vector of child slots and a
 * 64-bit vector marking the first slot of each run of equal leaves; children and leaves of a
 * node are contiguous and addressed with popcount, as in Poptrie (Asai and Ohara, SIGCOMM
 * 2015). Lookup is one table read plus one node read per 6 bits below \c s.
 *
 * The index has no simulator state and no dependency on ns-3.
 */
class LpmIndex
{
  public:
    /// The value returned for addresses covered by no prefix.
    static constexpr uint32_t NONE = 0x7fffffff;

    /// One range of the partition: from \c start up to the next range's start, the value is
    /// \c value. The first range starts at 0.
    struct Range
    {
        uint64_t start; //!< first address of the range
        uint32_t value; //!< value for every address in the range (NONE or < NONE)
    };

    LpmIndex();

    /**
     * Build from a partition of the address space.
     * \param ranges ranges sorted by start; ranges[0].start == 0; adjacent values differ.
     * \param directBits top bits resolved by the direct table (0..24), or -1 to choose.
     */
    void Build(const std::vector<Range>& ranges, int directBits = -1);

    /// \return the value of the longest prefix containing \p addr, or NONE.
    uint32_t Lookup(uint32_t addr) const
    {
        uint32_t d = m_direct[m_directBits ? addr >> (32 - m_directBits) : 0];
        if (d & LEAF_FLAG)
        {
            return d & ~LEAF_FLAG;
        }
        const uint64_t key = static_cast<uint64_t>(addr) << 32;
        unsigned offset = m_directBits;
        const Node* node = &m_nodes[d];
        for (;;)
        {
            const unsigned slot = (key >> (58 - offset)) & 63;
            const uint64_t upTo = (2ULL << slot) - 1; // bits 0..slot (wraps to ~0 for slot 63)
            if (node->children & (1ULL << slot))
            {
                node = &m_nodes[node->childBase + __builtin_popcountll(node->children & upTo) - 1];
                offset += STRIDE;
            }
            else
            {
                return m_leaves[node->leafBase + __builtin_popcountll(node->leafStarts & upTo) - 1];
            }
        }
    }

    /// \return bytes of memory the index holds.
    std::size_t MemoryBytes() const;

    /// \return bits resolved by the direct table.
    unsigned GetDirectBits() const
    {
        return m_directBits;
    }

    /// \return number of internal nodes.
    std::size_t GetNodeCount() const
    {
        return m_nodes.size();
    }

    /// \return number of stored leaves.
    std::size_t GetLeafCount() const
    {
        return m_leaves.size();
    }

  private:
    static constexpr unsigned STRIDE = 6;
    static constexpr uint32_t LEAF_FLAG = 0x80000000;

    /// A 6-bit-stride node.
    struct Node
    {
        uint64_t children;   //!< bit i set: slot i is an internal node
        uint64_t leafStarts; //!< bit i set: slot i is a leaf starting a new run
        uint32_t childBase;  //!< index of the first child in m_nodes
        uint32_t leafBase;   //!< index of the first leaf run in m_leaves
    };

    /// Build the node m_nodes[index] covering [lo, lo + 2^width), with cursor into ranges.
    void BuildNode(uint32_t index, uint64_t lo, unsigned width, std::size_t cursor);

    /// Advance cursor to the range containing addr; \return true if [addr, end) is one range.
    bool SingleValue(std::size_t& cursor, uint64_t addr, uint64_t end) const;

    unsigned m_directBits;
    std::vector<uint32_t, IndexAllocator<uint32_t>> m_direct;
    std::vector<Node, IndexAllocator<Node>> m_nodes;
    std::vector<uint32_t, IndexAllocator<uint32_t>> m_leaves;
    const std::vector<Range>* m_ranges; //!< valid during Build only
};

} // namespace ns3

#endif /* LPM_INDEX_H */
