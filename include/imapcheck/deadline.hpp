// imapcheck: monotonic deadlines. Every wait on the network is bounded by one of these, so a
// silent or dripping server can never hold a run past --timeout.
#pragma once

#include <algorithm>
#include <chrono>

namespace imapcheck {

using Clock = std::chrono::steady_clock;

class Deadline {
public:
    static Deadline after(std::chrono::milliseconds ms) { return Deadline(Clock::now() + ms); }
    explicit Deadline(Clock::time_point at) : at_(at) {}

    Clock::time_point at() const { return at_; }
    bool expired() const { return Clock::now() >= at_; }
    // Milliseconds left, never negative; what poll() takes.
    long long remaining_ms() const {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now());
        return std::max<long long>(0, left.count());
    }
    Deadline earlier(const Deadline& other) const { return Deadline(std::min(at_, other.at_)); }

private:
    Clock::time_point at_;
};

inline double elapsed_ms(Clock::time_point since, Clock::time_point until = Clock::now()) {
    return std::chrono::duration<double, std::milli>(until - since).count();
}

}  // namespace imapcheck
