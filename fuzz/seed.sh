#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets from the repository's own
# policies and examples. Run from the repository root: fuzz/seed.sh
set -euo pipefail

if [[ ! -d fuzz || ! -d policies || ! -d examples ]]; then
    echo "run this from the repository root: fuzz/seed.sh" >&2
    exit 2
fi

text=fuzz/corpus/policy_text
facts=fuzz/corpus/facts_json
mkdir -p "$text" "$facts"

# policy_text: every policy file as it is.
find policies tests/fixtures -type f -name '*.policy' -print0 | sort -z |
    while IFS= read -r -d '' path; do
        cp "$path" "$text/$(echo "$path" | tr '/' '_')"
    done

# facts_json: one selector byte, then the file. The selector is the policy
# (0 IRTS, 1 IMR, 2 recovery services), plus 3 for YAML.
seed_facts() {
    local dir=$1 policy=$2
    find "$dir" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z |
        while IFS= read -r -d '' path; do
            local selector=$policy
            case "$path" in
                *.yaml | *.yml) selector=$((policy + 3)) ;;
            esac
            {
                printf "\\$(printf '%03o' "$selector")"
                cat "$path"
            } >"$facts/$(echo "$path" | tr '/' '_')"
        done
}
seed_facts examples/irts 0
seed_facts examples/imr 1
seed_facts examples/recovery 2

# Shapes the files above never reach: one very long line, and deep nesting of
# every construct that nests (if, list of, brackets, criteria lists).
repeat() { local n=$1 text=$2; local out=""; for ((i = 0; i < n; i++)); do out+=$text; done; printf '%s' "$out"; }
header='policy t title "T" jurisdiction "J" source "S" effective 2000-01-01 '
{ printf '%s' "$header"; printf 'facts { x: boolean } decision d: boolean "%s" cite "c" = x and nope\n' "$(repeat 4000 'words ')"; } >"$text/generated_long_line"
{ printf '%s' "$header"; printf 'facts { x: boolean } decision d: boolean cite "c" = '; repeat 2000 'if x then '; printf 'true'; repeat 2000 ' else false'; echo; } >"$text/generated_deep_if"
{ printf '%s' "$header"; printf 'facts { x: '; repeat 5000 'list of '; printf 'integer }\n'; } >"$text/generated_deep_list_of"
{ printf '%s' "$header"; printf 'facts { x: boolean } decision d: boolean cite "c" = '; repeat 500 'all of { '; printf 'x'; repeat 500 ' }'; echo; } >"$text/generated_deep_criteria"
{ printf '\000{"as_of":"2026-03-01","recipient":{"inpatient_hospitalizations":['; repeat 6000 '{"admitted":"2025-06-01"},'; printf '{"admitted":"yes"}]}, "x": 1, "x": 2}'; } >"$facts/generated_long_line"
{ printf '\000{"recipient":'; repeat 3000 '['; repeat 3000 ']'; printf '}'; } >"$facts/generated_deep"

echo "policy_text: $(find "$text" -type f | wc -l) seeds; facts_json: $(find "$facts" -type f | wc -l) seeds"
