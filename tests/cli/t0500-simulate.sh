#!/bin/sh
test_description='simulate: a deterministic county whose CSVs the agent imports'
. "$(dirname "$0")/test-lib.sh"

PATH=$STELE_BUILD/tools:$PATH

test_expect_success 'the same seed gives byte-identical files' '
	simulate --out a --townships 2 --villages-per-township 3 --months 4 --seed 7 2>err &&
	test_grep "6 villages in 2 townships, 4 months from 2026-01" err &&
	simulate --out b --townships 2 --villages-per-township 3 --months 4 --seed 7 2>/dev/null &&
	diff -r a b
'

test_expect_success 'another seed, activity or year gives other files' '
	simulate --out c --townships 2 --villages-per-township 3 --months 4 --seed 8 2>/dev/null &&
	! diff -r a c >/dev/null &&
	simulate --out d --townships 2 --villages-per-township 3 --months 4 --seed 7 \
		--activity high 2>/dev/null &&
	! diff -r a/villages d/villages >/dev/null &&
	simulate --out e --townships 2 --villages-per-township 3 --months 4 --seed 7 \
		--year 2025 2>/dev/null &&
	! grep -q 2026- e/villages/990101001201/points.csv
'

test_expect_success 'a village does not depend on how many others are simulated' '
	simulate --out small --townships 1 --villages-per-township 1 --months 4 --seed 7 2>/dev/null &&
	diff -r small/villages/990101001201 a/villages/990101001201
'

test_expect_success 'the registry and directories match the requested size' '
	simulate --out big --townships 3 --villages-per-township 5 --months 12 --county 140402 2>/dev/null &&
	test_line_count 16 big/villages.csv &&
	test "$(ls big/villages | wc -l)" = 15 &&
	test "$(ls big/villages | grep -c "^140402[0-9]\{6\}$")" = 15 &&
	sed 1d big/villages.csv | cut -d, -f1 >codes &&
	ls big/villages >dirs && test_cmp codes dirs &&
	test "$(sed 1d big/villages.csv | cut -d, -f3 | sort -u | wc -l)" = 3 &&
	test "$(sed 1d big/villages.csv | cut -d, -f2 | sort -u | wc -l)" = 15 &&
	grep -q "^140402001201,.*村,.*\(镇\|乡\|街道\)$" big/villages.csv &&
	grep -q "^140402003205," big/villages.csv &&
	for v in big/villages/*; do
		for f in members.csv points.csv tasks.csv requests.csv income.csv assessments.csv closes.txt; do
			test -f $v/$f || { echo "missing $v/$f"; exit 1; }
		done
	done
'

test_expect_success 'closes.txt lists every month but the last, in order' '
	printf "2026-%02d\n" 1 2 3 4 5 6 7 8 9 10 11 >want &&
	for v in big/villages/*; do test_cmp want $v/closes.txt || exit 1; done &&
	simulate --out one --townships 1 --villages-per-township 1 --months 1 2>/dev/null &&
	test_line_count 0 one/villages/990101001201/closes.txt
'

test_expect_success 'every month has records, and no date leaves the period' '
	cat big/villages/*/points.csv | grep -v "^id," | cut -d, -f4 | cut -c1-7 | sort -u >months &&
	printf "2026-%02d\n" 1 2 3 4 5 6 7 8 9 10 11 12 >want &&
	test_cmp want months &&
	cat big/villages/*/tasks.csv big/villages/*/requests.csv | grep -v "^id," |
		grep -o "[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]" | sort -u >dates &&
	test "$(head -n 1 dates)" \> 2025-12-31 && test "$(tail -n 1 dates)" \< 2027-01-01
'

