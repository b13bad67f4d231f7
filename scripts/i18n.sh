#!/usr/bin/env bash
# Translations: extract every message into the template, merge it into each catalog, compile.
# Then translate what `pybabel update` marked new or fuzzy in govtrack/translations/*/LC_MESSAGES/messages.po
# and run this again (tests/portal/test_i18n.py fails while a string is untranslated).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
mkdir -p govtrack/translations
"$PYBABEL" extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 \
  --no-location --sort-output --project govtrack --copyright-holder "govtrack" \
  -o govtrack/translations/messages.pot .
if [ ! -f govtrack/translations/id/LC_MESSAGES/messages.po ]; then
  "$PYBABEL" init -i govtrack/translations/messages.pot -d govtrack/translations -l id
else
  "$PYBABEL" update -i govtrack/translations/messages.pot -d govtrack/translations --no-wrap --ignore-obsolete
fi
"$PYBABEL" compile -d govtrack/translations --statistics
