"""The 17 Sustainable Development Goals: official Swedish names and colours."""

from dataclasses import dataclass

WHITE, DARK = "#FFFFFF", "#1A1A1A"


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour like '#19486A'."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class Goal:
    number: int
    name: str
    colour: str

    @property
    def title(self) -> str:
        return f"Mål {self.number} {self.name}"

    @property
    def text_colour(self) -> str:
        """White or near-black, whichever reads better on the goal colour."""
        return max((WHITE, DARK), key=lambda text: contrast_ratio(self.colour, text))


GOALS: tuple[Goal, ...] = tuple(
    Goal(number, name, colour)
    for number, (name, colour) in enumerate(
        [
            ("Ingen fattigdom", "#E5243B"),
            ("Ingen hunger", "#DDA63A"),
            ("Hälsa och välbefinnande", "#4C9F38"),
            ("God utbildning för alla", "#C5192D"),
            ("Jämställdhet", "#FF3A21"),
            ("Rent vatten och sanitet för alla", "#26BDE2"),
            ("Hållbar energi för alla", "#FCC30B"),
            ("Anständiga arbetsvillkor och ekonomisk tillväxt", "#A21942"),
            ("Hållbar industri, innovationer och infrastruktur", "#FD6925"),
            ("Minskad ojämlikhet", "#DD1367"),
            ("Hållbara städer och samhällen", "#FD9D24"),
            ("Hållbar konsumtion och produktion", "#BF8B2E"),
            ("Bekämpa klimatförändringarna", "#3F7E44"),
            ("Hav och marina resurser", "#0A97D9"),
            ("Ekosystem och biologisk mångfald", "#56C02B"),
            ("Fredliga och inkluderande samhällen", "#00689D"),
            ("Genomförande och globalt partnerskap", "#19486A"),
        ],
        start=1,
    )
)


def goal(number: int) -> Goal:
    return GOALS[number - 1]
