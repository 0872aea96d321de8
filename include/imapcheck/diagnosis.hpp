// imapcheck: the classes of diagnosis, a stable documented contract (README "Diagnosing a
// server", man page): what each means and its usual fix, and how an IMAP response code
// (RFC 5530, RFC 3501 §7.1) names the class of a refusal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "imapcheck/report.hpp"

namespace imapcheck {

struct DiagnosisClass {
    std::string_view id;       // "tls.expired"
    std::string_view meaning;  // one line
    std::string_view fix;      // the usual remedy
};

// Every class imapcheck may write, in the README table's order.
const std::vector<DiagnosisClass>& diagnosis_classes();
bool is_diagnosis_class(std::string_view id);

// The class a response code gives a refusal ("AUTHENTICATIONFAILED" -> "auth.failed"),
// or "" for a code that names none.
std::string_view class_of_code(std::string_view code);

}  // namespace imapcheck
