/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * ShaperHelper: the "shapecfg attach shaper0 eth1; shapecfg speed shaper0 64000" workflow
 * for ShaperNetDevice, with pcap and ascii tracing on the shaper.
 */

#ifndef SHAPER_HELPER_H
#define SHAPER_HELPER_H

#include "ns3/data-rate.h"
#include "ns3/net-device-container.h"
#include "ns3/object-factory.h"
#include "ns3/shaper-net-device.h"
#include "ns3/trace-helper.h"

#include <string>

namespace ns3
{

/**
 * \ingroup policy-routing-shaper
 * \brief Creates shapers, adds them to their master's node, attaches them and sets their
 * speed; enables pcap (Linux cooked capture) and ascii traces on them.
 *
 * \code
 *   ShaperHelper shaper;
 *   shaper.SetSpeed(DataRate("64kb/s"));                     // shapecfg speed shaper0 64000
 *   Ptr<ShaperNetDevice> s = shaper.Install(eth1);           // shapecfg attach shaper0 eth1
 *   // ifconfig shaper0 <eth1's address> up
 *   Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
 *   uint32_t i = ipv4->AddInterface(s);
 *   ipv4->AddAddress(i, Ipv4InterfaceAddress("10.1.1.1", "255.255.255.0"));
 *   ipv4->SetUp(i);
 *   // route add -net 10.9.0.0 netmask 255.255.0.0 dev shaper0 (e.g. Ipv4StaticRouting)
 *   shaper.EnablePcap("shaper", s);
 * \endcode
 *
 * The speed is applied after attaching, so it holds in Linux mode too (where attaching
 * resets it, as in the driver).
 */
class ShaperHelper : public PcapHelperForDevice, public AsciiTraceHelperForDevice
{
  public:
    ShaperHelper();

    /**
     * Write a frame the shaper sent or received (its CookedSniffer trace) to a Linux cooked
     * capture (SLL: a 16-byte header of packet type, ARPHRD type, address length, 8 address
     * bytes and protocol, all big-endian), as EnablePcap does.
     * \param file the pcap file (DLT_LINUX_SLL)
     * \param packet the frame's payload
     * \param protocol its EtherType
     * \param packetType the SLL packet type (0 to us, 1 broadcast, 2 multicast, 3 other host,
     *        4 sent by us)
     * \param address the peer's link-layer address
     */
    static void CookedPcapSink(Ptr<PcapFileWrapper> file,
                               Ptr<const Packet> packet,
                               uint16_t protocol,
                               uint8_t packetType,
                               const Address& address);

    /**
     * Set an attribute of the shapers to create (e.g. "Mode", "Burst", "Hz", "Overhead").
     * \param name the attribute name
     * \param value the value
     */
    void SetDeviceAttribute(std::string name, const AttributeValue& value);

    /**
     * Use a queue of this type as the transmit queue of the shapers to create.
     * \param type the type, e.g. "ns3::DropTailQueue<Packet>" ("<Packet>" may be omitted)
     */
    void SetQueue(std::string type);

    /**
     * Set an attribute of the transmit queues to create (e.g. "MaxSize").
     * \param name the attribute name
     * \param value the value
     */
    void SetQueueAttribute(std::string name, const AttributeValue& value);

    /**
     * Set the speed of the shapers to create ("shapecfg speed"). Without it, the DataRate
     * attribute (SetDeviceAttribute, or its default) is used.
     * \param rate the speed
     */
    void SetSpeed(DataRate rate);

    /**
     * Create a shaper, add it to the master's node, attach it and set its speed.
     * \param master the device to shape
     * \return the shaper
     */
    Ptr<ShaperNetDevice> Install(Ptr<NetDevice> master) const;

    /**
     * As Install(master), at this speed.
     * \param master the device to shape
     * \param rate the speed
     * \return the shaper
     */
    Ptr<ShaperNetDevice> Install(Ptr<NetDevice> master, DataRate rate) const;

    /**
     * One shaper per device of the container.
     * \param masters the devices to shape
     * \return the shapers, in the same order
     */
    NetDeviceContainer Install(const NetDeviceContainer& masters) const;

    /**
     * One shaper per device of the container, at this speed.
     * \param masters the devices to shape
     * \param rate the speed
     * \return the shapers, in the same order
     */
    NetDeviceContainer Install(const NetDeviceContainer& masters, DataRate rate) const;

  private:
    /**
     * Create, add, attach, set the speed.
     * \param master the device to shape
     * \param rate the speed, or null for the DataRate attribute
     * \return the shaper
     */
    Ptr<ShaperNetDevice> InstallPriv(Ptr<NetDevice> master, const DataRate* rate) const;

    /**
     * Pcap on a shaper: Linux cooked capture (DLT_LINUX_SLL), so that IPv4, ARP and
     * anything else the shaper carries decode, with the shaped timestamps.
     * \param prefix file name prefix
     * \param nd the device (ignored unless a ShaperNetDevice)
     * \param promiscuous ignored (the shaper sees only its own traffic)
     * \param explicitFilename use prefix as the file name
     */
    void EnablePcapInternal(std::string prefix,
                            Ptr<NetDevice> nd,
                            bool promiscuous,
                            bool explicitFilename) override;

    /**
     * Ascii traces on a shaper: "+" Enqueue, "-" Dequeue (release at the shaped time),
     * "d" MacTxDrop, "r" MacRx.
     * \param stream the stream, or null for one file per device
     * \param prefix file name prefix
     * \param nd the device (ignored unless a ShaperNetDevice)
     * \param explicitFilename use prefix as the file name
     */
    void EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                             std::string prefix,
                             Ptr<NetDevice> nd,
                             bool explicitFilename) override;

    ObjectFactory m_deviceFactory; //!< shaper factory
    ObjectFactory m_queueFactory;  //!< queue factory
    bool m_queueSet{false};        //!< SetQueue was called
    DataRate m_rate;               //!< speed
    bool m_rateSet{false};         //!< SetSpeed was called
};

} // namespace ns3

#endif /* SHAPER_HELPER_H */
