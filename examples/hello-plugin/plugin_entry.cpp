// The exported entry point, kept apart so the unit test links hello.cpp without it.
#include "hello.h"
#include "wind/sdk/export.h"

WIND_PLUGIN(hello, hello::info, hello::Hello)
