/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ospf-classes-helper.h"

#include "ns3/abort.h"
#include "ns3/channel.h"
#include "ns3/ipv4-policy-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/names.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <limits>
#include <set>
#include <sstream>
#include <tuple>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("OspfClassesHelper");

// ----- prefixes, names -----

std::string
OspfPrefix::ToString() const
{
    return FormatAddress(address) + "/" + std::to_string(length);
}

OspfPrefix
OspfPrefix::Parse(const std::string& text)
{
    const auto [address, length] = ParsePolicyPrefix(text);
    return OspfPrefix{address.Get(), length};
}

OspfPrefix
OspfPrefix::Of(uint32_t address, uint8_t length)
{
    OspfPrefix p;
    p.length = length;
    p.address = address & p.Mask();
    return p;
}

const char*
OspfPathTypeName(OspfPathType type)
{
    switch (type)
    {
    case OspfPathType::INTRA_AREA:
        return "intra-area";
    case OspfPathType::INTER_AREA:
        return "inter-area";
    case OspfPathType::TYPE1_EXTERNAL:
        return "type-1-external";
    case OspfPathType::TYPE2_EXTERNAL:
        return "type-2-external";
    }
    return "?";
}

const OspfRoute*
OspfRouterTable::Find(const OspfPrefix& prefix) const
{
    for (const OspfRoute& r : routes)
    {
        if (r.prefix == prefix)
        {
            return &r;
        }
    }
    return nullptr;
}

// ----- validation -----

const OspfAreaSpec*
OspfTopology::FindArea(uint32_t id) const
{
    for (const OspfAreaSpec& a : areas)
    {
        if (a.id == id)
        {
            return &a;
        }
    }
    return nullptr;
}

std::vector<std::string>
OspfTopology::Validate() const
{
    std::vector<std::string> errors;
    auto error = [&errors](const std::string& where, const std::string& what) {
        errors.push_back(where + ": " + what);
    };

    std::set<uint32_t> areaIds;
    for (const OspfAreaSpec& a : areas)
    {
        if (!areaIds.insert(a.id).second)
        {
            error("area " + std::to_string(a.id), "listed twice");
        }
        for (const OspfPrefix& r : a.ranges)
        {
            if (r.length > 32 || (r.address & ~r.Mask()) != 0)
            {
                error("area " + std::to_string(a.id), "bad range " + r.ToString());
            }
        }
    }
    for (std::size_t i = 0; i < areas.size(); ++i)
    {
        for (std::size_t j = i + 1; j < areas.size(); ++j)
        {
            for (const OspfPrefix& a : areas[i].ranges)
            {
                for (const OspfPrefix& b : areas[j].ranges)
                {
                    if (a.Overlaps(b))
                    {
                        error("areas " + std::to_string(areas[i].id) + " and " +
                                  std::to_string(areas[j].id),
                              "ranges " + a.ToString() + " and " + b.ToString() +
                                  " overlap (the area rules would be ambiguous)");
                    }
                }
            }
        }
    }

    std::set<uint32_t> usedAreas;
    // network -> OSPF interfaces on it (router, interface position)
    std::map<OspfPrefix, std::vector<std::pair<uint32_t, std::size_t>>> onNetwork;
    for (uint32_t r = 0; r < routers.size(); ++r)
    {
        const OspfRouterSpec& router = routers[r];
        const std::string where = "router " + router.name;
        std::set<uint32_t> attached;
        std::size_t rangeCount = 0;
        for (std::size_t k = 0; k < router.interfaces.size(); ++k)
        {
            const OspfInterfaceSpec& f = router.interfaces[k];
            const std::string at = where + " interface " + std::to_string(f.interface);
            if (f.length > 32)
            {
                error(at, "prefix length above 32");
                continue;
            }
            if (!f.ospf)
            {
                continue;
            }
            usedAreas.insert(f.area);
            if (attached.insert(f.area).second)
            {
                if (const OspfAreaSpec* a = FindArea(f.area))
                {
                    rangeCount += a->ranges.size();
                }
            }
            if (f.cost < 1 || f.cost > 65535)
            {
                error(at, "cost " + std::to_string(f.cost) + " outside 1..65535");
            }
            const OspfPrefix net = OspfPrefix::Of(f.address, f.length);
            onNetwork[net].emplace_back(r, k);
            const OspfAreaSpec* area = FindArea(f.area);
            if (!area)
            {
                error(at, "area " + std::to_string(f.area) + " has no address ranges");
            }
            else if (std::none_of(area->ranges.begin(),
                                  area->ranges.end(),
                                  [&net](const OspfPrefix& p) { return p.Contains(net); }))
            {
                error(at,
                      "network " + net.ToString() + " lies in no address range of area " +
                          std::to_string(f.area) +
                          " (RFC 1583 §11.1 and the seed's area rules need them)");
            }
            if (f.neighbor >= 0)
            {
                if (static_cast<std::size_t>(f.neighbor) >= routers.size() ||
                    static_cast<uint32_t>(f.neighbor) == r)
                {
                    error(at, "bad neighbour index");
                    continue;
                }
                const OspfRouterSpec& n = routers[f.neighbor];
                bool back = false;
                for (const OspfInterfaceSpec& g : n.interfaces)
                {
                    if (g.ospf && g.neighbor == static_cast<int32_t>(r) &&
                        g.address == f.neighborAddress && g.area == f.area &&
                        OspfPrefix::Of(g.address, g.length) == net)
                    {
                        back = true;
                    }
                }
                if (!back)
                {
                    error(at,
                          "neighbour " + n.name +
                              " has no OSPF interface back on the same network and area");
                }
            }
        }
        if (attached.size() > 1 && attached.count(0) == 0)
        {
            error(where,
                  "attached to several areas but not to the backbone (virtual links are not "
                  "supported)");
        }
        if (rangeCount > 240)
        {
            error(where, "more than 240 area ranges: the rules do not fit 2.1 preferences");
        }
        for (const OspfExternalSpec& e : router.externals)
        {
            const std::string at = where + " external " + e.prefix.ToString();
            if (e.type != 1 && e.type != 2)
            {
                error(at, "type must be 1 or 2");
            }
            if (e.metric < 1 || e.metric > 0xfffffe)
            {
                error(at, "metric outside 1..16777214");
            }
            if ((e.prefix.address & ~e.prefix.Mask()) != 0 || e.prefix.length > 32)
            {
                error(at, "bad prefix");
            }
            const auto f = std::find_if(
                router.interfaces.begin(),
                router.interfaces.end(),
                [&e](const OspfInterfaceSpec& i) { return i.interface == e.interface; });
            if (f == router.interfaces.end())
            {
                error(at, "the output interface is not one of the router's");
            }
            else if (e.gateway != 0 && !OspfPrefix::Of(f->address, f->length).Contains(e.gateway))
            {
                error(at, "the gateway is not on the output interface's network");
            }
        }
    }
    if (usedAreas.size() > 1 && usedAreas.count(0) == 0)
    {
        errors.emplace_back("several areas but no backbone (area 0)");
    }
    for (const auto& [net, on] : onNetwork)
    {
        if (on.size() > 2)
        {
            error("network " + net.ToString(),
                  "has more than two OSPF routers (multi-access networks are not supported)");
        }
        else if (on.size() == 2)
        {
            const OspfInterfaceSpec& a = routers[on[0].first].interfaces[on[0].second];
            const OspfInterfaceSpec& b = routers[on[1].first].interfaces[on[1].second];
            if (a.neighbor != static_cast<int32_t>(on[1].first) ||
                b.neighbor != static_cast<int32_t>(on[0].first))
            {
                error("network " + net.ToString(),
                      "is on two routers that are not neighbours on it");
            }
        }
    }
    return errors;
}

