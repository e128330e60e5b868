# Every dependency is a Debian package (scripts/install-deps.sh installs them all). When one is
# missing, the error names the package to install.
find_package(PkgConfig REQUIRED)

function(dossier_pkg target module package)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "dossier needs ${module}: install the Debian package ${package} "
                        "(or run scripts/install-deps.sh)")
  endif()
endfunction()

function(dossier_header header package)
  find_path(_found ${header})
  if(NOT _found)
    message(FATAL_ERROR "dossier needs ${header}: install the Debian package ${package}")
  endif()
  unset(_found CACHE)
endfunction()

function(dossier_lib var lib package)
  find_library(${var} ${lib})
  if(NOT ${var})
    message(FATAL_ERROR "dossier needs lib${lib}: install the Debian package ${package}")
  endif()
endfunction()

dossier_pkg(XAPIAN xapian-core libxapian-dev)
dossier_pkg(SQLITE sqlite3 libsqlite3-dev)
dossier_pkg(OPENSSL libcrypto libssl-dev)
dossier_pkg(SODIUM libsodium libsodium-dev)
dossier_pkg(ICU "icu-uc;icu-i18n" libicu-dev)
dossier_pkg(UCHARDET uchardet libuchardet-dev)
dossier_pkg(OPENCC opencc libopencc-dev)
dossier_pkg(LIBXML2 libxml-2.0 libxml2-dev)
dossier_pkg(EXIV2 exiv2 libexiv2-dev)
dossier_pkg(LIBARCHIVE libarchive libarchive-dev)
dossier_pkg(GMIME gmime-3.0 libgmime-3.0-dev)
dossier_pkg(LIBPFF libpff libpff-dev)
dossier_pkg(LIBBFIO libbfio libbfio-dev)
dossier_pkg(SECCOMP libseccomp libseccomp-dev)
dossier_lib(MAGIC_LIBRARY magic libmagic-dev)
dossier_lib(CLD2_LIBRARY cld2 libcld2-dev)
dossier_header(cld2/public/compact_lang_det.h libcld2-dev)
dossier_header(nlohmann/json.hpp nlohmann-json3-dev)
dossier_header(CLI/CLI.hpp libcli11-dev)

# MuPDF ships static libraries only; link them with their private dependencies.
pkg_check_modules(MUPDF_STATIC QUIET mupdf)
if(NOT MUPDF_STATIC_FOUND)
  message(FATAL_ERROR "dossier needs mupdf: install the Debian packages libmupdf-dev libmujs-dev "
                      "libgumbo-dev libopenjp2-7-dev libjbig2dec0-dev libjpeg-dev libfreetype-dev libharfbuzz-dev")
endif()
add_library(dossier_mupdf INTERFACE)
target_include_directories(dossier_mupdf SYSTEM INTERFACE ${MUPDF_STATIC_INCLUDE_DIRS})
target_link_directories(dossier_mupdf INTERFACE /usr/lib ${MUPDF_STATIC_STATIC_LIBRARY_DIRS})
target_link_libraries(dossier_mupdf INTERFACE ${MUPDF_STATIC_STATIC_LIBRARIES} harfbuzz)

add_library(dossier_magic INTERFACE)
target_link_libraries(dossier_magic INTERFACE ${MAGIC_LIBRARY})
add_library(dossier_cld2 INTERFACE)
target_link_libraries(dossier_cld2 INTERFACE ${CLD2_LIBRARY})

find_package(Threads REQUIRED)
