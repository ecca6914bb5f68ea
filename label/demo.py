"""Demo data of the label: the 2020 Hauts-de-France call, closed, and a call open until 30 days from today.

Statuses and their history are written directly, never through the services:
those notify, and seeding the demo must not fill the outbox.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD, demo_email, demo_user, register
from accounts.models import User
from events.demo import DUNKERQUE_SLUG, FORUM_2021_SLUG, NEXT_FORUM_SLUG, NEXT_MEETING_SLUG
from events.models import Event, Region

from .models import (
    Candidature,
    Criterion,
    CriterionAnswer,
    Edition,
    HistoryEntry,
    Milestone,
    ProjectStage,
    Status,
    TerritoryKind,
)

PARIS = ZoneInfo("Europe/Paris")
CONTACT_EMAIL = demo_email("contact")
HAUTS_DE_FRANCE = "32"


def paris(day, hour=0, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


# code: (name, guidance), shared by the editions that use the criterion.
CRITERIA = {
    "innovation": (
        "Innovation",
        "En quoi le projet est-il nouveau pour votre territoire ou pour les collectivités de votre taille ? "
        "Technologie, organisation, méthode ou modèle économique : dites ce qui change concrètement.",
    ),
    "usagers": (
        "Prise en compte des usagers",
        "Comment les habitants, les usagers et les agents ont-ils été associés à la conception, au test et à "
        "l'évaluation du projet ? Quelle place pour l'accessibilité et l'inclusion numérique ?",
    ),
    "reproductibilite": (
        "Reproductibilité",
        "Une autre collectivité pourrait-elle reprendre la démarche ? Documentation, licences, coûts, "
        "compétences nécessaires et conditions de réussite.",
    ),
    "mutualisation": (
        "Mutualisation",
        "Le projet est-il partagé entre collectivités, services ou partenaires ? Moyens, données, outils et "
        "marchés communs.",
    ),
    "sobriete": (
        "Efficacité et sobriété numérique / impact climatique",
        "Quels résultats mesurés ou attendus ? Comment le projet limite-t-il son empreinte environnementale "
        "(matériel, données, énergie) et contribue-t-il à l'atténuation du changement climatique ou à "
        "l'adaptation à ses effets ?",
    ),
    "interoperabilite": (
        "Interopérabilité",
        "Le projet s'appuie-t-il sur des standards ouverts et des formats documentés ? Ses données et ses "
        "services peuvent-ils être échangés avec ceux d'autres collectivités et de l'État ?",
    ),
}

# (code, weight, eliminatory threshold) in order; in 2020 only three criteria could eliminate a dossier.
CRITERIA_2020 = [
    ("innovation", 25, "1.5"),
    ("usagers", 20, "1.5"),
    ("reproductibilite", 20, None),
    ("mutualisation", 15, None),
    ("sobriete", 20, "1.5"),
]
CRITERIA_CURRENT = [
    ("innovation", 20, "1.5"),
    ("usagers", 20, "1.5"),
    ("reproductibilite", 15, "1.5"),
    ("mutualisation", 15, "1.5"),
    ("sobriete", 15, "1.5"),
    ("interoperabilite", 15, "1.5"),
]

DESCRIPTION_2020 = """\
L'appel à candidatures 2020 du Label Territoire Innovant fait étape en Hauts-de-France. Il distingue les \
collectivités qui innovent au service de leurs habitants : services publics numériques, données, participation \
citoyenne, transition écologique, organisation interne.

Les candidats présélectionnés présentent leur projet au jury par visioconférence (Zoom) le 23 juin 2020, \
de 14 h à 17 h. Les auditions sont diffusées le 30 juin 2020 lors de la rencontre régionale « Comment opérer \
une ville durable et intelligente ? », organisée à Dunkerque avec la Communauté urbaine de Dunkerque et \
France Ville Durable, et retransmise en direct sur une web TV.

Les collectivités lauréates sont invitées à recevoir leur label lors du forum national, en février 2021."""

ELIGIBILITY_2020 = """\
Toute collectivité territoriale des Hauts-de-France peut candidater : commune, intercommunalité, métropole, \
département ou région, ainsi que les autres organismes publics locaux (syndicats mixtes, établissements publics).

Le projet doit être engagé (expérimentation, déploiement ou service en fonctionnement) et porté par la \
collectivité. Une seule candidature par collectivité.

Les candidatures sont déposées en ligne avant le 19 juin 2020 à minuit. Elles sont examinées au regard de cinq \
critères : innovation, prise en compte des usagers, reproductibilité, mutualisation, efficacité et sobriété \
numérique / impact climatique."""

DESCRIPTION_CURRENT = """\
Le Label Territoire Innovant distingue chaque année les collectivités qui innovent au service de leurs \
habitants. Déposez votre candidature en ligne : vous pouvez l'enregistrer en brouillon, la compléter en \
plusieurs fois et la modifier jusqu'à la date limite.

