#!/bin/sh
# Derive the cn=config form of a schema file: schema2ldif.sh NAME < x.schema
# Comments are dropped; every definition becomes one olc value with its
# continuation lines kept, as slapd's own schema/*.ldif files are written.
set -eu
name=${1:?usage: schema2ldif.sh NAME < file.schema}
printf 'dn: cn=%s,cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: %s\n' \
	"$name" "$name"
awk '
	/^[ \t]*#/ || /^[ \t]*$/ { next }
	/^objectidentifier[ \t]/ { sub(/^objectidentifier[ \t]+/, ""); print "olcObjectIdentifier: " $0; next }
	/^attributetype[ \t]/ { sub(/^attributetype[ \t]+/, ""); print "olcAttributeTypes: " $0; next }
	/^objectclass[ \t]/ { sub(/^objectclass[ \t]+/, ""); print "olcObjectClasses: " $0; next }
	/^[ \t]/ { sub(/^[ \t]+/, ""); print "  " $0; next }
	{ print "schema2ldif: cannot convert: " $0 > "/dev/stderr"; exit 1 }
'
