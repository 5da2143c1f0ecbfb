#!/bin/sh
test_description='a county that is not in the repository, generated at random
(tools/gen-county.py), run end to end through both programs, ranks byte for byte
as the independent oracle (tools/oracle.py) computes it from the spec'
. "$(dirname "$0")/test-lib.sh"

test_must_run_on_ci
command -v python3 >/dev/null 2>&1 || test_skip_all 'python3 is missing (tools/deps.sh test)'
TOOLS=$SRC_ROOT/tools

test_expect_success 'the oracle reproduces the reference county exactly' '
	python3 "$TOOLS/oracle.py" "$REFERENCE" oracle-ref --month 2026-10 --township 990101001 &&
	ls "$REFERENCE/expected" >want && ls oracle-ref >got && test_cmp want got &&
	for f in "$REFERENCE"/expected/*.csv; do
		test_cmp "$f" "oracle-ref/$(basename "$f")" || exit 1
	done
'

test_expect_success 'the generator gives the same county for the same seed' '
	python3 "$TOOLS/gen-county.py" same1 --seed 5 --villages 10 --townships 2 --months 2 &&
	python3 "$TOOLS/gen-county.py" same2 --seed 5 --villages 10 --townships 2 --months 2 &&
	diff -r same1 same2 &&
	python3 "$TOOLS/gen-county.py" other --seed 6 --villages 10 --townships 2 --months 2 &&
	! diff -r -q same1 other >/dev/null
'

# oracle_county NAME COUNTY MONTH GEN-ARGS...: a case per step of the reference
# county's pipeline (its README; t0900 does the same), for a county generated into
# NAME-in/ and loaded into NAME/ from the bare repositories in NAME-server/; then
# the six rankings compared byte for byte with what the oracle wrote into NAME-want/.
# One difference from t0900, for time: a village closes only the last month of its
# closes.txt, which closes every earlier one since its first record (domain.md), as
# the clerk's months-in-order rule says and the oracle reads it.
oracle_county() {
	n=$1 county=$2 month=$3
	shift 3
	in=$n-in
	srv=$TRASH/$n-server
	test_expect_success "$n: generated (seed $*) and ranked by the oracle" "
		python3 \"\$TOOLS/gen-county.py\" $in --county $county $* &&
		python3 \"\$TOOLS/oracle.py\" $in $n-want --month $month --township ${county}001 &&
		test \$(ls $n-want | wc -l) = 6
	"
	test_expect_success "$n: the county is set up with its rules" "
		stele-aggregator -C $n init --county $county --name 生成县 \
			--publish $srv/county.git 2>/dev/null &&
		for kind in point-rules standard-items veto-items config; do
			stele-aggregator -C $n rules import \$kind $in/rules/\$kind.csv || exit 1
		done
	"
	test_expect_success "$n: every village is initialized and registered with its key" "
		tail -n +2 $in/villages.csv | while IFS=, read code name township; do
			git init -q --bare $srv/\$code.git &&
			stele-agent -C $n-v/\$code init --village \$code --name \"\$name\" \
				--remote $srv/\$code.git --county $srv/county.git 2>/dev/null &&
			stele-aggregator -C $n village add \$code --name \"\$name\" \
				--township-name \"\$township\" --remote $srv/\$code.git \
				--key \"\$(stele-agent -C $n-v/\$code key)\" || exit 1
		done &&
		stele-aggregator -C $n rules publish 2>/dev/null
	"
	test_expect_success "$n: every village imports its records, closes its months and syncs" "
		for dir in $in/villages/*/; do
			code=\$(basename \$dir)
			for kind in members points tasks requests income assessments; do
				stele-agent -C $n-v/\$code import \$kind \$dir/\$kind.csv || exit 1
			done
			last=\$(tail -n 1 \$dir/closes.txt)
			if test -n \"\$last\"; then
				stele-agent -C $n-v/\$code close \$last --force 2>/dev/null || exit 1
			fi
			stele-agent -C $n-v/\$code sync 2>/dev/null || exit 1
		done
	"
	test_expect_success "$n: the county records its vetoes, syncs and reviews" "
		tail -n +2 $in/vetoes.csv | while IFS=, read code veto year note; do
			stele-aggregator -C $n veto add \$code \$veto --year \$year --note \"\$note\" >/dev/null ||
				exit 1
		done &&
		stele-aggregator -C $n sync 2>/dev/null &&
		load_reference_reviews $n $in/reviews.csv
	"
	year=${month%-*}
	prev=$(python3 -c "y, m = map(int, '$month'.split('-')); k = y * 12 + m - 2; print('%04d-%02d' % (k // 12, k % 12 + 1))")
	for spec in \
		"league-$month.csv villages --month $month" \
		"league-$prev.csv villages --month $prev" \
		"league-$month-township-${county}001.csv villages --month $month --township ${county}001" \
		"stars-$year.csv stars --year $year" \
		"members-$year.csv members --year $year" \
		"members-$month.csv members --year $year --month $month"; do
		set -- $spec
		file=$1
		shift
		test_expect_success "$n: rank $* is the oracle's $file" "
			stele-aggregator -C $n rank $* --format csv >$n-$file &&
			test_cmp $n-want/$file $n-$file
		"
	done
	test_expect_success "$n: each agent ranks its own members as the oracle does" "
		for dir in $in/villages/*/; do
			code=\$(basename \$dir)
			for period in '' '--month $month'; do
				stele-agent -C $n-v/\$code points rank --year $year \$period --format csv >mine ||
					exit 1
				want=$n-want/members-$year.csv
				test -z \"\$period\" || want=$n-want/members-$month.csv
				{ head -n 1 \$want && grep \",\$code,\" \$want; } >want-mine
				test_cmp want-mine mine || exit 1
			done
		done
	"
}

oracle_county a 990102 2026-10 --seed 11 --villages 24 --townships 4 --months 10
oracle_county b 990103 2026-03 --seed 12 --villages 10 --townships 3 --months 3 --vary-config

test_done
