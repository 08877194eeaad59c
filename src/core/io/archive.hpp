#pragma once
// Zip archives (KMZ): entry names read from the central directory, checked before GDAL opens
// anything inside ("zip-slip": absolute paths and ".." components are refused).
#include <string>
#include <vector>

namespace bando::io {

// Names of the entries in a zip file's central directory. Throws bando::Error(Format) when
// the file is not a readable zip archive.
std::vector<std::string> zipEntryNames(const std::string& path);
// Throws bando::Error(Format) naming the archive and the entry when an entry would land
// outside the archive's folder (absolute path, drive letter, ".." component, backslashes).
void checkArchiveEntries(const std::string& path);

} // namespace bando::io
