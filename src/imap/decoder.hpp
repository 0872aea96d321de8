// imapcheck: turns one framed response (its text plus the bytes of its literals) into a
// Response, following the RFC 3501 §9 / RFC 9051 §9 grammar. Internal to src/imap.
#pragma once

#include <string>
#include <vector>

#include "imapcheck/expected.hpp"
#include "imapcheck/imap/reader.hpp"
#include "imapcheck/imap/response.hpp"

namespace imapcheck::imap::detail {

Result<Response> decode(const std::string& text, std::vector<FramedLiteral>& literals,
                        const ReaderLimits& limits);

}  // namespace imapcheck::imap::detail
