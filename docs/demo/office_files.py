"""Write the demo edition's Word, Excel and Kolada files (inputs/2025/), made with the same
libraries departments' files are made with. Run once; the files are committed.

    .venv/bin/python docs/demo/office_files.py
"""

import io
import json
from pathlib import Path

import docx
from docx.shared import Cm
from openpyxl import load_workbook
from PIL import Image, ImageDraw, ImageFont

from flows.readers.word import TEMPLATE_TEXTS
from flows.starters.office import docx_template, xlsx_template

EDITION = Path(__file__).resolve().parents[2] / "inputs" / "2025"


def word(department: str, goal: int, title: str, rows: dict[str, str], build) -> bytes:
    document = docx.Document(io.BytesIO(docx_template(department, goal, title)))
    table = document.tables[0]
    for label, value in rows.items():
        next(r for r in table.rows if r.cells[0].text == label).cells[1].text = value
    for paragraph in list(document.paragraphs):
        if paragraph.text in TEMPLATE_TEXTS:
            paragraph._p.getparent().remove(paragraph._p)
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def violence(document) -> None:
    document.add_paragraph(
        "Mäns våld mot kvinnor och våld i nära relationer är ett allvarligt samhällsproblem och "
        "ett hinder för jämställdheten. Socialförvaltningens relationsvåldsteam ger stöd till "
        "våldsutsatta vuxna och till barn som har bevittnat våld, och erbjuder behandling till den "
        "som utövar våld. Under 2025 fick 148 personer stöd av teamet, varav en tredjedel var barn."
    )
    paragraph = document.add_paragraph("Under året har kommunen tillsammans med ")
    paragraph.add_run("polisen, Region Kalmar län och den lokala kvinnojouren").bold = True
    paragraph.add_run(
        " utbildat personal i att fråga om våld. Utbildningen har nått dessa verksamheter:"
    )
    for item in ("hemtjänsten", "förskolan och skolan", "öppenvården inom socialtjänsten"):
        document.add_paragraph(item, style="List Bullet")
    document.add_heading("Kampanj för äldre", level=1)
    document.add_paragraph(
        "Under hösten genomfördes också en informationskampanj riktad till äldre som utsätts för "
        "våld av en närstående, med budskapet att det aldrig är för sent att söka hjälp."
    )


