"""OpenFisca-France amounts for "Mes droits": pure Python and OpenFisca, no Django model.

- `corpus`: which aides-jeunes OpenFisca benefits are computed, their variable, period and
  territory; `EXCLUDED` says why each other one is not.
- `situation`: a profile checked (`facts_from_profile`) and turned into OpenFisca inputs.
- `engine`: the tax-benefit system, loaded once per process, and the batch simulation.
- `simulate`: `simulate(profiles)`, `missing_facts(profile)`, `LEGISLATION_DATE`.

Importing this package does not load OpenFisca; the first simulation does (`warm_up()`).
"""
