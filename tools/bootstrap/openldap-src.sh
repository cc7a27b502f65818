#!/bin/sh
# Fetch the OpenLDAP source of exactly the installed slapd and generate the
# headers an out-of-tree module needs.
#
# usage: openldap-src.sh DIR
#
# DIR/src is the tree, DIR/version the Debian source version it was made
# for. When that matches the installed slapd this does nothing and leaves
# DIR/version untouched, so make rebuilds nothing. When slapd changes, the
# tree is thrown away and fetched again: headers of another version would
# describe other structures than the running binary's.
set -eu
dir=${1:?usage: openldap-src.sh DIR}
version=$(dpkg-query -W -f='${source:Version}' slapd)
if [ -f "$dir/version" ] && [ "$(cat "$dir/version")" = "$version" ] &&
	[ -f "$dir/src/include/ldap_config.h" ]; then
	exit 0
fi

echo "openldap-src: fetching and configuring OpenLDAP $version" >&2
rm -rf "$dir"
mkdir -p "$dir/fetch"
(cd "$dir/fetch" && apt-get source -q --only-source "openldap=$version") \
	>"$dir/fetch.log" 2>&1 || { cat "$dir/fetch.log" >&2; exit 1; }
mv "$dir"/fetch/openldap-*/ "$dir/src"
rm -rf "$dir/fetch"

# Debian's own options, so that slap.h's structures match the installed
# binary. The perl and sql backends and the argon2 module are dropped: they
# are separate modules that change no structure in slap.h, and keeping them
# would need libperl-dev, unixodbc-dev and libargon2-dev for nothing.
options=$(grep -v '^#' "$dir/src/debian/configure.options" |
	grep -Ev '^--(enable-perl|enable-sql|with-odbc|enable-argon2|with-argon2)' | tr '\n' ' ')
# The options file quotes some values ('${prefix}/lib') for a shell to
# strip, as debian/rules' shell does.
eval "set -- $options"
(cd "$dir/src" && ./configure -q --prefix=/usr --sysconfdir=/etc \
	--localstatedir=/var --disable-perl --disable-sql --disable-argon2 \
	"$@" </dev/null >../configure.log 2>&1) ||
	{ tail -20 "$dir/configure.log" >&2; exit 1; }
make -s -C "$dir/src/include" ldap_config.h >/dev/null
echo "$version" >"$dir/version"
