// The exported entry point; kept apart so tests link the plugin's code without it.
#include "load.h"
#include "wind/sdk/export.h"

WIND_PLUGIN(load, wind::plugins::load::info, wind::plugins::load::Load)
