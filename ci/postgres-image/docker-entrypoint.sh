#!/bin/sh
# docker-entrypoint.sh for the local/postgres:15 image built by ci/build-postgres-image.sh.
#
# A POSIX sh (dash) port of the parts of docker-library's postgres entrypoint that
# testcontainers' Postgres module relies on. The image has no coreutils, so this
# uses only shell builtins plus the PostgreSQL binaries (initdb, pg_ctl, postgres, psql).
#
# Environment: POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#   POSTGRES_USER (default postgres), POSTGRES_DB (default $POSTGRES_USER),
#   POSTGRES_HOST_AUTH_METHOD (default: the server's password_encryption, scram-sha-256),
#   POSTGRES_INITDB_ARGS, POSTGRES_INITDB_WALDIR, and *_FILE variants of
#   POSTGRES_PASSWORD/USER/DB/INITDB_ARGS.
#
# On first start (empty $PGDATA) it runs initdb, starts a temporary server that only
# listens on the unix socket (pg_ctl without -l, so that server's log, including its
# "ready to accept connections" line, goes to stdout), creates $POSTGRES_DB, runs
# /docker-entrypoint-initdb.d/*.sql and *.sh, stops the temporary server, and then
# execs the real server in the foreground (its log goes to stderr).
# Arguments: none -> "postgres"; first argument starting with "-" -> "postgres <args>".
set -e

ME=docker-entrypoint.sh

warn() { printf '%s: warning: %s\n' "$ME" "$*" >&2; }
die() { printf '%s: error: %s\n' "$ME" "$*" >&2; exit 1; }

# file_env VAR [DEFAULT]: VAR or VAR_FILE (file content, trailing newlines
# stripped as with $(< file)), but not both.
file_env() {
	_var=$1 _def=${2:-}
	eval "_val=\${$_var:-} _file=\${${_var}_FILE:-}"
	if [ -n "$_val" ] && [ -n "$_file" ]; then
		die "both $_var and ${_var}_FILE are set (but are exclusive)"
	fi
	if [ -n "$_file" ]; then
		[ -r "$_file" ] || die "${_var}_FILE: cannot read $_file"
		_val='' _nl=''
		while IFS= read -r _line || [ -n "$_line" ]; do
			_val="$_val$_nl$_line"
			_nl='
'
		done <"$_file"
	elif [ -z "$_val" ]; then
		_val=$_def
	fi
	eval "$_var=\$_val"
	# shellcheck disable=SC2163 # exports the variable named by $_var
	export "$_var"
	unset "${_var}_FILE" || true
}

# sh_quote ARG: sets REPLY to ARG wrapped in single quotes, safe for a shell.
sh_quote() {
	_rest=$1 REPLY=
	while :; do
		case $_rest in
		*\'*)
			REPLY="$REPLY${_rest%%\'*}'\\''"
			_rest=${_rest#*\'}
			;;
		*)
			REPLY="'$REPLY$_rest'"
			return 0
			;;
		esac
	done
}

# docker_process_sql [psql args...]: run psql against the temporary server
# (unix socket) as $POSTGRES_USER, on $POSTGRES_DB unless it is empty.
docker_process_sql() {
	if [ -n "$POSTGRES_DB" ]; then
		PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
			--no-password --no-psqlrc --dbname "$POSTGRES_DB" "$@"
	else
		PGHOST='' PGHOSTADDR='' psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
			--no-password --no-psqlrc "$@"
	fi
}

# Does the argument list ask postgres for help/version/config only?
want_help() {
	for _a in "$@"; do
		case $_a in
		-'?' | --help | --describe-config | -C | -V | --version) return 0 ;;
		esac
	done
	return 1
}

if [ $# -eq 0 ]; then
	set -- postgres
fi
case $1 in
-*) set -- postgres "$@" ;;
esac

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

