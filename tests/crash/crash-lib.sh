# crash-lib.sh: the crash campaign's machinery, shared by tests/crash/campaign.sh
# (`make crashtest`) and tests/cli/t0710-crash.sh (a short run in `make test`).
# POSIX sh; needs strace, sqlite3, and the programs on PATH. Every loop is bounded
# by a syscall plan (the syscalls one uninterrupted run makes) or a count.
#
# A "kill point" is one run of a command under strace with SIGKILL injected on
# entering the Nth invocation of syscall S; a "fault point" injects an errno
# (ENOSPC, EIO) instead. After each, the campaign checks the directory as the
# next command would find it, then recovers by simply rerunning the command:
#   - outbox-check passes on the state left behind (integrity_check ok; outbox seqs
#     1..N, hash chain and signatures valid; replaying the outbox rebuilds the rows
#     exactly), and again after the rerun;
#   - the command's rows are all there or none (row and change-set counts move by
#     exactly what one uninterrupted run adds, or not at all);
#   - an acknowledged write (exit 0, id printed) is present exactly once, and so is
#     the rerun's;
#   - an injected I/O fault gives exit 1 with the program's own one-line messages
#     on stderr (the last says what failed), the rows exactly as before (db dump
#     unchanged), and the retry succeeds.
#
# A sweep may set CRASH_EXTRA to a function name: it is called as
# "$CRASH_EXTRA WORK after-run" on the state a killed or failed run left, and
# "$CRASH_EXTRA WORK recovered" after the rerun, and records failures itself.
#
# Counters (crash_points, crash_acked, crash_killed, crash_failures, fault_points)
# accumulate across calls; crash_fail records each broken promise on stderr.

: "${CRASH_CHECK:=${STELE_BUILD:?STELE_BUILD is not set}/crash/outbox-check}"
crash_at=setup
crash_points=0
crash_acked=0
crash_killed=0
crash_failures=0
crash_lost=0
crash_dups=0
fault_points=0
fault_clean=0
fault_ok=0

# crash_fail WHAT: records a broken promise of the kill or fault point at hand.
crash_fail() {
	crash_failures=$((crash_failures + 1))
	echo "# FAIL [$crash_at] $*" >&2
}

# crash_counts DIR: "ROWS OUTBOX" — rows in the village-owned tables, change sets.
crash_counts() {
	sqlite3 "$1/stele.db" "SELECT (SELECT count(*) FROM member) + (SELECT count(*) FROM point_event)
		+ (SELECT count(*) FROM task) + (SELECT count(*) FROM request)
		+ (SELECT count(*) FROM income) + (SELECT count(*) FROM assessment)
		+ (SELECT count(*) FROM period_close), (SELECT count(*) FROM stele_outbox)" |
		tr '|' ' '
}

# crash_dump DIR: every synced row and the outbox, canonical (test-lib's db_dump).
crash_dump() {
	sqlite3 "$1/stele.db" ".mode list" \
		"SELECT 'member', * FROM member ORDER BY village_code, id" \
		"SELECT 'point_event', * FROM point_event ORDER BY village_code, id" \
		"SELECT 'task', * FROM task ORDER BY village_code, id" \
		"SELECT 'request', * FROM request ORDER BY village_code, id" \
		"SELECT 'income', * FROM income ORDER BY village_code, id" \
		"SELECT 'assessment', * FROM assessment ORDER BY village_code, year, item_code" \
		"SELECT 'period_close', village_code, period FROM period_close ORDER BY 2, 3" \
		"SELECT 'outbox', seq, hex(hash) FROM stele_outbox ORDER BY seq"
}

# crash_check DIR LABEL: outbox-check on a copy of DIR (so the check's own SQLite
# recovery of a hot WAL does not stand in for the program's).
crash_check() {
	rm -rf "$1.check" && cp -a "$1" "$1.check" || return 1
	if ! "$CRASH_CHECK" "$1.check" >/dev/null 2>"$1.check.err"; then
		crash_fail "$2: $(cat "$1.check.err")"
		rm -rf "$1.check"
		return 1
	fi
	rm -rf "$1.check"
}

