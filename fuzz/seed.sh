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

echo "policy_text: $(find "$text" -type f | wc -l) seeds; facts_json: $(find "$facts" -type f | wc -l) seeds"
