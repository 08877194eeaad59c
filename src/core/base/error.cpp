#include "core/base/error.hpp"

namespace bando {

const char* errorKindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Io: return "I/O error";
    case ErrorKind::Format: return "format error";
    case ErrorKind::Crs: return "CRS error";
    case ErrorKind::Geometry: return "geometry error";
    case ErrorKind::Store: return "project store error";
    case ErrorKind::Plugin: return "plugin error";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Usage: return "usage error";
    case ErrorKind::Internal: return "internal error";
    }
    return "error";
}

static std::string compose(const std::string& where, const std::string& message)
{
    return where.empty() ? message : where + ": " + message;
}

Error::Error(ErrorKind kind, const std::string& where, const std::string& message)
    : std::runtime_error(compose(where, message)), m_kind(kind), m_where(where), m_message(message)
{
}

int exitCodeFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Io: return ExitIo;
    case ErrorKind::Format:
    case ErrorKind::Crs:
    case ErrorKind::Geometry: return ExitFormat;
    case ErrorKind::Store: return ExitStore;
    case ErrorKind::Cancelled: return ExitCancelled;
    case ErrorKind::Usage: return ExitUsage;
    case ErrorKind::Plugin:
    case ErrorKind::Internal: return ExitFailure;
    }
    return ExitFailure;
}

} // namespace bando
