#!/usr/bin/env bash
# ci/build-postgres-image.sh - build a PostgreSQL 15 Docker image from the host's
# Debian postgresql-15 files, without any registry (for testcontainers-rs).
#
# Usage (as root, with a running docker daemon, see ci/docker-up.sh):
#   ci/build-postgres-image.sh [--force] [IMAGE]      (IMAGE default: local/postgres:15)
#
# Stages a minimal root filesystem in a temporary directory (postgres, initdb,
# pg_ctl, psql, the server's lib and share dirs, zoneinfo, the C.utf8 locale, the
# shared libraries ldd reports, /bin/sh = dash, uid 999 "postgres") plus
# ci/postgres-image/docker-entrypoint.sh, and imports it with
# `tar --numeric-owner | docker import`. The result behaves like the official
# postgres image for testcontainers' Postgres module: use it with
#   Postgres::default().with_name("local/postgres").with_tag("15")
#
# Installs postgresql-15 with apt-get if the host files are missing.
# Skips the build if IMAGE already exists, unless --force is given.
# Progress goes to stderr; nothing is printed on stdout.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; }

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
ENTRYPOINT_SRC="$SCRIPT_DIR/postgres-image/docker-entrypoint.sh"

FORCE=0
IMAGE=
for arg in "$@"; do
    case $arg in
    --force | -f) FORCE=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage; die "unknown option: $arg" ;;
    *)
        [ -z "$IMAGE" ] || die "more than one IMAGE given: $IMAGE, $arg"
        IMAGE=$arg
        ;;
    esac
done
IMAGE=${IMAGE:-local/postgres:15}

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_LIB=/usr/lib/postgresql/$PG_MAJOR/lib
PG_SHARE=/usr/share/postgresql/$PG_MAJOR
PG_BINARIES=(postgres initdb pg_ctl psql)
PG_UID=999
PG_GID=999

[ -r "$ENTRYPOINT_SRC" ] || die "entrypoint not found: $ENTRYPOINT_SRC"
command -v docker >/dev/null 2>&1 || die "docker client not found; run ci/docker-up.sh first"
docker info >/dev/null 2>&1 || die "docker daemon not reachable ('docker info' fails); run ci/docker-up.sh first"

entrypoint_sum=$(sha256sum "$ENTRYPOINT_SRC" | cut -d' ' -f1)

if [ "$FORCE" -eq 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    built_sum=$(docker image inspect -f '{{index .Config.Labels "ci.entrypoint-sha256"}}' "$IMAGE" 2>/dev/null || true)
    if [ -n "$built_sum" ] && [ "$built_sum" != "$entrypoint_sum" ]; then
        log "warning: $IMAGE was built from a different docker-entrypoint.sh; rerun with --force to rebuild"
    fi
    log "image $IMAGE already exists; skipping build (use --force to rebuild)"
    exit 0
fi

[ "$(id -u)" -eq 0 ] || die "must run as root (the staged files need uid $PG_UID / uid 0 ownership)"

# --- host files --------------------------------------------------------------
host_files_ok() {
    local b
    for b in "${PG_BINARIES[@]}"; do [ -x "$PG_BIN/$b" ] || return 1; done
    [ -d "$PG_LIB" ] && [ -f "$PG_SHARE/postgresql.conf.sample" ]
}
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* manually"
    log "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y "$@" >&2; then
        apt-get -o DPkg::Lock::Timeout=600 update >&2 || die "apt-get update failed"
        apt-get -o DPkg::Lock::Timeout=600 install -y "$@" >&2 || die "apt-get install $* failed"
    fi
}
if ! host_files_ok; then
    log "PostgreSQL $PG_MAJOR files missing under $PG_BIN"
    apt_install postgresql-$PG_MAJOR
    host_files_ok || die "postgresql-$PG_MAJOR installed, but $PG_BIN/{${PG_BINARIES[*]}} still missing"
fi
[ -d /usr/share/zoneinfo ] || apt_install tzdata
[ -d /usr/lib/locale/C.utf8 ] || die "/usr/lib/locale/C.utf8 missing (it comes with libc-bin)"
[ -x /bin/dash ] || die "/bin/dash missing"

pg_version=$("$PG_BIN/postgres" --version)
log "building $IMAGE from host files: $pg_version"

# --- stage the root filesystem -------------------------------------------------
root=$(mktemp -d "${TMPDIR:-/tmp}/pgimage-root.XXXXXX")
trap 'rm -rf "$root"' EXIT

# copy_same SRC...: copy (dereferenced) to the same path under $root.
copy_same() {
    local f
    for f in "$@"; do
        mkdir -p "$root$(dirname "$f")"
        cp -L --preserve=mode,timestamps "$f" "$root$f"
    done
}

# PostgreSQL binaries (initdb and pg_ctl look for postgres in their own dir).
for b in "${PG_BINARIES[@]}"; do copy_same "$PG_BIN/$b"; done

