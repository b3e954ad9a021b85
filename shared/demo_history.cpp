// atelier/demo_history.cpp — a year of a demo studio's requests, walked
// through the conveyor by the same transitions the hosts call (see demo.h).
#include <cstdint>
#include <cstdio>
#include <queue>
#include <string>
#include <vector>

#include "analytics.h"
#include "automation.h"
#include "calendar.h"
#include "conveyor.h"
#include "demo.h"
#include "error.h"
#include "ids.h"
#include "links.h"
#include "projects.h"
#include "store.h"
#include "workflow.h"

namespace atelier {

namespace {

using nlohmann::json;

// splitmix64: the same numbers on every platform and standard library (the
// app's libc++ and the server's libstdc++ would differ on <random>'s
// distributions).
struct Rng {
    uint64_t s;
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // lo..hi inclusive.
    int64_t range(int64_t lo, int64_t hi) { return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1)); }
    // true with probability pct / 100.
    bool pct(int p) { return (int)(next() % 100) < p; }
    template <class T, size_t N>
    const T& pick(const T (&a)[N]) { return a[next() % N]; }
};

constexpr int64_t kHour = 3600, kDay = 86400;

// ISO text of epoch seconds, and back, through the core's own arithmetic.
std::string iso_at(int64_t s) { return automation::add_seconds("1970-01-01T00:00:00Z", s); }
int64_t epoch_of(std::string_view iso) {
    return day_number(std::string(iso.substr(0, 10)), "now") * kDay + std::stoll(std::string(iso.substr(11, 2))) * kHour +
           std::stoll(std::string(iso.substr(14, 2))) * 60;
}

// A moment in the studio's working hours (09:00–19:00 Moscow, 06–16 UTC) on
// or after `s`: weekends and nights move to the next working morning.
int64_t working_time(int64_t s, Rng& r) {
    int64_t day = s / kDay, hour = s % kDay / kHour;
    if (hour >= 16) { ++day; hour = 6 + r.range(0, 2); }
    if (hour < 6) hour = 6 + r.range(0, 2);
    while ((day + 4) % 7 == 0 || (day + 4) % 7 == 6) ++day;  // 1970-01-01 was a Thursday: 0 is a Sunday, 6 a Saturday
    return day * kDay + hour * kHour + r.range(0, 59) * 60;
}

// Latin letters for an e-mail address: Cyrillic transliterated, French
// accents dropped, spaces and dashes kept as one dash, the rest dropped.
std::string latin(const std::string& s) {
    static const char* const cyr[] = {"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
                                      "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"};
    std::string out;
    for (size_t i = 0; i < s.size();) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp = c;
        size_t n = 1;
        if (c >= 0xC0 && c < 0xE0 && i + 1 < s.size()) { cp = ((c & 0x1Fu) << 6) | ((unsigned char)s[i + 1] & 0x3Fu); n = 2; }
        else if (c >= 0xE0 && i + 2 < s.size()) { cp = 0xFFFF; n = c >= 0xF0 ? 4 : 3; }
        i += n;
        std::string piece;
        if (cp >= 0x410 && cp <= 0x42F) piece = cyr[cp - 0x410];
        else if (cp >= 0x430 && cp <= 0x44F) piece = cyr[cp - 0x430];
        else if (cp == 0x401 || cp == 0x451) piece = "e";
        else if (cp >= 'A' && cp <= 'Z') piece = std::string(1, (char)(cp + 32));
        else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) piece = std::string(1, (char)cp);
        else if (cp == 0xE9 || cp == 0xE8 || cp == 0xEA || cp == 0xEB || cp == 0xC9) piece = "e";
        else if (cp == 0xE0 || cp == 0xE2) piece = "a";
        else if (cp == 0xE7) piece = "c";
        else if (cp == 0xEE || cp == 0xEF) piece = "i";
        else if (cp == 0xF4) piece = "o";
        else if (cp == 0xF9 || cp == 0xFB) piece = "u";
        else if (cp == 0x153) piece = "oe";
        else if (cp == ' ' || cp == '-' || cp == '\'') piece = out.empty() || out.back() == '-' ? "" : "-";
        out += piece;
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
}

