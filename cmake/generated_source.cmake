# Helpers for the cmake -P scripts that compile files into the binary (web/embed_assets.cmake,
# cmake/embed_text.cmake).

# `out` := the hex string's bytes as a C array initialiser ("0x3c,0x21,…"), on one line (CMake's
# regular expressions have no {n} repetition to wrap it with; compilers do not mind).
function(qabot_hex_to_c_bytes hex out)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

# Writes `content` to `path` only when it differs, so dependants are not rebuilt for nothing.
function(qabot_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()
