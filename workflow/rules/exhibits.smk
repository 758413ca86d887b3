# Tables, figures and in-text numbers: one rule per exhibit, so changing one
# exhibit's code rebuilds only that exhibit and the paper.


rule table_operationalization:
    input:
        events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-operationalization"),
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


# Each figure is a module of tiesmap.report.figures drawn from one data file.
FIGURE_DATA = {
    "events_areas": "data/processed/analysis_events.parquet",
    "events_contacts": "data/processed/analysis_events.parquet",
    "events_exercises": "data/processed/analysis_events.parquet",
    "events_wartime": "data/processed/analysis_events.parquet",
    "index_heatmap": "data/processed/tie_index.parquet",
    "index_areas": "data/processed/tie_index.parquet",
    "index_network": "data/processed/tie_index.parquet",
    "rank_intervals": "results/data/sensitivity_ranks.csv",
    "model_coefficients": "results/models/models.json",
    "bloc_measure": "results/data/bloc_measure.csv",
    "events_timeline": "data/processed/analysis_events.parquet",
}
# Figures of the pilot's models: built (rule all) but not in the pilot's paper,
# where six dyads identify nothing; they return with the global panel.
MODEL_FIGURES = ["model_coefficients"]


rule figure:
    input:
        data=lambda wildcards: FIGURE_DATA[wildcards.name],
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=lambda wildcards: code_for(
            "figure", f"tiesmap.report.figures.{wildcards.name}"
        ),
    output:
        report(
            "results/figures/{name}.pdf",
            caption="../report/figure.rst",
            category="Figures",
        ),
    log:
        "logs/figure_{name}.log",
    benchmark:
        "logs/benchmarks/figure_{name}.tsv"
    wildcard_constraints:
        name="|".join(FIGURE_DATA),
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} figure {wildcards.name} --config {input.config}"
        " --data {input.data} --out {output} 2> {log}"


rule numbers:
    input:
        codings="data/processed/codings.parquet",
        events="data/processed/events.parquet",
        disagreements="results/tables/disagreements.csv",
        index="data/processed/tie_index.parquet",
        scope="results/data/dyad_scope.json",
        reliability="results/data/reliability.csv",
        coherence="results/data/coherence.json",
        ranks="results/data/sensitivity_ranks.csv",
        network="results/data/network.csv",
        linking="results/data/linking.json",
        validation="results/data/validation.csv",
        validation_years="results/data/validation_years.csv",
        bloc_structure="results/data/bloc_structure.csv",
        triads="results/data/triads.csv",
        bloc_shares="results/data/dyad_bloc_share.csv",
        bloc_measure="results/data/bloc_measure.csv",
        before_after="results/data/before_after.csv",
        config=CONFIG_FILE,
        code=code_for("numbers"),
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
        " --index {input.index} --scope {input.scope}"
        " --reliability {input.reliability} --coherence {input.coherence}"
        " --ranks {input.ranks} --network {input.network} --linking {input.linking}"
        " --validation {input.validation} --validation-years {input.validation_years}"
        " --bloc-structure {input.bloc_structure} --triads {input.triads}"
        " --bloc-shares {input.bloc_shares} --bloc-measure {input.bloc_measure}"
        " --before-after {input.before_after} --out {output} 2> {log}"


rule table_before_after:
    input:
        events="data/processed/analysis_events.parquet",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-before-after"),
    output:
        table="results/tables/before_after.tex",
        csv="results/data/before_after.csv",
    log:
        "logs/table_before_after.log",
    benchmark:
        "logs/benchmarks/table_before_after.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-before-after --config {input.config}"
        " --events {input.events} --out {output.table} --csv {output.csv} 2> {log}"


rule coding_guide:
    input:
        codebook=config["codebook"],
        config=CONFIG_FILE,
        code=code_for("coding-guide"),
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


rule table_coherence:
    input:
        coherence="results/data/coherence.json",
        config=CONFIG_FILE,
        code=code_for("table-coherence"),
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
        code=code_for("table-coverage"),
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


rule table_findings:
    input:
        events="data/processed/analysis_events.parquet",
        assignments=config["codings"]["assignments"],
        series=config["codings"]["series"],
        changelog=config["codings"]["changelog"],
        linking="results/data/linking.json",
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-findings"),
    output:
        table="results/tables/findings.tex",
        arms="results/tables/arms.tex",
        macros="results/findings.tex",
    log:
        "logs/table_findings.log",
    benchmark:
        "logs/benchmarks/table_findings.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-findings --config {input.config} --events {input.events}"
        " --assignments {input.assignments} --series {input.series}"
        " --changelog {input.changelog} --linking {input.linking}"
        " --out {output.table} --arms {output.arms} --macros {output.macros} 2> {log}"
