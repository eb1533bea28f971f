# wind_set_warnings(target): the project's warning set; -Werror when WIND_WERROR is on.
function(wind_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow)
  if(WIND_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
