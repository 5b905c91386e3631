#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# veth_afxdp: test_veth_afpacket.sh on net_af_xdp: portlens on one end of a veth pair in a
# network namespace through an AF_XDP socket (the interface prepared by af-xdp-setup.sh),
# tcpreplay into the other end; the final snapshot must account for every replayed frame.
# usage: test_veth_afxdp.sh PORTLENS [PL_GEN]
PL_VETH_PMD=af_xdp exec "$(dirname "$0")/test_veth_afpacket.sh" "$@"