# crash_ids_present DIR FILE: every id printed in FILE is a row of the village.
crash_ids_present() {
	for _id in $(cat "$2"); do
		n=$(sqlite3 "$1/stele.db" "SELECT (SELECT count(*) FROM member WHERE id = '$_id')
			+ (SELECT count(*) FROM point_event WHERE id = '$_id')
			+ (SELECT count(*) FROM task WHERE id = '$_id')
			+ (SELECT count(*) FROM request WHERE id = '$_id')
			+ (SELECT count(*) FROM income WHERE id = '$_id')")
		if [ "$n" != 1 ]; then
			[ "$n" = 0 ] && crash_lost=$((crash_lost + 1)) || crash_dups=$((crash_dups + 1))
			crash_fail "acknowledged id $_id is present $n times"
			return 1
		fi
	done
}

# crash_plan DIR TRACE: from an strace -f log, one line per syscall invocation:
# "NAME N PATH" — N counts that syscall's invocations, PATH is the file it acts on
# (by path argument, or by descriptor through the openat that returned it), or "-".
crash_plan() {
	awk '
	{
		line = $0
		sub(/^[0-9]+ +/, "", line)
		if (!match(line, /^[a-z0-9_]+\(/))
			next
		name = substr(line, 1, RLENGTH - 1)
		n[name]++
		path = "-"
		if (name == "openat" || name == "open" || name == "creat") {
			if (match(line, /"[^"]*"/))
				path = substr(line, RSTART + 1, RLENGTH - 2)
			if (match(line, /= [0-9]+$/))
				fdpath[substr(line, RSTART + 2)] = path
		} else if (name ~ /^(unlink|unlinkat|rename|renameat|renameat2|mkdir|mkdirat|rmdir|access|faccessat2?|newfstatat|stat|lstat|chmod|fchmodat|linkat|symlinkat)$/) {
			if (match(line, /"[^"]*"/))
				path = substr(line, RSTART + 1, RLENGTH - 2)
		} else if (match(line, /^[a-z0-9_]+\([0-9]+[,)]/)) {
			fd = substr(line, length(name) + 2, RLENGTH - length(name) - 2)
			if (fd in fdpath)
				path = fdpath[fd]
			if (name == "close")
				delete fdpath[fd]
		}
		print name, n[name], path
	}' "$2"
}

# crash_sample MAX: at most MAX lines of stdin, evenly spread, always the last.
crash_sample() {
	awk -v max="$1" '{ l[NR] = $0 } END {
		if (NR <= max) { for (i = 1; i <= NR; i++) print l[i]; exit }
		for (k = 0; k < max; k++) print l[int(1 + k * (NR - 1) / (max - 1))]
	}'
}

# crash_prepare BASE WORK COMMAND...: records what one uninterrupted run of
# COMMAND (which must take the directory as $WORK) does to a copy of BASE: the
# syscall plan in WORK.plan, and the rows and change sets it adds in
# crash_delta_rows / crash_delta_outbox.
crash_prepare() {
	_base=$1 _work=$2
	shift 2
	rm -rf "$_work" && cp -a "$_base" "$_work" || return 1
	set -- $(crash_counts "$_work") "$@"
	_rows0=$1 _outbox0=$2
	shift 2
	strace -f -qq -o "$_work.trace" "$@" >"$_work.out" 2>"$_work.err" || {
		echo "# crash_prepare: '$*' fails uninterrupted: $(cat "$_work.err")" >&2
		return 1
	}
	crash_plan "$_work" "$_work.trace" >"$_work.plan"
	set -- $(crash_counts "$_work")
	crash_delta_rows=$(($1 - _rows0))
	crash_delta_outbox=$(($2 - _outbox0))
	rm -f "$_work.trace"
}

# crash_after_run WORK ROWS0 OUTBOX0 RC OUT: the promises about a run that exited
# RC (0 or 137 for SIGKILL) leaving WORK: consistent, all-or-nothing, and, if
# acknowledged, its ids present.
crash_after_run() {
	_work=$1 _rows0=$2 _outbox0=$3 _rc=$4 _out=$5
	crash_check "$_work" "state left by the run" || return 1
	set -- $(crash_counts "$_work")
	_dr=$(($1 - _rows0)) _dob=$(($2 - _outbox0))
	if [ "$_dr:$_dob" != "0:0" ] && [ "$_dr:$_dob" != "$crash_delta_rows:$crash_delta_outbox" ]; then
		crash_fail "partial write: $_dr rows and $_dob change sets added (all is" \
			"$crash_delta_rows and $crash_delta_outbox)"
		return 1
	fi
	if [ "$_rc" = 0 ]; then
		[ "$_dr:$_dob" = "$crash_delta_rows:$crash_delta_outbox" ] || {
			crash_lost=$((crash_lost + 1))
			crash_fail "acknowledged write missing: exit 0 but $_dr rows added"
			return 1
		}
		crash_ids_present "$_work" "$_out" || return 1
	fi
	[ -z "${CRASH_EXTRA:-}" ] || "$CRASH_EXTRA" "$_work" after-run
}

# crash_recover WORK COMMAND...: reruns COMMAND; it must succeed, add exactly what
# one run adds, and leave a consistent directory with its id present.
crash_recover() {
	_work=$1
	shift
	set -- $(crash_counts "$_work") "$@"
	_rows1=$1 _outbox1=$2
	shift 2
	if ! "$@" >"$_work.out2" 2>"$_work.err2"; then
		crash_fail "rerun failed: $(cat "$_work.err2")"
		return 1
	fi
	crash_check "$_work" "after the rerun" || return 1
	set -- $(crash_counts "$_work")
	if [ $(($1 - _rows1)):$(($2 - _outbox1)) != "$crash_delta_rows:$crash_delta_outbox" ]; then
		crash_fail "rerun added $(($1 - _rows1)) rows and $(($2 - _outbox1)) change sets"
		return 1
	fi
	crash_ids_present "$_work" "$_work.out2" || return 1
	[ -z "${CRASH_EXTRA:-}" ] || "$CRASH_EXTRA" "$_work" recovered
}

# crash_kill_sweep BASE WORK FILTER MAX COMMAND...: a kill point at each syscall
# invocation of the plan whose name matches the extended regex FILTER (at most
# MAX of them, evenly spread), each on a fresh copy of BASE.
crash_kill_sweep() {
	_base=$1 _work=$2 _filter=$3 _max=$4
	shift 4
	crash_prepare "$_base" "$_work" "$@" || { crash_fail "cannot prepare: $*"; return 1; }
	set -- $(crash_counts "$_base") "$@"
	_rows0=$1 _outbox0=$2
	shift 2
	grep -E "^($_filter) " "$_work.plan" | crash_sample "$_max" >"$_work.points"
	while read -r _sys n _path; do
		crash_at="kill $_sys #$n ($_path): $*"
		crash_points=$((crash_points + 1))
		rm -rf "$_work" && cp -a "$_base" "$_work" || return 1
		_rc=0
		strace -f -qq -o /dev/null -e trace="$_sys" -e inject="$_sys:signal=SIGKILL:when=$n" \
			"$@" >"$_work.out" 2>"$_work.err" || _rc=$?
		case $_rc in
		0) crash_acked=$((crash_acked + 1)) ;;
		137) crash_killed=$((crash_killed + 1)) ;;
		*) crash_fail "exit $_rc: $(head -n 3 "$_work.err")"; continue ;;
		esac
		crash_after_run "$_work" "$_rows0" "$_outbox0" "$_rc" "$_work.out" || continue
		crash_recover "$_work" "$@" || continue
	done <"$_work.points"
}

