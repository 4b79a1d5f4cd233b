/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "masquerade-table.h"

namespace ns3
{

MasqueradeTable::MasqueradeTable(uint16_t portMin, uint16_t portMax, int64_t timeout)
    : m_portMin(portMin),
      m_portMax(portMax),
      m_timeout(timeout),
      m_nextPort(portMin)
{
}

void
MasqueradeTable::Configure(uint16_t portMin, uint16_t portMax, int64_t timeout)
{
    m_portMin = portMin;
    m_portMax = portMax < portMin ? portMin : portMax;
    m_timeout = timeout;
    if (m_nextPort < m_portMin || m_nextPort > m_portMax)
    {
        m_nextPort = m_portMin;
    }
}

void
MasqueradeTable::Remove(std::map<InsideKey, Mapping>::iterator it)
{
    const Mapping& m = it->second;
    m_outside.erase(
        OutsideKey{m.protocol, m.outsideAddress, m.outsidePort, m.remoteAddress, m.remotePort});
    auto use = m_portUse.find({m.protocol, m.outsideAddress, m.outsidePort});
    if (use != m_portUse.end() && --use->second == 0)
    {
        m_portUse.erase(use);
    }
    m_inside.erase(it);
}

std::size_t
MasqueradeTable::Expire(int64_t now)
{
    if (m_timeout <= 0)
    {
        return 0;
    }
    std::size_t removed = 0;
    for (auto it = m_inside.begin(); it != m_inside.end();)
    {
        auto next = std::next(it);
        if (now - it->second.lastUsed > m_timeout)
        {
            Remove(it);
            ++removed;
        }
        it = next;
    }
    return removed;
}

std::optional<MasqueradeTable::Mapping>
MasqueradeTable::Outbound(uint8_t protocol,
                          uint32_t insideAddress,
                          uint16_t insidePort,
                          uint32_t outsideAddress,
                          uint32_t remoteAddress,
                          uint16_t remotePort,
                          int64_t now)
{
    const InsideKey key{protocol, insideAddress, insidePort, remoteAddress, remotePort};
    auto it = m_inside.find(key);
    if (it != m_inside.end() && m_timeout > 0 && now - it->second.lastUsed > m_timeout)
    {
        // Expired: gone, as Inbound and Expire treat it; the flow gets a new mapping.
        Remove(it);
        it = m_inside.end();
    }
    if (it != m_inside.end() && it->second.outsideAddress == outsideAddress)
    {
        it->second.lastUsed = now;
        return it->second;
    }
    if (it != m_inside.end())
    {
        Remove(it); // the flow now leaves through another address
    }
    Expire(now);

    // The next free port of the range after the last one allocated; each mapping has its own
    // port, and replies must come from the mapping's remote (address, port).
    const uint32_t span = uint32_t(m_portMax) - m_portMin + 1;
    for (uint32_t k = 0; k < span; ++k)
    {
        const uint32_t port = m_portMin + (m_nextPort - m_portMin + k) % span;
        const OutsideKey out{protocol,
                             outsideAddress,
                             static_cast<uint16_t>(port),
                             remoteAddress,
                             remotePort};
        if (m_portUse.count({protocol, outsideAddress, static_cast<uint16_t>(port)}) ||
            m_outside.count(out))
        {
            continue;
        }
        Mapping m;
        m.protocol = protocol;
        m.insideAddress = insideAddress;
        m.insidePort = insidePort;
        m.outsideAddress = outsideAddress;
        m.outsidePort = static_cast<uint16_t>(port);
        m.remoteAddress = remoteAddress;
        m.remotePort = remotePort;
        m.lastUsed = now;
        m_inside.emplace(key, m);
        m_outside.emplace(out, key);
        ++m_portUse[{protocol, outsideAddress, m.outsidePort}];
        m_nextPort = port + 1 > m_portMax ? m_portMin : port + 1;
        return m;
    }
    return std::nullopt;
}

std::optional<MasqueradeTable::Mapping>
MasqueradeTable::Inbound(uint8_t protocol,
                         uint32_t outsideAddress,
                         uint16_t outsidePort,
                         uint32_t remoteAddress,
                         uint16_t remotePort,
                         int64_t now)
{
    auto it = m_outside.find({protocol, outsideAddress, outsidePort, remoteAddress, remotePort});
    if (it == m_outside.end())
    {
        return std::nullopt;
    }
    auto in = m_inside.find(it->second);
    if (m_timeout > 0 && now - in->second.lastUsed > m_timeout)
    {
        Remove(in);
        return std::nullopt;
    }
    in->second.lastUsed = now;
    return in->second;
}

void
MasqueradeTable::Clear()
{
    m_inside.clear();
    m_outside.clear();
    m_portUse.clear();
    m_nextPort = m_portMin;
}

} // namespace ns3
