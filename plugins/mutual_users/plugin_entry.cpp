// The exported entry point; kept apart so tests link the plugin's code without it.
#include "mutual_users.h"
#include "wind/sdk/export.h"

WIND_PLUGIN(mutual_users, wind::plugins::mutual_users::info,
            wind::plugins::mutual_users::MutualUsers)