# crash_fault_sweep BASE WORK FILTER ERRNO MAX COMMAND...: a fault point (ERRNO
# returned instead of the syscall) at each invocation of a syscall matching FILTER
# that acts on a file inside WORK (at most MAX, evenly spread). A failed run must
# exit 1 with clean messages on stderr and leave the rows exactly as they were.
crash_fault_sweep() {
	_base=$1 _work=$2 _filter=$3 _errno=$4 _max=$5
	shift 5
	crash_prepare "$_base" "$_work" "$@" || { crash_fail "cannot prepare: $*"; return 1; }
	set -- $(crash_counts "$_base") "$@"
	_rows0=$1 _outbox0=$2
	shift 2
	crash_dump "$_base" >"$_work.dump0"
	grep -E "^($_filter) [0-9]+ $_work/" "$_work.plan" | crash_sample "$_max" >"$_work.points"
	while read -r _sys n _path; do
		crash_at="$_errno on $_sys #$n ($_path): $*"
		fault_points=$((fault_points + 1))
		rm -rf "$_work" && cp -a "$_base" "$_work" || return 1
		_rc=0
		strace -f -qq -o /dev/null -e trace="$_sys" -e inject="$_sys:error=$_errno:when=$n" \
			"$@" >"$_work.out" 2>"$_work.err" || _rc=$?
		case $_rc in
		0)
			fault_ok=$((fault_ok + 1))
			crash_after_run "$_work" "$_rows0" "$_outbox0" 0 "$_work.out" || continue
			;;
		1)
			fault_clean=$((fault_clean + 1))
			# Progress lines may come first ("committed 3 change sets"); every line
			# is the program's own, and there is at least one.
			if [ ! -s "$_work.err" ] || grep -qv '^stele-[a-z]*: ' "$_work.err"; then
				crash_fail "not clean messages on stderr: $(head -n 3 "$_work.err")"
				continue
			fi
			crash_check "$_work" "state left by the failed run" || continue
			crash_dump "$_work" >"$_work.dump1"
			if ! cmp -s "$_work.dump0" "$_work.dump1"; then
				crash_fail "rows changed by a failed run ($(cat "$_work.err"))"
				continue
			fi
			[ -z "${CRASH_EXTRA:-}" ] || "$CRASH_EXTRA" "$_work" after-run || continue
			;;
		*)
			crash_fail "exit $_rc (want 1 or 0): $(head -n 3 "$_work.err")"
			continue
			;;
		esac
		crash_recover "$_work" "$@" || continue
	done <"$_work.points"
}

