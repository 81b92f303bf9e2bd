#!/usr/bin/env bash
# The simulator's cycle model against llvm-mca -mcpu=cortex-a53, cycles per loop iteration, on the
# kernels in backend-sim/src/test/resources/dev/levitate/sim/cpu/kernels (CycleModelVsLlvmMcaTest).
# Needs llvm-mca (Debian: llvm) and aarch64-linux-gnu-as/objcopy (binutils-aarch64-linux-gnu).
# Prints the table of docs/cycle-model.md; fails if a kernel leaves the tolerance it states.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
cd "$root"
llvm-mca --version | grep -i version
mvn -B -q -o -pl backend-sim -am test -Dtest=CycleModelVsLlvmMcaTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dlevitate.requireTools=true > /dev/null
cat backend-sim/target/cycle-model-vs-llvm-mca.md
