# The replication package and the HTML report (not part of `all`: run them by name).


rule archive:
    input:
        paper=scoped("results/paper.pdf"),
        guide=scoped("results/codebook.md"),
        notebook=scoped("results/notebooks/data_audit.ipynb"),
        data=scoped("results/data/datapackage.json"),
        network=scoped("results/data/network.csv"),
        code=code_for("archive"),
    output:
        archive="dist/tiesmap-replication.tar.gz",
        sums="dist/SHA256SUMS",
    log:
        scoped("logs/archive.log"),
    benchmark:
        scoped("logs/benchmarks/archive.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} archive --out {output.archive} --sums {output.sums} > {log} 2>&1"
