# Notebooks executed by papermill: they read the pipeline's outputs and call the
# package; their executed copies are results, stripped of run times.


rule notebook_data_audit:
    input:
        notebook="notebooks/data_audit.ipynb",
        events="data/processed/events.parquet",
        disagreements="results/tables/disagreements.csv",
        codebook=config["codebook"],
        code=code("notebooks", "tables"),
    output:
        "results/notebooks/data_audit.ipynb",
    log:
        "logs/notebook_data_audit.log",
    benchmark:
        "logs/benchmarks/notebook_data_audit.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} notebook --notebook {input.notebook} --out {output}"
        " -p events {input.events} -p disagreements {input.disagreements}"
        " -p codebook {input.codebook} 2> {log}"
