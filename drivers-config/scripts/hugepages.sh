#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hugepages.sh: reserve hugepages for portlens (DPDK) and mount hugetlbfs.
#
# Reserves N pages of one size, spread evenly over the NUMA nodes when the host has them
# (DPDK allocates per socket, and a port's mbufs must live on its NIC's node), and mounts
# a hugetlbfs of that page size. Running it again with the same arguments changes nothing.
# --status only reports; --teardown gives the pages back and unmounts. Needs root, except
# for --status. Exit status: 0 done, 1 the kernel did not do what was asked, 2 bad usage.

set -euo pipefail

. "$(dirname "$(readlink -f "$0")")/messages.sh"
DEFAULT_PAGES=1024
PAGES=$DEFAULT_PAGES
SIZE=2M
MOUNT_DIR=
ACTION=reserve
SYSFS=${PL_SYSFS:-/sys}	# PL_SYSFS lets a test point the script at a fake tree

usage() {
	cat <<EOF
usage: $PROG [--pages N] [--size 2M|1G] [--mount DIR] [--status] [--teardown]

  --pages N     pages to reserve in total (default $DEFAULT_PAGES), spread over NUMA nodes
  --size S      page size: 2M (default) or 1G
  --mount DIR   hugetlbfs mount point (default /dev/hugepages for 2M,
                /dev/hugepages1G for 1G)
  --status      print reserved/free pages per node and the hugetlbfs mounts
  --teardown    unmount DIR and set the pages of that size back to 0
  -h, --help    this text
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--pages)
		[ $# -ge 2 ] || usage_error "--pages needs a number"
		PAGES=$2
		shift 2 ;;
	--pages=*) PAGES=${1#*=}; shift ;;
	--size)
		[ $# -ge 2 ] || usage_error "--size needs 2M or 1G"
		SIZE=$2
		shift 2 ;;
	--size=*) SIZE=${1#*=}; shift ;;
	--mount)
		[ $# -ge 2 ] || usage_error "--mount needs a directory"
		MOUNT_DIR=$2
		shift 2 ;;
	--mount=*) MOUNT_DIR=${1#*=}; shift ;;
	--status) ACTION=status; shift ;;
	--teardown) ACTION=teardown; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done

case "$PAGES" in
''|*[!0-9]*) usage_error "--pages must be a non-negative integer, not '$PAGES'" ;;
esac
PAGES=$((10#$PAGES))

case "$SIZE" in
2M|2m|2048k|2048kB) SIZE=2M; SIZE_KB=2048 ;;
1G|1g|1048576k|1048576kB) SIZE=1G; SIZE_KB=1048576 ;;
*) usage_error "--size must be 2M or 1G, not '$SIZE'" ;;
esac

if [ -z "$MOUNT_DIR" ]; then
	if [ "$SIZE" = 2M ]; then
		MOUNT_DIR=/dev/hugepages
	else
		MOUNT_DIR=/dev/hugepages1G
	fi
fi
# Canonical form without a trailing slash, as /proc/mounts shows it.
[ "$MOUNT_DIR" = / ] || MOUNT_DIR=${MOUNT_DIR%/}

GLOBAL_DIR=$SYSFS/kernel/mm/hugepages/hugepages-${SIZE_KB}kB

