#!/bin/sh
# Write a slapd.conf for one back-mdb database with the apppw overlay and
# the ACLs the README recommends (acl.conf, next to this script). The one
# configuration the demo (tools/demo), the tests (tests/lib) and the
# benchmark (the ACLs) share; none of them reads the others' files.
#
# usage: slapd-conf.sh DIR SUFFIX ROOTDN ROOTPW [DIRECTIVES [GLOBAL]]
#   DIR         holds the database (DIR/db) and the pid file
#   DIRECTIVES  overlay directives, one a line, after "overlay apppw"
#   GLOBAL      global directives, after the modules are loaded
set -eu
dir=$1 suffix=$2 rootdn=$3 rootpw=$4 directives=${5:-} global=${6:-}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

mkdir -p "$dir/db"
cat <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $top/schema/apppw.schema
pidfile $dir/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload $top/build/apppw.so
$global

# cn=config: root over ldapi may change it at run time
database config
access to *
	by dn.exact=gidNumber=$(id -g)+uidNumber=$(id -u),cn=peercred,cn=external,cn=auth manage
	by * none

database mdb
suffix "$suffix"
rootdn "$rootdn"
rootpw $rootpw
directory $dir/db
maxsize 1073741824
index objectClass eq
index uid eq

overlay apppw
$directives

CONF
sed -e "s/SUFFIX/$suffix/g" "$here/acl.conf"
