# The paper: LaTeX that only \input's generated files from results/.


rule references:
    input:
        code=[*code("citations", "covariates"), *SOURCES_CODE],
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
        bib="paper/references.bib",
        data_bib="results/references_data.bib",
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
