/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The scenario format of policy-sim (examples/policy-sim.cc): a line-based text that names
 * the nodes, the links, each node's configuration in the configuration language
 * (model/policy-config.h), the traffic, the run and what to record. This is its parser: pure,
 * no simulator and no ns-3 objects; the configuration blocks are parsed here too, so that
 * every error of a scenario, in its own lines or in a block, names file:line:column. See
 * doc/scenario-format.md for the format.
 */

#ifndef POLICY_SCENARIO_H
#define POLICY_SCENARIO_H

#include "policy-config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

/// A time in a scenario, in nanoseconds.
using ScenarioTime = int64_t;

/// Nanoseconds per second.
constexpr ScenarioTime SCENARIO_SECOND = 1000000000;

/**
 * \ingroup policy-routing
 * An attribute of a node's Ipv4PolicyRouting (`node site rule-style Modern`), or an ns-3
 * attribute default (`default ns3::TcpSocket::SegmentSize 1448`).
 */
struct ScenarioAttribute
{
    std::string name;     //!< attribute name, as ns-3 spells it (RuleStyle, ns3::X::Y)
    std::string value;    //!< its value, as ns-3 reads it (Linux21, true, 1448)
    ConfigLocation where; //!< where it is written
};

/**
 * \ingroup policy-routing
 * `node NAME... [OPTION VALUE]...`: a node; every node runs IPv4 with Ipv4PolicyRouting.
 */
struct ScenarioNode
{
    std::string name;                          //!< unique name
    ConfigLocation where;                      //!< where the name is declared
    std::vector<ScenarioAttribute> attributes; //!< Ipv4PolicyRouting attributes, in order
};

/// The kind of a link.
enum class ScenarioLinkType : uint8_t
{
    POINT_TO_POINT, //!< `link p2p`: PointToPointNetDevice pair
    CSMA,           //!< `link csma`: a CSMA (Ethernet) segment of two or more devices
};

/**
 * \ingroup policy-routing
 * One end of a link: `NODE[:DEVICE] [ADDRESS/LENGTH]`.
 */
struct ScenarioEndpoint
{
    std::string node;       //!< the node
    std::string device;     //!< the device name (ethN chosen by the parser when not given)
    bool hasAddress{false}; //!< an address was given (assigned and brought up at start)
    uint32_t address{0};    //!< the address (host order)
    uint8_t length{0};      //!< its prefix length
    ConfigLocation where;   //!< where the endpoint is written
};

/**
 * \ingroup policy-routing
 * `link p2p|csma ENDPOINT... [rate R] [delay D] [queue N] [mtu N]`.
 */
struct ScenarioLink
{
    ScenarioLinkType type{ScenarioLinkType::POINT_TO_POINT}; //!< kind
    std::vector<ScenarioEndpoint> endpoints;                 //!< its devices
    uint64_t rate{100000000};                                //!< bit/s
    ScenarioTime delay{0};                                   //!< propagation delay
    uint32_t queue{100};                                     //!< device queue, packets
    uint32_t mtu{0};                                         //!< MTU (0: the device default)
    ConfigLocation where;                                    //!< where the line starts
};

/**
 * \ingroup policy-routing
 * `shaper NODE:NAME master DEVICE speed RATE [mode M] [burst B] [queue N]`: a ShaperNetDevice
 * created before the configuration blocks run (they give it an address and routes), for
 * shapers not made by `shapecfg attach` in a block.
 */
struct ScenarioShaper
{
    std::string node;     //!< the node
    std::string name;     //!< the shaper's name (shaper0)
    std::string master;   //!< the device it shapes
    uint64_t rate{0};     //!< bit/s
    std::string mode;     //!< Exact or Linux (empty: the attribute default)
    uint32_t burst{0};    //!< token bucket depth in bytes (0: none)
    uint32_t queue{0};    //!< queue length in packets (0: the attribute default)
    ConfigLocation where; //!< where the line starts
};

/**
 * \ingroup policy-routing
 * `config NODE [at TIME] ...`: configuration language text for a node, inline (one line or a
 * block ending with `end`) or from a file (`include FILE`), applied at the start or at TIME.
 */
struct ScenarioConfig
{
    std::string node;               //!< the node
    std::optional<ScenarioTime> at; //!< when (empty: at the start, before any traffic)
    std::string source;             //!< the file the text is in (the scenario or the include)
    ParsedConfig parsed;            //!< the parsed commands (errors go to the scenario)
    ConfigLocation where;           //!< where the directive starts
};

/// The kind of a traffic flow.
enum class ScenarioFlowKind : uint8_t
{
    PING, //!< ICMP echo requests (with a TOS), replies timed
    UDP,  //!< constant-rate (or Poisson) UDP datagrams
    TCP,  //!< a TCP bulk transfer
};

/// \return "ping", "udp" or "tcp"
const char* ScenarioFlowKindName(ScenarioFlowKind k);

/**
 * \ingroup policy-routing
 * `ping|udp|tcp NAME from NODE to ADDRESS[:PORT] [OPTION VALUE]...`.
 */
