# Tests of the OSPF-classes and TOS-classes examples (out-of-tree builds; included from
# examples/CMakeLists.txt):
#
#  * ospf-classes-determinism, tos-classes-determinism: run the example twice with a fixed seed,
#    each time into an empty directory, and compare the sha256 of every file it writes (pcaps,
#    CSV, listings, configurations): the two runs must be byte-identical, and equal to the
#    hashes stored in examples/<example>.sha256. The stored hashes hold for one ns-3 version
#    (its "# ns-3 X.Y" line): timings, ARP and the pcap writer may change between versions.
#    Built against another version, only the two runs are compared and the test reports
#    "SKIPPED: stored hashes are for ns-3 ...". The examples also exit non-zero if a flow's
#    path differs from the one the routing tables predict (ospf-classes) or from RFC 1812
#    E.3.2 (tos-classes), so these tests check that too.
#    Update mode, after a deliberate change:  OSPF_TOS_UPDATE_HASHES=1 ctest -R determinism
#  * ospf-classes-via-config: the OSPF example installed through the seed's iproute commands
#    (PolicyConfigHelper) writes the same CSV as through the API.
#  * tos-classes-plot: runs the TOS example and draws the path per TOS (skipped, exit 77,
#    without matplotlib; /usr/bin/python3 is Debian's, with it).
#
# This file is also the script the determinism tests run (cmake -P with OT_EXAMPLE defined).

if(DEFINED OT_EXAMPLE)
  separate_arguments(args UNIX_COMMAND "${OT_ARGS}")
  foreach(n 1 2)
    set(dir ${OT_OUT}/run${n})
    file(REMOVE_RECURSE ${dir})
    file(MAKE_DIRECTORY ${dir})
    execute_process(
      COMMAND ${OT_EXAMPLE} ${args} --outDir=${dir}
      RESULT_VARIABLE rc
      OUTPUT_FILE ${OT_OUT}/run${n}.log
      ERROR_FILE ${OT_OUT}/run${n}.log
    )
    if(NOT rc EQUAL 0)
      file(READ ${OT_OUT}/run${n}.log log)
      message(FATAL_ERROR "${OT_NAME} ${OT_ARGS} failed (${rc}):\n${log}")
    endif()
    file(GLOB files RELATIVE ${dir} ${dir}/*)
    list(SORT files)
    set(lines "")
    foreach(f ${files})
      file(SHA256 ${dir}/${f} h)
      string(APPEND lines "${h}  ${f}\n")
    endforeach()
    set(digest${n} "${lines}")
  endforeach()
  if(NOT digest1 STREQUAL digest2)
    message(FATAL_ERROR "${OT_NAME}: two runs with the same seed differ:\n--- run 1\n"
                        "${digest1}--- run 2\n${digest2}")
  endif()
  string(CONCAT header
         "# sha256 of the files `${OT_NAME} ${OT_ARGS} --outDir=DIR` writes\n"
         "# (hashes are per ns-3 version; OSPF_TOS_UPDATE_HASHES=1 ctest -R determinism)\n"
         "# ns-3 ${OT_NS3_VERSION}\n")
  if("$ENV{OSPF_TOS_UPDATE_HASHES}" STREQUAL "1")
    file(WRITE ${OT_HASHES} "${header}${digest1}")
    message(STATUS "${OT_NAME}: wrote ${OT_HASHES}")
    return()
  endif()
  if(NOT EXISTS ${OT_HASHES})
    message(FATAL_ERROR "${OT_HASHES} is missing (OSPF_TOS_UPDATE_HASHES=1 writes it)")
  endif()
  file(STRINGS ${OT_HASHES} stored_version REGEX "^# ns-3 ")
  string(REGEX REPLACE "^# ns-3 " "" stored_version "${stored_version}")
  if(NOT stored_version STREQUAL OT_NS3_VERSION)
    message(STATUS "SKIPPED: stored hashes are for ns-3 ${stored_version}, this is "
                   "${OT_NS3_VERSION} (the two runs agree with each other)")
    return()
  endif()
  file(STRINGS ${OT_HASHES} stored REGEX "^[0-9a-f]+  ")
  string(REPLACE ";" "\n" stored "${stored}")
  string(APPEND stored "\n")
  if(NOT stored STREQUAL digest1)
    message(FATAL_ERROR "${OT_NAME}: the outputs differ from ${OT_HASHES}:\n--- stored\n"
                        "${stored}--- now\n${digest1}(deliberate? OSPF_TOS_UPDATE_HASHES=1 "
                        "ctest -R determinism)")
  endif()
  message(STATUS "${OT_NAME}: two runs byte-identical and equal to the stored hashes "
                 "(ns-3 ${stored_version}):\n${digest1}")
  return()
endif()

if(POLICY_ROUTING_OUT_OF_TREE)
  set(ospf_tos_ns3_version "${ns3_VERSION}")
  if(NOT ospf_tos_ns3_version)
    set(ospf_tos_ns3_version "unknown")
  endif()
  foreach(example ospf-classes tos-classes)
    add_test(NAME ${example}-determinism
             COMMAND ${CMAKE_COMMAND} -DOT_EXAMPLE=$<TARGET_FILE:${example}> -DOT_NAME=${example}
                     "-DOT_ARGS=--seed=1 --run=1"
                     -DOT_OUT=${CMAKE_CURRENT_BINARY_DIR}/${example}-determinism
                     -DOT_HASHES=${CMAKE_CURRENT_SOURCE_DIR}/${example}.sha256
                     -DOT_NS3_VERSION=${ospf_tos_ns3_version} -P
                     ${CMAKE_CURRENT_LIST_FILE}
    )
    set_tests_properties(${example}-determinism
                         PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED: stored hashes")
  endforeach()

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