// ----- the computation -----

namespace
{

constexpr uint32_t INF = std::numeric_limits<uint32_t>::max();

/// A directed adjacency of an area graph (router to neighbour over one link).
struct Edge
{
    uint32_t from;      //!< router index
    uint32_t to;        //!< neighbour index
    uint32_t cost;      //!< from's interface cost
    uint32_t interface; //!< from's interface
    uint32_t gateway;   //!< the neighbour's address on the link
};

/// A router's stub link to a network (RFC 1583 router-LSA, link type 3).
struct Attachment
{
    uint32_t router;    //!< router index
    uint32_t cost;      //!< interface cost
    uint32_t interface; //!< interface index
};

/// An area: its graph, its networks and the shortest paths from every router.
struct Area
{
    uint32_t id{0};
    std::vector<OspfPrefix> ranges;
    std::vector<uint32_t> routers;      //!< router indices, ascending
    std::map<uint32_t, uint32_t> local; //!< router index -> vertex
    std::vector<Edge> edges;
    std::map<OspfPrefix, std::vector<Attachment>> networks;
    std::vector<std::vector<uint32_t>> dist; //!< [source vertex][vertex]
    std::vector<std::vector<int32_t>> first; //!< [source vertex][vertex]: edge of the first hop

    bool Has(uint32_t router) const
    {
        return local.count(router) != 0;
    }

    /// \return distance from router \p a to router \p b (both in the area)
    uint32_t Distance(uint32_t a, uint32_t b) const
    {
        return dist[local.at(a)][local.at(b)];
    }

