#pragma once
// Errors as values at module boundaries: a Status (code + message) and a
// Result<T> holding either a value or a non-ok Status. No exceptions cross a
// layer; bad input from outside is reported with one of these.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace callboard {

class Status {
 public:
  enum class Code {
    ok = 0,
    not_found,
    corruption,        // stored bytes do not decode (names the sequence)
    conflict,          // expected stream version did not match
    invalid_argument,  // caller's input is malformed or violates a rule
    io_error,          // the disk or the OS failed
    unavailable,       // shutting down, or a dependency is not running
  };

  Status() = default;
  static Status ok() { return Status(); }
  static Status not_found(std::string m) { return Status(Code::not_found, std::move(m)); }
  static Status corruption(std::string m) { return Status(Code::corruption, std::move(m)); }
  static Status conflict(std::string m) { return Status(Code::conflict, std::move(m)); }
  static Status invalid_argument(std::string m) { return Status(Code::invalid_argument, std::move(m)); }
  static Status io_error(std::string m) { return Status(Code::io_error, std::move(m)); }
  static Status unavailable(std::string m) { return Status(Code::unavailable, std::move(m)); }

  bool is_ok() const { return code_ == Code::ok; }
  explicit operator bool() const { return is_ok(); }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string to_string() const;

 private:
  Status(Code c, std::string m) : code_(c), message_(std::move(m)) {}
  Code code_ = Code::ok;
  std::string message_;
};

const char* to_string(Status::Code code);

// Either a T or a non-ok Status. REQUIRES: the Status given is not ok.
template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {  // NOLINT
    assert(!std::get<Status>(v_).is_ok());
  }
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Status& status() const {
    static const Status ok_status;
    return is_ok() ? ok_status : std::get<Status>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace callboard
