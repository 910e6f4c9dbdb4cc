"""What the report shows readers: who met whom (``labels``), the meeting timeline
(``timeline``) and every fact highlighted in its article (``evidence``).

The functions take plain rows (dicts of Python values, as DuckDB returns them), so
they work on any package built by ``scripts/build.py`` and on empty tables.
"""
