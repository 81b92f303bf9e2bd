#!/usr/bin/env bash
# Guest MIPS of the simulator and of qemu-system-aarch64 on the same ELF, in the same run.
# Needs aarch64-linux-gnu-gcc and qemu-system-aarch64 (Debian: gcc-aarch64-linux-gnu, qemu-system-arm).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
work="$(mktemp -d)"
aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none -o "$work/loop.elf" "$here/tight-loop.S"
insns=$((7 * 100000000 + 9))
echo "tight loop: $insns guest instructions"
t0=$(date +%s.%N)
"$root/levitate" run --stats "$work/loop.elf"
t1=$(date +%s.%N)
echo "levitate (whole command, JVM start included): $(echo "$insns / (($t1 - $t0) * 1000000)" | bc -l | cut -c1-6) MIPS"
t0=$(date +%s.%N)
qemu-system-aarch64 -M virt -cpu cortex-a53 -nographic -nic none -semihosting -kernel "$work/loop.elf"
t1=$(date +%s.%N)
echo "qemu-system-aarch64 (whole command): $(echo "$insns / (($t1 - $t0) * 1000000)" | bc -l | cut -c1-6) MIPS"
rm -rf "$work"
