#!/usr/bin/env bash
# Builds liblevitate_native.so for the host, and for AArch64 too when the cross compiler exists,
# into JNA's resource folders under OUT (target/classes). Never fails the Maven build: a missing
# compiler is written to OUT/levitate-native-build.txt and the backend then reports itself
# unsupported with that reason.
set -u
src="$(cd "$(dirname "$0")" && pwd)"
out="$1"
report="$out/levitate-native-build.txt"
mkdir -p "$out"
: > "$report"
flags=(-O2 -fPIC -shared -Wall -Wextra -Werror -Wl,-z,noexecstack -Wl,-z,relro)

build() { # compiler jna-dir asm-file
  local cc="$1" dir="$2" asm="$3"
  if ! command -v "$cc" >/dev/null 2>&1; then
    echo "$dir: not built: $cc not found" >> "$report"
    return 0
  fi
  mkdir -p "$out/$dir"
  if "$cc" "${flags[@]}" -o "$out/$dir/liblevitate_native.so" "$src/levitate_native.c" "$src/$asm" 2>"$out/$dir/build.log"; then
    echo "$dir: built with $cc" >> "$report"
    rm -f "$out/$dir/build.log"
  else
    echo "$dir: $cc failed: $(head -c 400 "$out/$dir/build.log")" >> "$report"
    rm -f "$out/$dir/liblevitate_native.so"
  fi
}

case "$(uname -m)" in
  x86_64)  build gcc linux-x86-64 switch_x86_64.S
           build aarch64-linux-gnu-gcc linux-aarch64 switch_aarch64.S ;;
  aarch64) build gcc linux-aarch64 switch_aarch64.S ;;
  *)       echo "$(uname -m): no cpu_switch_to for this architecture" >> "$report" ;;
esac
exit 0
