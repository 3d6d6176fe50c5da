"""Reference lists of the young person's profile (DESIGN.md codes; French labels)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The youngest age at which someone may open an account.
MIN_AGE = 15
# Terms of use version young people accept at sign-up; bump it when the text changes.
TERMS_VERSION = "2025-01"
# The session key under which a visitor's answers (« Mes droits », the DESIGN.md profile shape)
# wait for sign-up: matching writes them, sign-up carries them into the new profile.
ANONYMOUS_ANSWERS_KEY = "matching_profile"


class Situation(models.TextChoices):
    COLLEGIEN = "collegien", _("Collégien·ne")
    LYCEEN = "lyceen", _("Lycéen·ne")
    ETUDIANT = "etudiant", _("Étudiant·e")
    APPRENTI = "apprenti", _("Apprenti·e")
    ALTERNANT = "alternant", _("En alternance (contrat pro)")
    STAGIAIRE = "stagiaire", _("En stage ou en formation")
    SALARIE = "salarie", _("En emploi")
    INDEPENDANT = "independant", _("Indépendant·e, auto-entrepreneur·e")
    DEMANDEUR_EMPLOI = "demandeur_emploi", _("Je cherche un emploi")
    SERVICE_CIVIQUE = "service_civique", _("En service civique")
    SANS_ACTIVITE = "sans_activite", _("Sans activité pour le moment")


class HousingStatus(models.TextChoices):
    PARENTS = "parents", _("Chez mes parents")
    LOCATAIRE_VIDE = "locataire_vide", _("Locataire d'un logement vide")
    LOCATAIRE_MEUBLE = "locataire_meuble", _("Locataire d'un logement meublé")
    LOCATAIRE_FOYER = "locataire_foyer", _("En foyer ou résidence (FJT, Crous…)")
    HEBERGE_GRATUITEMENT = "heberge_gratuitement", _("Hébergé·e gratuitement")
    PROPRIETAIRE = "proprietaire", _("Propriétaire")
    SANS_DOMICILE = "sans_domicile", _("Sans logement stable")


# aides-jeunes' `statut_occupation_logement` for each housing status (its engine's fact).
HOUSING_OCCUPATION = {
    "parents": "loge_gratuitement",
    "locataire_vide": "locataire_vide",
    "locataire_meuble": "locataire_meuble",
    "locataire_foyer": "locataire_foyer",
    "heberge_gratuitement": "loge_gratuitement",
    "proprietaire": "proprietaire",
    "sans_domicile": "sans_domicile",
}
# Money answers are monthly euros; these bounds only catch typing slips.
MAX_MONTHLY_INCOME = 20_000
MAX_MONTHLY_RENT = 5_000


class DiplomaLevel(models.TextChoices):
    AUCUN = "aucun", _("Pas de diplôme")
    BREVET = "brevet", _("Brevet")
    CAP_BEP = "cap_bep", _("CAP ou BEP")
    BAC = "bac", _("Bac (général, techno ou pro)")
    BAC_2 = "bac_2", _("Bac +2 (BTS, BUT, DEUG…)")
    BAC_3 = "bac_3", _("Bac +3 (licence, BUT…)")
    BAC_5 = "bac_5", _("Bac +5 et plus")


class Frein(models.TextChoices):
    MOBILITE = "mobilite", _("Me déplacer")
    LOGEMENT = "logement", _("Me loger")
    ARGENT = "argent", _("L'argent")
    SANTE = "sante", _("La santé")
    CONFIANCE = "confiance", _("La confiance en moi")
    NUMERIQUE = "numerique", _("Le numérique, internet")
    GARDE_ENFANT = "garde_enfant", _("Faire garder mon enfant")
    LANGUE = "langue", _("Le français")
    HANDICAP = "handicap", _("Un handicap")
    ADMINISTRATIF = "administratif", _("Les papiers, les démarches")


class LookingFor(models.TextChoices):
    EMPLOI = "emploi", _("Un job ou un emploi")
    STAGE = "stage", _("Un stage ou une alternance")
    FORMATION = "formation", _("Une formation, une orientation")
    AIDES = "aides", _("Des aides, mes droits")
    LOGEMENT = "logement", _("Un logement")
    SORTIES = "sorties", _("Des sorties, du sport, de la culture")
    ENGAGEMENT = "engagement", _("M'engager, être utile")
    ACCOMPAGNEMENT = "accompagnement", _("Quelqu'un pour m'accompagner")
    SANTE = "sante", _("Prendre soin de ma santé")
    PERMIS = "permis", _("Passer le permis")


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("Conditions d'utilisation")
    NEWSLETTER = "newsletter", _("Recevoir les nouveautés par e-mail")