Les candidats présélectionnés présentent leur projet au jury en visioconférence, en moins de dix minutes. Les \
auditions sont retransmises sur la web TV lors de la rencontre régionale, et les lauréats reçoivent leur label \
lors du forum national."""

ELIGIBILITY_CURRENT = """\
Toute collectivité territoriale française peut candidater (commune, intercommunalité, métropole, département, \
région), ainsi que les autres organismes publics locaux. Le projet doit être engagé et porté par la collectivité.

Six critères : innovation, prise en compte des usagers, reproductibilité, mutualisation, efficacité et sobriété \
numérique / impact climatique, interopérabilité. Un dossier jugé insuffisant sur l'un d'eux est éliminé."""

STAGE_AT = {
    Status.ELIGIBLE: paris(date(2020, 6, 22), 10, 0),
    Status.INELIGIBLE: paris(date(2020, 6, 22), 10, 0),
    Status.SHORTLISTED: paris(date(2020, 6, 22), 17, 0),
    Status.AUDITIONED: paris(date(2020, 6, 23), 17, 30),
}
NOT_RETAINED_AFTER_AUDITION_AT = paris(date(2020, 7, 15), 11, 0)

# Each candidature of 2020, in order of submission: its reference is LTI-2020-HDF-<position>.
CANDIDATURES_2020 = [
    {
        "account": "roubaix",
        "full_name": "Karim Haddad",
        "contact_role": "Responsable du service des systèmes d'information",
        "territory_name": "Ville de Roubaix",
        "territory_kind": TerritoryKind.COMMUNE,
        "population": 96_990,
        "project_title": "Reconditionner les ordinateurs de la ville pour les écoles et les associations",
        "summary": (
            "La ville reconditionne elle-même ses ordinateurs en fin de contrat, les équipe de logiciels libres "
            "et les confie aux écoles, aux associations et aux familles accompagnées par le CCAS."
        ),
        "description": (
            "Chaque année, près de 400 postes de travail de la ville sortaient du parc après cinq ans et étaient "
            "détruits. Depuis 2018, un atelier installé dans les locaux de la direction informatique les efface, "
            "les répare et les équipe d'un système libre léger.\n\n"
            "Les postes sont confiés aux écoles élémentaires, aux associations roubaisiennes et, par le CCAS, à "
            "des familles sans équipement. Un chantier d'insertion assure une partie des remises en état."
        ),
        "stage": ProjectStage.ROUTINE,
        "started_on": date(2018, 9, 1),
        "budget": Decimal("85000"),
        "partners": (
            "CCAS de Roubaix ; chantier d'insertion ; associations de médiation numérique ; Éducation nationale"
        ),
        "submitted_at": paris(date(2020, 5, 20), 10, 14),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED],
        "answers": [
            "Plutôt que d'acheter du neuf pour les écoles, la ville prolonge la vie de son propre matériel. "
            "L'atelier est interne, ce qui reste rare pour une commune de notre taille.",
            "Les enseignants ont choisi les logiciels installés et les familles sont accompagnées lors de la "
            "remise du matériel. Un questionnaire de suivi est envoyé trois mois après.",
            "La procédure d'effacement, l'image système et la convention de don sont publiées sous licence "
            "libre. Deux communes voisines les ont déjà demandées.",
            "Le CCAS, les associations et le chantier d'insertion partagent le même atelier et le même "
            "inventaire en ligne des postes disponibles.",
            "1 150 postes ont évité la destruction depuis 2018, soit environ 230 tonnes de CO2 évitées selon la "
            "méthode de l'ADEME. Le système installé fonctionne sur des machines de dix ans.",
        ],
    },
    {
        "account": "lille",
        "full_name": "Nathalie Deprez",
        "contact_role": "Cheffe de projet données ouvertes",
        "territory_name": "Métropole européenne de Lille",
        "territory_kind": TerritoryKind.METROPOLIS,
        "population": 1_164_716,
        "project_title": "Un portail de données ouvertes partagé avec les 95 communes de la métropole",
        "summary": (
            "La métropole ouvre ses données et celles des communes volontaires sur un portail commun : "
            "transports, déchets, équipements, budgets. Les communes publient sans compétence technique."
        ),
        "description": (
            "Lancé en 2017, le portail de données ouvertes de la métropole héberge aujourd'hui plus de 300 jeux "
            "de données. En 2019, il a été ouvert aux communes membres : chacune dispose d'un espace de "
            "publication et d'un accompagnement.\n\n"
            "Une charte commune fixe les formats, la fréquence de mise à jour et la licence ouverte. Des "
            "ateliers réunissent agents, associations et entreprises pour faire émerger des réutilisations."
        ),
        "stage": ProjectStage.DEPLOYMENT,
        "started_on": date(2017, 3, 1),
        "budget": Decimal("210000"),
        "partners": "Communes membres ; Ilévia ; associations de citoyens du numérique ; Etalab",
        "submitted_at": paris(date(2020, 5, 27), 16, 42),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED],
        "answers": [
            "La nouveauté tient à l'ouverture du portail aux communes : une petite commune publie ses données "
            "sur la même plateforme que la métropole, avec les mêmes outils.",
            "Les jeux de données à publier en priorité ont été choisis lors d'ateliers ouverts. Les "
            "réutilisateurs signalent les erreurs directement sur le portail.",
            "La charte, les modèles de fiches et les guides de publication sont libres de droits et ont été "
            "repris par deux autres métropoles.",
            "Un seul portail, un seul marché d'hébergement et une équipe d'appui pour 95 communes : les coûts "
            "sont partagés au prorata de la population.",
            "Le portail n'héberge que des données utiles et mises à jour ; les jeux abandonnés sont archivés "
            "chaque année. Les données de transport ont permis d'optimiser deux lignes de bus.",
        ],
    },
    {
        "account": "valenciennes",
        "full_name": "Olivier Dufour",
        "contact_role": "Responsable du SIG communautaire",
        "territory_name": "Valenciennes Métropole",
        "territory_kind": TerritoryKind.INTERCOMMUNALITY,
        "population": 192_000,
        "project_title": "Un système d'information géographique partagé entre 35 communes",
        "summary": (
            "L'agglomération met à disposition des 35 communes un SIG commun : cadastre, réseaux, urbanisme, "
            "voirie. Les secrétaires de mairie l'utilisent dans un simple navigateur."
        ),
        "description": (
            "Avant le projet, la plupart des communes de l'agglomération ne disposaient d'aucun outil "
            "cartographique et demandaient des plans par courrier. Le SIG communautaire rassemble désormais "
            "les données des services et des concessionnaires de réseaux.\n\n"
            "Chaque commune y consulte et met à jour ses propres couches (cimetières, éclairage, arrêtés), avec "
            "des droits adaptés. Des formations sont organisées deux fois par an."
        ),
        "stage": ProjectStage.DEPLOYMENT,
        "started_on": date(2019, 1, 15),
        "budget": Decimal("145000"),
        "partners": "35 communes membres ; syndicat d'énergie ; concessionnaires de réseaux",
        "submitted_at": paris(date(2020, 6, 2), 9, 5),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED],
        "answers": [
            "L'outil lui-même est éprouvé ; ce qui est nouveau, c'est qu'il est réellement utilisé par des "
            "communes de 300 habitants, sans service informatique.",
            "Les écrans ont été simplifiés avec les secrétaires de mairie, lors de trois ateliers de test. "
            "Une assistance téléphonique répond aux questions des agents.",
            "La solution repose sur des logiciels libres (QGIS, Lizmap) ; la configuration est documentée et "
            "peut être reprise par toute intercommunalité.",
            "Un seul serveur, une seule équipe et des données partagées pour 35 communes : c'est le cœur du projet.",
            "Les plans papier et les déplacements des agents ont fortement diminué. Le serveur est hébergé "
            "dans un centre de données régional alimenté en énergie renouvelable.",
        ],
    },
    {
        "account": "beauvais",
        "full_name": "Isabelle Morel",
        "contact_role": "Directrice de l'environnement",
        "territory_name": "Ville de Beauvais",
        "territory_kind": TerritoryKind.COMMUNE,
        "population": 56_020,
        "project_title": "Mesurer la qualité de l'air dans les écoles avec les élèves",
        "summary": (
            "Des capteurs de CO2 et de particules, montés par les élèves, mesurent la qualité de l'air dans les "
            "classes. Les résultats guident l'aération et les travaux de ventilation."
        ),
        "description": (
            "Vingt écoles élémentaires sont équipées de capteurs à bas coût assemblés en classe avec les "
            "élèves de CM1 et CM2. Les mesures sont affichées sur un voyant dans la classe et publiées chaque "
            "semaine.\n\n"
            "Les services techniques s'appuient sur ces mesures pour programmer les travaux de ventilation et "
            "les enseignants pour adapter l'aération."
        ),
        "stage": ProjectStage.PILOT,
        "started_on": date(2019, 9, 2),
        "budget": Decimal("32000"),
        "partners": "Éducation nationale ; Atmo Hauts-de-France ; fablab local",
        "submitted_at": paris(date(2020, 6, 5), 14, 30),
        "path": [Status.SUBMITTED, Status.ELIGIBLE],
        "answers": [
            "Les capteurs sont construits par les élèves eux-mêmes, ce qui fait du projet un outil pédagogique "
            "autant qu'un outil de mesure.",
            "Les enseignants, les parents d'élèves et les agents d'entretien ont défini ensemble les règles "
            "d'aération. Un voyant simple remplace les tableaux de chiffres.",
            "Les plans des capteurs et le programme sont publiés ; le coût est de 45 euros par classe.",
            "Les mesures sont partagées avec Atmo Hauts-de-France qui les compare à ses stations de référence.",
            "Les capteurs consomment très peu et ne transmettent qu'une mesure toutes les dix minutes. Les "
            "travaux sont ciblés sur les salles qui en ont besoin.",
        ],
    },
    {
        "account": "dunkerque",
        "full_name": "Julien Vandamme",
        "contact_role": "Directeur de la transformation numérique",
        "territory_name": "Communauté urbaine de Dunkerque",
        "territory_kind": TerritoryKind.INTERCOMMUNALITY,
        "population": 196_000,
        "project_title": "Un éclairage public intelligent et sobre sur le littoral",
        "summary": (
            "L'éclairage public des zones d'activité et des digues s'adapte à la présence : lumière abaissée la "
            "nuit, relevée au passage des piétons et des cyclistes. Consommation réduite de 60 %."
        ),
        "description": (
            "Depuis 2019, 4 200 points lumineux ont été remplacés par des luminaires à LED pilotés à distance. "
            "Des détecteurs relèvent l'intensité au passage des piétons et des cyclistes ; le reste du temps, "
            "l'éclairage est abaissé ou éteint selon les secteurs.\n\n"
            "Les pannes sont signalées automatiquement et la trame noire protège la faune du littoral. Le "
            "programme se poursuit dans les communes de l'agglomération jusqu'en 2023."
        ),
        "stage": ProjectStage.DEPLOYMENT,
        "started_on": date(2019, 3, 1),
        "budget": Decimal("3200000"),
        "partners": "Communes membres ; syndicat d'énergie ; Conservatoire du littoral ; associations de cyclistes",
        "submitted_at": paris(date(2020, 6, 9), 11, 20),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED],
        "answers": [
            "L'éclairage n'est plus allumé par défaut mais déclenché par l'usage, secteur par secteur. Les "
            "règles sont ajustées à distance, sans intervention sur le terrain.",
            "Des marches nocturnes avec les habitants et les associations de cyclistes ont fixé les niveaux "
            "d'éclairage. Un numéro unique recueille les signalements.",
            "Le cahier des charges et le retour d'expérience sont publiés. Le modèle de pilotage fonctionne "
            "avec des luminaires de plusieurs fabricants.",
            "Le marché est commun à l'agglomération et aux communes membres, qui partagent la supervision et "
            "l'équipe de maintenance.",
            "La consommation a baissé de 60 % sur les secteurs équipés, soit 1 800 MWh par an. La trame noire "
            "réduit la pollution lumineuse sur la digue et les espaces naturels.",
        ],
    },
    {
        "account": "nord",
        "full_name": "Anne-Sophie Delattre",
        "contact_role": "Directrice de l'inclusion numérique",
        "territory_name": "Département du Nord",
        "territory_kind": TerritoryKind.DEPARTMENT,
        "population": 2_604_361,
        "project_title": "Un guichet numérique unique des aides sociales, accompagné en médiathèque",
        "summary": (
            "Un seul formulaire en ligne pour demander les principales aides du Département, et des médiateurs "
            "présents dans les médiathèques pour aider celles et ceux qui en ont besoin."
        ),
        "description": (
            "Le guichet regroupe les demandes d'aide à l'autonomie, d'aide au permis de conduire et d'aide aux "
            "familles. Il réutilise les informations déjà connues pour ne pas les redemander.\n\n"
            "Trente médiathèques accueillent des permanences de médiateurs numériques, formés avec les "
            "travailleurs sociaux du Département."
        ),
        "stage": ProjectStage.PILOT,
        "started_on": date(2019, 10, 1),
        "budget": Decimal("640000"),
        "partners": "Médiathèques du réseau départemental ; CAF du Nord ; associations de médiation numérique",
        "submitted_at": paris(date(2020, 6, 11), 17, 55),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED, Status.NOT_RETAINED],
        "notes": {
            Status.NOT_RETAINED: (
                "Le jury salue l'ambition du projet mais attend les résultats de l'expérimentation, notamment "
                "sur le taux de recours aux aides. Il encourage le Département à candidater de nouveau."
            ),
        },
        "answers": [
            "Un seul point d'entrée pour plusieurs aides, avec une instruction partagée entre services.",
            "Le formulaire a été testé avec des bénéficiaires en médiathèque ; les médiateurs aident ceux qui "
            "ne peuvent pas faire seuls.",
            "La démarche peut être reprise par d'autres départements ; le formulaire s'appuie sur une solution "
            "publique de démarches en ligne.",
            "Les médiathèques communales, la CAF et le Département partagent les lieux et les formations.",
            "Les déplacements des usagers vers les sites du Département diminuent. L'impact sur le recours aux "
            "aides sera mesuré fin 2020.",
        ],
    },
    {
        "account": "arras",
        "full_name": "Émilie Caron",
        "contact_role": "Chargée de mission démocratie participative",
        "territory_name": "Ville d'Arras",
        "territory_kind": TerritoryKind.COMMUNE,
        "population": 41_019,
        "project_title": "Un budget participatif accessible en ligne et dans les quartiers",
        "summary": (
            "Les habitants proposent, discutent et votent des projets pour leur quartier, sur une application "
            "accessible et lors de permanences dans les centres sociaux."
        ),
        "description": (
            "Chaque année, 300 000 euros du budget d'investissement sont consacrés aux projets proposés par les "
            "habitants. L'application, conforme au référentiel d'accessibilité, permet de déposer une idée, de "
            "suivre son instruction et de voter.\n\n"
            "Pour que personne ne soit écarté, des urnes et des permanences sont installées dans les centres "
            "sociaux et les marchés."
        ),
        "stage": ProjectStage.DEPLOYMENT,
        "started_on": date(2019, 2, 1),
        "budget": Decimal("300000"),
        "partners": "Centres sociaux ; conseils de quartier ; éditeur d'une plateforme libre de participation",
        "submitted_at": paris(date(2020, 6, 15), 15, 10),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED],
        "answers": [
            "Le vote mêle en ligne et hors ligne avec un dépouillement commun ; chaque projet a une page de suivi "
            "jusqu'à sa réalisation.",
            "Les règles du budget ont été écrites avec les conseils de quartier. Un audit d'accessibilité a été "
            "mené avec une association de personnes malvoyantes.",
            "La plateforme est un logiciel libre utilisé par d'autres villes ; nos règles et nos supports de "
            "communication sont réutilisables.",
            "La ville partage la plateforme avec deux communes voisines qui ont lancé leur propre budget participatif.",
            "L'application est légère et fonctionne sur des téléphones anciens. Un tiers des projets votés "
            "portent sur la végétalisation.",
        ],
    },
    {
        "account": "compiegne",
        "full_name": "Vincent Roussel",
        "contact_role": "Directeur des mobilités",
        "territory_name": "Agglomération de la Région de Compiègne",
        "territory_kind": TerritoryKind.INTERCOMMUNALITY,
        "population": 82_000,
        "project_title": "Le transport à la demande réservé en un appel ou en un clic",
        "summary": (
            "Dans les communes rurales de l'agglomération, des minibus à la demande remplacent les lignes "
            "régulières peu fréquentées. Réservation par téléphone, application ou SMS."
        ),
        "description": (
            "Le service couvre 14 communes rurales. Les trajets sont regroupés automatiquement pour limiter les "
            "kilomètres à vide et garantir une correspondance avec les trains en gare de Compiègne.\n\n"
            "La réservation reste possible par téléphone pour les personnes qui n'utilisent pas d'application."
        ),
        "stage": ProjectStage.DEPLOYMENT,
        "started_on": date(2019, 9, 1),
        "budget": Decimal("450000"),
        "partners": "Exploitant du réseau de bus ; Région Hauts-de-France ; université de technologie de Compiègne",
        "submitted_at": paris(date(2020, 6, 16), 10, 48),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED],
        "answers": [
            "Le regroupement automatique des trajets, conçu avec un laboratoire de l'université, adapte l'offre "
            "à la demande réelle.",
            "Les horaires ont été définis avec les habitants des communes rurales ; la réservation par "
            "téléphone reste possible.",
            "L'algorithme de regroupement est publié et peut être repris par tout réseau de transport local.",
            "Le service est financé avec la Région et partage les arrêts et l'information voyageurs du réseau urbain.",
            "Les kilomètres parcourus ont baissé de 40 % par rapport aux lignes régulières remplacées.",
        ],
    },
    {
        "account": "lens-lievin",
        "full_name": "Sandrine Bouchez",
        "contact_role": "Cheffe de projet inclusion numérique",
        "territory_name": "Communauté d'agglomération de Lens-Liévin",
        "territory_kind": TerritoryKind.INTERCOMMUNALITY,
        "population": 242_000,
        "project_title": "Un réseau de tiers-lieux numériques dans le bassin minier",
        "summary": (
            "Six tiers-lieux installés dans d'anciens bâtiments miniers proposent espaces de travail partagés, "
            "ateliers numériques et accompagnement aux démarches en ligne."
        ),
        "description": (
            "Les tiers-lieux accueillent des travailleurs indépendants, des associations et des habitants qui "
            "souhaitent se former au numérique. Un animateur est présent dans chaque lieu.\n\n"
            "Le réseau partage une programmation commune et un système de réservation des espaces."
        ),
        "stage": ProjectStage.PILOT,
        "started_on": date(2019, 6, 1),
        "budget": Decimal("780000"),
        "partners": "Communes d'accueil ; Mission Bassin Minier ; associations d'éducation populaire",
        "submitted_at": paris(date(2020, 6, 17), 18, 2),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.NOT_RETAINED],
        "notes": {
            Status.NOT_RETAINED: (
                "Le jury a relevé la qualité de la démarche mais n'a pas retenu le projet pour les auditions : "
                "la part d'innovation et les résultats mesurés restent à préciser."
            ),
        },
        "answers": [
            "La reconversion de bâtiments miniers en lieux numériques ouverts à tous est nouvelle sur notre "
            "territoire.",
            "La programmation est construite avec les habitants et les associations lors de réunions trimestrielles.",
            "Le modèle d'animation et les conventions avec les communes sont documentés.",
            "Six lieux, une programmation et un outil de réservation communs.",
            "Les bâtiments rénovés sont mieux isolés ; les équipements sont en partie reconditionnés.",
        ],
    },
    {
        "account": "amiens",
        "full_name": "Thomas Lefèvre",
        "contact_role": "Responsable du patrimoine numérique",
        "territory_name": "Amiens Métropole",
        "territory_kind": TerritoryKind.INTERCOMMUNALITY,
        "population": 179_000,
        "project_title": "Des données ouvertes sur la fréquentation des hortillonnages",
        "summary": (
            "Des compteurs anonymes mesurent la fréquentation des chemins et des canaux des hortillonnages. Les "
            "données ouvertes aident à protéger le site et à mieux accueillir les visiteurs."
        ),
        "description": (
            "Les hortillonnages, jardins flottants classés, accueillent un nombre croissant de visiteurs. Douze "
            "compteurs sans caméra mesurent les passages à pied, à vélo et en barque.\n\n"
            "Les données sont publiées en temps réel et servent à organiser l'accueil, l'entretien des berges "
            "et l'information des visiteurs sur les périodes calmes."
        ),
        "stage": ProjectStage.PILOT,
        "started_on": date(2019, 5, 1),
        "budget": Decimal("68000"),
        "partners": "Association de protection des hortillonnages ; office de tourisme ; université de Picardie",
        "submitted_at": paris(date(2020, 6, 18), 12, 25),
        "path": [Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED],
        "answers": [
            "Mesurer sans caméra ni donnée personnelle la fréquentation d'un site naturel fragile, et publier "
            "ces mesures en temps réel, est inédit pour un site classé.",
            "Les hortillons, les associations et l'office de tourisme ont choisi l'emplacement des compteurs et "
            "les informations affichées pour les visiteurs.",
            "Les compteurs sont des modèles du commerce ; la méthode et les scripts de publication sont libres.",
            "Les données servent à la métropole, à l'office de tourisme et à l'association gestionnaire ; les "
            "coûts de maintenance sont partagés.",
            "Les compteurs fonctionnent sur batterie solaire. Mieux répartir la fréquentation limite l'érosion "
            "des berges.",
        ],
    },
    {
        "account": "calais",
        "full_name": "Céline Fournier",
        "contact_role": "Chargée de mission ville intelligente",
        "territory_name": "Ville de Calais",
        "territory_kind": TerritoryKind.COMMUNE,
        "population": 73_636,
        "project_title": "Renouvellement des écrans d'information municipaux",
        "summary": "Remplacement des panneaux d'information lumineux du centre-ville par des écrans connectés.",
        "description": (
            "La ville prévoit de remplacer ses quinze panneaux d'information lumineux par des écrans connectés "
            "pilotés depuis l'hôtel de ville."
        ),
        "stage": ProjectStage.IDEA,
        "started_on": date(2020, 9, 1),
        "budget": Decimal("240000"),
        "partners": "Fournisseur retenu après appel d'offres",
        "submitted_at": paris(date(2020, 6, 19), 16, 37),
        "path": [Status.SUBMITTED, Status.INELIGIBLE],
        "notes": {
            Status.INELIGIBLE: (
                "Le projet décrit un achat de matériel qui n'est pas encore engagé, sans démarche d'innovation "
                "ni association des usagers : il ne répond pas à l'objet de l'appel (règlement, article 2)."
            ),
        },
        "answers": [
            "Les nouveaux écrans permettront d'afficher des vidéos.",
            "Les messages seront choisis par le service communication.",
            "Le matériel est standard.",
            "Sans objet.",
            "Les écrans seront éteints entre 1 h et 6 h.",
        ],
    },
    {
        "account": "saint-quentin",
        "full_name": "Pierre Lemaire",
        "contact_role": "Directeur des espaces verts",
        "territory_name": "Ville de Saint-Quentin",
        "territory_kind": TerritoryKind.COMMUNE,
        "population": 53_816,
        "project_title": "Un arrosage des espaces verts guidé par des sondes d'humidité",
        "summary": (
            "Des sondes dans le sol des parcs et des massifs déclenchent l'arrosage seulement quand c'est "
            "nécessaire. Les jardiniers suivent les besoins sur une carte."
        ),
        "description": (
            "Quarante sondes d'humidité ont été installées dans les principaux parcs de la ville. L'arrosage "
            "automatique ne se déclenche que lorsque le sol en a besoin, en tenant compte des prévisions de "
            "pluie.\n\n"
            "Les jardiniers consultent une carte des besoins et adaptent les plantations aux secteurs les plus "
            "secs."
        ),
        "stage": ProjectStage.PILOT,
        "started_on": date(2020, 3, 1),
        "budget": Decimal("54000"),
        "partners": "Lycée horticole ; syndicat des eaux ; réseau régional de capteurs bas débit",
        "submitted_at": paris(date(2020, 6, 19), 23, 30),
        "path": [Status.SUBMITTED],
        "answers": [
            "L'arrosage n'est plus programmé à heures fixes mais déclenché par la mesure, parc par parc.",
            "Les jardiniers ont choisi l'emplacement des sondes et la carte a été conçue avec eux ; les "
            "habitants sont informés par des panneaux dans les parcs.",
            "Le matériel est courant et le paramétrage est documenté pour les autres communes du réseau.",
            "Les sondes utilisent le réseau bas débit déjà partagé avec le syndicat des eaux.",
            "La consommation d'eau des parcs a baissé de 35 % au printemps 2020. Les sondes fonctionnent cinq "
            "ans sur pile.",
        ],
    },
]


def _demo_owner(account, full_name, password):
    user, _created = User.objects.update_or_create(
        email=demo_email(account),
        defaults={"full_name": full_name, "password": password, "is_active": True, "is_staff": False},
    )
    return user


def _criteria(edition, specification):
    criteria = []
    for order, (code, weight, threshold) in enumerate(specification, start=1):
        name, guidance = CRITERIA[code]
        criterion, _created = Criterion.objects.update_or_create(
            edition=edition,
            code=code,
            defaults={
                "name": name,
                "guidance": guidance,
                "weight": Decimal(weight),
                "order": order,
                "scale_min": 0,
                "scale_max": 5,
                "eliminatory_threshold": Decimal(threshold) if threshold else None,
            },
        )
        criteria.append(criterion)
    return criteria


def _milestones(edition, milestones):
    """The edition's steps after the deadline, which the call page already shows from ``closes_at``."""
    kept = []
    for title, starts_at, ends_at, detail in milestones:
        milestone, _created = Milestone.objects.update_or_create(
            edition=edition, title=title, defaults={"starts_at": starts_at, "ends_at": ends_at, "detail": detail}
        )
        kept.append(milestone.pk)
    edition.milestones.exclude(pk__in=kept).delete()


