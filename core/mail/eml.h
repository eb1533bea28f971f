#pragma once
// RFC 5322 rendering of one plain-text mail, shared by the file and smtp transports.

#include <string>

#include "mail/mailer.h"

namespace wind::mail {

// The complete message (headers, blank line, body) with CRLF line ends:
// From, To, Subject (RFC 2047 encoded when not ASCII), Date, Message-ID,
// MIME-Version, Content-Type text/plain; charset=utf-8, 8bit body.
// Throws std::invalid_argument when `mail.to` or `from` could inject headers
// (CR, LF or other control characters) or `mail.to` is empty.
std::string renderEml(const Mail& mail, const std::string& from);

// The bare address of a header value: "Ann <a@b.c>" and "<a@b.c>" give "a@b.c".
std::string envelopeAddress(const std::string& header);

// A file name unique within this process and very likely across processes:
// "<UTC yyyymmddThhmmss>-<16 random hex>.eml".
std::string uniqueEmlName();

}  // namespace wind::mail