    /// \return the first-hop edge from \p a towards \p b (-1 if a == b or unreachable)
    int32_t FirstHop(uint32_t a, uint32_t b) const
    {
        return first[local.at(a)][local.at(b)];
    }
};

/// Shortest paths of one area from every router: Boost's Dijkstra for the distances, then
/// the first hop of every shortest path, ties broken towards the lowest neighbour index
/// (then interface) so that the result does not depend on the graph library's order.
void
ShortestPaths(Area& area)
{
    using Graph = boost::adjacency_list<boost::vecS,
                                        boost::vecS,
                                        boost::directedS,
                                        boost::no_property,
                                        boost::property<boost::edge_weight_t, uint32_t>>;
    const std::size_t n = area.routers.size();
    Graph g(n);
    std::vector<std::vector<std::size_t>> incoming(n);
    for (std::size_t e = 0; e < area.edges.size(); ++e)
    {
        const Edge& edge = area.edges[e];
        boost::add_edge(area.local[edge.from], area.local[edge.to], edge.cost, g);
        incoming[area.local[edge.to]].push_back(e);
    }
    area.dist.assign(n, std::vector<uint32_t>(n, INF));
    area.first.assign(n, std::vector<int32_t>(n, -1));
    for (std::size_t s = 0; s < n; ++s)
    {
        std::vector<uint32_t>& d = area.dist[s];
        boost::dijkstra_shortest_paths(
            g,
            s,
            boost::distance_map(
                boost::make_iterator_property_map(d.begin(), boost::get(boost::vertex_index, g)))
                .distance_inf(INF));
        std::vector<std::size_t> order(n);
        for (std::size_t v = 0; v < n; ++v)
        {
            order[v] = v;
        }
        std::sort(order.begin(), order.end(), [&d](std::size_t a, std::size_t b) {
            return std::tie(d[a], a) < std::tie(d[b], b);
        });
        std::vector<int32_t>& first = area.first[s];
        auto key = [&area](int32_t e) {
            return std::make_pair(area.edges[e].to, area.edges[e].interface);
        };
        for (std::size_t v : order)
        {
            if (v == s || d[v] == INF)
            {
                continue;
            }
            int32_t best = -1;
            for (std::size_t e : incoming[v])
            {
                const Edge& edge = area.edges[e];
                const std::size_t u = area.local[edge.from];
                if (d[u] == INF || d[u] + edge.cost != d[v])
                {
                    continue;
                }
                const int32_t candidate = u == s ? static_cast<int32_t>(e) : first[u];
                if (candidate >= 0 && (best < 0 || key(candidate) < key(best)))
                {
                    best = candidate;
                }
            }
            first[v] = best;
        }
    }
}

/// A route to an AS boundary router (RFC 1583 §16.1/16.2 router routing table entries).
struct AsbrEntry
{
    bool valid{false};
    OspfPathType type{OspfPathType::INTRA_AREA};
    uint32_t cost{INF};
    uint32_t area{0};
    uint32_t gateway{0};
    uint32_t interface {
        ROUTE_NO_INTERFACE
    };
    int32_t nextRouter{-1};
};

/// A summary-LSA (type 3) or ASBR-summary-LSA (type 4, prefix unused) into an area.
struct Summary
{
    OspfPrefix prefix;
    uint32_t asbr{0};
    uint32_t cost{0};
    uint32_t abr{0};
};

/// Fill the next hop of \p route from the first-hop edge \p e of \p area.
template <class T>
void
SetNextHop(T& route, const Area& area, int32_t e)
{
    const Edge& edge = area.edges[e];
    route.gateway = edge.gateway;
    route.interface = edge.interface;
    route.nextRouter = static_cast<int32_t>(edge.to);
}

} // namespace

