"""Validates the FHIR and CDS Hooks documents policyc generates, with
implementations nobody on the project wrote.

    python3 tests/fhir/validate.py DIR

Every `*.json` in DIR is checked: FHIR resources (by `resourceType`) with the
`fhir.resources` package's R4B models; CDS Hooks discovery and card responses
(files named `cds-discovery*.json` and `cds-cards*.json`) with JSON Schemas
written from the CDS Hooks 2.0 specification (tests/fhir/*.schema.json),
checked by the `jsonschema` package. Exits 1 listing every failure.
"""

import json
import pathlib
import sys

import jsonschema
from fhir.resources.R4B import get_fhir_model_class

HERE = pathlib.Path(__file__).parent
SCHEMAS = {
    "cds-discovery": json.loads((HERE / "cds-hooks-discovery.schema.json").read_text()),
    "cds-cards": json.loads((HERE / "cds-hooks-cards.schema.json").read_text()),
}


def check(path):
    data = json.loads(path.read_text())
    for prefix, schema in SCHEMAS.items():
        if path.name.startswith(prefix):
            jsonschema.validate(data, schema)
            return prefix
    kind = data.get("resourceType")
    if kind is None:
        raise ValueError("neither a FHIR resource nor a CDS Hooks document")
    get_fhir_model_class(kind).model_validate(data)
    return kind


def main():
    folder = pathlib.Path(sys.argv[1])
    counts, failures = {}, []
    for path in sorted(folder.glob("*.json")):
        try:
            kind = check(path)
            counts[kind] = counts.get(kind, 0) + 1
        except Exception as error:  # every failure is reported, then exit 1
            failures.append(f"{path.name}: {error}")
    for failure in failures:
        print(failure, file=sys.stderr)
    print(", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())), "valid")
    sys.exit(1 if failures or not counts else 0)


if __name__ == "__main__":
    main()