const char* const kRuFemaleFirst[] = {"Анна", "Мария", "Екатерина", "Татьяна", "Наталья", "Юлия", "Светлана", "Ирина",
                                      "Алина", "Ксения", "Дарья", "Виктория", "Полина", "Елена", "Вера", "Марина"};
const char* const kRuFemaleLast[] = {"Кузнецова", "Иванова", "Смирнова", "Попова", "Васильева", "Петрова", "Новикова",
                                     "Фёдорова", "Морозова", "Волкова", "Алексеева", "Лебедева", "Семёнова", "Голубева",
                                     "Виноградова", "Богданова"};
const char* const kRuMaleFirst[] = {"Алексей", "Дмитрий", "Сергей", "Андрей", "Максим", "Иван", "Михаил", "Артём",
                                    "Николай", "Владимир", "Егор", "Роман", "Кирилл", "Денис", "Олег", "Тимур"};
const char* const kRuMaleLast[] = {"Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
                                   "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв"};
const char* const kFrFirst[] = {"Camille", "Julien", "Sophie", "Nicolas", "Émilie", "Thomas", "Claire", "Antoine",
                                "Léa", "Pierre", "Chloé", "Mathieu", "Manon", "Olivier", "Inès", "Hugo"};
const char* const kFrLast[] = {"Martin", "Bernard", "Dubois", "Robert", "Richard", "Petit", "Durand", "Leroy",
                               "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Roux", "Fontaine", "Chevalier"};

struct Trade {
    const char* kind;   // "Пекарня"
    const char* what;   // what the company does, for the brief
};
const Trade kRuTrades[] = {
    {"Пекарня", "Печём хлеб и десерты, две точки в городе, доставка по предзаказу."},
    {"Клиника", "Многопрофильная клиника: терапевты, УЗИ, анализы, около 40 врачей."},
    {"Студия йоги", "Групповые и индивидуальные занятия, ретриты, абонементы."},
    {"Автосервис", "Ремонт и обслуживание легковых автомобилей, шиномонтаж."},
    {"Стоматология", "Лечение, имплантация и ортодонтия, три кабинета."},
    {"Фитнес-клуб", "Тренажёрный зал, бассейн, групповые программы."},
    {"Кофейня", "Кофе своей обжарки, завтраки, продажа зерна оптом и в розницу."},
    {"Агентство недвижимости", "Продажа и аренда квартир, сопровождение сделок."},
    {"Школа английского", "Курсы для детей и взрослых, подготовка к экзаменам."},
    {"Цветочный салон", "Букеты, оформление мероприятий, доставка за два часа."},
    {"Строительная компания", "Загородные дома под ключ, проектирование и строительство."},
    {"Мебельная фабрика", "Корпусная мебель на заказ, продажа через дилеров."},
    {"Гостиница", "Бутик-отель на 30 номеров в историческом центре."},
    {"Ресторан", "Ресторан русской кухни, банкеты и кейтеринг."},
    {"Юридическое бюро", "Корпоративное право, споры, сопровождение сделок."},
    {"Типография", "Офсетная и цифровая печать, упаковка."},
    {"Детский центр", "Развивающие занятия для детей от года до семи лет."},
    {"Транспортная компания", "Грузоперевозки по России, складская логистика."},
};
const char* const kRuNames[] = {"Колос", "Орион", "Вектор", "Альтаир", "Берег", "Гранит", "Кедр", "Маяк", "Восход", "Лира",
                                "Сфера", "Парус", "Радуга", "Север", "Пульс", "Меридиан", "Гармония", "Янтарь", "Сокол", "Ладья"};