def _history(candidature, path, notes, owner, organiser, offset):
    """The status trail leading to ``path[-1]``, one entry per step; other status entries are dropped."""
    kept = []
    previous = Status.DRAFT
    for status in path:
        if status == Status.SUBMITTED:
            at, actor = candidature.submitted_at, owner
        elif status == Status.NOT_RETAINED and previous == Status.AUDITIONED:
            at, actor = NOT_RETAINED_AFTER_AUDITION_AT + offset, organiser
        elif status == Status.NOT_RETAINED:
            at, actor = STAGE_AT[Status.SHORTLISTED] + offset, organiser
        else:
            at, actor = STAGE_AT[status] + offset, organiser
        entry, _created = HistoryEntry.objects.update_or_create(
            candidature=candidature,
            action=HistoryEntry.Action.STATUS,
            from_status=previous,
            to_status=status,
            defaults={"at": at, "actor": actor, "note": notes.get(status, "")},
        )
        kept.append(entry.pk)
        previous = status
    candidature.history.filter(action=HistoryEntry.Action.STATUS).exclude(pk__in=kept).delete()


def seed_2020(password, organiser):
    edition, _created = Edition.objects.update_or_create(
        slug="2020",
        defaults={
            "name": "Label Territoire Innovant 2020",
            "year": 2020,
            "code": "HDF",
            "tagline": "Comment opérer une ville durable et intelligente ? L'appel des Hauts-de-France",
            "description": DESCRIPTION_2020,
            "eligibility": ELIGIBILITY_2020,
            "opens_at": paris(date(2020, 4, 15)),
            "closes_at": paris(date(2020, 6, 20)),
            "contact_email": CONTACT_EMAIL,
            "published": True,
        },
    )
    criteria = _criteria(edition, CRITERIA_2020)
    _milestones(
        edition,
        [
            (
                "Auditions des candidats présélectionnés",
                paris(date(2020, 6, 23), 14, 0),
                paris(date(2020, 6, 23), 17, 0),
                "Pitch par visioconférence (Zoom) devant le jury.",
            ),
            (
                "Rencontre régionale « Comment opérer une ville durable et intelligente ? »",
                paris(date(2020, 6, 30), 9, 30),
                paris(date(2020, 6, 30), 17, 0),
                "Dunkerque, avec la Communauté urbaine de Dunkerque et France Ville Durable ; "
                "auditions diffusées sur la web TV.",
            ),
            (
                "Forum national et remise des labels",
                paris(date(2021, 2, 10), 9, 30),
                paris(date(2021, 2, 10), 17, 30),
                "Les collectivités lauréates y reçoivent leur label.",
            ),
        ],
    )
    region = Region.objects.get(code=HAUTS_DE_FRANCE)
    for number, data in enumerate(CANDIDATURES_2020, start=1):
        owner = _demo_owner(data["account"], data["full_name"], password)
        candidature, _created = Candidature.objects.update_or_create(
            edition=edition,
            territory_name=data["territory_name"],
            defaults={
                "owner": owner,
                "reference": edition.reference_for(number),
                "status": data["path"][-1],
                "territory_kind": data["territory_kind"],
                "region": region,
                "population": data["population"],
                "project_title": data["project_title"],
                "summary": data["summary"],
                "description": data["description"],
                "stage": data["stage"],
                "started_on": data["started_on"],
                "budget": data["budget"],
                "partners": data["partners"],
                "contact_name": data["full_name"],
                "contact_role": data["contact_role"],
                "contact_email": owner.email,
                "consent_rules": True,
                "consent_publication": True,
                "submitted_at": data["submitted_at"],
                "staged_transition": "",
                "staged_level": "",
                "outcome_level": "",
            },
        )
        for criterion, text in zip(criteria, data["answers"], strict=True):
            CriterionAnswer.objects.update_or_create(
                candidature=candidature, criterion=criterion, defaults={"text": text}
            )
        _history(candidature, data["path"], data.get("notes", {}), owner, organiser, timedelta(minutes=number))
    edition.last_reference_number = len(CANDIDATURES_2020)
    edition.save(update_fields=["last_reference_number"])
    return edition


