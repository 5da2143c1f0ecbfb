#!/bin/sh
test_description='stele-agent and Excel: encodings, dates as Excel writes them, .xlsx in and out, large imports, rules list, did you mean'
. "$(dirname "$0")/test-lib.sh"

XLSX="python3 $TEST_DIRECTORY/lib-xlsx.py"

refused() {
	test_refused v "$@"
}

q() {
	sqlite3 v/stele.db "$1"
}

test_expect_success 'setup' '
	new_village v 990101001201 &&
	for n in 王建国 李秀英 张伟; do stele-agent -C v member add $n >/dev/null || return 1; done
'

test_expect_success 'a GB18030 CSV (Excel on a Chinese Windows) is converted, and says so' '
	printf "id,name,gender,born,joined,status,grid\nM0011,赵丽,F,1980,2001-07-01,,东区\n" >m.utf8 &&
	iconv -f UTF-8 -t GB18030 m.utf8 >gb.csv &&
	! cmp -s m.utf8 gb.csv &&
	stele-agent -C v import members gb.csv 2>err &&
	test_grep "^stele-agent: reading gb.csv as GB18030 text (converted to UTF-8)$" err &&
	test "$(q "SELECT name || grid FROM member WHERE id = '\''M0011'\''")" = 赵丽东区
'

test_expect_success 'UTF-16 with its BOM, little- and big-endian' '
	printf "id,name,gender,born,joined,status,grid\nM0012,钱七,M,,,,\n" >m2.utf8 &&
	{ printf "\377\376" && iconv -f UTF-8 -t UTF-16LE m2.utf8; } >le.csv &&
	stele-agent -C v import members le.csv 2>err &&
	test_grep "reading le.csv as UTF-16LE text" err &&
	printf "id,name,gender,born,joined,status,grid\nM0013,孙八,M,,,,\n" >m3.utf8 &&
	{ printf "\376\377" && iconv -f UTF-8 -t UTF-16BE m3.utf8; } >be.csv &&
	stele-agent -C v import members be.csv 2>err &&
	test_grep "reading be.csv as UTF-16BE text" err &&
	test "$(q "SELECT group_concat(name) FROM member WHERE id IN ('\''M0012'\'', '\''M0013'\'')")" = 钱七,孙八
'

test_expect_success 'UTF-8 says nothing about its encoding; a broken UTF-16 file is refused' '
	stele-agent -C v export members >plain.csv &&
	stele-agent -C v import members plain.csv 2>err &&
	test_line_count 1 err &&
	{ printf "\377\376" && iconv -f UTF-8 -t UTF-16LE m2.utf8 && printf "\000\330"; } >bad16.csv &&
	refused "^stele-agent: bad16.csv: text after the UTF-16LE byte-order mark is not valid UTF-16LE$" \
		stele-agent -C v import members bad16.csv
'

test_expect_success 'a refusal in a converted file writes nothing and names the row' '
	printf "id,name,gender,born,joined,status,grid\n,周九,X,,,,\n" | iconv -f UTF-8 -t GB18030 >gbbad.csv &&
	db_dump v >before &&
	test_expect_code 3 stele-agent -C v import members gbbad.csv 2>err &&
	test_grep "^stele-agent: gbbad.csv:2:3: member .*gender '\''X'\'' is not M, F or empty$" err &&
	db_dump v >after &&
	test_cmp before after
'

test_expect_success 'dates, months, years and numbers as Excel and people write them' '
	cat >points.csv <<-\EOT &&
	id,member_id,rule_code,occurred_on,points,stage,note
	E000001,M0001,B01,2026/11/3,2,published,斜杠
	E000002,M0001,B01,2026-11-4,,published,短横
	E000003, M0002 ,B01,2026年11月5日,,published,中文
	E000004,Ｍ０００２,Ｂ０１,２０２６－１１－０６,２．０,published,全角
	E000005,M0003,B01,2026/11/7 0:00,,published,带时间
	E000006,M0003,B01,25/11/2026,,published,日在前
	E000007,M0003,B01,20261109,,published,
	EOT
	stele-agent -C v import points points.csv &&
	test "$(q "SELECT group_concat(id || '\'' '\'' || member_id || '\'' '\'' || rule_code || '\'' '\'' || occurred_on || '\'' '\'' || points, '\'';'\'') FROM point_event")" = \
		"E000001 M0001 B01 2026-11-03 20;E000002 M0001 B01 2026-11-04 20;E000003 M0002 B01 2026-11-05 20;E000004 M0002 B01 2026-11-06 20;E000005 M0003 B01 2026-11-07 20;E000006 M0003 B01 2026-11-25 20;E000007 M0003 B01 2026-11-09 20" &&
	printf "id,period,amount,source\n,2026年3月,\"1,234.50\",租金\n,2026/4,１２,\n,2026/5/1,3,\n" >income.csv &&
	stele-agent -C v import income income.csv &&
	test "$(q "SELECT group_concat(period || '\'' '\'' || amount) FROM income")" = "2026-03 123450,2026-04 1200,2026-05 300" &&
	printf "year,item_code,score,note\n2026年,S1,18, 自评 \n" >a.csv &&
	stele-agent -C v import assessments a.csv &&
	test "$(q "SELECT year || item_code || score || note FROM assessment")" = 2026S1180自评
