# wind_add_plugin(name SOURCES ... [LIBS ...] [OUTPUT_DIRECTORY dir] [NO_INSTALL]):
# a WIND plugin shared library.
# Hidden visibility (only the entry alias is exported), -Wl,-z,defs (every
# symbol resolved at link time), no "lib" prefix: the file is <name>.so.
# In this tree it is written to WIND_PLUGIN_BUILD_DIR so the server and the
# tests find it; it installs to WIND_PLUGIN_INSTALL_DIR. Test-only plugins
# pass OUTPUT_DIRECTORY (somewhere else than WIND_PLUGIN_BUILD_DIR) and NO_INSTALL.
# The same file ships in the wind-dev package (find_package(WindSdk)): there
# WIND_PLUGIN_BUILD_DIR is unset, so the plugin lands in the current binary
# dir, and WIND_PLUGIN_INSTALL_DIR is the packaged server's plugin directory.
function(wind_add_plugin name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBS" ${ARGN})
  if(NOT ARG_OUTPUT_DIRECTORY)
    if(WIND_PLUGIN_BUILD_DIR)
      set(ARG_OUTPUT_DIRECTORY ${WIND_PLUGIN_BUILD_DIR})
    else()
      set(ARG_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    endif()
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  target_link_options(${name} PRIVATE -Wl,-z,defs)
  # Boost.DLL's alias header otherwise pulls in Boost.System, whose
  # default-visibility (and STB_GNU_UNIQUE) symbols would be exported too.
  target_compile_definitions(${name} PRIVATE BOOST_DLL_USE_STD_FS)
  target_link_libraries(${name} PRIVATE WindSdk::sdk ${ARG_LIBS})
  if(COMMAND wind_set_warnings)
    wind_set_warnings(${name})
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${WIND_PLUGIN_INSTALL_DIR} COMPONENT ${name})
  endif()
endfunction()
