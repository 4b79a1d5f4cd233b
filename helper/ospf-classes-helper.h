/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * OSPF classes: the seed's "application 3" (policy-routing.txt; RFC 1583, RFC 1812 E.3.3).
 * OSPF routing tables are computed from a topology (areas, interface costs, area address
 * ranges, AS-external routes of type 1 and 2) with the Boost Graph Library, then installed into
 * each router's Ipv4PolicyRouting as classes 250, 249, ... (intra-area, one per attached area),
 * 251 (inter-area), 252 (AS-external with internal metric, type 1), 253 (AS-external with
 * external metric, type 2), 254 (interface routes) and 255 (local), with the seed's rules and
 * reject terminators. See doc/ospf-and-tos-classes.md.
 *
 * The computation is pure (OspfTopology in, OspfRouterTable out, PolicyLayout per router);
 * OspfClassesHelper reads the topology from ns-3 nodes and installs the result.
 */

#ifndef OSPF_CLASSES_HELPER_H
#define OSPF_CLASSES_HELPER_H

#include "ns3/ipv4-address.h"
#include "ns3/ipv4-policy-routing.h"
#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/policy-layout.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * An IPv4 prefix (host order, host bits zero).
 */
struct OspfPrefix
{
    uint32_t address{0}; //!< network address
    uint8_t length{0};   //!< prefix length 0..32

    /// \return the netmask (host order)
    uint32_t Mask() const
    {
        return length == 0 ? 0 : 0xffffffffu << (32 - length);
    }

    /// \return true if \p a lies in the prefix
    bool Contains(uint32_t a) const
    {
        return (a & Mask()) == address;
    }

    /// \return true if \p p lies entirely in this prefix
    bool Contains(const OspfPrefix& p) const
    {
        return p.length >= length && Contains(p.address);
    }

    /// \return true if the two prefixes share an address
    bool Overlaps(const OspfPrefix& p) const
    {
        return Contains(p) || p.Contains(*this);
    }

    /// \return "a.b.c.d/len"
    std::string ToString() const;

    /// Parse "a.b.c.d/len" or "default" (aborts with a message otherwise).
    static OspfPrefix Parse(const std::string& text);

    /// \return the prefix of length \p length containing \p address
    static OspfPrefix Of(uint32_t address, uint8_t length);

    bool operator==(const OspfPrefix& o) const
    {
        return address == o.address && length == o.length;
    }

    bool operator!=(const OspfPrefix& o) const
    {
        return !(*this == o);
    }

    bool operator<(const OspfPrefix& o) const
    {
        return address != o.address ? address < o.address : length < o.length;
    }
};

/**
 * \ingroup policy-routing
 * OSPF path types (RFC 1583 §11), in decreasing order of preference.
 */
enum class OspfPathType : uint8_t
{
    INTRA_AREA = 0,     //!< intra-area
    INTER_AREA = 1,     //!< inter-area (from summary-LSAs)
    TYPE1_EXTERNAL = 2, //!< AS-external, type 1 metric (internal + external cost)
    TYPE2_EXTERNAL = 3, //!< AS-external, type 2 metric (external cost dominant)
};

/// \return "intra-area", "inter-area", "type-1-external" or "type-2-external"
const char* OspfPathTypeName(OspfPathType type);

/**
 * \ingroup policy-routing
 * The cost an area border router gives the summary of an area address range.
 */
enum class OspfRangeCost : uint8_t
{
    MAXIMUM, //!< the largest cost of the component networks (RFC 2328 §12.4.3)
    MINIMUM, //!< the smallest cost of the component networks
};

/**
 * \ingroup policy-routing
 * An IPv4 interface of a router (point-to-point link or stub network).
 */
struct OspfInterfaceSpec
{
    uint32_t interface {
        0
    };                           //!< ns-3 IPv4 interface index
    uint32_t address{0};         //!< the interface's address (host order)
    uint8_t length{0};           //!< its prefix length
    bool ospf{false};            //!< OSPF runs on it (else: a connected network only, class 254)
    uint32_t area{0};            //!< its OSPF area (ospf only)
    uint32_t cost{1};            //!< its OSPF output cost, 1..65535 (ospf only)
    int32_t neighbor{-1};        //!< the OSPF router at the other end (index), -1: a stub network
    uint32_t neighborAddress{0}; //!< the neighbour's address on the link (neighbor >= 0)
};

