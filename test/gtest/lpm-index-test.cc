/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Unit tests of LpmIndex, the Poptrie-style index of the class engine: random partitions of
 * the address space against a naive interval search, for every direct-table size 0..24.
 */

#include "ns3/lpm-index.h"

#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <iterator>
#include <stdexcept>
#include <vector>

using namespace ns3;

namespace
{

/// xorshift64*: deterministic everywhere.
class Rng
{
  public:
    explicit Rng(uint64_t seed)
        : m_s(seed ? seed : 1)
    {
    }

    uint64_t Next()
    {
        m_s ^= m_s >> 12;
        m_s ^= m_s << 25;
        m_s ^= m_s >> 27;
        return m_s * 0x2545f4914f6cdd1dULL;
    }

    uint32_t U32()
    {
        return static_cast<uint32_t>(Next() >> 32);
    }

    uint32_t Below(uint32_t n)
    {
        return static_cast<uint32_t>(Next() % n);
    }

  private:
    uint64_t m_s;
};

/// The value of \p addr: that of the last range whose start is <= addr (a plain search over
/// the sorted starts; a linear scan for small inputs).
uint32_t
NaiveValue(const std::vector<LpmIndex::Range>& ranges, uint32_t addr)
{
    if (ranges.size() <= 64)
    {
        uint32_t value = LpmIndex::NONE;
        for (const LpmIndex::Range& r : ranges)
        {
            if (r.start > addr)
            {
                break;
            }
            value = r.value;
        }
        return value;
    }
    auto it = std::upper_bound(ranges.begin(),
                               ranges.end(),
                               uint64_t{addr},
                               [](uint64_t a, const LpmIndex::Range& r) { return a < r.start; });
    return std::prev(it)->value;
}

/// A random partition: \p n range starts (0 included), adjacent values different. The starts
/// are clustered (some ranges of a few addresses, some of millions) and values repeat, as a
/// routing table's ranges do.
std::vector<LpmIndex::Range>
RandomRanges(Rng& rng, unsigned n)
{
    std::vector<uint64_t> starts = {0};
    uint32_t cluster = rng.U32();
    for (unsigned i = 1; i < n; ++i)
    {
        uint32_t s;
        switch (rng.Below(5))
        {
        case 0:
            s = rng.U32();
            break;
        case 1:
            cluster = rng.U32();
            s = cluster;
            break;
        case 2:
            s = cluster + rng.Below(64); // dense: single addresses
            break;
        case 3:
            s = static_cast<uint32_t>(0xffffffffu - rng.Below(64)); // the top end
            break;
        default:
            s = cluster + (rng.Below(1u << 20) << rng.Below(12));
        }
        starts.push_back(s);
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    std::vector<LpmIndex::Range> ranges;
    const uint32_t values = 1 + rng.Below(2 * n);
    for (uint64_t s : starts)
    {
        uint32_t v = rng.Below(8) == 0 ? LpmIndex::NONE : rng.Below(values);
        if (!ranges.empty() && ranges.back().value == v)
        {
            v = v == LpmIndex::NONE ? 0 : (v + 1 == LpmIndex::NONE ? 0 : v + 1);
        }
        ranges.push_back({s, v});
    }
    return ranges;
}

/// Lookups at every range boundary (start - 1, start, start + 1), at the ends, and at random
/// addresses, compared with NaiveValue. \return number of mismatches (reported).
unsigned
Compare(const LpmIndex& index, const std::vector<LpmIndex::Range>& ranges, Rng& rng, int bits)
{
    std::vector<uint32_t> probes = {0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
    for (const LpmIndex::Range& r : ranges)
    {
        const auto s = static_cast<uint32_t>(r.start);
        probes.push_back(s);
        probes.push_back(s - 1);
        probes.push_back(s + 1);
    }
    for (unsigned i = 0; i < 2000; ++i)
    {
        probes.push_back(rng.U32());
    }
    unsigned bad = 0;
    for (uint32_t a : probes)
    {
        const uint32_t want = NaiveValue(ranges, a);
        const uint32_t got = index.Lookup(a);
        if (got != want && ++bad <= 5)
        {
            ADD_FAILURE() << "direct bits " << bits << " (" << ranges.size() << " ranges): Lookup("
                          << a << ") = " << got << ", expected " << want;
        }
    }
    return bad;
}

} // namespace

TEST(LpmIndex, EmptyIndexReturnsNone)
{
    LpmIndex index;
    EXPECT_EQ(index.Lookup(0), LpmIndex::NONE);
    EXPECT_EQ(index.Lookup(0x12345678), LpmIndex::NONE);
    EXPECT_EQ(index.Lookup(0xffffffff), LpmIndex::NONE);
    index.Build({{0, LpmIndex::NONE}});
    EXPECT_EQ(index.Lookup(0xffffffff), LpmIndex::NONE);
    EXPECT_EQ(index.GetNodeCount(), 0u);
    index.Build({{0, 7}});
    EXPECT_EQ(index.Lookup(0), 7u);
    EXPECT_EQ(index.Lookup(0xffffffff), 7u);
}

TEST(LpmIndex, RejectsBadInput)
{
    LpmIndex index;
    EXPECT_THROW(index.Build({}), std::invalid_argument);
    EXPECT_THROW(index.Build({{1, 0}}), std::invalid_argument);
    EXPECT_THROW(index.Build({{0, 0}}, 25), std::invalid_argument);
}

TEST(LpmIndex, SingleAddressesAndEdges)
{
    // One-address ranges at both ends and in the middle, at every direct size.
    const std::vector<LpmIndex::Range> ranges = {{0, 1},
                                                 {1, 2},
                                                 {2, LpmIndex::NONE},
                                                 {0x0a000000, 3},
                                                 {0x0a000001, 4},
                                                 {0x0a000002, 3},
                                                 {0x0affffff, 5},
                                                 {0x0b000000, LpmIndex::NONE},
                                                 {0xfffffffe, 6},
                                                 {0xffffffff, 7}};
    for (int bits = 0; bits <= 24; ++bits)
    {
        LpmIndex index;
        index.Build(ranges, bits);
        ASSERT_EQ(index.GetDirectBits(), static_cast<unsigned>(bits));
        EXPECT_EQ(index.Lookup(0), 1u);
        EXPECT_EQ(index.Lookup(1), 2u);
        EXPECT_EQ(index.Lookup(2), LpmIndex::NONE);
        EXPECT_EQ(index.Lookup(0x09ffffff), LpmIndex::NONE);
        EXPECT_EQ(index.Lookup(0x0a000000), 3u);
        EXPECT_EQ(index.Lookup(0x0a000001), 4u);
        EXPECT_EQ(index.Lookup(0x0a000002), 3u);
        EXPECT_EQ(index.Lookup(0x0afffffe), 3u);
        EXPECT_EQ(index.Lookup(0x0affffff), 5u);
        EXPECT_EQ(index.Lookup(0x0b000000), LpmIndex::NONE);
        EXPECT_EQ(index.Lookup(0xfffffffd), LpmIndex::NONE);
        EXPECT_EQ(index.Lookup(0xfffffffe), 6u);
        EXPECT_EQ(index.Lookup(0xffffffff), 7u);
    }
}

TEST(LpmIndex, RandomRangesAtEveryDirectSize)
{
    Rng rng(0x1b9c0ffee);
    unsigned bad = 0;
    for (int bits = 0; bits <= 24 && bad == 0; ++bits)
    {
        for (unsigned n : {1u, 2u, 5u, 40u, 300u, 3000u})
        {
            const std::vector<LpmIndex::Range> ranges = RandomRanges(rng, n);
            LpmIndex index;
            index.Build(ranges, bits);
            EXPECT_EQ(index.GetDirectBits(), static_cast<unsigned>(bits));
            bad += Compare(index, ranges, rng, bits);
            EXPECT_GE(index.MemoryBytes(), (std::size_t{1} << bits) * sizeof(uint32_t));
        }
    }
}

TEST(LpmIndex, RandomRangesWithAutomaticDirectSize)
{
    Rng rng(42);
    std::vector<unsigned> seen;
    for (unsigned n : {1u, 3u, 10u, 100u, 1000u, 10000u, 100000u})
    {
        const std::vector<LpmIndex::Range> ranges = RandomRanges(rng, n);
        LpmIndex index;
        index.Build(ranges);
        EXPECT_LE(index.GetDirectBits(), 18u);
        seen.push_back(index.GetDirectBits());
        Compare(index, ranges, rng, -1);
        // Rebuilding the same object gives the same answers.
        index.Build(ranges);
        Compare(index, ranges, rng, -1);
    }
    // The direct table grows with the input.
    EXPECT_LT(seen.front(), seen.back());
}

TEST(LpmIndex, CopiesLookUpLikeTheOriginal)
{
    Rng rng(7);
    const std::vector<LpmIndex::Range> ranges = RandomRanges(rng, 500);
    LpmIndex index;
    index.Build(ranges, 10);
    const LpmIndex copy = index;
    Compare(copy, ranges, rng, 10);
    LpmIndex assigned;
    assigned = index;
    index.Build({{0, 1}});
    Compare(assigned, ranges, rng, 10);
    EXPECT_EQ(index.Lookup(0x12345678), 1u);
}