# The per-node pools for this size, one path per line; empty when the host has no NUMA
# information (then the global pool is the only one).
node_dirs() {
	local d
	for d in "$SYSFS"/devices/system/node/node[0-9]*/hugepages/hugepages-"${SIZE_KB}"kB; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

node_name() {
	# .../node3/hugepages/hugepages-2048kB -> node3
	local d=${1%/hugepages/*}
	echo "${d##*/}"
}

read_count() {
	cat "$1/$2" 2>/dev/null || echo 0
}

# Prints the hugetlbfs mounts: "DIR pagesize" per line.
hugetlbfs_mounts() {
	local dir type opts rest ps
	while read -r _ dir type opts rest; do
		[ "$type" = hugetlbfs ] || continue
		ps=default
		case ",$opts," in
		*,pagesize=*)
			ps=${opts#*pagesize=}
			ps=${ps%%,*} ;;
		esac
		echo "$dir $ps"
	done < /proc/mounts
}

# The page size (as hugetlbfs names it: 2M, 1024M, 1G...) in kB, for comparison.
pagesize_kb() {
	local v=$1 n
	case "$v" in
	default)
		awk '/^Hugepagesize:/ {print $2}' /proc/meminfo
		return ;;
	*[kK]) n=${v%?}; echo "$n" ;;
	*M) n=${v%M}; echo $((n * 1024)) ;;
	*G) n=${v%G}; echo $((n * 1024 * 1024)) ;;
	*) echo 0 ;;
	esac
}

