"""Issue 18 at the terminal: who owes what and whom to ask, reminders by e-mail through a real
SMTP server on 127.0.0.1, and what is new since another edition."""

import json
import shutil
import socket
from email import message_from_bytes, policy

import pytest

from flows.cli import main
from tests.support.demo import DEMO_YEAR

SOCIAL = "socialforvaltningen"


def drop_department(inputs, department=SOCIAL):
    shutil.rmtree(inputs / str(DEMO_YEAR) / department)
    (inputs / str(DEMO_YEAR) / department).mkdir()


def earlier_contents(outputs, contacts):
    """What an earlier build leaves: innehall.json with the departments' contacts."""
    folder = outputs / str(DEMO_YEAR)
    folder.mkdir(parents=True)
    (folder / "innehall.json").write_text(
        json.dumps({"år": DEMO_YEAR, "avsnitt": [], "kontakter": contacts}), "utf-8"
    )


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def folders(inputs, outputs):
    return ("--inputs", str(inputs), "--outputs", str(outputs), "--settle", "0")


def test_validate_names_the_missing_department_its_goals_and_its_earlier_contact(
    demo_inputs, tmp_path, capsys
):
    outputs = tmp_path / "outputs"
    drop_department(demo_inputs)
    earlier_contents(outputs, {SOCIAL: [{"namn": "Eva Sandberg", "epost": "eva@vastervik.se"}]})
    code, out, _ = run(capsys, "validate", *folders(demo_inputs, outputs), "--today", "2026-02-01")
    assert "Sammanfattning" in out
    assert "Förvaltningar som är skyldiga bidrag (12 dagar kvar till sista dag 2026-02-13):" in out
    assert "  Socialförvaltningen: saknar mål 1, 3, 5, 10" in out
    assert "    kontakt: Eva Sandberg <eva@vastervik.se>" in out


def test_the_contact_in_rapport_yaml_comes_first(demo_inputs, tmp_path, capsys):
    config = demo_inputs / str(DEMO_YEAR) / "rapport.yaml"
    text = config.read_text("utf-8").replace(
        "    namn: Socialförvaltningen\n",
        "    namn: Socialförvaltningen\n    kontakt: {namn: Maja Berg, epost: maja@vastervik.se}\n",
    )
    config.write_text(text, "utf-8")
    drop_department(demo_inputs)
    _, out, _ = run(capsys, "validate", *folders(demo_inputs, tmp_path / "outputs"))
    assert "kontakt: Maja Berg <maja@vastervik.se>" in out


def test_status_marks_rejected_and_missing_with_totals_and_who_to_chase(
    demo_inputs, tmp_path, capsys
):
    edition = demo_inputs / str(DEMO_YEAR)
    drop_department(demo_inputs)
    (edition / "kommunledningskontoret" / "mal-16-trasig.md").write_text(
        "---\nförvaltning: kommunledningskontoret\nmål: 16\n---\nIngen rubrik.\n", "utf-8"
    )
    code, out, _ = run(capsys, "status", *folders(demo_inputs, tmp_path / "outputs"))
    assert code == 0
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    social = rows["Socialförvaltningen"]
    assert social.count("○") == 4 and social.rstrip().endswith("0/4")
    assert "✗" in rows["Kommunledningskontoret"]  # beside an accepted file for goal 16
    assert "Levererat per mål" in out
    chase = out[out.index("Att påminna:") :]
    assert "Socialförvaltningen: saknar mål 1, 3, 5, 10" in chase
    assert "Kommunledningskontoret: avvisat för mål 16" in chase


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
            self.received.append((envelope.rcpt_tos, envelope.content))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler.received
    finally:
        controller.stop()


def test_remind_delivers_one_swedish_message_per_owing_department(
    demo_inputs, tmp_path, capsys, smtp_server
):
    controller, received = smtp_server
    outputs = tmp_path / "outputs"
    drop_department(demo_inputs)
    earlier_contents(outputs, {SOCIAL: [{"namn": "Eva Sandberg", "epost": "eva@vastervik.se"}]})
    code, out, err = run(
        capsys,
        "remind",
        *folders(demo_inputs, outputs),
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(controller.port),
        "--no-starttls",
        "--from",
        "agenda2030@vastervik.se",
        "--today",
        "2026-02-01",
    )
    assert "Skickat till Socialförvaltningen: eva@vastervik.se" in out, out + err
    by_recipient = {
        tuple(to): message_from_bytes(raw, policy=policy.default) for to, raw in received
    }
    assert len(by_recipient) == len(received)  # one message per department
    message = by_recipient[("eva@vastervik.se",)]
    assert message["From"] == "agenda2030@vastervik.se"
    assert (
        message["Subject"] == "Påminnelse: bidrag till Agenda 2030 i Västerviks kommun 2025 saknas"
    )
    body = message.get_content()
    assert "Hej Eva Sandberg!" in body
    assert "Mål 1 Ingen fattigdom: inget bidrag har kommit in" in body
    assert "12 dagar kvar till sista dag 2026-02-13" in body
    assert "validering/socialforvaltningen.html" in body


def test_remind_dry_run_prints_the_messages_and_sends_nothing(demo_inputs, tmp_path, capsys):
    drop_department(demo_inputs)
    earlier_contents(tmp_path / "outputs", {SOCIAL: [{"namn": "Eva", "epost": "eva@vastervik.se"}]})
    code, out, _ = run(capsys, "remind", *folders(demo_inputs, tmp_path / "outputs"), "--dry-run")
    assert code == 0
    assert "Till: eva@vastervik.se" in out and "Hej Eva!" in out
    assert "(--dry-run: inget skickades)" in out


def test_changes_between_two_editions_lists_what_is_new(demo_inputs, tmp_path, capsys):
    from flows.starters.edition import new_edition

    new_edition(demo_inputs, 2026, DEMO_YEAR, with_texts=True)
    section = demo_inputs / "2026" / "kommunledningskontoret" / "mal-16-trygghet.md"
    section.write_text(section.read_text("utf-8") + "\nEtt helt nytt stycke i år.\n", "utf-8")
    (demo_inputs / "2026" / "kommunledningskontoret" / "mal-17-nytt.md").write_text(
        "---\nförvaltning: kommunledningskontoret\nmål: 17\nrubrik: Nytt samarbete\n---\n"
        "Ett nytt samarbete med en vänort.\n",
        "utf-8",
    )
    outputs = tmp_path / "outputs"
    code, out, _ = run(
        capsys,
        "changes",
        "--year",
        "2026",
        "--from",
        str(DEMO_YEAR),
        *folders(demo_inputs, outputs),
    )
    assert code == 0, out
    assert "tillagt: Mål 17 – Nytt samarbete (kommunledningskontoret)" in out
    assert "ändrat: Mål 16 – " in out
    page = (outputs / "2026" / f"andringar-{DEMO_YEAR}.html").read_text("utf-8")
    assert "<ins>" in page and "Nytt samarbete" in page
