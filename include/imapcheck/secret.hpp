// imapcheck: a password or token held in memory that is wiped when it goes away.
// Deliberately not printable: there is no operator<< and no implicit conversion.
#pragma once

#include <string>
#include <string_view>

namespace imapcheck {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;
    Secret(Secret&& other) noexcept;
    Secret& operator=(Secret&& other) noexcept;
    ~Secret() { wipe(); }

    bool empty() const { return value_.empty(); }
    // Only for the bytes that go to the server; never for output.
    std::string_view reveal() const { return value_; }
    void wipe();

private:
    std::string value_;
};

}  // namespace imapcheck
