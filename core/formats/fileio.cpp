#include "formats/fileio.h"
#include "formats/vectors.h"

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace es::formats {

namespace fs = std::filesystem;

std::string displayName(const std::string &path)
{
    std::string name = fs::path(path).filename().string();
    return name.empty() ? path : name;
}

Result<std::string> readFile(const std::string &path)
{
    const std::string name = displayName(path);
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status))
        return Error{path + ": no such file"};
    if (fs::is_directory(status))
        return Error{path + ": is a folder, not a file"};
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f)
        return Error{path + ": cannot open: " + std::strerror(errno), false, false};
    std::string data;
    const auto size = fs::file_size(path, ec);
    if (!ec)
        data.reserve(size);
    char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, f)) > 0)
        data.append(buf, got);
    const bool failed = std::ferror(f);
    std::fclose(f);
    if (failed)
        return Error{path + ": read error", false, false};
    return data;
}

std::size_t findInvalidUtf8(std::string_view text)
{
    const auto *s = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        // ASCII fast path: 8 bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t w;
            std::memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        std::uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n)
            return i;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, surrogates and values beyond U+10FFFF.
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))
            || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

std::size_t lineOfOffset(std::string_view text, std::size_t offset)
{
    std::size_t line = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i)
        line += text[i] == '\n';
    return line;
}

std::string invalidUtf8Message(const std::string &name, std::string_view text, std::size_t offset)
{
    const std::size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    const std::size_t col = offset - (lineStart == std::string_view::npos || offset == 0 ? 0 : lineStart + 1) + 1;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", unsigned(static_cast<unsigned char>(text[offset])));
    return name + ", line " + std::to_string(lineOfOffset(text, offset)) + ", byte " + std::to_string(col)
           + ": invalid UTF-8 (byte " + hex + "); save the file as UTF-8";
}

bool stripBom(std::string_view &text)
{
    if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
        return true;
    }
    return false;
}

Status writePiecesAtomic(const std::string &path, const std::vector<std::string_view> &pieces)
{
    // What is there now, the link itself rather than what it points to: a symlink is
    // replaced by the new file (rename), and a device, pipe or folder is never replaced.
    struct stat existing;
    const bool exists = ::lstat(path.c_str(), &existing) == 0;
    if (exists && !S_ISREG(existing.st_mode) && !S_ISLNK(existing.st_mode))
        return Error{path + ": " + (S_ISDIR(existing.st_mode) ? "is a folder" : "is not a regular file (a device or a pipe)")
                     + "; the output is written to a new file that then replaces it, so name a regular file",
                     false, false};
    const fs::path target(path);
    fs::path dir = target.parent_path();
    if (dir.empty())
        dir = ".";
    std::string tmpName(".");
    tmpName += target.filename().string();
    tmpName += ".tmp-XXXXXX";
    std::string tmpl = (dir / tmpName).string();
    const int fd = ::mkstemp(tmpl.data());
    if (fd < 0)
        return Error{path + ": cannot create a file in " + dir.string() + ": " + std::strerror(errno), false,
                     false};
    auto fail = [&](const std::string &what) -> Status {
        const std::string msg = path + ": " + what + ": " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmpl.c_str());
        return Error{msg, false, false};
    };
    for (std::string_view piece : pieces) {
        const char *p = piece.data();
        std::size_t left = piece.size();
        while (left > 0) {
            const ssize_t w = ::write(fd, p, left);
            if (w < 0) {
                if (errno == EINTR)
                    continue;
                return fail("write failed");
            }
            p += w;
            left -= std::size_t(w);
        }
    }
    // mkstemp creates the file 0600; give it the mode of the regular file it replaces, else
    // (a new file, or a symlink, whose target's mode says nothing: /dev/full is 0666)
    // 0666 minus the umask.
    mode_t mode;
    if (exists && S_ISREG(existing.st_mode)) {
        mode = existing.st_mode & 0777;
    } else {
        const mode_t mask = ::umask(0);
        ::umask(mask);
        mode = 0666 & ~mask;
    }
    ::fchmod(fd, mode);
    if (::fsync(fd) != 0)
        return fail("fsync failed");
    if (::close(fd) != 0) {
        const std::string msg = path + ": close failed: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return Error{msg, false, false};
    }
    if (::rename(tmpl.c_str(), path.c_str()) != 0) {
        const std::string msg = path + ": cannot replace the file: " + std::strerror(errno);
        ::unlink(tmpl.c_str());
        return Error{msg, false, false};
    }
    // Make the rename itself durable.
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return Ok{};
}

void appendFloat(std::string &out, float v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

std::string floatText(float v)
{
    std::string s;
    appendFloat(s, v);
    return s;
}

Status writeFileAtomic(const std::string &path, const std::string &bytes)
{
    return writePiecesAtomic(path, {std::string_view(bytes)});
}

} // namespace es::formats
