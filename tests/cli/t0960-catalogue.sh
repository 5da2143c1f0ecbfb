#!/bin/sh
test_description='the message catalogue: every message of the sources translated, formats kept'
. "$(dirname "$0")/test-lib.sh"

# The template is extracted from the sources as they are now (tools/pot.sh, as
# `make` does), so a message added without a translation shows up here even
# before anyone ran `make update-po`.
test_expect_success 'the template extracted from the sources' '
	sh "$SRC_ROOT/tools/pot.sh" "$TRASH/stele.pot" &&
	test_grep "^msgid \"%s does not exist in village %s\"$" stele.pot
'

for po in "$SRC_ROOT"/po/*.po; do
	lang=$(basename "$po" .po)
	test_expect_success "$lang: every message translated, none fuzzy (msgmerge, msgfmt --statistics)" "
		msgmerge --quiet --no-wrap -o merged.po '$po' stele.pot &&
		msgfmt --statistics -o /dev/null merged.po 2>stats &&
		cat stats >&2 &&
		grep -q '^[0-9][0-9]* translated messages\\.$' stats || {
			echo 'untranslated or fuzzy:' >&2
			msgattrib --untranslated --only-fuzzy merged.po >&2
			msgattrib --untranslated merged.po | grep '^msgid' >&2
			false
		}
	"
	test_expect_success "$lang: every printf format matches its msgid (msgfmt -c)" "
		msgfmt -c -o /dev/null '$po'
	"
done

test_done