struct ScenarioFlow
{
    ScenarioFlowKind kind{ScenarioFlowKind::UDP}; //!< kind
    std::string name;                             //!< unique name (in the CSVs)
    std::string from;                             //!< the sending node
    std::optional<uint32_t> source;               //!< `src ADDRESS`: bind to this address
    uint32_t destination{0};                      //!< destination address (host order)
    uint16_t port{0};                             //!< destination port (UDP, TCP)
    uint8_t tos{0};                               //!< IPv4 TOS octet of the packets
    ScenarioTime start{SCENARIO_SECOND};          //!< start time (default 1 s)
    std::optional<ScenarioTime> stop;             //!< stop time (default: the duration)
    uint64_t rate{1000000};                       //!< UDP: offered bit/s (payload)
    uint32_t size{0};                       //!< payload bytes (UDP default 1000, ping default 56)
    ScenarioTime interval{SCENARIO_SECOND}; //!< ping: time between requests
    uint32_t count{0};                      //!< ping: requests to send (0: until stop)
    bool poisson{false};                    //!< UDP: exponential gaps instead of constant
    uint64_t maxBytes{0};                   //!< TCP: bytes to send (0: until stop)
    std::string sink;                       //!< the receiving node (empty: whoever owns the
                                            //!< destination address at the start)
    ConfigLocation where;                   //!< where the line starts
    ConfigLocation toWhere;                 //!< where the destination is written
    ConfigLocation sinkWhere;               //!< where the sink is written
    ConfigLocation sourceWhere;             //!< where `src` is written
    ConfigLocation startWhere;              //!< where `start` is written (or the line)
};

/**
 * \ingroup policy-routing
 * A device selected for pcap: `NODE:DEVICE`.
 */
struct ScenarioDeviceRef
{
    std::string node;     //!< the node
    std::string device;   //!< the device name
    ConfigLocation where; //!< where it is written
};

/**
 * \ingroup policy-routing
 * `dump NODE... at TIME... [style seed|modern|both]`: routing tables written to
 * routes-NODE.txt.
 */
struct ScenarioDump
{
    std::vector<std::string> nodes;  //!< the nodes
    std::vector<ScenarioTime> times; //!< when
    std::string style{"Both"};       //!< Ipv4PolicyRouting ListingStyle: Seed, Modern, Both
    ConfigLocation where;            //!< where the line starts
};

/**
 * \ingroup policy-routing
 * A scenario: the run, the network, the configuration, the traffic, the recording.
 */
struct Scenario
{
    std::string file;                            //!< the scenario file (as given)
    std::string name;                            //!< `scenario NAME` (default: the file's stem)
    std::string output;                          //!< `output DIR` (empty: results/NAME)
    ScenarioTime duration{10 * SCENARIO_SECOND}; //!< `duration`
    uint32_t seed{1};                            //!< `seed` (RngSeedManager::SetSeed)
    uint64_t run{1};                             //!< `run` (RngSeedManager::SetRun)
    ScenarioTime bin{SCENARIO_SECOND / 10};      //!< `bin`: width of the time bins of the CSVs
    ScenarioTime progress{0};                    //!< `progress`: interval (0: duration / 20)
    bool checksum{false};                        //!< `checksum on`: IPv4/UDP/TCP checksums
    std::string ruleStyle;                       //!< `rule-style`: default RuleStyle of the nodes
    std::vector<std::pair<uint32_t, std::string>> tables; //!< `table ID NAME`
    std::vector<ScenarioAttribute> defaults;              //!< `default NAME VALUE`
    std::vector<ScenarioNode> nodes;                      //!< in declaration order
    std::vector<ScenarioLink> links;                      //!< in file order
    std::vector<ScenarioShaper> shapers;                  //!< in file order
    std::vector<ScenarioConfig> configs;                  //!< in file order
    std::vector<ScenarioFlow> flows;                      //!< in file order
    bool pcapAll{false};                                  //!< `record pcap all`
    std::vector<ScenarioDeviceRef> pcap;                  //!< `record pcap NODE:DEV...`
    uint32_t snaplen{65535};                              //!< `record pcap ... snaplen N`
    std::vector<std::string> pathNodes; //!< `record paths NODE...` (empty: every node)
    std::vector<std::string> csv;       //!< CSV files to write (names without .csv)
    std::vector<ScenarioDump> dumps;    //!< `dump`

    /// \return the node called \p name, or nullptr
    const ScenarioNode* FindNode(const std::string& name) const;

    /// \return the index of the flow called \p name, or -1
    int FindFlow(const std::string& name) const;

    /// \return true if the CSV \p name (flows, throughput, ...) is to be written
    bool WritesCsv(const std::string& name) const;
};

/**
 * \ingroup policy-routing
 * The outcome of parsing a scenario: the scenario, or the errors.
 */
struct ParsedScenario
{
    Scenario scenario;               //!< the scenario (meaningful only without errors)
    std::vector<ConfigError> errors; //!< errors, in file order (configuration blocks too)
    std::vector<ConfigNote> notes;   //!< notes (of the configuration blocks too)

    /// \return true if there is no error
    bool Ok() const
    {
        return errors.empty();
    }

    /// \return every error as "file:line:column: message", one per line
    std::string ErrorText() const;
};

/**
 * \ingroup policy-routing
 * \brief Parses scenario files of policy-sim.
 *
 * \code
 *   ScenarioParser parser;
 *   ParsedScenario s = parser.ParseFile("scenarios/flagship.scn");
 *   if (!s.Ok()) { std::cerr << s.ErrorText(); }
 * \endcode
 */
class ScenarioParser
{
  public:
    /// The CSV files policy-sim can write (`record csv`), without the .csv.
    static const std::vector<std::string>& CsvNames();

    /**
     * Parse a scenario text.
     * \param text the scenario
     * \param file its name in messages
     * \param directory where `include` files are looked for (empty: the current directory)
     * \return the scenario, errors and notes
     */
    ParsedScenario Parse(const std::string& text,
                         const std::string& file = "<scenario>",
                         const std::string& directory = "") const;

    /**
     * Read and parse a scenario file; `include` files are looked for next to it.
     * \param path its path (also the name in messages)
     * \return the scenario, errors and notes; an unreadable file is an error
     */
    ParsedScenario ParseFile(const std::string& path) const;
};

} // namespace ns3

#endif /* POLICY_SCENARIO_H */
