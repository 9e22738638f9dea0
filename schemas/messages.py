"""Errors are data: stable error types, one table of Swedish sentences, locations people follow."""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

# Our own error types. The template is filled from the error's context.
PROJECT_MESSAGES: dict[str, str] = {
    "unknown_department": (
        "förvaltningen '{value}' finns inte i rapport.yaml; skriv förvaltningens id, som är "
        "namnet på dess mapp (kända: {known})"
    ),
    "department_not_an_id": (
        "'{value}' är inte förvaltningens id; skriv förvaltning: {folder}, som mappen filen "
        "ligger i"
    ),
    "wrong_folder": (
        "förvaltningen '{value}' stämmer inte med mappen '{folder}' som filen ligger i; skriv "
        "förvaltning: {folder}"
    ),
    "unknown_vision_goal": "visionsmål {value} finns inte i rapport.yaml (kända: {known})",
    "title_required": "nyckeln 'rubrik' saknas; den behövs för alla avsnitt utom typ 'inledning'",
    "opening_nested": "en inledning kan inte ligga under ett annat avsnitt; ta bort 'under'",
    "yaml_syntax": "YAML-fel: {problem}",
    "yaml_alias": "YAML-ankare och alias (& och *) är inte tillåtna",
    "yaml_duplicate_key": "nyckeln '{key}' förekommer två gånger",
    "colon_without_space": (
        "ett mellanslag saknas efter kolonet i '{key}:{value}'; skriv '{key}: {value}'"
    ),
    "yaml_key_not_text": (
        "en nyckel är en lista eller flera nycklar i stället för ett ord; skriv 'nyckel: värde' "
        "med nyckeln som ett ord, till exempel 'rubrik: …'"
    ),
    "control_character": (
        "filen innehåller ett osynligt styrtecken ({character}), ofta Words radbrytning "
        "(Skift+Retur) som följt med när texten klistrades in; ta bort det eller skriv om raden"
    ),
    "markdown_text_key": "nyckeln 'text' används bara i .yaml-filer; i Markdown är texten det som står efter '---'",
    "not_a_mapping": "filen ska börja med nycklar (till exempel 'förvaltning: …'), inte {found}",
    "no_front_matter": (
        "filen saknar inledande nycklar; den ska börja med en rad '---', nycklarna, "
        "och en rad '---' före texten"
    ),
    "unclosed_front_matter": "nycklarna i början av filen avslutas inte med en rad '---'",
    "not_utf8": (
        "filen är inte sparad som UTF-8 (fel vid byte {position}); spara den som "
        "'UTF-8' i din texteditor och lägg in den igen"
    ),
    "unsupported_format": (
        "filtypen '{suffix}' kan inte läsas; använd .md, .yaml, .docx, .xlsx eller .json (Kolada)"
    ),
    "unreadable": "filen kunde inte läsas: {reason}",
    "missing_image": "bilden '{src}' finns inte i förvaltningens mapp",
    "image_outside": "bilden '{src}' måste ligga i förvaltningens egen mapp",
    "image_alt_missing": "bilden '{src}' saknar alternativtext; skriv den inom [ ] i ![text](fil)",
    "file_too_large": "filen är {size} MB; största tillåtna storlek är {limit} MB",
    "text_too_long": "texten är {length} tecken lång; högst {limit} tecken får plats i ett bidrag",
    "nesting_too_deep": (
        "listor och citat ligger fler än {limit} nivåer i varandra; högst {limit} nivåer går att "
        "typsätta – lägg de innersta punkterna på en nivå högre upp"
    ),
    "image_format": "bilden '{src}' är av typen {format}; använd PNG eller JPEG",
    "image_too_large": (
        "bilden '{src}' är {width} × {height} bildpunkter; högst 40 miljoner bildpunkter går, "
        "minska bilden"
    ),
    "image_broken": "bilden '{src}' går inte att läsa; den är skadad eller inte en bild",
    "link_as_text": (
        "länken till '{target}' visas som vanlig text: rapporten länkar bara till webbadresser "
        "(https://…) och e-post (mailto:…)"
    ),
    "render_failed": "bidraget kunde inte typsättas och lämnades utanför: {reason}",
    "image_name_clash": (
        "en bild i dokumentet får samma namn som filen '{name}' i mappen; byt namn på den filen"
    ),
    "parent_missing": (
        "'under: {parent}' pekar inte på något avsnitt i mål {goal}; avsnitten som finns där: "
        "{existing}"
    ),
    "parent_rejected": "'under: {parent}' pekar på ett avsnitt i {other}, som inte godkändes",
    "example_text_left": (
        "exempeltexten '{snippet}' finns kvar från mallen; skriv er egen text i stället"
    ),
    "lix_high": (
        "texten har läsbarhetsindex LIX {lix} ({band}); kortare meningar och färre långa ord "
        "gör den lättare att läsa för fler"
    ),
    "long_section": (
        "avsnittet är {words} ord långt; dela gärna upp det med ### underrubriker eller i flera "
        "avsnitt"
    ),
    "image_without_credit": (
        "bilden '{src}' saknar fotograf eller källa; skriv den efter filnamnet: "
        '![…]({src} "Foto: Namn")'
    ),
    "bold_as_heading": (
        "raden '{text}' är bara fetstil och ser ut som en rubrik; skriv ### före den i stället, "
        "så blir den en riktig rubrik"
    ),
    "bold_as_heading_word": (
        "stycket '{text}' är bara fetstil och ser ut som en rubrik; ge det formatmallen "
        "Rubrik 1 (eller Rubrik 2) i stället, så blir det en riktig rubrik"
    ),
    "glyph_missing": (
        "tecknet {char} ({code}) kan inte visas i rapporten, inget av rapportens typsnitt har "
        "det; skriv det med ord eller ta bort det"
    ),
    "opening_kept": (
        "mål {goal} har fler inledningar ({others}); den här är målets inledning och de andra "
        "står som egna avsnitt – kom gärna överens om en gemensam inledning"
    ),
    "opening_as_section": (
        "mål {goal} har redan sin inledning i {other}; den här texten står därför som ett eget "
        "avsnitt med rubriken '{name}'. Vill ni ha en egen rubrik: skriv typ: avsnitt och rubrik"
    ),
    "assessment_not_owned": (
        "bedömningen av mål {goal} görs av {owner}; den här filens bedömning togs inte med, "
        "men resten av filen publiceras. Ta bort 'bedömning' eller tala med rapportansvarig"
    ),
    "assessment_without_owner": (
        "flera förvaltningar har bedömt mål {goal} och rapport.yaml säger inte vem som äger "
        "bedömningen ('bedömer' under förvaltningen); ingen bedömning togs med"
    ),
    "assessment_kept": (
        "bedömningen av mål {goal} tas härifrån; även {others} hade en bedömning, som inte togs med"
    ),
    "section_id_renamed": (
        "avsnittet '{id}' finns redan i mål {goal} ({other}); det här avsnittet fick id "
        "'{new}' och publiceras ändå. Ge det gärna ett eget id eller en annan rubrik"
    ),
    "parent_cycle": "'under: {parent}' gör att avsnitten ligger under varandra i en cirkel",
    "edition_duplicate": "{what}: '{value}' förekommer två gånger",
    "truth_value_not_number": "ska vara ett tal, men är sanningsvärdet {value}",
    "number_not_finite": (
        "ska vara ett tal, men är inget ändligt tal (till exempel 'nan' eller 'inf'); lämna "
        "värdet tomt om det saknas"
    ),
    "number_too_large": (
        "är större än något nyckeltal kan vara (högst en miljon miljarder); kontrollera talet"
    ),
    "internal_error": (
        "internt fel när filen lästes; filen är sparad och ingenting annat påverkas. "
        "Felet är loggat för den som sköter rapportverktyget; hör av dig till rapportansvarig"
    ),
    "too_complex": (
        "filen är för komplicerad att läsa (nästlad för djupt eller för stor); förenkla den "
        "eller dela upp den i flera filer"
    ),
    "edition_too_deep": "filen är nästlad för djupt för att läsas; kontrollera indragen",
    # Word, Excel and Kolada files (flows/readers/)
    # The container (zipsafety)
    "not_office_file": (
        "filen går inte att öppna som {kind}; den kan vara skadad eller ha fel filändelse. "
        "Öppna den och spara den på nytt som {suffix}"
    ),
    "old_or_protected": (
        "filen är i ett äldre format (.doc/.xls) eller skyddad med lösenord; öppna den och "
        "spara den som {suffix} utan lösenord"
    ),
    "encrypted_member": "filen är krypterad; spara den utan lösenord som {suffix}",
    "macro": ("filen innehåller makron och tas inte emot av säkerhetsskäl; spara den som {suffix}"),
    "too_many_parts": (
        "filen består av {count} delar (högst {limit} tas emot) och är inget vanligt {kind}"
    ),
    "too_large": (
        "filen blir {size} MB uppackad (högst {limit} MB tas emot); minska bilderna, "
        "t.ex. med Komprimera bilder i Word, och försök igen"
    ),
    "zip_bomb": (
        "delen '{member}' packas upp {ratio} gånger större än den är och tas inte emot av "
        "säkerhetsskäl; spara dokumentet på nytt"
    ),
    "unreadable_office": "filen kunde inte läsas som {kind}: {reason}",
    # Word
    "no_key_table": (
        "dokumentet saknar tabellen med uppgifter (Förvaltning, Mål, Rubrik …) överst; "
        "utgå från mallen bidrag.docx"
    ),
    "key_row_short": (
        "raden har bara en kolumn; tabellen ska ha uppgiftens namn i första kolumnen och "
        "värdet i den andra"
    ),
    "row_without_label": (
        "raden har ett värde men inget namn i första kolumnen; skriv vilken uppgift det är, "
        "t.ex. Rubrik"
    ),
    "unknown_row": "okänd rad '{label}' – menade du '{suggestion}'?",
    "unknown_row_plain": "okänd rad '{label}'; tillåtna rader: {known}",
    "duplicate_row": "raden {label} finns två gånger i tabellen; ta bort den ena",
    "vision_line": (
        "'{line}' ska skrivas som '2: vänortsbesök' (visionsmålets nummer, kolon, "
        "vad bidraget gör), en rad per visionsmål"
    ),
    "text_before_table": (
        "texten '{snippet}' står före tabellen och kommer inte med i rapporten; flytta "
        "den under tabellen"
    ),
    "template_text_left": (
        "mallens exempeltext finns kvar ('{snippet}'); skriv din egen text eller ta bort stycket"
    ),
    "word_image_alt_missing": (
        "{picture} saknar alternativtext; högerklicka på bilden i Word och "
        "välj Redigera alternativtext"
    ),
    "image_linked": (
        "{picture} är bara länkad till en fil utanför dokumentet; infoga själva bilden "
        "(Infoga > Bilder > Den här enheten)"
    ),
    "word_image_format": (
        "{picture} är i formatet {format}, som inte kan visas i rapporten; "
        "spara bilden som PNG eller JPEG och infoga den igen"
    ),
    "unsupported_object": (
        "stycket innehåller {what}, som inte kan tas med i rapporten; skriv innehållet som "
        "vanlig text eller infoga det som en bild med alternativtext"
    ),
    "footnote": (
        "stycket har en fotnot; fotnoter kan inte tas med i rapporten – skriv källan direkt "
        "i texten, till exempel inom parentes"
    ),
    # Excel
    "no_sheet": "arbetsboken saknar ett blad med nyckeltal",
    "no_header": (
        "bladet '{sheet}' saknar en rubrikrad med kolumnerna {required} (den ska finnas "
        "bland de {rows} första raderna)"
    ),
    "missing_column": "rubrikraden saknar kolumnen {column}",
    "unknown_column": "okänd kolumn '{column}' – menade du '{suggestion}'?",
    "unknown_column_plain": "okänd kolumn '{column}'; tillåtna kolumner: {known}",
    "duplicate_column": "kolumnen {column} finns två gånger i rubrikraden",
    "row_without_name": "raden har värden men saknar nyckeltalets namn i kolumnen Nyckeltal",
    "row_without_year": "raden saknar år i kolumnen År",
    "duplicate_year": "nyckeltalet '{name}' har redan ett värde för {year} på rad {other}",
    "conflicting_value": (
        "'{value}' skiljer sig från '{other}' på rad {row}; skriv samma {column} på alla "
        "rader för '{name}'"
    ),
    "example_row_left": (
        "exempelraden '{snippet}' finns kvar från mallen; skriv era egna värden "
        "över den eller ta bort raden"
    ),
    "several_in_column": (
        "kolumnen {column} har olika värden ({values}); en fil gäller en förvaltning och ett "
        "mål – dela upp filen"
    ),
    "settings_conflict": (
        "{column} är '{sheet_value}' i bladet 'Uppgifter' men '{column_value}' i kolumnen "
        "{column}; ta bort det ena"
    ),
    "no_key_figures": "bladet '{sheet}' har inga rader med nyckeltal under rubrikraden",
    # Kolada JSON
    "json_syntax": "JSON-fel: {problem}",
    "json_duplicate_key": "nyckeln '{key}' förekommer två gånger",
    "json_not_object": "filen ska vara ett JSON-objekt med nycklar ({{ … }}), inte {found}",
    "kolada_bare": (
        "filen är ett rent svar från Kolada; lägg svaret under nyckeln 'kolada_svar' i en fil "
        "som också anger förvaltning, mål, namn och enhet"
    ),
    "kolada_missing_key": "nyckeln '{key}' saknas men måste finnas",
    "kolada_unknown_key": "okänd nyckel '{key}' – menade du '{suggestion}'?",
    "kolada_unknown_key_plain": "okänd nyckel '{key}'; tillåtna nycklar: {known}",
    "kolada_shape": (
        "'kolada_svar' har inte formen av ett svar från Kolada (ett objekt med listan "
        "'values', där varje post har kpi, period och values): {problem}"
    ),
    "kolada_paged": (
        "svaret från Kolada är bara en sida av flera; hämta allt på en gång (till exempel "
        "med per_page=5000) och lägg in svaret igen"
    ),
    "kolada_several": (
        "svaret innehåller flera {what} ({found}); ange '{key}' i filen eller hämta ett i taget"
    ),
    "kolada_gender": "'kön' ska vara T (totalt), K (kvinnor) eller M (män), men är '{value}'",
    "kolada_no_gender": (
        "svaret har inga värden för kön {gender}; nyckeltalet är kanske inte uppdelat på kön "
        "– ta bort 'kön' eller skriv T"
    ),
    "kolada_empty": "svaret från Kolada innehåller inga värden",
    "kolada_not_found": "svaret har inga värden för {what} {value} (det har: {found})",
    "kolada_value": "värdet {value!r} för år {year} i svaret är inget tal",
    "json_constant": "{value} är inget tal som kan tas med; lämna värdet tomt (null) om det saknas",
    "kolada_period": "'{value}' i svaret är inget år",
    "kolada_duplicate_period": "svaret har två värden för år {year}",
    # Real Office files (issue 13): Word's notes and refusals
    "word_decorative_left_out": (
        "{picture} är markerad som dekorativ i Word och visas inte i rapporten"
    ),
    "word_shape_left_out": (
        "en form utan text (en linje, pil eller ruta) visas inte i rapporten; behövs den, "
        "spara den som en bild och infoga bilden med alternativtext"
    ),
    "word_private_character": (
        "tecknet {character} kommer från ett symboltypsnitt och kan inte visas; infoga tecknet "
        "med Infoga > Symbol i ett vanligt typsnitt eller skriv det med ord"
    ),
    "word_strict_unreadable": (
        "filen är sparad som 'Strikt Open XML-dokument' och kunde inte läsas; spara den i "
        "Word med Arkiv > Spara som > 'Word-dokument (*.docx)' och lägg in den igen"
    ),
    "word_tracked_changes": (
        "dokumentet har spårade ändringar: {inserted} tillägg togs med som text och "
        "{deleted} borttagningar lämnades utanför, som om alla ändringar godkänts"
    ),
    "word_comments_left_out": "dokumentets {count} kommentarer tas inte med i rapporten",
    "word_formatting_dropped": (
        "fet eller kursiv stil som byter mitt i ett ord kan inte visas och togs bort; "
        "texten är kvar"
    ),
    # Kolada: a response saved straight from the API
    "kolada_bare_name": (
        "filen '{name}' är ett svar från Kolada, men namnet säger inte mål, namn och enhet; "
        "döp om filen till till exempel 'mal-04 Behöriga till yrkesprogram (procent).json'"
    ),
    # Excel: what is hidden is not read; years as columns
    "excel_hidden_sheet": (
        "bladet '{sheet}' är dolt och lästes inte; ska något där med i rapporten, ta fram "
        "bladet (högerklicka på en bladflik och välj Ta fram) och flytta det till bladet "
        "Nyckeltal"
    ),
    "excel_figure_sheet_hidden": (
        "bladet '{sheet}' med nyckeltalen är dolt, och dolda blad läses inte; ta fram det "
        "(högerklicka på en bladflik och välj Ta fram) och spara igen"
    ),
    "excel_hidden_rows": (
        "dolda rader lästes inte och kommer inte med i rapporten: rad {rows}; ska de med, "
        "markera raderna runt dem, högerklicka och välj Ta fram"
    ),
    "excel_hidden_columns": (
        "dolda kolumner lästes inte och kommer inte med i rapporten: {columns}; ska de med, "
        "markera kolumnerna runt dem, högerklicka och välj Ta fram"
    ),
    "excel_hidden_column": (
        "kolumnen {column} är dold, och dolda kolumner läses inte; markera kolumnerna runt "
        "den, högerklicka och välj Ta fram"
    ),
    "excel_mixed_layout": (
        "rubrikraden har både kolumnen {column} och år som kolumner ({years}); välj ett sätt: "
        "en rad per år med kolumnerna År och Värde, eller en rad per nyckeltal med ett år i "
        "varje kolumn"
    ),
    "excel_figure_twice": (
        "nyckeltalet '{name}' står redan på rad {other}; när åren står som kolumner har varje "
        "nyckeltal en enda rad"
    ),
}

