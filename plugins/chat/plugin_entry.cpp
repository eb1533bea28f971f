// The exported entry point; kept apart so tests link the plugin's code without it.
#include "chat.h"
#include "wind/sdk/export.h"

WIND_PLUGIN(chat, wind::plugins::chat::info, wind::plugins::chat::Chat)
