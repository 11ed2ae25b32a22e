# configure refuses bad values with errors that say what is valid.
. "$top_srcdir/tests/tap.sh"
plan 6
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cfg="$(cd "$top_srcdir" && pwd)/configure"

expect_error() { # DESCRIPTION PATTERN ARGS...
  d=$1 pat=$2; shift 2
  if (cd "$tmp" && "$cfg" "$@" >out.txt 2>err.txt); then
    fail "$d (configure succeeded)"
  elif grep -q -- "$pat" "$tmp/err.txt"; then
    ok "$d"
  else
    fail "$d"; diag < "$tmp/err.txt"
  fi
}
expect_error "unknown collector lists the valid ones" \
  "unknown collector 'bogus'; valid collectors: semi pcc gen-ms block-persist" \
  --with-collector=bogus
expect_error "unknown collector in --enable-collectors" \
  "unknown collector 'nope'" --enable-collectors=semi,nope
expect_error "empty collector name" "unknown collector ''" --with-collector=
expect_error "bad sanitizer list" "is not one of" --with-collector=semi --enable-sanitizers=leaky
expect_error "conservative stack mode only where a collector has one" \
  "collector 'semi' has no conservative stack mode" --with-collector=semi --enable-conservative-stack

if "$cfg" --help | grep -q -- '--with-collector=NAME' &&
   "$cfg" --help | grep -q -- '--enable-collectors=LIST'; then
  ok "--help documents the collector options"
else
  fail "--help documents the collector options"
fi
finish