const Trade kFrTrades[] = {
    {"Boulangerie", "Boulangerie artisanale, deux boutiques et des commandes pour les entreprises."},
    {"Cabinet", "Cabinet d'expertise comptable, une vingtaine de collaborateurs."},
    {"Atelier", "Atelier de céramique : pièces uniques, cours et stages."},
    {"Agence", "Agence immobilière : vente, location et gestion locative."},
    {"Librairie", "Librairie indépendante, rencontres d'auteurs et vente en ligne."},
    {"Restaurant", "Restaurant bistronomique, réservations et privatisations."},
    {"Hôtel", "Hôtel de charme de 24 chambres, séminaires."},
    {"Domaine", "Domaine viticole : vente à la propriété et export."},
};
const char* const kFrNames[] = {"du Parc", "Lumière", "Saint-Michel", "des Arts", "Belle Époque", "Horizon",
                                "Le Comptoir", "Rive Gauche", "Mistral", "La Bastide", "des Tilleuls", "Beauséjour"};

struct Project {
    const char* brief;  // the brief template
    const char* ru;
    const char* fr;
};
const Project kProjects[] = {
    {"corporate", "Корпоративный сайт", "Site vitrine"},
    {"corporate", "Редизайн сайта", "Refonte du site"},
    {"corporate", "Сайт с онлайн-записью", "Site avec réservation en ligne"},
    {"corporate", "Сайт-каталог услуг", "Site catalogue de services"},
    {"shop", "Интернет-магазин", "Boutique en ligne"},
    {"shop", "Интернет-магазин с доставкой", "Boutique en ligne avec livraison"},
    {"landing", "Лендинг для рекламной кампании", "Page d'atterrissage pour une campagne"},
    {"landing", "Промо-страница нового продукта", "Page de lancement d'un produit"},
};

// Where requests come from, in the proportions of a studio that advertises.
const char* const kSources[] = {"website", "website", "website", "website", "website", "website", "website", "website", "website",
                                "referral", "referral", "referral", "referral", "phone", "phone", "phone",
                                "ads", "ads", "ads", "exhibition"};

// The brief as a client fills it in, for the template of the project.
json brief_answers(const Project& p, const std::string& company, const char* what, Rng& r) {
    static const char* const goals[] = {"leads", "sales", "brand", "info"};
    static const char* const sections[] = {"about", "services", "portfolio", "news", "blog", "team", "faq", "careers", "contacts"};
    static const char* const integrations[] = {"crm", "payment", "delivery", "erp", "analytics", "mailing"};
    const std::string code = p.brief;
    const bool landing = code == "landing", shop = code == "shop";
    json a = {{"company", company}, {"activity", what}};
    json g = json::array();
    for (const char* x : goals)
        if (r.pct(shop && std::string(x) == "sales" ? 100 : 35)) g.push_back(x);
    if (g.empty()) g.push_back("leads");
    a["goals"] = g;
    const int64_t pages = landing ? r.range(1, 3) : r.range(4, shop ? 14 : 18);
    a["pages"] = pages;
    json s = json::array();
    for (const char* x : sections)
        if (r.pct(std::string(x) == "contacts" ? 95 : 40)) s.push_back(x);
    a["sections"] = s;
    a["content_pages"] = r.pct(40) ? 0 : r.range(1, pages);
    a["languages"] = landing ? 1 : r.pct(80) ? 1 : 2;
    if (code == "corporate") {
        const bool cat = r.pct(30);
        a["needs_catalogue"] = cat;
        if (cat) a["catalogue_items"] = r.range(20, 300);
    }
    if (shop) a["catalogue_items"] = r.range(50, 1500);
    const int d = (int)r.range(0, 99);
    a["design_level"] = d < 35 ? "template" : d < 85 ? "custom" : "premium";
    json in = json::array();
    for (const char* x : integrations)
        if (r.pct(shop && (std::string(x) == "payment" || std::string(x) == "delivery") ? 85 : 20)) in.push_back(x);
    a["integrations"] = in;
    if (!landing) a["seo"] = r.pct(55);
    const int u = (int)r.range(0, 99);
    a["urgency"] = u < 75 ? "normal" : u < 93 ? "fast" : "rush";
    return a;
}

// One step of one lead's story, at its moment.
enum class Step { create, send_brief, submit_brief, estimate, propose, open_proposal, accept, sign, complete, sign_act, pay, lose };

