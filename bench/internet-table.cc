/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "internet-table.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace ns3
{

namespace
{

/// SplitMix64: small, fast, and defined bit for bit (std:: distributions are not portable).
class Random
{
  public:
    explicit Random(uint64_t seed)
        : m_state(seed)
    {
    }

    uint64_t Next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    /// \return uniform in [0, n), n > 0
    uint64_t Below(uint64_t n)
    {
        return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
    }

    /// \return uniform in [0, 1)
    double Real()
    {
        return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0);
    }

  private:
    uint64_t m_state;
};

uint64_t
Size(unsigned length)
{
    return 1ULL << (32 - length);
}

uint64_t
AlignUp(uint64_t a, uint64_t size)
{
    return (a + size - 1) & ~(size - 1);
}

/// Special-purpose blocks (RFC 6890) inside the /8s we allocate from.
struct Block
{
    uint64_t start;
    uint64_t end; // exclusive
};

const std::vector<Block>&
Reserved()
{
    static const std::vector<Block> r = [] {
        const std::pair<uint32_t, unsigned> list[] = {
            {0x64400000, 10}, // 100.64.0.0/10
            {0xa9fe0000, 16}, // 169.254.0.0/16
            {0xac100000, 12}, // 172.16.0.0/12
            {0xc0000000, 24}, // 192.0.0.0/24
            {0xc0000200, 24}, // 192.0.2.0/24
            {0xc0586300, 24}, // 192.88.99.0/24
            {0xc0a80000, 16}, // 192.168.0.0/16
            {0xc6120000, 15}, // 198.18.0.0/15
            {0xc6336400, 24}, // 198.51.100.0/24
            {0xcb007100, 24}, // 203.0.113.0/24
        };
        std::vector<Block> v;
        for (const auto& [p, l] : list)
        {
            v.push_back({p, p + Size(l)});
        }
        return v;
    }();
    return r;
}

/// \return the end of a reserved block overlapping [start, start + size), or 0
uint64_t
ReservedOverlap(uint64_t start, uint64_t size)
{
    for (const Block& b : Reserved())
    {
        if (start < b.end && b.start < start + size)
        {
            return b.end;
        }
    }
    return 0;
}

/// Share of prefixes that are placed inside a shorter prefix, by length.
double
CoveredShare(unsigned length)
{
    if (length <= 8)
    {
        return 0.0;
    }
    if (length <= 12)
    {
        return 0.3;
    }
    if (length <= 16)
    {
        return 0.4;
    }
    if (length <= 23)
    {
        return 0.45;
    }
    return 0.5;
}

/// Share of top-level blocks followed by a gap in their /8 pool.
constexpr double GAP_SHARE = 0.08;

/// A more-specific is placed in a prefix at most this many bits shorter.
constexpr unsigned MAX_DEAGGREGATION = 10;

/// \return a gateway index, skewed towards small indices (a few upstreams carry most routes)
uint32_t
SkewedGateway(Random& rng, uint32_t n)
{
    const double u = rng.Real();
    return std::min(n - 1, static_cast<uint32_t>(u * u * n));
}

struct Placed
{
    uint32_t prefix;
    uint8_t length;
    uint32_t gateway; // index
};

uint64_t
Key(uint32_t prefix, unsigned length)
{
    return (static_cast<uint64_t>(prefix) << 6) | length;
}

} // namespace

const std::array<uint32_t, 33>&
InternetTableLengthMixPerMillion()
{
    // A real full table (e.g. the CIDR report / bgp.potaroo.net, 2023-2024, ~950k prefixes):
    // /24 ~60%, /22 ~12%, /23 ~10.5%, /21 ~5%, /20 ~4.5%, /19 ~3%, /16-/18 ~4%, shorter ones
    // together under 1%. Longer than /24 is filtered by most networks: left out.
    static const std::array<uint32_t, 33> mix = [] {
        std::array<uint32_t, 33> m{};
        m[8] = 17;
        m[9] = 15;
        m[10] = 40;
        m[11] = 105;
        m[12] = 320;
        m[13] = 1000;
        m[14] = 2000;
        m[15] = 3500;
        m[16] = 15000;
        m[17] = 10000;
        m[18] = 16000;
        m[19] = 30000;
        m[20] = 45000;
        m[21] = 52000;
        m[22] = 120000;
        m[23] = 105000;
        uint32_t sum = 0;
        for (uint32_t v : m)
        {
            sum += v;
        }
        m[24] = 1000000 - sum;
        return m;
    }();
    return mix;
}