# Pydantic's own error types, in Swedish: every type pydantic-core defines (a test checks).
# Context keys are pydantic's; one that is absent reads as "?".
PYDANTIC_MESSAGES: dict[str, str] = {
    # Keys and structure
    "missing": "nyckeln saknas men måste finnas",
    "extra_forbidden": "okänd nyckel",
    "invalid_key": "nyckeln måste vara text",
    "no_such_attribute": "okänd nyckel '{attribute}'",
    "model_type": "ska vara nycklar med värden, men är {input}",
    "model_attributes_type": "ska vara nycklar med värden, men är {input}",
    "dataclass_type": "ska vara nycklar med värden, men är {input}",
    "dataclass_exact_type": "ska vara nycklar med värden, men är {input}",
    "named_tuple_type": "ska vara en lista med värden, men är {input}",
    "dict_type": "ska vara nycklar med värden, men är {input}",
    "frozen_dict_type": "ska vara nycklar med värden, men är {input}",
    "ordered_dict_type": "ska vara nycklar med värden, men är {input}",
    "counter_type": "ska vara nycklar med antal, men är {input}",
    "mapping_type": "ska vara nycklar med värden, men är {input}",
    "list_type": "ska vara en lista (rader som börjar med '- '), men är {input}",
    "tuple_type": "ska vara en lista, men är {input}",
    "set_type": "ska vara en lista utan dubbletter, men är {input}",
    "frozen_set_type": "ska vara en lista utan dubbletter, men är {input}",
    "deque_type": "ska vara en lista, men är {input}",
    "iterable_type": "ska vara en lista, men är {input}",
    "iteration_error": "listan kunde inte läsas: {error}",
    "set_item_not_hashable": "listan innehåller ett värde som inte kan jämföras",
    "too_short": "får inte vara tom (minst {min_length})",
    "too_long": "har för många poster (högst {max_length})",
    "frozen_field": "kan inte ändras",
    "frozen_instance": "kan inte ändras",
    "none_required": "ska lämnas tom, men är {input}",
    "default_factory_not_called": "standardvärdet kunde inte räknas fram",
    "missing_sentinel_error": "ska lämnas bort",
    # Numbers
    "int_type": "ska vara ett heltal, men är {input}",
    "int_parsing": "ska vara ett heltal, men är {input}",
    "int_parsing_size": "är ett för stort heltal",
    "int_from_float": "ska vara ett heltal utan decimaler, men är {input}",
    "float_type": "ska vara ett tal, men är {input}",
    "float_parsing": "ska vara ett tal (med punkt som decimaltecken), men är {input}",
    "finite_number": "ska vara ett ändligt tal, men är {input}",
    "greater_than": "ska vara större än {gt}, men är {input}",
    "greater_than_equal": "ska vara minst {ge}, men är {input}",
    "less_than": "ska vara mindre än {lt}, men är {input}",
    "less_than_equal": "ska vara högst {le}, men är {input}",
    "multiple_of": "ska vara en multipel av {multiple_of}, men är {input}",
    "decimal_type": "ska vara ett decimaltal, men är {input}",
    "decimal_parsing": "ska vara ett decimaltal (med punkt), men är {input}",
    "decimal_max_digits": "har för många siffror (högst {max_digits})",
    "decimal_max_places": "har för många decimaler (högst {decimal_places})",
    "decimal_whole_digits": "har för många siffror före decimaltecknet (högst {whole_digits})",
    "fraction_type": "ska vara ett bråktal, men är {input}",
    "fraction_parsing": "ska vara ett bråktal, men är {input}",
    "complex_type": "ska vara ett tal, men är {input}",
    "complex_str_parsing": "ska vara ett tal, men är {input}",
    # Text and choices
    "string_type": "ska vara text, men är {input}",
    "string_unicode": "ska vara text med giltiga tecken",
    "string_too_short": "får inte vara tom",
    "string_too_long": "är för lång (högst {max_length} tecken)",
    "string_pattern_mismatch": "har fel form: {input}",
    "string_not_ascii": "får bara innehålla tecken a–z, siffror och skiljetecken, men är {input}",
    "bytes_type": "ska vara data, men är {input}",
    "bytes_too_short": "är för kort (minst {min_length} byte)",
    "bytes_too_long": "är för lång (högst {max_length} byte)",
    "bytes_invalid_encoding": "har fel teckenkodning",
    "bool_type": "ska vara ja eller nej (true/false), men är {input}",
    "bool_parsing": "ska vara ja eller nej (true/false), men är {input}",
    "enum": "ska vara ett av {expected}, men är {input}",
    "literal_error": "ska vara ett av {expected}, men är {input}",
    "union_tag_invalid": "'{tag}' är inte ett tillåtet värde för '{discriminator}' ({expected_tags})",
    "union_tag_not_found": "nyckeln '{discriminator}' saknas",
    "url_type": "ska vara en webbadress, men är {input}",
    "url_parsing": "är inte en giltig webbadress: {input}",
    "url_syntax_violation": "är inte en giltig webbadress: {input}",
    "url_too_long": "är en för lång webbadress (högst {max_length} tecken)",
    "url_scheme": "webbadressen ska börja med {expected_schemes}",
    "uuid_type": "ska vara ett UUID, men är {input}",
    "uuid_parsing": "ska vara ett UUID, men är {input}",
    "uuid_version": "ska vara ett UUID av version {expected_version}",
    # Dates and times
    "date_type": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input}",
    "date_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input}",
    "date_from_datetime_parsing": "ska vara ett datum (ÅÅÅÅ-MM-DD), men är {input}",
    "date_from_datetime_inexact": "ska vara ett datum utan klockslag, men är {input}",
    "date_past": "ska vara ett datum som har passerat, men är {input}",
    "date_future": "ska vara ett datum framåt i tiden, men är {input}",
    "time_type": "ska vara ett klockslag (TT:MM), men är {input}",
    "time_parsing": "ska vara ett klockslag (TT:MM), men är {input}",
    "datetime_type": "ska vara datum och klockslag (ÅÅÅÅ-MM-DD TT:MM), men är {input}",
    "datetime_parsing": "ska vara datum och klockslag (ÅÅÅÅ-MM-DD TT:MM), men är {input}",
    "datetime_object_invalid": "är inte ett giltigt datum och klockslag",
    "datetime_from_date_parsing": "ska vara datum och klockslag (ÅÅÅÅ-MM-DD TT:MM), men är {input}",
    "datetime_past": "ska vara en tidpunkt som har passerat, men är {input}",
    "datetime_future": "ska vara en tidpunkt framåt i tiden, men är {input}",
    "timezone_naive": "ska anges utan tidszon",
    "timezone_aware": "ska anges med tidszon",
    "timezone_offset": "ska ha tidszonen {tz_expected}, men har {tz_actual}",
    "time_delta_type": "ska vara en tidslängd, men är {input}",
    "time_delta_parsing": "ska vara en tidslängd, men är {input}",
    # Errors raised by code: the text is ours or pydantic's own explanation
    "value_error": "ogiltigt värde: {error}",
    "assertion_error": "ogiltigt värde: {error}",
    "json_invalid": "felaktig JSON: {error}",
    "json_type": "ska vara JSON-text, men är {input}",
    "needs_python_object": "kan inte läsas från en fil",
    "recursion_loop": "värdet hänvisar till sig självt",
    "recursion_depth_exceeded": "värdet är nästlat för djupt",
    "get_attribute_error": "värdet kunde inte läsas: {error}",
    "is_instance_of": "har fel typ, men är {input}",
    "is_subclass_of": "har fel typ, men är {input}",
    "callable_type": "har fel typ, men är {input}",
    "ellipsis_error": "har fel typ, men är {input}",
    "arguments_type": "har fel form",
    "missing_argument": "ett värde saknas",
    "unexpected_keyword_argument": "okänd nyckel",
    "missing_keyword_only_argument": "ett värde saknas",
    "unexpected_positional_argument": "ett värde för mycket",
    "missing_positional_only_argument": "ett värde saknas",
    "multiple_argument_values": "ett värde anges två gånger",
}

