# Hand codings: check each coder's file, then merge coders into one row per event.


rule validate_codings:
    input:
        files=CODER_FILES,
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code("coder_files", "schema", "countries", "dates", "codebook"),
    output:
        "data/processed/codings.parquet",
    log:
        "logs/validate_codings.log",
    benchmark:
        "logs/benchmarks/validate_codings.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} validate --config {input.config} --out {output} {input.files} 2> {log}"


rule merge_codings:
    input:
        codings="data/processed/codings.parquet",
        adjudication=config["codings"]["adjudication"],
        config=CONFIG_FILE,
        code=code("merge"),
    output:
        events="data/processed/events.parquet",
        disagreements="results/tables/disagreements.csv",
    log:
        "logs/merge_codings.log",
    benchmark:
        "logs/benchmarks/merge_codings.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} merge --config {input.config} --codings {input.codings}"
        " --adjudication {input.adjudication} --out {output.events}"
        " --disagreements {output.disagreements} 2> {log}"


rule reliability:
    input:
        codings="data/processed/codings.parquet",
        config=CONFIG_FILE,
        code=code("reliability", "tables", "latex"),
    output:
        table="results/tables/reliability.tex",
        csv="results/data/reliability.csv",
    log:
        "logs/reliability.log",
    benchmark:
        "logs/benchmarks/reliability.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} reliability --config {input.config} --codings {input.codings}"
        " --out {output.table} --csv {output.csv} 2> {log}"
