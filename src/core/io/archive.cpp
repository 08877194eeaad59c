#include "core/io/archive.hpp"

#include "core/base/error.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>

namespace bando::io {
namespace {

uint32_t le32(const unsigned char* p) { return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24); }
uint16_t le16(const unsigned char* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }

} // namespace

std::vector<std::string> zipEntryNames(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(ErrorKind::Io, path, "cannot open file");
    in.seekg(0, std::ios::end);
    const auto size = static_cast<int64_t>(in.tellg());
    const int64_t tail = std::min<int64_t>(size, 65536 + 22);
    std::vector<unsigned char> buf(static_cast<size_t>(tail));
    in.seekg(size - tail);
    in.read(reinterpret_cast<char*>(buf.data()), tail);
    int64_t eocd = -1;
    for (int64_t i = tail - 22; i >= 0; --i)
        if (le32(&buf[static_cast<size_t>(i)]) == 0x06054b50) {
            eocd = i;
            break;
        }
    if (eocd < 0)
        throw Error(ErrorKind::Format, path, "not a zip archive (no end of central directory)");
    const unsigned char* e = &buf[static_cast<size_t>(eocd)];
    const uint16_t entries = le16(e + 10);
    const uint32_t cdSize = le32(e + 12), cdOffset = le32(e + 16);
    if (static_cast<int64_t>(cdOffset) + cdSize > size)
        throw Error(ErrorKind::Format, path, "corrupt zip archive (central directory outside the file)");
    std::vector<unsigned char> cd(cdSize);
    in.seekg(cdOffset);
    in.read(reinterpret_cast<char*>(cd.data()), cdSize);
    std::vector<std::string> names;
    size_t p = 0;
    for (uint16_t i = 0; i < entries; ++i) {
        if (p + 46 > cd.size() || le32(&cd[p]) != 0x02014b50)
            throw Error(ErrorKind::Format, path, "corrupt zip archive (entry " + std::to_string(i + 1) + ")");
        const uint16_t nameLen = le16(&cd[p + 28]), extraLen = le16(&cd[p + 30]), commentLen = le16(&cd[p + 32]);
        if (p + 46 + nameLen > cd.size())
            throw Error(ErrorKind::Format, path, "corrupt zip archive (entry " + std::to_string(i + 1) + ")");
        names.emplace_back(reinterpret_cast<const char*>(&cd[p + 46]), nameLen);
        p += 46 + nameLen + extraLen + commentLen;
    }
    return names;
}

void checkArchiveEntries(const std::string& path)
{
    for (const auto& n : zipEntryNames(path)) {
        bool bad = n.empty() || n[0] == '/' || n[0] == '\\' || n.find('\\') != std::string::npos ||
                   (n.size() > 1 && n[1] == ':') || n.find('\0') != std::string::npos;
        size_t start = 0;
        while (!bad && start <= n.size()) {
            size_t end = n.find('/', start);
            if (end == std::string::npos)
                end = n.size();
            if (n.compare(start, end - start, "..") == 0 && end - start == 2)
                bad = true;
            start = end + 1;
        }
        if (bad)
            throw Error(ErrorKind::Format, path,
                        "refused: archive entry '" + n + "' points outside the archive");
    }
}

} // namespace bando::io
