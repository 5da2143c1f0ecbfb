# rank-lib.sh: for the rankings' CLI tests (t04xx): a county directory holding the
# reference county's records, loaded straight into its database with the sqlite3
# CLI. It stands in for agent import + sync + aggregator merge so the rankings can
# be tested on their own; t0900 runs the same county through the whole pipeline.

# load_reference_county DIR: DIR becomes a county directory (stele-aggregator init)
# with $REFERENCE's rules, registry, vetoes and every village's records; villages
# with records are marked synced (a stele_stream row with last_seq 1). Then the
# county reviews the self-assessments through the CLI (load_reference_reviews).
load_reference_county() {
	dir=$1
	stele-aggregator -C "$dir" init --county 990101 --name 参考县 >/dev/null 2>&1 || return 1
	db=$dir/stele.db
	{
		echo "DELETE FROM point_rule; DELETE FROM standard_item; DELETE FROM veto_item;"
		echo "DELETE FROM ranking_config;"
		echo "CREATE TEMP TABLE pr (code, category, name, points, active);"
		echo ".import --csv --skip 1 '$REFERENCE/rules/point-rules.csv' pr"
		echo "INSERT INTO point_rule SELECT code, category, name,"
		echo "  CAST(round(points * 10) AS INTEGER), CAST(active AS INTEGER) FROM pr;"
		echo "CREATE TEMP TABLE si (code, name, max_score);"
		echo ".import --csv --skip 1 '$REFERENCE/rules/standard-items.csv' si"
		echo "INSERT INTO standard_item (code, name, max_score)"
		echo "  SELECT code, name, CAST(round(max_score * 10) AS INTEGER) FROM si;"
		echo "CREATE TEMP TABLE vi (code, name);"
		echo ".import --csv --skip 1 '$REFERENCE/rules/veto-items.csv' vi"
		echo "INSERT INTO veto_item SELECT * FROM vi;"
		echo "CREATE TEMP TABLE cfg (key, value);"
		echo ".import --csv --skip 1 '$REFERENCE/rules/config.csv' cfg"
		echo "INSERT INTO ranking_config SELECT * FROM cfg;"
		echo "CREATE TEMP TABLE vil (code, name, township_name);"
		echo ".import --csv --skip 1 '$REFERENCE/villages.csv' vil"
		echo "INSERT INTO village SELECT code, name, substr(code, 1, 9), township_name FROM vil;"
		echo "CREATE TEMP TABLE veto (village_code, veto_code, year, note);"
		echo ".import --csv --skip 1 '$REFERENCE/vetoes.csv' veto"
		echo "INSERT INTO veto_event SELECT printf('V%04d', rowid), village_code, veto_code,"
		echo "  CAST(year AS INTEGER), nullif(note, '') FROM veto;"
		echo "CREATE TEMP TABLE m (id, name, gender, born, joined, status, grid);"
		echo "CREATE TEMP TABLE e (id, member_id, rule_code, occurred_on, points, stage, note);"
		echo "CREATE TEMP TABLE t (id, title, category, assignee, due_on, closed_on);"
		echo "CREATE TEMP TABLE r (id, received_on, category, grid, resolved_on, satisfied);"
		echo "CREATE TEMP TABLE i (id, period, amount, source);"
		echo "CREATE TEMP TABLE a (year, item_code, score, note);"
		for vdir in "$REFERENCE"/villages/*/; do
			code=$(basename "$vdir")
			echo "DELETE FROM m; DELETE FROM e; DELETE FROM t; DELETE FROM r; DELETE FROM i; DELETE FROM a;"
			echo ".import --csv --skip 1 '$vdir/members.csv' m"
			echo ".import --csv --skip 1 '$vdir/points.csv' e"
			echo ".import --csv --skip 1 '$vdir/tasks.csv' t"
			echo ".import --csv --skip 1 '$vdir/requests.csv' r"
			echo ".import --csv --skip 1 '$vdir/income.csv' i"
			echo ".import --csv --skip 1 '$vdir/assessments.csv' a"
			echo "INSERT INTO member SELECT '$code', id, name, nullif(gender, ''),"
			echo "  CAST(nullif(born, '') AS INTEGER), nullif(joined, ''), status, nullif(grid, '') FROM m;"
			echo "INSERT INTO point_event SELECT '$code', id, member_id, rule_code, occurred_on,"
			echo "  CAST(round(points * 10) AS INTEGER), stage, nullif(note, '') FROM e;"
			echo "INSERT INTO task SELECT '$code', id, title, nullif(category, ''),"
			echo "  nullif(assignee, ''), due_on, nullif(closed_on, '') FROM t;"
			echo "INSERT INTO request SELECT '$code', id, received_on, nullif(category, ''),"
			echo "  nullif(grid, ''), nullif(resolved_on, ''), CAST(nullif(satisfied, '') AS INTEGER) FROM r;"
			echo "INSERT INTO income SELECT '$code', id, period, CAST(round(amount * 100) AS INTEGER),"
			echo "  source FROM i;"
			echo "INSERT INTO assessment SELECT '$code', CAST(year AS INTEGER), item_code,"
			echo "  CAST(round(score * 10) AS INTEGER), nullif(note, '') FROM a;"
			echo "INSERT INTO stele_stream (writer, last_seq, last_commit)"
			echo "  SELECT '$code', 1, 'loaded-by-rank-lib' WHERE (SELECT count(*) FROM m) +"
			echo "  (SELECT count(*) FROM e) + (SELECT count(*) FROM t) + (SELECT count(*) FROM r) +"
			echo "  (SELECT count(*) FROM i) + (SELECT count(*) FROM a) > 0;"
			while read -r month; do
				[ -n "$month" ] && echo "INSERT INTO period_close VALUES ('$code', '$month', 'loaded');"
			done <"$vdir/closes.txt"
		done
	} | sqlite3 -bail "$db" && load_reference_reviews "$dir"
}