# Swedish names for the forms our Annotated types and fields demand.
PATTERN_HINTS: dict[str, str] = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "små bokstäver a–z, siffror och bindestreck, t.ex. 'min-rubrik'",
    r"^[NU]\d{5}$": "ett Kolada-id som 'N15428'",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "en e-postadress",
}


def project_error(error_type: str, **context: Any) -> PydanticCustomError:
    """An error of ours, raised from a validator; its Swedish text comes from the table."""
    return PydanticCustomError(error_type, PROJECT_MESSAGES[error_type], context)


# How to fix a problem, in a line the receipt shows in its own column. Codes without an entry
# get the fix of their kind (FIX_BY_PREFIX), or the general one.
FIXES: dict[str, str] = {
    "missing": "Lägg till nyckeln med ett värde, som i mallen från agenda2030 new.",
    "extra_forbidden": "Rätta stavningen av nyckeln, eller ta bort raden.",
    "wrong_folder": "Skriv förvaltningens id, samma som mappens namn, efter 'förvaltning:'.",
    "department_not_an_id": "Skriv förvaltningens id, samma som mappens namn, efter 'förvaltning:'.",
    "unknown_department": "Skriv förvaltningens id, samma som mappens namn, efter 'förvaltning:'.",
    "yaml_syntax": "Rätta raden som anges; sätt text med kolon inom raka citattecken.",
    "colon_without_space": "Skriv ett mellanslag efter kolonet.",
    "control_character": "Skriv om raden i en texteditor, eller klistra in texten som oformaterad.",
    "not_utf8": "Spara filen som UTF-8 (i Anteckningar: Spara som > Kodning: UTF-8).",
    "no_front_matter": "Börja med en kopia av mallen från agenda2030 new.",
    "missing_image": "Lägg bildfilen i samma mapp som texten, med exakt det namnet.",
    "image_alt_missing": "Beskriv bilden inom [ ] för den som inte ser den.",
    "example_text_left": "Ersätt mallens exempeltext med er egen.",
    "example_row_left": "Skriv era egna värden över mallens exempelrad, eller ta bort raden.",
    "parent_missing": "Skriv id:t för ett avsnitt som finns i samma mål, eller ta bort 'under'.",
    "parent_rejected": "Rätta först avsnittet som det här ligger under.",
    "internal_error": "Inget att rätta i filen: rapportansvarig får felet och hör av sig.",
    "too_complex": "Dela upp filen eller förenkla tabeller och listor.",
    "render_failed": "Kontrollera bilder, tabeller och länkar, eller dela upp texten.",
    "link_as_text": "Skriv hela webbadressen med https://, eller ta bort länken.",
    "lix_high": "Dela långa meningar och byt krångliga ord mot enklare.",
    "long_section": "Dela texten med ### underrubriker eller i flera avsnitt.",
    "image_without_credit": 'Skriv fotograf eller källa inom citattecken: "Foto: Namn".',
    "bold_as_heading": "Skriv ### före raden i stället för att göra den fet.",
    "bold_as_heading_word": "Ge stycket formatmallen Rubrik 1 i stället för fetstil.",
    "assessment_not_owned": "Ta bort 'bedömning', eller kom överens med den som äger bedömningen.",
    "section_id_renamed": "Ge avsnittet ett eget 'id' eller en annan rubrik.",
    "opening_as_section": "Kom överens om en inledning, eller skriv typ: avsnitt med en rubrik.",
    "file_too_large": "Minska bilderna eller dela upp filen.",
    "truth_value_not_number": "Skriv ett tal i cellen.",
    "number_not_finite": "Skriv ett tal, eller lämna värdet tomt om det saknas.",
    "float_parsing": "Skriv ett tal, med komma eller punkt som decimaltecken.",
    "int_parsing": "Skriv ett heltal med siffror.",
}
FIX_BY_PREFIX = {
    "yaml_": "Rätta raden som anges; jämför med mallen från agenda2030 new.",
    "kolada_": "Hämta svaret från Kolada på nytt och spara det oförändrat.",
    "image_": "Byt bilden mot en PNG- eller JPEG-fil i förvaltningens mapp.",
    "word_": "Rätta bilden i Word och spara dokumentet igen.",
    "greater_": "Skriv ett värde inom de gränser som anges.",
    "less_": "Skriv ett värde inom de gränser som anges.",
}
GENERAL_FIX = "Rätta det som står i meddelandet, spara och lägg in filen igen."
# A problem at a row of a Word file's key table is fixed in that row, not in a 'key: value'.
WORD_ROW = "tabell 1, raden "
WORD_ROW_FIXES: dict[str, str] = {
    "missing": "Fyll i raden i tabellen överst i dokumentet, som i mallen från agenda2030 new.",
    "title_required": "Skriv avsnittets rubrik i raden Rubrik, eller inledning i raden Typ.",
    "wrong_folder": "Skriv förvaltningens id, samma som mappens namn, i raden Förvaltning.",
    "department_not_an_id": "Skriv förvaltningens id, samma som mappens namn, i raden Förvaltning.",
    "unknown_department": "Skriv förvaltningens id, samma som mappens namn, i raden Förvaltning.",
}


