// wasm_app/ui_sync.cpp — the sync screen and the header's sync status.
//
// The manager connects the app to the studio's server once (e-mail and
// password; the app keeps a token for its device, never the password), then
// sync runs by itself. The screen shows what waits to be sent, when the last
// sync was, and what the server refused and why; offline, the unsynced
// changes can be downloaded as a file for `atelier sync import`.
#include <imgui.h>
#include <imgui_stdlib.h>

#include "platform_web.h"
#include "sync_client.h"
#include "ui.h"

namespace ui {

namespace {

using atelier::Lang;

// "2026-11-26T17:30:05Z" → "26.11 17:30".
std::string short_time(const std::string& iso) {
    if (iso.size() < 16) return iso;
    return iso.substr(8, 2) + "." + iso.substr(5, 2) + " " + iso.substr(11, 5);
}

}  // namespace

void sync_status(app::Db& db, State& st) {
    app::SyncClient& sc = app::sync_client();
    std::string label;
    int64_t n = sc.pending(db);  // also refreshes what the header shows, once per change of the data
    const std::string& last = sc.last_sync(db);
    const bool online = web::online();
    ImVec4 colour(0.4f, 0.8f, 0.4f, 1);  // connected, everything sent
    if (!sc.connected_cached()) {
        // This browser's own copy: nothing to contradict, whatever the network.
        label = L3(st.lang, "Локальная копия: не подключена к серверу студии", "Copie locale : non reliée au serveur du studio",
                   "Local copy: not connected to the studio's server");
        colour = theme::warning();
    } else {
        label = online ? L3(st.lang, "В сети", "En ligne", "Online") : L3(st.lang, "Нет сети", "Hors ligne", "Offline");
        if (n > 0) {
            label += std::string(" · ") + L3(st.lang, "ждут синхронизации: ", "en attente : ", "waiting to sync: ") + std::to_string(n);
            colour = theme::warning();
        } else {
            label += std::string(" · ") + L3(st.lang, "всё синхронизировано", "tout est synchronisé", "all synced");
        }
        if (!last.empty()) label += std::string(" · ") + short_time(last);
        if (sc.busy()) label += " …";
        if (!sc.error().empty()) {
            label += " · !";
            colour = theme::danger();
        }
        if (!online) colour = theme::warning();
    }
    st.connection = label;
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    if (ImGui::SmallButton((label + "##sync_status").c_str())) st.sync_open = true;
    ImGui::PopStyleColor();
    anchor("status.sync");
}

namespace {

// The bank statement: uploaded to the server, which records the certain
// payments; the uncertain ones are listed here for the manager to confirm
// or set aside.
void bank_statement(app::Db& db, State& st) {
    app::SyncClient& sc = app::sync_client();
    ImGui::Spacing();
    ImGui::SeparatorText(L3(st.lang, "Выписка банка", "Relevé bancaire", "Bank statement"));
    ImGui::TextWrapped("%s", L3(st.lang,
        "Выгрузка из банка в формате 1С (1CClientBankExchange): оплаты найдутся по номеру счёта, ИНН и сумме.",
        "Export de la banque au format 1C ou CSV : les paiements sont rapprochés par numéro de facture et montant.",
        "A bank export in the 1C format (1CClientBankExchange): payments are matched by invoice number, INN and amount."));
    if (ImGui::Button(L3(st.lang, "Загрузить выписку…", "Importer un relevé…", "Upload a statement…"))) sc.upload_statement(db);
    anchor("sync.bank_upload");
    if (!sc.bank_error().empty()) text_wrapped(theme::danger(), sc.bank_error());
    const nlohmann::json& r = sc.bank_result();
    if (!r.is_object()) return;
    auto n = [&](const char* k) { return (long long)r.value(k, (int64_t)0); };
    ImGui::Text(L3(st.lang, "Записано оплат: %lld (из них частичных: %lld) · ждут решения: %lld · не найдено: %lld · уже были: %lld",
                   "Paiements enregistrés : %lld (dont partiels : %lld) · à confirmer : %lld · inconnus : %lld · déjà importés : %lld",
                   "Payments recorded: %lld (partial: %lld) · to confirm: %lld · unmatched: %lld · already imported: %lld"),
                n("recorded"), n("partial"), n("to_confirm"), n("unmatched"), n("duplicates"));
    if (!r.contains("items") || !ImGui::BeginTable("bank_lines", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
        return;
    ImGui::TableSetupColumn(L3(st.lang, "Плательщик", "Payeur", "Payer"));
    ImGui::TableSetupColumn(L3(st.lang, "Назначение", "Libellé", "Purpose"));
    ImGui::TableSetupColumn(L3(st.lang, "Сумма", "Montant", "Amount"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 21);
    ImGui::TableHeadersRow();
    int row = 0;
    for (const nlohmann::json& it : r["items"]) {
        const std::string status = it.value("status", "");
        ImGui::PushID(row);
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", it.value("payer", "").c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", it.value("purpose", "").c_str());
        ImGui::TableNextColumn();
        auto cur = atelier::currency_from_code(it.value("currency", "RUB"));
        std::string amount = atelier::format(atelier::Money{it.value("amount_minor", (int64_t)0), cur ? *cur : atelier::Currency::RUB}, st.lang);
        ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(amount.c_str()).x);
        ImGui::TextUnformatted(amount.c_str());
        ImGui::TableNextColumn();
        if (status == "recorded") {
            ImGui::TextColored(theme::success(), "%s %s", L3(st.lang, "Оплата по счёту", "Payée : facture", "Paid: invoice"),
                               it.value("invoice_number", "").c_str());
        } else if (status == "ignored") {
            ImGui::TextDisabled("%s", L3(st.lang, "Отложено", "Écarté", "Set aside"));
        } else {
            const std::string inv = it.value("invoice_id", ""), reason = it.value("reason", "");
            const char* why = reason == "no_number" ? L3(st.lang, "без номера счёта", "sans n° de facture", "no invoice number")
                            : reason == "payer_inn" ? L3(st.lang, "другой ИНН плательщика", "autre payeur", "another payer's INN")
                            : reason == "amount_exceeds" ? L3(st.lang, "сумма больше долга", "montant supérieur au dû", "more than is due")
                            : reason == "already_paid" ? L3(st.lang, "счёт уже оплачен", "facture déjà payée", "invoice paid already")
                            : reason == "several_invoices" ? L3(st.lang, "несколько счетов", "plusieurs factures", "several invoices")
                            : L3(st.lang, "счёт не найден", "facture introuvable", "no invoice found");
            ImGui::TextDisabled("%s", why);
            if (!inv.empty()) {
                const std::string label = std::string(L3(st.lang, "Оплата счёта ", "Payer la facture ", "Pay invoice ")) + it.value("invoice_number", "");
                if (ImGui::SmallButton(label.c_str())) sc.decide_line(db, it.value("id", ""), inv);
                anchor(("bank.confirm." + std::to_string(row)).c_str());
                ImGui::SameLine();
            }
            if (ImGui::SmallButton(L3(st.lang, "Отложить", "Écarter", "Set aside"))) sc.decide_line(db, it.value("id", ""), "");
            anchor(("bank.ignore." + std::to_string(row)).c_str());
        }
        ImGui::PopID();
        ++row;
    }
    ImGui::EndTable();
}

}  // namespace

void sync_view(app::Db& db, State& st) {
    app::SyncClient& sc = app::sync_client();
    ImGui::BeginChild("sync");
    ImGui::TextUnformatted(L3(st.lang, "Синхронизация с сервером студии", "Synchronisation avec le serveur du studio",
                              "Sync with the studio's server"));
    ImGui::Separator();
    if (!sc.error().empty()) text_wrapped(theme::danger(), sc.error());
    if (!sc.connected(db)) {
        ImGui::TextWrapped("%s", L3(st.lang,
            "Войдите один раз: приложение получит ключ для этого устройства и будет синхронизироваться само, когда есть сеть.",
            "Connectez-vous une fois : l'application reçoit une clé pour cet appareil et se synchronise seule dès que le réseau est là.",
            "Log in once: the app gets a key for this device and syncs by itself whenever there is a network."));
        ImGui::TextUnformatted("E-mail");
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
        ImGui::InputText("##sync_email", &st.sync_email);
        anchor("sync.email");
        ImGui::TextUnformatted(L3(st.lang, "Пароль", "Mot de passe", "Password"));
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
        bool enter = ImGui::InputText("##sync_password", &st.sync_password,
                                      ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
        anchor("sync.password");
        ImGui::BeginDisabled(sc.busy());
        if (ImGui::Button(L3(st.lang, "Подключить", "Connecter", "Connect")) || enter) {
            sc.connect(db, st.sync_email, st.sync_password);
            st.sync_password.clear();
        }
        ImGui::EndDisabled();
        anchor("sync.connect");
    } else {
        nlohmann::json s = sc.status(db);
        ImGui::Text("%s %s", L3(st.lang, "Пользователь:", "Utilisateur :", "User:"), s["email"].get<std::string>().c_str());
        ImGui::Text("%s %s", L3(st.lang, "Устройство:", "Appareil :", "Device:"), s["device"].get<std::string>().c_str());
        ImGui::Text("%s %lld", L3(st.lang, "Ждут отправки:", "En attente d'envoi :", "Waiting to be sent:"), (long long)s["pending"].get<int64_t>());
        std::string last = s["last_sync"].get<std::string>();
        ImGui::Text("%s %s", L3(st.lang, "Последняя синхронизация:", "Dernière synchronisation :", "Last sync:"),
                    last.empty() ? "—" : short_time(last).c_str());
        ImGui::BeginDisabled(sc.busy());
        if (ImGui::Button(L3(st.lang, "Синхронизировать сейчас", "Synchroniser maintenant", "Sync now"))) sc.request(db, 0);
        ImGui::EndDisabled();
        anchor("sync.now");
        ImGui::SameLine();
        if (ImGui::Button(L3(st.lang, "Отключить", "Déconnecter", "Disconnect"))) sc.disconnect(db);
        anchor("sync.disconnect");
        bank_statement(db, st);
    }
    ImGui::Spacing();
    ImGui::TextWrapped("%s", L3(st.lang,
        "Без сети изменения можно скачать файлом и передать владельцу студии: он загрузит их на сервер студии.",
        "Sans réseau, téléchargez les modifications dans un fichier pour le propriétaire du studio, qui les chargera sur le serveur du studio.",
        "Without a network, download the changes as a file for the studio's owner, who loads them into the studio's server."));
    if (ImGui::Button(L3(st.lang, "Скачать несинхронизированные изменения", "Télécharger les modifications non synchronisées",
                         "Download unsynced changes"))) {
        web::download("atelier-changes-" + atelier::sync::device_id(db.raw()) + ".json", sc.export_unsynced(db));
    }
    anchor("sync.download");
    nlohmann::json refusals = sc.status(db)["refusals"];
    if (!refusals.empty()) {
        ImGui::Spacing();
        ImGui::TextUnformatted(L3(st.lang, "Что сервер не принял и почему", "Ce que le serveur a refusé, et pourquoi",
                                  "What the server refused, and why"));
        if (ImGui::BeginTable("refusals", 3, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
            ImGui::TableSetupColumn(L3(st.lang, "Когда", "Quand", "When"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 7);
            ImGui::TableSetupColumn(L3(st.lang, "Что", "Quoi", "What"), ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 12);
            ImGui::TableSetupColumn(L3(st.lang, "Причина", "Raison", "Reason"));
            ImGui::TableHeadersRow();
            for (auto it = refusals.rbegin(); it != refusals.rend(); ++it) {
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(short_time(it->value("at", "")).c_str());
                ImGui::TableNextColumn();
                std::string what = it->value("table", "");
                if (it->contains("column")) what += "." + it->value("column", "");
                ImGui::TextUnformatted(what.empty() ? L3(st.lang, "весь пакет", "tout le lot", "the whole batch") : what.c_str());
                ImGui::TableNextColumn();
                ImGui::TextWrapped("%s", it->value("reason", "").c_str());
            }
            ImGui::EndTable();
        }
    }
    ImGui::EndChild();
}

}  // namespace ui
