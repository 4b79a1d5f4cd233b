/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Random configurations and questions for the kernel comparison, and their `ip` spelling.
 */

#include "kernel-compare.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

namespace kernelcompare
{

// ----- text helpers -----

std::vector<Interface>
AddressesOf(const Interface& i)
{
    std::vector<Interface> all;
    all.push_back(i);
    all.back().more.clear();
    all.insert(all.end(), i.more.begin(), i.more.end());
    return all;
}

uint32_t
Mask(uint8_t length)
{
    return length == 0 ? 0u : (0xffffffffu << (32 - length));
}

std::string
Addr(uint32_t a)
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
Prefix(uint32_t prefix, uint8_t length)
{
    if (length == 0)
    {
        return "default";
    }
    return Addr(prefix) + "/" + std::to_string(length);
}

std::string
Hex(uint8_t v)
{
    char buf[8];
    std::snprintf(buf, sizeof(buf), "0x%02x", v);
    return buf;
}

std::string
IfName(int k)
{
    if (k == LO_IF)
    {
        return "lo";
    }
    if (k < 0)
    {
        return "-";
    }
    return "v" + std::to_string(k);
}

const char*
RouteTypeName(RouteType t)
{
    switch (t)
    {
    case RouteType::UNICAST:
        return "unicast";
    case RouteType::UNREACHABLE:
        return "unreachable";
    case RouteType::PROHIBIT:
        return "prohibit";
    case RouteType::BLACKHOLE:
        return "blackhole";
    case RouteType::THROW:
        return "throw";
    }
    return "?";
}

const char*
RuleTypeName(RuleType t)
{
    switch (t)
    {
    case RuleType::LOOKUP:
        return "lookup";
    case RuleType::UNREACHABLE:
        return "unreachable";
    case RuleType::PROHIBIT:
        return "prohibit";
    case RuleType::BLACKHOLE:
        return "blackhole";
    }
    return "?";
}

const char*
AnswerKindName(AnswerKind k)
{
    switch (k)
    {
    case AnswerKind::FORWARD:
        return "forward";
    case AnswerKind::LOCAL:
        return "local";
    case AnswerKind::NET_UNREACHABLE:
        return "network-unreachable";
    case AnswerKind::HOST_UNREACHABLE:
        return "host-unreachable";
    case AnswerKind::PROHIBITED:
        return "prohibited";
    case AnswerKind::INVALID:
        return "invalid/blackhole";
    case AnswerKind::OTHER:
        return "other";
    }
    return "?";
}

const char*
OpResultName(OpResult r)
{
    switch (r)
    {
    case OpResult::OK:
        return "ok";
    case OpResult::EXISTS:
        return "exists";
    case OpResult::NOT_FOUND:
        return "not-found";
    case OpResult::FAILED:
        return "failed";
    }
    return "?";
}

bool
Answer::Same(const Answer& o) const
{
    if (kind != o.kind)
    {
        return false;
    }
    if (kind == AnswerKind::FORWARD)
    {
        return gateway == o.gateway && dev == o.dev;
    }
    return true;
}

std::string
Answer::ToString() const
{
    std::string s = AnswerKindName(kind);
    if (kind == AnswerKind::FORWARD)
    {
        s += gateway ? " via " + Addr(gateway) : std::string(" on-link");
        s += " dev " + IfName(dev);
    }
    return s;
}

bool
StateRoute::operator==(const StateRoute& o) const
{
    return table == o.table && type == o.type && prefix == o.prefix && length == o.length &&
           tos == o.tos && metric == o.metric && gateway == o.gateway && dev == o.dev;
}

std::string
StateRoute::ToString() const
{
    std::ostringstream os;
    if (type != "unicast")
    {
        os << type << " ";
    }
    os << (length == 32 ? Addr(prefix) : Prefix(prefix, length));
    if (tos)
    {
        os << " tos " << Hex(tos);
    }
    if (gateway)
    {
        os << " via " << Addr(gateway);
    }
    if (dev != NO_IF)
    {
        os << " dev " << IfName(dev);
    }
    os << " table " << table;
    if (metric)
    {
        os << " metric " << metric;
    }
    return os.str();
}

bool
StateRule::operator==(const StateRule& o) const
{
    return pref == o.pref && src == o.src && srcLength == o.srcLength && dst == o.dst &&
           dstLength == o.dstLength && tos == o.tos && iif == o.iif && type == o.type &&
           (type != RuleType::LOOKUP || table == o.table);
}

std::string
StateRule::ToString() const
{
    std::ostringstream os;
    os << pref << ":\tfrom " << (srcLength ? Prefix(src, srcLength) : std::string("all"));
    if (dstLength)
    {
        os << " to " << Prefix(dst, dstLength);
    }
    if (tos)
    {
        os << " tos " << Hex(tos);
    }
    if (iif != NO_IF)
    {
        os << " iif " << IfName(iif);
    }
    if (type == RuleType::LOOKUP)
    {
        os << " lookup " << table;
    }
    else
    {
        os << " " << RuleTypeName(type);
    }
    return os.str();
}

std::string
StateText(const State& s)
{
    std::ostringstream os;
    for (const StateRule& r : s.rules)
    {
        os << "  " << r.ToString() << "\n";
    }
    for (const StateRoute& r : s.routes)
    {
        os << "  " << r.ToString() << "\n";
    }
    return os.str();
}

std::string
CompareStates(const State& kernel, const State& model)
{
    std::ostringstream os;
    const std::size_t nr = std::max(kernel.rules.size(), model.rules.size());
    for (std::size_t i = 0; i < nr; ++i)
    {
        const bool hk = i < kernel.rules.size();
        const bool hm = i < model.rules.size();
        if (hk && hm && kernel.rules[i] == model.rules[i])
        {
            continue;
        }
        os << "rule #" << i << ": kernel '" << (hk ? kernel.rules[i].ToString() : "(none)")
           << "', model '" << (hm ? model.rules[i].ToString() : "(none)") << "'";
        return os.str();
    }
    // Routes: the listing order of prefixes differs (trie vs sorted array); the order of the
    // nodes of one (table, prefix) is the lookup order and must be equal.
    auto key = [](const StateRoute& r) { return std::make_tuple(r.table, r.prefix, r.length); };
    // Adjacent nodes equal in every compared field count once: the kernel installs one
    // broadcast (or local) route per address that has it, with that address as preferred
    // source, and the model one per interface; they differ only in the preferred source,
    // which no lookup compared here depends on. (User routes that are exact duplicates are
    // refused on both sides, which the command results check.)
    auto sorted = [&key](std::vector<StateRoute> v) {
        std::stable_sort(v.begin(), v.end(), [&key](const StateRoute& a, const StateRoute& b) {
            return key(a) < key(b);
        });
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    };
    const std::vector<StateRoute> k = sorted(kernel.routes);
    const std::vector<StateRoute> m = sorted(model.routes);
    const std::size_t n = std::max(k.size(), m.size());
    for (std::size_t i = 0; i < n; ++i)
    {
        const bool hk = i < k.size();
        const bool hm = i < m.size();
        if (hk && hm && k[i] == m[i])
        {
            continue;
        }
        os << "route: kernel '" << (hk ? k[i].ToString() : "(none)") << "', model '"
           << (hm ? m[i].ToString() : "(none)") << "'";
        return os.str();
    }
    return "";
}

// ----- commands -----

std::vector<std::string>
SetupCommands(const Config& config)
{
    std::vector<std::string> lines;
    lines.push_back("link set lo up");
    for (std::size_t k = 0; k < config.interfaces.size(); ++k)
    {
        const std::string v = "v" + std::to_string(k);
        const std::string p = "p" + std::to_string(k);
        lines.push_back("link add " + v + " type veth peer name " + p);
        lines.push_back("link set " + p + " up");
        lines.push_back("link set " + v + " up");
        for (const Interface& i : AddressesOf(config.interfaces[k]))
        {
            lines.push_back("addr add " + Addr(i.address) + "/" + std::to_string(i.length) +
                            " dev " + v);
        }
    }
    return lines;
}

namespace
{

std::string
TableName(uint32_t t)
{
    return std::to_string(t);
}

std::string
RouteCommand(const Op& op)
{
    const RouteOp& r = op.route;
    std::ostringstream os;
    os << "route ";
    switch (op.kind)
    {
    case OpKind::ROUTE_ADD:
        os << "add ";
        break;
    case OpKind::ROUTE_APPEND:
        os << "append ";
        break;
    case OpKind::ROUTE_PREPEND:
        os << "prepend ";
        break;
    case OpKind::ROUTE_REPLACE:
        os << "replace ";
        break;
    default:
        os << "del ";
        break;
    }
    if (r.typeGiven && (r.type != RouteType::UNICAST || op.kind == OpKind::ROUTE_DEL))
    {
        os << RouteTypeName(r.type) << " ";
    }
    os << Prefix(r.prefix, r.length);
    if (r.tos)
    {
        os << " tos " << Hex(r.tos);
    }
    if (r.gateway)
    {
        os << " via " << Addr(r.gateway);
    }
    if (r.dev != NO_IF)
    {
        os << " dev " << IfName(r.dev);
    }
    if (r.metric)
    {
        os << " metric " << r.metric;
    }
    os << " table " << TableName(r.table);
    return os.str();
}

std::string
RuleCommand(const Op& op)
{
    const RuleOp& r = op.rule;
    std::ostringstream os;
    os << "rule " << (op.kind == OpKind::RULE_ADD ? "add" : "del");
    if (r.srcLength)
    {
        os << " from " << Prefix(r.src, r.srcLength);
    }
    if (r.dstLength)
    {
        os << " to " << Prefix(r.dst, r.dstLength);
    }
    if (r.tos)
    {
        os << " tos " << Hex(r.tos);
    }
    if (r.iif != NO_IF)
    {
        os << " iif " << IfName(r.iif);
    }
    if (r.pref)
    {
        os << " pref " << *r.pref;
    }
    if (r.type)
    {
        if (*r.type == RuleType::LOOKUP)
        {
            if (r.table)
            {
                os << " lookup " << TableName(r.table);
            }
        }
        else
        {
            os << " " << RuleTypeName(*r.type);
        }
    }
    else if (r.table)
    {
        os << " lookup " << TableName(r.table);
    }
    return os.str();
}

} // namespace

std::string
OpCommand(const Op& op)
{
    if (op.kind == OpKind::RULE_ADD || op.kind == OpKind::RULE_DEL)
    {
        return RuleCommand(op);
    }
    return RouteCommand(op);
}

std::string
QueryCommand(const Query& q)
{
    std::ostringstream os;
    os << "route get " << Addr(q.dst);
    if (q.src)
    {
        os << " from " << Addr(q.src);
    }
    if (q.iif != NO_IF)
    {
        os << " iif " << IfName(q.iif);
    }
    if (q.tos)
    {
        os << " tos " << Hex(q.tos);
    }
    return os.str();
}

// ----- generation -----

namespace
{

/// The TOS values routing compares in the modern kernel (IPTOS_RT_MASK 0x1c; bit 0x02 is
/// ignored by the kernel and refused in rules, see doc/kernel-comparison.md).
const uint8_t TOS_VALUES[] = {0x04, 0x08, 0x0c, 0x10, 0x14, 0x18, 0x1c};

/// A small deterministic random source.
class Rng
{
  public:
    explicit Rng(uint64_t seed)
        : m_g(seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL)
    {
    }

