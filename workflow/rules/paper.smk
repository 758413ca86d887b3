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
        macros=scoped("results/replication.tex"),
        table=scoped("results/tables/inputs.tex"),
    log:
        scoped("logs/replication.log"),
    benchmark:
        scoped("logs/benchmarks/replication.tsv")
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
        scoped("results/references_data.bib"),
    log:
        scoped("logs/references.log"),
    benchmark:
        scoped("logs/benchmarks/references.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        sources=" ".join(USED_SOURCES),
        covariates=" ".join(sorted(COVARIATE_FILES)),
    shell:
        "{params.tiesmap} references --sources {params.sources}"
        " --covariates {params.covariates} --out {output} > {log} 2>&1"


# The paper of this scope: its LaTeX file and the generated files it \input's
# (relative to the scope's results folder); the pilot's by default.
PAPER_TEX = config["paper"].get("tex", "paper/main.tex")
PAPER_INPUTS = config["paper"].get(
    "inputs",
    [
        "numbers.tex",
        "findings.tex",
        "tables/operationalization.tex",
        "tables/reliability.tex",
        "tables/coherence.tex",
        "tables/coverage.tex",
        "tables/validation.tex",
        "tables/before_after.tex",
        "tables/findings.tex",
        "tables/arms.tex",
    ]
    + [
        f"figures/{name}.pdf"
        for name in FIGURE_DATA
        if name not in MODEL_FIGURES and name not in SCALING_FIGURES
    ],
)


rule paper:
    input:
        tex=PAPER_TEX,
        replication=scoped("results/replication.tex"),
        inputs_table=scoped("results/tables/inputs.tex"),
        bib="paper/references.bib",
        data_bib=scoped("results/references_data.bib"),
        generated=[scoped(f"results/{name}") for name in PAPER_INPUTS],
        sections=sorted(
            str(p) for p in Path(PAPER_TEX).parent.joinpath("sections").glob("*.tex")
        ),
        code=code_for("paper"),
    output:
        scoped("results/paper.pdf"),
    log:
        scoped("logs/paper.log"),
    benchmark:
        scoped("logs/benchmarks/paper.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        outdir=scoped("data/processed/latex"),
        # a named scope's paper finds its results folder as \ResultsDir
        results=(
            f"--results-dir {scoped('results')}"
            if SCOPE_DIRS["results"] != "results"
            else ""
        ),
    shell:
        "{params.tiesmap} paper --tex {input.tex} --outdir {params.outdir} {params.results}"
        " --out {output} > {log} 2>&1"
