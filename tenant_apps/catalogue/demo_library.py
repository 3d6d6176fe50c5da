"""The demo's library: the places of a city and the kinds of offers they publish, written for
Tremplin (no third-party prose). tenant_apps.catalogue.demo draws each city's catalogue from it.

Titles carry the city's own names ({ville}, {quartier}: a priority neighbourhood of the QPV
reference; {lieu}: "à la médiathèque de Grigny"), so two cities never read the same list.
`months` is the season of an offer: the months an event or a training may start in, or, for
the other kinds, the months it is published in (None: all year).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ALL_YEAR = None
SCHOOL_YEAR = (1, 2, 3, 4, 5, 6, 9, 10, 11, 12)
SPRING = (3, 4, 5)
SUMMER = (6, 7, 8)
WARM = (5, 6, 7, 8, 9)
AUTUMN = (9, 10, 11)
WINTER = (11, 12, 1, 2)
BEFORE_SUMMER = (2, 3, 4, 5)  # summer jobs are recruited in spring


@dataclass(frozen=True)
class StructureKind:
    key: str
    typology: str
    name: str  # may use {ville}, {quartier} ("quartier Grigny 2") and {nom} ("Grigny 2")
    at: str  # "à la … ", for titles ({lieu})
    place: str  # "centre" or "qpv:<n>" (the n-th priority neighbourhood, cycling)
    description: str
    hours: str


STRUCTURES = (
    StructureKind(
        "service-jeunesse", "service_municipal", "Service jeunesse de {ville}",
        "au service jeunesse de {ville}", "centre",
        "Le service de la ville pour les 11-25 ans : projets, séjours, bourses et chantiers.",
        "Du lundi au vendredi, 9 h à 12 h et 13 h 30 à 17 h 30",
    ),
    StructureKind(
        "mission-locale", "mission_locale", "Mission locale de {ville}",
        "à la Mission locale de {ville}", "centre",
        "Un·e conseiller·ère pour l'emploi, la formation, le logement et la santé des 16-25 ans "
        "sortis de l'école.",
        "Du lundi au vendredi, 9 h à 12 h 30 et 13 h 30 à 17 h 30 (fermé le jeudi matin)",
    ),
    StructureKind(
        "pij", "pij", "Point information jeunesse de {ville}", "au PIJ de {ville}", "centre",
        "Infos et conseils sans rendez-vous, ordinateurs et imprimante en accès libre.",
        "Du mardi au samedi, 13 h à 18 h ; le mercredi dès 10 h",
    ),
    StructureKind(
        "france-travail", "france_travail", "France Travail {ville}",
        "à l'agence France Travail de {ville}", "centre",
        "Inscription, indemnisation et offres d'emploi ; un espace jeunes le mercredi.",
        "Du lundi au vendredi, 8 h 30 à 12 h 30 ; l'après-midi sur rendez-vous",
    ),
    StructureKind(
        "mediatheque", "service_municipal", "Médiathèque de {ville}",
        "à la médiathèque de {ville}", "centre",
        "Livres, BD, jeux vidéo, postes informatiques et ateliers ; inscription gratuite.",
        "Mardi 14 h à 19 h, mercredi et samedi 10 h à 18 h, vendredi 14 h à 18 h",
    ),
    StructureKind(
        "centre-social", "centre_social", "Centre social du {quartier}",
        "au centre social du {quartier}", "qpv:0",
        "Accompagnement scolaire, ateliers, sorties et permanences d'accès aux droits.",
        "Du lundi au vendredi, 9 h à 12 h et 14 h à 19 h ; le samedi matin pour les ateliers",
    ),
    StructureKind(
        "maison-quartier", "service_municipal", "Maison de quartier {nom}",
        "à la maison de quartier {nom}", "qpv:1",
        "Un lieu de rencontre ouvert à tous : salle de répétition, cuisine partagée, projets.",
        "Du lundi au vendredi, 14 h à 20 h ; le samedi, 10 h à 17 h",
    ),
    StructureKind(
        "espace-jeunes", "service_municipal", "Espace jeunes du {quartier}",
        "à l'espace jeunes du {quartier}", "qpv:2",
        "Pour les 14-25 ans : accueil libre, sorties, aide aux projets, babyfoot et console.",
        "Du mardi au vendredi, 16 h à 20 h ; mercredi et samedi, 13 h à 19 h ; "
        "10 h à 18 h pendant les vacances",
    ),
    StructureKind(
        "club", "club", "Club omnisports de {ville}", "au gymnase du {quartier}", "qpv:3",
        "Une vingtaine de sections, de la boxe au basket ; licence à tarif réduit pour les "
        "jeunes de la ville.",
        "Du lundi au vendredi, 17 h à 22 h ; le samedi, 9 h à 18 h",
    ),
    StructureKind(
        "paej", "association", "Point accueil écoute jeunes de {ville}",
        "au point accueil écoute jeunes de {ville}", "qpv:4",
        "Des psychologues et éducateur·rices qui écoutent, gratuitement et anonymement.",
        "Lundi, mercredi et vendredi, 14 h à 18 h sans rendez-vous ; le mardi soir sur "
        "rendez-vous",
    ),
    StructureKind(
        "sante", "service_municipal", "Centre municipal de santé de {ville}",
        "au centre municipal de santé de {ville}", "qpv:5",
        "Médecins, dentistes et une consultation jeunes sans avance de frais.",
        "Du lundi au vendredi, 8 h 30 à 19 h ; le samedi, 9 h à 12 h",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class OfferTemplate:
    key: str
    kind: str
    title: str  # may use {ville}, {quartier} and {lieu} (of the host structure)
    summary: str
    body: str
    themes: tuple[str, ...]
    hosts: tuple[str, ...]  # StructureKind keys; one offer per host
    months: tuple[int, ...] | None = ALL_YEAR
    hour: int = 14  # dated kinds: start time
    minutes: int = 120  # dated kinds: duration
    days: tuple[int, ...] = (2, 5)  # dated kinds: allowed weekdays (0 = Monday)
    age: tuple[int | None, int | None] = (None, None)
    situations: tuple[str, ...] = ()
    amount: int | None = None  # aides: euros
    periodicity: str = ""
    capacity: int | None = None
    price: int | None = None  # euros; None = free
    apply_within: int | None = None  # days from today to apply (jobs)
    qpv_priority: bool = False
    extra: dict = field(default_factory=dict)


def _t(key, kind, title, summary, body, themes, hosts, **options) -> OfferTemplate:
    return OfferTemplate(key, kind, title, summary, body, tuple(themes), tuple(hosts), **options)


AIDES = (
    _t("bourse-permis", "aide", "Bourse au permis de conduire de {ville}",
       "La ville paie une partie de ton permis B en échange de 35 heures de bénévolat dans une "
       "association.", "Dossier à retirer au service jeunesse. Commission tous les deux mois ; "
       "l'aide est versée directement à l'auto-école.",
       ["mobilite--preparer-un-permis"], ["service-jeunesse"], age=(18, 25), amount=600,
       periodicity="ponctuelle", qpv_priority=True),
    _t("aide-bafa", "aide", "Aide au BAFA des jeunes de {ville}",
       "Jusqu'à 300 € pour la formation générale du BAFA, et un stage pratique dans les "
       "accueils de loisirs de la ville.", "Pour les 17-25 ans qui habitent la ville. Le "
       "stage pratique peut se faire dans un centre de loisirs municipal.",
       ["engagement", "se-former"], ["service-jeunesse"], age=(17, 25),
       amount=300, periodicity="ponctuelle"),
    _t("bourse-projets", "aide", "Bourse projets jeunes {ville}",
       "Un voyage solidaire, un court-métrage, une asso à lancer ? Présente ton projet, la "
       "ville peut le financer.", "Jusqu'à 1 500 € par projet collectif, 800 € pour un projet "
       "individuel. Un·e animateur·rice t'aide à monter le dossier.",
       ["engagement", "citoyennete"], ["service-jeunesse"], age=(16, 25),
       amount=800, periodicity="ponctuelle"),
    _t("premier-logement", "aide", "Coup de pouce premier logement à {ville}",
       "Une aide pour le dépôt de garantie ou l'assurance de ton premier logement autonome.",
       "Pour les 18-25 ans qui quittent le domicile familial, sous conditions de ressources. "
       "Le dossier se monte avec la Mission locale.",
       ["logement-hebergement"], ["mission-locale"], age=(18, 25), amount=400,
       periodicity="ponctuelle", situations=("salarie", "apprenti", "alternant",
                                            "demandeur_emploi")),
    _t("ordinateur", "aide", "Aide à l'achat d'un ordinateur pour les étudiants de {ville}",
       "Un ordinateur reconditionné à 50 € pour les étudiant·es et lycéen·nes boursier·es.",
       "Sur présentation de la notification de bourse. Retrait à la médiathèque après un "
       "atelier de prise en main.", ["numerique", "se-former"], ["mediatheque"], age=(15, 25),
       amount=250, periodicity="ponctuelle", situations=("etudiant", "lyceen")),
    _t("pass-sport", "aide", "Pass sport et culture {ville}",
       "60 € par an pour une licence sportive ou une inscription au conservatoire.",
       "Valable dans les clubs et structures partenaires de la ville. Demande en ligne ou "
       "au guichet.", ["sport", "culture"], ["service-jeunesse"], age=(15, 20),
       amount=60, periodicity="annuelle"),
    _t("transport", "aide", "Aide au transport des jeunes en insertion de {ville}",
       "La moitié de ton abonnement Navigo remboursée pendant ta recherche d'emploi ou ta "
       "formation.", "Pour les jeunes accompagnés par la Mission locale ou France Travail. "
       "Remboursement chaque trimestre sur justificatif.", ["mobilite"],
       ["mission-locale"], age=(16, 25), amount=43, periodicity="mensuelle",
       situations=("demandeur_emploi", "stagiaire", "sans_activite")),
    _t("bourse-etudes", "aide", "Bourse municipale d'études supérieures de {ville}",
       "Un coup de pouce pour la rentrée des étudiant·es de la ville, selon tes ressources.",
       "Dépôt des dossiers de septembre à novembre ; versement en décembre.",
       ["se-former"], ["service-jeunesse"], age=(17, 25), amount=500, periodicity="annuelle",
       situations=("etudiant",), months=(8, 9, 10, 11)),
    _t("fonds-urgence", "aide", "Fonds d'aide aux jeunes en difficulté ({ville})",
       "Une aide d'urgence pour manger, se soigner ou se déplacer quand tout se complique.",
       "Réponse sous 48 heures. La demande se fait avec un·e conseiller·ère, qui t'aide aussi "
       "pour la suite.", ["equipement-et-alimentation"], ["mission-locale"],
       age=(18, 25), amount=200, periodicity="ponctuelle"),
    _t("vacances", "aide", "Aide au départ en vacances autonomes {ville}",
       "Premier départ entre potes ? La ville finance une partie du voyage si vous le "
       "préparez avec l'espace jeunes.", "Pour des groupes de 2 à 6 jeunes de 16 à 25 ans ; "
       "dossier à déposer deux mois avant le départ.", ["loisirs", "engagement"],
       ["espace-jeunes"], age=(16, 25), amount=250, periodicity="ponctuelle",
       months=(1, 2, 3, 4, 5, 6)),
    _t("equipement-apprenti", "aide", "Aide à l'équipement des apprenti·es de {ville}",
       "Chaussures de sécurité, couteaux, mallette : la ville t'aide pour le matériel de ton "
       "apprentissage.", "Sur facture, dans les trois mois qui suivent la signature du "
       "contrat.", ["se-former", "trouver-un-emploi"], ["mission-locale"], age=(16, 25),
       amount=150, periodicity="ponctuelle", situations=("apprenti", "alternant")),
    _t("code-route", "aide", "Code de la route à 1 € du {quartier}",
       "L'inscription au code en ligne payée par la ville, avec des séances de révision en "
       "groupe.", "Places limitées chaque trimestre ; inscription auprès de l'espace jeunes.",
       ["mobilite--preparer-un-permis"], ["espace-jeunes", "maison-quartier"], age=(15, 25),
       amount=30, periodicity="ponctuelle", qpv_priority=True),
    _t("sante-mutuelle", "aide", "Aide à la complémentaire santé des jeunes de {ville}",
       "Une partie de ta mutuelle prise en charge la première année de ta vie active.",
       "Le centre de santé t'aide aussi à demander la Complémentaire santé solidaire.",
       ["sante"], ["sante"], age=(18, 25), amount=20, periodicity="mensuelle"),
    _t("bnssa", "aide", "Aide au BNSSA pour surveiller les baignades ({ville})",
       "La ville finance ta formation de surveillant·e de baignade si tu travailles l'été à "
       "la piscine municipale.", "Formation de janvier à mai au club ; examen en mai.",
       ["sport", "se-former", "trouver-un-emploi"], ["club"], age=(17, 25), amount=250,
       periodicity="ponctuelle"),
    _t("concours", "aide", "Aide aux frais de concours des jeunes de {ville}",
       "Inscription à un concours de la fonction publique, d'une école d'art ou d'infirmier : "
       "la ville rembourse les frais.", "Sur justificatif d'inscription, une fois par an.",
       ["se-former"], ["service-jeunesse"], age=(17, 25), amount=150, periodicity="annuelle"),
    _t("prime-bac", "aide", "Prime des nouveaux bacheliers de {ville}",
       "100 € pour fêter ton bac avec mention et t'aider à préparer la suite.",
       "Demande en ligne avec ton relevé de notes, jusqu'à la fin septembre.", ["se-former"],
       ["service-jeunesse"], age=(16, 20), amount=100, periodicity="ponctuelle",
       months=(6, 7, 8, 9)),
    _t("bpjeps", "aide", "Aide à la formation BPJEPS animation à {ville}",
       "Deviens animateur·rice professionnel·le : la ville et la Mission locale financent ta "
       "formation en alternance.", "Sélection sur entretien ; la formation dure dix mois.",
       ["se-former", "trouver-un-emploi"], ["mission-locale"], age=(18, 29), amount=1000,
       periodicity="ponctuelle"),
    _t("pret-honneur", "aide", "Prêt d'honneur à taux zéro pour créer son activité ({ville})",
       "Un prêt sans intérêts ni garantie pour lancer ta micro-entreprise, avec un parrain.",
       "Passage devant un comité de chefs d'entreprise après un accompagnement de deux mois.",
       ["trouver-un-emploi"], ["france-travail"], age=(18, 30), amount=3000,
       periodicity="ponctuelle"),
    _t("cheque-lecture", "aide", "Chèque lecture et BD de la médiathèque de {ville}",
       "30 € à dépenser chez les libraires de la ville pour les 15-18 ans inscrits.",
       "À retirer à l'accueil de la médiathèque, une fois par an.", ["culture"],
       ["mediatheque"], age=(15, 18), amount=30, periodicity="annuelle"),
    _t("permis-am", "aide", "Aide au permis AM (scooter) du {quartier}",
       "Pour les 14-17 ans : la formation au permis AM payée à moitié par la ville.",
       "Sessions pendant les vacances scolaires, avec une auto-école partenaire.",
       ["mobilite--preparer-un-permis"], ["espace-jeunes"], age=(14, 17), amount=150,
       periodicity="ponctuelle", qpv_priority=True),
    _t("stage-etranger", "aide", "Aide au stage à l'étranger des jeunes de {ville}",
       "Un stage en Europe pendant tes études ou ta formation ? La ville complète Erasmus+.",
       "Dossier au PIJ au moins deux mois avant le départ.", ["souvrir-a-linternational"],
       ["pij"], age=(16, 25), amount=400, periodicity="ponctuelle"),
    _t("garde-enfant", "aide", "Aide à la garde d'enfant des jeunes parents en formation ({ville})",
       "Une aide chaque mois pour faire garder ton enfant pendant ta formation ou ta recherche "
       "d'emploi.", "Le centre social t'aide aussi à trouver une place en crèche.",
       ["equipement-et-alimentation", "se-former"], ["centre-social"], age=(16, 25),
       amount=100, periodicity="mensuelle"),
    _t("soins", "aide", "Aide aux lunettes et soins dentaires des jeunes de {ville}",
       "Le reste à charge de tes lunettes ou de tes soins dentaires pris en charge en partie.",
       "Sur devis, avec la consultation jeunes du centre de santé.", ["sante"], ["sante"],
       age=(16, 25), amount=150, periodicity="annuelle"),
    _t("engagement", "aide", "Bourse d'engagement associatif du {quartier}",
       "300 € pour les jeunes qui donnent de leur temps à une association du quartier.",
       "Après 40 heures de bénévolat attestées par l'association.", ["engagement"],
       ["maison-quartier"], age=(16, 25), amount=300, periodicity="ponctuelle"),
)  # fmt: skip

EMPLOIS = (
    _t("job-ete-animation", "emploi", "Animateur·rice en accueil de loisirs cet été à {ville}",
       "Encadre les enfants de 6 à 11 ans en juillet ou en août ; BAFA complet ou en cours.",
       "Contrat d'engagement éducatif, 3 ou 4 semaines. Réunion de recrutement au service "
       "jeunesse.", ["trouver-un-emploi", "loisirs"], ["service-jeunesse"], age=(17, 25),
       months=BEFORE_SUMMER, apply_within=45),
    _t("job-ete-espaces-verts", "emploi", "Jobs d'été aux espaces verts de {ville}",
       "Deux semaines en juillet pour entretenir les parcs avec les jardinier·es de la ville.",
       "Pour les 16-17 ans : 20 postes, tirés au sort parmi les candidatures.",
       ["trouver-un-emploi"], ["service-jeunesse"], age=(16, 17), months=BEFORE_SUMMER,
       apply_within=30),
    _t("piscine-accueil", "emploi", "Agent·e d'accueil à la piscine de {ville}",
       "Accueil et caisse le week-end, idéal à côté des études.",
       "CDD de 6 mois renouvelable, samedi et dimanche. Formation aux premiers secours "
       "offerte.", ["trouver-un-emploi", "sport"], ["service-jeunesse"], age=(18, None)),
    _t("restauration", "emploi", "Équipier·ère en restauration rapide à {ville}",
       "Temps partiel, horaires adaptables, débutant·es bienvenu·es.",
       "Candidature avec l'aide de la Mission locale, qui prépare l'entretien avec toi.",
       ["trouver-un-emploi"], ["mission-locale"], age=(16, None)),
    _t("apprenti-espaces-verts", "emploi", "Apprenti·e jardinier·e paysagiste à {ville}",
       "Un CAP en deux ans avec les équipes des parcs de la ville.",
       "Rentrée en septembre ; visite du centre de formation organisée au printemps.",
       ["trouver-un-emploi", "se-former"], ["mission-locale"], age=(16, 29),
       months=(2, 3, 4, 5, 6, 7, 8)),
    _t("mediateur-numerique", "emploi", "Médiateur·rice numérique {lieu}",
       "Aide les habitant·es à faire leurs démarches en ligne ; service civique de 8 mois.",
       "24 heures par semaine, indemnité de service civique. Aucun diplôme demandé.",
       ["trouver-un-emploi", "numerique", "engagement"], ["mediatheque", "centre-social"],
       age=(16, 25)),
    _t("aide-domicile", "emploi", "Auxiliaire de vie auprès de personnes âgées à {ville}",
       "CDI à temps partiel, permis apprécié, formation assurée par l'employeur.",
       "Horaires en journée, secteur de la ville uniquement. Offre relayée par France Travail.",
       ["trouver-un-emploi"], ["france-travail"], age=(18, None)),
    _t("logistique", "emploi", "Préparateur·rice de commandes en logistique ({ville})",
       "Missions d'intérim qui peuvent déboucher sur un CDI ; CACES financé.",
       "Information collective chaque mois ; prévois une pièce d'identité et ton CV.",
       ["trouver-un-emploi"], ["france-travail"], age=(18, None)),
    _t("soutien-scolaire", "emploi", "Soutien scolaire rémunéré {lieu}",
       "Aide des collégien·nes à faire leurs devoirs deux soirs par semaine.",
       "Pour étudiant·es à partir de bac +1. 12 € de l'heure.",
       ["trouver-un-emploi", "se-former"], ["centre-social", "maison-quartier"], age=(18, 25),
       months=SCHOOL_YEAR),
    _t("vendeur-fetes", "emploi", "Vendeur·se pour les fêtes de fin d'année à {ville}",
       "Renfort en magasin de novembre à janvier, sans expérience.",
       "Entretiens groupés à l'agence : viens avec ton CV, on t'aide à le finir sur place.",
       ["trouver-un-emploi"], ["france-travail"], age=(18, None), months=(10, 11, 12)),
    _t("moniteur-sport", "emploi", "Aide-entraîneur·se au club omnisports de {ville}",
       "Encadre les plus jeunes à l'entraînement, et passe ton diplôme fédéral.",
       "Quelques heures par semaine, rémunérées ; le club finance la formation.",
       ["trouver-un-emploi", "sport"], ["club"], age=(16, 25), months=SCHOOL_YEAR),
    _t("agent-entretien", "emploi", "Agent·e d'entretien des équipements sportifs de {ville}",
       "CDD de 6 mois pour l'entretien des gymnases, tôt le matin.",
       "Poste ouvert aux personnes accompagnées par la Mission locale ; formation sur place.",
       ["trouver-un-emploi"], ["mission-locale"], age=(18, None)),
    _t("stage-3e", "emploi", "Stages de 3e et de seconde dans les services de {ville}",
       "Découvre un métier de la ville pendant une semaine : crèche, médiathèque, voirie…",
       "Les places partent vite : dépose ta demande au PIJ avec ta convention.",
       ["choisir-un-metier"], ["pij"], age=(14, 16), months=(9, 10, 11, 12, 1, 2, 3, 4, 5, 6)),
    _t("alternance-commerce", "emploi", "Alternance en commerce : job dating {lieu}",
       "Rencontre des employeurs qui recrutent en BTS ou en bac pro, en alternance.",
       "Sans inscription : viens avec plusieurs CV imprimés.",
       ["trouver-un-emploi", "se-former"], ["mission-locale", "france-travail"],
       age=(16, 29), months=(3, 4, 5, 6, 7)),
    _t("securite", "emploi", "Agent·e de sécurité : formation payée puis embauche à {ville}",
       "Trois mois de formation rémunérée au titre professionnel, puis un CDI sur les sites "
       "de la ville.", "Casier judiciaire vierge demandé ; information collective chaque mois.",
       ["trouver-un-emploi", "se-former"], ["france-travail"], age=(18, None)),
    _t("caisse", "emploi", "Caissier·ère en supermarché à {ville}",
       "CDI à temps partiel, 24 heures par semaine, samedis travaillés.",
       "Débutant·es accepté·es : tu es formé·e les deux premières semaines.",
       ["trouver-un-emploi"], ["france-travail"], age=(18, None)),
    _t("livreur", "emploi", "Livreur·se à vélo cargo pour les commerces de {ville}",
       "Livraisons en vélo à assistance électrique, salarié·e et non auto-entrepreneur·e.",
       "Permis non nécessaire ; une demi-journée d'essai avant l'embauche.",
       ["trouver-un-emploi", "mobilite"], ["mission-locale"], age=(18, None)),
    _t("boulanger", "emploi", "Apprenti·e boulanger·ère à {ville}",
       "CAP boulanger en deux ans chez un artisan de la ville ; réveil matinal garanti.",
       "Un stage de découverte de trois jours est possible avant de signer.",
       ["trouver-un-emploi", "se-former"], ["mission-locale"], age=(15, 29)),
    _t("solidarite", "emploi", "Service civique : ambassadeur·rice de la solidarité {lieu}",
       "Huit mois pour aider les habitant·es âgé·es du quartier et animer des ateliers.",
       "Indemnité de service civique, 24 heures par semaine.", ["engagement"],
       ["centre-social", "maison-quartier"], age=(16, 25)),
    _t("periscolaire", "emploi", "Animateur·rice périscolaire dans les écoles de {ville}",
       "Le midi et après la classe, encadre les enfants des écoles élémentaires.",
       "Temps partiel compatible avec des études ; BAFA apprécié, pas obligatoire.",
       ["trouver-un-emploi", "loisirs"], ["service-jeunesse"], age=(17, None),
       months=SCHOOL_YEAR),
    _t("proprete", "emploi", "Agent·e de propreté urbaine à {ville}",
       "CDD de 12 mois qui peut déboucher sur un poste titulaire ; horaires du matin.",
       "Permis B apprécié pour conduire les petits véhicules.", ["trouver-un-emploi"],
       ["france-travail"], age=(18, None)),
    _t("educateur", "emploi", "Moniteur·rice-éducateur·rice en apprentissage à {ville}",
       "Prépare le diplôme d'État en travaillant dans un foyer éducatif de la ville.",
       "Épreuves d'admission en mars et en septembre.", ["trouver-un-emploi", "se-former"],
       ["mission-locale"], age=(18, 29)),
    _t("mediatheque", "emploi", "Contrat étudiant à la médiathèque de {ville}",
       "Accueil, rangement et aide aux lecteurs le samedi et le mercredi après-midi.",
       "Pour étudiant·es ; 10 heures par semaine hors examens.", ["trouver-un-emploi"],
       ["mediatheque"], age=(18, 26)),
    _t("cuisine-centrale", "emploi", "Aide cuisinier·ère à la cuisine centrale de {ville}",
       "Préparation des repas des cantines scolaires, du lundi au vendredi en journée.",
       "CAP cuisine apprécié ; formation hygiène offerte.", ["trouver-un-emploi"],
       ["france-travail"], age=(18, None)),
    _t("mediation", "emploi", "Agent·e d'accueil et de médiation {lieu}",
       "Accueille le public, oriente, apaise les tensions ; emploi aidé de 12 mois.",
       "Pour les jeunes accompagné·es par la Mission locale.", ["trouver-un-emploi"],
       ["pij", "maison-quartier"], age=(18, 26)),
    _t("pharmacie", "emploi", "Préparateur·rice en pharmacie en alternance à {ville}",
       "Un BP en deux ans dans une pharmacie de la ville.", "Après un bac ; rentrée en "
       "septembre ou en janvier.", ["trouver-un-emploi", "se-former", "sante"],
       ["mission-locale"], age=(17, 29)),
    _t("electricien", "emploi", "Électricien·ne en apprentissage sur les chantiers de {ville}",
       "CAP électricien avec une entreprise qui rénove les logements du quartier.",
       "Chaussures de sécurité fournies ; l'aide à l'équipement de la ville complète.",
       ["trouver-un-emploi", "se-former"], ["mission-locale"], age=(15, 29)),
    _t("cinema", "emploi", "Hôte·sse d'accueil au cinéma municipal de {ville}",
       "Caisse et accueil le soir et le week-end, idéal pour les étudiant·es.",
       "CDD de 6 mois renouvelable.", ["trouver-un-emploi", "culture"], ["service-jeunesse"],
       age=(18, None)),
    _t("creche", "emploi", "Agent·e polyvalent·e en crèche, CAP petite enfance à {ville}",
       "Un CAP accompagnant éducatif petite enfance en alternance dans les crèches de la ville.",
       "Rentrée en septembre ; réunion d'information chaque mois.",
       ["trouver-un-emploi", "se-former"], ["mission-locale"], age=(16, 29)),
)  # fmt: skip

FORMATIONS = (
    _t("atelier-cv", "formation", "Atelier CV et lettre de motivation {lieu}",
       "En deux heures, tu repars avec un CV à jour et une lettre prête à envoyer.",
       "Apporte tes anciens CV s'il y en a ; les ordinateurs sont fournis.",
       ["preparer-sa-candidature"], ["mission-locale", "pij", "espace-jeunes"], hour=14,
       minutes=120, days=(1, 2, 3), capacity=10),
    _t("psc1", "formation", "Formation premiers secours (PSC1) {lieu}",
       "Une journée pour apprendre les gestes qui sauvent, avec un certificat à la clé.",
       "Prise en charge par la ville pour les 15-25 ans. Tenue confortable conseillée.",
       ["se-former", "sante"], ["service-jeunesse", "club"], hour=9, minutes=480,
       days=(5,), capacity=12, age=(15, 25)),
    _t("code-info", "formation", "Initiation au code informatique {lieu}",
       "Crée ton premier site web en quatre séances, même si tu n'as jamais codé.",
       "Le mercredi après-midi. Ordinateurs fournis.", ["se-former", "numerique"],
       ["mediatheque", "espace-jeunes"], months=SCHOOL_YEAR, hour=14, minutes=150,
       days=(2,), capacity=12, age=(14, 25)),
    _t("code-route", "formation", "Révisions du code de la route en groupe {lieu}",
       "Des séries commentées avec un moniteur pour passer l'examen du premier coup.",
       "Tous les quinze jours ; apporte ton livret si tu en as un.",
       ["mobilite--preparer-un-permis"], ["espace-jeunes", "maison-quartier"], hour=17,
       minutes=120, days=(1, 3), capacity=15, age=(15, 25)),
    _t("entretien", "formation", "Simulation d'entretien d'embauche {lieu}",
       "Entraîne-toi face à de vrais recruteurs et reçois leurs conseils.",
       "Tenue de l'entretien conseillée ; les entretiens sont filmés si tu le souhaites.",
       ["preparer-sa-candidature"], ["mission-locale", "france-travail"], hour=9,
       minutes=180, days=(1, 3), capacity=8, age=(16, None)),
    _t("bafa-info", "formation", "Réunion d'information BAFA {lieu}",
       "Tout savoir sur le BAFA : les étapes, le prix, les aides de la ville.",
       "Suivie d'inscriptions pour la session des vacances.", ["engagement", "se-former"],
       ["service-jeunesse", "espace-jeunes"], months=(1, 2, 3, 9, 10), hour=18, minutes=90,
       days=(2, 3), capacity=30, age=(16, 25)),
    _t("orientation", "formation", "Atelier orientation Parcoursup {lieu}",
       "Choisir ses vœux, écrire sa lettre de motivation, comprendre le calendrier.",
       "Pour les lycéen·nes de terminale et leurs parents.", ["choisir-un-metier"],
       ["pij", "mediatheque"], months=(1, 2, 3), hour=17, minutes=120, days=(2, 3),
       capacity=20, age=(16, 19), situations=("lyceen",)),
    _t("budget", "formation", "Atelier « gérer son budget » {lieu}",
       "Ouvrir un compte, faire un budget, éviter les frais bancaires : les bases, "
       "sans jugement.", "Animé par une conseillère en économie sociale et familiale.",
       ["equipement-et-alimentation"], ["centre-social", "mission-locale"], hour=14,
       minutes=120, days=(1, 4), capacity=10, age=(17, 25)),
    _t("anglais", "formation", "Conversation en anglais pour le travail {lieu}",
       "Des séances pour oser parler anglais en entretien ou au travail.",
       "Huit séances, un niveau débutant suffit.", ["se-former", "souvrir-a-linternational"],
       ["mediatheque"], months=SCHOOL_YEAR, hour=18, minutes=90, days=(1, 3), capacity=12),
    _t("metiers-sante", "formation", "Découverte des métiers du soin {lieu}",
       "Aide-soignant·e, auxiliaire de puériculture : rencontre des pros et des formateurs.",
       "Une matinée avec des témoignages et une visite d'un centre de formation.",
       ["choisir-un-metier", "sante"], ["mission-locale", "sante"], hour=9, minutes=180,
       days=(1, 3), capacity=15, age=(16, 29)),
    _t("cuisine", "formation", "Atelier cuisine pas chère et équilibrée {lieu}",
       "Des recettes simples avec un petit budget, et on mange ensemble à la fin.",
       "Inscription conseillée, places limitées.", ["sante", "equipement-et-alimentation"],
       ["maison-quartier", "centre-social"], hour=17, minutes=150, days=(2, 4), capacity=10),
    _t("creer-activite", "formation", "Créer son activité : premiers pas {lieu}",
       "Micro-entreprise, aides, statut : une soirée pour savoir par où commencer.",
       "Avec une couveuse d'entreprises partenaire.", ["trouver-un-emploi"],
       ["france-travail", "maison-quartier"], months=SCHOOL_YEAR, hour=18, minutes=120,
       days=(1, 3), capacity=20, age=(18, None)),
)  # fmt: skip

EVENEMENTS = (
    _t("futsal", "evenement", "Tournoi de futsal {lieu}",
       "Équipes de cinq, inscriptions sur place, goûter offert aux participant·es.",
       "Catégories 14-17 ans et 18-25 ans. Chaussures propres exigées sur le parquet.",
       ["sport"], ["club", "espace-jeunes"], months=(10, 11, 12, 1, 2, 3), hour=14,
       minutes=240, days=(5,), capacity=80, age=(14, 25)),
    _t("scene-ouverte", "evenement", "Scène ouverte rap et slam {lieu}",
       "Viens poser ton texte ou simplement écouter ; studio mobile pour t'enregistrer.",
       "Inscription des artistes jusqu'au jour même, dans la limite de 15 passages.",
       ["culture"], ["maison-quartier", "mediatheque"], months=(10, 11, 12, 1, 2, 3, 4, 5),
       hour=19, minutes=180, days=(4, 5), capacity=120),
    _t("forum-jobs-ete", "evenement", "Forum des jobs d'été de {ville}",
       "Des employeurs qui recrutent pour juillet et août, des conseils pour ton CV.",
       "Prévois plusieurs CV imprimés ; atelier photo de CV sur place.",
       ["trouver-un-emploi"], ["service-jeunesse"], months=(3, 4), hour=10, minutes=360,
       days=(2, 5), capacity=400, age=(16, 25)),
    _t("jeux-video", "evenement", "Soirée jeux vidéo en réseau {lieu}",
       "Tournoi sur console et PC, pizzas, et une initiation à la création de jeux.",
       "Manettes fournies, tu peux venir avec la tienne.", ["loisirs", "numerique"],
       ["espace-jeunes", "mediatheque"], months=SCHOOL_YEAR, hour=18, minutes=180,
       days=(4,), capacity=40, age=(14, 25)),
    _t("cine-plein-air", "evenement", "Ciné plein air au {quartier}",
       "Un film choisi par les jeunes du quartier, projeté sur grand écran à la nuit tombée.",
       "Apporte ton plaid ; repli en salle en cas de pluie.", ["culture", "loisirs"],
       ["maison-quartier", "espace-jeunes"], months=(7, 8), hour=21, minutes=150,
       days=(4, 5), capacity=300),
    _t("chantier-nature", "evenement", "Chantier citoyen nature {lieu}",
       "Une semaine de chantier pour un espace vert du quartier, rémunérée en bourse "
       "permis ou BAFA.", "Pour les 16-25 ans, le matin ; repas du midi partagé.",
       ["engagement", "citoyennete"], ["service-jeunesse", "centre-social"],
       months=(4, 5, 7, 8, 10), hour=9, minutes=240, days=(0,), capacity=12, age=(16, 25)),
    _t("job-dating", "evenement", "Job dating des métiers qui recrutent {lieu}",
       "Dix minutes par employeur, sans rendez-vous : restauration, logistique, sécurité.",
       "Viens avec ton CV ; un atelier express de préparation commence une heure avant.",
       ["trouver-un-emploi"], ["mission-locale", "france-travail"], months=AUTUMN + SPRING,
       hour=9, minutes=240, days=(1, 3), capacity=150, age=(16, None)),
    _t("fete-quartier", "evenement", "Fête du {quartier}",
       "Concerts, stands des associations, tournoi de pétanque et repas partagé.",
       "Les jeunes qui veulent tenir un stand peuvent s'inscrire à la maison de quartier.",
       ["loisirs", "culture"], ["maison-quartier", "centre-social"], months=(6, 9),
       hour=14, minutes=420, days=(5,), capacity=None),
    _t("basket-3x3", "evenement", "Tournoi de basket 3x3 {lieu}",
       "Sur le terrain extérieur, musique et arbitrage par les jeunes du club.",
       "Inscription par équipe de trois, plus un remplaçant.", ["sport"],
       ["club", "espace-jeunes"], months=(5, 6, 7, 9), hour=14, minutes=300, days=(5, 6),
       capacity=64, age=(14, 25)),
    _t("salon-orientation", "evenement", "Salon de l'orientation et de l'alternance de {ville}",
       "Lycées, CFA, écoles et entreprises de la ville réunis pour t'aider à choisir.",
       "Ateliers Parcoursup et stands alternance toute la journée.",
       ["choisir-un-metier", "se-former"], ["service-jeunesse"], months=(1, 2),
       hour=10, minutes=420, days=(5,), capacity=600, age=(14, 25)),
    _t("sortie-mer", "evenement", "Sortie à la mer avec l'espace jeunes du {quartier}",
       "Une journée à la plage en car, encadrée par les animateur·rices.",
       "Autorisation parentale pour les mineur·es ; pique-nique à prévoir.",
       ["loisirs"], ["espace-jeunes"], months=(7, 8), hour=7, minutes=780, days=(2,),
       capacity=50, age=(14, 20), price=5),
    _t("don-sang", "evenement", "Collecte de sang des jeunes {lieu}",
       "Premier don ? L'équipe t'explique tout, et une collation t'attend.",
       "À partir de 18 ans, avec une pièce d'identité ; pense à bien manger avant.",
       ["sante", "engagement"], ["service-jeunesse", "sante"], hour=14, minutes=300,
       days=(1, 3), capacity=None, age=(18, None)),
    _t("conseil-jeunes", "evenement", "Réunion publique du conseil des jeunes de {ville}",
       "Les projets des jeunes élu·es présentés aux habitant·es, et tes idées pour la suite.",
       "Ouvert à toutes et tous ; les candidatures au conseil ouvrent ce soir-là.",
       ["citoyennete", "engagement"], ["service-jeunesse"], months=SCHOOL_YEAR, hour=18,
       minutes=120, days=(2, 3), capacity=80, age=(13, 25)),
    _t("boxe", "evenement", "Portes ouvertes de la section boxe {lieu}",
       "Essaie la boxe éducative avec les coachs du club, gants prêtés.",
       "Tenue de sport ; certificat médical demandé seulement pour l'inscription.",
       ["sport"], ["club"], months=(9, 10, 1), hour=17, minutes=180, days=(2, 5),
       capacity=40, age=(12, 25)),
)  # fmt: skip

BONS_PLANS = (
    _t("concerts", "bon_plan", "Places de concert à 5 € avec le PIJ de {ville}",
       "Des places à petit prix pour les salles partenaires de la ville et du département.",
       "Réservation au PIJ sur présentation d'un justificatif de domicile.", ["culture"],
       ["pij"], price=5, age=(15, 25)),
    _t("escalade", "bon_plan", "Escalade à tarif réduit pour les jeunes de {ville}",
       "La salle d'escalade partenaire fait -50 % sur l'entrée le mercredi.",
       "Sur présentation de ta carte jeune de la ville.", ["sport"], ["pij"], price=6,
       age=(12, 25)),
    _t("paniers", "bon_plan", "Paniers solidaires pour étudiant·es {lieu}",
       "Un panier de fruits, légumes et produits de base à 2 € chaque semaine.",
       "Sur inscription, avec ta carte étudiante ou ton certificat de scolarité.",
       ["equipement-et-alimentation"], ["centre-social", "maison-quartier"], price=2,
       situations=("etudiant",)),
    _t("mediatheque", "bon_plan", "Abonnement gratuit et jeux vidéo {lieu}",
       "Emprunte livres, BD et jeux vidéo gratuitement, et joue sur place aux consoles.",
       "Inscription sur place avec une pièce d'identité.", ["culture", "loisirs"],
       ["mediatheque"]),
    _t("velos", "bon_plan", "Vélos en prêt pour l'été {lieu}",
       "Un vélo, un antivol et un casque prêtés pour tout l'été.", "Caution de 20 €, "
       "rendue au retour ; atelier de réparation offert.", ["mobilite"],
       ["espace-jeunes", "service-jeunesse"], months=(5, 6, 7, 8)),
    _t("cinema", "bon_plan", "Cinéma à 4 € pour les moins de 26 ans à {ville}",
       "Toutes les séances à 4 € au cinéma municipal, le week-end compris.",
       "Sur présentation d'une pièce d'identité.", ["culture"], ["service-jeunesse"], price=4,
       age=(None, 25)),
    _t("piscine", "bon_plan", "Piscine gratuite les mercredis des vacances à {ville}",
       "Entrée gratuite pour les moins de 18 ans pendant les vacances scolaires.",
       "Bonnet de bain obligatoire, en vente à l'accueil.", ["sport", "loisirs"],
       ["club"], age=(None, 17)),
    _t("repair-cafe", "bon_plan", "Repair café {lieu}",
       "Répare ton téléphone, ton vélo ou tes vêtements avec des bénévoles bricoleurs.",
       "Un samedi par mois ; apporte l'objet et ses pièces si tu les as.",
       ["numerique", "equipement-et-alimentation"], ["maison-quartier", "centre-social"]),
    _t("salle-repet", "bon_plan", "Studio de répétition à 3 € l'heure {lieu}",
       "Batterie, amplis et micros fournis ; réservation en ligne.",
       "Pour les groupes de jeunes de la ville ; un·e régisseur·se est présent·e.",
       ["culture"], ["maison-quartier", "espace-jeunes"], price=3),
    _t("friperie", "bon_plan", "Friperie solidaire {lieu}",
       "Vêtements pour un entretien ou pour l'hiver à partir de 1 €.",
       "Le mercredi et le samedi ; dons acceptés.", ["equipement-et-alimentation"],
       ["centre-social"], price=1),
    _t("wifi", "bon_plan", "Wi-Fi, ordinateurs et impressions gratuites {lieu}",
       "Imprime ton CV, ton billet de train ou ton dossier, gratuitement.",
       "Jusqu'à 20 pages par jour.", ["numerique"], ["pij", "mediatheque", "espace-jeunes"]),
    _t("theatre", "bon_plan", "Théâtre à 8 € pour les jeunes de {ville}",
       "Des places à 8 € pour toute la saison du théâtre de la ville.",
       "Sur réservation, carte jeune à présenter.", ["culture"], ["service-jeunesse"], price=8,
       age=(None, 25), months=SCHOOL_YEAR),
    _t("carte-jeune", "bon_plan", "Carte jeune {ville} : réductions chez les commerçants",
       "-10 % à -30 % chez une cinquantaine de commerçants et de restaurants de la ville.",
       "Gratuite pour les 15-25 ans, au PIJ avec une photo.", ["loisirs"], ["pij"],
       age=(15, 25)),
    _t("jeux-societe", "bon_plan", "Soirées jeux de société gratuites {lieu}",
       "Une centaine de jeux, un·e animateur·rice pour expliquer les règles.",
       "Le vendredi soir, sans inscription.", ["loisirs"], ["maison-quartier", "mediatheque"]),
    _t("coiffure", "bon_plan", "Coupe de cheveux solidaire avant un entretien {lieu}",
       "Une coupe à 2 € par des apprenti·es coiffeur·ses la veille d'un entretien.",
       "Sur présentation de la convocation.", ["trouver-un-emploi"], ["centre-social"],
       price=2),
    _t("danse", "bon_plan", "Cours de danse et de yoga à 2 € {lieu}",
       "Hip-hop, afro, yoga : des cours pour débutant·es toute l'année.", "Inscription au "
       "trimestre ; le premier cours est gratuit.", ["sport", "culture"],
       ["maison-quartier", "club"], price=2),
    _t("matchs", "bon_plan", "Matchs à prix mini avec le club omnisports de {ville}",
       "Des places à 3 € pour les matchs des équipes premières de la ville.",
       "Billets au club le mercredi ; gratuit pour les licencié·es.", ["sport"], ["club"],
       price=3),
    _t("photo-video", "bon_plan", "Ateliers photo et vidéo gratuits {lieu}",
       "Appareils et logiciels prêtés, un vidéaste pour apprendre à monter tes films.",
       "Le mercredi après-midi, sur inscription.", ["culture", "numerique"],
       ["espace-jeunes", "mediatheque"]),
    _t("kit-rentree", "bon_plan", "Kit de rentrée des étudiant·es de {ville}",
       "Fournitures, clé USB et carte de bus offertes aux étudiant·es de la ville.",
       "À retirer au service jeunesse avec ton certificat de scolarité.",
       ["se-former", "equipement-et-alimentation"], ["service-jeunesse"],
       months=(8, 9, 10), situations=("etudiant",)),
)  # fmt: skip

SERVICES = (
    _t("sante-jeunes", "service", "Consultation jeunes sans rendez-vous {lieu}",
       "Un·e médecin pour les 15-25 ans, sans avance de frais, même sans carte Vitale.",
       "Contraception, vaccins, certificats, fatigue : tu peux tout demander.",
       ["sante"], ["sante"], age=(15, 25)),
    _t("ecoute", "service", "Écoute psychologique gratuite {lieu}",
       "Parler à un·e psychologue, gratuitement et anonymement, seul·e ou avec un proche.",
       "Sans rendez-vous aux heures de permanence, ou sur rendez-vous le soir.",
       ["sante--sante-mentale"], ["paej"], age=(12, 25)),
    _t("acces-droits", "service", "Permanence d'accès aux droits {lieu}",
       "CAF, titre de séjour, impôts, amendes : une juriste t'aide dans tes démarches.",
       "Apporte les courriers reçus et une pièce d'identité.",
       ["difficultes-administratives-ou-juridiques"], ["centre-social", "pij"]),
    _t("logement", "service", "Accompagnement à la recherche de logement {lieu}",
       "Foyer de jeunes travailleurs, colocation, logement social : on t'aide à choisir et "
       "à monter le dossier.", "Sur rendez-vous, avec tes trois derniers bulletins de salaire "
       "si tu en as.", ["logement-hebergement"], ["mission-locale", "service-jeunesse"],
       age=(18, 30)),
    _t("orientation", "service", "Conseil en orientation {lieu}",
       "Tu hésites entre reprendre des études et travailler ? Un·e conseiller·ère t'aide à y "
       "voir clair.", "Entretien individuel d'une heure, sur rendez-vous.",
       ["choisir-un-metier"], ["pij", "mission-locale"], age=(15, 25)),
    _t("accompagnement-emploi", "service", "Accompagnement vers l'emploi {lieu}",
       "Un·e conseiller·ère qui te suit dans la durée, du CV au premier mois de travail.",
       "Possibilité d'entrer dans le Contrat d'engagement jeune avec une allocation.",
       ["trouver-un-emploi"], ["mission-locale", "france-travail"], age=(16, 25),
       situations=("demandeur_emploi", "sans_activite")),
    _t("numerique", "service", "Aide aux démarches en ligne {lieu}",
       "Créer ton adresse e-mail, ton compte Ameli ou CAF, déposer un dossier en ligne.",
       "Sans rendez-vous ; pense à ton téléphone pour les codes de connexion.",
       ["numerique", "difficultes-administratives-ou-juridiques"],
       ["mediatheque", "centre-social", "pij"]),
    _t("depistage", "service", "Dépistage et information santé sexuelle {lieu}",
       "Tests rapides gratuits et confidentiels, contraception d'urgence, conseils.",
       "Sans rendez-vous, le mercredi après-midi.", ["sante"], ["sante", "paej"],
       age=(15, 25)),
    _t("aide-devoirs", "service", "Aide aux devoirs pour collégien·nes et lycéen·nes {lieu}",
       "Des bénévoles et des étudiant·es pour t'aider dans tes devoirs, quatre soirs par "
       "semaine.", "Gratuit, inscription en début de trimestre.", ["se-former"],
       ["centre-social", "maison-quartier", "mediatheque"], months=SCHOOL_YEAR,
       age=(11, 18), situations=("collegien", "lyceen")),
    _t("sport-sante", "service", "Sport santé encadré {lieu}",
       "Remise en forme douce avec un éducateur sportif, sur prescription ou non.",
       "Deux séances par semaine, gratuites la première année.", ["sport", "sante"],
       ["club", "sante"]),
    _t("baby-sitting", "service", "Relais baby-sitting de {ville}",
       "Tu gardes des enfants ? Inscris-toi au relais pour trouver des familles près de chez "
       "toi.", "Formation gratuite aux premiers secours pour les inscrit·es.",
       ["trouver-un-emploi"], ["pij"], age=(16, 25)),
    _t("mobilite-conseil", "service", "Conseil mobilité {lieu}",
       "Trouver le bon trajet, le bon abonnement et les aides pour te déplacer vers un "
       "emploi.", "Bilan mobilité individuel en une heure.", ["mobilite"],
       ["mission-locale", "espace-jeunes"], age=(16, 25)),
    _t("permanence-ml", "service", "Permanence de la Mission locale {lieu}",
       "Un·e conseiller·ère de la Mission locale vient dans ton quartier chaque semaine.",
       "Sans rendez-vous, le mardi après-midi.", ["trouver-un-emploi", "se-former"],
       ["centre-social", "espace-jeunes"], age=(16, 25)),
    _t("parents-ados", "service", "Point écoute parents-ados {lieu}",
       "Quand ça coince à la maison : un espace pour en parler, ensemble ou séparément.",
       "Sur rendez-vous, gratuit et confidentiel.", ["sante--sante-mentale"], ["paej"],
       age=(12, 21)),
)  # fmt: skip

TEMPLATES = AIDES + EMPLOIS + FORMATIONS + EVENEMENTS + BONS_PLANS + SERVICES
TEMPLATES_BY_KEY = {f"{t.kind}:{t.key}": t for t in TEMPLATES}