def youth_council_picture() -> bytes:
    """A simple illustration: the council's 15 seats by school district."""
    image = Image.new("RGB", (900, 360), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=26)
    districts = [
        ("Västervik", 7),
        ("Gamleby", 3),
        ("Ankarsrum", 2),
        ("Överum", 2),
        ("Loftahammar", 1),
    ]
    x = 40
    for name, seats in districts:
        for seat in range(seats):
            top = 260 - seat * 34
            draw.ellipse((x, top, x + 28, top + 28), fill=(0, 104, 157), outline=(26, 26, 26))
        draw.text((x + 14, 300), name, fill=(26, 26, 26), font=font, anchor="ma")
        x += 170
    return _png(image)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def youth(document) -> None:
    document.add_paragraph(
        "Kommunens ungdomsråd består av 15 ungdomar i åldern 13–19 år från olika delar av "
        "kommunen och har under 2025 träffats en gång i månaden. Rådet har lämnat synpunkter på "
        "bland annat den nya översiktsplanen, busstrafiken till de mindre orterna och utbudet på "
        "fritidsgårdarna. Rådets förslag om kvällsöppet för unga i Gamleby under loven genomfördes "
        "för första gången under höstlovet."
    )
    shape = (
        document.add_paragraph()
        .add_run()
        .add_picture(io.BytesIO(youth_council_picture()), width=Cm(14))
    )
    shape._inline.docPr.set(
        "descr",
        "Illustration av ungdomsrådets 15 platser: 7 från Västervik, 3 från Gamleby, 2 från "
        "Ankarsrum, 2 från Överum och 1 från Loftahammar.",
    )
    document.add_paragraph(
        "Inför valet 2026 har förvaltningen tillsammans med skolorna planerat skolval och "
        "utfrågningar av politiker på högstadieskolorna och gymnasiet. Ungdomsrådet har också "
        "varit med och tagit fram en enkät om ungas trygghet och inflytande, som besvarades av "
        "drygt 1 100 elever."
    )
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Enkätfråga"
    table.rows[0].cells[1].text = "Andel som svarade ja"
    for question, share in (
        ("Jag känner mig trygg i skolan", "86 %"),
        ("Jag vet hur jag kan påverka i kommunen", "41 %"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = question, share


def energy_workbook() -> bytes:
    workbook = load_workbook(io.BytesIO(xlsx_template("vastervik-miljo-energi", 7)))
    sheet = workbook["Nyckeltal"]
    sheet.delete_rows(2)
    rows = [
        (
            "Producerad solel i bolagets anläggningar",
            "MWh",
            year,
            value,
            None,
            None,
            "högre",
            "Västervik Miljö & Energi AB",
        )
        for year, value in ((2021, 410), (2022, 520), (2023, 760), (2024, 1150), (2025, 1480))
    ] + [
        (
            "Levererad fjärrvärme per kund",
            "MWh",
            year,
            value,
            None,
            None,
            "lägre",
            "Västervik Miljö & Energi AB",
        )
        for year, value in ((2021, 19.8), (2022, 19.1), (2023, None), (2024, 18.2), (2025, 17.9))
    ]
    for row in rows:
        sheet.append(list(row))
    settings = workbook["Uppgifter"]
    for row in settings.iter_rows():
        if row[0].value == "Rubrik":
            row[1].value = "Energi i siffror"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kolada_file() -> str:
    """A Kolada v2 response (values invented for the demo) wrapped with the goal it serves."""
    values = {2021: 83.9, 2022: 82.4, 2023: 84.7, 2024: 85.1, 2025: 86.3}
    women = {2021: 87.2, 2022: 85.9, 2023: 88.0, 2024: 88.4, 2025: 89.6}
    response = {
        "count": 1,
        "values": [
            {
                "kpi": "N15428",
                "municipality": "0883",
                "period": year,
                "values": [
                    {"gender": "T", "status": "", "value": values[year], "count": 1},
                    {"gender": "K", "status": "", "value": women[year], "count": 1},
                    {
                        "gender": "M",
                        "status": "",
                        "value": round(2 * values[year] - women[year], 1),
                        "count": 1,
                    },
                ],
            }
            for year in values
        ],
    }
    wrapper = {
        "förvaltning": "barn-och-utbildning",
        "mål": 4,
        "rubrik": "Behörighet till yrkesprogram enligt Kolada",
        "under": "fler-elever-behoriga-till-gymnasieskolan",
        "namn": "Andel elever i årskurs 9 som är behöriga till yrkesprogram",
        "enhet": "%",
        "målvärde": 90,
        "riktning": "högre",
        "kolada_svar": response,
    }
    return json.dumps(wrapper, ensure_ascii=False, indent=2) + "\n"


def wetland_sketch() -> bytes:
    """A sketch for the Markdown demo: a bay, its streams and the wetlands along them."""
    image = Image.new("RGB", (1000, 520), (246, 244, 236))
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=26)
    draw.polygon([(620, 520), (700, 300), (820, 220), (1000, 180), (1000, 520)], fill=(10, 151, 217))
    draw.text((800, 420), "Gamlebyviken", fill="white", font=font)
    streams = [[(80, 60), (260, 180), (460, 250), (700, 300)],
               [(120, 440), (330, 380), (520, 350), (690, 330)],
               [(430, 40), (520, 150), (640, 240), (720, 295)]]
    for stream in streams:
        draw.line(stream, fill=(10, 120, 180), width=6)
    wetlands = [(250, 170), (400, 235), (320, 385), (500, 355), (515, 160), (600, 220)]
    for x, y in wetlands:
        draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=(86, 192, 43), outline=(26, 26, 26), width=3)
    draw.text((40, 480), "● våtmark anlagd 2021–2025", fill=(26, 26, 26), font=font)
    return _png(image)


def main() -> None:
    files = {
        "socialforvaltningen/mal-05-vald-i-nara-relationer.docx": word(
            "socialforvaltningen",
            5,
            "Arbetet mot våld i nära relationer",
            {
                "Ordning": "20",
                "Visionsmål": "1: samverkan mot våld i nära relationer",
                "Kontakt": "Lena Forsberg, lena.forsberg@vastervik.se",
            },
            violence,
        ),
        "kultur-och-fritid/mal-16-ungas-inflytande.docx": word(
            "kultur-och-fritid",
            16,
            "Ungas inflytande",
            {"Ordning": "20", "Kontakt": "Oskar Dahl, oskar.dahl@vastervik.se"},
            youth,
        ),
        "vastervik-miljo-energi/mal-07-energi-i-siffror.xlsx": energy_workbook(),
        "barn-och-utbildning/mal-04-behorighet-kolada.json": kolada_file().encode(),
        "miljo-och-bygg/vatmarker-gamlebyviken.png": wetland_sketch(),
    }
    for relative, content in files.items():
        (EDITION / relative).write_bytes(content)
        print(EDITION / relative)


if __name__ == "__main__":
    main()
