#!/usr/bin/env bash
# The README's test command on a fresh, minimal Debian 12 machine.
#
# Builds a minimal Debian 12 root with debootstrap (--variant=minbase, what
# the debian:12 container image holds), clones the current commit into it,
# runs the install step with the network, then the README's test command
# (`bash .ci/test`) as root, with no standard input, CI=true, and no network
# at all (a network namespace of its own: `unshare -n`), and prints the time
# of each phase and the result. Needs root and a few minutes; it is not part
# of .ci/run. Run it whenever you change what the project installs or calls.
#
# usage: sudo tests/fresh-machine.sh [--keep] [--root DIR] [--commit REV]
#   --keep        leave the root in place (it is removed otherwise)
#   --root DIR    where to build the root (default: a new folder under /var/tmp)
#   --commit REV  what to clone (default: HEAD; uncommitted changes are not tested)
# Environment: FRESH_MIRROR (default http://deb.debian.org/debian),
# FRESH_CACHE=DIR keeps debootstrap's downloaded packages there between runs
# (the root itself is always new).
set -euo pipefail

keep=0
root=
rev=HEAD
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--root) root=$2; shift ;;
	--commit) rev=$2; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "fresh-machine.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "fresh-machine.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "needs debootstrap: apt-get install debootstrap"
command -v unshare >/dev/null || die "needs unshare (util-linux)"

repo=$(cd "$(dirname "$0")/.." && pwd)
commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}") || die "no such commit: $rev"
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
[ -n "$root" ] || root=$(mktemp -d /var/tmp/isokiosk-fresh.XXXXXX)
# the root's / as on any machine: mktemp made it 0700, which no user but
# root can enter (e2e-staff runs the program as nobody)
chmod 755 "$root"
mkdir -p "$root"
[ -z "$(ls -A "$root")" ] || die "$root is not empty"

mounted=()
cleanup() {
	local m i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		m=${mounted[i]}
		umount -l "$m" 2>/dev/null || true
	done
	if [ "$keep" -eq 0 ]; then
		rm -rf --one-file-system "$root"
	else
		echo "fresh-machine.sh: the root is kept in $root"
	fi
}
trap cleanup EXIT

bind() { # bind SRC DEST [mount options...]
	local src=$1 dst=$root$2
	shift 2
	mkdir -p "$dst"
	mount "$@" "$src" "$dst"
	mounted+=("$dst")
}

now() { date +%s; }
elapsed() { echo "$(( $(now) - $1 )) s"; }

echo "== fresh machine: Debian 12 (minbase) in $root, commit ${commit:0:12}"
t=$(now)
cache_opt=()
if [ -n "${FRESH_CACHE:-}" ]; then
	mkdir -p "$FRESH_CACHE"
	cache_opt=(--cache-dir="$(cd "$FRESH_CACHE" && pwd)")
fi
debootstrap --variant=minbase "${cache_opt[@]}" bookworm "$root" "$mirror" \
	>"$root.debootstrap.log" 2>&1 || { tail -20 "$root.debootstrap.log"; die "debootstrap failed"; }
rm -f "$root.debootstrap.log"
t_root=$(elapsed "$t")
echo "== root made in $t_root"

# What a fresh machine has besides its files: /proc, /dev (ptys for tmux),
# /sys, a writable /dev/shm and /tmp, and a name server for apt.
bind proc /proc -t proc
bind sysfs /sys -t sysfs
bind /dev /dev --bind
bind devpts /dev/pts -t devpts -o newinstance,ptmxmode=0666
bind tmpfs /dev/shm -t tmpfs
cp /etc/resolv.conf "$root/etc/resolv.conf"
# A network that intercepts TLS (a company proxy, this sandbox) trusts its own
# authorities; the machine's local ones go into the root, to be installed with
# ca-certificates, and node is pointed at the system bundle (npm's registry).
extra_env=()
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
	mkdir -p "$root/usr/local/share/ca-certificates"
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
	extra_env=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
fi

# The project as a new user gets it: a clone of the commit, nothing else.
git clone -q --no-local "$repo" "$root/root/isokiosk"
git -C "$root/root/isokiosk" checkout -q "$commit"

# in_root COMMAND...: run in the root as a new root login would, with no
# standard input and no terminal; $pre (e.g. "unshare -n") wraps the chroot.
pre=()
in_root() {
	"${pre[@]}" chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 "${extra_env[@]}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		CI=true bash -c 'cd /root/isokiosk && "$@"' bash "$@" </dev/null
}

status=0
echo "== install step (with the network): bash .ci/install"
t=$(now)
in_root bash .ci/install || status=$?
t_install=$(elapsed "$t")
echo "== install step: $t_install, status $status"

if [ "$status" -eq 0 ]; then
	echo "== the README's test command with no network (unshare -n): bash .ci/test"
	pre=(unshare -n)
	t=$(now)
	in_root bash .ci/test || status=$?
	t_test=$(elapsed "$t")
	echo "== build and tests: $t_test, status $status"
fi

echo
echo "== fresh machine summary (commit ${commit:0:12})"
echo "   root (debootstrap): $t_root"
echo "   install step:       $t_install"
echo "   build + tests:      ${t_test:-not run} (no network)"
if [ "$status" -eq 0 ]; then
	echo "   result: PASSED"
else
	echo "   result: FAILED (status $status)"
fi
exit "$status"
