#pragma once
// The core-owned `auth` frame (PROTOCOL.md §3.3), worker side: the token
// check, the same-user rule and the snapshot. Called on a worker thread by
// Session; blocks on storage through TokenAuthenticator and UserDirectory.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/session.h"
#include "wind/sdk/plugin.h"
#include "wind/sdk/user.h"

namespace wind::session {

// {"self_user":…,"mutual_requests":[],"mutual_users":[],…} with the fields of
// each contributor, asked in order: a field named like a default
// ("mutual_requests", "mutual_users") replaces it in place, a new name is
// appended, a later contributor's field replaces an earlier one's, and
// "self_user" stays the core's. nullopt when a contributor fails; `failure`
// then says which one and why.
std::optional<std::string> buildSnapshotPayload(const sdk::User& self,
                                                const std::vector<sdk::Plugin*>& contributors,
                                                std::string& failure);

// The outcome of one `auth` frame with a string token: accepted (identity
// and snapshot frame), refused (4002 invalid token or unknown user, 4005
// token of another user than `current`), or failed (a contributor, 5000).
// Every frame carries `nonce`.
AuthDone checkAuth(const SessionContext& context, std::optional<sdk::UserId> current,
                   std::string_view token, std::optional<std::string_view> nonce);

}  // namespace wind::session