def seed_current(today):
    """The call open now: it opened 30 days ago and closes at midnight 30 days from ``today``."""
    closes_on = today + timedelta(days=30)
    year = closes_on.year
    closes_at = paris(closes_on)
    # The same demo edition follows the calendar: on a later run it moves (and may change year).
    current = Edition.objects.filter(description=DESCRIPTION_CURRENT).exclude(slug="2020").first()
    edition, _created = Edition.objects.update_or_create(
        pk=current.pk if current else None,
        defaults={
            "slug": str(year),
            "name": f"Label Territoire Innovant {year}",
            "year": year,
            "tagline": "L'appel à candidatures est ouvert : faites reconnaître l'innovation de votre territoire",
            "description": DESCRIPTION_CURRENT,
            "eligibility": ELIGIBILITY_CURRENT,
            "opens_at": paris(today - timedelta(days=30)),
            "closes_at": closes_at,
            "contact_email": CONTACT_EMAIL,
            "published": True,
        },
    )
    _criteria(edition, CRITERIA_CURRENT)
    auditions_on = closes_on + timedelta(days=21)
    meeting_on = closes_on + timedelta(days=28)
    forum_on = closes_on + timedelta(days=240)
    _milestones(
        edition,
        [
            (
                "Auditions des candidats présélectionnés",
                paris(auditions_on, 14, 0),
                paris(auditions_on, 17, 0),
                "Pitch de moins de dix minutes par visioconférence devant le jury.",
            ),
            (
                "Rencontre régionale",
                paris(meeting_on, 9, 30),
                paris(meeting_on, 17, 0),
                "Auditions retransmises sur la web TV.",
            ),
            (
                "Forum national et remise des labels",
                paris(forum_on, 9, 30),
                paris(forum_on, 17, 30),
                "Les collectivités lauréates y reçoivent leur label.",
            ),
        ],
    )
    return edition


