#include "core/capi/proj.hpp"

#include "core/base/error.hpp"

#include <proj.h>

#include <map>
#include <memory>
#include <string>

namespace bando::crs {
namespace {

struct ProjHolder {
    PJ_CONTEXT* ctx = proj_context_create();
    std::map<std::pair<int, int>, PJ*> transforms;
    std::map<int, std::string> names;
    ~ProjHolder()
    {
        for (auto& [k, pj] : transforms)
            proj_destroy(pj);
        proj_context_destroy(ctx);
    }
};

ProjHolder& holder()
{
    thread_local ProjHolder h;
    return h;
}

PJ* transformation(int src, int dst)
{
    auto& h = holder();
    auto key = std::make_pair(src, dst);
    auto it = h.transforms.find(key);
    if (it != h.transforms.end())
        return it->second;
    std::string s = "EPSG:" + std::to_string(src);
    std::string d = "EPSG:" + std::to_string(dst);
    PJ* raw = proj_create_crs_to_crs(h.ctx, s.c_str(), d.c_str(), nullptr);
    if (!raw)
        throw Error(ErrorKind::Crs, s + " -> " + d,
                    std::string("cannot create transformation: ") +
                        proj_context_errno_string(h.ctx, proj_context_errno(h.ctx)));
    PJ* norm = proj_normalize_for_visualization(h.ctx, raw);
    proj_destroy(raw);
    if (!norm)
        throw Error(ErrorKind::Crs, s + " -> " + d, "cannot normalise axis order");
    h.transforms.emplace(key, norm);
    return norm;
}

} // namespace

PJ_CONTEXT* projContext() { return holder().ctx; }

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
    auto& h = holder();
    auto it = h.names.find(epsg);
    if (it != h.names.end())
        return it->second.c_str();
    std::string name = "EPSG:" + std::to_string(epsg);
    if (PJ* crs = proj_create(h.ctx, name.c_str())) {
        if (const char* n = proj_get_name(crs))
            name = n;
        proj_destroy(crs);
    }
    return h.names.emplace(epsg, name).first->second.c_str();
}

} // namespace bando::crs