show_status() {
	local d any=0 size_dir kb
	for size_dir in "$SYSFS"/kernel/mm/hugepages/hugepages-*kB; do
		[ -d "$size_dir" ] || continue
		kb=${size_dir##*hugepages-}
		kb=${kb%kB}
		printf '%-10s total %6s  free %6s  reserved-for-use %6s  surplus %6s\n' \
			"$((kb / 1024))M" "$(read_count "$size_dir" nr_hugepages)" \
			"$(read_count "$size_dir" free_hugepages)" \
			"$(read_count "$size_dir" resv_hugepages)" \
			"$(read_count "$size_dir" surplus_hugepages)"
		for d in "$SYSFS"/devices/system/node/node[0-9]*/hugepages/hugepages-"${kb}"kB; do
			[ -d "$d" ] || continue
			printf '  %-8s total %6s  free %6s\n' "$(node_name "$d")" \
				"$(read_count "$d" nr_hugepages)" "$(read_count "$d" free_hugepages)"
		done
	done
	echo "hugetlbfs mounts:"
	while read -r d kb; do
		[ -n "$d" ] || continue
		any=1
		echo "  $d (pagesize $kb)"
	done < <(hugetlbfs_mounts)
	[ "$any" = 1 ] || echo "  none"
}

need_root() {
	[ "$(id -u)" -eq 0 ] || EXIT=1 die "must run as root (writes $SYSFS and mounts hugetlbfs)"
}

# Sets the pool behind $1 (a sysfs hugepages dir) to $2 pages; prints old -> new.
set_pool() {
	local dir=$1 want=$2 label=$3 have got
	have=$(read_count "$dir" nr_hugepages)
	if [ "$have" -eq "$want" ]; then
		say "$label: $have x $SIZE pages already reserved"
		return 0
	fi
	if ! echo "$want" > "$dir/nr_hugepages" 2>/dev/null; then
		die "$label: cannot write $dir/nr_hugepages"
	fi
	got=$(read_count "$dir" nr_hugepages)
	say "$label: $have -> $got x $SIZE pages (asked $want)"
	if [ "$got" -ne "$want" ]; then
		SHORT=1
	fi
}

reserve() {
	local dirs n i per extra want d total=0
	[ -d "$GLOBAL_DIR" ] || die "the kernel has no $SIZE hugepages ($GLOBAL_DIR missing);" \
		"1G pages need CPU support (pdpe1gb) and often hugepagesz=1G on the kernel command line"
	SHORT=0
	mapfile -t dirs < <(node_dirs)
	n=${#dirs[@]}
	if [ "$n" -eq 0 ]; then
		set_pool "$GLOBAL_DIR" "$PAGES" "global"
	else
		# Spread evenly; the first (PAGES % n) nodes take one more.
		per=$((PAGES / n))
		extra=$((PAGES % n))
		for ((i = 0; i < n; i++)); do
			d=${dirs[$i]}
			want=$per
			[ "$i" -lt "$extra" ] && want=$((want + 1))
			set_pool "$d" "$want" "$(node_name "$d")"
		done
	fi
	if [ "$n" -eq 0 ]; then
		total=$(read_count "$GLOBAL_DIR" nr_hugepages)
	else
		for d in "${dirs[@]}"; do
			total=$((total + $(read_count "$d" nr_hugepages)))
		done
	fi
	say "total $SIZE pages reserved: $total ($((total * SIZE_KB / 1024)) MiB)"
	if [ "$SHORT" = 1 ]; then
		echo "$PROG: error: the kernel reserved fewer pages than asked (memory too" \
			"fragmented or too small); free memory or reserve at boot" \
			"(hugepages= on the kernel command line)" >&2
		return 1
	fi
	return 0
}

mount_fs() {
	local dir ps found=0
	while read -r dir ps; do
		[ "$dir" = "$MOUNT_DIR" ] || continue
		found=1
		if [ "$(pagesize_kb "$ps")" = "$SIZE_KB" ]; then
			say "hugetlbfs (pagesize $SIZE) already mounted on $MOUNT_DIR"
			return 0
		fi
		die "$MOUNT_DIR is a hugetlbfs of page size $ps, not $SIZE; choose another --mount"
	done < <(hugetlbfs_mounts)
	if [ "$found" = 0 ] && mountpoint -q "$MOUNT_DIR" 2>/dev/null; then
		die "$MOUNT_DIR already has a mount that is not hugetlbfs; choose another --mount"
	fi
	if [ -e "$MOUNT_DIR" ] && [ ! -d "$MOUNT_DIR" ]; then
		die "$MOUNT_DIR exists and is not a directory"
	fi
	mkdir -p "$MOUNT_DIR" || die "cannot create $MOUNT_DIR"
	mount -t hugetlbfs -o "pagesize=$SIZE" nodev "$MOUNT_DIR" ||
		die "mount -t hugetlbfs -o pagesize=$SIZE nodev $MOUNT_DIR failed"
	say "mounted hugetlbfs (pagesize $SIZE) on $MOUNT_DIR"
}

teardown() {
	local dir ps d dirs rc=0 inuse
	while read -r dir ps; do
		[ "$dir" = "$MOUNT_DIR" ] || continue
		if [ "$(pagesize_kb "$ps")" != "$SIZE_KB" ]; then
			say "$MOUNT_DIR is a hugetlbfs of page size $ps, not $SIZE: left mounted"
			continue
		fi
		if umount "$MOUNT_DIR"; then
			say "unmounted $MOUNT_DIR"
			rmdir "$MOUNT_DIR" 2>/dev/null && say "removed empty directory $MOUNT_DIR"
		else
			echo "$PROG: error: cannot unmount $MOUNT_DIR (a process still uses it?)" >&2
			rc=1
		fi
	done < <(hugetlbfs_mounts)
	if [ -d "$GLOBAL_DIR" ]; then
		mapfile -t dirs < <(node_dirs)
		if [ "${#dirs[@]}" -eq 0 ]; then
			dirs=("$GLOBAL_DIR")
		fi
		for d in "${dirs[@]}"; do
			if [ "$d" = "$GLOBAL_DIR" ]; then
				set_pool "$d" 0 "global"
			else
				set_pool "$d" 0 "$(node_name "$d")"
			fi
		done
		inuse=$(read_count "$GLOBAL_DIR" nr_hugepages)
		if [ "$inuse" -ne 0 ]; then
			echo "$PROG: warning: $inuse x $SIZE pages are still in use and will be" \
				"freed when their owner exits" >&2
		fi
	else
		say "the kernel has no $SIZE hugepages: nothing to give back"
	fi
	return "$rc"
}

case "$ACTION" in
status)
	show_status ;;
reserve)
	need_root
	rc=0
	reserve || rc=1
	mount_fs
	exit "$rc" ;;
teardown)
	need_root
	teardown ;;
esac
