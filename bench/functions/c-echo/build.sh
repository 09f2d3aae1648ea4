#!/bin/sh
# Builds the c-echo custom-runtime bootstrap next to this script (or at the path given as $1).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/bootstrap"}
${CC:-gcc} -O2 -Wall -Wextra -o "$out" "$here/bootstrap.c"
