/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Spellings that differ between the ns-3 versions this module builds against (3.31 .. 3.48),
 * resolved in C++ rather than with version macros (which an ns-3 source tree does not always
 * define).
 */

#ifndef POLICY_ROUTING_COMPAT_H
#define POLICY_ROUTING_COMPAT_H

#include "ns3/enum.h"

namespace ns3
{
namespace policyrouting
{

/// \return true for a class template (the probe below), false for a class
template <template <typename...> class>
constexpr bool
IsClassTemplate(int)
{
    return true;
}

/// \return false: the argument is a class, not a class template
template <class>
constexpr bool
IsClassTemplate(long)
{
    return false;
}

/// true from ns-3.41, where EnumValue became a class template
constexpr bool TEMPLATED_ENUM_VALUE = IsClassTemplate<EnumValue>(0);

/**
 * MakeEnumAccessor for a data member of enum type: `MakeEnumAccessor(&C::m)` before ns-3.41,
 * `MakeEnumAccessor<E>(&C::m)` after.
 * \param member the member
 * \return the accessor
 */
template <typename E, typename C>
Ptr<const AttributeAccessor>
EnumAccessor(E C::*member)
{
    if constexpr (TEMPLATED_ENUM_VALUE)
    {
        return MakeEnumAccessor<E>(member);
    }
    else
    {
        return MakeEnumAccessor(member);
    }
}

/**
 * MakeEnumAccessor for a setter/getter pair of enum type.
 * \param set the setter
 * \param get the getter
 * \return the accessor
 */
template <typename E, typename C>
Ptr<const AttributeAccessor>
EnumAccessor(void (C::*set)(E), E (C::*get)() const)
{
    if constexpr (TEMPLATED_ENUM_VALUE)
    {
        return MakeEnumAccessor<E>(set, get);
    }
    else
    {
        return MakeEnumAccessor(set, get);
    }
}

} // namespace policyrouting
} // namespace ns3

#endif /* POLICY_ROUTING_COMPAT_H */
