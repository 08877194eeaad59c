#include "app/panels/dashboard_panel.hpp"

#include "app/bridge/bridge.hpp"
#include "core/i18n/i18n.hpp"
#include "core/planning/targets.hpp"

#include <wx/dcbuffer.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/stattext.h>

#include <algorithm>
#include <cmath>

namespace bando::app {
namespace {

struct MeasureLabel {
    const char* id;
    const char* msgid;
    wxColour colour;
};
const MeasureLabel kMeasures[] = {
    {"shops", N_("Digital shops"), wxColour(31, 119, 180)},
    {"accounts", N_("E-payment accounts"), wxColour(44, 160, 44)},
    {"locomotives", N_("Locomotive households"), wxColour(255, 127, 14)},
    {"teams", N_("Villages with a team meeting the rule"), wxColour(148, 103, 189)},
};

wxString fmtInt(double v)
{
    // thousands separated by a narrow space, as in the reports
    wxString digits = wxString::Format("%lld", static_cast<long long>(std::llround(v)));
    wxString out;
    const int n = static_cast<int>(digits.length());
    for (int i = 0; i < n; ++i) {
        if (i > 0 && (n - i) % 3 == 0 && digits[i - 1] != '-')
            out << '.';
        out << digits[i];
    }
    return out;
}

// The progress bars: one row per district, one column per measure; the bar is the measure in %
// of its base, the dark line the target.
void paintBars(wxDC& dc, const wxSize& size, const std::vector<const planning::PlaceProgress*>& places)
{
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    if (places.empty()) {
        dc.DrawText(wtr("No progress figures: open a project with villages and shops."), 8, 8);
        return;
    }
    const int nameW = std::min(150, size.x / 4), top = 22, colGap = 10;
    const int colW = std::max(40, (size.x - nameW - 8) / 4 - colGap);
    const int rowH = std::max(14, std::min(26, (size.y - top - 4) / static_cast<int>(places.size())));
    wxFont small = dc.GetFont();
    small.SetPointSize(std::max(7, small.GetPointSize() - 1));
    dc.SetFont(small);
    // column scales: the largest value or target of the column, at least 10 %
    double scale[4] = {10, 10, 10, 10};
    for (const auto* p : places) {
        const auto bars = progressBars(*p);
        for (size_t m = 0; m < 4 && m < bars.size(); ++m)
            scale[m] = std::max({scale[m], bars[m].pct(), bars[m].targetPct()});
    }
    for (int m = 0; m < 4; ++m) {
        const int x0 = nameW + m * (colW + colGap);
        dc.SetTextForeground(kMeasures[m].colour);
        wxString head = wtr(kMeasures[m].msgid);
        while (head.length() > 4 && dc.GetTextExtent(head).x > colW)
            head = head.Left(head.length() - 2);
        dc.DrawText(head, x0, 2);
    }
    dc.SetTextForeground(*wxBLACK);
    int y = top;
    for (const auto* p : places) {
        wxString name = p->level == "province" ? wtr("Whole province") : wxString::FromUTF8(p->name.empty() ? p->code : p->name);
        while (name.length() > 4 && dc.GetTextExtent(name).x > nameW - 4)
            name = name.Left(name.length() - 1);
        dc.DrawText(name, 4, y + (rowH - dc.GetCharHeight()) / 2);
        const auto bars = progressBars(*p);
        for (int m = 0; m < 4 && m < static_cast<int>(bars.size()); ++m) {
            const int x0 = nameW + m * (colW + colGap);
            const double k = colW / (scale[m] * 1.05);
            const int w = static_cast<int>(std::lround(bars[m].pct() * k));
            dc.SetPen(*wxTRANSPARENT_PEN);
            dc.SetBrush(wxBrush(wxColour(235, 235, 235)));
            dc.DrawRectangle(x0, y + 2, colW, rowH - 4);
            dc.SetBrush(wxBrush(kMeasures[m].colour));
            dc.DrawRectangle(x0, y + 2, std::max(0, std::min(colW, w)), rowH - 4);
            const int tx = x0 + static_cast<int>(std::lround(bars[m].targetPct() * k));
            dc.SetPen(wxPen(wxColour(200, 0, 0), 2));
            dc.DrawLine(tx, y, tx, y + rowH);
            dc.SetTextForeground(*wxBLACK);
            const wxString t = wxString::Format("%.0f%%", bars[m].pct());
            dc.DrawText(t, x0 + 2, y + (rowH - dc.GetCharHeight()) / 2);
        }
        y += rowH;
    }
}

// The dated reports: shops and accounts against the date; province reports joined by a line,
// phase reports as hollow marks labelled with their phase.
void paintSeries(wxDC& dc, const wxSize& size, const std::vector<ReportPoint>& pts)
{
    dc.SetBackground(*wxWHITE_BRUSH);
    dc.Clear();
    if (pts.empty()) {
        dc.DrawText(wtr("No dated progress reports in the project (progress_reports)."), 8, 8);
        return;
    }
    wxFont small = dc.GetFont();
    small.SetPointSize(std::max(7, small.GetPointSize() - 1));
    dc.SetFont(small);
    int d0 = pts.front().day, d1 = pts.front().day;
    double vmax = 1;
    for (const auto& p : pts) {
        d0 = std::min(d0, p.day);
        d1 = std::max(d1, p.day);
        vmax = std::max({vmax, p.shops, p.accounts});
    }
    if (d1 == d0)
        d1 = d0 + 1;
    const int left = 70, right = 12, top = 20, bottom = 22;
    const int w = std::max(10, size.x - left - right), h = std::max(10, size.y - top - bottom);
    auto X = [&](int day) { return left + static_cast<int>(std::lround(double(day - d0) / (d1 - d0) * w)); };
    auto Y = [&](double v) { return top + h - static_cast<int>(std::lround(v / (vmax * 1.08) * h)); };
    dc.SetPen(wxPen(wxColour(160, 160, 160)));
    dc.DrawLine(left, top, left, top + h);
    dc.DrawLine(left, top + h, left + w, top + h);
    dc.SetTextForeground(wxColour(90, 90, 90));
    for (int i = 0; i <= 4; ++i) {
        const double v = vmax * i / 4;
        const wxString t = fmtInt(v);
        dc.DrawText(t, left - 4 - dc.GetTextExtent(t).x, Y(v) - dc.GetCharHeight() / 2);
    }
    int labelEnd = -1000;  // date labels that would overlap the previous one are skipped
    for (const auto& p : pts) {
        const wxString t = wxString::FromUTF8(p.date.substr(5));
        const int tw = dc.GetTextExtent(t).x, x = std::min(X(p.day) - tw / 2, left + w - tw);
        if (x < labelEnd + 4)
            continue;
        dc.DrawText(t, x, top + h + 4);
        labelEnd = x + tw;
    }
    const struct {
        double ReportPoint::*field;
        int measure;
    } series[] = {{&ReportPoint::shops, 0}, {&ReportPoint::accounts, 1}};
    int legendX = left + 6;
    for (const auto& s : series) {
        const wxColour c = kMeasures[s.measure].colour;
        dc.SetPen(wxPen(c, 2));
        wxPoint prev(-1, -1);
        for (const auto& p : pts) {
            const double v = p.*(s.field);
            if (v < 0)
                continue;
            const wxPoint q(X(p.day), Y(v));
            if (p.scope == "province") {
                if (prev.x >= 0)
                    dc.DrawLine(prev, q);
                prev = q;
                dc.SetBrush(wxBrush(c));
            } else {
                dc.SetBrush(*wxWHITE_BRUSH);
                dc.SetTextForeground(c);
                dc.DrawText(wxString::Format(wtr("phase %s"), wxString::FromUTF8(p.code)), q.x + 5, q.y - 6);
            }
            dc.DrawCircle(q, 4);
        }
        dc.SetTextForeground(c);
        const wxString label = wtr(kMeasures[s.measure].msgid);
        dc.DrawText(label, legendX, 2);
        legendX += dc.GetTextExtent(label).x + 16;
    }
}

} // namespace

std::vector<ReportPoint> reportPoints(const Layer* reports)
{
    std::vector<ReportPoint> out;
    if (!reports)
        return out;
    auto num = [&](const Feature& f, const char* field) {
        if (reports->fieldIndex(field) < 0)
            return -1.0;
        const std::string t = reports->text(f, field);
        if (t.empty())
            return -1.0;
        try {
            return std::stod(t);
        } catch (...) {
            return -1.0;
        }
    };
    for (const auto& f : reports->features) {
        ReportPoint p;
        p.date = reports->text(f, "date").substr(0, 10);
        if (!planning::isIsoDate(p.date))
            continue;
        p.day = planning::dayNumber(p.date);
        p.scope = reports->text(f, "scope");
        p.code = reports->text(f, "code");
        p.source = reports->text(f, "source");
        p.shops = num(f, "shops");
        p.accounts = num(f, "accounts");
        p.locomotives = num(f, "locomotives");
        out.push_back(std::move(p));
    }
    std::stable_sort(out.begin(), out.end(), [](const ReportPoint& a, const ReportPoint& b) { return a.day < b.day; });
    return out;
}

std::vector<ProgressBar> progressBars(const planning::PlaceProgress& p)
{
    const auto& c = p.c;
    const double hh = static_cast<double>(c.households);
    return {
        {"shops", double(c.shops), double(c.targetShops), hh},
        {"accounts", double(c.accounts), double(c.targetAccounts), hh},
        {"locomotives", double(c.locomotives), double(c.targetLocomotives), hh},
        // the program's rule: every village has a team of 3-5 members with >= 2 trained
        {"teams", double(c.villagesTeamRuleMet), double(c.villages), double(c.villages)},
    };
}

DashboardPanel::DashboardPanel(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_summary = new wxStaticText(this, wxID_ANY, wtr("Open a project to see the program's progress."));
    sizer->Add(m_summary, 0, wxALL | wxEXPAND, 4);

    sizer->Add(new wxStaticText(this, wxID_ANY, wtr("Progress per district against the target (red line)")), 0,
               wxLEFT | wxTOP, 4);
    m_bars = new wxPanel(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 270));
    m_bars->SetBackgroundStyle(wxBG_STYLE_PAINT);
    m_bars->Bind(wxEVT_PAINT, [this](wxPaintEvent&) {
        wxAutoBufferedPaintDC dc(m_bars);
        paintBars(dc, m_bars->GetClientSize(), districts());
    });
    m_bars->Bind(wxEVT_SIZE, [this](wxSizeEvent& e) { m_bars->Refresh(); e.Skip(); });
    sizer->Add(m_bars, 0, wxALL | wxEXPAND, 4);

