"""Nothing secret reaches a log: link tokens, PESELs and e-mail addresses are masked (X-5).

Django's request logger writes the path of every 4xx/5xx response ("Not Found: /vote/card/
<token>/"), gunicorn's access log every path, an exception message whatever it was given.
Masking each handler would miss a handler added later (a file, Sentry, pytest's capture),
so every log record is masked as it is made: ``mask_log_records`` installs a record factory
in each process that loads the settings (web, worker, beat, management commands).
"""
import logging
import re

# A path segment or parameter value of 20+ URL-safe characters: one-time voting links
# (43), allauth's e-mail confirmation and password reset keys, signed values.
# (Not ":", which Django's signed values put between their parts: the signature part
# alone is long enough to be masked, and a timestamp like 2026-12-02T18:15:35 is kept.)
_TOKEN = re.compile(r"(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{20,}(?![A-Za-z0-9_\-])")
# Names in code are kept (a task, a class): words in snake_case or CamelCase. A random
# token is one of those with a negligible chance.
_NAME = re.compile(r"[a-z_]+|(?:[A-Z][a-z]+)+")
_PESEL = re.compile(r"(?<!\d)\d{11}(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]*@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)")


def mask_secrets(text: str) -> str:
    """``text`` with tokens, PESELs and the local part of e-mail addresses masked."""
    text = _EMAIL.sub(r"\1•••@\2", text)
    text = _TOKEN.sub(lambda m: m[0] if _NAME.fullmatch(m[0]) else "[token]", text)
    return _PESEL.sub("[PESEL]", text)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string is logged as it came
        message = str(record.msg)
    record.msg, record.args = mask_secrets(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        # The formatter uses the masked text; the raw traceback is not kept on the record.
        record.exc_info = None
    return record


def mask_log_records() -> None:
    """Mask every record this process makes, once (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "wotum_masking", False):
        return

    def factory(*args, **kwargs):
        return mask_record(current(*args, **kwargs))

    factory.wotum_masking = True
    logging.setLogRecordFactory(factory)
