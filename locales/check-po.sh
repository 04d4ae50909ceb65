#!/bin/sh
# Every UI string in the sources (POTFILES) has a translation in every .po of
# LINGUAS, and no .po has an error: run by `meson test` (suite i18n).
#   check-po.sh SOURCE_ROOT
set -eu
root=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cd "$root"
xgettext --keyword=_ --keyword=N_ --from-code=UTF-8 -o - -f locales/POTFILES |
	sed "s/charset=CHARSET/charset=UTF-8/" >"$tmp"
st=0
for l in $(cat locales/LINGUAS); do
	msgfmt -c -o /dev/null "locales/$l.po" || st=1
	msgcmp "locales/$l.po" "$tmp" || st=1
	# no empty translations (msgcmp accepts them)
	if msgattrib --untranslated "locales/$l.po" | grep -q '^msgid "[^"]'; then
		echo "locales/$l.po: untranslated strings:"
		msgattrib --untranslated "locales/$l.po" | grep '^msgid "[^"]'
		st=1
	fi
done
exit $st
