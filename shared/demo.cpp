// atelier/demo.cpp — see demo.h.
#include "demo.h"

#include <cstdio>
#include <string>

#include "ids.h"
#include "leads.h"
#include "pipeline.h"
#include "pricing.h"
#include "store.h"

namespace atelier {

namespace {

struct DemoLead {
    const char* client;
    const char* company;
    const char* email;
    const char* phone;
    const char* source;
    const char* title;
    const char* lang;
    const char* currency;
    int64_t amount_minor;
    const char* stage;
    const char* lost_reason;
};

const DemoLead kLeads[] = {
    {"Анна Кузнецова", "ООО «Северный ветер»", "anna@severveter.ru", "+7 921 555-12-34", "website",
     "Корпоративный сайт с каталогом услуг", "ru", "RUB", 75000000, "new", nullptr},
    {"Игорь Смирнов", "Смирнов и партнёры", "igor@smirnov-law.ru", "+7 495 111-22-33", "referral",
     "Сайт юридической фирмы", "ru", "RUB", 52000000, "brief_sent", nullptr},
    {"Ольга Павлова", "Пекарня «Колос»", "olga@kolos-bakery.ru", "+7 812 333-44-55", "website",
     "Интернет-магазин выпечки с доставкой", "ru", "RUB", 98000000, "brief_filled", nullptr},
    {"Дмитрий Орлов", "ТехноПарк-Сервис", "orlov@tps.ru", "+7 343 200-10-10", "phone",
     "Лендинг для выставки", "ru", "RUB", 18000000, "estimated", nullptr},
    {"Мария Лебедева", "Клиника «Здоровье»", "m.lebedeva@zdorovie.clinic", "+7 863 777-00-11", "website",
     "Сайт клиники с онлайн-записью", "ru", "RUB", 86000000, "proposal_sent", nullptr},
    {"Сергей Волков", "Волков Логистик", "sv@volkov-log.ru", "+7 383 404-50-60", "referral",
     "Портал для клиентов транспортной компании", "ru", "RUB", 120000000, "contract_sent", nullptr},
    {"Елена Морозова", "Школа танцев «Ритм»", "elena@ritm-dance.ru", "+7 846 212-34-56", "website",
     "Сайт школы с расписанием", "ru", "RUB", 41000000, "invoiced", nullptr},
    {"Алексей Новиков", "Новиков Девелопмент", "an@novikov-dev.ru", "+7 495 900-80-70", "phone",
     "Сайт жилого комплекса", "ru", "RUB", 135000000, "won", nullptr},
    {"Claire Dubois", "Éclair Pâtisserie", "claire@eclair-patisserie.fr", "+33 1 42 68 53 00", "website",
     "Boutique en ligne de pâtisseries", "fr", "EUR", 1450000, "new", nullptr},
    {"François Lefèvre", "Cabinet Lefèvre & Associés", "f.lefevre@cabinet-lefevre.fr", "+33 4 78 92 11 20",
     "referral", "Site vitrine d'un cabinet d'avocats", "fr", "EUR", 980000, "proposal_sent", nullptr},
    {"Hélène Garnier", "Garnier Immobilier", "helene@garnier-immo.fr", "+33 5 56 44 21 09", "website",
     "Portail d'annonces immobilières", "fr", "EUR", 2300000, "brief_filled", nullptr},
    {"Никита Зайцев", "Кофейня «Зерно»", "nz@zerno.coffee", "+7 903 123-45-67", "website",
     "Сайт-визитка кофейни", "ru", "RUB", 15000000, "lost", "Выбрали конструктор сайтов"},
};

// "2026-11-DDTHH:00:00Z": demo dates are fixed, day 0 is 2026-11-02.
std::string demo_time(int day, int hour) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-11-%02dT%02d:00:00Z", 2 + day, hour);
    return buf;
}

}  // namespace

bool seed_demo(sqlite3* db) {
    {
        Stmt q(db, "SELECT 1 FROM studio LIMIT 1");
        if (q.step()) return false;
    }
    Savepoint sp(db, "atelier_seed_demo");
    const std::string t0 = demo_time(0, 9);
    std::string studio = uuid_from("studio");
    Stmt s(db, "INSERT INTO studio(id, name, legal_name, tax_id, address, email, phone, bank_json, currency, lang,"
               " tax_mode, vat_rate_bp, created_at, requisites_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'RUB', 'ru', 'no_vat', 0, ?9, ?10)");
    s.bind(1, studio).bind(2, "Студия «Атлас»").bind(3, "ИП Соколова Анастасия Викторовна")
        .bind(4, "780512345671").bind(5, "191186, Санкт-Петербург, Невский пр., д. 28, оф. 412")
        .bind(6, "hello@atlas-studio.ru").bind(7, "+7 812 600-40-28")
        .bind(8, R"({"bank":"АО «Т-Банк»","bik":"044525974","account":"40802810900001234567","corr_account":"30101810145250000974","iban":"FR7630006000011234567890189","bic":"AGRIFRPP"})")
        .bind(9, t0)
        .bind(10, R"({"country":"ru","kind":"sole_trader","legal_name":"ИП Соколова Анастасия Викторовна",)"
                  R"("address":"191186, Санкт-Петербург, Невский пр., д. 28, оф. 412","inn":"780512345671","ogrn":"316784700000124",)"
                  R"("signatory":"Соколова А. В.","bank":"АО «Т-Банк»","bik":"044525974","account":"40802810900001234567",)"
                  R"("corr_account":"30101810145250000974","iban":"FR7630006000011234567890189","bic":"AGRIFRPP"})")
        .step();
    Stmt u(db, "INSERT INTO users(id, studio_id, email, name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    u.bind(1, new_uuid()).bind(2, studio).bind(3, "owner@atlas-studio.ru").bind(4, "Анастасия Соколова")
        .bind(5, "owner").bind(6, t0).step();
    u.reset();
    u.bind(1, new_uuid()).bind(2, studio).bind(3, "manager@atlas-studio.ru").bind(4, "Павел Егоров")
        .bind(5, "manager").bind(6, t0).step();
    Stmt p(db, "INSERT INTO price_lists(id, studio_id, name, version, currency, body_json, created_at)"
               " VALUES (?1, ?2, 'Standard RUB', 1, 'RUB', ?3, ?4)");
    p.bind(1, uuid_from("price_list|Standard RUB")).bind(2, studio).bind(3, default_price_list_rub()).bind(4, t0).step();

    int day = 1;
    for (const DemoLead& d : kLeads) {
        NewLead l;
        l.client_name = d.client;
        l.company = d.company;
        l.email = d.email;
        l.phone = d.phone;
        l.source = d.source;
        l.title = d.title;
        l.lang = d.lang;
        l.currency = d.currency;
        l.amount_minor = d.amount_minor;
        int hour = 9;
        std::string id = create_lead(db, l, "Павел Егоров", demo_time(day, hour));
        std::string stage = "new";
        if (std::string(d.stage) == "lost") {
            move_lead(db, id, "brief_sent", "Павел Егоров", "", demo_time(day, ++hour));
            move_lead(db, id, "lost", "Павел Егоров", d.lost_reason, demo_time(day + 1, hour));
        } else {
            while (stage != d.stage) {
                stage = next_stage(stage);
                move_lead(db, id, stage, "Павел Егоров", "", demo_time(day, ++hour));
            }
        }
        day += 1;
    }
    sp.commit();
    return true;
}

}  // namespace atelier
