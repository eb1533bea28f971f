# wind_add_plugin(name SOURCES ... [LIBS ...]): a WIND plugin shared library.
# Hidden visibility (only the entry alias is exported), -Wl,-z,defs (every
# symbol resolved at link time), no "lib" prefix: the file is <name>.so.
# In this tree it is written to WIND_PLUGIN_BUILD_DIR so the server and the
# tests find it; it installs to WIND_PLUGIN_INSTALL_DIR.
function(wind_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${WIND_PLUGIN_BUILD_DIR})
  target_link_options(${name} PRIVATE -Wl,-z,defs)
  target_link_libraries(${name} PRIVATE wind_sdk ${ARG_LIBS})
  if(COMMAND wind_set_warnings)
    wind_set_warnings(${name})
  endif()
  install(TARGETS ${name} LIBRARY DESTINATION ${WIND_PLUGIN_INSTALL_DIR} COMPONENT ${name})
endfunction()