    sizer->Add(new wxStaticText(this, wxID_ANY, wtr("Dated progress reports")), 0, wxLEFT | wxTOP, 4);
    m_series = new wxPanel(this, wxID_ANY, wxDefaultPosition, wxSize(-1, 170));
    m_series->SetBackgroundStyle(wxBG_STYLE_PAINT);
    m_series->Bind(wxEVT_PAINT, [this](wxPaintEvent&) {
        wxAutoBufferedPaintDC dc(m_series);
        paintSeries(dc, m_series->GetClientSize(), m_reports);
    });
    m_series->Bind(wxEVT_SIZE, [this](wxSizeEvent& e) { m_series->Refresh(); e.Skip(); });
    sizer->Add(m_series, 0, wxALL | wxEXPAND, 4);

    sizer->Add(new wxStaticText(this, wxID_ANY, wtr("Data-check findings (double-click: zoom to the place)")), 0,
               wxLEFT | wxTOP, 4);
    m_findings = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_SINGLE_SEL);
    m_findings->AppendColumn(wtr("Severity"), wxLIST_FORMAT_LEFT, 70);
    m_findings->AppendColumn(wtr("Place"), wxLIST_FORMAT_LEFT, 150);
    m_findings->AppendColumn(wtr("Rule"), wxLIST_FORMAT_LEFT, 320);
    m_findings->AppendColumn(wtr("Figures"), wxLIST_FORMAT_LEFT, 200);
    m_findings->Bind(wxEVT_LIST_ITEM_ACTIVATED, &DashboardPanel::onActivated, this);
    sizer->Add(m_findings, 1, wxALL | wxEXPAND, 4);
    SetSizer(sizer);
}

