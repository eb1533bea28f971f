#pragma once
// Human-readable output of the admin socket's results (windctl without --json).

#include <Poco/JSON/Object.h>

#include <ostream>
#include <string>

namespace wind::windctl {

// Writes `result` (the "result" member of a successful response to
// `command`) for a person to read.
void render(const std::string& command, const Poco::JSON::Object::Ptr& result, std::ostream& out);

}  // namespace wind::windctl
