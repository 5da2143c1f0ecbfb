# lib-serve.sh: the workbench (stele-agent serve) under test, spoken to over HTTP
# with curl. Source it after test-lib.sh. The server is stopped at exit.

trap 'exit 129' HUP
trap 'exit 141' PIPE

# curl is a test dependency (tools/deps.sh test); installed here when root.
test_must_run_on_ci
command -v curl >/dev/null 2>&1 || test_apt_install curl ||
	test_skip_all "the workbench tests need curl (Debian package curl)"

# Each test case runs in a subshell: what serve_start learns is kept in
# ./serve.env, which the helpers below read.
serve_env() {
	[ -f "$TRASH/serve.env" ] && . "$TRASH/serve.env"
	:
}

# serve_start DIR [ARGS...]: starts `stele-agent -C DIR serve ARGS` and waits (at
# most 5 s) for the first line of its stdout, the URL. Keeps SERVE_PID, SERVE_URL,
# SERVE_PORT, SERVE_TOKEN, SERVE_BASE (http://127.0.0.1:PORT) and SERVE_CSRF (the
# forms' token) in ./serve.env,
# and logs in through the URL as a browser does (the cookie jar ./jar). Its
# stdout is ./serve.out, its stderr ./serve.err, its exit code ./serve.rc.
serve_start() {
	serve_dir=$1
	shift
	rm -f "$TRASH/serve.rc" "$TRASH/serve.pid" "$TRASH/serve.env"
	: >"$TRASH/serve.out"
	(
		stele-agent -C "$serve_dir" serve "$@" >"$TRASH/serve.out" 2>"$TRASH/serve.err" &
		echo $! >"$TRASH/serve.pid"
		wait $!
		echo $? >"$TRASH/serve.rc"
	) &
	n=0
	while [ $n -lt 100 ] && ! [ -s "$TRASH/serve.out" ]; do
		[ -f "$TRASH/serve.rc" ] && { cat "$TRASH/serve.err" >&2; return 1; }
		sleep 0.05
		n=$((n + 1))
	done
	SERVE_PID=$(cat "$TRASH/serve.pid")
	SERVE_URL=$(head -n 1 "$TRASH/serve.out")
	SERVE_PORT=$(printf '%s\n' "$SERVE_URL" | sed -n 's|^http://127\.0\.0\.1:\([0-9]*\)/?token=.*|\1|p')
	SERVE_TOKEN=${SERVE_URL#*token=}
	SERVE_BASE=http://127.0.0.1:$SERVE_PORT
	[ -n "$SERVE_PORT" ] || { echo "no URL on the first line: $SERVE_URL" >&2; return 1; }
	cat >"$TRASH/serve.env" <<-EOF
	SERVE_PID=$SERVE_PID
	SERVE_URL=$SERVE_URL
	SERVE_PORT=$SERVE_PORT
	SERVE_TOKEN=$SERVE_TOKEN
	SERVE_BASE=$SERVE_BASE
	EOF
	curl -s -o /dev/null -c "$TRASH/jar" "$SERVE_URL" &&
	# The pages are Chinese by default; these tests read the English ones (the
	# language switch's cookie), unless SERVE_LANG=zh asks for the default.
	if [ "${SERVE_LANG:-en}" = en ]; then
		curl -s -o /dev/null -b "$TRASH/jar" -c "$TRASH/jar" "$SERVE_BASE/lang?to=en"
	fi &&
	SERVE_CSRF=$(curl -s -b "$TRASH/jar" "$SERVE_BASE/members/edit" |
		sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1) &&
	[ -n "$SERVE_CSRF" ] &&
	echo "SERVE_CSRF=$SERVE_CSRF" >>"$TRASH/serve.env"
}

# serve_stop: SIGTERM (or the signal given), then waits (at most 10 s) for the
# exit; its code is left in SERVE_RC.
serve_stop() {
	serve_env
	[ -n "${SERVE_PID:-}" ] || return 0
	kill -"${1:-TERM}" "$SERVE_PID" 2>/dev/null
	n=0
	while [ $n -lt 200 ] && ! [ -f "$TRASH/serve.rc" ]; do
		sleep 0.05
		n=$((n + 1))
	done
	SERVE_RC=$(cat "$TRASH/serve.rc" 2>/dev/null || echo none)
	rm -f "$TRASH/serve.env"
	SERVE_PID=
}
test_at_end serve_stop

# web_get PATH [CURL ARGS...]: GETs PATH with the cookie; the body goes to ./page,
# the headers to ./head; prints the status code.
web_get() {
	serve_env
	web_path=$1
	shift
	curl -s -b jar -D head -o page -w '%{http_code}' "$@" "$SERVE_BASE$web_path"
}

# web_post PATH CURL-ARGS...: POSTs with the CSRF token, like the workbench's
# forms; body in ./page, headers in ./head; prints the status code.
web_post() {
	serve_env
	web_path=$1
	shift
	curl -s -b jar -D head -o page -w '%{http_code}' --data-urlencode "csrf=$SERVE_CSRF" \
		"$@" "$SERVE_BASE$web_path"
}

# web_form PATH FIELD=VALUE...: web_post with every FIELD=VALUE url-encoded.
web_form() {
	web_path=$1
	shift
	web_n=$#
	while [ $web_n -gt 0 ]; do
		set -- "$@" --data-urlencode "$1"
		shift
		web_n=$((web_n - 1))
	done
	web_post "$web_path" "$@"
}

# web_upload PATH FIELD FILE [CURL-ARGS...]: POSTs FILE as a multipart form's
# file field, with the CSRF token; like web_post.
web_upload() {
	serve_env
	web_path=$1
	web_field=$2
	web_upfile=$3
	shift 3
	curl -s -b jar -D head -o page -w '%{http_code}' -F "csrf=$SERVE_CSRF" \
		-F "$web_field=@$web_upfile" "$@" "$SERVE_BASE$web_path"
}

# test_status WANT CODE: an HTTP status is the one expected.
test_status() {
	if [ "$1" != "$2" ]; then
		echo "expected HTTP $1, got $2" >&2
		[ -f page ] && head -c 2000 page >&2
		return 1
	fi
}