std::vector<const planning::PlaceProgress*> DashboardPanel::districts() const
{
    std::vector<const planning::PlaceProgress*> out;
    for (const auto& p : m_progress.places)
        if (p.level == "district")
            out.push_back(&p);
    for (const auto& p : m_progress.places)
        if (p.level == "province")
            out.push_back(&p);  // the province last, as the total row
    return out;
}

void DashboardPanel::show(tasks::ProgressResult progress, tasks::CheckResult check, std::vector<ReportPoint> reports)
{
    m_progress = std::move(progress);
    m_check = std::move(check);
    m_reports = std::move(reports);
    m_loaded = true;
    m_summary->SetLabel(wxString::Format(wtr("Progress at %s (from the shops' dates); data checks: %d errors, %d warnings"),
                                         wxString::FromUTF8(m_progress.date), m_check.errors, m_check.warnings));
    fillFindings();
    m_bars->Refresh();
    m_series->Refresh();
    Layout();
}

void DashboardPanel::clear()
{
    m_progress = {};
    m_check = {};
    m_reports.clear();
    m_loaded = false;
    m_findings->DeleteAllItems();
    m_summary->SetLabel(wtr("Open a project to see the program's progress."));
    m_bars->Refresh();
    m_series->Refresh();
}

void DashboardPanel::fillFindings()
{
    m_findings->Freeze();
    m_findings->DeleteAllItems();
    long row = 0;
    for (const auto& f : m_check.findings) {
        const planning::CheckKind* kind = planning::findCheckKind(f.kind);
        const long i = m_findings->InsertItem(row++, f.severity == planning::Severity::Error ? wtr("error") : wtr("warning"));
        wxString place = wxString::FromUTF8(f.name.empty() ? f.code : f.name);
        if (!f.name.empty() && !f.code.empty())
            place << " (" << wxString::FromUTF8(f.code) << ")";
        m_findings->SetItem(i, 1, place);
        m_findings->SetItem(i, 2, kind ? wtr(kind->rule) : wxString::FromUTF8(f.kind));
        wxString figures;
        for (const auto& [name, value] : f.figures) {
            if (!figures.empty())
                figures << ", ";
            figures << wxString::FromUTF8(name) << " " << fmtInt(value);
        }
        m_findings->SetItem(i, 3, figures);
        if (f.severity == planning::Severity::Error)
            m_findings->SetItemTextColour(i, wxColour(170, 0, 0));
    }
    m_findings->Thaw();
}

void DashboardPanel::chooseFinding(size_t index)
{
    if (index >= m_check.findings.size())
        return;
    m_findings->SetItemState(static_cast<long>(index), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                             wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    m_findings->EnsureVisible(static_cast<long>(index));
    // the event a double click (or Enter) sends, through the list's own handler
    wxListEvent activated(wxEVT_LIST_ITEM_ACTIVATED, m_findings->GetId());
    activated.SetEventObject(m_findings);
    activated.m_itemIndex = static_cast<long>(index);
    m_findings->GetEventHandler()->ProcessEvent(activated);
}

void DashboardPanel::onActivated(wxListEvent& e)
{
    const long i = e.GetIndex();
    if (i >= 0 && static_cast<size_t>(i) < m_check.findings.size() && onFindingChosen)
        onFindingChosen(m_check.findings[static_cast<size_t>(i)]);
}

} // namespace bando::app