std::vector<OspfRouterTable>
ComputeOspfRoutes(const OspfTopology& topology)
{
    const std::vector<std::string> errors = topology.Validate();
    NS_ABORT_MSG_UNLESS(errors.empty(), "ComputeOspfRoutes: invalid topology: " << errors[0]);
    const uint32_t n = topology.routers.size();

    // Areas, their graphs and networks.
    std::map<uint32_t, Area> areas;
    std::vector<std::set<uint32_t>> attached(n);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (const OspfInterfaceSpec& f : topology.routers[r].interfaces)
        {
            if (!f.ospf)
            {
                continue;
            }
            Area& a = areas[f.area];
            a.id = f.area;
            attached[r].insert(f.area);
            if (!a.Has(r))
            {
                a.local[r] = 0;
            }
            a.networks[OspfPrefix::Of(f.address, f.length)].push_back({r, f.cost, f.interface});
            if (f.neighbor >= 0)
            {
                a.edges.push_back(
                    {r, static_cast<uint32_t>(f.neighbor), f.cost, f.interface, f.neighborAddress});
            }
        }
    }
    for (auto& [id, a] : areas)
    {
        if (const OspfAreaSpec* spec = topology.FindArea(id))
        {
            a.ranges = spec->ranges;
        }
        for (auto& [router, vertex] : a.local)
        {
            vertex = a.routers.size();
            a.routers.push_back(router);
        }
        ShortestPaths(a);
    }

    // Intra-area routes (RFC 1583 §16.1): a network's cost is the distance to a router on it
    // plus that router's interface cost; the router itself reaches it on-link.
    std::vector<std::map<uint32_t, std::map<OspfPrefix, OspfRoute>>> intra(n);
    for (const auto& [id, a] : areas)
    {
        for (uint32_t r : a.routers)
        {
            for (const auto& [net, on] : a.networks)
            {
                const Attachment* best = nullptr;
                uint32_t bestCost = INF;
                for (const Attachment& at : on)
                {
                    const uint32_t d = a.Distance(r, at.router);
                    if (d == INF)
                    {
                        continue;
                    }
                    const uint32_t c = d + at.cost;
                    if (!best || std::make_tuple(c, at.router != r, at.router, at.interface) <
                                     std::make_tuple(bestCost,
                                                     best->router != r,
                                                     best->router,
                                                     best->interface))
                    {
                        best = &at;
                        bestCost = c;
                    }
                }
                if (!best)
                {
                    continue;
                }
                OspfRoute route;
                route.prefix = net;
                route.type = OspfPathType::INTRA_AREA;
                route.area = id;
                route.cost = bestCost;
                if (best->router == r)
                {
                    route.interface = best->interface;
                }
                else
                {
                    SetNextHop(route, a, a.FirstHop(r, best->router));
                }
                intra[r][id][net] = route;
            }
        }
    }
    auto hasIntra = [&intra](uint32_t r, const OspfPrefix& p) {
        for (const auto& [id, routes] : intra[r])
        {
            if (routes.count(p))
            {
                return true;
            }
        }
        return false;
    };
    // Active configured ranges of the router's areas (RFC 1583 §16.2: a summary for one of
    // them is ignored).
    auto isActiveRange = [&intra, &areas](uint32_t r, const OspfPrefix& p) {
        for (const auto& [id, routes] : intra[r])
        {
            const std::vector<OspfPrefix>& ranges = areas.at(id).ranges;
            if (std::find(ranges.begin(), ranges.end(), p) == ranges.end())
            {
                continue;
            }
            for (const auto& [net, route] : routes)
            {
                if (p.Contains(net))
                {
                    return true;
                }
            }
        }
        return false;
    };

    // Routes to AS boundary routers inside the router's areas.
    std::vector<uint32_t> asbrs;
    for (uint32_t r = 0; r < n; ++r)
    {
        if (!topology.routers[r].externals.empty())
        {
            asbrs.push_back(r);
        }
    }
    std::vector<std::map<uint32_t, AsbrEntry>> toAsbr(n);
    for (uint32_t r = 0; r < n; ++r)
    {
        for (uint32_t z : asbrs)
        {
            if (z == r)
            {
                continue;
            }
            AsbrEntry best;
            for (uint32_t id : attached[r])
            {
                const Area& a = areas.at(id);
                if (!a.Has(z) || a.Distance(r, z) == INF)
                {
                    continue;
                }
                const uint32_t d = a.Distance(r, z);
                if (!best.valid || d < best.cost)
                {
                    best.valid = true;
                    best.type = OspfPathType::INTRA_AREA;
                    best.cost = d;
                    best.area = id;
                    SetNextHop(best, a, a.FirstHop(r, z));
                }
            }
            if (best.valid)
            {
                toAsbr[r][z] = best;
            }
        }
    }

    // Summaries of the area border routers' intra-area routes (RFC 1583 §12.4.3): an active
    // range becomes one summary, a network outside every range its own; advertised into every
    // other attached area. ASBR-summaries for the ASBRs they reach inside an area.
    std::map<uint32_t, std::vector<Summary>> netSummaries;
    std::map<uint32_t, std::vector<Summary>> asbrSummaries;
    auto isAbr = [&attached](uint32_t r) { return attached[r].size() > 1; };
    for (uint32_t b = 0; b < n; ++b)
    {
        if (!isAbr(b))
        {
            continue;
        }
        for (const auto& [y, routes] : intra[b])
        {
            std::vector<Summary> out;
            std::set<OspfPrefix> covered;
            for (const OspfPrefix& range : areas.at(y).ranges)
            {
                bool active = false;
                uint32_t cost = 0;
                for (const auto& [net, route] : routes)
                {
                    if (!range.Contains(net))
                    {
                        continue;
                    }
                    covered.insert(net);
                    if (!active)
                    {
                        cost = route.cost;
                    }
                    else if (topology.rangeCost == OspfRangeCost::MAXIMUM)
                    {
                        cost = std::max(cost, route.cost);
                    }
                    else
                    {
                        cost = std::min(cost, route.cost);
                    }
                    active = true;
                }
                if (active)
                {
                    out.push_back({range, 0, cost, b});
                }
            }
            for (const auto& [net, route] : routes)
            {
                if (!covered.count(net))
                {
                    out.push_back({net, 0, route.cost, b});
                }
            }
            for (uint32_t x : attached[b])
            {
                if (x != y)
                {
                    netSummaries[x].insert(netSummaries[x].end(), out.begin(), out.end());
                }
            }
        }
        for (const auto& [z, entry] : toAsbr[b])
        {
            for (uint32_t x : attached[b])
            {
                if (x != entry.area)
                {
                    asbrSummaries[x].push_back({OspfPrefix{}, z, entry.cost, b});
                }
            }
        }
    }

    // Inter-area routes from the summaries into area `id` (RFC 1583 §16.2), for router r.
    std::vector<std::map<OspfPrefix, OspfRoute>> inter(n);
    auto examine = [&](uint32_t r, uint32_t id) {
        const Area& a = areas.at(id);
        for (const Summary& s : netSummaries[id])
        {
            if (s.abr == r || hasIntra(r, s.prefix) || isActiveRange(r, s.prefix))
            {
                continue;
            }
            const uint32_t d = a.Distance(r, s.abr);
            if (d == INF)
            {
                continue;
            }
            const uint32_t cost = d + s.cost;
            auto it = inter[r].find(s.prefix);
            if (it != inter[r].end() && std::make_pair(it->second.cost, it->second.advertiser) <=
                                            std::make_pair(cost, static_cast<int32_t>(s.abr)))
            {
                continue;
            }
            OspfRoute route;
            route.prefix = s.prefix;
            route.type = OspfPathType::INTER_AREA;
            route.area = id;
            route.cost = cost;
            route.advertiser = static_cast<int32_t>(s.abr);
            SetNextHop(route, a, a.FirstHop(r, s.abr));
            inter[r][s.prefix] = route;
        }
        for (const Summary& s : asbrSummaries[id])
        {
            if (s.abr == r || s.asbr == r)
            {
                continue;
            }
            auto it = toAsbr[r].find(s.asbr);
            if (it != toAsbr[r].end() && it->second.type == OspfPathType::INTRA_AREA)
            {
                continue; // an intra-area path is preferred
            }
            const uint32_t d = a.Distance(r, s.abr);
            if (d == INF)
            {
                continue;
            }
            const uint32_t cost = d + s.cost;
            if (it != toAsbr[r].end() && it->second.cost <= cost)
            {
                continue;
            }
            AsbrEntry e;
            e.valid = true;
            e.type = OspfPathType::INTER_AREA;
            e.cost = cost;
            e.area = id;
            SetNextHop(e, a, a.FirstHop(r, s.abr));
            toAsbr[r][s.asbr] = e;
        }
    };
    // Backbone routers and area border routers examine the backbone's summaries ("if the
    // router is an area border router, only backbone summary-LSAs are examined").
    if (areas.count(0))
    {
        for (uint32_t r : areas.at(0).routers)
        {
            examine(r, 0);
        }
    }
    // The area border routers advertise what they learned from the backbone into their other
    // areas (inter-area routes are not advertised into the backbone).
    for (uint32_t b = 0; b < n; ++b)
    {
        if (!isAbr(b))
        {
            continue;
        }
        for (uint32_t x : attached[b])
        {
            if (x == 0)
            {
                continue;
            }
            for (const auto& [prefix, route] : inter[b])
            {
                if (route.area != x)
                {
                    netSummaries[x].push_back({prefix, 0, route.cost, b});
                }
            }
            for (const auto& [z, entry] : toAsbr[b])
            {
                if (entry.type == OspfPathType::INTER_AREA && entry.area != x)
                {
                    asbrSummaries[x].push_back({OspfPrefix{}, z, entry.cost, b});
                }
            }
        }
    }
    // Routers inside one non-backbone area examine that area's summaries.
    for (uint32_t r = 0; r < n; ++r)
    {
        if (attached[r].size() == 1 && *attached[r].begin() != 0)
        {
            examine(r, *attached[r].begin());
        }
    }

    // AS-external routes (RFC 1583 §16.4).
    std::vector<OspfRouterTable> tables(n);
    for (uint32_t r = 0; r < n; ++r)
    {
        OspfRouterTable& t = tables[r];
        t.router = r;
        t.areas.assign(attached[r].begin(), attached[r].end());
        std::map<OspfPrefix, OspfRoute> all;
        for (const auto& [id, routes] : intra[r])
        {
            for (const auto& [net, route] : routes)
            {
                auto it = all.find(net);
                if (it == all.end() || route.cost < it->second.cost)
                {
                    all[net] = route;
                }
            }
        }
        for (const auto& [prefix, route] : inter[r])
        {
            all.emplace(prefix, route);
        }
        std::map<OspfPrefix, OspfRoute> external;
        auto better = [](const OspfRoute& a, const OspfRoute& b) {
            // a preferred over b? Own routes first, type 1 before type 2, type 1 by total
            // cost, type 2 by external cost then distance to the ASBR, then the lower ASBR.
            if (a.own != b.own)
            {
                return a.own;
            }
            if (a.type != b.type)
            {
                return a.type < b.type;
            }
            if (a.type == OspfPathType::TYPE2_EXTERNAL && a.type2Cost != b.type2Cost)
            {
                return a.type2Cost < b.type2Cost;
            }
            if (a.cost != b.cost)
            {
                return a.cost < b.cost;
            }
            return a.advertiser < b.advertiser;
        };
        for (uint32_t z : asbrs)
        {
            const AsbrEntry* entry = nullptr;
            if (z != r)
            {
                auto it = toAsbr[r].find(z);
                if (it == toAsbr[r].end())
                {
                    continue;
                }
                entry = &it->second;
            }
            for (const OspfExternalSpec& e : topology.routers[z].externals)
            {
                if (all.count(e.prefix))
                {
                    continue; // intra-area and inter-area paths are preferred
                }
                OspfRoute route;
                route.prefix = e.prefix;
                route.advertiser = static_cast<int32_t>(z);
                if (entry)
                {
                    route.type =
                        e.type == 1 ? OspfPathType::TYPE1_EXTERNAL : OspfPathType::TYPE2_EXTERNAL;
                    route.cost = e.type == 1 ? entry->cost + e.metric : entry->cost;
                    route.type2Cost = e.type == 1 ? 0 : e.metric;
                    route.area = entry->area;
                    route.gateway = entry->gateway;
                    route.interface = entry->interface;
                    route.nextRouter = entry->nextRouter;
                }
                else
                {
                    // The ASBR's own route: an external route whose internal part is 0, a
                    // type 1 route at the ASBR whatever type it is advertised with. Were it
                    // of type 2 here, another ASBR's type 1 route (say a default) would
                    // shadow it at the ASBR, class before longest match, and send back
                    // towards the domain what the domain sends to this ASBR: a loop.
                    route.own = true;
                    route.type = OspfPathType::TYPE1_EXTERNAL;
                    route.cost = e.metric;
                    route.gateway = e.gateway;
                    route.interface = e.interface;
                }
                auto it = external.find(e.prefix);
                if (it == external.end() || better(route, it->second))
                {
                    external[e.prefix] = route;
                }
            }
        }
        all.insert(external.begin(), external.end());
        for (const auto& [prefix, route] : all)
        {
            t.routes.push_back(route);
        }
    }
    return tables;
}

