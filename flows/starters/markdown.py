"""Starting points for departments: a ready-to-fill Markdown submission, every key explained."""

from schemas import Edition, goal, slugify

MARKDOWN_TEMPLATE = """\
---
# Bidrag till {municipality}s Agenda 2030-rapport {year}.
# Fyll i värdena efter kolon. Rader som börjar med # är förklaringar och läses inte.
# Spara filen som UTF-8 i förvaltningens mapp. Sista dag: {deadline}.

förvaltning: {department}   # Er förvaltning. Ändra inte: den måste stämma med mappen.
mål: {goal}   # Vilket av de 17 globala målen texten handlar om ({goal_title}).
rubrik: {title}   # Avsnittets rubrik i rapporten.
typ: avsnitt   # 'avsnitt' (vanligast) eller 'inledning' (kapitlets inledande text, en per mål).

# Valfria nycklar. Ta bort # i början av raden för att använda dem.
# id: {slug}   # Avsnittets namn för 'under'. Utan id används rubriken med små bokstäver.
# under: annat-avsnitts-id   # Lägg avsnittet under ett annat avsnitt i samma mål.
# ordning: 10   # Lägre tal kommer först i kapitlet.
#
# visionsmål:   # Vilket av kommunens visionsmål arbetet främjar, och genom vad.
{vision_lines}
#
# bedömning:   # Görs av den förvaltning som äger målets bedömning (oftast den som skriver inledningen).
#   nivå: delvis uppfyllt   # uppfyllt, delvis uppfyllt, ej uppfyllt eller ej bedömt
#   motivering: En mening om varför.
#
# nyckeltal:   # Siffror som visas som tabell och diagram. Komma eller punkt som decimaltecken.
#   - namn: Andel elever som är behöriga till gymnasiet
#     enhet: "%"
#     värden: {{2023: 84.7, 2024: 85.1, 2025: 86.3}}
#     målvärde: 90   # valfritt
#     riktning: högre   # högre eller lägre: vilket som är bättre
#     källa: Kolada
#     kolada: N15428   # valfritt Kolada-id
#
# projekt:
#   - namn: Projektets namn
#     typ: EU-projekt
#     period: 2024–2026
#     partner: [Kalmar kommun, Linnéuniversitetet]
#     finansiering: Interreg
#     roll: Partner
#
kontakt:
  namn: {contact}   # Vem rapportredaktören kan fråga om texten.
  epost: {email}
---
Skriv texten här, i vanliga stycken med en tom rad emellan.

### En underrubrik

Rubriker inom avsnittet skriver du med ### först på raden. En bild lägger du in med en rad som
`![Vad bilden visar, för den som inte ser den](bild.jpg "Foto: Namn")`, utan de bakre
apostroferna, och sparar bilden i samma mapp.
"""


# The template's example texts: a file still holding one is refused, naming it (validate.py).
EXAMPLE_TITLE = "Rubrik på avsnittet"
EXAMPLE_CONTACT = ("Förnamn Efternamn", "fornamn.efternamn@example.se")
EXAMPLE_TEXTS = (
    "Skriv texten här, i vanliga stycken med en tom rad emellan.",
    "Rubriker inom avsnittet skriver du med ### först på raden.",
)


def markdown_submission(
    edition: Edition, department: str, goal_number: int, title: str | None = None
) -> str:
    """A submission that validates as it is, with every optional key explained in Swedish."""
    title = title or EXAMPLE_TITLE
    vision_lines = "\n".join(
        f"#   - nummer: {v.number}   # {v.name}\n#     genom: det som främjar målet, t.ex. 'skolutbyten'"
        for v in edition.vision_goals
    )
    return MARKDOWN_TEMPLATE.format(
        municipality=edition.municipality,
        year=edition.year,
        deadline=edition.deadline.isoformat(),
        department=department,
        goal=goal_number,
        goal_title=goal(goal_number).title,
        title=_yaml_text(title),
        slug=slugify(title),
        vision_lines=vision_lines,
        contact=EXAMPLE_CONTACT[0],
        email=EXAMPLE_CONTACT[1],
    )


def _yaml_text(text: str) -> str:
    """Quote a title when YAML would otherwise misread it (a colon, a leading symbol)."""
    if any(c in text for c in ":#'\"") or text[:1] in "-?[]{}!&*|>%@`":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def submission_file_name(goal_number: int, title: str | None, suffix: str = ".md") -> str:
    return f"mal-{goal_number:02d}-{slugify(title or 'nytt-avsnitt')}{suffix}"
