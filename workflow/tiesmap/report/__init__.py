"""What the paper shows: tables, figures, in-text numbers, notebooks, the PDF, the
exhibit catalogue, replication details and the archive."""
