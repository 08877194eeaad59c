#include "core/io/list_columns.hpp"

#include "core/base/text.hpp"

namespace bando::io {

std::string headerKey(const std::string& s)
{
    std::string o;
    for (char c : text::foldForMatch(s))
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            o += c;
    return o;
}

int findColumn(const SourceInfo& info, std::initializer_list<const char*> keys)
{
    for (const char* k : keys)
        for (size_t i = 0; i < info.fields.size(); ++i)
            if (headerKey(info.fields[i].name) == k)
                return static_cast<int>(i);
    return -1;
}

UnitColumns findUnitColumns(const SourceInfo& info)
{
    UnitColumns c;
    c.code = findColumn(info, {"villagecode", "mathon", "mathonban", "ma", "code"});
    c.village = findColumn(info, {"village", "villagename", "thon", "tenthon", "thonban", "ban", "tenthonban"});
    c.commune = findColumn(info, {"commune", "communename", "xa", "tenxa", "xaphuong", "xaphuongthitran"});
    c.district = findColumn(info, {"district", "districtname", "huyen", "tenhuyen", "huyenthanhpho"});
    c.address = findColumn(info, {"address", "diachi", "diadanh", "vitri", "noi", "thonxa"});
    return c;
}

} // namespace bando::io
