#pragma once
// Client frames the transcripts send again and again, written once (the
// wire shapes of PROTOCOL.md §3.4 and §3.5).

#include <string>

#include "fixture.h"

namespace wind::itest {

// The DM room of two users: their ids XORed, as a decimal string.
std::string roomOf(const Account& a, const Account& b);

// {"type":"chat","payload":{"type":"send","chat_id":room,"content":content}}
std::string sendFrame(const std::string& room, const std::string& content);

// {"type":"chat","payload":{"type":"edit","chat_id":room,"id":id,"content":content}}
std::string editFrame(const std::string& room, const std::string& id, const std::string& content);

// {"type":"load","payload":{"type":"chat","load_id":room<extra>}}; `extra`
// is raw JSON appended inside the payload, e.g. R"(,"count":3)".
std::string loadFrame(const std::string& room, const std::string& extra = "");

}  // namespace wind::itest