def fix_for(code: str) -> str:
    """The receipt's 'Så här rättar du' for a problem code."""
    if code in FIXES:
        return FIXES[code]
    prefix = next((p for p in FIX_BY_PREFIX if code.startswith(p)), None)
    return FIX_BY_PREFIX[prefix] if prefix else GENERAL_FIX


class Problem(BaseModel):
    """One thing wrong with one file, located as a person would look for it."""

    model_config = ConfigDict(frozen=True)

    file: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    key: str | None = None
    place: str | None = None  # where lines mean nothing, e.g. 'tabell 1, raden Mål' in Word

    @property
    def fix(self) -> str:
        """How to fix it, in one line (Swedish); in Word's words for a row of a Word file's
        key table (a place only the Word reader gives)."""
        if (self.place or "").startswith(WORD_ROW) and self.code in WORD_ROW_FIXES:
            return WORD_ROW_FIXES[self.code]
        return fix_for(self.code)

    def __str__(self) -> str:
        where = [self.file]
        if self.place:
            where.append(self.place)
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.column is not None:
            where.append(f"kolumn {self.column}")
        if self.key:
            where.append(f"nyckel '{self.key}'")
        return f"{', '.join(where)}: {self.message}"


# Mappings whose keys are numbers a person wrote (years), not positions in a list.
NUMBER_KEYED = frozenset({"värden"})


