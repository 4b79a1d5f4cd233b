# Tests of the OSPF-classes and TOS-classes examples (out-of-tree builds; included from
# examples/CMakeLists.txt):
#
#  * (their determinism tests, example-hashes/ospf-classes and example-hashes/tos-classes,
#    are registered with the other examples' in policy-examples-tests.cmake)
#  * ospf-classes-via-config: the OSPF example installed through the seed's iproute commands
#    (PolicyConfigHelper) writes the same CSV as through the API.
#  * tos-classes-plot: runs the TOS example and draws the path per TOS (skipped, exit 77,
#    without matplotlib; /usr/bin/python3 is Debian's, with it).

if(POLICY_ROUTING_OUT_OF_TREE)
  # The OSPF example installed through iproute commands: the same CSV as through the API.
  set(via ${CMAKE_CURRENT_BINARY_DIR}/ospf-classes-via-config)
  add_test(NAME ospf-classes-via-config
           COMMAND sh -c "rm -rf '${via}' && mkdir -p '${via}/api' '${via}/config' && \
'$<TARGET_FILE:ospf-classes>' --pcap=0 --outDir='${via}/api' >/dev/null && \
'$<TARGET_FILE:ospf-classes>' --pcap=0 --viaConfig --outDir='${via}/config' >/dev/null && \
cmp '${via}/api/ospf-classes.csv' '${via}/config/ospf-classes.csv' && \
cmp '${via}/api/ospf-classes-routers.txt' '${via}/config/ospf-classes-routers.txt'"
  )

  find_program(OSPF_TOS_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(NOT OSPF_TOS_SYSTEM_PYTHON)
    find_program(OSPF_TOS_SYSTEM_PYTHON python3)
  endif()
  add_test(NAME tos-classes-plot
           COMMAND ${OSPF_TOS_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/tos-classes-plot.py
                   --run $<TARGET_FILE:tos-classes>
                   --out ${CMAKE_CURRENT_BINARY_DIR}/tos-classes-plot
  )
  set_tests_properties(tos-classes-plot PROPERTIES SKIP_RETURN_CODE 77)
endif()
