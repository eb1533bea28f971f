// The exported entry point; kept apart so tests link the plugin's code without it.
#include "heartbeat.h"
#include "wind/sdk/export.h"

WIND_PLUGIN(heartbeat, wind::plugins::heartbeat::info, wind::plugins::heartbeat::Heartbeat)