    uint64_t Next()
    {
        return m_g();
    }

    /// \return 0..n-1
    uint32_t Below(uint32_t n)
    {
        return n == 0 ? 0 : static_cast<uint32_t>(m_g() % n);
    }

    /// \return true with probability \p percent / 100
    bool Percent(uint32_t percent)
    {
        return Below(100) < percent;
    }

    uint32_t Bits32()
    {
        return static_cast<uint32_t>(m_g());
    }

    /// \return an index chosen by \p weights
    std::size_t Weighted(const std::vector<uint32_t>& weights)
    {
        uint32_t total = 0;
        for (uint32_t w : weights)
        {
            total += w;
        }
        uint32_t x = Below(total);
        for (std::size_t i = 0; i < weights.size(); ++i)
        {
            if (x < weights[i])
            {
                return i;
            }
            x -= weights[i];
        }
        return weights.size() - 1;
    }

    template <class T>
    const T& Pick(const std::vector<T>& v)
    {
        return v[Below(static_cast<uint32_t>(v.size()))];
    }

  private:
    std::mt19937_64 m_g;
};

/// \return true if \p a is an address the generator keeps away from: 0/8, 127/8, 224/3
bool
IsSpecial(uint32_t a)
{
    const uint32_t first = a >> 24;
    return first == 0 || first == 127 || first >= 224;
}

/// A random prefix of \p length inside \p base / \p baseLength.
uint32_t
Inside(Rng& rng, uint32_t base, uint8_t baseLength, uint8_t length)
{
    const uint32_t fixed = Mask(baseLength);
    return ((base & fixed) | (rng.Bits32() & ~fixed)) & Mask(length);
}

/// A random "ordinary" network: private ranges, documentation ranges or anywhere.
std::pair<uint32_t, uint8_t>
RandomBase(Rng& rng)
{
    switch (rng.Below(6))
    {
    case 0:
        return {0x0a000000, 8}; // 10/8
    case 1:
        return {0xac100000, 12}; // 172.16/12
    case 2:
        return {0xc0a80000, 16}; // 192.168/16
    case 3:
        return {0x64400000, 10}; // 100.64/10
    case 4:
        return {0xc6120000, 15}; // 198.18/15
    default:
        for (;;)
        {
            const uint32_t a = rng.Bits32() & 0xff000000u;
            if (!IsSpecial(a))
            {
                return {a, 8};
            }
        }
    }
}

struct Generator
{
    explicit Generator(uint64_t seed)
        : rng(seed)
    {
        c.seed = seed;
    }

