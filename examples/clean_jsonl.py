"""Pipeline example: clean the text field of every record of a JSONL stream.

    python examples/clean_jsonl.py records.jsonl > cleaned.jsonl
    cat records.jsonl | python examples/clean_jsonl.py --field body - > cleaned.jsonl

Each output record is the input record with its text replaced by the
canonical text and a ``dedupe`` entry saying what was removed.
"""

from __future__ import annotations

import argparse
import json
import sys

import dedupe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="JSONL file, or - for standard input")
    parser.add_argument("--field", default="text", help="field holding the text (default: text)")
    args = parser.parse_args()
    options = dedupe.Options()  # build once, reuse for every record
    source = sys.stdin if args.input == "-" else open(args.input, encoding="utf-8")
    with source:
        for lineno, line in enumerate(source, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record.get(args.field)
            if not isinstance(text, str):
                print(f"line {lineno}: no string field {args.field!r}, passed through", file=sys.stderr)
            else:
                result = dedupe.clean(text, options)
                record[args.field] = result.text
                record["dedupe"] = {
                    "removed": len(result.removed),
                    "removed_chars": sum(r.end - r.start for r in result.removed),
                    "kinds": sorted({r.kind for r in result.removed}),
                }
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
