# Tests around the shaper example (out-of-tree builds only; included from CMakeLists.txt):
#  * shaper-pcap-tshark: runs shaper-two-flows with a pcap on the shaper and checks with
#    tshark that the capture decodes without error and that its timestamps show the shaped
#    spacing (skipped, exit 77, when tshark is missing);
#  * shaper-example-plot: runs the example and draws its CSV with the matplotlib script
#    (skipped, exit 77, when matplotlib is missing).
if(POLICY_ROUTING_OUT_OF_TREE)
  find_program(POLICY_ROUTING_SYSTEM_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
  if(NOT POLICY_ROUTING_SYSTEM_PYTHON)
    find_program(POLICY_ROUTING_SYSTEM_PYTHON python3)
  endif()
  add_test(NAME shaper-pcap-tshark
           COMMAND ${POLICY_ROUTING_SYSTEM_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/shaper-pcap-check.py
                   $<TARGET_FILE:shaper-two-flows> ${CMAKE_CURRENT_BINARY_DIR}/shaper-pcap-check
  )
  add_test(NAME shaper-example-plot
           COMMAND ${POLICY_ROUTING_SYSTEM_PYTHON}
                   ${CMAKE_CURRENT_SOURCE_DIR}/shaper-two-flows-plot.py
                   --run $<TARGET_FILE:shaper-two-flows>
                   --out ${CMAKE_CURRENT_BINARY_DIR}/shaper-example-plot
  )
  set_tests_properties(shaper-pcap-tshark shaper-example-plot PROPERTIES SKIP_RETURN_CODE 77)
endif()
