/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "shaper-helper.h"

#include "ns3/abort.h"
#include "ns3/config.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/pcap-file-wrapper.h"
#include "ns3/queue.h"
#include "ns3/simulator.h"

#include <cstring>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("ShaperHelper");

/**
 * Write a packet to a Linux cooked capture (SLL, 16-byte header: packet type, ARPHRD type,
 * address length, 8 address bytes, protocol; all big-endian).
 */
void
ShaperHelper::CookedPcapSink(Ptr<PcapFileWrapper> file,
                             Ptr<const Packet> packet,
                             uint16_t protocol,
                             uint8_t packetType,
                             const Address& address)
{
    uint8_t addr[Address::MAX_SIZE];
    uint32_t len = address.CopyTo(addr);
    uint8_t sll[16];
    std::memset(sll, 0, sizeof(sll));
    sll[1] = packetType;
    uint16_t hatype = (len == 6) ? 1 : 0xfffe; // ARPHRD_ETHER, else ARPHRD_NONE
    sll[2] = hatype >> 8;
    sll[3] = hatype & 0xff;
    uint32_t copied = len < 8 ? len : 8;
    sll[5] = static_cast<uint8_t>(copied);
    std::memcpy(sll + 6, addr, copied);
    sll[14] = protocol >> 8;
    sll[15] = protocol & 0xff;
    Ptr<Packet> out = Create<Packet>(sll, sizeof(sll));
    out->AddAtEnd(packet);
    file->Write(Simulator::Now(), out);
}

ShaperHelper::ShaperHelper()
{
    m_deviceFactory.SetTypeId("ns3::ShaperNetDevice");
    m_queueFactory.SetTypeId("ns3::DropTailQueue<Packet>");
}

void
ShaperHelper::SetDeviceAttribute(std::string name, const AttributeValue& value)
{
    m_deviceFactory.Set(name, value);
}

void
ShaperHelper::SetQueue(std::string type)
{
    QueueBase::AppendItemTypeIfNotPresent(type, "Packet");
    m_queueFactory.SetTypeId(type);
    m_queueSet = true;
}

void
ShaperHelper::SetQueueAttribute(std::string name, const AttributeValue& value)
{
    m_queueFactory.Set(name, value);
    m_queueSet = true;
}

void
ShaperHelper::SetSpeed(DataRate rate)
{
    m_rate = rate;
    m_rateSet = true;
}

Ptr<ShaperNetDevice>
ShaperHelper::Install(Ptr<NetDevice> master) const
{
    return InstallPriv(master, m_rateSet ? &m_rate : nullptr);
}

Ptr<ShaperNetDevice>
ShaperHelper::Install(Ptr<NetDevice> master, DataRate rate) const
{
    return InstallPriv(master, &rate);
}

Ptr<ShaperNetDevice>
ShaperHelper::InstallPriv(Ptr<NetDevice> master, const DataRate* rate) const
{
    NS_ABORT_MSG_IF(!master, "ShaperHelper::Install: no master device");
    NS_ABORT_MSG_IF(!master->GetNode(), "ShaperHelper::Install: the master is on no node");
    Ptr<ShaperNetDevice> shaper = m_deviceFactory.Create<ShaperNetDevice>();
    DataRate speed = rate ? *rate : shaper->GetDataRate();
    if (m_queueSet)
    {
        shaper->SetQueue(m_queueFactory.Create<Queue<Packet>>());
    }
    master->GetNode()->AddDevice(shaper);
    shaper->Attach(master);     // shapecfg attach shaper0 eth1
    shaper->SetDataRate(speed); // shapecfg speed shaper0 <rate>: after attach, as Linux needs
    return shaper;
}

NetDeviceContainer
ShaperHelper::Install(const NetDeviceContainer& masters) const
{
    NetDeviceContainer shapers;
    for (auto i = masters.Begin(); i != masters.End(); ++i)
    {
        shapers.Add(Install(*i));
    }
    return shapers;
}

NetDeviceContainer
ShaperHelper::Install(const NetDeviceContainer& masters, DataRate rate) const
{
    NetDeviceContainer shapers;
    for (auto i = masters.Begin(); i != masters.End(); ++i)
    {
        shapers.Add(Install(*i, rate));
    }
    return shapers;
}

void
ShaperHelper::EnablePcapInternal(std::string prefix,
                                 Ptr<NetDevice> nd,
                                 bool promiscuous,
                                 bool explicitFilename)
{
    Ptr<ShaperNetDevice> device = nd->GetObject<ShaperNetDevice>();
    if (!device)
    {
        NS_LOG_INFO("ShaperHelper::EnablePcapInternal(): device " << nd
                                                                  << " is not a ShaperNetDevice");
        return;
    }
    PcapHelper pcapHelper;
    std::string filename =
        explicitFilename ? prefix : pcapHelper.GetFilenameFromDevice(prefix, device);
    // DLT_LINUX_SLL (113); spelled as a number because older ns-3 releases named the
    // enumerator differently.
    Ptr<PcapFileWrapper> file =
        pcapHelper.CreateFile(filename, std::ios::out, static_cast<PcapHelper::DataLinkType>(113));
    bool ok =
        device->TraceConnectWithoutContext("CookedSniffer",
                                           MakeBoundCallback(&ShaperHelper::CookedPcapSink, file));
    NS_ABORT_MSG_IF(!ok, "ShaperHelper::EnablePcapInternal: cannot hook CookedSniffer");
}

void
ShaperHelper::EnableAsciiInternal(Ptr<OutputStreamWrapper> stream,
                                  std::string prefix,
                                  Ptr<NetDevice> nd,
                                  bool explicitFilename)
{
    Ptr<ShaperNetDevice> device = nd->GetObject<ShaperNetDevice>();
    if (!device)
    {
        NS_LOG_INFO("ShaperHelper::EnableAsciiInternal(): device " << nd
                                                                   << " is not a ShaperNetDevice");
        return;
    }
    Packet::EnablePrinting();
    if (!stream)
    {
        AsciiTraceHelper asciiTraceHelper;
        std::string filename =
            explicitFilename ? prefix : asciiTraceHelper.GetFilenameFromDevice(prefix, device);
        Ptr<OutputStreamWrapper> theStream = asciiTraceHelper.CreateFileStream(filename);
        asciiTraceHelper.HookDefaultEnqueueSinkWithoutContext<ShaperNetDevice>(device,
                                                                               "Enqueue",
                                                                               theStream);
        asciiTraceHelper.HookDefaultDequeueSinkWithoutContext<ShaperNetDevice>(device,
                                                                               "Dequeue",
                                                                               theStream);
        asciiTraceHelper.HookDefaultDropSinkWithoutContext<ShaperNetDevice>(device,
                                                                            "MacTxDrop",
                                                                            theStream);
        asciiTraceHelper.HookDefaultReceiveSinkWithoutContext<ShaperNetDevice>(device,
                                                                               "MacRx",
                                                                               theStream);
        return;
    }
    std::ostringstream path;
    path << "/NodeList/" << nd->GetNode()->GetId() << "/DeviceList/" << nd->GetIfIndex()
         << "/$ns3::ShaperNetDevice/";
    Config::Connect(path.str() + "Enqueue",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultEnqueueSinkWithContext, stream));
    Config::Connect(path.str() + "Dequeue",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultDequeueSinkWithContext, stream));
    Config::Connect(path.str() + "MacTxDrop",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultDropSinkWithContext, stream));
    Config::Connect(path.str() + "MacRx",
                    MakeBoundCallback(&AsciiTraceHelper::DefaultReceiveSinkWithContext, stream));
}

} // namespace ns3
