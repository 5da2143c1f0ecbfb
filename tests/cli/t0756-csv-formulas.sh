#!/bin/sh
test_description='CSV output neutralises text cells a spreadsheet would run as formulas
(= + - @ tab CR) with a leading apostrophe; numbers stay data; --raw writes cells as
stored; import reads a neutralised cell back as it was'
. "$(dirname "$0")/test-lib.sh"

FORGE=$STELE_BUILD/tools/stele-forge
V=990101001201

test_expect_success 'members named like formulas' '
	new_village v $V &&
	stele-agent -C v member add "=HYPERLINK(\"http://x.example/\",\"y\")" >/dev/null &&
	stele-agent -C v member add "+cmd|'\'' /C calc'\''!A0" >/dev/null &&
	stele-agent -C v member add "@SUM(1+1)" >/dev/null &&
	stele-agent -C v member add "$(printf "\tx")" >/dev/null &&
	stele-agent -C v member add -- "-2+3" >/dev/null &&
	stele-agent -C v member add -- "-3.5" >/dev/null &&
	stele-agent -C v points add M0002 D01 --date 2026-10-08 >/dev/null
'

cat >want-members <<'EOF2'
id,name,gender,born,joined,status,grid
M0001,"'=HYPERLINK(""http://x.example/"",""y"")",,,,active,
M0002,'+cmd|' /C calc'!A0,,,,active,
M0003,'@SUM(1+1),,,,active,
M0004,'	x,,,,active,
M0005,'-2+3,,,,active,
M0006,-3.5,,,,active,
EOF2

test_expect_success 'member list and export neutralise them; a number is left alone' '
	stele-agent -C v member list --format csv >list.csv &&
	test_cmp want-members list.csv &&
	stele-agent -C v export members >export.csv &&
	test_cmp want-members export.csv
'

test_expect_success 'a negative number in a number column is data' '
	stele-agent -C v export points >points.csv &&
	test_grep "^E000001,M0002,D01,2026-10-08,-[0-9.]*,recorded,$" points.csv
'

test_expect_success '--raw writes the cells as stored' '
	stele-agent -C v member list --format csv --raw >raw.csv &&
	test_grep "^M0001,\"=HYPERLINK" raw.csv &&
	test_grep "^M0003,@SUM(1+1)," raw.csv
'

test_expect_success 'JSON and the table are not changed' '
	stele-agent -C v member list --format json >list.json &&
	test_grep "\"name\": \"@SUM(1+1)\"" list.json &&
	stele-agent -C v member list >list.txt &&
	test_grep "^M0003  @SUM(1+1) " list.txt
'

test_expect_success 'import reads an exported file back unchanged' '
	stele-agent -C v import members export.csv 2>err &&
	test_grep "(0 written, the rest unchanged)" err
'

test_expect_success 'the county neutralises them in rank members' '
	stele-aggregator -C county init --county 990101 --name 县 2>/dev/null &&
	"$FORGE" v server.git &&
	stele-aggregator -C county village add $V --name 村 --township-name 镇 \
		--remote "$TRASH/server.git" --key "$(stele-agent -C v key)" >/dev/null &&
	stele-aggregator -C county sync 2>err &&
	stele-aggregator -C county rank members --year 2026 --format csv >members.csv &&
	test_grep "^1,$V,M0003,'\''@SUM(1+1),0.0$" members.csv &&
	stele-aggregator -C county rank members --year 2026 --format csv --raw >raw.csv &&
	test_grep "^1,$V,M0003,@SUM(1+1),0.0$" raw.csv
'

test_done