// ----- classes and layout -----

uint32_t
OspfAreaClass(uint32_t area, const std::vector<uint32_t>& attached)
{
    const auto it = std::find(attached.begin(), attached.end(), area);
    NS_ABORT_MSG_IF(it == attached.end(), "OspfAreaClass: area " << area << " is not attached");
    return OSPF_CLASS_FIRST_AREA - static_cast<uint32_t>(it - attached.begin());
}

uint32_t
OspfRouteClass(const OspfRoute& route, const std::vector<uint32_t>& attached)
{
    switch (route.type)
    {
    case OspfPathType::INTRA_AREA:
        return OspfAreaClass(route.area, attached);
    case OspfPathType::INTER_AREA:
        return OSPF_CLASS_INTER_AREA;
    case OspfPathType::TYPE1_EXTERNAL:
        return OSPF_CLASS_TYPE1_EXTERNAL;
    case OspfPathType::TYPE2_EXTERNAL:
        return OSPF_CLASS_TYPE2_EXTERNAL;
    }
    return OSPF_CLASS_TYPE2_EXTERNAL;
}

std::map<uint32_t, std::vector<OspfPrefix>>
OspfActiveRanges(const OspfTopology& topology, const OspfRouterTable& table)
{
    std::map<uint32_t, std::vector<OspfPrefix>> out;
    for (uint32_t id : table.areas)
    {
        std::vector<OspfPrefix>& active = out[id];
        const OspfAreaSpec* spec = topology.FindArea(id);
        if (!spec)
        {
            continue;
        }
        for (const OspfPrefix& range : spec->ranges)
        {
            const bool any =
                std::any_of(table.routes.begin(), table.routes.end(), [&](const OspfRoute& r) {
                    return r.type == OspfPathType::INTRA_AREA && r.area == id &&
                           range.Contains(r.prefix);
                });
            if (any)
            {
                active.push_back(range);
            }
        }
    }
    return out;
}

