#!/bin/sh
# check_package.sh BUILD_DIR: builds the Debian package with cpack in a scratch folder and checks
# what it holds: the two programs, the unit, the environment file (root-only, a conffile), the
# maintainer scripts, and its dependencies.
set -eu
build=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp" >"$tmp/cpack.log" 2>&1 || {
    cat "$tmp/cpack.log"
    exit 1
}
deb=$(ls "$tmp"/*.deb)
contents=$(dpkg-deb -c "$deb")
echo "$contents"
fail() { echo "FAILED: $1"; exit 1; }
for path in ./usr/bin/cosmos-server ./usr/bin/repo-tool ./usr/lib/systemd/system/cosmos-server.service \
    ./etc/default/cosmos-server; do
    echo "$contents" | grep -q " $path\$" || fail "$path is missing"
done
echo "$contents" | grep " ./etc/default/cosmos-server\$" | grep -q '^-rw-------' ||
    fail "/etc/default/cosmos-server must be readable by root only"
dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm conffiles; do
    [ -f "$tmp/control/$script" ] || fail "control file $script is missing"
done
grep -q '^/etc/default/cosmos-server$' "$tmp/control/conffiles" || fail "the environment file is not a conffile"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
echo "$depends" | grep -q adduser || fail "adduser is not a dependency"
echo "$depends" | grep -q libzookeeper-mt || fail "the ZooKeeper client library is not a dependency"
# The packaged server runs.
mkdir "$tmp/root"
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/cosmos-server" --help | grep -q COSMOS_ZOOKEEPER_URI || fail "cosmos-server --help"
grep -q '^COSMOS_' "$tmp/root/etc/default/cosmos-server" || fail "no COSMOS_ variable in the environment file"
grep -q 'COSMOS_ZOOKEEPER_URI' "$tmp/root/etc/default/cosmos-server" || fail "no ZooKeeper URI in the environment file"
echo "package ok: $(basename "$deb")"
