# The paper: LaTeX that only \input's generated files from results/.


rule paper:
    input:
        tex="paper/main.tex",
        bib="paper/references.bib",
        numbers="results/numbers.tex",
        tables=[
            "results/tables/operationalization.tex",
            "results/tables/reliability.tex",
            "results/tables/coherence.tex",
            "results/tables/coverage.tex",
            "results/tables/validation.tex",
            "results/tables/before_after.tex",
        ],
        sections=[
            "paper/sections/measurement.tex",
            "paper/sections/bloc.tex",
            "paper/sections/descriptive.tex",
        ],
        figures=expand(
            "results/figures/{name}.pdf",
            name=[f for f in FIGURE_DATA if f not in MODEL_FIGURES],
        ),
        code=code("paper"),
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
