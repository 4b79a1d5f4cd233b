/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The configuration language of the module: text commands, one per line, in the dialects a
 * Linux router was configured with (the seed's 2.1 `iproute`, net-tools `route`/`ifconfig`,
 * `shapecfg`, modern iproute2 `ip rule`/`ip route`/`ip addr`/`ip link`, `sysctl`), parsed into
 * typed commands. Pure: no simulator, no ns-3 objects; devices are names resolved later by
 * PolicyConfigHelper. See doc/configuration-language.md for the grammar.
 */

#ifndef POLICY_CONFIG_H
#define POLICY_CONFIG_H

#include "policy-database.h"
#include "route-class.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ns3
{

/**
 * \ingroup policy-routing
 * A position in a configuration text.
 */
struct ConfigLocation
{
    std::string file;   //!< file name as given to the parser
    uint32_t line{0};   //!< line, from 1 (0: the file as a whole)
    uint32_t column{0}; //!< column, from 1 (a tab counts as one column)

    /// \return "file:line:column", or "file" when line is 0
    std::string ToString() const;
};

/**
 * \ingroup policy-routing
 * A message about a configuration text, with its position: an error (the text is refused)
 * or a note (something accepted and ignored, or a default chosen).
 */
struct ConfigDiagnostic
{
    std::string file;    //!< file name
    uint32_t line{0};    //!< line, from 1 (0: the file as a whole)
    uint32_t column{0};  //!< column, from 1
    std::string message; //!< what is wrong or noteworthy, and what was expected

    /// \return "file:line:column: message" (or "file: message" when line is 0)
    std::string ToString() const;

    /// \return the position
    ConfigLocation Where() const
    {
        return ConfigLocation{file, line, column};
    }
};

/// A configuration error: the whole text is refused.
using ConfigError = ConfigDiagnostic;
/// A note: accepted, but worth knowing (ignored keywords, defaults chosen).
using ConfigNote = ConfigDiagnostic;

/**
 * \ingroup policy-routing
 * The command families of the language.
 */
enum class ConfigDialect : uint8_t
{
    IPROUTE_2_1, //!< the seed's Linux 2.1 `iproute` (classes, rules with own routes)
    IPROUTE2,    //!< modern iproute2 `ip rule`, `ip route`, `ip addr`, `ip link`
    NET_TOOLS,   //!< net-tools `route` and `ifconfig`
    SHAPECFG,    //!< `shapecfg` of the Linux shaper
    SYSCTL,      //!< `sysctl` and `echo ... > /proc/sys/...`, `echo` to the output
};

/// \return the name of \p d ("iproute", "ip", "net-tools", "shapecfg", "sysctl")
const char* ConfigDialectName(ConfigDialect d);

/**
 * \ingroup policy-routing
 * A device named in a command (eth0, shaper0, lo), resolved by the applier.
 */
struct DeviceRef
{
    std::string name;     //!< the name as written; empty when no device was given
    ConfigLocation where; //!< where the name is written

    /// \return true if a device was given
    bool IsSet() const
    {
        return !name.empty();
    }
};

/**
 * `iproute add`, `ip route add|replace|prepend|append|change`, `route add`: add a node to a
 * class.
 */
struct RouteAddCommand
{
    RouteEntry entry; //!< the node; entry.info.interface is set by the applier from dev
    /// The class; CLASS_UNSPEC lets the node's FibModel choose (seed `iproute add` without
    /// class, net-tools `route add`), as Linux 2.1 did.
    uint32_t classId{CLASS_UNSPEC};
    InsertMode mode{InsertMode::ADD}; //!< duplicate handling
    bool mustExist{false};            //!< `ip route change`: fail if no node has the key
    bool kernelProto{false};          //!< `proto kernel`: a pasted kernel route; an identical node
                                      //!< already present is accepted with a note
    bool hasSource{false};            //!< `src ADDR` was given
    DeviceRef dev;                    //!< output device
};

/// `iproute del`, `ip route del`, `route del`: delete the first matching node of a class.
struct RouteDeleteCommand
{
    RouteSelector selector;         //!< which node; the interface is set from dev
    uint32_t classId{CLASS_UNSPEC}; //!< class; CLASS_UNSPEC: chosen as for an add
    DeviceRef dev;                  //!< compare the output device
};

/// `ip route flush table N|all [dev D]`: delete the nodes of a class (or of all classes).
struct RouteFlushCommand
{
    std::optional<uint32_t> classId; //!< the class; empty: every class (`table all`)
    DeviceRef dev;                   //!< only nodes through this device
};

/// `ip route show [table N|all]`, `route -n`: print the nodes of a class (or all classes).
struct RouteShowCommand
{
    std::optional<uint32_t> classId; //!< the class; empty: every class
};

/// `ip route get ADDR [from ADDR] [iif D] [oif D] [tos T]`: print the routing decision.
struct RouteGetCommand
{
    uint32_t destination{0};        //!< destination (host order)
    std::optional<uint32_t> source; //!< source, if given
    uint8_t tos{0};                 //!< TOS
    DeviceRef iif;                  //!< input device: a forwarded packet (else local)
    DeviceRef oif;                  //!< output device a local sender is bound to
};

/// `iproute addrule`, `ip rule add`: add a rule.
struct RuleAddCommand
{
    PolicyRule rule;                    //!< the rule; interfaces set by the applier
    std::optional<uint32_t> preference; //!< explicit preference
    DeviceRef iif;                      //!< input device selector
    DeviceRef oif;                      //!< output device selector
    DeviceRef routeDev;                 //!< device of the rule's own route
};

/// `iproute delrule`, `ip rule del`: delete the first matching rule.
struct RuleDeleteCommand
{
    RuleSelector selector; //!< which rule; interfaces set by the applier
    DeviceRef iif;         //!< compare the input device
    DeviceRef oif;         //!< compare the output device
};

/// `ip rule flush`: delete every rule except the ones of preference 0.
struct RuleFlushCommand
{
};

/// `iproute -r` (seed listing), `ip rule show` (modern listing).
struct RuleShowCommand
{
    bool seedStyle{false}; //!< the seed's `iproute -r` table instead of `ip rule show`
};

/// `shapecfg attach SHAPER MASTER`.
struct ShaperAttachCommand
{
    DeviceRef shaper; //!< the shaper (created if no device has that name)
    DeviceRef master; //!< the device it shapes
};

/// `shapecfg speed SHAPER BPS`.
struct ShaperSpeedCommand
{
    DeviceRef shaper;          //!< the shaper
    uint64_t bitsPerSecond{0}; //!< the speed in bit/s
};

/// `ifconfig`, `ip addr add|del|flush`, `ip link set`: IPv4 interface configuration.
struct InterfaceCommand
{
    /// What is done.
    enum Kind : uint8_t
    {
        IFCONFIG,       //!< ifconfig: replace the primary address, then up/down
        ADDRESS_ADD,    //!< ip addr add/replace: add an address
        ADDRESS_DELETE, //!< ip addr del: remove an address
        ADDRESS_FLUSH,  //!< ip addr flush: remove every address
        LINK_SET,       //!< ip link set: up/down
    };

    Kind kind{IFCONFIG};               //!< what is done
    DeviceRef dev;                     //!< the device
    bool hasAddress{false};            //!< an address is given
    uint32_t address{0};               //!< the address (host order)
    uint8_t length{0};                 //!< its prefix length
    std::optional<uint32_t> broadcast; //!< explicit broadcast address
    bool replace{false};               //!< ip addr replace: no error if present
    std::optional<bool> up;            //!< bring the interface up (true) or down (false)
};

/// `sysctl -w KEY=VALUE`, `echo VALUE > /proc/sys/...`: the modelled kernel settings.
struct SysctlCommand
{
    /// The setting.
    enum Key : uint8_t
    {
        FORWARDING, //!< net.ipv4.ip_forward, net.ipv4.conf.{all,default,DEV}.forwarding
        FIB_MODEL,  //!< net.ipv4.ip_fib_model (Linux 2.1): 0, 1 or 2
    };

    Key key{FORWARDING};     //!< the setting
    std::string name;        //!< the key as written, dotted (net.ipv4.ip_forward)
    DeviceRef dev;           //!< conf.DEV.forwarding: the device
    bool defaultOnly{false}; //!< conf.default.forwarding: interfaces created later only
    uint32_t value{0};       //!< the value
};

/// `echo TEXT` (without a redirection): print TEXT to the output.
struct EchoCommand
{
    std::string text; //!< what to print (without the newline)
};

/// The body of a command.
using ConfigCommandBody = std::variant<RouteAddCommand,
                                       RouteDeleteCommand,
                                       RouteFlushCommand,
                                       RouteShowCommand,
                                       RouteGetCommand,
                                       RuleAddCommand,
                                       RuleDeleteCommand,
                                       RuleFlushCommand,
                                       RuleShowCommand,
                                       ShaperAttachCommand,
                                       ShaperSpeedCommand,
                                       InterfaceCommand,
                                       SysctlCommand,
                                       EchoCommand>;

/**
 * \ingroup policy-routing
 * One parsed command.
 */
struct ConfigCommand
{
    ConfigLocation where;                           //!< position of its first word
    ConfigDialect dialect{ConfigDialect::IPROUTE2}; //!< family
    std::string text;                               //!< the words, joined by one space
    ConfigCommandBody body;                         //!< what to do

    /// \return the body as a T, or nullptr
    template <class T>
    const T* As() const
    {
        return std::get_if<T>(&body);
    }
};

/**
 * \ingroup policy-routing
 * The outcome of parsing: the commands, or the errors (then no command at all).
 */
struct ParsedConfig
{
    std::string file;                    //!< file name
    std::vector<ConfigCommand> commands; //!< the commands in order; empty if any error
    std::vector<ConfigError> errors;     //!< errors, in text order (at most one per command)
    std::vector<ConfigNote> notes;       //!< notes, in text order

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
 * \brief Parses configuration text into commands.
 *
 * Lines: one command per line; `;` separates commands on a line; `\` at the end of a line
 * (blanks and a comment may follow) joins the next one; `#` at the start of a word begins a
 * comment; "double" and 'single' quotes group words. Numbers are decimal or 0x hexadecimal,
 * except TOS values, which are hexadecimal as in iproute2 ("tos 10" is 0x10) or a name
 * (lowdelay, throughput, reliability, mincost). A text with any error yields no command.
 *
 * \code
 *   PolicyConfigParser parser;
 *   ParsedConfig c = parser.Parse("ip rule add from 10.1.0.0/16 lookup 100\n", "lab.cfg");
 *   if (!c.Ok()) { std::cerr << c.ErrorText(); }
 * \endcode
 */
class PolicyConfigParser
{
  public:
    PolicyConfigParser();

    /**
     * Name a table (class) id, as a line of /etc/iproute2/rt_tables does. The names local
     * (255), main (254), default (253) and unspec (0) are predefined; a text can define more
     * with `echo "100 isp1" >> /etc/iproute2/rt_tables` (valid from that line on).
     * \param name the name (not a number, not a predefined name)
     * \param id the id
     * \return false if the name is not usable or already names another id
     */
    bool DefineTable(const std::string& name, uint32_t id);

    /// \return the table names known before any text is parsed, name -> id
    const std::map<std::string, uint32_t>& GetTables() const
    {
        return m_tables;
    }

    /**
     * Stop after this many errors (0: report every error; the default is 0). Parsing goes on
     * with the next command after an error, so each erroneous command reports its first
     * error.
     * \param n the limit
     */
    void SetMaxErrors(std::size_t n)
    {
        m_maxErrors = n;
    }

    /**
     * Parse a text.
     * \param text the configuration
     * \param file the file name used in messages
     * \return commands, errors and notes
     */
    ParsedConfig Parse(const std::string& text, const std::string& file = "<config>") const;

    /**
     * Read and parse a file.
     * \param path its path (also the name in messages)
     * \return commands, errors and notes; an unreadable file is an error
     */
    ParsedConfig ParseFile(const std::string& path) const;

  private:
    std::map<std::string, uint32_t> m_tables; //!< table names
    std::size_t m_maxErrors{0};               //!< error limit (0: none)
};

} // namespace ns3

#endif /* POLICY_CONFIG_H */