PolicyLayout
OspfClassLayout(const OspfTopology& topology, const OspfRouterTable& table)
{
    PolicyLayout layout;
    const std::string& name = topology.routers.at(table.router).name;
    std::vector<uint32_t> order;
    for (uint32_t id : table.areas)
    {
        order.push_back(OspfAreaClass(id, table.areas));
    }
    order.push_back(OSPF_CLASS_INTER_AREA);
    order.push_back(OSPF_CLASS_TYPE1_EXTERNAL);
    order.push_back(OSPF_CLASS_TYPE2_EXTERNAL);
    for (uint32_t c : order)
    {
        bool first = true;
        for (const OspfRoute& r : table.routes)
        {
            if (OspfRouteClass(r, table.areas) != c)
            {
                continue;
            }
            PolicyLayoutRoute out;
            out.classId = c;
            out.entry.prefix = r.prefix.address;
            out.entry.length = r.prefix.length;
            out.entry.metric = r.type == OspfPathType::TYPE2_EXTERNAL ? r.type2Cost : r.cost;
            out.entry.info.gateway = r.gateway;
            out.entry.info.interface = r.interface;
            if (first)
            {
                std::ostringstream comment;
                if (r.type == OspfPathType::INTRA_AREA)
                {
                    comment << name << ": intra-area routes of area " << r.area;
                }
                else
                {
                    comment << name << ": " << OspfPathTypeName(r.type) << " routes";
                }
                out.comment = comment.str();
                first = false;
            }
            layout.routes.push_back(out);
        }
        if (c <= OSPF_CLASS_FIRST_AREA)
        {
            PolicyLayoutRoute reject;
            reject.classId = c;
            reject.entry.info.type = RouteNodeType::REJECT;
            reject.entry.info.interface = ROUTE_NO_INTERFACE;
            reject.comment = "area classes must be terminated with reject record";
            layout.routes.push_back(reject);
        }
    }

    auto rule = [&layout](uint32_t classId, const OspfPrefix* to, const std::string& comment) {
        PolicyLayoutRule r;
        r.rule.action = RuleAction::ROUTE;
        r.rule.classId = classId;
        if (to)
        {
            r.rule.dst = to->address;
            r.rule.dstLength = to->length;
        }
        r.comment = comment;
        layout.rules.push_back(r);
    };
    rule(OSPF_CLASS_TYPE2_EXTERNAL, nullptr, "ASE routes with external metric (type 2)");
    rule(OSPF_CLASS_TYPE1_EXTERNAL, nullptr, "ASE routes with internal metric (type 1)");
    rule(OSPF_CLASS_INTER_AREA, nullptr, "inter-area routes");
    const std::map<uint32_t, std::vector<OspfPrefix>> active = OspfActiveRanges(topology, table);
    for (uint32_t id : table.areas)
    {
        bool first = true;
        for (const OspfPrefix& range : active.at(id))
        {
            rule(OspfAreaClass(id, table.areas),
                 &range,
                 first ? "the ranges of area " + std::to_string(id) + ": intra-area only" : "");
            first = false;
        }
    }
    return layout;
}

