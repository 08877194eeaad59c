#include "app/dialogs/import_dialog.hpp"

#include "app/bridge/bridge.hpp"
#include "app/dialogs/outside_rows_dialog.hpp"
#include "core/base/error.hpp"
#include "core/io/crs_guess.hpp"
#include "core/io/importer.hpp"
#include "core/io/lists.hpp"
#include "core/store/project_store.hpp"
#include "core/tasks/import_task.hpp"
#include "core/tasks/job.hpp"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/combobox.h>
#include <wx/dialog.h>
#include <wx/filepicker.h>
#include <wx/gauge.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/statbox.h>
#include <wx/stattext.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace bando::app {

class ImportDialog : public wxDialog {
public:
    ImportDialog(wxWindow* parent, std::string projectPath, const std::string& sourcePath)
        : wxDialog(parent, wxID_ANY, wtr("Import data"), wxDefaultPosition, wxSize(900, 720),
                   wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
          m_project(std::move(projectPath))
    {
        build();
        loadLayers();
        if (!sourcePath.empty()) {
            m_file->SetPath(wx(sourcePath));
            inspect();
        }
        Bind(wxEVT_CLOSE_WINDOW, [this](wxCloseEvent& e) {
            m_job.reset();  // cancels and joins a running import
            e.Skip();
        });
    }
    ~ImportDialog() override { m_job.reset(); }
    bool imported() const { return m_imported; }

private:
    void build()
    {
        auto* top = new wxBoxSizer(wxVERTICAL);
        auto* grid = new wxFlexGridSizer(2, wxSize(8, 6));
        grid->AddGrowableCol(1);
        grid->Add(new wxStaticText(this, wxID_ANY, wtr("File:")), 0, wxALIGN_CENTER_VERTICAL);
        m_file = new wxFilePickerCtrl(this, wxID_ANY, "", wtr("Choose a file to import"),
                                      "*.shp;*.dbf;*.gpkg;*.geojson;*.json;*.kml;*.kmz;*.gml;*.csv;*.txt;*.xlsx;*.ods",
                                      wxDefaultPosition, wxDefaultSize, wxFLP_OPEN | wxFLP_FILE_MUST_EXIST | wxFLP_USE_TEXTCTRL);
        grid->Add(m_file, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, wtr("Text encoding:")), 0, wxALIGN_CENTER_VERTICAL);
        m_encoding = new wxChoice(this, wxID_ANY);
        m_encoding->Append(wtr("Automatic"));
        for (io::Encoding e : io::kAllEncodings)
            m_encoding->Append(wx(io::encodingLabel(e)));
        m_encoding->SetSelection(0);
        grid->Add(m_encoding, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, wtr("Coordinate system:")), 0, wxALIGN_CENTER_VERTICAL);
        m_crs = new wxChoice(this, wxID_ANY);
        m_crsCodes.push_back(0);
        m_crs->Append(wtr("From the file / guessed"));
        m_crsCodes.push_back(4326);
        m_crs->Append("WGS 84 (EPSG:4326)");
        for (const auto& z : io::vn2000Zones()) {
            m_crsCodes.push_back(z.epsg);
            m_crs->Append(wx(z.name + " (EPSG:" + std::to_string(z.epsg) + ")"));
        }
        m_crs->SetSelection(0);
        grid->Add(m_crs, 1, wxEXPAND);
        top->Add(grid, 0, wxEXPAND | wxALL, 10);
        m_summary = new wxStaticText(this, wxID_ANY, "");
        top->Add(m_summary, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
        m_crsNote = new wxStaticText(this, wxID_ANY, "");
        m_crsNote->SetForegroundColour(wxColour(170, 80, 0));
        top->Add(m_crsNote, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
        m_confirmCrs = new wxCheckBox(this, wxID_ANY, wtr("I have checked the coordinate system"));
        top->Add(m_confirmCrs, 0, wxLEFT | wxRIGHT | wxTOP, 10);

        auto* pbox = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Preview of decoded values"));
        m_preview = new wxListCtrl(pbox->GetStaticBox(), wxID_ANY, wxDefaultPosition, wxSize(-1, 170),
                                   wxLC_REPORT | wxLC_HRULES | wxLC_VRULES);
        pbox->Add(m_preview, 1, wxEXPAND);
        top->Add(pbox, 1, wxEXPAND | wxALL, 10);

        auto* tbox = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Target layer and field mapping"));
        auto* trow = new wxBoxSizer(wxHORIZONTAL);
        trow->Add(new wxStaticText(tbox->GetStaticBox(), wxID_ANY, wtr("Layer:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, 6);
        m_layer = new wxComboBox(tbox->GetStaticBox(), wxID_ANY, "", wxDefaultPosition, wxSize(240, -1));
        trow->Add(m_layer, 0, wxRIGHT, 12);
        m_append = new wxCheckBox(tbox->GetStaticBox(), wxID_ANY, wtr("Append to the existing features"));
        trow->Add(m_append, 0, wxALIGN_CENTER_VERTICAL);
        tbox->Add(trow, 0, wxBOTTOM, 6);
        m_mapPanel = new wxScrolledWindow(tbox->GetStaticBox(), wxID_ANY, wxDefaultPosition, wxSize(-1, 150));
        m_mapPanel->SetScrollRate(0, 12);
        m_mapSizer = new wxFlexGridSizer(4, wxSize(8, 4));
        m_mapPanel->SetSizer(m_mapSizer);
        tbox->Add(m_mapPanel, 1, wxEXPAND);
        top->Add(tbox, 1, wxEXPAND | wxLEFT | wxRIGHT, 10);

        // Lists keyed by names (households, teams, survey_gaps): the review before writing.
        m_reviewBox = new wxStaticBoxSizer(wxVERTICAL, this, wtr("Review of the matched villages"));
        m_review = new wxListCtrl(m_reviewBox->GetStaticBox(), wxID_ANY, wxDefaultPosition, wxSize(-1, 170),
                                  wxLC_REPORT | wxLC_HRULES | wxLC_VRULES);
        m_review->AppendColumn(wtr("File row"), wxLIST_FORMAT_RIGHT, 50);
        m_review->AppendColumn(wtr("In the file"), wxLIST_FORMAT_LEFT, 260);
        m_review->AppendColumn(wtr("Match status"), wxLIST_FORMAT_LEFT, 110);
        m_review->AppendColumn(wtr("Village / candidates"), wxLIST_FORMAT_LEFT, 380);
        m_reviewBox->Add(m_review, 1, wxEXPAND);
        m_skipUnmatched = new wxCheckBox(m_reviewBox->GetStaticBox(), wxID_ANY,
                                         wtr("Import the matched rows and skip the others"));
        m_reviewBox->Add(m_skipUnmatched, 0, wxTOP, 6);
        top->Add(m_reviewBox, 1, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, 10);
        m_reviewBox->Show(false);

        m_gauge = new wxGauge(this, wxID_ANY, 100);
        top->Add(m_gauge, 0, wxEXPAND | wxALL, 10);
        m_status = new wxStaticText(this, wxID_ANY, "");
        top->Add(m_status, 0, wxEXPAND | wxLEFT | wxRIGHT, 10);
        auto* buttons = new wxBoxSizer(wxHORIZONTAL);
        buttons->AddStretchSpacer();
        m_importBtn = new wxButton(this, wxID_OK, wtr("Import"));
        m_cancelBtn = new wxButton(this, wxID_CANCEL, wtr("Close"));
        buttons->Add(m_importBtn, 0, wxRIGHT, 8);
        buttons->Add(m_cancelBtn);
        top->Add(buttons, 0, wxEXPAND | wxALL, 10);
        SetSizer(top);

        m_file->Bind(wxEVT_FILEPICKER_CHANGED, [this](wxFileDirPickerEvent&) { inspect(); });
        m_encoding->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { inspect(); });
        m_crs->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { inspect(); });
        m_layer->Bind(wxEVT_COMBOBOX, [this](wxCommandEvent&) { rebuildMapping(); });
        m_layer->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { rebuildMapping(); });
        m_importBtn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { startImport(); });
        m_cancelBtn->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
            if (busy())
                m_job->cancel();
            else
                EndModal(m_imported ? wxID_OK : wxID_CANCEL);
        });
    }

    void loadLayers()
    {
        guarded(this, wtr("Cannot read the project"), [&] {
            auto store = ProjectStore::open(m_project, ProjectStore::Mode::ReadOnly);
            for (const auto& n : store->layerNames())
                if (n != "import_mappings")
                    m_layer->Append(wx(n));
            m_layer->Append(wx(std::string(io::listKindName(io::ListKind::Households))));
        });
    }

    io::SourceOptions options() const
    {
        io::SourceOptions so;
        int e = m_encoding->GetSelection();
        if (e > 0)
            so.encoding = io::kAllEncodings[static_cast<size_t>(e - 1)];
        int c = m_crs->GetSelection();
        if (c > 0)
            so.epsg = m_crsCodes[static_cast<size_t>(c)];
        return so;
    }

    void inspect()
    {
        m_info.reset();
        m_preview->ClearAll();
        const std::string path = utf8(m_file->GetPath());
        if (path.empty())
            return;
        guarded(this, wtr("Cannot read the file"), [&] {
            m_info = std::make_unique<io::SourceInfo>(io::inspectSource(path, options(), 20));
        });
        if (!m_info) {
            m_summary->SetLabel("");
            return;
        }
        const auto& info = *m_info;
        wxString summary = wx(std::string(io::sourceKindName(info.kind)) + ", '" + info.layer + "', ");
        if (info.featureCount >= 0)
            summary += wxString::Format("%lld ", static_cast<long long>(info.featureCount)) + wtr("features") + ", ";
        summary += wtr("text encoding:") + " " + wx(io::encodingLabel(info.encoding)) + " (" + wx(info.encodingSource) + ")";
        m_summary->SetLabel(summary);
        wxString note = info.epsg > 0 ? wx("EPSG:" + std::to_string(info.epsg) + " — ") : wxString();
        note += wx(info.crsNote);
        if (info.epsgGuessed)
            note = wtr("Guessed, please confirm:") + " " + note;
        m_crsNote->SetLabel(note);
        m_confirmCrs->Show(info.epsgGuessed);
        m_confirmCrs->SetValue(false);
        for (size_t i = 0; i < info.fields.size(); ++i)
            m_preview->AppendColumn(wx(info.fields[i].name), wxLIST_FORMAT_LEFT, 130);
        for (size_t r = 0; r < info.preview.size(); ++r) {
            long item = m_preview->InsertItem(static_cast<long>(r), info.preview[r].empty() ? wxString() : wx(info.preview[r][0]));
            for (size_t c = 1; c < info.preview[r].size(); ++c)
                m_preview->SetItem(item, static_cast<int>(c), wx(info.preview[r][c]));
        }
        rebuildMapping();
        Layout();
    }

    // Lists keyed by village names (households, teams, survey_gaps) are routed by the core.
    bool listTarget() const { return tasks::importRouteOf(utf8(m_layer->GetValue())) != tasks::ImportRoute::File; }
    bool busy() const { return m_job && !m_job->isFinished(); }

    // The request of the current choices (file, encoding, CRS, layer, mapping, append).
    tasks::ImportRequest request() const
    {
        tasks::ImportRequest r;
        r.project = m_project;
        r.file = m_info->path;
        r.targetLayer = utf8(m_layer->GetValue());
        r.source = options();
        // Lists: the box says append; a file import asks when the layer has rows (askMode).
        r.mode = listTarget() && m_append->GetValue() ? io::ImportMode::Append : io::ImportMode::Unspecified;
        r.skipUnmatched = m_skipUnmatched->GetValue();
        if (!listTarget()) {
            if (m_info->epsgGuessed && r.source.epsg == 0)
                r.source.epsg = m_info->epsg;  // confirmed guess
            for (size_t i = 0; i < m_mapChoices.size(); ++i) {
                int sel = m_mapChoices[i]->GetSelection();
                if (sel > 0)
                    r.mapping[m_mapTargets[i]] = m_info->fields[static_cast<size_t>(sel - 1)].name;
            }
        }
        return r;
    }

    void resetReview()
    {
        m_reviewed = false;
        m_needsReview = false;
        m_review->DeleteAllItems();
        const bool list = listTarget();
        m_reviewBox->Show(list);
        m_mapPanel->Show(!list);
        m_append->Show(list);
        Layout();
    }

    void addReviewRow(const io::ReviewRow& rv)
    {
        long item = m_review->InsertItem(m_review->GetItemCount(), wxString::Format("%lld", static_cast<long long>(rv.row)));
        m_review->SetItem(item, 1, wx(rv.input));
        const auto st = rv.match.status;
        m_review->SetItem(item, 2, st == io::UnitMatch::Status::Matched     ? wtr("matched")
                                   : st == io::UnitMatch::Status::Ambiguous ? wtr("ambiguous")
                                                                            : wtr("not found"));
        std::string what;
        auto unit = [](const io::UnitRef& u) { return u.code + " " + u.name + ", " + u.communeName + ", " + u.districtName; };
        if (st == io::UnitMatch::Status::Matched)
            what = unit(rv.match.unit);
        for (const auto& c : rv.match.candidates)
            what += (what.empty() ? "" : "; ") + unit(c);
        if (what.empty())
            what = rv.match.reason;
        m_review->SetItem(item, 3, wx(what));
        if (st != io::UnitMatch::Status::Matched)
            m_review->SetItemTextColour(item, wxColour(170, 40, 0));
    }

    // Matches every row without writing and fills the review list.
    void runReview()
    {
        m_review->DeleteAllItems();
        guarded(this, wtr("Cannot read the file"), [&] {
            tasks::ImportRequest r = request();
            r.reviewOnly = true;
            Feedback fb;
            const io::ListImportResult list = *tasks::runTask(r, fb).list;
            for (const auto& rv : list.review)
                addReviewRow(rv);
            m_reviewed = true;
            m_needsReview = list.needsReview();
            m_status->SetLabel(wxString::Format("%lld / %lld ", static_cast<long long>(list.matched),
                                                static_cast<long long>(list.rows)) +
                               wtr("rows matched. Check the list, then press Import again."));
        });
    }

    void startListImport()
    {
        if (!m_reviewed) {
            runReview();
            return;
        }
        if (m_needsReview && !m_skipUnmatched->GetValue()) {
            wxMessageBox(wtr("Some rows are not matched or ambiguous: correct the file, or tick the box to skip them."),
                         wtr("Import data"), wxOK | wxICON_WARNING, this);
            return;
        }
        m_importBtn->Disable();
        m_status->SetLabel(wtr("Importing…"));
        startJob(request());
    }

    // Runs the import on a worker thread (tasks::TaskJob); finished() shows its result.
    void startJob(tasks::ImportRequest r)
    {
        m_lastRequest = r;
        m_job = tasks::makeJob(std::move(r));
        WindowHandle<ImportDialog> self(this);
        auto lastPost = std::make_shared<std::atomic<int64_t>>(0);
        m_job->feedback().setObserver([self, lastPost](double pct, const std::string&) {
            const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch()).count();
            if (now - lastPost->load() < 100 && pct < 100)
                return;
            lastPost->store(now);
            self.post([pct](ImportDialog& d) { d.m_gauge->SetValue(static_cast<int>(pct)); });
        });
        m_job->start([self] { self.post([](ImportDialog& d) { d.finished(); }); });
    }

    void finishedList(const io::ListImportResult& r)
    {
        m_reviewed = false;
        wxString summary = wx(std::to_string(r.written) + " " + tr("written"));
        for (const auto& d : r.diagnostics.items())
            summary += wx("\n• " + d.where + ": " + d.message);
        m_status->SetLabel(summary);
    }

    void finishedFile(const io::ImportResult& r)
    {
        wxString msg = wxString::Format("%lld / %lld ", static_cast<long long>(r.stats.written),
                                        static_cast<long long>(r.stats.read)) +
                       wtr("features imported") + wxString::Format(" (%.1f s)", r.seconds);
        for (const auto& d : r.diagnostics.items())
            msg += wx("\n• " + d.message);
        m_status->SetLabel(msg);
    }

    void rebuildMapping()
    {
        resetReview();
        m_mapPanel->DestroyChildren();
        m_mapSizer->Clear();
        m_mapChoices.clear();
        m_mapTargets.clear();
        const std::string layer = utf8(m_layer->GetValue());
        if (!m_info || layer.empty())
            return;
        if (listTarget())
            return;
        io::MappingProposal proposal;
        guarded(this, wtr("Cannot read the project"), [&] {
            auto store = ProjectStore::open(m_project, ProjectStore::Mode::ReadOnly);
            proposal = io::proposeMapping(*store, *m_info, layer);
        });
        auto& mapping = proposal.mapping;
        // A new layer takes the source's fields as they are: nothing to map.
        for (const auto& f : proposal.targetFields) {
            m_mapSizer->Add(new wxStaticText(m_mapPanel, wxID_ANY, wx(f.name + "  ←")), 0, wxALIGN_CENTER_VERTICAL);
            auto* ch = new wxChoice(m_mapPanel, wxID_ANY, wxDefaultPosition, wxSize(170, -1));
            ch->Append(wx("—"));
            int sel = 0;
            for (size_t i = 0; i < m_info->fields.size(); ++i) {
                ch->Append(wx(m_info->fields[i].name));
                if (mapping.count(f.name) && mapping[f.name] == m_info->fields[i].name)
                    sel = static_cast<int>(i + 1);
            }
            ch->SetSelection(sel);
            m_mapSizer->Add(ch, 0);
            m_mapChoices.push_back(ch);
            m_mapTargets.push_back(f.name);
        }
        m_mapPanel->FitInside();
        m_mapPanel->Layout();
    }

    void startImport()
    {
        if (!m_info || busy())
            return;
        if (listTarget()) {
            startListImport();
            return;
        }
        const std::string layer = utf8(m_layer->GetValue());
        if (layer.empty()) {
            wxMessageBox(wtr("Choose the target layer."), wtr("Import data"), wxOK | wxICON_WARNING, this);
            return;
        }
        if (m_info->epsgGuessed && !m_confirmCrs->GetValue()) {
            wxMessageBox(wtr("The coordinate system was guessed: check it and tick the confirmation box."),
                         wtr("Import data"), wxOK | wxICON_WARNING, this);
            return;
        }
        tasks::ImportRequest r = request();
        if (!askMode(r))
            return;
        m_importBtn->Disable();
        m_cancelBtn->SetLabel(wtr("Cancel"));
        m_gauge->SetValue(0);
        m_status->SetLabel(wtr("Importing…"));
        startJob(std::move(r));
    }

    // When the target layer has rows, asks Append or Replace showing both counts; the request
    // carries the answer (the core refuses an import into a layer with rows without one).
    bool askMode(tasks::ImportRequest& r)
    {
        int64_t existing = 0;
        bool ok = false;
        guarded(this, wtr("Cannot read the project"), [&] {
            auto store = ProjectStore::open(m_project, ProjectStore::Mode::ReadOnly);
            existing = io::existingRows(*store, r.targetLayer);
            ok = true;
        });
        if (!ok)
            return false;
        if (existing == 0)
            return true;
        const wxString fileRows = m_info->featureCount >= 0
                                      ? wxString::Format("%lld", static_cast<long long>(m_info->featureCount))
                                      : wxString("?");
        wxMessageDialog ask(this,
                            wxString::Format(wtr("Layer '%s' already has %lld rows; the file has %s. Add the file's "
                                                 "rows to them (Append) or replace them by the file's rows (Replace)?"),
                                             wx(r.targetLayer), static_cast<long long>(existing), fileRows),
                            wtr("Import data"), wxYES_NO | wxCANCEL | wxICON_QUESTION);
        ask.SetYesNoCancelLabels(wtr("Append"), wtr("Replace"), wtr("Cancel"));
        const int answer = ask.ShowModal();
        if (answer == wxID_CANCEL)
            return false;
        r.mode = answer == wxID_YES ? io::ImportMode::Append : io::ImportMode::Replace;
        return true;
    }

    void finished()
    {
        if (!m_job)
            return;
        m_job->wait();
        m_importBtn->Enable();
        m_cancelBtn->SetLabel(wtr("Close"));
        if (std::exception_ptr error = m_job->error()) {
            m_gauge->SetValue(0);
            // A refused file import may be refused for rows beyond the province: a dry run that
            // allows them lists them, and the user decides row by row (outside_rows_dialog).
            if (!m_job->wasCancelled() && !m_checkingOutside && m_lastRequest.route() == tasks::ImportRoute::File &&
                !m_lastRequest.allowOutside && !m_lastRequest.dryRun) {
                m_refusal = error;
                m_checkingOutside = true;
                tasks::ImportRequest dry = m_lastRequest;
                dry.allowOutside = true;
                dry.dryRun = true;
                m_status->SetLabel(wtr("Checking the rows outside the province…"));
                m_importBtn->Disable();
                m_cancelBtn->SetLabel(wtr("Cancel"));
                startJob(std::move(dry));
                return;
            }
            if (m_checkingOutside) {  // the dry run failed too: the first refusal is the answer
                m_checkingOutside = false;
                m_lastRequest.dryRun = false;
                error = m_refusal;
            }
            if (m_job->wasCancelled())
                m_status->SetLabel(wtr("Cancelled: nothing was written."));
            else {
                m_status->SetLabel(wtr("Import failed: nothing was written."));
                showError(this, wtr("Import failed"), error);
            }
            return;
        }
        if (m_checkingOutside) {
            m_checkingOutside = false;
            const io::ImportResult& dry = *m_job->result()->file;
            if (dry.outside.empty() || dry.stats.outsideProvince > static_cast<int64_t>(dry.outside.size())) {
                m_status->SetLabel(wtr("Import failed: nothing was written."));
                showError(this, wtr("Import failed"), m_refusal);
                return;
            }
            const auto choice = chooseOutsideRows(this, dry.source.path, dry.outside);
            if (!choice) {
                m_status->SetLabel(wtr("Cancelled: nothing was written."));
                return;
            }
            tasks::ImportRequest again = m_lastRequest;
            again.dryRun = false;
            again.allowOutside = !choice->keep.empty();
            again.skipRows.insert(choice->skip.begin(), choice->skip.end());
            m_importBtn->Disable();
            m_cancelBtn->SetLabel(wtr("Cancel"));
            m_status->SetLabel(wtr("Importing…"));
            startJob(std::move(again));
            return;
        }
        m_imported = true;
        m_gauge->SetValue(100);
        const tasks::ImportResult& r = *m_job->result();
        if (r.list)
            finishedList(*r.list);
        else
            finishedFile(*r.file);
        Layout();
    }

    std::string m_project;
    tasks::ImportRequest m_lastRequest;  // the request the running (or last) job was made from
    bool m_checkingOutside = false;      // the running job is the dry run listing outside rows
    std::exception_ptr m_refusal;        // why the import was refused before that dry run
    std::unique_ptr<io::SourceInfo> m_info;
    wxFilePickerCtrl* m_file = nullptr;
    wxChoice* m_encoding = nullptr;
    wxChoice* m_crs = nullptr;
    std::vector<int> m_crsCodes;
    wxStaticText* m_summary = nullptr;
    wxStaticText* m_crsNote = nullptr;
    wxCheckBox* m_confirmCrs = nullptr;
    wxListCtrl* m_preview = nullptr;
    wxComboBox* m_layer = nullptr;
    wxCheckBox* m_append = nullptr;
    wxScrolledWindow* m_mapPanel = nullptr;
    wxFlexGridSizer* m_mapSizer = nullptr;
    std::vector<wxChoice*> m_mapChoices;
    std::vector<std::string> m_mapTargets;
    wxGauge* m_gauge = nullptr;
    wxStaticText* m_status = nullptr;
    wxButton* m_importBtn = nullptr;
    wxButton* m_cancelBtn = nullptr;
    wxStaticBoxSizer* m_reviewBox = nullptr;
    wxListCtrl* m_review = nullptr;
    wxCheckBox* m_skipUnmatched = nullptr;
    bool m_reviewed = false, m_needsReview = false;
    std::unique_ptr<tasks::TaskJob<tasks::ImportRequest>> m_job;
    bool m_imported = false;
};

bool runImportDialog(wxWindow* parent, const std::string& projectPath, const std::string& sourcePath)
{
    ImportDialog dlg(parent, projectPath, sourcePath);
    dlg.ShowModal();
    return dlg.imported();
}

bool runImportDialog(wxWindow* parent, const std::string& projectPath)
{
    return runImportDialog(parent, projectPath, std::string());
}

wxDialog* createImportDialog(wxWindow* parent, const std::string& projectPath, const std::string& sourcePath)
{
    return new ImportDialog(parent, projectPath, sourcePath);
}

} // namespace bando::app
