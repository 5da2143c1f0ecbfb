#!/bin/sh
# make-corpus.sh: regenerates the fuzz seed corpus in tests/fuzz/corpus/ from the
# change-set generator and the reference county's CSV files.
# Usage: make-corpus.sh GEN-CORPUS-PROGRAM REFERENCE-COUNTY-DIR
set -eu
gen=$1
ref=$2
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus

rm -rf "$out/changeset" "$out/changes" "$out/csv" "$out/rules" "$out/parse" "$out/ownership"
mkdir -p "$out/changeset" "$out/changes" "$out/csv" "$out/rules" "$out/parse" "$out/ownership"
"$gen" "$out"
# The ownership check reads the same row changes; regressions are kept.
cp "$out"/changes/[0-9]* "$out/ownership/"
git -C "$here" checkout -- corpus/changes/regress-* corpus/rules/regress-* 2>/dev/null || :

# CSV reader: every file kind an import reads, from two villages and the county.
for f in "$ref"/villages/990101001201/*.csv "$ref"/villages/990101002202/*.csv \
	 "$ref"/villages.csv "$ref"/vetoes.csv; do
	name=$(echo "$f" | sed "s|^$ref/||; s|/|-|g")
	cat "$f" >"$out/csv/$name"
done
# A BOM, CRLF line ends and quoted fields with "" and a line break.
printf '\357\273\277id,name,gender\r\nM0001,"张""三",M\r\n,"李\n四",\r\n' >"$out/csv/bom-crlf-quotes.csv"

# Rules import: the first byte picks the kind (0 point-rules, 1 standard-items,
# 2 veto-items, 3 config), the rest is the file.
n=0
for kind in point-rules standard-items veto-items config; do
	{ printf "\\$(printf %03o $n)"; cat "$ref/rules/$kind.csv"; } >"$out/rules/$kind"
	n=$((n + 1))
done
printf '\001code,name,max_score,active\nS1,班子,60.0,1\nS2,队伍,40.0,1\nS9,旧项,5.0,0\n' \
	>"$out/rules/standard-items-inactive"

# Value parsers: one file per value.
i=0
for v in 2026-02-28 2024-02-29 1900-01-01 2999-12-31 2026-10 2026 -3.5 68767.90 0.0 \
	 990101001201 0123456789abcdefABCDEF 张三 "-0.05" 100000; do
	printf '%s' "$v" >"$out/parse/$(printf %02d $i)"
	i=$((i + 1))
done
echo "corpus: $(find "$out" -type f | wc -l) files in $out"
