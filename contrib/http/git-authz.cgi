#!/bin/sh
# git-authz.cgi: per-repository authorization in front of git http-backend, for a
# county's smart-HTTP git server (docs/deploy-county.md). The web server checks
# the password and sets REMOTE_USER; this script decides what that account may do:
#   - the account named like a repository (village 140402101201 and
#     /140402101201.git) reads and pushes that repository;
#   - every account reads county.git (the county's rules);
#   - the county account ($STELE_COUNTY_USER, default "county") reads every
#     repository and pushes county.git.
# Anything else gets 403 Forbidden, and git http-backend is never run for it.
set -u
county=${STELE_COUNTY_USER:-county}
backend=${GIT_HTTP_BACKEND:-/usr/lib/git-core/git-http-backend}
user=${REMOTE_USER:-}
path=${PATH_INFO:-}

deny() {
	printf 'Status: 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n%s\n' "$1"
	exit 0
}

# The repository is the first path component: "/NAME.git/...".
repo=${path#/}
repo=${repo%%/*}
case "$repo" in
*.git) name=${repo%.git} ;;
*) deny "no repository in the request" ;;
esac
case "$name" in
'' | *[!A-Za-z0-9_-]*) deny "no such repository" ;;
esac
case "$user" in
'' | *[!A-Za-z0-9_-]*) deny "not authenticated" ;;
esac

# A push: the ref advertisement for receive-pack, or receive-pack itself.
write=no
case "$path" in
*/git-receive-pack) write=yes ;;
*/info/refs)
	case "&${QUERY_STRING:-}&" in
	*'&service=git-receive-pack&'*) write=yes ;;
	esac ;;
esac

if [ "$user" = "$county" ]; then
	[ "$write" = no ] || [ "$name" = county ] || deny "$user may not push to $repo"
elif [ "$user" != "$name" ]; then
	[ "$write" = no ] || deny "$user may not push to $repo"
	[ "$name" = county ] || deny "$user may not read $repo"
fi
exec "$backend"
