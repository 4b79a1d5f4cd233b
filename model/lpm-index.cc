/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "lpm-index.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <stdexcept>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace ns3
{

namespace
{
constexpr std::size_t HUGE_PAGE = 2u << 20;
} // namespace

void*
IndexAllocate(std::size_t bytes)
{
    if (bytes < HUGE_PAGE)
    {
        return ::operator new(bytes);
    }
    const std::size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void* p = std::aligned_alloc(HUGE_PAGE, rounded);
    if (!p)
    {
        throw std::bad_alloc();
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, rounded, MADV_HUGEPAGE); // advice only: failure changes nothing
#endif
    return p;
}

void
IndexDeallocate(void* p, std::size_t bytes) noexcept
{
    if (bytes < HUGE_PAGE)
    {
        ::operator delete(p);
    }
    else
    {
        std::free(p);
    }
}

namespace
{
constexpr uint64_t ADDRESS_SPACE = 1ULL << 32;
} // namespace

LpmIndex::LpmIndex()
    : m_directBits(0),
      m_direct(1, NONE | LEAF_FLAG),
      m_ranges(nullptr)
{
}

bool
LpmIndex::SingleValue(std::size_t& cursor, uint64_t addr, uint64_t end) const
{
    const std::vector<Range>& r = *m_ranges;
    while (cursor + 1 < r.size() && r[cursor + 1].start <= addr)
    {
        ++cursor;
    }
    return cursor + 1 == r.size() || r[cursor + 1].start >= end;
}

void
LpmIndex::Build(const std::vector<Range>& ranges, int directBits)
{
    if (ranges.empty() || ranges.front().start != 0)
    {
        throw std::invalid_argument("LpmIndex::Build: ranges must start at address 0");
    }
    if (directBits < 0)
    {
        // About one direct entry per two ranges (each prefix makes at most two), at most
        // 2^18 entries (1 MiB): beyond that the nodes below are cheaper than a bigger table.
        unsigned bits = 0;
        while (bits < 18 && (1ULL << bits) < ranges.size() / 2)
        {
            ++bits;
        }
        directBits = static_cast<int>(bits);
    }
    if (directBits > 24)
    {
        throw std::invalid_argument("LpmIndex::Build: at most 24 direct bits");
    }
    m_ranges = &ranges;
    m_directBits = static_cast<unsigned>(directBits);
    m_nodes.clear();
    m_leaves.clear();
    m_direct.assign(1ULL << m_directBits, 0);
    m_direct.shrink_to_fit(); // assign keeps the capacity of a once bigger table

    const uint64_t slotSize = ADDRESS_SPACE >> m_directBits;
    std::size_t cursor = 0;
    for (uint64_t i = 0; i < m_direct.size(); ++i)
    {
        const uint64_t lo = i * slotSize;
        if (SingleValue(cursor, lo, lo + slotSize))
        {
            m_direct[i] = ranges[cursor].value | LEAF_FLAG;
        }
        else
        {
            const auto index = static_cast<uint32_t>(m_nodes.size());
            m_nodes.push_back(Node{});
            m_direct[i] = index;
            BuildNode(index, lo, 32 - m_directBits, cursor);
        }
    }
    m_nodes.shrink_to_fit();
    m_leaves.shrink_to_fit();
    m_ranges = nullptr;
}

void
LpmIndex::BuildNode(uint32_t index, uint64_t lo, unsigned width, std::size_t cursor)
{
    // Slot i covers [lo + i * size, +size) when width >= 6. Below 6 bits the low slot bits are
    // padding: slot i is the address lo + (i >> (6 - width)).
    const uint64_t size = width >= STRIDE ? 1ULL << (width - STRIDE) : 1;
    const unsigned pad = width >= STRIDE ? 0 : STRIDE - width;

    uint64_t children = 0;
    uint64_t leafStarts = 0;
    std::size_t childCursor[64];
    uint32_t previous = NONE;
    bool havePrevious = false;
    const auto leafBase = static_cast<uint32_t>(m_leaves.size());

    for (unsigned slot = 0; slot < 64; ++slot)
    {
        const uint64_t start = lo + (pad ? (slot >> pad) : slot * size);
        if (SingleValue(cursor, start, start + size))
        {
            const uint32_t value = (*m_ranges)[cursor].value;
            if (!havePrevious || value != previous)
            {
                leafStarts |= 1ULL << slot;
                m_leaves.push_back(value);
                previous = value;
                havePrevious = true;
            }
        }
        else
        {
            children |= 1ULL << slot;
            childCursor[__builtin_popcountll(children) - 1] = cursor;
        }
    }

    const auto childBase = static_cast<uint32_t>(m_nodes.size());
    const unsigned childCount = __builtin_popcountll(children);
    m_nodes.resize(m_nodes.size() + childCount);
    Node& node = m_nodes[index];
    node.children = children;
    node.leafStarts = leafStarts;
    node.childBase = childBase;
    node.leafBase = leafBase;

    unsigned k = 0;
    for (unsigned slot = 0; slot < 64; ++slot)
    {
        if (children & (1ULL << slot))
        {
            // Only reachable when width > 6: a padded slot is a single address, hence a leaf.
            BuildNode(childBase + k, lo + slot * size, width - STRIDE, childCursor[k]);
            ++k;
        }
    }
}

std::size_t
LpmIndex::MemoryBytes() const
{
    return m_direct.capacity() * sizeof(uint32_t) + m_nodes.capacity() * sizeof(Node) +
           m_leaves.capacity() * sizeof(uint32_t);
}

} // namespace ns3
