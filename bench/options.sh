# Option checks shared by bench/run and bench/compare (sourced, not run).
# Each one prints "$prog: --OPTION must be ..." and exits with status 2:
# a typo would otherwise surface minutes later as a failed run deep in a
# log, or as a table of empty rows. The caller sets `prog`.

# whole OPTION VALUE MIN: VALUE is a whole number >= MIN, written without
# leading zeros (bash arithmetic would read 010 as octal) and below 10^9.
whole() {
  [[ "$2" =~ ^(0|[1-9][0-9]{0,8})$ ]] && [ "$2" -ge "$3" ] || {
    echo "$prog: --$1 must be a whole number >= $3 (at most 9 digits, no leading zero), got '$2'" >&2
    exit 2; }
}
# decimal OPTION VALUE OP: VALUE is a decimal number without leading zeros
# (awk may read 010 as octal), > 0 (OP "gt") or >= 0 (OP "ge").
decimal() {
  [[ "$2" =~ ^(0|[1-9][0-9]{0,8})(\.[0-9]+)?$|^\.[0-9]+$ ]] &&
    awk -v v="$2" -v op="$3" 'BEGIN { exit !(op == "gt" ? v > 0 : v >= 0) }' || {
    local what="a number >= 0"; [ "$3" = gt ] && what="a number > 0"
    echo "$prog: --$1 must be $what, got '$2'" >&2; exit 2; }
}
# at_most OPTION VALUE MAX [WHY]: VALUE, already checked by whole or decimal,
# is at most MAX.
at_most() {
  awk -v v="$2" -v m="$3" 'BEGIN { exit !(v <= m) }' || {
    echo "$prog: --$1 must be at most $3${4:+ ($4)}, got '$2'" >&2; exit 2; }
}