def key_path(loc: Sequence[str | int]) -> str:
    """('nyckeltal', 0, 'enhet') -> 'nyckeltal › nr 1 › enhet'; a year under 'värden' is the
    year itself: ('nyckeltal', 0, 'värden', 2021) -> 'nyckeltal › nr 1 › värden › 2021'."""
    parts = []
    for index, part in enumerate(loc):
        counted = isinstance(part, int) and (index == 0 or loc[index - 1] not in NUMBER_KEYED)
        parts.append(f"nr {part + 1}" if counted else str(part))
    return " › ".join(parts)


def swedish_message(error: dict[str, Any]) -> str:
    """Turn one pydantic error (from ``ValidationError.errors()``) into a Swedish sentence."""
    error_type = error["type"]
    context = dict(error.get("ctx") or {})
    context["input"] = _shown(error.get("input"))
    if error_type in PROJECT_MESSAGES:
        return error["msg"]
    if error_type == "string_pattern_mismatch":
        hint = PATTERN_HINTS.get(context.get("pattern", ""))
        if hint:
            return f"ska vara {hint}, men är {context['input']}"
    if error_type in ("enum", "literal_error"):
        context["expected"] = _swedish_alternatives(str(context.get("expected", "")))
    template = PYDANTIC_MESSAGES.get(error_type, "ogiltigt värde {input}")
    return template.format_map(_Unknown(context))


class _Unknown(dict):
    """Context for str.format_map: an absent key reads as '?' rather than raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def _shown(value: Any) -> str:
    """An input as the person wrote it: numbers bare, text in quotes, structures named."""
    if isinstance(value, dict):
        return "nycklar med värden"
    if isinstance(value, list):
        return "en lista"
    if value is None:
        return "tomt"
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    try:
        float(text)
    except ValueError:
        return f"'{text}'"
    return text


def _swedish_alternatives(expected: str) -> str:
    # pydantic writes "'a', 'b' or 'c'"; Swedish joins with "eller".
    return expected.replace(" or ", " eller ")