// ----- the ns-3 helper -----

OspfClassesHelper::OspfClassesHelper()
    : m_rangeCost(OspfRangeCost::MAXIMUM)
{
}

uint32_t
OspfClassesHelper::AddRouter(Ptr<Node> node, const std::string& name)
{
    NS_ABORT_MSG_UNLESS(node, "OspfClassesHelper::AddRouter: null node");
    NS_ABORT_MSG_IF(GetRouterIndex(node) >= 0, "OspfClassesHelper::AddRouter: added twice");
    std::string n = name;
    if (n.empty())
    {
        n = Names::FindName(node);
    }
    if (n.empty())
    {
        n = "R" + std::to_string(m_nodes.size());
    }
    m_nodes.push_back(node);
    m_names.push_back(n);
    return m_nodes.size() - 1;
}

void
OspfClassesHelper::SetInterface(Ptr<Node> node, Ptr<NetDevice> device, uint32_t area, uint32_t cost)
{
    NS_ABORT_MSG_UNLESS(device && device->GetNode() == node,
                        "OspfClassesHelper::SetInterface: the device is not the node's");
    m_interfaces[device] = InterfaceSetting{area, cost};
}

void
OspfClassesHelper::AddAreaRange(uint32_t area, const std::string& prefix)
{
    m_ranges[area].push_back(OspfPrefix::Parse(prefix));
}

void
OspfClassesHelper::AddExternal(Ptr<Node> node,
                               const std::string& prefix,
                               uint8_t type,
                               uint32_t metric,
                               Ipv4Address gateway,
                               Ptr<NetDevice> device)
{
    const int32_t r = GetRouterIndex(node);
    NS_ABORT_MSG_IF(r < 0, "OspfClassesHelper::AddExternal: add the router first");
    NS_ABORT_MSG_UNLESS(device && device->GetNode() == node,
                        "OspfClassesHelper::AddExternal: the device is not the node's");
    OspfExternalSpec e;
    e.prefix = OspfPrefix::Parse(prefix);
    e.type = type;
    e.metric = metric;
    e.gateway = gateway.IsAny() ? 0 : gateway.Get();
    m_externals[r].emplace_back(e, device);
}

void
OspfClassesHelper::SetRangeCost(OspfRangeCost cost)
{
    m_rangeCost = cost;
}

int32_t
OspfClassesHelper::GetRouterIndex(Ptr<Node> node) const
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i)
    {
        if (m_nodes[i] == node)
        {
            return static_cast<int32_t>(i);
        }
    }
    return -1;
}

