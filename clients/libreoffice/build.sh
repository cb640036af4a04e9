#!/usr/bin/env bash
# Builds the LibreOffice Calc extension: target/clients/qixian.oxt.
#
#   clients/libreoffice/build.sh                 # the service at http://127.0.0.1:8080
#   QIXIAN_URL=https://qixian.example.internal:8443 clients/libreoffice/build.sh
#
# QIXIAN_URL, when set, becomes the default service address of the built extension (each user
# can still change it in Tools > Options > qixian), so that an intranet's administrator can
# hand out an extension that works as installed.
#
# The type library (qixian.rdb) is compiled from idl/XQixian.idl by unoidl-write, from the
# LibreOffice SDK (Debian's libreoffice-dev), against the installed LibreOffice's types; the
# script installs the SDK with apt-get when it is missing (as root). The archive is made with
# Python's zipfile, with fixed timestamps, so that the same sources give the same bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out_dir=${QIXIAN_CLIENTS_OUT:-$repo/target/clients}
program=/usr/lib/libreoffice/program
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
url=${QIXIAN_URL:-http://127.0.0.1:8080}
url=${url%/}

url_form='^https?://[][A-Za-z0-9.:-]+(/[A-Za-z0-9._~/-]*)?$'
if ! [[ $url =~ $url_form ]]; then
    echo "build.sh: QIXIAN_URL=$url is not an http(s) address such as https://qixian.example.internal:8443" >&2
    exit 2
fi

unoidl_write=$(command -v unoidl-write || true)
[ -n "$unoidl_write" ] || [ ! -x /usr/lib/libreoffice/sdk/bin/unoidl-write ] ||
    unoidl_write=/usr/lib/libreoffice/sdk/bin/unoidl-write
if [ -z "$unoidl_write" ] || [ ! -f "$program/types.rdb" ] || [ ! -f "$program/types/offapi.rdb" ]; then
    echo "build.sh: installing the LibreOffice SDK (libreoffice-dev) for unoidl-write" >&2
    if [ "$(id -u)" != 0 ]; then
        echo "build.sh: not root; install libreoffice-dev (Debian) first" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq
    timeout 900 apt-get install -y -qq --no-install-recommends libreoffice-dev >/dev/null
    unoidl_write=/usr/lib/libreoffice/sdk/bin/unoidl-write
fi

stage="$out_dir/qixian-oxt"
rm -rf "$stage"
mkdir -p "$stage"
cp -R "$here/extension/." "$stage/"
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
sed -i "s|@VERSION@|$version|" "$stage/description.xml"
sed -i "s|<value>http://127.0.0.1:8080</value>|<value>$url</value>|" "$stage/registry/QixianOptions.xcs"
grep -qF "<value>$url</value>" "$stage/registry/QixianOptions.xcs"

# The new-format type library of org.qixian.calc.XQixian; the URE's and the office's types
# resolve what it refers to and are not copied into it.
"$unoidl_write" "$program/types.rdb" "$program/types/offapi.rdb" "$here/idl/XQixian.idl" "$stage/qixian.rdb"

python3 - "$stage" "$out_dir/qixian.oxt" <<'PY'
import os, sys, zipfile
stage, target = sys.argv[1], sys.argv[2]
files = sorted(
    os.path.relpath(os.path.join(root, name), stage)
    for root, _, names in os.walk(stage)
    for name in names
)
with zipfile.ZipFile(target + ".tmp", "w", zipfile.ZIP_DEFLATED) as oxt:
    for name in files:
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(stage, name), "rb") as f:
            oxt.writestr(info, f.read())
os.replace(target + ".tmp", target)
PY
echo "$out_dir/qixian.oxt (version $version, service $url)"
