#include "core/capi/proj.hpp"

#include "core/base/error.hpp"

#include <proj.h>

#include <map>
#include <mutex>
#include <memory>
#include <string>

namespace bando::crs {
namespace {

struct ContextDeleter {
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct PjDeleter {
    void operator()(PJ* pj) const { proj_destroy(pj); }
};
using ContextPtr = std::unique_ptr<PJ_CONTEXT, ContextDeleter>;
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

struct ProjHolder {
    // Declared first: destroyed after the transformations created in it.
    ContextPtr context{proj_context_create()};
    PJ_CONTEXT* ctx = context.get();
    std::map<std::pair<int, int>, PjPtr> transforms;
};

// A context and its transformations outlive the thread that used them: a thread takes a holder
// from the pool at its first PROJ call and gives it back when it ends. A new context and its first
// transformation cost about 8 ms of CPU (PROJ's database), and the analysis starts short-lived
// threads that each needed one; now at most one holder per thread running at once is ever made.
struct HolderPool {
    std::mutex mutex;
    std::vector<std::unique_ptr<ProjHolder>> idle;
};

HolderPool& pool()
{
    static HolderPool p;  // made before the first lease, so destroyed after the last one
    return p;
}

struct Lease {
    std::unique_ptr<ProjHolder> held;
    Lease()
    {
        HolderPool& p = pool();
        {
            std::lock_guard<std::mutex> lock(p.mutex);
            if (!p.idle.empty()) {
                held = std::move(p.idle.back());
                p.idle.pop_back();
            }
        }
        if (!held)
            held = std::make_unique<ProjHolder>();
    }
    ~Lease()
    {
        HolderPool& p = pool();
        std::lock_guard<std::mutex> lock(p.mutex);
        p.idle.push_back(std::move(held));
    }
};

ProjHolder& holder()
{
    thread_local Lease lease;
    return *lease.held;
}

// One transformation per (source, target) made from PROJ's database, in a context of its own; a
// thread's context gets a clone of it (0.3 ms instead of about 8 ms, and the same numbers).
struct Prototypes {
    std::mutex mutex;
    ContextPtr context{proj_context_create()};
    std::map<std::pair<int, int>, PjPtr> transforms;
    std::map<int, std::string> names;  // crsName's, stable addresses
    bool warm = false;
};

Prototypes& prototypes()
{
    static Prototypes p;
    return p;
}

// The prototype of (src, dst), made on first use; call with the prototypes' mutex held.
PJ* prototype(Prototypes& P, int src, int dst)
{
    const auto key = std::make_pair(src, dst);
    auto it = P.transforms.find(key);
    if (it != P.transforms.end())
        return it->second.get();
    const std::string s = "EPSG:" + std::to_string(src);
    const std::string d = "EPSG:" + std::to_string(dst);
    PjPtr raw(proj_create_crs_to_crs(P.context.get(), s.c_str(), d.c_str(), nullptr));
    if (!raw)
        throw Error(ErrorKind::Crs, s + " -> " + d,
                    std::string("cannot create transformation: ") +
                        proj_context_errno_string(P.context.get(), proj_context_errno(P.context.get())));
    PjPtr norm(proj_normalize_for_visualization(P.context.get(), raw.get()));
    if (!norm)
        throw Error(ErrorKind::Crs, s + " -> " + d, "cannot normalise axis order");
    return P.transforms.emplace(key, std::move(norm)).first->second.get();
}

PJ* transformation(int src, int dst)
{
    auto& h = holder();
    auto key = std::make_pair(src, dst);
    auto it = h.transforms.find(key);
    if (it != h.transforms.end())
        return it->second.get();
    Prototypes& P = prototypes();
    PjPtr own;
    {
        std::lock_guard<std::mutex> lock(P.mutex);
        own.reset(proj_clone(h.ctx, prototype(P, src, dst)));
    }
    if (!own)
        throw Error(ErrorKind::Crs, "EPSG:" + std::to_string(src) + " -> EPSG:" + std::to_string(dst),
                    "cannot copy the transformation");
    return h.transforms.emplace(key, std::move(own)).first->second.get();
}

} // namespace

PJ_CONTEXT* projContext() { return holder().ctx; }

void prepareTransform(int srcEpsg, int dstEpsg)
{
    if (srcEpsg == dstEpsg)
        return;
    Prototypes& P = prototypes();
    std::lock_guard<std::mutex> lock(P.mutex);
    prototype(P, srcEpsg, dstEpsg);
}

void transform(int srcEpsg, int dstEpsg, double* x, double* y, size_t count)
{
    if (srcEpsg == dstEpsg || count == 0)
        return;
    PJ* pj = transformation(srcEpsg, dstEpsg);
    proj_trans_generic(pj, PJ_FWD, x, sizeof(double), count, y, sizeof(double), count, nullptr, 0, 0,
                       nullptr, 0, 0);
    int err = proj_errno(pj);
    if (err) {
        proj_errno_reset(pj);
        throw Error(ErrorKind::Crs, "EPSG:" + std::to_string(srcEpsg) + " -> EPSG:" + std::to_string(dstEpsg),
                    proj_context_errno_string(holder().ctx, err));
    }
}

XYPair transform(int srcEpsg, int dstEpsg, double x, double y)
{
    transform(srcEpsg, dstEpsg, &x, &y, 1);
    return {x, y};
}

const char* crsName(int epsg)
{
    // in the prototypes' context, whose database is open already (warmUp)
    Prototypes& P = prototypes();
    std::lock_guard<std::mutex> lock(P.mutex);
    auto it = P.names.find(epsg);
    if (it != P.names.end())
        return it->second.c_str();
    std::string name = "EPSG:" + std::to_string(epsg);
    if (PjPtr crs{proj_create(P.context.get(), name.c_str())}) {
        if (const char* n = proj_get_name(crs.get()))
            name = n;
    }
    return P.names.emplace(epsg, name).first->second.c_str();
}

void warmUp()
{
    Prototypes& P = prototypes();
    std::lock_guard<std::mutex> lock(P.mutex);
    if (!P.warm) {
        PjPtr crs{proj_create(P.context.get(), "EPSG:4326")};  // opens proj.db in this context
        P.warm = true;
    }
}

} // namespace bando::crs