'

test_expect_success 'only what could be two dates is refused, naming both' '
	printf "id,member_id,rule_code,occurred_on,points,stage,note\n,M0001,B01,3/11/2026,,recorded,\n" >amb.csv &&
	refused "^stele-agent: amb.csv:2:4: date '\''3/11/2026'\'' could be 2026-11-03 or 2026-03-11; write it as YYYY-MM-DD$" \
		stele-agent -C v import points amb.csv &&
	printf "id,member_id,rule_code,occurred_on,points,stage,note\n,M0001,B01,26/11/3,,recorded,\n" >yy.csv &&
	refused "^stele-agent: yy.csv:2:4: point event .*date '\''26/11/3'\''" stele-agent -C v import points yy.csv &&
	printf "id,period,amount,source\n,2026-05,\"1,23\",x\n" >grp.csv &&
	refused "^stele-agent: grp.csv:2:3: " stele-agent -C v import income grp.csv
'

test_expect_success 'an .xlsx written by another tool: shared and inline strings, numbers, date serials' '
	printf "id\tmember_id\trule_code\toccurred_on\tpoints\tstage\tnote\n" >x.tsv &&
	printf "E000101\tM0001\tB01\t#d:46341\t#n:2\tpublished\t#i:现场照片\n" >>x.tsv &&
	printf "\n" >>x.tsv &&
	printf "E000102\tM0002\tB02\t#n:46342\t\trecorded\n" >>x.tsv &&
	printf "E000103\tM0003\tB01\t2026/11/17\t#n:1.5\tgroup\t含,逗号\n" >>x.tsv &&
	$XLSX x.xlsx x.tsv &&
	stele-agent -C v import points x.xlsx 2>err &&
	test_grep "imported 3 rows of point events from x.xlsx" err &&
	stele-agent -C v export points | grep "^E0001" >out &&
	cat >expect <<-\EOT &&
	E000101,M0001,B01,2026-11-15,2.0,published,现场照片
	E000102,M0002,B02,2026-11-16,1.0,recorded,
	E000103,M0003,B01,2026-11-17,1.5,group,"含,逗号"
	EOT
	test_cmp expect out
'

test_expect_success 'a workbook refusal names its row and column; nothing is written' '
	printf "id\tmember_id\trule_code\toccurred_on\tpoints\tstage\tnote\n\tM0001\tB01\t#e:#N/A\t\trecorded\n" >e.tsv &&
	$XLSX e.xlsx e.tsv &&
	refused "^stele-agent: e.xlsx:2:4: the cell holds the Excel error #N/A$" stele-agent -C v import points e.xlsx &&
	printf "id\tmember_id\trule_code\toccurred_on\tpoints\tstage\tnote\n\tM0001\tb01\t2026-11-20\t\trecorded\n" >c.tsv &&
	$XLSX c.xlsx c.tsv &&
	refused "^stele-agent: c.xlsx:2:3: point event '\''E000104'\'': rule '\''b01'\'' does not exist (did you mean '\''B01'\''?)$" \
		stele-agent -C v import points c.xlsx &&
	echo "not a workbook" >z.xlsx &&
	refused "^stele-agent: z.xlsx is not an Excel workbook (not a zip file)$" stele-agent -C v import points z.xlsx
'

# check_workbook FILE KIND: FILE is a zip whose parts are well-formed XML, with a
# sheet named KIND; prints the first sheet's rows, cells joined by "|".
check_workbook() {
	python3 - "$1" "$2" <<-\EOF
	import sys, zipfile, xml.dom.minidom as m
	z = zipfile.ZipFile(sys.argv[1])
	assert z.testzip() is None
	for n in z.namelist():
	    if n.endswith(".xml") or n.endswith(".rels"):
	        m.parseString(z.read(n))
	wb = m.parseString(z.read("xl/workbook.xml"))
	assert [s.getAttribute("name") for s in wb.getElementsByTagName("sheet")] == [sys.argv[2]]
	sheet = m.parseString(z.read("xl/worksheets/sheet1.xml"))
	def text(e):
	    return "".join(t.firstChild.data if t.firstChild else "" for t in e.getElementsByTagName("t")) if e.getAttribute("t") == "inlineStr" else "".join(v.firstChild.data for v in e.getElementsByTagName("v"))
	for row in sheet.getElementsByTagName("row"):
	    print("|".join(text(c) for c in row.getElementsByTagName("c")))
	EOF
}

