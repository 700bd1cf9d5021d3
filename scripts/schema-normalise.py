#!/usr/bin/env python3
"""Turns the output of `diesel print-schema` for one engine into the backend-neutral form of the
committed schema.rs, so that scripts/check-schema.sh can compare both engines with that file.

Usage: scripts/schema-normalise.py sqlite|postgres HEADER_FILE < print-schema.rs > schema.rs

HEADER_FILE is the committed schema.rs: its leading `//!` lines (the module's doc comment) are kept
on top of the generated text. Everything below them is diesel's output, with:

- the exclusions below removed: tables or columns that exist on one engine only, on purpose;
- PostgreSQL's type names replaced by the SQL type names diesel shares between the backends of our
  `MultiConnection` (Int8 -> BigInt, …). SQLite needs no renaming: diesel.toml has
  `sqlite_integer_primary_key_is_bigint`, and the other SQLite columns are declared with the names
  the backends share (BIGINT, INTEGER, SMALLINT, TEXT, BOOLEAN, TIMESTAMP, BLOB).

Deliberately not renamed: Timestamptz (the schema stores naive UTC TIMESTAMPs on both engines, so a
TIMESTAMPTZ column is a mistake to report), Varchar, Numeric and other types SQLite has no twin of.
"""
import re
import sys

# Tables that exist on one engine only (regular expression on the table name, engine, reason).
EXCLUDED_TABLES = [
    (r"(ticket|note)_fts(_(config|content|data|docsize|idx))?", "sqlite",
     "SQLite's FTS5 full-text indexes (ticket_fts, note_fts) and the shadow tables FTS5 keeps for "
     "them; PostgreSQL searches through its search_vector columns instead. db/search.rs queries "
     "them in raw SQL, never through diesel's DSL."),
]

# Columns that exist on one engine only (table, column, engine, reason).
EXCLUDED_COLUMNS = [
    ("tickets", "search_vector", "postgres",
     "PostgreSQL's generated tsvector (GIN-indexed) for full-text search; SQLite has ticket_fts. "
     "Read by db/search.rs in raw SQL only; diesel must never insert or update it."),
    ("thread_entries", "search_vector", "postgres",
     "as tickets.search_vector, for the entries' bodies (SQLite: ticket_fts and note_fts)."),
]

# PostgreSQL's names of the types that diesel also knows under a backend-neutral name.
PG_TYPES = {
    "Int2": "SmallInt",
    "Int4": "Integer",
    "Int8": "BigInt",
    "Float4": "Float",
    "Float8": "Double",
    "Bytea": "Binary",
}


def excluded_table(engine, name):
    return any(e == engine and re.fullmatch(rx, name) for rx, e, _ in EXCLUDED_TABLES)


def normalise(engine, text):
    out = []
    lines = text.splitlines()
    used_columns = set()
    i = 0
    table = None  # the table whose block we are in
    skipping_block = False  # inside an excluded table! block or PostgreSQL's `pub mod sql_types`
    while i < len(lines):
        line = lines[i]
        i += 1
        if skipping_block:
            if line == "}":
                skipping_block = False
                # and the blank line after the block
                if i < len(lines) and lines[i] == "":
                    i += 1
            continue
        if line.startswith("pub mod sql_types {"):
            # Custom types print-schema declares for PostgreSQL (here: Tsvector of the excluded
            # columns). A custom type of a kept column would still show up in the column's type.
            skipping_block = True
            continue
        if line == "diesel::table! {":
            m = re.match(r"\s+(\w+) \(", next((l for l in lines[i:] if l.strip() and not l.strip().startswith(("use ", "#["))), ""))
            name = m.group(1) if m else None
            if name and excluded_table(engine, name):
                skipping_block = True
                continue
            table = name
            out.append(line)
            continue
        if line == "}":
            table = None
            out.append(line)
            continue
        if table is not None:
            if re.match(r"\s+use [\w:*]+;$", line):
                # Imports print-schema adds for custom types; the column types say it all.
                if i < len(lines) and lines[i] == "":
                    i += 1
                continue
            m = re.match(r"(\s+)(\w+) -> (.+),$", line)
            if m:
                col = m.group(2)
                if any((t, c, e) == (table, col, engine) for t, c, e, _ in EXCLUDED_COLUMNS):
                    used_columns.add((table, col))
                    continue
                ty = m.group(3)
                if engine == "postgres":
                    ty = re.sub(r"\b(" + "|".join(PG_TYPES) + r")\b", lambda t: PG_TYPES[t.group(1)], ty)
                out.append(f"{m.group(1)}{col} -> {ty},")
                continue
            out.append(line)
            continue
        m = re.match(r"diesel::joinable!\((\w+) -> (\w+) \(\w+\)\);$", line)
        if m and (excluded_table(engine, m.group(1)) or excluded_table(engine, m.group(2))):
            continue
        m = re.match(r"\s+(\w+),$", line)
        if m and excluded_table(engine, m.group(1)):
            continue  # an entry of allow_tables_to_appear_in_same_query!
        out.append(line)
    for t, c, e, _ in EXCLUDED_COLUMNS:
        if e == engine and (t, c) not in used_columns:
            print(f"warning: the exclusion of {t}.{c} ({engine}) matched nothing: remove it from "
                  f"scripts/schema-normalise.py", file=sys.stderr)
    # No runs of blank lines left behind by removed blocks, one newline at the end.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"
    return text


def header(path):
    head = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("//!"):
                break
            head.append(line.rstrip("\n"))
    return "\n".join(head) + "\n\n" if head else ""


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("sqlite", "postgres"):
        print(__doc__.splitlines()[3], file=sys.stderr)
        sys.exit(2)
    engine, header_file = sys.argv[1], sys.argv[2]
    sys.stdout.write(header(header_file) + normalise(engine, sys.stdin.read()))


if __name__ == "__main__":
    main()
