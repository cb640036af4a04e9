#!/usr/bin/env bash
# Fuzzes the holiday-file loader (fuzz/fuzz_targets/holiday_file.rs: HolidayFile::parse and
# DataSet::insert_checked on arbitrary bytes) with cargo-fuzz and libFuzzer, for a bounded time.
#
#   scripts/fuzz.sh [seconds]      default 60
#
# cargo-fuzz builds with nightly-only rustc flags (-Zsanitizer=address among them) and only the
# stable toolchain is installed here. RUSTC_BOOTSTRAP=1 lets stable rustc accept them; without
# it the build stops at the first crate with "the option `Z` is only accepted on the nightly
# compiler". libFuzzer itself comes as C++ source inside the libfuzzer-sys crate and is built
# with the machine's g++. The first build takes several minutes (every dependency is built
# again with coverage instrumentation); later ones reuse fuzz/target.
#
# A crash leaves its input in fuzz/artifacts/holiday_file/; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run holiday_file fuzz/artifacts/holiday_file/<file>
# The input's first byte picks the calendar, the second the year (see the target).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

# Seed the corpus with the real files, laid out as the target reads its input:
# [calendar index][year - 1950][file].
corpus=fuzz/corpus/holiday_file
mkdir -p "$corpus"
for file in holidays/*/*.json; do
    calendar=$(basename "$(dirname "$file")")
    year=$(basename "$file" .json)
    case "$calendar" in
        cn) index=0 ;;
        cn-xj) index=1 ;;
        cn-xj-kizilsu) index=2 ;;
        *) continue ;;
    esac
    offset=$((year - 1950))
    if ((offset < 0 || offset >= 200)); then
        continue
    fi
    {
        printf "\\x$(printf %02x "$index")\\x$(printf %02x "$offset")"
        cat "$file"
    } >"$corpus/seed-$calendar-$year"
done
# And one small file for each edge year the target can ask for (second byte 200 and up),
# saying it is for that year, so that the fuzzer starts at the edges of i32 and NaiveDate.
edge=0
for year in -2147483648 2147483647 -262144 262143 -1 0 1 9999; do
    {
        printf "\\x00\\x$(printf %02x $((200 + edge)))"
        printf '{"year": %s, "days": [{"name": "x", "date": "2026-01-01", "isOffDay": true}]}' "$year"
    } >"$corpus/seed-edge-$year"
    edge=$((edge + 1))
done

# -max_len: a year's notice is a few kilobytes; 64 KiB leaves room for anything plausible.
# -timeout: one input taking longer than 10 s is a hang worth reporting.
cargo fuzz run holiday_file "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1
