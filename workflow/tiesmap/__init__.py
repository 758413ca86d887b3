"""tiesmap: map security ties between states from coded events to a dyad-year index."""

import sys

# jsonschema's format checker imports rfc3987_syntax when it is installed (the
# Jupyter stack brings it), and that module compiles an IRI grammar on import:
# about one second of CPU in Snakemake's start and in every rule that reads a
# YAML file. tiesmap's schemas use no IRI formats, so that optional import is
# declined: None in sys.modules makes `import` raise ImportError, which
# jsonschema expects and answers by leaving the "iri" formats unchecked.
sys.modules.setdefault("rfc3987_syntax", None)

__version__ = "0.1.0"
