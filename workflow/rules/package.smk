# The replication package and the HTML report (not part of `all`: run them by name).


rule archive:
    input:
        paper="results/paper.pdf",
        guide="results/codebook.md",
        notebook="results/notebooks/data_audit.ipynb",
        data="results/data/datapackage.json",
        network="results/data/network.csv",
        code=code_for("archive"),
    output:
        archive="dist/tiesmap-replication.tar.gz",
        sums="dist/SHA256SUMS",
    log:
        "logs/archive.log",
    benchmark:
        "logs/benchmarks/archive.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} archive --out {output.archive} --sums {output.sums} > {log} 2>&1"
