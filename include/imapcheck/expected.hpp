// imapcheck: a small expected-like Result<T> for transport and protocol errors.
// Failures at the network/protocol boundary are values, not exceptions (see README, design).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace imapcheck {

// What went wrong, in words for a mail administrator, plus a coarse kind so callers can
// tell a timeout from a closed connection without parsing text.
struct Error {
    // Credential: a configuration that is right, whose password source cannot be read now
    // (a missing file): in a fleet, that target alone is UNKNOWN.
    enum class Kind { Timeout, Closed, Transport, Protocol, Limit, Usage, Credential };
    Kind kind = Kind::Protocol;
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<T>(state_); }
    const T& value() const { return std::get<T>(state_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<Error>(state_); }

private:
    std::variant<T, Error> state_;
};

struct Unit {};

inline Error make_error(Error::Kind kind, std::string message) {
    return Error{kind, std::move(message)};
}

}  // namespace imapcheck
