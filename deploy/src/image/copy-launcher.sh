#!/usr/bin/env bash
# Copies the launcher into the image's directories, exactly as the app module packaged it: crossbar.jar and the
# jars its manifest's Class-Path names (nothing else that may lie in app/target/lib). Crossbar's own jars go to
# <out>/app (with crossbar.jar: the image's top layer), the third-party ones to <out>/libs.
#
# usage: copy-launcher.sh APP_TARGET OUT_DIR
set -euo pipefail
app="$1"; out="$2"

[[ -f "$app/crossbar.jar" ]] || { echo "copy-launcher: $app/crossbar.jar is missing: build the app module first (from the repository root: ./mvnw -pl deploy -am package)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "copy-launcher: unzip is needed to read the launcher's manifest" >&2; exit 1; }
rm -rf "$out/app" "$out/libs"
mkdir -p "$out/app/lib" "$out/libs"
cp "$app/crossbar.jar" "$out/app/crossbar.jar"
entries=$(unzip -p "$app/crossbar.jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n '/^Class-Path:/,/^[A-Z][A-Za-z-]*:/p' \
  | sed -e 's/^Class-Path: //' -e '/^[A-Z][A-Za-z-]*:/d' -e 's/^ //' | tr -d '\n')
[[ -n "$entries" ]] || { echo "copy-launcher: $app/crossbar.jar has no Class-Path" >&2; exit 1; }
missing=0; count=0
for entry in $entries; do
  if [[ ! -f "$app/$entry" ]]; then
    echo "copy-launcher: $app/$entry (on the launcher's Class-Path) is missing" >&2; missing=1; continue
  fi
  case "$(basename "$entry")" in
    crossbar-*) cp "$app/$entry" "$out/app/lib/" ;;
    *) cp "$app/$entry" "$out/libs/" ;;
  esac
  count=$((count + 1))
done
(( missing == 0 )) || exit 1
echo "copy-launcher: crossbar.jar and the $count jars of its Class-Path ($(ls "$out/app/lib" | wc -l) of them Crossbar's)"
