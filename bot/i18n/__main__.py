"""`python -m bot.i18n`: write the template from the code, list what each catalogue lacks."""

from __future__ import annotations

import sys

from . import DEFAULT, LANGUAGES, locale_dir
from .catalog import extract, problems, template


def main() -> int:
    messages = extract()
    (locale_dir() / "vigia.pot").write_text(template(messages), encoding="utf-8")
    found = [p for lang in LANGUAGES if lang != DEFAULT
             for p in problems(locale_dir() / f"{lang}.po", messages)]
    print(f"bot/locale/vigia.pot: {len(messages)} texts", file=sys.stderr)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
