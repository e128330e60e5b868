# Strict warnings on dossier's own targets only; third-party headers come in as SYSTEM.
function(dossier_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Werror)
endfunction()

# A static library for one pipeline stage, rooted at src/ for includes.
function(dossier_stage name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  dossier_warnings(${name})
endfunction()

# Every .cpp in a stage folder belongs to its library: adding a format is adding a file (and its row
# in extract/registry.cpp), with no build file to edit.
function(dossier_glob_stage name dir)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB _sources CONFIGURE_DEPENDS ${dir}/*.cpp)
  dossier_stage(${name} SOURCES ${_sources} DEPS ${ARG_DEPS})
endfunction()