# crash_random_kills WORK COUNT COMMAND...: COUNT runs of COMMAND on one
# directory, without resetting it, each SIGKILLed after a random delay within
# twice the time one run takes (some before, some during, some after the commit);
# every fourth runs to the end. Checks after every killed run, then at the end
# that every acknowledged id is present exactly once.
crash_random_kills() {
	_work=$1 _count=$2
	shift 2
	: >"$_work.acked"
	_start=$(date +%s%N)
	"$@" >>"$_work.acked" 2>/dev/null || { crash_fail "cannot run: $*"; return 1; }
	_per_run_us=$((($(date +%s%N) - _start) / 1000))
	awk -v us="$_per_run_us" -v n="$_count" -v seed="${CRASH_SEED:-1}" 'BEGIN {
		srand(seed); for (i = 0; i < n; i++)
			if (i % 4 == 3) print 0; else printf "%.6f\n", rand() * 2 * us / 1e6 }' \
		>"$_work.delays"
	while read -r _delay; do
		crash_at="random kill after ${_delay}s: $*"
		crash_points=$((crash_points + 1))
		if [ "$_delay" = 0 ]; then
			"$@" >>"$_work.acked" 2>"$_work.err" || crash_fail "run failed: $(cat "$_work.err")"
			crash_acked=$((crash_acked + 1))
			continue
		fi
		"$@" >"$_work.out" 2>/dev/null &
		_pid=$!
		sleep "$_delay"
		kill -KILL "$_pid" 2>/dev/null
		_rc=0
		wait "$_pid" 2>/dev/null || _rc=$?
		case $_rc in
		0) cat "$_work.out" >>"$_work.acked"; crash_acked=$((crash_acked + 1)) ;;
		137) crash_killed=$((crash_killed + 1)) ;;
		*) crash_fail "exit $_rc" ;;
		esac
	done <"$_work.delays"
	crash_at="after $_count random kills: $*"
	crash_check "$_work" "after the random kills" || return 1
	crash_ids_present "$_work" "$_work.acked"
	sort "$_work.acked" | uniq -d >"$_work.dup"
	[ -s "$_work.dup" ] && crash_fail "ids printed twice: $(cat "$_work.dup")"
	return 0
}

# crash_summary: one line with every counter.
crash_summary() {
	echo "crash: $crash_points kill points ($crash_killed killed, $crash_acked ran to the end)," \
		"$fault_points fault points ($fault_clean clean errors, $fault_ok succeeded anyway)," \
		"$crash_lost losses, $crash_dups duplicates, $crash_failures failures"
}

# crash_village BASE [CODE]: a village with two members, three point events, a
# task, and the files the sweeps import.
crash_village() {
	stele-agent -C "$1" init --village "${2:-990101001201}" --name 测试村 >/dev/null 2>&1 &&
		stele-agent -C "$1" member add 张三 >/dev/null &&
		stele-agent -C "$1" member add 李四 --gender F >/dev/null &&
		stele-agent -C "$1" points add M0001 B01 --date 2026-09-01 >/dev/null &&
		stele-agent -C "$1" points add M0002 M01 --date 2026-09-02 >/dev/null &&
		stele-agent -C "$1" points add M0001 D01 --date 2026-09-03 >/dev/null &&
		stele-agent -C "$1" task add 修缮村道 --due 2026-09-30 >/dev/null &&
		printf '%s\n' 'id,member_id,rule_code,occurred_on,points,stage,note' \
			',M0001,B02,2026-09-04,,recorded,会议签到' \
			',M0002,M02,2026-09-05,2.0,group,' \
			',M0001,P01,2026-09-06,5.0,published,县级表彰' >"$1.points.csv"
}

