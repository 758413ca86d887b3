"""Foundations every stage uses: errors, YAML and config, the codebook, dates,
country codes, text and CSV files, table schemas, LaTeX text helpers and the
code-input graph. Nothing here imports another stage."""
