# Imported targets for every third-party library, from Debian 12's packages.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# CAF 0.17 ships neither a CMake config nor a .pc file.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
find_library(CAF_IO_LIBRARY caf_io REQUIRED)
add_library(caf::core SHARED IMPORTED)
set_target_properties(caf::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)

pkg_check_modules(SOFIA REQUIRED IMPORTED_TARGET sofia-sip-ua)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

find_package(RocksDB CONFIG REQUIRED)
find_package(prometheus-cpp CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
find_package(nlohmann_json REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(yaml-cpp REQUIRED)

# libphonenumber: no CMake config and no .pc; it needs protobuf and ICU linked too.
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h REQUIRED)
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)
find_library(GEOCODING_LIBRARY geocoding REQUIRED)
find_library(PROTOBUF_LIBRARY protobuf REQUIRED)
find_library(ICU_UC_LIBRARY icuuc REQUIRED)
find_library(ICU_I18N_LIBRARY icui18n REQUIRED)
add_library(phonenumber::phonenumber SHARED IMPORTED)
set_target_properties(phonenumber::phonenumber PROPERTIES
  IMPORTED_LOCATION "${PHONENUMBER_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${PHONENUMBER_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES "${GEOCODING_LIBRARY};${PROTOBUF_LIBRARY};${ICU_I18N_LIBRARY};${ICU_UC_LIBRARY}")

# tcmalloc (gperftools' minimal build, Debian's libtcmalloc-minimal4) for the
# server executable only. Under glibc malloc the threads' arenas shrank
# whenever calls paused and grew back page by page (one mprotect() each) when
# they resumed: the first call after a few idle seconds waited 60-90 ms. With
# tcmalloc those stalls are gone and the routing latency's tail is short
# (bench/routing, docs/BENCHMARKS.md). Optional: without it the server sets
# glibc's trim threshold instead (app/main.cpp).
find_library(TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
