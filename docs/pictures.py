"""Render the README's pictures of the demo report: `make pictures` after `make report`."""

import sys
from pathlib import Path

import pikepdf
import pypdfium2

PICTURES = Path(__file__).parent / "bilder"


def chapter_page(pdf_path: Path, title: str) -> int:
    """0-based page index of the bookmark ``title``."""
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        item = next(i for i in outline.root if i.title == title)
        return pages[item.destination[0].objgen]


def main(pdf_path: Path) -> None:
    document = pypdfium2.PdfDocument(pdf_path)
    pictures = {
        "omslag.png": 0,
        "innehall.png": 1,
        "kapitel-17.png": chapter_page(pdf_path, "Mål 17 Genomförande och globalt partnerskap"),
        "nyckeltal.png": chapter_page(pdf_path, "Mål 4 God utbildning för alla") + 1,
    }
    PICTURES.mkdir(exist_ok=True)
    for name, index in pictures.items():
        # 60 dpi: small enough for the repository, large enough to judge the typesetting.
        document[index].render(scale=60 / 72).to_pil().save(PICTURES / name, optimize=True)
        print(PICTURES / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
