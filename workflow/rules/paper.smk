# The paper: LaTeX that only \input's generated files from results/.


rule paper:
    input:
        tex="paper/main.tex",
        bib="paper/references.bib",
        numbers="results/numbers.tex",
        tables=[
            "results/tables/operationalization.tex",
            "results/tables/models.tex",
            "results/tables/areas.tex",
            "results/tables/missingness.tex",
            "results/tables/reliability.tex",
            "results/tables/coherence.tex",
            "results/tables/coverage.tex",
        ],
        figures=expand("results/figures/{name}.pdf", name=FIGURE_DATA),
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
        epoch=config["paper"]["source_date_epoch"],
        outdir="data/processed/latex",
    shell:
        "SOURCE_DATE_EPOCH={params.epoch} FORCE_SOURCE_DATE=1 "
        "{params.tiesmap} paper --tex {input.tex} --outdir {params.outdir} --out {output} > {log} 2>&1"