# crash_sync_check WORK STAGE: the promises of `sync` to the remote WORK/usb.git
# (a USB stick): its main is a straight line of commits holding, in order,
# exactly the outbox's change sets from seq 1 (one each, or a batch); after a killed run it holds a prefix of the
# outbox, after the rerun all of it; and `verify` finds the database matching.
crash_sync_check() {
	crash_repo_readable "$1" "$2" || return 1
	_remote=$1/usb.git
	sqlite3 "$1/stele.db" "SELECT lower(hex(hash)) FROM stele_outbox ORDER BY seq" >"$1.want"
	: >"$1.have"
	if git --git-dir="$_remote" rev-parse -q --verify refs/heads/main >/dev/null 2>&1; then
		git --git-dir="$_remote" rev-list --reverse --first-parent main >"$1.commits"
		if [ "$(git --git-dir="$_remote" rev-list --count main)" != "$(wc -l <"$1.commits")" ]; then
			crash_fail "$2: the remote's history is not a straight line"
			return 1
		fi
		# A commit's changeset file is one change set or a batch of them
		# (docs/format.md "Batches"): one hash a change set.
		while read -r c; do
			git --git-dir="$_remote" cat-file blob "$c:changeset" |
				perl -MDigest::SHA=sha256_hex -e '
					local $/; my $b = <STDIN>;
					if (substr($b, 0, 8) ne "STELECB1") { print sha256_hex($b), "\n"; exit }
					for (my $at = 8; $at + 4 <= length $b;) {
						my $n = unpack("N", substr($b, $at, 4));
						print sha256_hex(substr($b, $at + 4, $n)), "\n";
						$at += 4 + $n;
					}'
		done <"$1.commits" >"$1.have"
	fi
	if [ "$2" = recovered ]; then
		cmp -s "$1.want" "$1.have" || {
			crash_fail "$2: the remote holds $(wc -l <"$1.have") change sets, not the outbox's" \
				"$(wc -l <"$1.want") in order"
			return 1
		}
		stele-agent -C "$1" verify >/dev/null 2>"$1.verify" || {
			crash_fail "$2: verify: $(cat "$1.verify")"
			return 1
		}
	else
		head -n "$(wc -l <"$1.have")" "$1.want" | cmp -s - "$1.have" || {
			crash_fail "$2: the remote holds change sets that are not the outbox's first ones"
			return 1
		}
	fi
}

# crash_repo_readable WORK STAGE: stock git reads the village's repository and
# the remote WORK/usb.git (when they have a main) whole: git fsck finds every
# object main names, in packs or loose.
crash_repo_readable() {
	for _git in "$1/repo.git" "$1/usb.git"; do
		git --git-dir="$_git" rev-parse -q --verify refs/heads/main >/dev/null 2>&1 || continue
		git --git-dir="$_git" fsck --no-dangling >"$1.fsck" 2>&1 || {
			crash_fail "$2: git fsck of $_git: $(grep -v '^notice' "$1.fsck" | head -n 2)"
			return 1
		}
	done
}

