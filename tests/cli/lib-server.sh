# lib-server.sh: real git servers on 127.0.0.1 for the CLI tests: smart HTTP and
# HTTPS (git http-backend behind lighttpd, basic auth and per-repository rules),
# SSH (sshd with its own config and host key, gitolite3), a server that accepts
# and never answers, and a port where nothing listens. Source it after
# test-lib.sh. Every server lives in the trash directory and is stopped at exit.
#
# The Debian packages are installed on demand when root (server_need); a script
# whose packages cannot be had skips everything with a TAP "1..0 # SKIP" line,
# and fails on CI, where every server test must run.

# A server must never outlive its script: a hangup or a closed pipe (| head) ends
# the script through its exit trap too, which stops them.
trap 'exit 129' HUP
trap 'exit 141' PIPE

# server_secret: a fresh random password. Every account's differs per run, so a
# test can grep for it wherever it must never appear.
server_secret() {
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n'
}

# server_need PKG...: succeeds if every Debian package is installed, installing
# the missing ones first when root (test_apt_install: bounded in time, and the
# servers they bring are neither started nor enabled: the tests run their own on
# loopback). Fails otherwise. A script that uses servers must run on CI.
test_must_run_on_ci
server_need() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	test_apt_install $missing
}

# server_skip_all REASON: the whole script is skipped (TAP plan 1..0); on CI a
# failure (test_skip_all).
server_skip_all() {
	test_skip_all "$1"
}

# server_random_port: a port in 20000..59999 that nothing listens on now. The
# caller still retries if the server then fails to bind it (another process may
# take it in between).
server_random_port() {
	tries=0
	while [ $tries -lt 50 ]; do
		tries=$((tries + 1))
		p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000 + 20000 ))
		if ! ss -Hltn "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# server_port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
server_port_open() {
	perl -MIO::Socket::INET -e \
		'exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0],
		      Proto => "tcp", Timeout => 1) ? 0 : 1)' "$1"
}

# server_wait PID PORT: waits (at most 5 s) until the server process PID accepts
# connections on PORT. Fails at once if the process died (e.g. the port was
# taken).
server_wait() {
	n=0
	while [ $n -lt 100 ]; do
		kill -0 "$1" 2>/dev/null || return 1
		server_port_open "$2" && return 0
		sleep 0.05
		n=$((n + 1))
	done
	return 1
}