OspfTopology
OspfClassesHelper::GetTopology() const
{
    OspfTopology t;
    t.rangeCost = m_rangeCost;
    for (const auto& [id, ranges] : m_ranges)
    {
        t.areas.push_back(OspfAreaSpec{id, ranges});
    }
    for (std::size_t r = 0; r < m_nodes.size(); ++r)
    {
        Ptr<Node> node = m_nodes[r];
        Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
        NS_ABORT_MSG_UNLESS(ipv4, "OspfClassesHelper: " << m_names[r] << " has no Ipv4");
        OspfRouterSpec spec;
        spec.name = m_names[r];
        for (uint32_t i = 0; i < ipv4->GetNInterfaces(); ++i)
        {
            Ptr<NetDevice> dev = ipv4->GetNetDevice(i);
            if (ipv4->GetNAddresses(i) == 0 || ipv4->GetAddress(i, 0).GetLocal().IsLocalhost())
            {
                continue;
            }
            OspfInterfaceSpec f;
            f.interface = i;
            f.address = ipv4->GetAddress(i, 0).GetLocal().Get();
            f.length = ipv4->GetAddress(i, 0).GetMask().GetPrefixLength();
            auto setting = m_interfaces.find(dev);
            if (setting != m_interfaces.end())
            {
                f.ospf = true;
                f.area = setting->second.area;
                f.cost = setting->second.cost;
                // The neighbour: another OSPF router's OSPF device on the channel.
                Ptr<Channel> channel = dev->GetChannel();
                for (std::size_t k = 0; channel && k < channel->GetNDevices(); ++k)
                {
                    Ptr<NetDevice> other = channel->GetDevice(k);
                    if (other == dev || !m_interfaces.count(other))
                    {
                        continue;
                    }
                    const int32_t n = GetRouterIndex(other->GetNode());
                    Ptr<Ipv4> otherIpv4 = other->GetNode()->GetObject<Ipv4>();
                    const int32_t oi = otherIpv4->GetInterfaceForDevice(other);
                    NS_ABORT_MSG_IF(n < 0 || oi < 0 || otherIpv4->GetNAddresses(oi) == 0,
                                    "OspfClassesHelper: an OSPF device of an unknown router");
                    NS_ABORT_MSG_IF(f.neighbor >= 0,
                                    "OspfClassesHelper: " << m_names[r] << " interface " << i
                                                          << ": more than one OSPF neighbour "
                                                             "(multi-access networks are not "
                                                             "supported)");
                    f.neighbor = n;
                    f.neighborAddress = otherIpv4->GetAddress(oi, 0).GetLocal().Get();
                }
            }
            spec.interfaces.push_back(f);
        }
        auto ext = m_externals.find(r);
        if (ext != m_externals.end())
        {
            for (const auto& [e, dev] : ext->second)
            {
                OspfExternalSpec x = e;
                const int32_t i = ipv4->GetInterfaceForDevice(dev);
                NS_ABORT_MSG_IF(i < 0,
                                "OspfClassesHelper: external " << e.prefix.ToString()
                                                               << ": the device has no IPv4");
                x.interface = static_cast<uint32_t>(i);
                spec.externals.push_back(x);
            }
        }
        t.routers.push_back(spec);
    }
    for (const auto& [dev, setting] : m_interfaces)
    {
        NS_ABORT_MSG_IF(GetRouterIndex(dev->GetNode()) < 0,
                        "OspfClassesHelper: SetInterface on a node that is not a router");
    }
    const std::vector<std::string> errors = t.Validate();
    if (!errors.empty())
    {
        std::ostringstream os;
        for (const std::string& e : errors)
        {
            os << "\n  " << e;
        }
        NS_ABORT_MSG("OspfClassesHelper: the topology is not valid:" << os.str());
    }
    return t;
}

void
OspfClassesHelper::Compute()
{
    m_topology = GetTopology();
    m_tables = ComputeOspfRoutes(m_topology);
}

void
OspfClassesHelper::Install()
{
    Compute();
    for (std::size_t r = 0; r < m_nodes.size(); ++r)
    {
        InstallPolicyLayout(Ipv4PolicyRoutingHelper::GetPolicyRouting(m_nodes[r]),
                            OspfClassLayout(m_topology, m_tables[r]));
    }
}

PolicyLayout
OspfClassesHelper::GetLayout(Ptr<Node> node) const
{
    const int32_t r = GetRouterIndex(node);
    NS_ABORT_MSG_IF(r < 0 || static_cast<std::size_t>(r) >= m_tables.size(),
                    "OspfClassesHelper::GetLayout: not an installed router");
    return OspfClassLayout(m_topology, m_tables[r]);
}

std::string
OspfClassesHelper::GetCommands(Ptr<Node> node,
                               const std::function<std::string(uint32_t)>& ifName) const
{
    if (ifName)
    {
        return PolicyLayoutCommands(GetLayout(node), ifName);
    }
    Ptr<Ipv4PolicyRouting> routing = Ipv4PolicyRoutingHelper::GetPolicyRouting(node);
    return PolicyLayoutCommands(GetLayout(node),
                                [routing](uint32_t i) { return routing->GetInterfaceName(i); });
}

void
OspfClassesHelper::PrintTable(std::ostream& os, Ptr<Node> node) const
{
    const int32_t r = GetRouterIndex(node);
    NS_ABORT_MSG_IF(r < 0 || static_cast<std::size_t>(r) >= m_tables.size(),
                    "OspfClassesHelper::PrintTable: not an installed router");
    const OspfRouterTable& t = m_tables[r];
    os << m_names[r] << " (areas";
    for (uint32_t a : t.areas)
    {
        os << " " << a;
    }
    os << ")\n";
    for (const OspfRoute& route : t.routes)
    {
        os << "  " << route.prefix.ToString() << " " << OspfPathTypeName(route.type);
        if (route.type == OspfPathType::INTRA_AREA)
        {
            os << " area " << route.area;
        }
        os << " cost " << route.cost;
        if (route.type == OspfPathType::TYPE2_EXTERNAL)
        {
            os << " type2 " << route.type2Cost;
        }
        if (route.advertiser >= 0)
        {
            os << (route.type == OspfPathType::INTER_AREA ? " abr " : " asbr ")
               << m_names[route.advertiser];
        }
        if (route.gateway != 0)
        {
            os << " via " << FormatAddress(route.gateway);
        }
        if (route.nextRouter >= 0)
        {
            os << " (" << m_names[route.nextRouter] << ")";
        }
        os << (route.own ? " own" : "") << " class " << OspfRouteClass(route, t.areas) << "\n";
    }
}

} // namespace ns3