/**
 * \ingroup policy-routing
 * An AS-external route an AS boundary router injects (its own route to the destination, learned
 * outside OSPF, e.g. a static route to an external router).
 */
struct OspfExternalSpec
{
    OspfPrefix prefix;   //!< destination
    uint8_t type{2};     //!< metric type, 1 or 2
    uint32_t metric{1};  //!< external cost, 1..16777214
    uint32_t gateway{0}; //!< the ASBR's next hop (0: on-link)
    uint32_t interface {
        ROUTE_NO_INTERFACE
    }; //!< the ASBR's output interface
};

/**
 * \ingroup policy-routing
 * A router of the topology.
 */
struct OspfRouterSpec
{
    std::string name;                          //!< name (for listings)
    std::vector<OspfInterfaceSpec> interfaces; //!< its IPv4 interfaces (not the loopback)
    std::vector<OspfExternalSpec> externals;   //!< AS-external routes it injects (ASBR)
};

/**
 * \ingroup policy-routing
 * An area and its configured address ranges (RFC 1583 §3.5, Appendix C.2).
 */
struct OspfAreaSpec
{
    uint32_t id{0};                 //!< area id (0: the backbone)
    std::vector<OspfPrefix> ranges; //!< address ranges
};

/**
 * \ingroup policy-routing
 * \brief An OSPF routing domain: routers with their interfaces, areas with their address
 * ranges, AS-external routes. Supported: point-to-point links between routers and stub
 * networks (one router), any number of areas around a backbone (area 0), area border routers,
 * AS boundary routers with type 1 and type 2 externals. Not supported: multi-access transit
 * networks, virtual links, stub areas and NSSAs, forwarding addresses, TOS-specific metrics.
 */
struct OspfTopology
{
    std::vector<OspfRouterSpec> routers;             //!< routers (index = router id order)
    std::vector<OspfAreaSpec> areas;                 //!< areas
    OspfRangeCost rangeCost{OspfRangeCost::MAXIMUM}; //!< cost of a range summary

    /// \return the area \p id or nullptr
    const OspfAreaSpec* FindArea(uint32_t id) const;

    /**
     * Check what the computation and the seed's class layout need: costs in range, neighbours
     * that point back, no multi-access networks, every OSPF network of an area inside one of
     * the area's ranges, ranges of different areas disjoint, external metrics and types.
     * \return one message per problem (empty: valid)
     */
    std::vector<std::string> Validate() const;
};

/**
 * \ingroup policy-routing
 * A route of a router's OSPF routing table.
 */
struct OspfRoute
{
    OspfPrefix prefix;                           //!< destination
    OspfPathType type{OspfPathType::INTRA_AREA}; //!< path type
    uint32_t area{0};      //!< intra-area: the area; others: the area of the first hop
    uint32_t cost{0};      //!< intra/inter: path cost; type 1: internal + external;
                           //!< type 2: the internal part (distance to the ASBR)
    uint32_t type2Cost{0}; //!< type 2: the external cost
    uint32_t gateway{0};   //!< next hop address (0: on-link)
    uint32_t interface {
        ROUTE_NO_INTERFACE
    };                      //!< output interface
    int32_t nextRouter{-1}; //!< router index of the next hop (-1: on-link or outside)
    int32_t advertiser{-1}; //!< inter-area: the ABR; external: the ASBR; -1: intra-area
    bool own{false};        //!< an ASBR's own external route (not learned through OSPF;
                            //!< type 1 with cost = its metric, whatever type it is
                            //!< advertised with)
};

/**
 * \ingroup policy-routing
 * A router's OSPF routing table.
 */
struct OspfRouterTable
{
    uint32_t router{0};            //!< router index
    std::vector<uint32_t> areas;   //!< attached areas, ascending (classes 250, 249, ...)
    std::vector<OspfRoute> routes; //!< one route per destination, ordered by prefix

    /// \return the route for exactly \p prefix, or nullptr
    const OspfRoute* Find(const OspfPrefix& prefix) const;
};

