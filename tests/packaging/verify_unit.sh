#!/bin/sh
# verify_unit.sh UNIT BINARY: `systemd-analyze verify` on the service unit, with ExecStart pointed
# at the built binary (verify wants it to exist). Exit 77 (a skip for ctest) where systemd-analyze
# is not installed.
unit=$1
binary=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIPPED: systemd-analyze is not installed on this machine"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s#^ExecStart=/usr/bin/cosmos-server#ExecStart=$binary#" "$unit" >"$tmp/cosmos-server.service"
output=$(systemd-analyze verify "$tmp/cosmos-server.service" 2>&1)
status=$?
echo "$output"
# Complaints about other units of this machine are not ours.
if echo "$output" | grep -q "cosmos-server.service"; then
    exit 1
fi
exit $status