# server_stop PID: stops a server started by this script and reaps it (at most
# 5 s, then SIGKILL).
server_stop() {
	kill "$1" 2>/dev/null || return 0
	n=0
	while kill -0 "$1" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# server_start NAME PORTVAR COMMAND...: starts COMMAND in the background on a
# random free port, retrying with another port (at most 5 times) if it does not
# come up; with SERVER_PORT set, on that port only (retrying while it is busy).
# COMMAND is evaluated with $PORT set; it must stay in the foreground. Sets
# PORTVAR to the port and NAME_PID to the process id, and registers the stop.
server_start() {
	name=$1 portvar=$2
	shift 2
	attempt=0
	while [ $attempt -lt 5 ]; do
		attempt=$((attempt + 1))
		if [ -n "${SERVER_PORT:-}" ]; then
			PORT=$SERVER_PORT
			sleep 0.2
		else
			PORT=$(server_random_port) || return 1
		fi
		eval "$*" >"$TRASH/$name.log" 2>&1 &
		pid=$!
		if server_wait "$pid" "$PORT"; then
			eval "$portvar=\$PORT; ${name}_PID=\$pid"
			test_at_end "server_stop $pid"
			return 0
		fi
		server_stop "$pid"
	done
	echo "could not start $name; its log:" >&2
	cat "$TRASH/$name.log" >&2
	return 1
}

# server_bare_repo PATH: a bare repository locked down as docs/deploy-county.md
# says: fast-forward only, no deletions, HEAD on main.
server_bare_repo() {
	git init -q --bare "$1" &&
	git -C "$1" symbolic-ref HEAD refs/heads/main &&
	git -C "$1" config receive.denyNonFastForwards true &&
	git -C "$1" config receive.denyDeletes true
}

# http_server_start VILLAGE...: lighttpd serving git http-backend on plain HTTP
# and on HTTPS (a test CA made here), one bare repository per village plus
# county.git under /git/, basic auth from an htpasswd file, and
# contrib/http/git-authz.cgi's rules: village V may read and push V.git and read
# county.git; the user "county" reads everything and pushes county.git only. Sets HTTP_URL and HTTPS_URL (the /git base, no
# credentials), HTTP_ROOT (the repositories), CA_FILE, and PASS_<user> for each
# account.
http_server_start() {
	HTTP_DIR=$TRASH/http
	HTTP_ROOT=$HTTP_DIR/git
	mkdir -p "$HTTP_ROOT" "$HTTP_DIR/empty" "$HTTP_DIR/tls" || return 1
	: >"$HTTP_DIR/htpasswd"
	for user in county "$@"; do
		pw=$(server_secret)
		eval "PASS_$user=\$pw"
		htpasswd -bB -C 4 "$HTTP_DIR/htpasswd" "$user" "$pw" 2>/dev/null || return 1
	done
	server_bare_repo "$HTTP_ROOT/county.git" || return 1
	for v in "$@"; do
		server_bare_repo "$HTTP_ROOT/$v.git" || return 1
	done
	tls_make_certs "$HTTP_DIR/tls" || return 1
	CA_FILE=$HTTP_DIR/tls/ca.pem
	http_write_conf >"$HTTP_DIR/lighttpd.conf" || return 1
	# Two instances of the same configuration: plain, and with TLS.
	printf '%s\n' 'ssl.engine = "enable"' "ssl.pemfile = \"$HTTP_DIR/tls/server.pem\"" \
		"ssl.privkey = \"$HTTP_DIR/tls/server.key\"" >"$HTTP_DIR/tls.conf"
	server_start lighttpd HTTP_PORT \
		'printf "include \"%s\"\nserver.port = %s\n" "$HTTP_DIR/lighttpd.conf" "$PORT" \
			>"$HTTP_DIR/http.conf" &&
		 exec lighttpd -D -f "$HTTP_DIR/http.conf"' || return 1
	server_start lighttpd_tls HTTPS_PORT \
		'printf "include \"%s\"\ninclude \"%s\"\nserver.port = %s\n" "$HTTP_DIR/lighttpd.conf" \
			"$HTTP_DIR/tls.conf" "$PORT" >"$HTTP_DIR/https.conf" &&
		 exec lighttpd -D -f "$HTTP_DIR/https.conf"' || return 1
	HTTP_URL=http://127.0.0.1:$HTTP_PORT/git
	HTTPS_URL=https://localhost:$HTTPS_PORT/git
}

# http_write_conf: the lighttpd configuration, without the port: every request
# under /git/ needs a valid account (basic auth, htpasswd file), then
# contrib/http/git-authz.cgi decides what that account may do and runs git
# http-backend.
http_write_conf() {
	cat <<EOF
server.document-root = "$HTTP_DIR/empty"
server.bind = "127.0.0.1"
server.errorlog = "$HTTP_DIR/error.log"
server.modules = ("mod_alias", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_openssl")
auth.backend = "htpasswd"
auth.backend.htpasswd.userfile = "$HTTP_DIR/htpasswd"
alias.url = ("/git" => "$SRC_ROOT/contrib/http/git-authz.cgi")
\$HTTP["url"] =~ "^/git/" {
  cgi.assign = ("" => "")
  setenv.set-environment = ("GIT_PROJECT_ROOT" => "$HTTP_ROOT", "GIT_HTTP_EXPORT_ALL" => "",
                            "STELE_COUNTY_USER" => "county")
  auth.require = ("" => ("method" => "basic", "realm" => "stele", "require" => "valid-user"))
}
EOF
}

# tls_make_certs DIR: a throwaway CA (DIR/ca.pem) and a server certificate for
# localhost and 127.0.0.1 signed by it (DIR/server.pem, DIR/server.key).
tls_make_certs() {
	(
		cd "$1" &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout ca.key -out ca.pem -days 2 -subj "/CN=Stele test CA" &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout server.key -out server.csr -subj "/CN=localhost" &&
		printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
			'basicConstraints=CA:FALSE' 'extendedKeyUsage=serverAuth' >server.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-out server.pem -days 2 -extfile server.ext
	) >"$TRASH/tls.log" 2>&1
}

# ssh_server_start VILLAGE...: sshd on a random port with its own host key and
# configuration, in front of gitolite3 (its home in the trash directory). One
# ed25519 key per village and for the county; village V has RW (never RW+) on V
# and R on county, the county has R on every village and RW on county. Sets
# SSH_URL (ssh://USER@127.0.0.1:PORT, no repository), SSH_KNOWN_HOSTS (made with
# ssh-keyscan), SSH_KEYS (KEY/NAME and KEY/NAME.pub) and GL_ROOT (the repositories).
ssh_server_start() {
	SSH_DIR=$TRASH/ssh
	SSH_KEYS=$SSH_DIR/keys
	GL_HOME=$SSH_DIR/gitolite
	GL_ROOT=$GL_HOME/repositories
	mkdir -p "$SSH_KEYS" "$GL_HOME" || return 1
	ssh-keygen -q -t ed25519 -N '' -C host -f "$SSH_DIR/host_key" || return 1
	for k in admin county "$@"; do
		ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$SSH_KEYS/$k" || return 1
	done
	# gitolite as the current user, with its home here; repositories start on main.
	printf '[init]\n\tdefaultBranch = main\n' >"$GL_HOME/.gitconfig"
	HOME=$GL_HOME gitolite setup -pk "$SSH_KEYS/admin.pub" >"$TRASH/gitolite.log" 2>&1 ||
		return 1
	cp "$SSH_KEYS/county.pub" "$GL_HOME/.gitolite/keydir/" || return 1
	{
		echo "@villages = $*"
		echo "repo gitolite-admin"
		echo "    RW+ = admin"
		echo "repo county"
		echo "    RW = county"
		echo "    R = @villages"
		echo "repo @villages"
		echo "    R = county"
		for v in "$@"; do
			cp "$SSH_KEYS/$v.pub" "$GL_HOME/.gitolite/keydir/" || return 1
			echo "repo $v"
			echo "    RW = $v"
		done
	} >"$GL_HOME/.gitolite/conf/gitolite.conf"
	HOME=$GL_HOME gitolite compile >>"$TRASH/gitolite.log" 2>&1 &&
	HOME=$GL_HOME gitolite trigger POST_COMPILE >>"$TRASH/gitolite.log" 2>&1 || return 1
	for r in county "$@"; do
		git -C "$GL_ROOT/$r.git" config receive.denyDeletes true &&
		git -C "$GL_ROOT/$r.git" config receive.denyNonFastForwards true || return 1
	done
	# sshd refuses to start as root without its privilege-separation directory.
	[ "$(id -u)" != 0 ] || [ -d /run/sshd ] || mkdir -p -m 755 /run/sshd || return 1
	cat >"$SSH_DIR/sshd_config" <<EOF
ListenAddress 127.0.0.1
HostKey $SSH_DIR/host_key
PidFile none
AuthorizedKeysFile $GL_HOME/.ssh/authorized_keys
AuthenticationMethods publickey
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
SetEnv HOME=$GL_HOME
LogLevel VERBOSE
EOF
	server_start sshd SSH_PORT \
		'exec /usr/sbin/sshd -D -e -p "$PORT" -f "$SSH_DIR/sshd_config"' || return 1
	SSH_KNOWN_HOSTS=$SSH_DIR/known_hosts
	ssh-keyscan -p "$SSH_PORT" -t ed25519 127.0.0.1 >"$SSH_KNOWN_HOSTS" 2>/dev/null &&
		test -s "$SSH_KNOWN_HOSTS" || return 1
	SSH_URL=ssh://$(id -un)@127.0.0.1:$SSH_PORT
}

# git_ssh KEYNAME ARGS...: the git CLI over ssh with one key and the test's
# known_hosts (strict checking).
git_ssh() {
	k=$1
	shift
	GIT_SSH_COMMAND="ssh -i $SSH_KEYS/$k -o IdentitiesOnly=yes -o BatchMode=yes \
-o UserKnownHostsFile=$SSH_KNOWN_HOSTS -o StrictHostKeyChecking=yes" git "$@"
}

# stall_server_start: a server that accepts connections and never says a word.
# Sets STALL_PORT.
stall_server_start() {
	server_start stall STALL_PORT \
		'exec perl -MIO::Socket::INET -e "
			my \$s = IO::Socket::INET->new(LocalAddr => q(127.0.0.1), LocalPort => \$ARGV[0],
				Listen => 16, ReuseAddr => 1) or die qq(bind: \$!\n);
			my @held; while (my \$c = \$s->accept) { push @held, \$c }" "$PORT"'
}

# http_server_stop / http_server_restart: the HTTP (not HTTPS) server goes down,
# and comes back on the same port with the same repositories and accounts.
http_server_stop() {
	server_stop "$lighttpd_PID"
}
http_server_restart() {
	SERVER_PORT=$HTTP_PORT server_start lighttpd HTTP_PORT \
		'exec lighttpd -D -f "$HTTP_DIR/http.conf"'
}

# dead_port: a port where nothing listens (connections are refused).
dead_port() {
	server_random_port
}
