# Tables, figures and in-text numbers: one rule per exhibit, so changing one
# exhibit's code rebuilds only that exhibit and the paper.


rule table_operationalization:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-operationalization"),
    output:
        scoped("results/tables/operationalization.tex"),
    log:
        scoped("logs/table_operationalization.log"),
    benchmark:
        scoped("logs/benchmarks/table_operationalization.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-operationalization --config {input.config}"
        " --events {input.events} --out {output} 2> {log}"


# Each figure is a module of tiesmap.report.figures drawn from one data file.
FIGURE_DATA = {
    "events_areas": scoped("data/processed/analysis_events.parquet"),
    "events_contacts": scoped("data/processed/analysis_events.parquet"),
    "events_exercises": scoped("data/processed/analysis_events.parquet"),
    "events_wartime": scoped("data/processed/analysis_events.parquet"),
    "index_heatmap": scoped("data/processed/tie_index.parquet"),
    "index_areas": scoped("data/processed/tie_index.parquet"),
    "index_network": scoped("data/processed/tie_index.parquet"),
    "rank_intervals": scoped("results/data/sensitivity_ranks.csv"),
    "model_coefficients": scoped("results/models/models.json"),
    "bloc_measure": scoped("results/data/bloc_measure.csv"),
    "events_timeline": scoped("data/processed/analysis_events.parquet"),
    "index_distribution": scoped("data/processed/tie_index.parquet"),
}
# Figures whose size does not grow with the dyads: for scopes larger than the pilot.
SCALING_FIGURES = ["index_distribution"]
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
            scoped("results/figures/{name}.pdf"),
            caption="../report/figure.rst",
            category="Figures",
        ),
    log:
        scoped("logs/figure_{name}.log"),
    benchmark:
        scoped("logs/benchmarks/figure_{name}.tsv")
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
        codings=scoped("data/processed/codings.parquet"),
        events=scoped("data/processed/events.parquet"),
        disagreements=scoped("results/tables/disagreements.csv"),
        index=scoped("data/processed/tie_index.parquet"),
        scope=scoped("results/data/dyad_scope.json"),
        reliability=scoped("results/data/reliability.csv"),
        coherence=scoped("results/data/coherence.json"),
        ranks=scoped("results/data/sensitivity_ranks.csv"),
        network=scoped("results/data/network.csv"),
        linking=scoped("results/data/linking.json"),
        validation=scoped("results/data/validation.csv"),
        validation_years=scoped("results/data/validation_years.csv"),
        bloc_structure=scoped("results/data/bloc_structure.csv"),
        triads=scoped("results/data/triads.csv"),
        bloc_shares=scoped("results/data/dyad_bloc_share.csv"),
        bloc_measure=scoped("results/data/bloc_measure.csv"),
        before_after=scoped("results/data/before_after.csv"),
        config=CONFIG_FILE,
        code=code_for("numbers"),
    output:
        scoped("results/numbers.tex"),
    log:
        scoped("logs/numbers.log"),
    benchmark:
        scoped("logs/benchmarks/numbers.tsv")
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
        events=scoped("data/processed/analysis_events.parquet"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-before-after"),
    output:
        table=scoped("results/tables/before_after.tex"),
        csv=scoped("results/data/before_after.csv"),
    log:
        scoped("logs/table_before_after.log"),
    benchmark:
        scoped("logs/benchmarks/table_before_after.tsv")
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
        scoped("results/codebook.md"),
    log:
        scoped("logs/coding_guide.log"),
    benchmark:
        scoped("logs/benchmarks/coding_guide.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} coding-guide --config {input.config} --out {output} 2> {log}"


rule table_coherence:
    input:
        coherence=scoped("results/data/coherence.json"),
        config=CONFIG_FILE,
        code=code_for("table-coherence"),
    output:
        scoped("results/tables/coherence.tex"),
    log:
        scoped("logs/table_coherence.log"),
    benchmark:
        scoped("logs/benchmarks/table_coherence.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-coherence --config {input.config}"
        " --coherence {input.coherence} --out {output} 2> {log}"


rule table_coverage:
    input:
        linking=scoped("results/data/linking.json"),
        config=CONFIG_FILE,
        code=code_for("table-coverage"),
    output:
        scoped("results/tables/coverage.tex"),
    log:
        scoped("logs/table_coverage.log"),
    benchmark:
        scoped("logs/benchmarks/table_coverage.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-coverage --config {input.config} --linking {input.linking}"
        " --out {output} 2> {log}"


rule table_findings:
    input:
        events=scoped("data/processed/analysis_events.parquet"),
        assignments=config["codings"]["assignments"],
        series=config["codings"]["series"],
        changelog=config["codings"]["changelog"],
        linking=scoped("results/data/linking.json"),
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("table-findings"),
    output:
        table=scoped("results/tables/findings.tex"),
        arms=scoped("results/tables/arms.tex"),
        macros=scoped("results/findings.tex"),
    log:
        scoped("logs/table_findings.log"),
    benchmark:
        scoped("logs/benchmarks/table_findings.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-findings --config {input.config} --events {input.events}"
        " --assignments {input.assignments} --series {input.series}"
        " --changelog {input.changelog} --linking {input.linking}"
        " --out {output.table} --arms {output.arms} --macros {output.macros} 2> {log}"


# Exhibits that scale with the scope: its description in text (states, years,
# wars, codings left out) and tables of the top dyads, top states and regions.
rule scope_text:
    input:
        index=scoped("data/processed/tie_index.parquet"),
        codings_scope=scoped("data/processed/codings_scope.json"),
        covariates=scoped("results/data/covariates.json"),
        config=CONFIG_FILE,
        code=code_for("scope-text"),
    output:
        scoped("results/scope.tex"),
    log:
        scoped("logs/scope_text.log"),
    benchmark:
        scoped("logs/benchmarks/scope_text.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} scope-text --config {input.config} --index {input.index}"
        " --codings-scope {input.codings_scope} --covariates {input.covariates}"
        " --out {output} 2> {log}"


rule table_scope:
    input:
        index=scoped("data/processed/tie_index.parquet"),
        config=CONFIG_FILE,
        code=code_for("table-scope"),
    output:
        scoped("results/tables/scope_{kind}.tex"),
    log:
        scoped("logs/table_scope_{kind}.log"),
    benchmark:
        scoped("logs/benchmarks/table_scope_{kind}.tsv")
    wildcard_constraints:
        kind="top_dyads|states|regions",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-scope --kind {wildcards.kind} --config {input.config}"
        " --index {input.index} --out {output} 2> {log}"
