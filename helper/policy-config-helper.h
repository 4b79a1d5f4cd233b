/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * PolicyConfigHelper: carries out the commands of the configuration language
 * (model/policy-config.h) on an ns-3 node, all or nothing. See
 * doc/configuration-language.md.
 */

#ifndef POLICY_CONFIG_HELPER_H
#define POLICY_CONFIG_HELPER_H

#include "ns3/net-device.h"
#include "ns3/node.h"
#include "ns3/nstime.h"
#include "ns3/policy-config.h"
#include "ns3/shaper-helper.h"

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * The outcome of applying a configuration to a node.
 */
struct PolicyConfigResult
{
    std::string file;                //!< file name
    bool applied{false};             //!< every command was carried out
    std::vector<ConfigError> errors; //!< why not: parse errors, or the command that failed
    std::vector<ConfigNote> notes;   //!< notes of the parser and of the applier
    std::string output;              //!< what show, get and echo commands printed
    std::size_t commands{0};         //!< commands carried out (0 unless applied)

    /// \return true if the configuration was applied
    bool Ok() const
    {
        return applied;
    }

    /// \return every error as "file:line:column: message", one per line
    std::string ErrorText() const;
};

/**
 * \ingroup policy-routing
 * \brief Applies configuration text (PolicyConfigParser's language: the seed's `iproute`,
 * iproute2's `ip rule/route/addr/link`, net-tools' `route`/`ifconfig`, `shapecfg`, `sysctl`)
 * to a node: ifconfig and ip addr/link to the node's Ipv4, routes and rules to its
 * Ipv4PolicyRouting, shapecfg to ShaperNetDevices, show and get commands to a stream.
 *
 * All or nothing: a text with a parse error applies nothing. Otherwise every command is first
 * checked against the node (device names resolve, devices have an IPv4 interface when a
 * command needs one, shapers can be attached, rule preferences fit the rule style), then the
 * commands are carried out in order; if one fails (e.g. `ip route add` of a route that
 * exists, `ip rule del` of a rule that does not), everything done so far is undone: rules
 * and classes, addresses, up/down states, forwarding, FibModel, shaper attachments and
 * speeds. ns-3 cannot remove a device or an IPv4 interface from a node: a shaper created by
 * `shapecfg attach` or an interface added for a device by `ifconfig` in a file that then
 * fails stays, detached and down, without addresses.
 *
 * Devices are named by, in this order: SetDeviceName() (or NameDevices()); the ns-3 Names of
 * the node's devices; "lo" for the loopback; "ifN" for IPv4 interface N; and names that
 * earlier commands created (`shapecfg attach shaper0 eth1` creates shaper0 when no device
 * has that name).
 *
 * \code
 *   PolicyConfigHelper config;
 *   config.NameDevices(router);                 // eth0, eth1, ... in device order
 *   config.ApplyText(router,
 *                    "ip route add default via 198.51.100.2 dev eth2 table 100\n"
 *                    "ip rule add from 10.2.0.0/16 lookup 100\n",
 *                    "router.cfg");
 *   config.ApplyFile(router, "scenario.cfg");   // aborts with file:line:col: message
 * \endcode
 */
class PolicyConfigHelper
{
  public:
    PolicyConfigHelper();

    /**
     * Name a device of a node for the configuration (e.g. "eth1").
     * \param node the node
     * \param name the name
     * \param device a device of \p node
     */
    void SetDeviceName(Ptr<Node> node, const std::string& name, Ptr<NetDevice> device);

    /**
     * Name the node's devices as Linux would: \p prefix0, \p prefix1, ... for the devices
     * other than the loopback, in the order they were added to the node.
     * \param node the node
     * \param prefix the name prefix
     */
    void NameDevices(Ptr<Node> node, const std::string& prefix = "eth");

    /**
     * \param node the node
     * \param name a device name
     * \return the device of \p node that \p name names, or null
     */
    Ptr<NetDevice> FindDevice(Ptr<Node> node, const std::string& name) const;