test_expect_success 'columns are the import formats, values in the documented units' '
	v=big/villages/140402001201 &&
	test "$(head -n 1 $v/members.csv)" = "id,name,gender,born,joined,status,grid" &&
	test "$(head -n 1 $v/points.csv)" = "id,member_id,rule_code,occurred_on,points,stage,note" &&
	test "$(head -n 1 $v/tasks.csv)" = "id,title,category,assignee,due_on,closed_on" &&
	test "$(head -n 1 $v/requests.csv)" = "id,received_on,category,grid,resolved_on,satisfied" &&
	test "$(head -n 1 $v/income.csv)" = "id,period,amount,source" &&
	test "$(head -n 1 $v/assessments.csv)" = "year,item_code,score,note" &&
	cat big/villages/*/points.csv | grep -v "^id," | awk -F, "
		NF != 7 || \$1 !~ /^E[0-9][0-9][0-9][0-9][0-9][0-9]\$/ || \$2 !~ /^M[0-9][0-9][0-9][0-9]\$/ || \$5 !~ /^-?[0-9]+\\.[0-9]\$/ ||
		\$6 !~ /^(recorded|group|committee|assembly|published|rejected)\$/ ||
		(\$3 ~ /^D/ && \$5 + 0 > 0) || (\$3 ~ /^[BMP]/ && \$5 + 0 <= 0) ||
		(\$3 == \"Z01\" && \$5 != \"0.0\") || \$3 !~ /^(B0[123]|M0[123]|P0[12]|D0[12]|Z01)\$/ { print; bad = 1 }
		END { exit bad }" &&
	cat big/villages/*/members.csv | grep -v "^id," | awk -F, "
		NF != 7 || \$6 !~ /^(active|flowing|transferred_out|deceased)\$/ || \$3 !~ /^[MF]?\$/ { print; bad = 1 }
		END { exit bad }" &&
	cat big/villages/*/income.csv | grep -v "^id," | awk -F, "
		NF != 4 || \$3 !~ /^[0-9]+\\.[0-9][0-9]\$/ || \$4 !~ /^(合作社分红|物业租赁|土地流转|农产品销售)\$/ { print; bad = 1 }
		END { exit bad }" &&
	for v in big/villages/*; do
		sed 1d $v/income.csv | cut -d, -f2,4 | sort | uniq -d >dup && test_line_count 0 dup || exit 1
	done &&
	cat big/villages/*/assessments.csv | grep -v "^year," | awk -F, "
		BEGIN { max[\"S1\"] = 20; max[\"S2\"] = 15; max[\"S3\"] = 15; max[\"S4\"] = 15; max[\"S5\"] = 20; max[\"S6\"] = 15 }
		!(\$2 in max) || \$3 !~ /^[0-9]+\\.[0-9]\$/ || \$3 + 0 > max[\$2] { print; bad = 1 }
		END { exit bad }"
'

test_expect_success 'stages: mostly counted, some under review or rejected' '
	cat big/villages/*/points.csv | grep -v "^id," | cut -d, -f6 | sort | uniq -c >stages &&
	total=$(awk "{ n += \$1 } END { print n }" stages) &&
	counted=$(awk "\$2 == \"assembly\" || \$2 == \"published\" { n += \$1 } END { print n }" stages) &&
	test $((counted * 100 / total)) -ge 70 && test $((counted * 100 / total)) -le 95 &&
	for s in recorded group committee rejected; do test_grep " $s\$" stages; done
'

test_expect_success 'usage errors exit 2; a used output directory is refused' '
	test_expect_code 2 simulate --out x --townships 1 --months 2 2>err &&
	test_grep "are required" err &&
	test_expect_code 2 simulate --out x --townships 1 --villages-per-township 1 --months 0 2>err &&
	test_grep "^simulate: --months must be a whole number from 1 to" err &&
	test_expect_code 2 simulate --out x --townships 1 --villages-per-township 1 --months 2 \
		--activity frantic 2>err &&
	test_grep "activity must be low, normal or high" err &&
	test_expect_code 2 simulate --out x --townships 1 --villages-per-township 1 --months 2 \
		--county 1404 2>err &&
	! test -e x &&
	test_expect_code 1 simulate --out a --townships 1 --villages-per-township 1 --months 2 2>err &&
	test_grep "output directory a is not empty" err &&
	simulate --help >out && test_grep "^usage: simulate --out DIR" out
'

if stele-agent import --help >/dev/null 2>&1; then
	test_expect_success 'every village of a simulated county imports cleanly and closes' '
		for v in a/villages/*; do
			code=${v##*/} &&
			new_village "$code" "$code" &&
			for kind in members points tasks requests income assessments; do
				stele-agent -C "$code" import $kind $v/$kind.csv >/dev/null ||
					{ echo "import $kind of $code failed"; exit 1; }
			done &&
			while read -r month; do
				stele-agent -C "$code" close "$month" --force >/dev/null 2>&1 ||
					{ echo "close $month of $code failed"; exit 1; }
			done <$v/closes.txt &&
			for t in member:members point_event:points task:tasks request:requests income:income; do
				want=$(($(wc -l <$v/${t#*:}.csv) - 1)) &&
				got=$(sqlite3 "$code/stele.db" "SELECT count(*) FROM ${t%:*}") &&
				test "$got" = "$want" || { echo "$code ${t%:*}: $got rows, want $want"; exit 1; }
			done &&
			test "$(sqlite3 "$code/stele.db" "SELECT count(*) FROM period_close")" = 3 || exit 1
		done
	'
	test_expect_success 'imported rows equal the CSV rows' '
		v=a/villages/990101001201 &&
		stele-agent -C 990101001201 export points --format csv >points.csv &&
		test_cmp $v/points.csv points.csv &&
		stele-agent -C 990101001201 export income --format csv >income.csv &&
		test_cmp $v/income.csv income.csv
	'
else
	test_skip 'every village of a simulated county imports cleanly and closes' \
		'stele-agent import is not built yet'
fi

test_done
