# The paper: LaTeX that only \input's generated files from results/.


# The availability statement: inputs with checksums (present third-party files
# are inputs, so fetching one updates the table), software versions, commit.
rule replication:
    input:
        manifest=MANIFEST_FILE,
        config=CONFIG_FILE,
        # the pinned versions, where the lock is part of the copy being built
        lock=[p for p in ["requirements.lock"] if Path(p).exists()],
        files=PROVIDED_FILES
        + [e.path for e in MANIFEST if not e.provided and Path(e.path).exists()],
        code=code_for("replication"),
    output:
        macros="results/replication.tex",
        table="results/tables/inputs.tex",
    log:
        "logs/replication.log",
    benchmark:
        "logs/benchmarks/replication.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} replication --config {input.config} --manifest {input.manifest}"
        " --out {output.macros}"
        " --table {output.table} 2> {log}"


rule references:
    input:
        code=code_for("references", *SOURCE_MODULES),
    output:
        "results/references_data.bib",
    log:
        "logs/references.log",
    benchmark:
        "logs/benchmarks/references.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        sources=" ".join(USED_SOURCES),
        covariates=" ".join(sorted(COVARIATE_FILES)),
    shell:
        "{params.tiesmap} references --sources {params.sources}"
        " --covariates {params.covariates} --out {output} > {log} 2>&1"


rule paper:
    input:
        tex="paper/main.tex",
        replication="results/replication.tex",
        inputs_table="results/tables/inputs.tex",
        bib="paper/references.bib",
        data_bib="results/references_data.bib",
        numbers="results/numbers.tex",
        tables=[
            "results/tables/operationalization.tex",
            "results/tables/reliability.tex",
            "results/tables/coherence.tex",
            "results/tables/coverage.tex",
            "results/tables/validation.tex",
            "results/tables/before_after.tex",
            "results/tables/findings.tex",
            "results/tables/arms.tex",
        ],
        findings="results/findings.tex",
        sections=sorted(str(p) for p in Path("paper/sections").glob("*.tex")),
        figures=expand(
            "results/figures/{name}.pdf",
            name=[f for f in FIGURE_DATA if f not in MODEL_FIGURES],
        ),
        code=code_for("paper"),
    output:
        "results/paper.pdf",
    log:
        "logs/paper.log",
    benchmark:
        "logs/benchmarks/paper.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        outdir="data/processed/latex",
    shell:
        "{params.tiesmap} paper --tex {input.tex} --outdir {params.outdir} --out {output} > {log} 2>&1"
