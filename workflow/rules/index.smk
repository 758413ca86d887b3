# From events to the dyad-year tie index.


rule expand_to_dyads:
    input:
        events="data/processed/events.parquet",
        config=CONFIG_FILE,
        code=code("dyads", "panel"),
    output:
        dyad_events="data/processed/dyad_events.parquet",
        scope="results/data/dyad_scope.json",
    log:
        "logs/expand_to_dyads.log",
    benchmark:
        "logs/benchmarks/expand_to_dyads.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} dyads --config {input.config} --events {input.events}"
        " --out {output.dyad_events} --scope {output.scope} 2> {log}"


rule tie_index:
    input:
        dyad_events="data/processed/dyad_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code("panel", "index", "covariates"),
    output:
        "data/processed/tie_index.parquet",
    log:
        "logs/tie_index.log",
    benchmark:
        "logs/benchmarks/tie_index.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} index --config {input.config} --dyad-events {input.dyad_events}"
        " --out {output} 2> {log}"
