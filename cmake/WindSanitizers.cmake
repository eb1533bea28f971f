# WIND_SANITIZE=address,undefined (or thread) instruments every target of the build.
if(WIND_SANITIZE)
  add_compile_options(-fsanitize=${WIND_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=${WIND_SANITIZE})
endif()