std::vector<RouteEntry>
GenerateInternetTable(const InternetTableConfig& config)
{
    if (config.nextHops == 0)
    {
        throw std::invalid_argument("GenerateInternetTable: nextHops must be > 0");
    }
    Random rng(config.seed);
    const bool withDefault = config.defaultRoute && config.prefixes > 0;
    const std::size_t n = config.prefixes - (withDefault ? 1 : 0);

    // Exact counts per length: largest remainder.
    const auto& mix = InternetTableLengthMixPerMillion();
    std::array<std::size_t, 33> count{};
    std::vector<std::pair<uint64_t, unsigned>> remainders;
    std::size_t assigned = 0;
    for (unsigned l = 0; l <= 32; ++l)
    {
        const uint64_t quota = static_cast<uint64_t>(mix[l]) * n; // / 1e6
        count[l] = quota / 1000000;
        assigned += count[l];
        if (mix[l] > 0)
        {
            remainders.emplace_back(quota % 1000000, l);
        }
    }
    std::sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    for (std::size_t i = 0; assigned < n; ++i, ++assigned)
    {
        ++count[remainders[i % remainders.size()].second];
    }

    // The allocation pools: one per unicast /8, with uneven weights.
    struct Pool
    {
        uint64_t cursor;
        uint64_t end;
    };

    std::vector<Pool> pools;
    std::vector<double> cumulative;
    double total = 0;
    for (uint64_t a = 1; a <= 223; ++a)
    {
        if (a == 10 || a == 127)
        {
            continue;
        }
        pools.push_back({a << 24, (a + 1) << 24});
        const double u = rng.Real();
        total += 0.1 + u * u;
        cumulative.push_back(total);
    }

    std::vector<Placed> placed;
    placed.reserve(n);
    std::unordered_set<uint64_t> taken;
    taken.reserve(n);
    std::array<std::size_t, 34> firstOfLength{};

    auto topLevel = [&](unsigned length) -> bool {
        const uint64_t size = Size(length);
        for (std::size_t attempt = 0; attempt < pools.size() + 16; ++attempt)
        {
            std::size_t p;
            if (attempt < 16)
            {
                const double x = rng.Real() * total;
                p = std::upper_bound(cumulative.begin(), cumulative.end(), x) - cumulative.begin();
                p = std::min(p, pools.size() - 1);
            }
            else
            {
                p = attempt - 16;
            }
            Pool& pool = pools[p];
            uint64_t start = AlignUp(pool.cursor, size);
            while (uint64_t end = ReservedOverlap(start, size))
            {
                start = AlignUp(end, size);
            }
            if (start + size > pool.end)
            {
                continue;
            }
            placed.push_back({static_cast<uint32_t>(start),
                              static_cast<uint8_t>(length),
                              SkewedGateway(rng, config.nextHops)});
            taken.insert(Key(static_cast<uint32_t>(start), length));
            pool.cursor = start + size;
            if (rng.Real() < GAP_SHARE)
            {
                pool.cursor += size * (1 + rng.Below(2));
            }
            return true;
        }
        return false;
    };

    auto covered = [&](unsigned length, unsigned attempts) -> bool {
        const unsigned shortest = length > MAX_DEAGGREGATION ? length - MAX_DEAGGREGATION : 0;
        const std::size_t lo = firstOfLength[std::max(shortest, 8U)];
        const std::size_t hi = firstOfLength[length];
        if (hi <= lo)
        {
            return false;
        }
        for (unsigned a = 0; a < attempts; ++a)
        {
            const Placed parent = placed[lo + rng.Below(hi - lo)];
            const uint64_t slots = 1ULL << (length - parent.length);
            const auto prefix =
                static_cast<uint32_t>(parent.prefix + rng.Below(slots) * Size(length));
            if (!taken.insert(Key(prefix, length)).second)
            {
                continue;
            }
            const uint32_t gateway =
                rng.Real() < 0.6 ? parent.gateway : SkewedGateway(rng, config.nextHops);
            placed.push_back({prefix, static_cast<uint8_t>(length), gateway});
            return true;
        }
        return false;
    };

    for (unsigned length = 1; length <= 32; ++length)
    {
        firstOfLength[length] = placed.size();
        for (std::size_t k = 0; k < count[length]; ++k)
        {
            const bool wantCovered = rng.Real() < CoveredShare(length);
            if ((wantCovered && covered(length, 8)) || topLevel(length) || covered(length, 1000))
            {
                continue;
            }
            throw std::runtime_error("GenerateInternetTable: no room for a /" +
                                     std::to_string(length));
        }
    }
    firstOfLength[33] = placed.size();

    // Arrival order.
    for (std::size_t i = placed.size(); i > 1; --i)
    {
        std::swap(placed[i - 1], placed[rng.Below(i)]);
    }

    std::vector<RouteEntry> table;
    table.reserve(config.prefixes);
    auto entry = [&config](uint32_t prefix, uint8_t length, uint32_t gateway) {
        RouteEntry e;
        e.prefix = prefix;
        e.length = length;
        e.info.gateway = config.firstGateway + gateway;
        e.info.interface = config.interface;
        return e;
    };
    if (withDefault)
    {
        table.push_back(entry(0, 0, 0));
    }
    for (const Placed& p : placed)
    {
        table.push_back(entry(p.prefix, p.length, p.gateway));
    }
    return table;
}

