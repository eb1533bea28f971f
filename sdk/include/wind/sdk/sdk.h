#pragma once
// Everything a plugin needs, in one include.
#include "wind/sdk/abi.h"
#include "wind/sdk/errors.h"
#include "wind/sdk/export.h"
#include "wind/sdk/frame.h"
#include "wind/sdk/friends.h"
#include "wind/sdk/host.h"
#include "wind/sdk/ids.h"
#include "wind/sdk/json.h"
#include "wind/sdk/plugin.h"
#include "wind/sdk/settings.h"
#include "wind/sdk/storage.h"
#include "wind/sdk/user.h"