test_expect_success 'export --out x.xlsx is a valid workbook that imports back the same' '
	stele-agent -C v export points --out x-out.xlsx &&
	check_workbook x-out.xlsx points >rows &&
	test_grep "^id|member_id|rule_code|occurred_on|points|stage|note$" rows &&
	test_grep "^E000101|M0001|B01|2026-11-15|2|published|现场照片$" rows &&
	! ls x-out.xlsx.tmp* 2>/dev/null &&
	new_village w 990101001202 &&
	stele-agent -C v export members --out m.xlsx &&
	stele-agent -C w import members m.xlsx &&
	stele-agent -C w import points x-out.xlsx &&
	stele-agent -C v export points >v.csv &&
	stele-agent -C w export points >w.csv &&
	test_cmp v.csv w.csv
'

test_expect_success 'export --out picks the format by the name; CSV gets the BOM' '
	stele-agent -C v export income --out i.csv &&
	head -c 3 i.csv | od -An -tx1 | grep -q "ef bb bf" &&
	stele-agent -C v export income >i.stdout &&
	tail -c +4 i.csv >i.nobom &&
	test_cmp i.stdout i.nobom &&
	stele-agent -C v export income --out i.json &&
	test_grep "\"amount\": 1234.50" i.json &&
	test_expect_code 2 stele-agent -C v export income --out i.txt 2>err &&
	test_grep "^stele-agent: --out '\''i.txt'\'': the file name must end in .csv, .xlsx or .json$" err &&
	test_expect_code 2 stele-agent -C v export income --out i.json --format csv 2>err &&
	test_grep "does not match" err &&
	! test -e i.txt
'

test_expect_success 'a file too large for one change set: several, in one transaction, all or nothing' '
	awk "BEGIN { print \"id,member_id,rule_code,occurred_on,points,stage,note\";
		for (i = 1; i <= 160000; i++)
			printf \",M%04d,B01,2025-%02d-%02d,,published,批量导入第%d行\\n\", 1 + i % 3, 1 + i % 12, 1 + i % 28, i }" >big.csv &&
	before=$(q "SELECT count(*) FROM stele_outbox") &&
	stele-agent -C v import points big.csv 2>err &&
	test_grep "imported 160000 rows of point events from big.csv (160000 written" err &&
	after=$(q "SELECT count(*) FROM stele_outbox") &&
	test $((after - before)) -ge 2 &&
	test "$(q "SELECT count(*) FROM point_event WHERE note LIKE '\''批量导入%'\''")" = 160000 &&
	stele-agent -C v sync --remote "$PWD/v.git" 2>/dev/null &&
	stele-agent -C v verify &&
	sed "s/^,M0003,B01,2025-12-28,/,M0003,B01,2025-12-32,/" big.csv >big-bad.csv &&
	! cmp -s big.csv big-bad.csv &&
	db_dump v >before.dump &&
	q "SELECT count(*) FROM stele_outbox" >before.outbox &&
	test_expect_code 3 stele-agent -C v import points big-bad.csv 2>err &&
	test_grep "big-bad.csv:[0-9]*:4: .*2025-12-32" err &&
	db_dump v >after.dump &&
	test_cmp before.dump after.dump &&
	q "SELECT count(*) FROM stele_outbox" >after.outbox &&
	test_cmp before.outbox after.outbox
'

test_expect_success 'rules list: the county rules the village has, in every format' '
	stele-agent -C v rules list >out &&
	head -n 1 out | grep -q "^code  *category  *name  *points  *active$" &&
	test_grep "^B01  *base  *参加主题党日活动  *2.0  *1$" out &&
	stele-agent -C v rules list standard-items --format csv >out &&
	test_grep "^code,name,max_score,active$" out &&
	test_grep "^S1,坚强有力的村级班子,20.0,1$" out &&
	stele-agent -C v rules list veto-items --format json >out &&
	test_grep "\"code\"" out &&
	test_expect_code 2 stele-agent -C v rules list frogs 2>err &&
	test_grep "unknown rules kind '\''frogs'\''" err