# crash_gc_check WORK STAGE: the promises of `gc`: the repository stays readable
# by stock git with every change set on main (the village's outbox, all synced);
# once recovered, it is one pack and no loose object.
crash_gc_check() {
	crash_repo_readable "$1" "$2" || return 1
	# The tip's last seq: "seq N: ..." or, for a batch, "seq A-N: ...".
	_have=$(git --git-dir="$1/repo.git" log -1 --format=%s main 2>/dev/null |
		sed -n 's/^seq \([0-9]*-\)\{0,1\}\([0-9]*\):.*/\2/p')
	_want=$(sqlite3 "$1/stele.db" "SELECT count(*) FROM stele_outbox")
	[ "$_have" = "$_want" ] || {
		crash_fail "$2: repo.git holds $_have change sets, the outbox $_want"
		return 1
	}
	[ "$2" = recovered ] || return 0
	_packs=$(ls "$1/repo.git/objects/pack" | grep -c '\.pack$')
	_loose=$(find "$1/repo.git/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l)
	[ "$_packs" = 1 ] && [ "$_loose" = 0 ] || {
		crash_fail "$2: after gc repo.git holds $_packs packs and $_loose loose objects"
		return 1
	}
}

# crash_loose_village BASE: crash_synced_village, its first sync's pack unpacked
# into loose objects (as an earlier version wrote them), then synced again: a
# repository of loose objects and a pack, for gc.
crash_loose_village() {
	crash_synced_village "$1" &&
		_pack=$(ls "$1"/repo.git/objects/pack/pack-*.pack) &&
		mv "$_pack" "$1.pack" && rm -f "${_pack%.pack}.idx" &&
		git --git-dir="$1/repo.git" unpack-objects -q <"$1.pack" &&
		stele-agent -C "$1" sync --remote "$1/usb.git" >/dev/null 2>&1
}

# crash_synced_village BASE [CODE]: crash_village, synced once to BASE/usb.git,
# then three more writes left pending.
crash_synced_village() {
	crash_village "$1" "${2:-990101001201}" &&
		stele-agent -C "$1" sync --remote "$1/usb.git" >/dev/null 2>&1 &&
		stele-agent -C "$1" member add 王五 >/dev/null &&
		stele-agent -C "$1" points add M0003 B01 --date 2026-09-10 >/dev/null &&
		stele-agent -C "$1" import points --allow-duplicates "$1.points.csv" >/dev/null 2>&1
}

# The county side. A county directory is checked against the villages it merges:
# crash_county_villages lists "CODE DIR" lines (DIR a synced village directory).

# crash_village_rows DB CODE: the village's rows in DB, canonical (no outbox).
crash_village_rows() {
	sqlite3 "$1" ".mode list" \
		"SELECT 'member', * FROM member WHERE village_code = '$2' ORDER BY id" \
		"SELECT 'point_event', * FROM point_event WHERE village_code = '$2' ORDER BY id" \
		"SELECT 'task', * FROM task WHERE village_code = '$2' ORDER BY id" \
		"SELECT 'request', * FROM request WHERE village_code = '$2' ORDER BY id" \
		"SELECT 'income', * FROM income WHERE village_code = '$2' ORDER BY id" \
		"SELECT 'assessment', * FROM assessment WHERE village_code = '$2' ORDER BY year, item_code" \
		"SELECT 'period_close', village_code, period FROM period_close WHERE village_code = '$2'
			ORDER BY period"
}

# crash_county_check COUNTY STAGE: integrity ok; nothing quarantined or held; each
# village's cursor equals the number of its change sets recorded as applied, and
# those are seqs 1..k. When STAGE is "recovered": every village's change sets are
# applied (k = its outbox), the county holds exactly the village's rows, and the
# rankings equal those of the uninterrupted run (crash_county_ranks).
crash_county_check() {
	_db=$1/stele.db _stage=$2
	[ "$(sqlite3 "$_db" "PRAGMA integrity_check")" = ok ] || {
		crash_fail "$_stage: county integrity_check fails"
		return 1
	}
	_bad=$(sqlite3 "$_db" "SELECT (SELECT count(*) FROM stele_quarantine)
		+ (SELECT count(*) FROM stele_stream WHERE state <> 'ok')")
	[ "$_bad" = 0 ] || { crash_fail "$_stage: $_bad quarantined or held"; return 1; }
	while read -r _code _dir; do
		set -- $(sqlite3 "$_db" "SELECT count(*), coalesce(max(seq), 0), coalesce(min(seq), 1),
			(SELECT coalesce(max(last_seq), 0) FROM stele_stream WHERE writer = '$_code')
			FROM stele_applied WHERE writer = '$_code'" | tr '|' ' ')
		_n=$1 _last=$2 _first=$3 _cursor=$4
		if [ "$_n" != "$_last" ] || [ "$_first" != 1 ] || [ "$_last" != "$_cursor" ]; then
			crash_fail "$_stage: village $_code: $_n applied (seqs $_first..$_last), cursor at $_cursor"
			return 1
		fi
		[ "$_stage" = recovered ] || continue
		_want=$(sqlite3 "$_dir/stele.db" "SELECT count(*) FROM stele_outbox")
		[ "$_n" = "$_want" ] || {
			crash_fail "$_stage: village $_code: $_n of $_want change sets applied"
			return 1
		}
	done <"$crash_county_villages"
	return 0
}

# crash_county_final COUNTY: after recovery and a final merge, the county's rows and
# rankings are those of an uninterrupted run.
crash_county_final() {
	while read -r _code _dir; do
		crash_village_rows "$1/stele.db" "$_code" >"$1.county-rows"
		crash_village_rows "$_dir/stele.db" "$_code" >"$1.village-rows"
		cmp -s "$1.county-rows" "$1.village-rows" || {
			crash_fail "recovered: the county's rows of $_code are not the village's"
			return 1
		}
	done <"$crash_county_villages"
	stele-aggregator -C "$1" rank villages --month 2026-09 --format csv >"$1.ranks" 2>&1
	cmp -s "$1.ranks" "$crash_county_ranks" || {
		crash_fail "recovered: rankings differ from the uninterrupted run"
		return 1
	}
}

# crash_each_kill BASE WORK FILTER MAX AFTER RECOVER COMMAND...: for at most MAX
# syscalls of one run of COMMAND (on a copy of BASE at WORK) matching FILTER, a
# fresh copy killed there; AFTER WORK checks what it left, COMMAND is rerun (it must
# succeed) and RECOVER WORK checks the end state. The check functions report
# with crash_fail and return non-zero.
crash_each_kill() {
	_base=$1 _work=$2 _filter=$3 _max=$4 _after=$5 _recover=$6
	shift 6
	rm -rf "$_work" && cp -a "$_base" "$_work" || return 1
	strace -f -qq -o "$_work.trace" "$@" >/dev/null 2>"$_work.err" || {
		crash_fail "cannot prepare: $* fails uninterrupted: $(cat "$_work.err")"
		return 1
	}
	crash_plan "$_work" "$_work.trace" >"$_work.plan"
	grep -E "^($_filter) " "$_work.plan" | crash_sample "$_max" >"$_work.points"
	while read -r _sys n _path; do
		crash_at="kill $_sys #$n ($_path): $*"
		crash_points=$((crash_points + 1))
		rm -rf "$_work" && cp -a "$_base" "$_work" || return 1
		_rc=0
		strace -f -qq -o /dev/null -e trace="$_sys" -e inject="$_sys:signal=SIGKILL:when=$n" \
			"$@" >/dev/null 2>"$_work.err" || _rc=$?
		case $_rc in
		0) crash_acked=$((crash_acked + 1)) ;;
		137) crash_killed=$((crash_killed + 1)) ;;
		*) crash_fail "exit $_rc: $(head -n 3 "$_work.err")"; continue ;;
		esac
		"$_after" "$_work" || continue
		"$@" >/dev/null 2>"$_work.err2" ||
			{ crash_fail "rerun failed: $(cat "$_work.err2")"; continue; }
		"$_recover" "$_work" || continue
	done <"$_work.points"
}

