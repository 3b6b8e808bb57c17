#pragma once
// Result<T>: a value or an Error a user can act on. Core never throws across its public
// API and never prints: failures come back as Error, warnings beside the value.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace es {

struct Error {
    std::string message;     // complete sentence naming the file, line or row where possible
    bool cancelled = false;  // true when the work stopped because the caller asked it to
    bool badInput = true;    // false for environmental failures (network, disk)

    static Error cancel() { return Error{"cancelled", true, false}; }
};

template <class T>
class Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(v_); }
    const T &value() const & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    T *operator->() { return &std::get<0>(v_); }
    const T *operator->() const { return &std::get<0>(v_); }
    T &operator*() & { return std::get<0>(v_); }
    const T &operator*() const & { return std::get<0>(v_); }

    const Error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

// Result<void>: success or an Error.
struct Ok {};
using Status = Result<Ok>;

using Warnings = std::vector<std::string>;

} // namespace es
