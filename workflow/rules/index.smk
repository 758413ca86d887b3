# From events to the dyad-year tie index.


rule dyad_scope:
    input:
        events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("scope"),
    output:
        "results/data/dyad_scope.json",
    log:
        "logs/dyad_scope.log",
    benchmark:
        "logs/benchmarks/dyad_scope.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} scope --config {input.config} --events {input.events}"
        " --out {output} 2> {log}"


rule tie_index:
    input:
        events="data/processed/analysis_events.parquet",
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("index"),
    output:
        index="data/processed/tie_index.parquet",
        coherence="results/data/coherence.json",
    log:
        "logs/tie_index.log",
    benchmark:
        "logs/benchmarks/tie_index.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} index --config {input.config} --events {input.events}"
        " --out {output.index} --coherence {output.coherence} --linking {input.linking} 2> {log}"


rule sensitivity:
    input:
        events="data/processed/analysis_events.parquet",
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("sensitivity"),
    output:
        intervals="results/data/sensitivity_dyad_year.csv",
        ranks="results/data/sensitivity_ranks.csv",
    log:
        "logs/sensitivity.log",
    benchmark:
        "logs/benchmarks/sensitivity.tsv"
    conda:
        ENV
    threads: 2
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} sensitivity --config {input.config} --events {input.events}"
        " --out {output.intervals} --ranks {output.ranks} --linking {input.linking}"
        " --threads {threads} 2> {log}"


rule network:
    input:
        index="data/processed/tie_index.parquet",
        config=CONFIG_FILE,
        code=code_for("network"),
    output:
        network="results/data/network.csv",
        centrality="results/data/centrality.csv",
    log:
        "logs/network.log",
    benchmark:
        "logs/benchmarks/network.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} network --config {input.config} --index {input.index}"
        " --out {output.network} --centrality {output.centrality} 2> {log}"


rule bloc:
    input:
        events="data/processed/analysis_events.parquet",
        index="data/processed/tie_index.parquet",
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("bloc"),
    output:
        incidence="results/data/incidence.csv",
        structure="results/data/bloc_structure.csv",
        triads="results/data/triads.csv",
        shares="results/data/dyad_bloc_share.csv",
        measure="results/data/bloc_measure.csv",
    log:
        "logs/bloc.log",
    benchmark:
        "logs/benchmarks/bloc.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} bloc --config {input.config} --events {input.events}"
        " --index {input.index} --linking {input.linking} --incidence {output.incidence}"
        " --out {output.structure} --triads {output.triads} --shares {output.shares}"
        " --measure {output.measure} 2> {log}"


rule validation:
    input:
        cases="config/validation.yaml",
        index="data/processed/tie_index.parquet",
        triads="results/data/triads.csv",
        config=CONFIG_FILE,
        schema="workflow/schemas/validation.schema.yaml",
        code=code_for("validate-cases"),
    output:
        cases="results/data/validation.csv",
        years="results/data/validation_years.csv",
        table="results/tables/validation.tex",
    log:
        "logs/validation.log",
    benchmark:
        "logs/benchmarks/validation.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} validate-cases --config {input.config} --cases {input.cases}"
        " --index {input.index} --triads {input.triads} --out {output.cases}"
        " --years {output.years} --table {output.table} 2> {log}"


EXPORTS = ["tie_index", "directed_dyad_year", "events"]


rule export_panel:
    input:
        index="data/processed/tie_index.parquet",
        events="data/processed/events.parquet",
        analysis_events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("export"),
    output:
        csv="results/data/tie_index.csv",
        dta="results/data/tie_index.dta",
        files=expand(
            "results/data/{name}.{ext}",
            name=EXPORTS,
            ext=["csv", "parquet", "rds", "dta"],
        ),
        package="results/data/datapackage.json",
    log:
        "logs/export_panel.log",
    benchmark:
        "logs/benchmarks/export_panel.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        outdir=lambda wildcards, output: str(Path(output.csv).parent),
    shell:
        "{params.tiesmap} export --config {input.config} --index {input.index}"
        " --events {input.events} --analysis-events {input.analysis_events}"
        " --outdir {params.outdir} 2> {log}"
