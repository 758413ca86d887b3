"""Hand codings: coder files, their merge and adjudication, reliability, tracing,
the corrections log, coder sheets and the raw-data manifest."""
