# SPDX-License-Identifier: BSD-2-Clause
# lwIP from Debian's source package, fetched at configure time (DESIGN.md:
# never copied into the tree).  The .orig tarball is pinned by version and
# SHA-256; it is downloaded once into VIREO_CACHE_DIR (default
# ~/.cache/vireo, outside the tree) with `apt-get source --download-only`,
# which needs a deb-src entry (tools/setup.sh adds it), then unpacked into
# the build directory.  Sets LWIP_DIR.
set(LWIP_DEB_VERSION 2.1.3+dfsg1-2)
set(LWIP_ORIG lwip_2.1.3+dfsg1.orig.tar.xz)
set(LWIP_ORIG_SHA256 0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24)
set(LWIP_TOPDIR lwip-2.1.3)

if(NOT VIREO_CACHE_DIR)
	if(DEFINED ENV{VIREO_CACHE_DIR})
		set(VIREO_CACHE_DIR $ENV{VIREO_CACHE_DIR})
	elseif(DEFINED ENV{HOME})
		set(VIREO_CACHE_DIR $ENV{HOME}/.cache/vireo)
	else()
		set(VIREO_CACHE_DIR ${CMAKE_BINARY_DIR}/_deps)
	endif()
endif()
set(_dl ${VIREO_CACHE_DIR}/lwip-${LWIP_DEB_VERSION})
set(_tar ${_dl}/${LWIP_ORIG})
set(LWIP_DIR ${CMAKE_BINARY_DIR}/_deps/${LWIP_TOPDIR})

function(_lwip_tarball_ok out)
	set(${out} FALSE PARENT_SCOPE)
	if(EXISTS ${_tar})
		file(SHA256 ${_tar} _sum)
		if(_sum STREQUAL LWIP_ORIG_SHA256)
			set(${out} TRUE PARENT_SCOPE)
		endif()
	endif()
endfunction()

if(NOT EXISTS ${LWIP_DIR}/.vireo-${LWIP_ORIG_SHA256})
	file(MAKE_DIRECTORY ${_dl})
	# Several configurations configure at once: one downloads.
	file(LOCK ${_dl}/.lock GUARD PROCESS TIMEOUT 600)
	_lwip_tarball_ok(_ok)
	if(NOT _ok)
		file(REMOVE ${_tar})
		message(STATUS "lwIP: apt-get source --download-only lwip=${LWIP_DEB_VERSION} into ${_dl}")
		execute_process(COMMAND apt-get source --download-only -q
				lwip=${LWIP_DEB_VERSION}
			WORKING_DIRECTORY ${_dl} RESULT_VARIABLE _rc
			OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
		_lwip_tarball_ok(_ok)
		if(NOT _ok)
			message(FATAL_ERROR
				"lwIP ${LWIP_DEB_VERSION}: could not fetch ${LWIP_ORIG} "
				"with SHA-256 ${LWIP_ORIG_SHA256}.\n"
				"apt-get source said (exit ${_rc}):\n${_out}\n"
				"apt needs a deb-src entry for Debian's main archive: "
				"run tools/setup.sh as root (it adds one), or put the "
				"file in ${_dl} by hand.")
		endif()
	endif()
	file(LOCK ${_dl}/.lock RELEASE)
	file(REMOVE_RECURSE ${LWIP_DIR})
	file(ARCHIVE_EXTRACT INPUT ${_tar} DESTINATION ${CMAKE_BINARY_DIR}/_deps)
	if(NOT EXISTS ${LWIP_DIR}/src/core/tcp.c)
		message(FATAL_ERROR "lwIP: ${_tar} did not unpack to ${LWIP_DIR}")
	endif()
	file(TOUCH ${LWIP_DIR}/.vireo-${LWIP_ORIG_SHA256})
endif()
