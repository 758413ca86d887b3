# tiesmap: coded events -> security-ties index -> models -> paper.
# Read this file as the table of contents; each stage lives in workflow/rules/.
from snakemake.utils import min_version

min_version("9.0")

# Snakemake's `configfile:` loader keeps the last of duplicate keys silently and
# stops with stack frames on an impossible date or bytes that are not UTF-8: read the
# config files with tiesmap's strict loader first (workflow/rules/common.smk then
# checks the content).
import sys

from tiesmap.core.errors import InputError
from tiesmap.core.yamlio import check_yaml_file

try:
    for _path in ["config/config.yaml", *workflow.overwrite_configfiles]:
        check_yaml_file(_path)
except InputError as err:
    sys.stderr.write(f"tiesmap: the configuration is not valid.\n{err}\n")
    sys.exit(2)


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/codings.smk"
include: "workflow/rules/index.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/exhibits.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/package.smk"


rule all:
    default_target: True
    input:
        scoped("results/paper.pdf"),
        scoped("results/codebook.md"),
        scoped("results/notebooks/data_audit.ipynb"),
        expand(
            scoped("results/notebooks/dyad_profile_{dyad}.ipynb"),
            dyad=config["notebooks"]["dyad_profiles"],
        ),
        scoped("results/data/datapackage.json"),
        scoped("results/data/network.csv"),
        scoped("results/data/sipri_crosscheck.json"),
        scoped("results/data/aiddata_crosscheck.json"),
        # The pilot's models are built but stay out of its paper (six dyads, four
        # states: nothing is identified); they return with the global panel.
        scoped("results/tables/models.tex"),
        scoped("results/tables/areas.tex"),
        scoped("results/tables/missingness.tex"),
        scoped("results/models/diagnostics.json"),
        expand(scoped("results/figures/{name}.pdf"), name=MODEL_FIGURES),
