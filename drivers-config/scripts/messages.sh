# SPDX-License-Identifier: BSD-3-Clause
#
# messages.sh: how the host scripts speak, sourced by each (not run on its own). Every line
# starts with the script's name; errors and warnings go to stderr. die exits with $EXIT
# (1 unless the caller sets it), usage_error prints the script's usage() and exits 2.

PROG=${0##*/}

die() {
	echo "$PROG: error: $*" >&2
	exit "${EXIT:-1}"
}

warn() {
	echo "$PROG: warning: $*" >&2
}

usage_error() {
	echo "$PROG: $*" >&2
	usage >&2
	exit 2
}

say() {
	echo "$PROG: $*"
}
