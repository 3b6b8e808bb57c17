#pragma once
// Base URLs of HTTP providers: the one check of what may be sent to (http or https with a
// host, nothing else: no file://, no scheme-less "host:port", no control characters), and
// the one redaction of user-info ("user:password@") for every URL that is printed or
// logged, as keys are never printed.
#include <optional>
#include <string>
#include <string_view>

namespace es::url {

// What is wrong with `url` as the base URL of an HTTP provider, as a sentence starting
// "base URL '...'" (user-info redacted), or nullopt when it is http(s)://HOST[:PORT][/...].
std::optional<std::string> httpUrlProblem(std::string_view url);

// `url` with its user-info replaced by "***" ("http://***@host/v1"); unchanged otherwise.
std::string redactUserInfo(std::string_view url);

// Every "scheme://user-info@" inside a message redacted the same way.
std::string redactUrls(std::string_view text);

} // namespace es::url
