# imapcheck: proves that the layering check fails the build on an include that points up a
# floor, and passes the tree as it is. A copy of the sources gets one planted file in
# src/base/ that includes the engine's probe.hpp; the check must fail and name that include.
cmake_minimum_required(VERSION 3.25)
set(scratch ${WORK_DIR}/layering-scratch)
file(REMOVE_RECURSE ${scratch})
file(MAKE_DIRECTORY ${scratch})
foreach(part src include checks cmake)
  file(COPY ${SOURCE_DIR}/${part} DESTINATION ${scratch})
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${scratch} -P ${scratch}/cmake/check_layers.cmake
  RESULT_VARIABLE clean_status OUTPUT_VARIABLE clean_out ERROR_VARIABLE clean_out)
if(NOT clean_status EQUAL 0)
  message(FATAL_ERROR "the tree as it is fails the layering check:\n${clean_out}")
endif()

file(WRITE ${scratch}/src/base/planted_up_include.cpp "#include \"imapcheck/probe.hpp\"\n")
execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${scratch} -P ${scratch}/cmake/check_layers.cmake
  RESULT_VARIABLE planted_status OUTPUT_VARIABLE planted_out ERROR_VARIABLE planted_out)
if(planted_status EQUAL 0)
  message(FATAL_ERROR "an include from base/ up to probe/ passed the layering check")
endif()
if(NOT planted_out MATCHES "planted_up_include.cpp \\(base\\) includes imapcheck/probe.hpp \\(probe\\)")
  message(FATAL_ERROR "the layering check failed without naming the planted include:\n${planted_out}")
endif()
file(REMOVE_RECURSE ${scratch})
message(STATUS "layering: the tree passes; base/ including probe.hpp fails, named")
