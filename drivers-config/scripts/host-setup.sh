#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# host-setup.sh: the host set-up the portlens service runs before each start
# (ExecStartPre), one step per call, each driven by the service's settings
# (/etc/default/portlens, passed in the environment by systemd):
#
#   host-setup.sh hugepages   PORTLENS_HUGEPAGES pages of PORTLENS_HUGEPAGE_SIZE (hugepages.sh)
#   host-setup.sh bind        PORTLENS_BIND_NICS to PORTLENS_BIND_DRIVER (bind-nic.sh)
#   host-setup.sh af-xdp      PORTLENS_AF_XDP_IFACES with PORTLENS_AF_XDP_QUEUES queues
#                             (af-xdp-setup.sh)
#
# A step whose setting is empty or 0 does nothing and succeeds, so the default service
# (a vdev, --no-huge) touches nothing on the host. Exit status: the step's, 2 bad usage.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
step=${1:-}

case "$step" in
hugepages)
	pages=${PORTLENS_HUGEPAGES:-0}
	if [ -z "$pages" ] || [ "$pages" = 0 ]; then
		echo "host-setup: hugepages: none asked (PORTLENS_HUGEPAGES=0)"
		exit 0
	fi
	exec "$here/hugepages.sh" --pages "$pages" --size "${PORTLENS_HUGEPAGE_SIZE:-2M}" ;;
bind)
	if [ -z "${PORTLENS_BIND_NICS:-}" ]; then
		echo "host-setup: bind: no NIC to bind (PORTLENS_BIND_NICS is empty)"
		exit 0
	fi
	# shellcheck disable=SC2086 # a list of PCI addresses
	exec "$here/bind-nic.sh" --bind "${PORTLENS_BIND_DRIVER:-vfio-pci}" $PORTLENS_BIND_NICS ;;
af-xdp)
	if [ -z "${PORTLENS_AF_XDP_IFACES:-}" ]; then
		echo "host-setup: af-xdp: no interface (PORTLENS_AF_XDP_IFACES is empty)"
		exit 0
	fi
	for i in $PORTLENS_AF_XDP_IFACES; do
		"$here/af-xdp-setup.sh" --iface "$i" --queues "${PORTLENS_AF_XDP_QUEUES:-1}"
	done ;;
*)
	echo "usage: host-setup.sh hugepages|bind|af-xdp (settings from /etc/default/portlens)" >&2
	exit 2 ;;
esac