def seed_candidate_draft(edition):
    """The demo candidate's draft: the territory step filled and a title, nothing else."""
    candidate = demo_user("candidate")
    values = {
        "status": Status.DRAFT,
        "territory_name": "Ville de Saint-Omer",
        "territory_kind": TerritoryKind.COMMUNE,
        "region": Region.objects.get(code=HAUTS_DE_FRANCE),
        "population": 14_000,
        "project_title": "Suivre les niveaux d'eau du marais audomarois avec des capteurs sobres",
        "contact_name": candidate.full_name,
        "contact_email": candidate.email,
    }
    draft = Candidature.objects.filter(edition=edition, owner=candidate).exclude(status=Status.WITHDRAWN).first()
    if draft is None:
        return Candidature.objects.create(edition=edition, owner=candidate, **values)
    for field, value in values.items():
        setattr(draft, field, value)
    draft.save()
    return draft


@register(order=20)
def seed(stdout):
    password = make_password(DEMO_PASSWORD)
    organiser = demo_user("organisatrice")
    closed = seed_2020(password, organiser)
    for data in CANDIDATURES_2020:
        stdout.write(f"  {'territory':<10} {demo_email(data['account'])}  ({data['territory_name']})")
    current = seed_current(timezone.localdate())
    seed_candidate_draft(current)
    closes = timezone.localtime(current.closes_at)
    stdout.write(f"Label: edition {closed.slug} (closed, {closed.candidatures.count()} candidatures)")
    stdout.write(f"Label: edition {current.slug} open until {closes:%Y-%m-%d %H:%M} (Paris)")
    # The events' seeder (order 10) has created these: each edition's meeting and forum.
    events = Event.objects.in_bulk(
        [DUNKERQUE_SLUG, FORUM_2021_SLUG, NEXT_MEETING_SLUG, NEXT_FORUM_SLUG], field_name="slug"
    )
    closed.forum = events[FORUM_2021_SLUG]
    closed.save(update_fields=["forum"])
    closed.regional_meetings.set([events[DUNKERQUE_SLUG]])
    current.forum = events[NEXT_FORUM_SLUG]
    current.save(update_fields=["forum"])
    current.regional_meetings.set([events[NEXT_MEETING_SLUG]])
