"""The dyad-year panel and what is measured on it: dyad-events, counts, sustained
ties, the composite index, bloc structure, sensitivity, networks, panel covariates,
validation against known cases, and the exported data files."""
