# CPack settings: three packages from component groups. Included from
# packaging/CMakeLists.txt after the install rules; the variables it reads
# (WIND_PACKAGE_FORMAT, WIND_PLUGIN_ABI, WIND_PACKAGE_VERSION, …) are set there.
# Traps avoided (ARCHITECTURE.md §9): contact set, shlibdeps on, conffiles
# listed, RPM %config(noreplace) through a user file list, not relocatable,
# no build-id links, one build tree per generator.

set(CPACK_GENERATOR ${WIND_PACKAGE_FORMAT})
set(CPACK_PACKAGE_NAME wind)
set(CPACK_PACKAGE_VENDOR "The WIND authors")
set(CPACK_PACKAGE_CONTACT "WIND maintainers <wind-maintainers@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_RELOCATABLE OFF)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_SET_DESTDIR ON)  # absolute destinations (/etc, /lib/systemd) land in the staging root
set(CPACK_STRIP_FILES ON)
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)

# Components → packages.
set(CPACK_COMPONENTS_ALL wind-server heartbeat chat load mutual_users plugins-config dev)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)

set(abi_provide "wind-plugin-abi-${WIND_PLUGIN_ABI}")
set(summary_server "WIND chat server")
set(summary_plugins "WIND chat server: standard plugins (chat, load, mutual_users)")
set(summary_dev "WIND chat server: plugin SDK (headers, CMake package, example)")
set(description_server "WIND is a chat server speaking JSON frames over WebSocket.
This package contains the server, its heartbeat plugin, the default
configuration in /etc/wind and a hardened systemd service running as the
wind system user with its state in /var/lib/wind.")
set(description_plugins "WIND is a chat server speaking JSON frames over WebSocket.
This package adds the standard plugins: chat (rooms and direct messages),
load (message history) and mutual_users (friendships). They are enabled by
/etc/wind/conf.d/50-wind-plugins.yaml.")
set(description_dev "WIND is a chat server speaking JSON frames over WebSocket.
This package is the SDK for third-party plugins: the header-only SDK, the
CMake package (find_package(WindSdk), wind_add_plugin), a pkg-config file
and an example plugin with its unit test.")

# ---- DEB -------------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${WIND_PACKAGE_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME wind-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, init-system-helpers (>= 1.52)")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "wind-plugins")
set(CPACK_DEBIAN_SERVER_PACKAGE_PROVIDES "${abi_provide}")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "${summary_server}\n${description_server}")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/conffiles
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/prerm
    ${CMAKE_CURRENT_SOURCE_DIR}/debian/postrm)
set(CPACK_DEBIAN_PLUGINS_PACKAGE_NAME wind-plugins)
set(CPACK_DEBIAN_PLUGINS_PACKAGE_DEPENDS "wind-server (= ${WIND_PACKAGE_VERSION}), ${abi_provide}")
set(CPACK_DEBIAN_PLUGINS_DESCRIPTION "${summary_plugins}\n${description_plugins}")
set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${WIND_DEV_PACKAGE})
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libboost-dev (>= 1.74)")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "wind-server, cmake, g++, libgtest-dev, libsqlite3-dev")
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)  # headers and text only
set(CPACK_DEBIAN_DEV_DESCRIPTION "${summary_dev}\n${description_dev}")

# ---- RPM -------------------------------------------------------------------
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE ${WIND_PACKAGE_RELEASE})
set(CPACK_RPM_PACKAGE_LICENSE "LicenseRef-unspecified")
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_CHANGELOG_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/changelog)
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none\n%define packager ${CPACK_PACKAGE_CONTACT}")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /etc/wind /usr/lib/systemd /usr/lib/systemd/system /usr/lib/sysusers.d /usr/lib/tmpfiles.d
    /usr/lib64/cmake /usr/lib64/pkgconfig /usr/share/man /usr/share/man/man8 /usr/include/wind
    /usr/sbin /var /var/lib /var/lib/wind /usr/share/wind)
set(CPACK_RPM_SERVER_PACKAGE_NAME wind-server)
set(CPACK_RPM_SERVER_PACKAGE_SUMMARY "${summary_server}")
set(CPACK_RPM_SERVER_PACKAGE_DESCRIPTION "${description_server}")
set(CPACK_RPM_SERVER_PACKAGE_PROVIDES "${abi_provide}")
set(CPACK_RPM_SERVER_PACKAGE_REQUIRES_PRE "shadow-utils")
set(CPACK_RPM_SERVER_USER_FILELIST
    "%config(noreplace) /etc/wind/wind.yaml"
    "%dir /etc/wind"
    "%dir /etc/wind/conf.d"
    "%dir %attr(0750,wind,wind) /var/lib/wind"
    "%dir /usr/share/wind")
set(CPACK_RPM_SERVER_PRE_INSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/pre)
set(CPACK_RPM_SERVER_POST_INSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/post)
set(CPACK_RPM_SERVER_PRE_UNINSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/preun)
set(CPACK_RPM_SERVER_POST_UNINSTALL_SCRIPT_FILE ${CMAKE_CURRENT_SOURCE_DIR}/rpm/postun)
set(CPACK_RPM_PLUGINS_PACKAGE_NAME wind-plugins)
set(CPACK_RPM_PLUGINS_PACKAGE_SUMMARY "${summary_plugins}")
set(CPACK_RPM_PLUGINS_PACKAGE_DESCRIPTION "${description_plugins}")
set(CPACK_RPM_PLUGINS_PACKAGE_REQUIRES "wind-server = ${WIND_PACKAGE_VERSION}, ${abi_provide}")
set(CPACK_RPM_DEV_PACKAGE_NAME ${WIND_DEV_PACKAGE})
set(CPACK_RPM_DEV_PACKAGE_SUMMARY "${summary_dev}")
set(CPACK_RPM_DEV_PACKAGE_DESCRIPTION "${description_dev}")
set(CPACK_RPM_DEV_PACKAGE_REQUIRES "boost-devel >= 1.74")
set(CPACK_RPM_DEV_PACKAGE_GROUP "Development/Libraries")

include(CPack)

cpack_add_component_group(server DISPLAY_NAME "WIND server")
cpack_add_component_group(plugins DISPLAY_NAME "WIND standard plugins")
cpack_add_component_group(dev DISPLAY_NAME "WIND plugin SDK")
cpack_add_component(wind-server GROUP server)
cpack_add_component(heartbeat GROUP server)
foreach(component chat load mutual_users plugins-config)
  cpack_add_component(${component} GROUP plugins)
endforeach()
cpack_add_component(dev GROUP dev)
