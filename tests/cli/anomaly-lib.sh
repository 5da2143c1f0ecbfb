# anomaly-lib.sh: helpers for the corruption and delivery anomaly tests (t075x):
# damage change sets and git objects the way disks, sticks and people do, and
# count every anomaly as detected or silent. Sourced after test-lib.sh.

ANOMALY_LOG=$TRASH/.anomalies
: >"$ANOMALY_LOG"

# anomaly_case NAME: an anomaly is about to be tried (the case's first command).
anomaly_case() {
	echo "case $1" >>"$ANOMALY_LOG"
}

# anomaly_detected NAME: it was detected as specified (the case's last command,
# reached only when every assertion before it held).
anomaly_detected() {
	echo "detected $1" >>"$ANOMALY_LOG"
}

# anomaly_summary WANT: prints "# anomalies: N cases, D detected, S silent" as a
# TAP comment and is a test that exactly WANT cases ran and none went silent.
anomaly_summary() {
	anomaly_cases=$(grep -c '^case ' "$ANOMALY_LOG")
	anomaly_found=$(grep -c '^detected ' "$ANOMALY_LOG")
	echo "# anomalies: $anomaly_cases cases, $anomaly_found detected, $((anomaly_cases - anomaly_found)) silent"
	test_expect_success "all $1 anomalies were tried and detected, none silent" "
		test $anomaly_cases = $1 && test $anomaly_found = $1
	"
}

# outbox_bytes DIR SEQ FILE: writes the village's change set SEQ, as captured, to FILE.
outbox_bytes() {
	sqlite3 "$1/stele.db" "SELECT writefile('$3', data) FROM stele_outbox WHERE seq = $2" >/dev/null &&
	test -s "$3"
}

# flip_bit FILE OFFSET: flips the lowest bit of the byte at OFFSET.
flip_bit() {
	flip_byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ') &&
	test -n "$flip_byte" &&
	printf "$(printf '\\%03o' $((flip_byte ^ 1)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# smash FILE OFFSET: overwrites 8 bytes at OFFSET with garbage (a bad sector).
smash() {
	chmod u+w "$1" &&
	printf 'XXXXXXXX' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# commit_bytes REPO FILE MESSAGE: commits FILE as the change set of a new commit on
# REPO's main, keeping the tip's writer.pub: a delivery whose bytes were damaged.
# With FILE empty (''), the commit's tree has no change set at all.
commit_bytes() {
	cb_tip=$(git --git-dir="$1" rev-parse main) &&
	cb_pub=$(git --git-dir="$1" rev-parse "$cb_tip:writer.pub") &&
	if [ -n "$2" ]; then
		cb_blob=$(git --git-dir="$1" hash-object -w "$2") &&
		cb_tree=$(printf '100644 blob %s\tchangeset\n100644 blob %s\twriter.pub\n' \
			"$cb_blob" "$cb_pub" | git --git-dir="$1" mktree)
	else
		cb_tree=$(printf '100644 blob %s\twriter.pub\n' "$cb_pub" | git --git-dir="$1" mktree)
	fi &&
	cb_commit=$(git --git-dir="$1" -c user.name=stele -c user.email=stele commit-tree \
		"$cb_tree" -p "$cb_tip" -m "$3") &&
	git --git-dir="$1" update-ref refs/heads/main "$cb_commit" "$cb_tip"
}

# village_rows DUMP CODE: the synced rows of village CODE in a db_dump output.
village_rows() {
	grep "^[a-z_]*|$2|" "$1" || :
}
