"""Which aides-jeunes OpenFisca benefits Tremplin computes, and for whom.

A benefit's slug is its file stem in aides-jeunes' data/benefits/openfisca/; its OpenFisca
variable is the slug (or `openfisca_eligibility_source` when the corpus gives one). We compute
those that can concern one young person of 15 to 25 without a child, and that the installed
tax-benefit system defines (`computed_benefits()` checks). Every other corpus benefit is listed
in `EXCLUDED` with the reason, so that a new corpus file is a visible decision, not a silent gap.

What each entry says beyond the corpus is ours:
- `needs`: the profile answers the result depends on, so that an unknown one makes it a "maybe";
- `situations`: where the aid is certainly out of reach for other situations although OpenFisca
  alone would compute an amount (it has no notion of, e.g., "not in employment or training");
- `territory`: for local aids, the commune / EPCI / département / région of the institution that
  grants it (aides-jeunes' `institution`). Local variables of openfisca-france-local often do not
  test the place themselves: we only compute them for people who live there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

# Profile answers (situation.FIELDS) a benefit can depend on.
AGE = "birth_date"
SITUATION = "situation"
INCOME = "net_income_monthly"
HOUSING = "housing_status"
RENT = "rent_monthly"
PARTNER = "lives_with_partner"
BOURSIER = "boursier"
COMMUNE = "commune_insee"
PARENTS_INCOME = "parents_income_yearly"

_MEANS_TESTED = (AGE, SITUATION, INCOME, PARTNER)
_HOUSING_AID = (*_MEANS_TESTED, HOUSING, RENT, BOURSIER, COMMUNE)
_STUDENT = frozenset({"etudiant"})


@dataclass(frozen=True)
class Territory:
    """Where a local aid applies: one commune, EPCI (SIREN), département or région."""

    kind: str  # commune | epci | departement | region
    code: str


@dataclass(frozen=True)
class Benefit:
    slug: str
    variable: str
    entity: str  # individu | famille | menage (OpenFisca entity of the variable)
    period: str  # month | year: the period the amount is computed for
    unit: str | None = "€"  # None: an eligibility (value 1 or 0), not an amount
    needs: tuple[str, ...] = (AGE, SITUATION)
    situations: frozenset[str] | None = None  # None: any situation
    housing: frozenset[str] | None = None  # None: any housing status
    territory: Territory | None = None
    local: bool = False  # modelled by openfisca-france-local


def _b(slug: str, entity: str, **kw) -> Benefit:
    return Benefit(slug=slug, variable=kw.pop("variable", slug), entity=entity, **kw)


def _local(slug: str, entity: str, kind: str, code: str, **kw) -> Benefit:
    return _b(slug, entity, territory=Territory(kind, code), local=True, **kw)


_OWN_HOME = frozenset({"locataire_vide", "locataire_meuble", "proprietaire"})

BENEFITS: tuple[Benefit, ...] = (
    # National, openfisca-france.
    _b("aide_logement", "famille", period="month", needs=_HOUSING_AID),
    _b("ppa", "famille", period="month", needs=(*_MEANS_TESTED, HOUSING, RENT)),
    _b("rsa", "famille", period="month", needs=(*_MEANS_TESTED, HOUSING, RENT)),
    _b(
        "contrat_engagement_jeune",
        "individu",
        period="month",
        needs=_MEANS_TESTED,
        # The CEJ is for young people in neither employment nor training.
        situations=frozenset({"demandeur_emploi", "sans_activite"}),
    ),
    _b(
        "bourse_criteres_sociaux",
        "individu",
        period="month",
        needs=(AGE, SITUATION, PARENTS_INCOME),
        situations=_STUDENT,
    ),
    _b(
        "crous_logement_eligibilite",
        "individu",
        variable="bourse_criteres_sociaux",
        period="month",
        unit=None,
        needs=(AGE, SITUATION, PARENTS_INCOME),
        situations=_STUDENT,
    ),
    # A household's cheque: someone living in another's home is in that household.
    _b(
        "cheque_energie",
        "menage",
        period="year",
        needs=(*_MEANS_TESTED, HOUSING),
        housing=_OWN_HOME,
    ),
    _b("logement_social_eligible", "famille", period="month", unit=None, needs=_MEANS_TESTED),
    _b(
        "aide_permis_demandeur_emploi",
        "individu",
        period="month",
        situations=frozenset({"demandeur_emploi"}),  # France Travail's, for job seekers
    ),
    _b("carte_sncf_eleve_apprenti_eligibilite", "individu", period="month", unit=None),
    _b("depart1825_montant_maximum", "individu", period="month", needs=(AGE, SITUATION, BOURSIER)),
    _b("garantie_pret_etudiant_eligibilite", "individu", period="month", unit=None),
    _b("gratuite_musees_monuments", "individu", period="month", unit=None, needs=(AGE,)),
    _b("pass_culture", "individu", period="month", needs=(AGE,)),
    _b("pass_sport", "individu", period="month", needs=(AGE, SITUATION, BOURSIER)),
    _b("pret_formation_permis_eligibilite", "individu", period="month", unit=None, needs=(AGE,)),
    _b(
        "seances_sante_psy_etudiant",
        "individu",
        period="month",
        unit="séances",
        situations=_STUDENT,
    ),
    # Local, openfisca-france-local: granted by a commune, an EPCI, a département or a région.
    _local(
        "antony_noel_pour_tous",
        "famille",
        "commune",
        "92002",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "bordeaux_metropole_aide_tarification_solidaire_transport",
        "individu",
        "epci",
        "243300316",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "brest_metropole_transport",
        "individu",
        "epci",
        "242900314",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "cambrai_aide_mobilite_permis_b",
        "individu",
        "commune",
        "59122",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "carcassonne_aide_permis",
        "individu",
        "commune",
        "11069",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "cotes_d_armor_fonds_solidarite_logement_energie_eligibilite",
        "individu",
        "departement",
        "22",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING),
    ),
    _local(
        "crous_aide_100_repas_gratuits",
        "individu",
        "region",
        "32",
        period="month",
        unit=None,
        needs=(AGE, SITUATION, BOURSIER),
        situations=_STUDENT,
    ),
    _local(
        "eure_et_loir_eligibilite_adefip",
        "individu",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "eure_et_loir_eligibilite_faj",
        "individu",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "eure_et_loir_eligibilite_fsl_acces_logement",
        "menage",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING, RENT),
    ),
    _local(
        "eure_et_loir_eligibilite_pret_vehicule",
        "individu",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "eure_et_loir_eligibilite_transport_social",
        "individu",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "eure_et_loir_fsl_eligibilite_installation_logement",
        "menage",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING, RENT),
    ),
    _local(
        "eure_et_loir_fsl_eligibilite_maintien_fourniture",
        "menage",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING, RENT),
    ),
    _local(
        "eure_et_loir_fsl_eligibilite_maintien_logement",
        "menage",
        "departement",
        "28",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING, RENT),
    ),
    _local(
        "eurometropole_strasbourg_tarification_solidaire_transport_montant",
        "individu",
        "epci",
        "246700488",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "grand_est_fluo_67_eligible_gratuite",
        "individu",
        "region",
        "44",
        period="month",
        unit=None,
        needs=_MEANS_TESTED,
    ),
    _local(
        "haute_saone_aide_permis",
        "individu",
        "departement",
        "70",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "haute_vienne_aide_permis",
        "individu",
        "departement",
        "87",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "hauts_de_france_aide_permis",
        "individu",
        "region",
        "32",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "ile_de_france_aide_achat_voiture_electrique",
        "individu",
        "region",
        "11",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "illkirch_graffenstaden_coupon_arts_et_sports",
        "famille",
        "commune",
        "67218",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "iwuy_aide_mobilite_permis",
        "individu",
        "commune",
        "59322",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "le_cateau_aide_mobilite_permis",
        "individu",
        "commune",
        "59136",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "les_rues_des_vignes_aide_mobilite_permis",
        "individu",
        "commune",
        "59517",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "loire_atlantique_aide_mobilite_permis_am",
        "individu",
        "departement",
        "44",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "loire_atlantique_aide_mobilite_permis_b",
        "individu",
        "departement",
        "44",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "nantes_metropole_tarification_solidaire_transport",
        "menage",
        "epci",
        "244400404",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "nouvelle_aquitaine_aide_permis",
        "individu",
        "region",
        "75",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "nouvelle_aquitaine_carte_solidaire",
        "individu",
        "region",
        "75",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local("pass_jeune_54", "individu", "departement", "54", period="month"),
    _local(
        "pays_de_la_loire_epass_jeunes_culture_sport", "individu", "region", "52", period="month"
    ),
    _local(
        "rennes_metropole_transport",
        "individu",
        "epci",
        "243500139",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "revenu_solidaire_jeune",
        "individu",
        "epci",
        "200046977",
        period="month",
        needs=(*_MEANS_TESTED, HOUSING),
    ),
    _local(
        "saint_louis_eligibilite_residence",
        "menage",
        "commune",
        "97414",
        period="month",
        unit=None,
        needs=(*_MEANS_TESTED, HOUSING),
    ),
    _local("seine_saint_denis_cheque_reussite", "famille", "departement", "93", period="month"),
    _local(
        "tisseo_transport_reduction",
        "individu",
        "epci",
        "243100518",
        period="month",
        needs=_MEANS_TESTED,
    ),
    _local(
        "vendee_bourses_jeunes_benevoles_montant_max",
        "individu",
        "departement",
        "85",
        period="month",
    ),
    _local(
        "yvelines_aide_permis", "individu", "departement", "78", period="month", needs=_MEANS_TESTED
    ),
)

_FAMILY = "for parents of a child: Tremplin's profile is a young person without child"
_DISABILITY = "needs a disability rate, which Tremplin does not ask"
_ZERO = "OpenFisca gives 0 to every 15-25-year-old without child (measured over all situations)"
EXCLUDED: dict[str, str] = {
    "aah": _DISABILITY,
    "caah": _DISABILITY,
    "aeeh": _FAMILY,
    "af": _FAMILY,
    "agepi": _FAMILY,
    "ars": _FAMILY,
    "asf": _FAMILY,
    "cf": _FAMILY,
    "paje_base": _FAMILY,
    "bourse_college": _FAMILY,
    "bourse_lycee": _FAMILY,
    "hauts_de_france_aide_garde_enfant": _FAMILY,
    "antony_bourse_famille_nombreuse": _FAMILY,
    "antony_bourse_communale": _ZERO,
    "antony_bourse_conservatoire": _ZERO,
    "antony_aide_depart_sejour_adapte": _DISABILITY,
    "asi": "for people with an invalidity pension",
    "aspa": "for people of 65 and over",
    "eure_et_loir_eligibilite_aide_menagere_personne_agee": "for people of 60 and over",
    "eure_et_loir_eligibilite_aide_menagere_personne_handicap": _DISABILITY,
    "eure_et_loir_eligibilite_ash_personne_handicap": _DISABILITY,
    "eure_et_loir_eligibilite_cmi_invalidite": _DISABILITY,
    "eure_et_loir_eligibilite_cmi_priorite": _DISABILITY,
    "eure_et_loir_eligibilite_cmi_stationnement": _DISABILITY,
    "eure_et_loir_eligibilite_pch_domicile": _DISABILITY,
    "eure_et_loir_eligibilite_pch_etablissement": _DISABILITY,
    "eure_et_loir_eligibilite_transport_eleves_etudiants": _DISABILITY,
    "ass": "needs five years of past employment, which Tremplin does not ask",
    "pass_colo": "for children of 11",
    "aide_merite_montant": "needs the baccalauréat mention, which Tremplin does not ask",
    "aide_mobilite_internationale_eligibilite": "needs a study period abroad",
    "aide_mobilite_master": "needs a master's admission in another académie",
    "aide_mobilite_parcoursup": "needs a Parcoursup admission in another académie",
    "aide_alimentation_etudiants_eloignes": "needs the distance to a CROUS restaurant",
    "aide_permis_pro_btp": "needs the employer's sector (building trade)",
    "aide_financement_permis_apprenti": _ZERO + " (the aid ended)",
    "aide_formation_gen": _ZERO,
    "mobili_jeune": "needs the start date and pay of the work-study contract",
    "locapass_eligibilite": "needs the date the person moved in",
    "visale_eligibilite": _ZERO,
    "bail_reel_solidaire": "home ownership scheme; its formula takes two minutes per batch",
    "crous_repas_montant": "a meal price, not an aid amount",
    "livret_epargne_populaire_taux": "an interest rate, not an aid amount",
    "css_participation_forfaitaire": "0 means both 'free' and 'not eligible': not an amount",
    "auvergne_mutuelle_communale": _ZERO,
    "auvergne_mutuelle_communale_etudiant": _ZERO,
    "montpellier_mutuelle_communale": _ZERO,
    "grand_est_fluo_67_tarification_solidaire": _ZERO,
    "occitanie_carte_jeune_region": _ZERO,
    "occitanie_carte_transport_scolaire_lio": _ZERO,
    "msa_armorique_aide_permis": "needs the agricultural social security scheme (MSA)",
    "msa_haute_normandie_aide_permis": "needs the agricultural social security scheme (MSA)",
    "msa_midi_pyrenees_sud_aide_permis": "needs the agricultural social security scheme (MSA)",
    "msa_nord_pas_de_calais_aide_permis": "needs the agricultural social security scheme (MSA)",
    "msa_portes_de_bretagne_aide_permis": "needs the agricultural social security scheme (MSA)",
}
# Modelled by openfisca-paris, which is not a dependency.
EXCLUDED.update(
    {
        slug: "modelled by openfisca-paris, not installed"
        for slug in (
            "paris_complement_sante",
            "paris_energie_familles",
            "paris_forfait_familles",
            "paris_logement",
            "paris_logement_aspeh",
            "paris_logement_familles",
            "paris_logement_plfm",
            "paris_logement_psol",
            "paris_pass_access",
            "paris_pass_seniors",
        )
    }
)


@cache
def computed_benefits() -> tuple[Benefit, ...]:
    """The benefits of `BENEFITS` whose variable the installed tax-benefit system defines."""
    from .engine import tax_benefit_system

    variables = tax_benefit_system().variables
    return tuple(b for b in BENEFITS if b.variable in variables)


def benefit_get(slug: str) -> Benefit | None:
    return next((b for b in BENEFITS if b.slug == slug), None)


def slugs(benefits: Iterable[Benefit]) -> list[str]:
    return [b.slug for b in benefits]
