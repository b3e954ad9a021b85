// wasm_app/ui_first_run.cpp — what the app shows before it is the studio's:
// the log-in to the studio's server that serves it, the studio's data
// loading after the log-in, or, with no server, a word that this is a local
// copy and the demo studio on offer.
//
// The app asks its own origin's /healthz once: an Atelier server answers
// with the studio's name. Once connected, or once the manager chose to work
// on a local copy (kept in localStorage), the first run is over.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <nlohmann/json.hpp>

#include "json_in.h"
#include "platform_web.h"
#include "sync_client.h"
#include "ui.h"

namespace ui {

namespace {

using atelier::Lang;

constexpr const char* kModeKey = "atelier.mode";  // "local": the manager chose a copy without a server

// A panel in the middle of the screen, `w` font sizes wide.
bool begin_panel(const char* id, float w) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->WorkPos);
    ImGui::SetNextWindowSize(vp->WorkSize);
    ImGui::Begin(id, nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    const float width = std::min(ImGui::GetFontSize() * w, vp->WorkSize.x - ImGui::GetStyle().WindowPadding.x * 2);
    ImGui::SetCursorPos(ImVec2((vp->WorkSize.x - width) * 0.5f, std::max(ImGui::GetStyle().WindowPadding.y, vp->WorkSize.y * 0.18f)));
    return ImGui::BeginChild("panel", ImVec2(width, 0), ImGuiChildFlags_AutoResizeY);
}

void end_panel() {
    ImGui::EndChild();
    ImGui::End();
}

void title(const char* text) {
    ImGui::SetWindowFontScale(1.6f);
    ImGui::TextUnformatted(text);
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Spacing();
}

// The server's refusal of a log-in, in the interface's language.
std::string login_error(const std::string& e, Lang l) {
    if (e.empty()) return e;
    if (e.find("no connection") != std::string::npos)
        return L3(l, "Нет связи с сервером студии. Проверьте сеть и попробуйте ещё раз.", "Pas de connexion au serveur du studio. Vérifiez le réseau et réessayez.",
                  "No connection to the studio's server. Check the network and try again.");
    if (e.find("password") != std::string::npos || e.find("e-mail") != std::string::npos || e.find("401") != std::string::npos)
        return L3(l, "Неверный e-mail или пароль.", "E-mail ou mot de passe incorrect.", "Wrong e-mail or password.");
    if (e.find("too many") != std::string::npos || e.find("429") != std::string::npos)
        return L3(l, "Слишком много попыток входа. Подождите минуту.", "Trop de tentatives. Patientez une minute.", "Too many attempts. Wait a minute.");
    return L3(l, "Сервер не принял вход. Попробуйте ещё раз.", "Le serveur a refusé la connexion. Réessayez.", "The server refused the log-in. Try again.");
}

void choose_local(State& st) {
    web::local_set(kModeKey, "local");
    st.first_run = FirstRun::done;
}

void login_screen(app::Db& db, State& st) {
    app::SyncClient& sc = app::sync_client();
    begin_panel("##login", 24);
    title(st.server_studio.empty() ? "Atelier" : st.server_studio.c_str());
    ImGui::TextDisabled("%s", L3(st.lang, "Вход в CRM студии", "Connexion au CRM du studio", "Sign in to the studio's CRM"));
    ImGui::Spacing();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::TextUnformatted("E-mail");
    ImGui::SetNextItemWidth(w);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    bool submit = ImGui::InputText("##login_email", &st.sync_email, ImGuiInputTextFlags_EnterReturnsTrue);
    anchor("login.email");
    ImGui::TextUnformatted(L3(st.lang, "Пароль", "Mot de passe", "Password"));
    ImGui::SetNextItemWidth(w);
    submit |= ImGui::InputText("##login_password", &st.sync_password, ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    anchor("login.password");
    ImGui::Spacing();
    const bool busy = st.first_run == FirstRun::loading;
    ImGui::BeginDisabled(busy || st.sync_email.empty() || st.sync_password.empty());
    submit |= ImGui::Button(L3(st.lang, "Войти", "Se connecter", "Sign in"), ImVec2(w, 0));
    ImGui::EndDisabled();
    anchor("login.submit");
    if (submit && !busy && !st.sync_email.empty() && !st.sync_password.empty()) {
        sc.connect(db, st.sync_email, st.sync_password);
        st.sync_password.clear();
        st.login_error.clear();
        st.first_run = FirstRun::loading;
    }
    if (!st.login_error.empty()) text_wrapped(theme::danger(), st.login_error);
    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextWrapped("%s", L3(st.lang, "Можно работать и без входа: данные останутся только в этом браузере.",
                                "Vous pouvez aussi travailler sans connexion : les données resteront dans ce navigateur.",
                                "You can also work without signing in: the data stays in this browser only."));
    if (ImGui::SmallButton(L3(st.lang, "Работать с локальной копией", "Travailler sur une copie locale", "Work on a local copy"))) choose_local(st);
    anchor("login.local");
    end_panel();
}

void loading_screen(app::Db& db, State& st) {
    app::SyncClient& sc = app::sync_client();
    begin_panel("##first_sync", 24);
    title(st.server_studio.empty() ? "Atelier" : st.server_studio.c_str());
    const char* step = sc.connected(db) ? L3(st.lang, "Загружаем заявки и документы студии…", "Chargement des demandes et des documents du studio…",
                                             "Loading the studio's leads and documents…")
                                        : L3(st.lang, "Входим…", "Connexion…", "Signing in…");
    ImGui::TextUnformatted(step);
    // Indeterminate progress: a bar that moves while the studio's data arrives.
    const float t = (float)ImGui::GetTime();
    ImGui::ProgressBar(-1.0f * t, ImVec2(ImGui::GetContentRegionAvail().x, 0), "");
    web::wake(2);
    end_panel();
}

void no_server_screen(app::Db& db, State& st) {
    begin_panel("##local", 30);
    title("Atelier");
    ImGui::TextWrapped("%s", L3(st.lang,
        "Сервер студии не найден. Это локальная копия: всё, что вы введёте, хранится только в этом браузере и никуда не отправляется.",
        "Aucun serveur de studio n'a répondu. Ceci est une copie locale : ce que vous saisissez reste dans ce navigateur et n'est envoyé nulle part.",
        "No studio server answered. This is a local copy: what you enter stays in this browser and is sent nowhere."));
    ImGui::Spacing();
    if (ImGui::Button(L3(st.lang, "Открыть демо-студию", "Ouvrir le studio de démonstration", "Open the demo studio"))) {
        st.error = db.reopen_as_demo();
        choose_local(st);
    }
    anchor("local.demo");
    ImGui::SameLine();
    if (ImGui::Button(L3(st.lang, "Начать с пустой студии", "Commencer avec un studio vide", "Start with an empty studio"))) choose_local(st);
    anchor("local.empty");
    end_panel();
}

}  // namespace

void first_run_answer(State& st, int status, const std::string& body) {
    if (st.first_run != FirstRun::asking) return;
    nlohmann::json j = atelier::parse_json_or_discard(body);
    if (status == 200 && j.is_object() && j.value("status", "") == "ok") {
        st.server_studio = j.value("studio", "");
        st.first_run = FirstRun::login;
    } else {
        st.first_run = FirstRun::no_server;
    }
    web::wake();
}

bool first_run(app::Db& db, State& st) {
    if (st.first_run == FirstRun::done) return false;
    app::SyncClient& sc = app::sync_client();
    if (st.first_run == FirstRun::asking) {
        if (sc.connected(db) || web::local_get(kModeKey) == "local") {
            st.first_run = FirstRun::done;
            return false;
        }
        if (!st.first_run_asked) {
            st.first_run_asked = true;
            web::http(kFirstRunRequest, "GET", "/healthz", "{}", nullptr);
        }
        draw_loading(L3(st.lang, "Ищем сервер студии…", "Recherche du serveur du studio…", "Looking for the studio's server…"));
        return true;
    }
    if (st.first_run == FirstRun::loading) {
        // The log-in refused: back to the form, saying why. Done when the
        // first sync has brought the studio's data.
        if (!sc.busy() && !sc.connected(db)) {
            st.login_error = login_error(sc.error(), st.lang);
            st.first_run = FirstRun::login;
        } else if (sc.connected(db) && !sc.busy() && !sc.last_sync(db).empty()) {
            st.first_run = FirstRun::done;
            return false;
        }
    }
    if (st.first_run == FirstRun::login) login_screen(db, st);
    else if (st.first_run == FirstRun::loading) loading_screen(db, st);
    else no_server_screen(db, st);
    return true;
}

}  // namespace ui
