"""Swedish messages for Word, Excel and Kolada files, and the error that carries them."""

from collections.abc import Iterator
from contextlib import contextmanager

from flows.readers import ReadError

# Our own table: schemas/messages.py belongs to the text formats, and these codes
# only ever come from the office readers.
OFFICE_MESSAGES: dict[str, str] = {
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
    "image_alt_missing": (
        "bild {number} ({image}) saknar alternativtext; högerklicka på bilden i Word och "
        "välj Redigera alternativtext"
    ),
    "image_linked": (
        "bild {number} är bara länkad till en fil utanför dokumentet; infoga själva bilden "
        "(Infoga > Bilder > Den här enheten)"
    ),
    "image_format": (
        "bild {number} ({image}) är i formatet {format}, som inte kan visas i rapporten; "
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
        "mallens exempelrad finns kvar; skriv över den med egna värden eller ta bort raden"
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
}


class OfficeReadError(ReadError):
    """A ReadError whose Swedish message comes from ``OFFICE_MESSAGES``.

    It has the attributes flows/validate.py reads (code, message, line, column, place),
    so validate_file turns it into a Problem exactly like a ReadError.
    """

    def __init__(
        self,
        code: str,
        message: str,
        place: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ):
        # ReadError.__init__ looks the code up in PROJECT_MESSAGES; ours is already formatted.
        Exception.__init__(self, message)
        self.code, self.message, self.place = code, message, place
        self.line, self.column = line, column

    def __reduce__(self):
        # Picklable with every attribute (Prefect may ship errors between processes).
        return type(self), (self.code, self.message, self.place, self.line, self.column)


def office_error(
    code: str,
    place: str | None = None,
    position: tuple[int, int] | None = None,
    **context: object,
) -> OfficeReadError:
    """The error for ``code``, its message filled from ``context``.

    ``position`` is (line, column) for text files (JSON); context keys such as 'column'
    (an Excel column's name) are free for the message.
    """
    message = OFFICE_MESSAGES[code].format(**context)
    line, column = position if position else (None, None)
    return OfficeReadError(code, message, place=place, line=line, column=column)


@contextmanager
def unreadable_as(kind: str) -> Iterator[None]:
    """Turn any failure of a third-party parser on untrusted bytes into a located refusal.

    Broad on purpose: python-docx and openpyxl raise many kinds of error on broken files
    (zip CRC, XML syntax, forbidden DTDs from defusedxml, odd values), and a broken file
    must give its department a message, never stop the run. The type stays in the message.
    """
    try:
        yield
    except OfficeReadError:
        raise
    except Exception as error:
        reason = f"filen är skadad eller ofullständig ({type(error).__name__})"
        if "content type" in str(error):
            reason = "det är en annan sorts fil med fel filändelse"
        raise office_error("unreadable_office", kind=kind, reason=reason) from None


def shorten(text: str, length: int = 40) -> str:
    """A quotable start of a text, so a person can find it ('Västervik är medlem i …')."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