struct Event {
    int64_t at;
    uint64_t seq;  // ties keep the order they were planned in
    size_t lead;
    Step step;
    std::string arg;  // a stage, an invoice id, a lost reason
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct Story {
    std::string id, client, lang, estimate, proposal, contract;
    const Project* project = nullptr;
    std::string company, what;
    Actor manager;
    std::vector<std::string> stages;  // the signed estimate's timeline
};

}  // namespace

int seed_demo_history(sqlite3* db, std::string_view now, std::string_view base_url, int leads) {
    if (leads > 5000) throw Error("demo: leads: at most 5000");
    if (!is_iso_time(now)) throw Error("demo: now: expected an ISO 8601 UTC time, got \"" + std::string(now) + "\"");
    if (leads <= 0) return 0;
    const int64_t end = epoch_of(now) - kHour;
    const int64_t start = end - 365 * kDay;
    Savepoint sp(db, "atelier_demo_history");

    // The studio's people: the owner, the manager of the first data set, and
    // a second manager who speaks French.
    std::string studio;
    {
        Stmt q(db, "SELECT id FROM studio LIMIT 1");
        if (!q.step()) throw Error("demo: the database has no studio: seed_demo() first", ErrorKind::conflict);
        studio = q.text(0);
    }
    auto user = [&](const char* email, const char* name, const char* role) {
        Stmt q(db, "SELECT id FROM users WHERE email = ?1");
        q.bind(1, email);
        if (q.step()) return Actor{q.text(0), name, "app", std::string(role) == "owner"};
        const std::string id = uuid_from(std::string("demo-user|") + email);
        Stmt u(db, "INSERT INTO users(id, studio_id, email, name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        u.bind(1, id).bind(2, studio).bind(3, email).bind(4, name).bind(5, role).bind(6, iso_at(start)).step();
        return Actor{id, name, "app", std::string(role) == "owner"};
    };
    const Actor owner = user("owner@atlas-studio.ru", "Анастасия Соколова", "owner");
    const Actor pavel = user("manager@atlas-studio.ru", "Павел Егоров", "manager");
    const Actor irina = user("irina@atlas-studio.ru", "Ирина Белова", "manager");

    Rng r{0x41544C4153ull};  // "ATLAS"
    std::vector<Story> s((size_t)leads);
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> q;
    uint64_t seq = 0;
    auto plan = [&](int64_t at, size_t lead, Step step, std::string arg = {}) {
        q.push(Event{working_time(at, r), seq++, lead, step, std::move(arg)});
    };
    // Requests arrive evenly over the year, a few more in spring and autumn.
    for (size_t i = 0; i < s.size(); ++i) {
        int64_t t = start + (int64_t)((365 * kDay) * i / s.size()) + r.range(0, 20) * kHour;
        plan(t, i, Step::create);
    }

    // The manager's minutes at each step, as the app's time ledger records
    // them: a few minutes a step, not the seed's 110 a request.
    auto worked = [&](const Story& st, const char* step, int64_t at, int lo, int hi) {
        analytics::add_time(db, st.manager.id, "demo", st.id, step, iso_date(at / kDay), r.range(lo, hi), iso_at(at));
    };
    int made = 0;
    while (!q.empty()) {
        Event e = q.top();
        q.pop();
        if (e.at > end) continue;  // still ahead: the lead waits where it is
        Story& st = s[e.lead];
        const std::string at = iso_at(e.at);
        const Actor& m = st.manager;
        const Actor client = client_actor(st.client);
        const Acceptance online{"online", st.client, "198.51.100." + std::to_string(10 + e.lead % 200), ""};
        switch (e.step) {
            case Step::create: {
                const bool fr = r.pct(22);
                st.lang = fr ? "fr" : "ru";
                NewLead l;
                std::string first, last;
                if (fr) {
                    first = r.pick(kFrFirst);
                    last = r.pick(kFrLast);
                    const Trade& tr = r.pick(kFrTrades);
                    st.company = std::string(tr.kind) + " " + r.pick(kFrNames);
                    st.what = tr.what;
                    l.currency = "EUR";
                } else {
                    const bool woman = r.pct(55);
                    first = woman ? r.pick(kRuFemaleFirst) : r.pick(kRuMaleFirst);
                    last = woman ? r.pick(kRuFemaleLast) : r.pick(kRuMaleLast);
                    const Trade& tr = r.pick(kRuTrades);
                    st.company = std::string(tr.kind) + " «" + r.pick(kRuNames) + "»";
                    st.what = tr.what;
                    l.currency = "RUB";
                }
                st.project = &r.pick(kProjects);
                st.client = first + " " + last;
                l.client_name = st.client;
                l.company = st.company;
                l.email = latin(first).substr(0, 1) + "." + latin(last) + "@" + latin(st.company.substr(st.company.find(' ') + 1)) + ".example";
                l.phone = fr ? "+33 6 " + std::to_string(r.range(10, 99)) + " " + std::to_string(r.range(10, 99)) + " " +
                                   std::to_string(r.range(10, 99)) + " " + std::to_string(r.range(10, 99))
                             : "+7 9" + std::to_string(r.range(10, 99)) + " " + std::to_string(r.range(100, 999)) + "-" +
                                   std::to_string(r.range(10, 99)) + "-" + std::to_string(r.range(10, 99));
                l.source = r.pick(kSources);
                l.title = fr ? st.project->fr : st.project->ru;
                l.lang = st.lang;
                const std::string code = st.project->brief;
                const int64_t base = code == "landing" ? 15000000 : code == "shop" ? 90000000 : 60000000;
                l.amount_minor = fr ? base / 60 : base;
                st.manager = fr ? irina : (e.lead % 5 < 3 ? pavel : irina);
                st.id = conveyor::create(db, l, system_actor(), at).lead_id;
                conveyor::set_owner(db, st.id, st.manager.id, st.manager.name, owner, at);
                worked(st, "intake", e.at, 20, 90);
                ++made;
                // Most get the brief within hours; a few are not studio work at all.
                if (r.pct(6)) plan(e.at + r.range(2, 30) * kHour, e.lead, Step::lose, "not_our_work");
                else plan(e.at + r.range(1, 20) * kHour, e.lead, Step::send_brief);
                break;
            }
            case Step::send_brief:
                conveyor::send_brief(db, st.id, st.project->brief, base_url, m, at);
                worked(st, "brief", e.at, 10, 40);
                if (r.pct(78)) plan(e.at + r.range(4, 24 * 6) * kHour, e.lead, Step::submit_brief);
                else plan(e.at + r.range(10, 30) * kDay, e.lead, Step::lose, r.pct(75) ? "no_answer" : "postponed");
                break;
            case Step::submit_brief:
                conveyor::save_brief(db, st.id, st.project->brief, brief_answers(*st.project, st.company, st.what.c_str(), r), true,
                                     client, at);
                plan(e.at + r.range(2, 40) * kHour, e.lead, Step::estimate);
                break;
            case Step::estimate: {
                const std::string day = iso_date(e.at / kDay + 10);
                st.estimate = conveyor::estimate(db, st.id, json{{"start_date", day}}, m, at).made["estimate_id"];
                worked(st, "estimate", e.at, 60, 300);
                plan(e.at + r.range(1, 30) * kHour, e.lead, Step::propose);
                break;
            }
            case Step::propose:
                st.proposal = conveyor::propose(db, st.estimate, m, at).made["proposal_id"];
                worked(st, "proposal", e.at, 90, 420);
                // Most clients open the link within a day or two.
                if (r.pct(88)) plan(e.at + r.range(1, 40) * kHour, e.lead, Step::open_proposal);
                if (r.pct(10)) conveyor::note(db, st.id, st.lang == "fr" ? "Appel : elle compare avec deux autres agences." :
                                                  "Созвонились: сравнивает с двумя другими студиями.", m, at);
                {
                    const int k = (int)r.range(0, 99);
                    if (k < 58) plan(e.at + r.range(1, 14) * kDay, e.lead, Step::accept);
                    else plan(e.at + r.range(5, 35) * kDay, e.lead, Step::lose,
                              k < 78 ? "too_expensive" : k < 90 ? "competitor" : k < 96 ? "postponed" : "no_answer");
                }
                break;
            case Step::open_proposal:
                automation::record_view(db, link_for(db, "proposal", st.proposal, at), at);
                break;
            case Step::accept:
                st.contract = conveyor::accept(db, st.proposal, online, client, at).made["contract_id"];
                if (r.pct(92)) plan(e.at + r.range(1, 7) * kDay, e.lead, Step::sign);
                else plan(e.at + r.range(10, 25) * kDay, e.lead, Step::lose, "postponed");
                break;
            case Step::sign: {
                json ids = conveyor::sign(db, st.contract, online, client, at).made["invoice_ids"];
                worked(st, "contract", e.at, 60, 240);
                worked(st, "invoice", e.at, 20, 90);
                // The advance: paid within days, now and then late.
                for (const json& id : ids) {
                    Stmt iss(db, "SELECT issued_on IS NOT NULL FROM invoices WHERE id = ?1");
                    iss.bind(1, id.get<std::string>()).step();
                    if (iss.int64(0)) plan(e.at + (r.pct(85) ? r.range(1, 6) : r.range(8, 20)) * kDay, e.lead, Step::pay, id.get<std::string>());
                }
                Stmt t(db, "SELECT json_extract(value, '$.stage'), json_extract(value, '$.days') FROM estimates,"
                           " json_each(json_extract(body_json, '$.timeline')) WHERE estimates.id = ?1");
                t.bind(1, st.estimate);
                int64_t when = e.at;
                while (t.step()) {
                    st.stages.push_back(t.text(0));
                    when += (t.int64(1) * 7 / 5 + r.range(0, 3)) * kDay;
                    plan(when, e.lead, Step::complete, t.text(0));
                }
                break;
            }
            case Step::complete: {
                // What the studio's process asked for this stage came in before it ended.
                std::vector<std::string> asked;
                if (schema_version(db) >= 12) {  // projects came with schema 12
                    Stmt q(db, "SELECT m.id FROM material_requests m JOIN projects p ON p.id = m.project_id"
                               " WHERE p.contract_id = ?1 AND m.stage = ?2 AND m.status = 'open' ORDER BY m.id");
                    q.bind(1, st.contract).bind(2, e.arg);
                    while (q.step()) asked.push_back(q.text(0));
                }
                for (const std::string& id : asked)
                    projects::answer_material(db, id, st.lang == "fr" ? "Déposé dans le dossier partagé du projet" : "Загрузили в общую папку проекта",
                                              client, at);
                Outcome o = conveyor::complete_stage(db, st.id, e.arg, m, at);
                for (const json& id : o.made["invoice_ids"]) {
                    // The balance: most pay it within the week, some weeks late, a few not yet.
                    const int k = (int)r.range(0, 99);
                    if (k < 90) plan(e.at + (k < 70 ? r.range(1, 7) : r.range(10, 40)) * kDay, e.lead, Step::pay, id.get<std::string>());
                }
                if (o.made.contains("act_id") && o.made["act_id"].is_string() && r.pct(93))
                    plan(e.at + r.range(1, 6) * kDay, e.lead, Step::sign_act, o.made["act_id"].get<std::string>());
                break;
            }
            case Step::sign_act:
                conveyor::sign_act(db, e.arg, online, client, at);
                break;
            case Step::pay: {
                const std::string ref = "PP-" + std::to_string(e.lead) + "-" + e.arg.substr(0, 8);
                conveyor::pay(db, e.arg, 0, ref, at.substr(0, 10), "bank_transfer", m, at);
                worked(st, "payment", e.at, 10, 40);
                break;
            }
            case Step::lose: {
                Stmt q2(db, "SELECT stage FROM leads WHERE id = ?1");
                q2.bind(1, st.id).step();
                const std::string stage = q2.text(0);
                if (stage == "won" || stage == "lost") break;
                conveyor::lose(db, st.id, e.arg, "", m, at);
                break;
            }
        }
    }
    sp.commit();
    return made;
}

}  // namespace atelier
