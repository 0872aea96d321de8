// imapcheck: wiping secrets. OPENSSL_cleanse is a memset the optimiser may not remove.
#include "imapcheck/secret.hpp"

#include <openssl/crypto.h>

namespace imapcheck {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

void Secret::wipe() {
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
    // Also the spare capacity: a shrunk string may keep old bytes there.
    if (value_.capacity() > value_.size())
        OPENSSL_cleanse(value_.data() + value_.size(), value_.capacity() - value_.size());
    value_.clear();
}

}  // namespace imapcheck