    /**
     * \param node the node
     * \param interface an IPv4 interface index of the node
     * \return the name the configuration knows the interface by (as in the listings)
     */
    std::string GetInterfaceName(Ptr<Node> node, uint32_t interface) const;

    /**
     * Name a table id for every text applied, as /etc/iproute2/rt_tables does.
     * \param name the name
     * \param id the table (class) id
     * \return false if the name is not usable or names another id
     */
    bool DefineTable(const std::string& name, uint32_t id);

    /**
     * Where show, get and echo commands print (default std::cout); null: nowhere (the
     * output is in the result anyway). Output is written only when a text applies.
     * \param os the stream
     */
    void SetOutputStream(std::ostream* os);

    /**
     * Abort the simulation with the error message when a text does not apply (default
     * true); with false, ApplyText()/ApplyFile() return the errors instead.
     * \param abort whether to abort
     */
    void SetAbortOnError(bool abort);

    /**
     * The helper that creates shapers for `shapecfg attach` (attributes, queue).
     * \param helper the shaper helper
     */
    void SetShaperHelper(const ShaperHelper& helper);

    /**
     * Parse a text and apply it to a node, all or nothing.
     * \param node the node
     * \param text the configuration
     * \param name the file name in messages
     * \return the outcome
     */
    PolicyConfigResult ApplyText(Ptr<Node> node,
                                 const std::string& text,
                                 const std::string& name = "<config>");

    /**
     * Read, parse and apply a file, all or nothing.
     * \param node the node
     * \param path the file
     * \return the outcome
     */
    PolicyConfigResult ApplyFile(Ptr<Node> node, const std::string& path);

    /**
     * Apply parsed commands, all or nothing.
     * \param node the node
     * \param config the parser's outcome (with errors nothing is applied)
     * \return the outcome
     */
    PolicyConfigResult Apply(Ptr<Node> node, const ParsedConfig& config);

    /**
     * Parse a text and check it against a node without changing anything: parse errors and
     * what can be known before carrying the commands out (names, interfaces, shapers, rule
     * preferences). Never aborts.
     * \param node the node
     * \param text the configuration
     * \param name the file name in messages
     * \return the outcome (applied is false; errors empty if the checks pass)
     */
    PolicyConfigResult Check(Ptr<Node> node,
                             const std::string& text,
                             const std::string& name = "<config>") const;

    /**
     * Parse a text now (a parse error aborts at once) and apply it to \p node after
     * \p delay of simulated time (a failure then aborts). The helper's names, tables and
     * settings are copied now.
     * \param delay when, from now
     * \param node the node
     * \param text the configuration
     * \param name the file name in messages
     */
    void ScheduleText(Time delay,
                      Ptr<Node> node,
                      const std::string& text,
                      const std::string& name = "<config>") const;

    /**
     * As ScheduleText(), with the text read from a file now.
     * \param delay when, from now
     * \param node the node
     * \param path the file
     */
    void ScheduleFile(Time delay, Ptr<Node> node, const std::string& path) const;

  private:
    class Run;

    /// Apply \p config to \p node (used by scheduled applications).
    static void ApplyScheduled(std::shared_ptr<PolicyConfigHelper> helper,
                               Ptr<Node> node,
                               ParsedConfig config);

    /// Finish \p result: print the output, abort if asked to.
    PolicyConfigResult Finish(PolicyConfigResult result) const;

    PolicyConfigParser m_parser; //!< parser (with the table names)
    /// Names per node id: name -> device.
    std::map<uint32_t, std::map<std::string, Ptr<NetDevice>>> m_names;
    std::ostream* m_output; //!< where show/get/echo print
    bool m_abortOnError;    //!< abort when a text does not apply
    ShaperHelper m_shaper;  //!< creates shapers
};

} // namespace ns3

#endif /* POLICY_CONFIG_HELPER_H */