    Rng rng;
    Config c;
    std::vector<uint32_t> tables;     //!< tables routes go to
    std::vector<uint32_t> ruleTables; //!< tables rules look up
    std::vector<Op> addedRoutes;      //!< route adds so far
    std::vector<Op> addedRules;       //!< rule adds so far

    void Remember(uint32_t prefix, uint8_t length)
    {
        c.prefixes.emplace_back(prefix & Mask(length), length);
    }

    bool IsLocalOrBroadcast(uint32_t a) const
    {
        for (const Interface& k : c.interfaces)
        {
            for (const Interface& i : AddressesOf(k))
            {
                if (a == i.address || (i.Broadcast() && a == i.Broadcast()))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// \return true if \p i can be added: its subnet is new (unless \p sameSubnetOk), its
    /// address is no other address or broadcast, and its broadcast is no other address
    bool Fits(const Interface& i, bool sameSubnetOk) const
    {
        if (IsSpecial(i.address))
        {
            return false;
        }
        for (const Interface& k : c.interfaces)
        {
            for (const Interface& o : AddressesOf(k))
            {
                if ((!sameSubnetOk && o.Network() == i.Network() && o.length == i.length) ||
                    o.address == i.address || (o.Broadcast() && o.Broadcast() == i.address) ||
                    (i.Broadcast() && i.Broadcast() == o.address))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /// A random host address of \p network / \p length.
    uint32_t Host(uint32_t network, uint8_t length)
    {
        if (length <= 30)
        {
            const uint32_t size = 1u << (32 - length);
            return network + 1 + rng.Below(size - 2);
        }
        if (length == 31)
        {
            return network + rng.Below(2);
        }
        return network;
    }

    /// Sometimes a second address: in the same subnet (a secondary) or in another one.
    void MoreAddresses()
    {
        for (Interface& k : c.interfaces)
        {
            if (!rng.Percent(20))
            {
                continue;
            }
            Interface i;
            const bool same = k.length <= 29 && rng.Percent(50);
            if (same)
            {
                i.length = k.length;
                i.address = Host(k.Network(), k.length);
            }
            else
            {
                auto [base, baseLength] = RandomBase(rng);
                i.length = static_cast<uint8_t>(std::max<uint32_t>(baseLength, 16 + rng.Below(14)));
                i.address = Host(Inside(rng, base, baseLength, i.length), i.length);
            }
            if (Fits(i, same))
            {
                k.more.push_back(i);
                Remember(i.address, i.length);
            }
        }
    }

    void Interfaces()
    {
        const uint32_t n = 2 + rng.Below(3);
        const std::vector<uint8_t> lengths =
            {8, 12, 16, 20, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32};
        const std::vector<uint32_t> weights = {2, 2, 10, 4, 4, 30, 5, 5, 5, 8, 6, 8, 4, 3};
        while (c.interfaces.size() < n)
        {
            Interface i;
            i.length = lengths[rng.Weighted(weights)];
            uint32_t network;
            std::vector<const Interface*> parents;
            for (const Interface& o : c.interfaces)
            {
                if (o.length < 30)
                {
                    parents.push_back(&o);
                }
            }
            if (!parents.empty() && rng.Percent(25))
            {
                // Nested inside another interface's subnet.
                const Interface& p = *rng.Pick(parents);
                i.length = static_cast<uint8_t>(p.length + 1 + rng.Below(31 - p.length));
                network = Inside(rng, p.Network(), p.length, i.length);
            }
            else
            {
                auto [base, baseLength] = RandomBase(rng);
                if (i.length < baseLength)
                {
                    i.length = baseLength;
                }
                network = Inside(rng, base, baseLength, i.length);
            }
            i.address = Host(network, i.length);
            if (Fits(i, false))
            {
                c.interfaces.push_back(i);
                Remember(i.address, i.length);
            }
        }
    }

    void Tables()
    {
        tables.push_back(254);
        const uint32_t n = 1 + rng.Below(4);
        while (tables.size() < n + 1)
        {
            const uint32_t t = 10 + rng.Below(11);
            if (std::find(tables.begin(), tables.end(), t) == tables.end())
            {
                tables.push_back(t);
            }
        }
        if (rng.Percent(15))
        {
            tables.push_back(253);
        }
        ruleTables = tables;
        ruleTables.push_back(21); // never has routes: the rule falls through
        if (rng.Percent(10))
        {
            ruleTables.push_back(255);
        }
    }

    void TosValues()
    {
        const std::size_t n = 1 + rng.Below(2);
        while (c.tos.size() < n)
        {
            const uint8_t t = TOS_VALUES[rng.Below(sizeof(TOS_VALUES))];
            if (std::find(c.tos.begin(), c.tos.end(), t) == c.tos.end())
            {
                c.tos.push_back(t);
            }
        }
    }

    uint8_t PickTos(uint32_t percentNonZero)
    {
        if (!rng.Percent(percentNonZero))
        {
            return 0;
        }
        if (rng.Percent(85))
        {
            return rng.Pick(c.tos);
        }
        return TOS_VALUES[rng.Below(sizeof(TOS_VALUES))];
    }

    uint32_t PickMetric()
    {
        if (rng.Percent(55))
        {
            return 0;
        }
        static const std::vector<uint32_t> metrics = {1, 2, 5, 10, 100, 1024};
        if (rng.Percent(85))
        {
            return rng.Pick(metrics);
        }
        return 1 + rng.Below(5000);
    }

    /// A prefix related to what exists: equal, nested, enclosing, or new.
    std::pair<uint32_t, uint8_t> PickPrefix()
    {
        const uint32_t r = rng.Below(100);
        std::pair<uint32_t, uint8_t> p;
        if (r < 8 || c.prefixes.empty())
        {
            p = {0, 0};
        }
        else if (r < 40)
        {
            p = rng.Pick(c.prefixes);
        }
        else if (r < 70)
        {
            const auto a = rng.Pick(c.prefixes);
            const uint32_t room = 32 - a.second;
            const uint8_t length =
                room == 0 ? a.second
                          : static_cast<uint8_t>(a.second + 1 + rng.Below(std::min(room, 10u)));
            p = {Inside(rng, a.first, a.second, length), length};
        }
        else if (r < 82)
        {
            const auto a = rng.Pick(c.prefixes);
            const uint8_t length = static_cast<uint8_t>(rng.Below(a.second + 1));
            p = {a.first & Mask(length), length};
        }
        else
        {
            auto [base, baseLength] = RandomBase(rng);
            const uint8_t length = static_cast<uint8_t>(baseLength + rng.Below(33 - baseLength));
            p = {Inside(rng, base, baseLength, length), length};
        }
        Remember(p.first, p.second);
        return p;
    }

    /// A gateway on a connected subnet, or 0 if there is none; sets \p dev to its interface.
    uint32_t PickGateway(int* dev)
    {
        std::vector<int> candidates;
        for (std::size_t k = 0; k < c.interfaces.size(); ++k)
        {
            if (c.interfaces[k].length <= 31)
            {
                candidates.push_back(static_cast<int>(k));
            }
        }
        if (candidates.empty())
        {
            return 0;
        }
        for (int attempt = 0; attempt < 20; ++attempt)
        {
            const int k = rng.Pick(candidates);
            const Interface& i = c.interfaces[k];
            uint32_t g;
            if (i.length == 31)
            {
                g = i.Network() | (i.address & 1 ? 0 : 1);
            }
            else
            {
                const uint32_t size = 1u << (32 - i.length);
                // Mostly low host numbers, so that gateways repeat.
                const uint32_t host = rng.Percent(60) ? 1 + rng.Below(std::min(size - 2, 6u))
                                                      : 1 + rng.Below(size - 2);
                g = i.Network() + host;
            }
            if (!IsLocalOrBroadcast(g) && !IsSpecial(g))
            {
                *dev = k;
                return g;
            }
        }
        return 0;
    }

    Op RouteAdd()
    {
        Op op;
        if (!addedRoutes.empty() && rng.Percent(6))
        {
            // The same route again: add must fail, append/prepend of an identical route too.
            op = rng.Pick(addedRoutes);
            op.kind = rng.Percent(70) ? OpKind::ROUTE_ADD : OpKind::ROUTE_APPEND;
            return op;
        }
        const uint32_t k = rng.Below(100);
        op.kind = k < 80   ? OpKind::ROUTE_ADD
                  : k < 88 ? OpKind::ROUTE_REPLACE
                  : k < 95 ? OpKind::ROUTE_APPEND
                           : OpKind::ROUTE_PREPEND;
        RouteOp& r = op.route;
        r.type = static_cast<RouteType>(rng.Weighted({50, 12, 12, 12, 14}));
        r.table = rng.Percent(40) ? 254 : rng.Pick(tables);
        std::tie(r.prefix, r.length) = PickPrefix();
        r.tos = PickTos(30);
        r.metric = PickMetric();
        if (r.type == RouteType::UNICAST)
        {
            int dev = NO_IF;
            const uint32_t g = rng.Percent(70) ? PickGateway(&dev) : 0;
            if (g)
            {
                r.gateway = g;
                r.dev = rng.Percent(80) ? dev : NO_IF;
            }
            else
            {
                r.dev = static_cast<int>(rng.Below(static_cast<uint32_t>(c.interfaces.size())));
            }
        }
        if (op.kind == OpKind::ROUTE_REPLACE && IsConnected(r) && r.metric == 0)
        {
            // Never replace the connected route (the kernel validates later gateways against
            // it; the model does not validate gateways, see doc/kernel-comparison.md).
            op.kind = OpKind::ROUTE_ADD;
        }
        addedRoutes.push_back(op);
        return op;
    }

    bool IsConnected(const RouteOp& r) const
    {
        for (const Interface& k : c.interfaces)
        {
            for (const Interface& i : AddressesOf(k))
            {
                if (i.length < 32 && r.table == 254 && r.tos == 0 && r.prefix == i.Network() &&
                    r.length == i.length)
                {
                    return true;
                }
            }
        }
        return false;
    }

    bool RouteDel(Op* out)
    {
        Op op;
        op.kind = OpKind::ROUTE_DEL;
        RouteOp& r = op.route;
        if (addedRoutes.empty() || rng.Percent(10))
        {
            std::tie(r.prefix, r.length) = PickPrefix();
            r.table = rng.Pick(tables);
            r.typeGiven = false;
        }
        else
        {
            const RouteOp& t = rng.Pick(addedRoutes).route;
            r.prefix = t.prefix;
            r.length = t.length;
            r.tos = t.tos;
            r.table = t.table;
            r.type = t.type;
            r.typeGiven = rng.Percent(40);
            r.metric = rng.Percent(60) ? t.metric : 0;
            r.gateway = rng.Percent(40) ? t.gateway : 0;
            r.dev = rng.Percent(30) ? t.dev : NO_IF;
        }
        // Never the connected route (the kernel validates later gateways against it).
        if (IsConnected(r) && r.metric == 0)
        {
            return false;
        }
        *out = op;
        return true;
    }

    RuleOp RandomSelectors()
    {
        RuleOp r;
        if (rng.Percent(40))
        {
            std::tie(r.src, r.srcLength) = PickPrefix();
        }
        if (rng.Percent(40))
        {
            std::tie(r.dst, r.dstLength) = PickPrefix();
        }
        r.tos = PickTos(20);
        if (rng.Percent(20))
        {
            r.iif = rng.Percent(80)
                        ? static_cast<int>(rng.Below(static_cast<uint32_t>(c.interfaces.size())))
                        : LO_IF;
        }
        return r;
    }

    Op RuleAdd()
    {
        Op op;
        op.kind = OpKind::RULE_ADD;
        if (!addedRules.empty() && rng.Percent(8))
        {
            op = rng.Pick(addedRules);
            return op;
        }
        RuleOp& r = op.rule;
        r = RandomSelectors();
        if (rng.Percent(70))
        {
            std::vector<uint32_t> used;
            for (const Op& o : addedRules)
            {
                if (o.rule.pref)
                {
                    used.push_back(*o.rule.pref);
                }
            }
            const uint32_t k = rng.Below(100);
            if (k < 50)
            {
                r.pref = 1 + rng.Below(300);
            }
            else if (k < 70 && !used.empty())
            {
                r.pref = rng.Pick(used);
            }
            else if (k < 75)
            {
                r.pref = 0;
            }
            else if (k < 90)
            {
                r.pref = 32765 + rng.Below(4);
            }
            else
            {
                r.pref = 1 + rng.Below(100000);
            }
        }
        r.type = static_cast<RuleType>(rng.Weighted({70, 10, 10, 10}));
        if (*r.type == RuleType::LOOKUP)
        {
            r.table = rng.Pick(ruleTables);
        }
        addedRules.push_back(op);
        return op;
    }

    Op RuleDel()
    {
        Op op;
        op.kind = OpKind::RULE_DEL;
        RuleOp& r = op.rule;
        const uint32_t k = rng.Below(100);
        if (k < 6)
        {
            r.pref = 32766;
            if (rng.Percent(50))
            {
                r.table = 254;
            }
            return op;
        }
        if (k < 9)
        {
            r.pref = 0;
            r.table = 255;
            return op;
        }
        if (k < 18 || addedRules.empty())
        {
            r = RandomSelectors();
            if (rng.Percent(50) || (!r.srcLength && !r.dstLength && !r.tos && r.iif == NO_IF))
            {
                r.pref = rng.Below(400); // `ip rule del` needs an argument
            }
            return op;
        }
        const RuleOp& t = rng.Pick(addedRules).rule;
        if (t.pref && rng.Percent(60))
        {
            r.pref = t.pref;
        }
        if (rng.Percent(50))
        {
            r.src = t.src;
            r.srcLength = t.srcLength;
        }
        if (rng.Percent(50))
        {
            r.dst = t.dst;
            r.dstLength = t.dstLength;
        }
        if (rng.Percent(50))
        {
            r.tos = t.tos;
        }
        if (rng.Percent(50))
        {
            r.iif = t.iif;
        }
        if (rng.Percent(50))
        {
            if (*t.type == RuleType::LOOKUP)
            {
                r.table = t.table;
            }
            else
            {
                r.type = t.type;
            }
        }
        if (!r.pref && !r.srcLength && !r.dstLength && !r.tos && r.iif == NO_IF && !r.type &&
            !r.table)
        {
            // `ip rule del` needs an argument.
            if (*t.type == RuleType::LOOKUP)
            {
                r.table = t.table;
            }
            else
            {
                r.type = t.type;
            }
        }
        return op;
    }

    void Ops()
    {
        // Routes mostly first: the kernel validates a gateway when the route is added,
        // through the rules in place then; with only the default rules that is the connected
        // route.
        const uint32_t nRoutes = 4 + rng.Below(22);
        for (uint32_t i = 0; i < nRoutes; ++i)
        {
            c.ops.push_back(RouteAdd());
            if (rng.Percent(12))
            {
                Op del;
                if (RouteDel(&del))
                {
                    c.ops.push_back(del);
                }
            }
        }
        const uint32_t nRules = rng.Percent(12) ? 0 : 1 + rng.Below(9);
        for (uint32_t i = 0; i < nRules; ++i)
        {
            c.ops.push_back(RuleAdd());
            if (rng.Percent(20))
            {
                // A route added while rules are in place: the kernel's gateway check goes
                // through them (the harness skips the model for what it refuses that way).
                c.ops.push_back(RouteAdd());
            }
            if (rng.Percent(15))
            {
                c.ops.push_back(RuleDel());
            }
            if (rng.Percent(5))
            {
                Op del;
                if (RouteDel(&del))
                {
                    c.ops.push_back(del);
                }
            }
        }
    }
};

/// Query side of the generator.
struct QueryGenerator
{
    QueryGenerator(const Config& config, uint64_t seed)
        : c(config),
          rng(seed ^ 0x5bd1e9955bd1e995ULL)
    {
        for (const Op& op : c.ops)
        {
            if (op.kind == OpKind::RULE_ADD)
            {
                if (op.rule.srcLength)
                {
                    sources.emplace_back(op.rule.src, op.rule.srcLength);
                }
                if (op.rule.iif >= 0)
                {
                    iifs.push_back(op.rule.iif);
                }
                if (op.rule.tos)
                {
                    tos.push_back(op.rule.tos);
                }
            }
            else if (op.kind != OpKind::ROUTE_DEL && op.kind != OpKind::RULE_DEL)
            {
                if (op.route.gateway)
                {
                    gateways.push_back(op.route.gateway);
                }
                if (op.route.tos)
                {
                    tos.push_back(op.route.tos);
                }
            }
        }
    }

    const Config& c;
    Rng rng;
    std::vector<std::pair<uint32_t, uint8_t>> sources;
    std::vector<uint32_t> gateways;
    std::vector<int> iifs;
    std::vector<uint8_t> tos;

    bool IsMartianSource(uint32_t a) const
    {
        if (IsSpecial(a))
        {
            return true;
        }
        for (const Interface& k : c.interfaces)
        {
            for (const Interface& i : AddressesOf(k))
            {
                if (a == i.address || (i.Broadcast() && a == i.Broadcast()))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// An address in, at the edge of, or just outside \p prefix.
    uint32_t Around(uint32_t prefix, uint8_t length)
    {
        const uint32_t last = prefix | ~Mask(length);
        switch (rng.Below(8))
        {
        case 0:
            return prefix;
        case 1:
            return last;
        case 2:
            return prefix - 1;
        case 3:
            return last + 1;
        default:
            return prefix | (rng.Bits32() & ~Mask(length));
        }
    }

    uint32_t Destination(bool output)
    {
        for (;;)
        {
            uint32_t a = 0;
            const uint32_t r = rng.Below(100);
            if (r < 50 && !c.prefixes.empty())
            {
                const auto p = rng.Pick(c.prefixes);
                a = Around(p.first, p.second);
            }
            else if (r < 65)
            {
                const Interface i = rng.Pick(AddressesOf(rng.Pick(c.interfaces)));
                switch (rng.Below(4))
                {
                case 0:
                    a = i.address;
                    break;
                case 1:
                    a = i.Broadcast() ? i.Broadcast() : i.address;
                    break;
                case 2:
                    a = i.Network();
                    break;
                default:
                    a = i.Network() | (rng.Bits32() & ~Mask(i.length));
                    break;
                }
            }
            else if (r < 75 && !gateways.empty())
            {
                a = rng.Pick(gateways);
            }
            else if (r < 78 && output)
            {
                a = 0x7f000000u | (rng.Bits32() & 0x00ffffffu);
                return a;
            }
            else
            {
                a = rng.Bits32();
            }
            if (!IsSpecial(a))
            {
                return a;
            }
        }
    }

    uint32_t InputSource()
    {
        for (;;)
        {
            uint32_t a;
            const uint32_t r = rng.Below(100);
            if (r < 45 && !sources.empty())
            {
                const auto p = rng.Pick(sources);
                a = Around(p.first, p.second);
            }
            else if (r < 75 && !c.prefixes.empty())
            {
                const auto p = rng.Pick(c.prefixes);
                a = Around(p.first, p.second);
            }
            else
            {
                a = rng.Bits32();
            }
            if (!IsMartianSource(a))
            {
                return a;
            }
        }
    }

    uint8_t Tos()
    {
        const uint32_t r = rng.Below(100);
        uint8_t t = 0;
        if (r < 45)
        {
            t = 0;
        }
        else if (r < 80 && !tos.empty())
        {
            t = rng.Pick(tos);
        }
        else
        {
            t = TOS_VALUES[rng.Below(sizeof(TOS_VALUES))];
        }
        // Bits routing ignores on both sides: precedence (0xe0) and ECN bit 0x01. Never 0x02,
        // which the kernel ignores and the model compares (doc/kernel-comparison.md).
        if (rng.Percent(15))
        {
            t |= static_cast<uint8_t>((1 + rng.Below(7)) << 5);
        }
        if (rng.Percent(10))
        {
            t |= 0x01;
        }
        return t;
    }

    Query Next()
    {
        Query q;
        const bool input = rng.Percent(50);
        q.dst = Destination(!input);
        q.tos = Tos();
        if (input)
        {
            q.iif = !iifs.empty() && rng.Percent(40)
                        ? rng.Pick(iifs)
                        : static_cast<int>(rng.Below(static_cast<uint32_t>(c.interfaces.size())));
            q.src = InputSource();
        }
        else if (rng.Percent(50))
        {
            q.src = rng.Pick(AddressesOf(rng.Pick(c.interfaces))).address;
        }
        return q;
    }
};

} // namespace

Config
GenerateConfig(uint64_t seed)
{
    Generator g(seed);
    g.Interfaces();
    g.MoreAddresses();
    g.Tables();
    g.TosValues();
    g.Ops();
    return g.c;
}

std::vector<Query>
GenerateQueries(const Config& config, uint64_t seed, std::size_t count)
{
    QueryGenerator g(config, seed);
    std::vector<Query> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
    {
        out.push_back(g.Next());
    }
    return out;
}

} // namespace kernelcompare