if [ "$1" = postgres ] && ! want_help "$@"; then
	if [ -s "$PGDATA/PG_VERSION" ]; then
		printf '\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n'
	else
		file_env POSTGRES_PASSWORD
		file_env POSTGRES_USER postgres
		file_env POSTGRES_DB "$POSTGRES_USER"
		file_env POSTGRES_INITDB_ARGS
		: "${POSTGRES_HOST_AUTH_METHOD:=}"

		if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
			die "Database is uninitialized and superuser password is not specified.
  You must specify POSTGRES_PASSWORD to a non-empty value for the superuser,
  e.g. \"-e POSTGRES_PASSWORD=password\" on \"docker run\", or set
  POSTGRES_HOST_AUTH_METHOD=trust to allow all connections without a password
  (not recommended)."
		fi
		if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
			warn "POSTGRES_HOST_AUTH_METHOD=trust: all connections are allowed without a password"
		fi

		# 1. initdb (progress on stdout). POSTGRES_INITDB_ARGS is shell-parsed, as upstream does.
		if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
			sh_quote "$POSTGRES_INITDB_WALDIR"
			POSTGRES_INITDB_ARGS="--waldir $REPLY $POSTGRES_INITDB_ARGS"
		fi
		# --pwfile refuses a properly empty file, hence the "\n".
		printf '%s\n' "$POSTGRES_PASSWORD" |
			eval 'initdb --username="$POSTGRES_USER" --pwfile=/dev/stdin '"$POSTGRES_INITDB_ARGS"

		# 2. pg_hba.conf: network access with the password method (or trust).
		shift # drop "postgres": the rest are server options
		if [ -z "$POSTGRES_HOST_AUTH_METHOD" ]; then
			POSTGRES_HOST_AUTH_METHOD=$(postgres -C password_encryption "$@")
		fi
		{
			printf '\n'
			if [ "$POSTGRES_HOST_AUTH_METHOD" = trust ]; then
				printf '# warning trust is enabled for all connections\n'
			fi
			printf 'host all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD"
		} >>"$PGDATA/pg_hba.conf"

		# 3. Temporary server: unix socket only; pg_ctl without -l, so its log goes to stdout.
		opts=
		for a in "$@" -c listen_addresses= -p "${PGPORT:-5432}"; do
			sh_quote "$a"
			opts="$opts $REPLY"
		done
		export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
		NOTIFY_SOCKET='' PGUSER="${PGUSER:-$POSTGRES_USER}" \
			pg_ctl -D "$PGDATA" -o "$opts" -w start

		# 4. Create the database if missing (POSTGRES_DB='' for psql, so it connects to "postgres").
		# shellcheck disable=SC2097,SC2098 # --set db= deliberately uses the outer POSTGRES_DB
		exists=$(POSTGRES_DB='' docker_process_sql --dbname postgres --set db="$POSTGRES_DB" \
			--tuples-only --no-align <<-'EOSQL'
				SELECT 1 FROM pg_database WHERE datname = :'db' ;
			EOSQL
		)
		if [ -z "$exists" ]; then
			# shellcheck disable=SC2097,SC2098
			POSTGRES_DB='' docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
				CREATE DATABASE :"db" ;
			EOSQL
			printf '\n'
		fi

		# 5. Init scripts, in glob (name) order.
		printf '\n'
		for f in /docker-entrypoint-initdb.d/*; do
			[ -e "$f" ] || continue
			case $f in
			*.sh)
				if [ -x "$f" ]; then
					printf '%s: running %s\n' "$ME" "$f"
					"$f"
				else
					printf '%s: sourcing %s\n' "$ME" "$f"
					# shellcheck disable=SC1090
					. "$f"
				fi
				;;
			*.sql)
				printf '%s: running %s\n' "$ME" "$f"
				docker_process_sql -f "$f"
				printf '\n'
				;;
			*.sql.gz | *.sql.xz | *.sql.zst)
				warn "ignoring $f (compressed init scripts are not supported by this image)"
				;;
			*)
				printf '%s: ignoring %s\n' "$ME" "$f"
				;;
			esac
			printf '\n'
		done

		# 6. Stop the temporary server.
		PGUSER="${PGUSER:-postgres}" pg_ctl -D "$PGDATA" -m fast -w stop
		unset PGPASSWORD

		printf '\nPostgreSQL init process complete; ready for start up.\n\n'
		set -- postgres "$@"
	fi
fi

exec "$@"