InternetTableStats
DescribeInternetTable(const std::vector<RouteEntry>& table)
{
    InternetTableStats s;
    s.routes = table.size();
    std::vector<std::pair<uint32_t, uint8_t>> sorted;
    std::unordered_set<uint32_t> gateways;
    std::array<bool, 256> slash8{};
    for (const RouteEntry& e : table)
    {
        ++s.byLength[std::min<unsigned>(e.length, 32)];
        gateways.insert(e.info.gateway);
        if (e.length == 0)
        {
            s.hasDefault = true;
            continue;
        }
        sorted.emplace_back(e.prefix, e.length);
        slash8[e.prefix >> 24] = true;
    }
    s.gateways = gateways.size();
    s.usedSlash8s = static_cast<std::size_t>(std::count(slash8.begin(), slash8.end(), true));
    std::sort(sorted.begin(), sorted.end());
    // Sorted by (start, length): a prefix is covered iff it starts before the end of the
    // current top-level prefix.
    uint64_t end = 0;
    for (const auto& [prefix, length] : sorted)
    {
        if (prefix < end)
        {
            ++s.covered;
            continue;
        }
        end = prefix + Size(length);
        s.routedAddresses += Size(length);
    }
    return s;
}

std::vector<uint32_t>
GenerateDestinations(const std::vector<RouteEntry>& table,
                     std::size_t count,
                     uint64_t seed,
                     double routedShare)
{
    Random rng(seed ^ 0x5eed5eed5eed5eedULL);
    std::vector<const RouteEntry*> routes;
    for (const RouteEntry& e : table)
    {
        if (e.length > 0)
        {
            routes.push_back(&e);
        }
    }
    std::vector<uint32_t> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        if (!routes.empty() && rng.Real() < routedShare)
        {
            const RouteEntry& e = *routes[rng.Below(routes.size())];
            const auto host = static_cast<uint32_t>(rng.Below(Size(e.length)));
            out.push_back(e.prefix | host);
        }
        else
        {
            out.push_back(static_cast<uint32_t>(rng.Next()));
        }
    }
    return out;
}

} // namespace ns3
