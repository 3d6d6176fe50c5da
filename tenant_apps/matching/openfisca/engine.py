"""The OpenFisca-France tax-benefit system, loaded once per process, and batch simulations on it.

Loading parses some 10,000 variables and their parameters (about 4 s), and the first simulation
then warms the parameter caches (about 4 s more): a worker calls `warm_up()` when it starts.
"""

from __future__ import annotations

import threading

import numpy as np
from openfisca_core import reforms
from openfisca_core.simulations import Simulation, SimulationBuilder
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .situation import Situation

# openfisca-france-local's métropole aids test EPCI membership through variables its optional
# `epci_reform` builds from a 2020 spreadsheet (pandas + openpyxl, seconds to read). We declare
# the few the computed aids read as plain inputs and fill them from our own commune reference.
EPCI_SIRENS = ("200046977", "243300316", "244400404", "246700488")

_lock = threading.Lock()
_system: TaxBenefitSystem | None = None


def _epci_variable(siren: str) -> type:
    from openfisca_france.model.base import MONTH, Menage, Variable, set_input_dispatch_by_period

    attributes = {
        "value_type": bool,
        "entity": Menage,
        "definition_period": MONTH,
        "set_input": set_input_dispatch_by_period,
        "label": f"Ménage dans une commune de l'EPCI {siren}",
    }
    return type(f"menage_dans_epci_siren_{siren}", (Variable,), attributes)


class _EpciInputs(reforms.Reform):
    name = "Tremplin: EPCI membership as inputs"

    def apply(self) -> None:
        for siren in EPCI_SIRENS:
            self.add_variable(_epci_variable(siren))


def _build() -> TaxBenefitSystem:
    from openfisca_france import CountryTaxBenefitSystem

    system = CountryTaxBenefitSystem()
    system.load_extension("openfisca_france_local")
    return _EpciInputs(system)


def tax_benefit_system() -> TaxBenefitSystem:
    """OpenFisca-France with openfisca-france-local, built on the first call (thread-safe)."""
    global _system
    if _system is None:
        with _lock:
            if _system is None:
                _system = _build()
    return _system


def france_variables() -> frozenset[str]:
    """The variables of OpenFisca-France alone (what openfisca-france-local does not add)."""
    from openfisca_france import CountryTaxBenefitSystem

    return frozenset(CountryTaxBenefitSystem().variables)


def build_simulation(situation: Situation, system: TaxBenefitSystem | None = None) -> Simulation:
    """One OpenFisca simulation holding every profile of the situation."""
    system = system or tax_benefit_system()
    n, n_persons = situation.n, situation.n_persons
    partner_of = situation.partner_of
    builder = SimulationBuilder()
    builder.create_entities(system)
    # Integer ids: OpenFisca maps members to groups through the sort order of the ids.
    builder.declare_person_entity("individu", np.arange(n_persons))

    household = np.concatenate([np.arange(n), partner_of])
    second = np.concatenate([np.zeros(n, dtype=int), np.ones(len(partner_of), dtype=int)])
    # Flattened roles: famille (demandeur, conjoint, enfant); ménage (personne de référence,
    # conjoint, …); foyer fiscal (déclarant principal, conjoint, …): 0 alone, 1 the partner.
    for entity, groups, roles in (
        ("famille", household, second),
        ("menage", household, second),
        ("foyer_fiscal", np.arange(n_persons), np.zeros(n_persons, dtype=int)),
    ):
        count = int(groups.max()) + 1 if len(groups) else 0
        population = builder.declare_entity(entity, np.arange(count))
        builder.join_with_persons(population, groups, roles)

    simulation = builder.build(system)
    for variable, by_period in situation.inputs.items():
        for period, values in by_period.items():
            if values.dtype == object:  # enum names: OpenFisca encodes str arrays only
                values = values.astype(str)
            simulation.set_input(variable, period, values)
    return simulation
