#pragma once
// A directory of .eml files written atomically: the outbox of the file
// transport and the durable queue of the smtp transport.

#include <filesystem>
#include <string>
#include <vector>

namespace wind::mail {

// Creates `dir` (and parents) when missing. Throws std::runtime_error.
void ensureDirectory(const std::filesystem::path& dir);

// Writes `content` to "<dir>/.<name>.tmp", flushes it to disk, then renames it
// to "<dir>/<name>", so a reader of "*.eml" never sees a partial file.
// Returns the final path. Throws std::runtime_error.
std::filesystem::path writeAtomically(const std::filesystem::path& dir, const std::string& name,
                                      const std::string& content);

// The "*.eml" files directly in `dir`, oldest name first (names start with a
// UTC timestamp). Temporary files are skipped.
std::vector<std::filesystem::path> listEml(const std::filesystem::path& dir);

}  // namespace wind::mail
