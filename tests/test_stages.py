"""Development stages: product, indication and phase from one sentence, trial ids as nodes; both pipelines."""

from __future__ import annotations

import pytest

from conftest import extract_text
from kg.namespaces import CGTID


@pytest.mark.parametrize("sentence, product, phase", [
    ("Zolgensma is in a Phase III trial in spinal muscular atrophy (NCT03306277).", "zolgensma", "Phase 3"),
    ("Kymriah entered a Phase 1/2 study for follicular lymphoma.", "kymriah", "Phase 1/2"),
    ("A pivotal trial of Luxturna enrolled patients with retinitis pigmentosa.", "luxturna", "pivotal"),
    ("Casgevy is in Phase I/II testing for sickle cell disease.", "casgevy", "Phase 1/2"),
])
def test_a_sentence_names_a_product_in_a_phase(nlp, sentence, product, phase):
    stages = extract_text(nlp, sentence).stages
    assert [(s.product, s.phase) for s in stages] == [(str(CGTID[product]), phase)]
    assert stages[0].indication is not None


def test_trial_ids_travel_with_the_stage(nlp):
    (stage,) = extract_text(nlp, "Zolgensma is in a Phase III trial in spinal muscular atrophy (NCT03306277).").stages
    assert stage.trials == ("NCT03306277",)


def test_no_product_no_stage(nlp):
    assert extract_text(nlp, "Phase 3 trials of gene therapies grew in number in 2024.").stages == ()
