"""A small SMTP sender for the reminders: host, port, STARTTLS and sender from the command
line or the environment; the password only from the environment, never from a file."""

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

PASSWORD_VARIABLE = "AGENDA2030_SMTP_PASSWORD"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    starttls: bool = True
    sender: str = ""
    user: str | None = None  # log in as this user, with the password from the environment
    timeout: float = 30.0

    @classmethod
    def from_environment(cls, **given) -> "SmtpSettings":
        """AGENDA2030_SMTP_HOST, _PORT, _STARTTLS (ja/nej), _FROM and _USER; given values win."""
        env = os.environ
        values = {
            "host": env.get("AGENDA2030_SMTP_HOST", ""),
            "port": int(env.get("AGENDA2030_SMTP_PORT", "587")),
            "starttls": env.get("AGENDA2030_SMTP_STARTTLS", "ja").lower()
            not in ("nej", "no", "false", "0"),
            "sender": env.get("AGENDA2030_SMTP_FROM", ""),
            "user": env.get("AGENDA2030_SMTP_USER") or None,
        }
        return cls(**(values | {k: v for k, v in given.items() if v is not None}))


def send_all(settings: SmtpSettings, messages: list[EmailMessage]) -> None:
    """Send every message over one connection; an SMTP error is raised to the caller."""
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.user:
            smtp.login(settings.user, os.environ.get(PASSWORD_VARIABLE, ""))
        for message in messages:
            smtp.send_message(message)
