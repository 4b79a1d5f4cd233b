/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Per-flow mappings of MASQUERADE rules (Linux 2.0/2.2 ip_masq): an inside (address, port)
 * talking to a remote (address, port) is seen outside as (router address, masquerade port).
 * No simulator state: times are passed in as nanoseconds.
 */

#ifndef MASQUERADE_TABLE_H
#define MASQUERADE_TABLE_H

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>

namespace ns3
{

/**
 * \ingroup policy-routing
 * \brief Masquerade mappings with port allocation and idle expiry.
 *
 * A mapping is keyed on the inside by (protocol, inside address, inside port, remote address,
 * remote port) and on the outside by (protocol, outside address, outside port, remote address,
 * remote port). Outside ports come from [portMin, portMax], the next free one after the last
 * allocated (deterministic). For ICMP echo the "port" is the echo identifier and the remote
 * port is 0; for protocols without ports both ports are 0.
 */
class MasqueradeTable
{
  public:
    /// One mapping.
    struct Mapping
    {
        uint8_t protocol{0};        //!< IP protocol
        uint32_t insideAddress{0};  //!< inside host
        uint16_t insidePort{0};     //!< inside port / echo id
        uint32_t outsideAddress{0}; //!< router address it is masqueraded as
        uint16_t outsidePort{0};    //!< masquerade port / echo id
        uint32_t remoteAddress{0};  //!< remote host
        uint16_t remotePort{0};     //!< remote port
        int64_t lastUsed{0};        //!< last use (ns)
    };

    /**
     * \param portMin first masquerade port
     * \param portMax last masquerade port
     * \param timeout idle time (ns) after which a mapping expires
     */
    MasqueradeTable(uint16_t portMin = 61000, uint16_t portMax = 65095, int64_t timeout = 0);

    /// Set the port range and idle timeout (ns, 0 = never expire).
    void Configure(uint16_t portMin, uint16_t portMax, int64_t timeout);

    /**
     * Find or create the mapping of an outgoing packet.
     * \return the mapping, or nothing if every port of the range is in use
     */
    std::optional<Mapping> Outbound(uint8_t protocol,
                                    uint32_t insideAddress,
                                    uint16_t insidePort,
                                    uint32_t outsideAddress,
                                    uint32_t remoteAddress,
                                    uint16_t remotePort,
                                    int64_t now);

    /**
     * Find the mapping of an incoming packet (a reply) and refresh it.
     * \return the mapping, or nothing
     */
    std::optional<Mapping> Inbound(uint8_t protocol,
                                   uint32_t outsideAddress,
                                   uint16_t outsidePort,
                                   uint32_t remoteAddress,
                                   uint16_t remotePort,
                                   int64_t now);

    /// Remove mappings idle for longer than the timeout. \return how many were removed
    std::size_t Expire(int64_t now);

    /// \return number of mappings
    std::size_t GetSize() const
    {
        return m_inside.size();
    }

    /// Remove every mapping.
    void Clear();

  private:
    using InsideKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t, uint16_t>;
    using OutsideKey = std::tuple<uint8_t, uint32_t, uint16_t, uint32_t, uint16_t>;

    void Remove(std::map<InsideKey, Mapping>::iterator it);

    uint16_t m_portMin;
    uint16_t m_portMax;
    int64_t m_timeout;
    uint32_t m_nextPort;
    std::map<InsideKey, Mapping> m_inside;
    std::map<OutsideKey, InsideKey> m_outside;
    std::map<std::tuple<uint8_t, uint32_t, uint16_t>, uint32_t> m_portUse; //!< (proto, outside
                                                                           //!< address, port)
};

} // namespace ns3

#endif /* MASQUERADE_TABLE_H */