/**
 * \ingroup policy-routing
 * Compute every router's routing table as RFC 1583 §16 does: shortest paths per area (Boost
 * Graph Library, dijkstra_shortest_paths on each area's graph) give the intra-area routes;
 * area border routers summarise each area's networks by its address ranges (and advertise
 * inter-area routes learned from the backbone into the other areas); routers in the backbone
 * or in one area pick inter-area routes from those summaries; AS-external routes are chosen
 * with type 1 before type 2, type 1 by total cost, type 2 by external cost with the distance to
 * the ASBR as tie-breaker. Equal-cost paths are not split: the first hop towards the
 * lowest-numbered neighbour router (then interface) is kept. An ASBR's own externals replace
 * what other ASBRs advertise for the same destination, and are of type 1 at the ASBR (class
 * 252, before the type 2 routes of the others), whatever type they are advertised with:
 * otherwise another ASBR's type 1 route could shadow them and loop packets back.
 * \param topology a topology for which Validate() is empty
 * \return one table per router, in router order
 */
std::vector<OspfRouterTable> ComputeOspfRoutes(const OspfTopology& topology);

/// The seed's class of inter-area routes.
constexpr uint32_t OSPF_CLASS_INTER_AREA = 251;
/// The seed's class of AS-external routes with internal metric (type 1).
constexpr uint32_t OSPF_CLASS_TYPE1_EXTERNAL = 252;
/// The seed's class of AS-external routes with external metric (type 2).
constexpr uint32_t OSPF_CLASS_TYPE2_EXTERNAL = 253;
/// The seed's class of the first attached area's intra-area routes (the next gets 249, ...).
constexpr uint32_t OSPF_CLASS_FIRST_AREA = 250;

/**
 * \ingroup policy-routing
 * \param area an attached area
 * \param attached the router's attached areas, ascending
 * \return the class of \p area's intra-area routes: 250 for the first, 249 for the second...
 */
uint32_t OspfAreaClass(uint32_t area, const std::vector<uint32_t>& attached);

/**
 * \ingroup policy-routing
 * \return the seed's class of \p route at a router attached to \p attached
 */
uint32_t OspfRouteClass(const OspfRoute& route, const std::vector<uint32_t>& attached);

/**
 * \ingroup policy-routing
 * \param topology the topology
 * \param table a router's table
 * \return the active address ranges of each attached area at the router (RFC 1583 §11.1:
 *         ranges that contain an intra-area network of the area), per area
 */
std::map<uint32_t, std::vector<OspfPrefix>> OspfActiveRanges(const OspfTopology& topology,
                                                             const OspfRouterTable& table);

/**
 * \ingroup policy-routing
 * The seed's application 3 for one router:
 *
 *   iproute add ROUTE ... class 250|249|...|251|252|253      (every OSPF route)
 *   iproute add default reject class 250                     (each area class)
 *   iproute addrule class 253
 *   iproute addrule class 252
 *   iproute addrule class 251
 *   iproute addrule to RANGE-OF-1ST-AREA class 250           (each active range)
 *   iproute addrule to RANGE-OF-2ND-AREA class 249 ...
 *
 * Rules have unspecified preferences: as the Linux 2.1 kernel numbers them (each goes right
 * after the first rule), the area rules are consulted first, then 251, 252, 253, then MAIN
 * (254, interface routes) — route class before longest match (RFC 1812 E.3.3). Interface
 * (254) and local (255) routes are the ones Ipv4PolicyRouting makes from the addresses.
 * \param topology the topology
 * \param table the router's table
 * \return the layout
 */
PolicyLayout OspfClassLayout(const OspfTopology& topology, const OspfRouterTable& table);

/**
 * \ingroup policy-routing
 * \brief Reads an OSPF domain from ns-3 nodes, computes its routing tables and installs them
 * as the seed's OSPF classes into each router's Ipv4PolicyRouting.
 *
 * Addresses come from the nodes' Ipv4 interfaces; neighbours from the channels (a channel
 * with two devices whose nodes are both OSPF routers is a point-to-point link; a device
 * whose channel has no other OSPF router is a stub network).
 *
 * \code
 *   OspfClassesHelper ospf;
 *   ospf.AddRouter(c, "C");
 *   ospf.SetInterface(c, cToB1Device, 0, 10);        // area 0, cost 10
 *   ospf.AddAreaRange(0, "10.0.0.0/16");
 *   ospf.AddExternal(c, "192.0.2.0/24", 1, 25, Ipv4Address("172.16.0.6"), cToEDevice);
 *   ospf.Install();                                   // compute and install everywhere
 *   std::cout << ospf.GetCommands(c);                 // the seed's iproute commands
 * \endcode
 */
