# Tables, figures and in-text numbers: one rule per exhibit, so changing one
# exhibit's code rebuilds only that exhibit and the paper.


rule table_operationalization:
    input:
        events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code("tables", "latex"),
    output:
        "results/tables/operationalization.tex",
    log:
        "logs/table_operationalization.log",
    benchmark:
        "logs/benchmarks/table_operationalization.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-operationalization --config {input.config}"
        " --events {input.events} --out {output} 2> {log}"


rule table_twoway_fe:
    input:
        model="results/models/twoway_fe.json",
        code=code("tables", "latex"),
    output:
        "results/tables/twoway_fe.tex",
    log:
        "logs/table_twoway_fe.log",
    benchmark:
        "logs/benchmarks/table_twoway_fe.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-regression --model {input.model} --out {output} 2> {log}"


rule figure_events_by_area:
    input:
        events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code("figures"),
    output:
        "results/figures/events_by_area.pdf",
    log:
        "logs/figure_events_by_area.log",
    benchmark:
        "logs/benchmarks/figure_events_by_area.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} figure-events --config {input.config} --events {input.events}"
        " --out {output} 2> {log}"


rule numbers:
    input:
        codings="data/processed/codings.parquet",
        events="data/processed/events.parquet",
        disagreements="results/tables/disagreements.csv",
        index="data/processed/tie_index.parquet",
        model="results/models/twoway_fe.json",
        scope="results/data/dyad_scope.json",
        reliability="results/data/reliability.csv",
        coherence="results/data/coherence.json",
        ranks="results/data/sensitivity_ranks.csv",
        network="results/data/network.csv",
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        code=code("numbers", "latex"),
    output:
        "results/numbers.tex",
    log:
        "logs/numbers.log",
    benchmark:
        "logs/benchmarks/numbers.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} numbers --config {input.config} --codings {input.codings}"
        " --events {input.events} --disagreements {input.disagreements}"
        " --index {input.index} --model {input.model} --scope {input.scope}"
        " --reliability {input.reliability} --coherence {input.coherence}"
        " --ranks {input.ranks} --network {input.network} --linking {input.linking}"
        " --out {output} 2> {log}"


rule coding_guide:
    input:
        codebook=config["codebook"],
        config=CONFIG_FILE,
        code=code("codebook"),
    output:
        "results/codebook.md",
    log:
        "logs/coding_guide.log",
    benchmark:
        "logs/benchmarks/coding_guide.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} coding-guide --config {input.config} --out {output} 2> {log}"


rule figure_index:
    input:
        index="data/processed/tie_index.parquet",
        config=CONFIG_FILE,
        code=code("figures"),
    output:
        "results/figures/index_{kind}.pdf",
    log:
        "logs/figure_index_{kind}.log",
    benchmark:
        "logs/benchmarks/figure_index_{kind}.tsv"
    wildcard_constraints:
        kind="heatmap|areas|network",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} figure-index --config {input.config} --index {input.index}"
        " --kind {wildcards.kind} --out {output} 2> {log}"


rule figure_rank_intervals:
    input:
        ranks="results/data/sensitivity_ranks.csv",
        code=code("figures"),
    output:
        "results/figures/rank_intervals.pdf",
    log:
        "logs/figure_rank_intervals.log",
    benchmark:
        "logs/benchmarks/figure_rank_intervals.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} figure-ranks --ranks {input.ranks} --out {output} 2> {log}"


rule table_coherence:
    input:
        coherence="results/data/coherence.json",
        config=CONFIG_FILE,
        code=code("tables", "latex"),
    output:
        "results/tables/coherence.tex",
    log:
        "logs/table_coherence.log",
    benchmark:
        "logs/benchmarks/table_coherence.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-coherence --config {input.config}"
        " --coherence {input.coherence} --out {output} 2> {log}"


rule table_coverage:
    input:
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        code=code("tables", "latex"),
    output:
        "results/tables/coverage.tex",
    log:
        "logs/table_coverage.log",
    benchmark:
        "logs/benchmarks/table_coverage.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-coverage --config {input.config} --linking {input.linking}"
        " --out {output} 2> {log}"
