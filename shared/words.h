// atelier/words.h — amounts in words, as invoices and contracts print them.
//
//   amount_in_words({123456789, RUB}, ru) -> "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек"
//   amount_in_words({123456789, EUR}, fr) -> "Un million deux cent trente-quatre mille cinq cent soixante-sept euros et 89 centimes"
//   amount_in_words({123456789, USD}, en) -> "One million two hundred thirty-four thousand five hundred sixty-seven US dollars and 89 cents"
//
// The major unit is written out with each language's grammar (Russian gender
// and plural forms, French hyphens, "et", plural -s of cents/vingts and
// "d'euros" after a round million); minor units are two digits. Amounts from
// 0 to 999 999 999 999.99; negative or larger amounts are errors.
#pragma once
#include <string>

#include "money.h"

namespace atelier {

std::string amount_in_words(const Money& m, Lang lang);

}  // namespace atelier
