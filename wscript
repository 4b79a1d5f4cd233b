# -*- Mode: python; py-indent-offset: 4; indent-tabs-mode: nil; coding: utf-8; -*-
#
# waf build for ns-3 <= 3.35 (copy this folder to <ns-3>/contrib/policy-routing).
# The module needs C++17: ns-3.35's waf uses it by default; on older trees configure with
# --cxx-standard=-std=c++17. The file lists must name the same files as CMakeLists.txt
# (scripts/check-file-lists checks it).


def build(bld):
    module = bld.create_ns3_module('policy-routing', ['internet', 'network', 'core'])
    module.source = [
        'helper/ipv4-policy-routing-helper.cc',
        'helper/ospf-classes-helper.cc',
        'helper/policy-config-helper.cc',
        'helper/policy-layout.cc',
        'helper/shaper-helper.cc',
        'helper/tos-classes-helper.cc',
        'model/ipv4-policy-routing.cc',
        'model/lpm-index.cc',
        'model/masquerade-table.cc',
        'model/policy-config.cc',
        'model/policy-database.cc',
        'model/policy-scenario.cc',
        'model/route-class.cc',
        'model/rule-index.cc',
        'model/shaper-net-device.cc',
        ]

    module_test = bld.create_ns3_module_test_library('policy-routing')
    module_test.source = [
        'test/ipv4-policy-routing-attributes-test-suite.cc',
        'test/ipv4-policy-routing-interfaces-test-suite.cc',
        'test/ipv4-policy-routing-nat-test-suite.cc',
        'test/ipv4-policy-routing-rules-test-suite.cc',
        'test/ipv4-policy-routing-test-suite.cc',
        'test/policy-config-test-suite.cc',
        'test/policy-routing-ospf-classes-test-suite.cc',
        'test/policy-routing-tos-classes-test-suite.cc',
        'test/route-class-test-suite.cc',
        'test/shaper-ipv4-test-suite.cc',
        'test/shaper-net-device-test-suite.cc',
        ]

    headers = bld(features='ns3header')
    headers.module = 'policy-routing'
    headers.source = [
        'helper/ipv4-policy-routing-helper.h',
        'helper/ospf-classes-helper.h',
        'helper/policy-config-helper.h',
        'helper/policy-layout.h',
        'helper/shaper-helper.h',
        'helper/tos-classes-helper.h',
        'model/ipv4-policy-routing.h',
        'model/lpm-index.h',
        'model/masquerade-table.h',
        'model/policy-config.h',
        'model/policy-database.h',
        'model/policy-scenario.h',
        'model/policy-routing-compat.h',
        'model/route-class.h',
        'model/rule-index.h',
        'model/shaper-net-device.h',
        ]

    if bld.env.ENABLE_EXAMPLES:
        bld.recurse('examples')
