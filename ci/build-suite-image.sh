#!/usr/bin/env bash
# ci/build-suite-image.sh - the suite's container image, from a binary built
# here, without any registry: the image the Dockerfile makes, for a machine
# that pulls none (this one).
#
# Usage (as root, with a running docker daemon, see ci/docker-up.sh):
#   ci/build-suite-image.sh BINARY [IMAGE]     (IMAGE default: local/todo-conformance:ci)
#
# Stages a root filesystem in a temporary directory: BINARY, stripped, as
# /todo-conformance, the shared libraries ldd reports for it (none for a
# static musl build), a writable /out owned by uid 65532 and /tmp; and
# imports it with `tar --numeric-owner | docker import`, entrypoint the
# suite, user 65532 (distroless's "nonroot"), working directory /out. Like
# the Dockerfile's image: no shell, no CA files (rustls with the webpki roots
# compiled in), so `docker run --rm -v "$PWD/out:/out" IMAGE --base-url URL
# --junit /out/conformance.xml` works the same.
# Prints the image's size on stdout, in bytes; progress goes to stderr.
set -euo pipefail

PROG=$(basename "$0")
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

case "${1:-}" in
'' | -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac
BINARY=$1
IMAGE=${2:-local/todo-conformance:ci}
NONROOT=65532

[ -x "$BINARY" ] || die "not an executable: $BINARY"
command -v docker >/dev/null 2>&1 || die "docker client not found; run ci/docker-up.sh first"
docker info >/dev/null 2>&1 || die "docker daemon not reachable ('docker info' fails); run ci/docker-up.sh first"
[ "$(id -u)" -eq 0 ] || die "must run as root (the staged files need uid 0 and $NONROOT ownership)"

root=$(mktemp -d "${TMPDIR:-/tmp}/suite-image-root.XXXXXX")
trap 'rm -rf "$root"' EXIT

# The binary, stripped in the copy: a debug build's symbols are most of it.
cp -L "$BINARY" "$root/todo-conformance"
strip "$root/todo-conformance"
chmod 755 "$root/todo-conformance"

# Shared libraries and the loader, as ldd reports them (a static binary has
# none: ldd says "not a dynamic executable" and exits 1).
ldd_out=$(ldd "$BINARY" 2>&1 || true)
if grep -q 'not found' <<<"$ldd_out"; then
    grep 'not found' <<<"$ldd_out" | sed "s/^/$PROG:   /" >&2
    die "ldd reports missing libraries for $BINARY"
fi
mapfile -t libs < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_out" | sort -u)
for lib in "${libs[@]}"; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
log "staged ${#libs[@]} shared libraries"

# The user, for tools that look it up; the report folder and /tmp.
mkdir -p "$root/etc" "$root/out" "$root/tmp"
printf 'root:x:0:0:root:/:/sbin/nologin\nnonroot:x:%s:%s:nonroot:/out:/sbin/nologin\n' \
    "$NONROOT" "$NONROOT" >"$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:%s:\n' "$NONROOT" >"$root/etc/group"
chown -R 0:0 "$root"
chown "$NONROOT:$NONROOT" "$root/out"
chmod 755 "$root" "$root/out"
chmod 1777 "$root/tmp"

old_id=$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)
new_id=$(tar -C "$root" --numeric-owner -cf - . | docker import \
    -c "USER $NONROOT:$NONROOT" \
    -c 'WORKDIR /out' \
    -c 'ENTRYPOINT ["/todo-conformance"]' \
    - "$IMAGE") || die "docker import failed"
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
    docker rmi "$old_id" >/dev/null 2>&1 || log "note: previous image ${old_id#sha256:} still in use; not removed"
fi
size=$(docker image inspect -f '{{.Size}}' "$IMAGE")
log "built $IMAGE (${new_id#sha256:}): $(awk -v s="$size" 'BEGIN { printf "%.1f MB", s / 1e6 }')"
echo "$size"
