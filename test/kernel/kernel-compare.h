/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The differential test against the Linux kernel (doc/kernel-comparison.md): random
 * configurations of interfaces, tables and rules, applied both to a private network namespace
 * (`ip rule`, `ip route`) and to an ns-3 node with Ipv4PolicyRouting, and the same `ip route
 * get` questions asked of both. This header holds what the three parts share: the
 * configuration, the questions, the answers and the normalised table/rule state.
 */

#ifndef KERNEL_COMPARE_H
#define KERNEL_COMPARE_H

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace kernelcompare
{

/// Interface "number" meaning: no interface given.
constexpr int NO_IF = -2;
/// Interface "number" of the loopback (`lo`); veth interfaces are 0, 1, ... (v0, v1, ...).
constexpr int LO_IF = -1;

/// \return "v<k>", "lo" or "-"
std::string IfName(int k);
/// \return the dotted quad of \p a (host order)
std::string Addr(uint32_t a);
/// \return "a.b.c.d/len", or "default" for 0/0
std::string Prefix(uint32_t prefix, uint8_t length);
/// \return the network mask of a prefix length
uint32_t Mask(uint8_t length);
/// \return "0x%02x"
std::string Hex(uint8_t v);

/// One veth interface of the node (v<k>; the peer p<k> has no address).
struct Interface
{
    uint32_t address{0}; //!< its address
    uint8_t length{24};  //!< its prefix length

    /// \return the subnet
    uint32_t Network() const
    {
        return address & Mask(length);
    }

    /// \return the broadcast address the kernel installs, or 0 if none (/31, /32)
    uint32_t Broadcast() const
    {
        return length < 31 ? (address | ~Mask(length)) : 0;
    }

    /// Further addresses of the interface, added after this one (in the same subnet: the
    /// kernel's secondary addresses; in another: primaries of their own). Their `more` is
    /// empty.
    std::vector<Interface> more;
};

/// \return every address of \p i, the first one first
std::vector<Interface> AddressesOf(const Interface& i);

/// Route types the generator uses (iproute2 names).
enum class RouteType : uint8_t
{
    UNICAST,
    UNREACHABLE,
    PROHIBIT,
    BLACKHOLE,
    THROW,
};

/// Rule actions the generator uses (iproute2 names).
enum class RuleType : uint8_t
{
    LOOKUP,
    UNREACHABLE,
    PROHIBIT,
    BLACKHOLE,
};

/// \return the iproute2 name of \p t
const char* RouteTypeName(RouteType t);
/// \return the iproute2 name of \p t ("lookup" for LOOKUP)
const char* RuleTypeName(RuleType t);

/// What one configuration command does.
enum class OpKind : uint8_t
{
    ROUTE_ADD,
    ROUTE_APPEND,
    ROUTE_PREPEND,
    ROUTE_REPLACE,
    ROUTE_DEL,
    RULE_ADD,
    RULE_DEL,
};

/// A route (add/append/prepend/replace) or a route selector (del).
struct RouteOp
{
    RouteType type{RouteType::UNICAST}; //!< type
    bool typeGiven{true};               //!< del: the type is part of the selector
    uint32_t prefix{0};                 //!< destination prefix
    uint8_t length{0};                  //!< its length
    uint8_t tos{0};                     //!< TOS (0: none; del: selects TOS-0 routes)
    uint32_t metric{0};                 //!< metric (0: none given)
    uint32_t gateway{0};                //!< `via` (0: none)
    int dev{NO_IF};                     //!< `dev` (NO_IF: none)
    uint32_t table{254};                //!< table
};

/// A rule (add) or a rule selector (del); unset fields are not given.
struct RuleOp
{
    std::optional<uint32_t> pref; //!< `pref`
    uint32_t src{0};              //!< `from` prefix
    uint8_t srcLength{0};         //!< its length (0: not given)
    uint32_t dst{0};              //!< `to` prefix
    uint8_t dstLength{0};         //!< its length (0: not given)
    uint8_t tos{0};               //!< `tos` (0: not given)
    int iif{NO_IF};               //!< `iif` (NO_IF: not given)
    std::optional<RuleType> type; //!< action (del: maybe not given)
    uint32_t table{0};            //!< `lookup` table (0: not given)
};

/// One configuration command.
struct Op
{
    OpKind kind{OpKind::ROUTE_ADD}; //!< what
    RouteOp route;                  //!< for ROUTE_*
    RuleOp rule;                    //!< for RULE_*
};

/// A random configuration.
struct Config
{
    uint64_t seed{0};                                   //!< the seed it was generated from
    std::vector<Interface> interfaces;                  //!< v0, v1, ...
    std::vector<Op> ops;                                //!< in order
    std::vector<uint8_t> tos;                           //!< the TOS values it favours
    std::vector<std::pair<uint32_t, uint8_t>> prefixes; //!< every prefix it mentions
};

/// An `ip route get` question.
struct Query
{
    uint32_t dst{0}; //!< destination
    uint32_t src{0}; //!< `from` (0: none)
    int iif{NO_IF};  //!< `iif` (NO_IF: locally originated, i.e. RouteOutput)
    uint8_t tos{0};  //!< `tos`
};

/// The kinds of answer that are compared.
enum class AnswerKind : uint8_t
{
    FORWARD,          //!< out of an interface, via a gateway or on-link
    LOCAL,            //!< delivered locally (input: local or broadcast route)
    NET_UNREACHABLE,  //!< ENETUNREACH / ICMP 3/0
    HOST_UNREACHABLE, //!< EHOSTUNREACH / ICMP 3/1
    PROHIBITED,       //!< EACCES / ICMP 3/13
    INVALID,          //!< EINVAL / silent drop (blackhole)
    OTHER,            //!< anything else (never expected)
};

/// \return a short name of \p k
const char* AnswerKindName(AnswerKind k);

/// One answer, from either side.
struct Answer
{
    AnswerKind kind{AnswerKind::OTHER}; //!< kind
    uint32_t gateway{0};                //!< FORWARD: next hop (0: on-link)
    int dev{NO_IF};                     //!< FORWARD: output interface
    std::string detail;                 //!< raw text (kernel line, ns-3 trace facts)

    /// \return true if the compared fields are equal
    bool Same(const Answer& o) const;
    /// \return the compared fields as text
    std::string ToString() const;
};

/// Outcome of one configuration command.
enum class OpResult : uint8_t
{
    OK,        //!< done
    EXISTS,    //!< refused: exists (EEXIST)
    NOT_FOUND, //!< nothing to delete (ESRCH / ENOENT)
    FAILED,    //!< refused for another reason
};

/// \return a short name of \p r
const char* OpResultName(OpResult r);

/// A route as `ip route show table all` lists it, normalised.
struct StateRoute
{
    uint32_t table{0};   //!< table
    std::string type;    //!< "unicast", "local", "broadcast", "unreachable", ...
    uint32_t prefix{0};  //!< prefix
    uint8_t length{0};   //!< length
    uint8_t tos{0};      //!< TOS
    uint32_t metric{0};  //!< metric
    uint32_t gateway{0}; //!< gateway
    int dev{NO_IF};      //!< device

    bool operator==(const StateRoute& o) const;
    /// \return `ip route` style text
    std::string ToString() const;
};

/// A rule as `ip rule show` lists it, normalised.
struct StateRule
{
    uint32_t pref{0};                //!< preference
    uint32_t src{0};                 //!< from
    uint8_t srcLength{0};            //!< from length
    uint32_t dst{0};                 //!< to
    uint8_t dstLength{0};            //!< to length
    uint8_t tos{0};                  //!< tos
    int iif{NO_IF};                  //!< iif
    RuleType type{RuleType::LOOKUP}; //!< action
    uint32_t table{0};               //!< lookup table

    bool operator==(const StateRule& o) const;
    /// \return `ip rule` style text
    std::string ToString() const;
};

/// Every route of every table and every rule.
struct State
{
    std::vector<StateRoute> routes; //!< in listing order
    std::vector<StateRule> rules;   //!< in scan order
};

/// \return "" if \p kernel and \p model hold the same rules (same order) and the same routes
/// (same order within each (table, prefix)), else a description of the first difference
std::string CompareStates(const State& kernel, const State& model);

/// \return the state as `ip rule` / `ip route` text
std::string StateText(const State& s);

// ----- configuration and questions (kernel-compare-config.cc) -----

/// \return a random configuration from \p seed
Config GenerateConfig(uint64_t seed);

/// \return \p count random questions about \p config
std::vector<Query> GenerateQueries(const Config& config, uint64_t seed, std::size_t count);

/// \return the `ip -batch` lines that create the interfaces
std::vector<std::string> SetupCommands(const Config& config);

/// \return the `ip -batch` line of \p op
std::string OpCommand(const Op& op);

/// \return the `ip -batch` line of \p q (`route get ...`)
std::string QueryCommand(const Query& q);

} // namespace kernelcompare

#endif /* KERNEL_COMPARE_H */