class OspfClassesHelper
{
  public:
    OspfClassesHelper();

    /**
     * Add an OSPF router (it must have Ipv4PolicyRouting).
     * \param node the node
     * \param name its name in listings (default: its Names entry, else "R<index>")
     * \return its router index
     */
    uint32_t AddRouter(Ptr<Node> node, const std::string& name = "");

    /**
     * Run OSPF on a device of a router.
     * \param node the router
     * \param device one of its devices (with an IPv4 interface)
     * \param area the interface's area
     * \param cost its output cost (1..65535)
     */
    void SetInterface(Ptr<Node> node, Ptr<NetDevice> device, uint32_t area, uint32_t cost = 1);

    /**
     * Configure an address range of an area.
     * \param area the area
     * \param prefix "a.b.c.d/len"
     */
    void AddAreaRange(uint32_t area, const std::string& prefix);

    /**
     * Make \p node an AS boundary router that injects a route.
     * \param node the router
     * \param prefix destination "a.b.c.d/len" or "default"
     * \param type 1 (internal metric) or 2 (external metric)
     * \param metric external cost
     * \param gateway the router's own next hop (Ipv4Address::GetAny(): on-link)
     * \param device its output device
     */
    void AddExternal(Ptr<Node> node,
                     const std::string& prefix,
                     uint8_t type,
                     uint32_t metric,
                     Ipv4Address gateway,
                     Ptr<NetDevice> device);

    /// Set how range summaries are costed (default MAXIMUM).
    void SetRangeCost(OspfRangeCost cost);

    /// \return the topology as read from the nodes now (aborts if Validate() fails)
    OspfTopology GetTopology() const;

    /// Read the topology and compute the tables (nothing is installed): GetTables(),
    /// GetLayout() and GetCommands() then answer, e.g. to install the routers through
    /// configuration text instead.
    void Compute();

    /// Compute(), then install every router's layout on its Ipv4PolicyRouting.
    void Install();

    /// \return the topology of the last Compute() or Install()
    const OspfTopology& GetInstalledTopology() const
    {
        return m_topology;
    }

    /// \return the tables of the last Compute() or Install(), in router order
    const std::vector<OspfRouterTable>& GetTables() const
    {
        return m_tables;
    }

    /// \return the layout of \p node computed by the last Compute() or Install()
    PolicyLayout GetLayout(Ptr<Node> node) const;

    /**
     * \param node a router
     * \param ifName interface names for `dev` (null: the node's Ipv4PolicyRouting names)
     * \return the layout of \p node as the seed's iproute commands
     */
    std::string GetCommands(Ptr<Node> node,
                            const std::function<std::string(uint32_t)>& ifName = nullptr) const;

    /// \return the router index of \p node, or -1
    int32_t GetRouterIndex(Ptr<Node> node) const;

    /// \return the nodes, in router order
    const std::vector<Ptr<Node>>& GetRouters() const
    {
        return m_nodes;
    }

    /**
     * Print a router's table: destination, path type, cost, next hop, class.
     * \param os stream
     * \param node the router
     */
    void PrintTable(std::ostream& os, Ptr<Node> node) const;

  private:
    /// An OSPF interface setting.
    struct InterfaceSetting
    {
        uint32_t area; //!< area
        uint32_t cost; //!< cost
    };

    std::vector<Ptr<Node>> m_nodes;                          //!< routers
    std::vector<std::string> m_names;                        //!< their names
    std::map<Ptr<NetDevice>, InterfaceSetting> m_interfaces; //!< OSPF devices
    std::map<uint32_t, std::vector<OspfPrefix>> m_ranges;    //!< ranges per area
    /// externals per router: (spec with the interface unresolved, device)
    std::map<uint32_t, std::vector<std::pair<OspfExternalSpec, Ptr<NetDevice>>>> m_externals;
    OspfRangeCost m_rangeCost;
    OspfTopology m_topology;               //!< of the last Install()
    std::vector<OspfRouterTable> m_tables; //!< of the last Install()
};

} // namespace ns3

#endif /* OSPF_CLASSES_HELPER_H */
