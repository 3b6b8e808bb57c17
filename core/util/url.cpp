#include "util/url.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace es::url {

namespace {

constexpr std::string_view kRedacted = "***";

// The URL as it may appear in a message: control characters and bytes beyond ASCII are
// shown as escapes, so a message never carries a line break of its own.
std::string printable(std::string_view s)
{
    std::string out;
    for (const unsigned char c : s) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", unsigned(c));
            out += buf;
        } else {
            out += char(c);
        }
    }
    return out;
}

bool isHostChar(unsigned char c)
{
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%';
}

} // namespace

std::string redactUserInfo(std::string_view u)
{
    const auto sep = u.find("://");
    if (sep == std::string_view::npos)
        return std::string(u);
    const std::size_t start = sep + 3;
    const std::size_t end = std::min(u.size(), u.find_first_of("/?#", start));
    const auto at = u.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos)
        return std::string(u);
    return std::string(u.substr(0, start)) + std::string(kRedacted) + std::string(u.substr(start + at));
}

std::string redactUrls(std::string_view text)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto sep = text.find("://", pos);
        if (sep == std::string_view::npos)
            break;
        const std::size_t start = sep + 3;
        const std::size_t end = std::min(text.size(), text.find_first_of("/?# \t\r\n'\"<>", start));
        const auto at = text.substr(start, end - start).rfind('@');
        out.append(text.substr(pos, start - pos));
        if (at != std::string_view::npos) {
            out += kRedacted;
            out.append(text.substr(start + at, end - start - at));
        } else {
            out.append(text.substr(start, end - start));
        }
        pos = end;
    }
    out.append(text.substr(std::min(pos, text.size())));
    return out;
}

std::optional<std::string> httpUrlProblem(std::string_view u)
{
    const std::string shown = "base URL '" + printable(redactUserInfo(u)) + "'";
    if (u.empty())
        return shown + " is empty";
    for (const unsigned char c : u) {
        if (c < 0x20 || c == 0x7f || c == ' ')
            return shown + " contains a space or a control character";
        if (c >= 0x80)
            return shown + " contains a character beyond ASCII; write the host as xn--... (punycode) and "
                           "percent-encode the path";
    }
    const auto sep = u.find("://");
    if (sep == std::string_view::npos || sep == 0)
        return shown + " has no scheme: it must start with http:// or https://";
    std::string scheme(u.substr(0, sep));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (scheme != "http" && scheme != "https")
        return shown + " uses " + scheme + "://: only http:// and https:// are allowed";
    std::string_view authority = u.substr(sep + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);
    std::string_view host, port;
    bool hasPort = false;
    if (!authority.empty() && authority.front() == '[') { // IPv6 literal
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return shown + " has an IPv6 host without its closing ']'";
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return shown + " has text after its IPv6 host";
            hasPort = true;
            port = after.substr(1);
        }
        if (!std::all_of(host.begin(), host.end(),
                         [](unsigned char c) { return std::isxdigit(c) || c == ':' || c == '.' || c == '%'; }))
            return shown + " has an invalid IPv6 host";
    } else {
        const auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            hasPort = true;
            port = authority.substr(colon + 1);
        }
        if (!std::all_of(host.begin(), host.end(), isHostChar))
            return shown + " has an invalid host";
    }
    if (host.empty())
        return shown + " has no host";
    if (hasPort) {
        const bool digits = !port.empty() && port.size() <= 5
                            && std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); });
        if (!digits || std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
            return shown + " has an invalid port";
    }
    return std::nullopt;
}

} // namespace es::url
