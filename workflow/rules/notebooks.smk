# Notebooks executed by papermill: they read the pipeline's outputs and call the
# package; their executed copies are results, stripped of run times.


rule notebook_data_audit:
    input:
        notebook="notebooks/data_audit.ipynb",
        events=scoped("data/processed/events.parquet"),
        disagreements=scoped("results/tables/disagreements.csv"),
        codebook=config["codebook"],
        code=code_for("notebook", notebook="notebooks/data_audit.ipynb"),
    output:
        notebook=scoped("results/notebooks/data_audit.ipynb"),
        html=scoped("results/notebooks/data_audit.html"),
    log:
        scoped("logs/notebook_data_audit.log"),
    benchmark:
        scoped("logs/benchmarks/notebook_data_audit.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} notebook --notebook {input.notebook} --out {output.notebook}"
        " --html {output.html}"
        " -p events {input.events} -p disagreements {input.disagreements}"
        " -p codebook {input.codebook} 2> {log}"


rule notebook_dyad_profile:
    input:
        notebook="notebooks/dyad_profile.ipynb",
        index=scoped("data/processed/tie_index.parquet"),
        intervals=scoped("results/data/sensitivity_dyad_year.csv"),
        events=scoped("data/processed/analysis_events.parquet"),
        code=code_for("notebook", notebook="notebooks/dyad_profile.ipynb"),
    output:
        notebook=scoped("results/notebooks/dyad_profile_{dyad}.ipynb"),
        html=scoped("results/notebooks/dyad_profile_{dyad}.html"),
    log:
        scoped("logs/notebook_dyad_profile_{dyad}.log"),
    benchmark:
        scoped("logs/benchmarks/notebook_dyad_profile_{dyad}.tsv")
    wildcard_constraints:
        dyad="[A-Z]{3}-[A-Z]{3}",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} notebook --notebook {input.notebook} --out {output.notebook}"
        " --html {output.html} -p dyad {wildcards.dyad} -p index {input.index}"
        " -p intervals {input.intervals} -p events {input.events} 2> {log}"
