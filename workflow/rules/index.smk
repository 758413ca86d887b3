# From events to the dyad-year tie index.


rule dyad_scope:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("scope"),
    output:
        scoped("results/data/dyad_scope.json"),
    log:
        scoped("logs/dyad_scope.log"),
    benchmark:
        scoped("logs/benchmarks/dyad_scope.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} scope --config {input.config} --events {input.events}"
        " --out {output} 2> {log}"


rule tie_index:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        linking=scoped("results/data/linking.json"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("index"),
    output:
        index=scoped("data/processed/tie_index.parquet"),
        coherence=scoped("results/data/coherence.json"),
    log:
        scoped("logs/tie_index.log"),
    benchmark:
        scoped("logs/benchmarks/tie_index.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} index --config {input.config} --events {input.events}"
        " --out {output.index} --coherence {output.coherence} --linking {input.linking} 2> {log}"


# The Monte Carlo as sensitivity.jobs parts (each the draws of a run of tie rules,
# so 1/jobs of the scores' memory) and a gather equal to one job, bit for bit.
SENSITIVITY_JOBS = config["sensitivity"].get("jobs", 1)
SENSITIVITY_PART = "data/processed/sensitivity/part{part}of{jobs}"


rule sensitivity_part:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        linking=scoped("results/data/linking.json"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("sensitivity-part"),
    output:
        values=temp(scoped(f"{SENSITIVITY_PART}.npy")),
        rows=temp(scoped(f"{SENSITIVITY_PART}.parquet")),
    log:
        scoped("logs/sensitivity_part{part}of{jobs}.log"),
    benchmark:
        scoped("logs/benchmarks/sensitivity_part{part}of{jobs}.tsv")
    wildcard_constraints:
        part=r"\d+",
        jobs=r"\d+",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} sensitivity-part --config {input.config} --events {input.events}"
        " --linking {input.linking} --part {wildcards.part} --parts {wildcards.jobs}"
        " --values {output.values} --rows {output.rows} 2> {log}"


rule sensitivity:
    input:
        values=expand(
            scoped(f"{SENSITIVITY_PART}.npy"),
            part=range(SENSITIVITY_JOBS),
            jobs=SENSITIVITY_JOBS,
        ),
        rows=expand(
            scoped(f"{SENSITIVITY_PART}.parquet"),
            part=range(SENSITIVITY_JOBS),
            jobs=SENSITIVITY_JOBS,
        ),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("sensitivity-gather"),
    output:
        intervals=scoped("results/data/sensitivity_dyad_year.csv"),
        ranks=scoped("results/data/sensitivity_ranks.csv"),
    log:
        scoped("logs/sensitivity.log"),
    benchmark:
        scoped("logs/benchmarks/sensitivity.tsv")
    conda:
        ENV
    threads: 2
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} sensitivity-gather --config {input.config} --values {input.values}"
        " --rows {input.rows} --out {output.intervals} --ranks {output.ranks}"
        " --threads {threads} 2> {log}"


rule network:
    input:
        index=scoped("data/processed/tie_index.parquet"),
        config=CONFIG_FILE,
        code=code_for("network"),
    output:
        network=scoped("results/data/network.csv"),
        centrality=scoped("results/data/centrality.csv"),
    log:
        scoped("logs/network.log"),
    benchmark:
        scoped("logs/benchmarks/network.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} network --config {input.config} --index {input.index}"
        " --out {output.network} --centrality {output.centrality} 2> {log}"


rule bloc:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        index=scoped("data/processed/tie_index.parquet"),
        linking=scoped("results/data/linking.json"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("bloc"),
    output:
        incidence=scoped("results/data/incidence.csv"),
        structure=scoped("results/data/bloc_structure.csv"),
        triads=scoped("results/data/triads.csv"),
        shares=scoped("results/data/dyad_bloc_share.csv"),
        measure=scoped("results/data/bloc_measure.csv"),
    log:
        scoped("logs/bloc.log"),
    benchmark:
        scoped("logs/benchmarks/bloc.tsv")
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
        index=scoped("data/processed/tie_index.parquet"),
        triads=scoped("results/data/triads.csv"),
        config=CONFIG_FILE,
        schema="workflow/schemas/validation.schema.yaml",
        code=code_for("validate-cases"),
    output:
        cases=scoped("results/data/validation.csv"),
        years=scoped("results/data/validation_years.csv"),
        table=scoped("results/tables/validation.tex"),
    log:
        scoped("logs/validation.log"),
    benchmark:
        scoped("logs/benchmarks/validation.tsv")
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
        index=scoped("data/processed/tie_index.parquet"),
        events=scoped("data/processed/events.parquet"),
        analysis_events=scoped("data/processed/analysis_events.parquet"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("export"),
    output:
        csv=scoped("results/data/tie_index.csv"),
        dta=scoped("results/data/tie_index.dta"),
        files=expand(
            scoped("results/data/{name}.{ext}"),
            name=EXPORTS,
            ext=["csv", "parquet", "rds", "dta"],
        ),
        package=scoped("results/data/datapackage.json"),
    log:
        scoped("logs/export_panel.log"),
    benchmark:
        scoped("logs/benchmarks/export_panel.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        outdir=lambda wildcards, output: str(Path(output.csv).parent),
    shell:
        "{params.tiesmap} export --config {input.config} --index {input.index}"
        " --events {input.events} --analysis-events {input.analysis_events}"
        " --outdir {params.outdir} 2> {log}"
