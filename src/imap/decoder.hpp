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

// What a lenient reader returns for a framed response that decode() refused (`why`): its
// kind, tag and name as far as they follow the grammar, `anomaly` and `sent` set, and all
// of its meaning (`lenient`) where that is still clear despite the fault.
Response salvage(const std::string& text, std::vector<FramedLiteral>& literals,
                 const ReaderLimits& limits, std::string why);

}  // namespace imapcheck::imap::detail
