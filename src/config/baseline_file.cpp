// imapcheck: a saved baseline file (baseline_file.hpp): its fields and the check that a
// file given to --baseline is one, done while the configuration is read (a usage error).
#include "imapcheck/baseline_file.hpp"

#include <fstream>

namespace imapcheck {

const std::vector<std::string>& baseline_fields() {
    static const std::vector<std::string> fields = {
        "greeting",  "id",      "capabilities", "auth_mechanisms", "tls",  "certificate",
        "namespace", "folders", "uidvalidity",  "messages",        "quota"};
    return fields;
}

Result<Json> load_baseline(const std::string& path) {
    std::ifstream in(path);
    if (!in) return make_error(Error::Kind::Usage, "--baseline " + path + " cannot be read");
    Json j = Json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return make_error(Error::Kind::Usage, "--baseline " + path + " is not JSON");
    if (j.value("schema", "") != kBaselineSchema || !j.contains("fields") ||
        !j["fields"].is_object())
        return make_error(Error::Kind::Usage, "--baseline " + path + " is not an " +
                                                  std::string(kBaselineSchema) +
                                                  " file (save one with --save-baseline)");
    if (j["fields"].empty())
        return make_error(Error::Kind::Usage, "--baseline " + path +
                                                  " has no fields: it compares nothing (save "
                                                  "one from a passing run with --save-baseline)");
    return j;
}

}  // namespace imapcheck
