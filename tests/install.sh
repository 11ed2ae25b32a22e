# Installs into a staging DESTDIR, then builds and runs a program outside
# the tree with `pkg-config --cflags --libs kennel` against it.
. "$top_srcdir/tests/tap.sh"
plan 4
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
stage="$tmp/stage"
if $MAKE -C "$top_builddir" install DESTDIR="$stage" >"$tmp/install.log" 2>&1; then
  ok "make install DESTDIR=staging"
else
  fail "make install DESTDIR=staging"; diag < "$tmp/install.log"
fi
pcdir=$(find "$stage" -name kennel.pc -exec dirname {} \; | head -n 1)
libdir=$(find "$stage" -name 'libkennel.so' -exec dirname {} \; | head -n 1)
if [ -n "$pcdir" ] && [ -f "$stage/usr/local/include/kennel/kennel.h" -o -n "$(find "$stage" -name kennel.h)" ]; then
  ok "kennel.pc and headers installed"
else
  fail "kennel.pc and headers installed"
fi
flags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage" pkg-config --cflags --libs kennel)
case "$flags" in
  *-DKN_COLLECTOR_*) ok "pkg-config cflags name the collector: $flags" ;;
  *) fail "pkg-config cflags name the collector: $flags" ;;
esac
if $CC $KN_SAN_CFLAGS -o "$tmp/prog" "$top_srcdir/tests/install-prog.c" $flags \
     >"$tmp/cc.log" 2>&1 &&
   LD_LIBRARY_PATH="$libdir" "$tmp/prog" >"$tmp/run.log" 2>&1; then
  ok "out-of-tree program builds and runs: $(cat "$tmp/run.log")"
else
  fail "out-of-tree program builds and runs"; diag < "$tmp/cc.log"; diag < "$tmp/run.log"
fi
finish
