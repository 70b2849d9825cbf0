#!/usr/bin/env bash
# Builds the image's operating-system and Java layers from what this machine has, so that the image needs no
# base image from a registry:
#   <out>/java   /opt/java: a Java runtime made by jlink (from the JDK running the build) with the modules the
#                launcher needs
#   <out>/os     the C library and the dynamic loader that runtime links against (found with ldd), a few more
#                shared libraries native code in the jars loads (libstdc++, libgcc_s, libz), /etc/passwd and
#                /etc/group with the non-root user, /etc/nsswitch.conf, and the empty directories /tmp,
#                /etc/crossbar and /var/lib/crossbar
#
# usage: build-runtime.sh JDK_HOME MODULES OUT_DIR UID
set -euo pipefail
jdk="$1"; modules="$2"; out="$3"; uid="$4"


[[ -x "$jdk/bin/jlink" ]] || { echo "build-runtime: no jlink in $jdk (the image needs a JDK, not a JRE)" >&2; exit 1; }
rm -rf "$out/java" "$out/os"
mkdir -p "$out/os"

start=$(date +%s)
# Desktop and sound libraries are left out: the launcher runs headless, and they would pull X11 and ALSA in.
"$jdk/bin/jlink" --add-modules "$modules" --output "$out/java/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --exclude-files='**/libawt_xawt.so,**/libjsound.so,**/libsplashscreen.so,**/libfontmanager.so,**/libjawt.so,**/liblcms.so,**/libmlib_image.so,**/libjavajpeg.so,**/libfreetype.so'
version="$("$out/java/opt/java/bin/java" -version 2>&1)"
echo "build-runtime: jlink ${version%%$'\n'*} in $(( $(date +%s) - start ))s"

# Shared libraries: whatever the runtime's executables and libraries need, plus those the jars' native
# libraries (netty, sqlite-jdbc, zstd-jni, snappy, jffi) commonly load.
libs="$(mktemp)"
trap 'rm -f "$libs"' EXIT
find "$out/java" -type f \( -name '*.so' -o -perm -u+x \) -print0 | while IFS= read -r -d '' f; do
  ldd "$f" 2>/dev/null | awk '/=> \// {print $3} /^\s*\/.*ld-linux/ {print $1}' || true
done >"$libs"
# (Whole outputs are read, never cut short: with pipefail, a writer killed by SIGPIPE would fail the build.)
cache="$(ldconfig -p)"
for extra in libstdc++.so.6 libgcc_s.so.1 libz.so.1 libresolv.so.2 libnss_dns.so.2 libnss_files.so.2 librt.so.1 libutil.so.1; do
  awk -v n="$extra" '$1 == n && /x86-64/ && !found {print $NF; found = 1}' <<<"$cache" >>"$libs"
done
sort -u "$libs" | while read -r lib; do
  [[ -n "$lib" && -e "$lib" ]] || continue
  case "$lib" in "$out"/*) continue ;; esac
  dest="$out/os$lib"
  mkdir -p "$(dirname "$dest")"
  cp -L "$lib" "$dest"
done
# The loader, at the path the executables name as their interpreter.
headers="$(readelf -l "$out/java/opt/java/bin/java")"
interp="$(sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p' <<<"$headers")"
mkdir -p "$out/os$(dirname "$interp")"
cp -L "$interp" "$out/os$interp"

mkdir -p "$out/os/etc" "$out/os/tmp" "$out/os/etc/crossbar" "$out/os/var/lib/crossbar"
cat >"$out/os/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:$uid:$uid:crossbar:/var/lib/crossbar:/sbin/nologin
PASSWD
cat >"$out/os/etc/group" <<GROUP
root:x:0:
nonroot:x:$uid:
GROUP
printf 'hosts: files dns\n' >"$out/os/etc/nsswitch.conf"
echo "build-runtime: $(find "$out/os" -type f -name '*.so*' | wc -l) shared libraries; java $(du -sh "$out/java" | cut -f1), os $(du -sh "$out/os" | cut -f1)"