# Server modules, without JIT (bitcode/ and llvmjit* would pull in libLLVM).
mkdir -p "$root$PG_LIB"
cp -a "$PG_LIB/." "$root$PG_LIB/"
rm -rf "$root$PG_LIB/bitcode" "$root$PG_LIB"/llvmjit*

# Share dir, with listen_addresses = '*' as the official Dockerfile does.
mkdir -p "$root$PG_SHARE"
cp -a "$PG_SHARE/." "$root$PG_SHARE/"
sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root$PG_SHARE/postgresql.conf.sample"
grep -q "^listen_addresses = '\*'" "$root$PG_SHARE/postgresql.conf.sample" \
    || die "could not set listen_addresses in postgresql.conf.sample"

# Time zones (drop localtime, an absolute link to /etc/localtime) and the C.UTF-8 locale.
mkdir -p "$root/usr/share"
cp -a /usr/share/zoneinfo "$root/usr/share/"
rm -f "$root/usr/share/zoneinfo/localtime"
mkdir -p "$root/usr/lib/locale"
cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"

# /bin/sh (for the entrypoint and for pg_ctl, which starts the server via /bin/sh -c),
# and `locale` (initdb runs `locale -a` to import collations; optional).
mkdir -p "$root/bin" "$root/usr/bin"
cp -L /bin/dash "$root/bin/sh"
have_locale=0
if [ -x /usr/bin/locale ]; then
    cp -L /usr/bin/locale "$root/usr/bin/locale"
    have_locale=1
fi

# Shared libraries: everything ldd reports for the binaries and the server modules
# (except llvmjit and sepgsql, which need libLLVM / libselinux), plus the loader.
ldd_targets=()
for b in "${PG_BINARIES[@]}"; do ldd_targets+=("$PG_BIN/$b"); done
[ "$have_locale" -eq 0 ] || ldd_targets+=(/usr/bin/locale)
for so in "$PG_LIB"/*.so; do
    case ${so##*/} in llvmjit* | sepgsql*) continue ;; esac
    ldd_targets+=("$so")
done
ldd_out=$(for t in "${ldd_targets[@]}"; do ldd "$t"; done)
if grep -q 'not found' <<<"$ldd_out"; then
    grep 'not found' <<<"$ldd_out" | sort -u | sed "s/^/$PROG:   /" >&2
    die "ldd reports missing libraries on the host"
fi
mapfile -t libs < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out" | sort -u)
[ "${#libs[@]}" -gt 0 ] || die "ldd reported no libraries"
copy_same "${libs[@]}"
log "staged ${#libs[@]} shared libraries"

# Users, directories, entrypoint.
mkdir -p "$root/etc"
printf 'root:x:0:0:root:/root:/bin/sh\npostgres:x:%s:%s::/var/lib/postgresql:/bin/sh\n' "$PG_UID" "$PG_GID" >"$root/etc/passwd"
printf 'root:x:0:\npostgres:x:%s:\n' "$PG_GID" >"$root/etc/group"
mkdir -p "$root/var/lib/postgresql/data" "$root/var/run/postgresql" "$root/tmp" \
    "$root/docker-entrypoint-initdb.d" "$root/root" "$root/usr/local/bin"
chown -R 0:0 "$root"
chown "$PG_UID:$PG_GID" "$root/var/lib/postgresql" "$root/var/lib/postgresql/data" "$root/var/run/postgresql"
chmod 755 "$root" "$root/var/lib/postgresql" "$root/docker-entrypoint-initdb.d"
chmod 700 "$root/var/lib/postgresql/data" "$root/root"
chmod 3777 "$root/var/run/postgresql"
chmod 1777 "$root/tmp"
cp "$ENTRYPOINT_SRC" "$root/usr/local/bin/docker-entrypoint.sh"
chmod 755 "$root/usr/local/bin/docker-entrypoint.sh"

log "staged $(find "$root" | wc -l) files, $(du -sh "$root" | cut -f1); importing into docker"

# --- import --------------------------------------------------------------------
old_id=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
new_id=$(tar -C "$root" --numeric-owner -cf - . | docker import \
    -c "ENV PATH=$PG_BIN:/usr/local/bin:/usr/bin:/bin" \
    -c 'ENV PGDATA=/var/lib/postgresql/data' \
    -c 'ENV LANG=C.UTF-8' \
    -c "LABEL ci.entrypoint-sha256=$entrypoint_sum" \
    -c "LABEL ci.postgres-version=\"$pg_version\"" \
    -c "USER $PG_UID" \
    -c 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    -c 'CMD ["postgres"]' \
    -c 'EXPOSE 5432' \
    - "$IMAGE") || die "docker import failed"

if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
    # The previous build is now untagged; remove it unless containers still use it.
    docker rmi "$old_id" >/dev/null 2>&1 || log "note: previous image ${old_id#sha256:} still in use; not removed"
fi

log "built $IMAGE (${new_id#sha256:}, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%.1f MB", $1 / 1e6 }'))"
