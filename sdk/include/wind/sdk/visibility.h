#pragma once
// Interfaces crossing the library boundary keep default visibility so that
// their type_info and vtables are shared between the server and a plugin
// built with -fvisibility=hidden.
#define WIND_SDK_VISIBLE __attribute__((visibility("default")))
