#include "session/auth_snapshot.h"

#include <algorithm>
#include <utility>

#include "dispatch/frame.h"
#include "dispatch/reply.h"

namespace wind::session {

std::optional<std::string> buildSnapshotPayload(const sdk::User& self,
                                                const std::vector<sdk::Plugin*>& contributors,
                                                std::string& failure) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"self_user", sdk::toJson(self)}, {"mutual_requests", "[]"}, {"mutual_users", "[]"}};
  for (std::size_t i = 0; i < contributors.size(); ++i) {
    sdk::AuthSnapshot snapshot;
    const sdk::Status status = contributors[i]->contributeToAuth(self.id, snapshot);
    if (!status.ok) {
      failure = "auth contributor #" + std::to_string(i) + ": " + status.message;
      return std::nullopt;
    }
    for (const auto& [name, json] : snapshot.fields()) {
      if (name == "self_user") continue;
      auto it = std::find_if(fields.begin(), fields.end(),
                             [&](const auto& f) { return f.first == name; });
      if (it != fields.end()) {
        it->second = json;
      } else {
        fields.emplace_back(name, json);
      }
    }
  }
  std::string out = "{";
  for (const auto& [name, json] : fields) {
    if (out.size() > 1) out += ',';
    sdk::json::appendQuoted(out, name);
    out += ':';
    out += json;
  }
  out += '}';
  return out;
}

AuthDone checkAuth(const SessionContext& context, std::optional<sdk::UserId> current,
                   std::string_view token, std::optional<std::string_view> nonce) {
  AuthDone done;
  auto refuse = [&](sdk::ErrorCode code, std::string_view reason) {
    done.refusal = code;
    done.frame = dispatch::makeErrorFrame(code, reason, nonce);
    return std::move(done);
  };
  std::optional<auth::Identity> identity = context.authenticator.authenticate(token);
  if (!identity) return refuse(sdk::ErrorCode::authFailed, "Invalid token.");
  if (current && *current != identity->user) {
    return refuse(sdk::ErrorCode::forbidden, "Connection is authenticated as another user.");
  }
  const std::optional<sdk::User> self = context.users.findUser(identity->user);
  if (!self) return refuse(sdk::ErrorCode::authFailed, "Invalid token.");
  std::optional<std::string> payload =
      buildSnapshotPayload(*self, context.routes.authContributors(), done.failure);
  if (!payload) {
    done.frame =
        dispatch::makeErrorFrame(sdk::ErrorCode::internal, dispatch::kInternalErrorReason, nonce);
    return done;
  }
  done.frame = dispatch::makeFrame("auth", *payload, nonce);
  done.identity = std::move(identity);
  return done;
}

}  // namespace wind::session