# The county sweep's checks: the state as the next command finds it (on a copy),
# and after the rerun and a merge.
crash_county_after() {
	rm -rf "$1.check" && cp -a "$1" "$1.check" && crash_county_check "$1.check" after-run &&
		rm -rf "$1.check"
}
crash_county_recover() {
	stele-aggregator -C "$1" merge >/dev/null 2>"$1.err2" ||
		{ crash_fail "merge after the rerun failed: $(cat "$1.err2")"; return 1; }
	crash_county_check "$1" recovered && crash_county_final "$1"
}

# crash_county_sweep BASE WORK FILTER MAX COMMAND...: kill points in a county
# command (fetch or merge, run with -C WORK): after each, crash_county_check; then
# rerun the command, `merge` to the end, and check everything is merged exactly
# once with the rankings of an uninterrupted run.
crash_county_sweep() {
	_b=$1 _w=$2 _f=$3 _m=$4
	shift 4
	crash_each_kill "$_b" "$_w" "$_f" "$_m" crash_county_after crash_county_recover "$@"
}

# crash_publish_check DIR WHEN: what `rules publish --to DIR/pub.git` promises the
# county: repo.git's main is a straight line whose commits hold outbox change
# sets 1, 2, ... in order (after a killed run a prefix of the outbox, WHEN "recovered" all of it),
# the published main is repo.git's (recovered) and no ref lock is left behind.
crash_publish_check() {
	_n=$(sqlite3 "$1/stele.db" "SELECT count(*) FROM stele_outbox") || return 1
	# One "seq N: ..." line a change set: a commit's subject, or a batch's body line.
	_line=$(git --git-dir="$1/repo.git" log --first-parent --format=%B main 2>/dev/null |
		sed -n 's/^seq \([0-9]*\):.*/\1/p' | sort -n | tr '\n' ' ')
	_want=$(seq 1 "$_n" | tr '\n' ' ')
	case $2 in
	recovered)
		[ "$_line" = "$_want" ] ||
			{ crash_fail "repo.git holds seqs '$_line', not the outbox's '$_want'"; return 1; }
		[ "$(git --git-dir="$1/pub.git" rev-parse main 2>/dev/null)" = \
		  "$(git --git-dir="$1/repo.git" rev-parse main)" ] ||
			{ crash_fail "the published main is not repo.git's"; return 1; }
		# Ref locks stop the next ref update; a killed pack write's temporary
		# files in objects/pack do not.
		_locks=$(find "$1/repo.git/refs" "$1/pub.git/refs" -name '*.lock' 2>/dev/null;
			 ls -d "$1"/repo.git/*.lock "$1"/pub.git/*.lock 2>/dev/null | grep -v '/stele.lock$')
		[ -z "$_locks" ] || { crash_fail "ref locks left: $_locks"; return 1; } ;;
	*)
		case "$_want" in
		"$_line"*) ;;
		*) crash_fail "repo.git holds seqs '$_line', not a prefix of '$_want'"; return 1 ;;
		esac ;;
	esac
}

# crash_publish_sweep BASE WORK FILTER MAX: kills `rules publish` on a copy of the
# county BASE at each of at most MAX syscalls matching FILTER, checks
# (crash_publish_check), reruns it, which must succeed, and checks again.
crash_publish_after() { crash_publish_check "$1" after-run; }
crash_publish_recover() { crash_publish_check "$1" recovered; }
crash_publish_sweep() {
	crash_each_kill "$1" "$2" "$3" "$4" crash_publish_after crash_publish_recover \
		stele-aggregator -C "$2" rules publish --to "$2/pub.git"
}

# crash_county ROOT: two synced villages (ROOT/v1, ROOT/v2, pushed to their
# usb.git) and a county registered with both, with their keys: ROOT/county-fresh
# (nothing fetched) and ROOT/county-fetched (fetched, not merged). Sets
# crash_county_villages and crash_county_ranks (an uninterrupted run's ranking).
crash_county() {
	crash_synced_village "$1/v1" 990101001201 &&
		stele-agent -C "$1/v1" sync --remote "$1/v1/usb.git" >/dev/null 2>&1 &&
		crash_synced_village "$1/v2" 990101002201 &&
		stele-agent -C "$1/v2" member add 孙七 >/dev/null &&
		stele-agent -C "$1/v2" sync --remote "$1/v2/usb.git" >/dev/null 2>&1 &&
		stele-aggregator -C "$1/county-fresh" init --county 990101 --name 测试县 \
			>/dev/null 2>&1 || return 1
	crash_county_villages=$1/villages
	: >"$crash_county_villages"
	for _v in v1 v2; do
		_code=$(sqlite3 "$1/$_v/stele.db" "SELECT value FROM stele_meta WHERE key = 'village_code'")
		echo "$_code $1/$_v" >>"$crash_county_villages"
		stele-aggregator -C "$1/county-fresh" village add "$_code" --name "村$_code" \
			--township-name 镇 --remote "$1/$_v/usb.git" \
			--key "$(stele-agent -C "$1/$_v" key)" >/dev/null || return 1
	done
	cp -a "$1/county-fresh" "$1/county-fetched" &&
		stele-aggregator -C "$1/county-fetched" fetch --jobs 1 >/dev/null 2>&1 &&
		cp -a "$1/county-fetched" "$1/county-merged" &&
		stele-aggregator -C "$1/county-merged" merge >/dev/null 2>&1 || return 1
	crash_county_ranks=$1/ranks.csv
	stele-aggregator -C "$1/county-merged" rank villages --month 2026-09 --format csv \
		>"$crash_county_ranks" 2>&1
	crash_county_check "$1/county-merged" recovered &&
		crash_county_final "$1/county-merged"
}