'

test_expect_success 'did you mean: a mistyped code or id names the closest one' '
	refused "^stele-agent: point event '\''E.*'\'': rule '\''b01'\'' does not exist (did you mean '\''B01'\''?)$" \
		stele-agent -C v points add M0001 b01 &&
	refused "^stele-agent: point event '\''E.*'\'': member '\''M001'\'' does not exist in village 990101001201 (did you mean '\''M0001'\''?)$" \
		stele-agent -C v points add M001 B01 &&
	refused "^stele-agent: point event '\''E.*'\'': rule '\''QQQ'\'' does not exist$" \
		stele-agent -C v points add M0001 QQQ &&
	refused "^stele-agent: assessment 2026 s2: standard item '\''s2'\'' does not exist (did you mean '\''S2'\''?)$" \
		stele-agent -C v assess set 2026 s2 10 &&
	refused "^stele-agent: task '\''T.*'\'': assignee '\''m0002'\'' is not a member of village 990101001201 (did you mean '\''M0002'\''?)$" \
		stele-agent -C v task add 走访 --due 2026-12-01 --assignee m0002 &&
	refused "^stele-agent: member '\''m0003'\'' does not exist in village 990101001201 (did you mean '\''M0003'\''?)$" \
		stele-agent -C v member set m0003 --grid 西区
'

test_expect_success 'did you mean, at the county: village codes and veto items' '
	stele-aggregator -C c init --county 990101 --name 示例县 >/dev/null 2>&1 &&
	stele-aggregator -C c village add 990101001201 --name 正营村 --township-name 东关镇 \
		--remote "$PWD/v.git" --key "$(stele-agent -C v key)" >/dev/null 2>&1 &&
	test_expect_code 3 stele-aggregator -C c veto add 990101001210 V1 --year 2026 2>err &&
	test_grep "^stele-aggregator: veto event: village '\''990101001210'\'' is not registered (did you mean '\''990101001201'\''?)$" err &&
	test_expect_code 3 stele-aggregator -C c veto add 990101001201 v1 --year 2026 2>err &&
	test_grep "^stele-aggregator: veto event: veto item '\''v1'\'' is not in the catalogue (see '\''rules list veto-items'\'') (did you mean '\''V1'\''?)$" err &&
	test_expect_code 3 stele-aggregator -C c village keys 990101009999 2>err &&
	test_grep "^stele-aggregator: village '\''990101009999'\'' is not registered$" err &&
	test "$(sqlite3 c/stele.db "SELECT count(*) FROM veto_event")" = 0
'

test_expect_success 'assess list: the total and the stars it would earn' '
	stele-agent -C v assess set 2026 S2 15 &&
	stele-agent -C v assess list --year 2026 >out &&
	test_grep "^2026: total 33.0 of 100.0, 1 star by the county'\''s thresholds (5: 90, 4: 80, 3: 70, 2: 60)$" out &&
	stele-agent -C v assess list --year 2026 --format csv >out &&
	! grep -q total out
'

test_expect_success 'the command line takes the dates people write, stored as YYYY-MM-DD' '
	new_village d 990101001203 &&
	stele-agent -C d member add 张三 --joined 2001年7月1日 >/dev/null 2>&1 &&
	stele-agent -C d points add M0001 B01 --date 2026/11/3 >/dev/null 2>&1 &&
	stele-agent -C d points add M0001 B01 --date "２０２６－１１－０４" >/dev/null 2>&1 &&
	stele-agent -C d task add 修路 --due 2026年11月30日 >/dev/null 2>&1 &&
	stele-agent -C d request add --received " 2026-11-5 " >/dev/null 2>&1 &&
	stele-agent -C d income add 2026年10月 100 >/dev/null 2>&1 &&
	test_faketime "2026-12-02 10:00:00" stele-agent -C d close 2026/10 2>err &&
	test_grep "^stele-agent: closed 2026-10$" err &&
	test "$(sqlite3 d/stele.db "SELECT joined FROM member; SELECT occurred_on FROM point_event;
		SELECT due_on FROM task; SELECT received_on FROM request; SELECT period FROM income")" = "2001-07-01
2026-11-03
2026-11-04
2026-11-30
2026-11-05
2026-10"
'

test_expect_success 'usage: a command-line date that could be two is refused, naming both (exit 2)' '
	test_usage d "^stele-agent: point event .E000003.: date .11/3/2026. could be 2026-03-11 or 2026-11-03; write it as YYYY-MM-DD$" \
		stele-agent -C d points add M0001 B01 --date 11/3/2026
'

test_done
