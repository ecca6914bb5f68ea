"""Audition sessions as candidates, jurors and the public see them: availability, programme, convocations."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from icalendar import Calendar

from auditions.jury.models import JuryMember
from auditions.sessions.convocations import publish
from auditions.sessions.models import AuditionSession, Availability, SessionBreak, Slot
from auditions.sessions.scheduling import generate_slots
from core.templatetags.paris_time import deadline_phrase, paris_datetime
from events.models import Region
from label.models import Status
from tests.conftest import text
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, shortlisted
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def make_session(edition, starts_at, ends_at, **fields):
    regions = fields.pop("regions", ())
    fields.setdefault("title", "Auditions Hauts-de-France")
    fields.setdefault("video_url", "https://visio.label.example/auditions")
    session = AuditionSession.objects.create(edition=edition, starts_at=starts_at, ends_at=ends_at, **fields)
    session.regions.set(regions)
    return session


def future_session(edition, days=20, **fields):
    """A session 14:00–17:00 (Paris) ``days`` from now, answers open ten days more."""
    day = timezone.localdate() + timedelta(days=days)
    fields.setdefault("availability_deadline", timezone.now() + timedelta(days=10))
    return make_session(
        edition, paris(day.year, day.month, day.day, 14), paris(day.year, day.month, day.day, 17), **fields
    )


def place(session, starts_at, candidature, minutes=20):
    return Slot.objects.create(
        session=session, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), candidature=candidature
    )


def words(response):
    """The page's visible text, tags removed and white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td" and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(response):
    parser = _Rows()
    parser.feed(response.content.decode())
    return [tuple(row) for row in parser.rows]


def programme_url(edition):
    return reverse("auditions:programme", kwargs={"edition": edition.slug})


def availability_url(edition):
    return reverse("auditions:availability", kwargs={"edition": edition.slug})


def convocation_url(candidature):
    """The .ics of the candidature's published convocation."""
    return reverse("auditions:convocation_ics", kwargs={"pk": candidature.convocations.get().pk})


def feed_url(session):
    return reverse("auditions:session_ics", kwargs={"edition": session.edition.slug, "pk": session.pk})


def vevents(response):
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def utc_start(entry):
    return entry.decoded("dtstart").astimezone(UTC)


def range_key(start):
    return start.astimezone(UTC).isoformat()


# --- 23 June 2020, 14:00 (Paris) ---------------------------------------------------------------


@pytest.fixture
def june_2020():
    edition = EditionFactory(
        name="Label Territoire Innovant 2020",
        slug="2020",
        year=2020,
        opens_at=paris(2020, 5, 1),
        closes_at=paris(2020, 6, 20),
    )
    event = EventFactory(title="Comment opérer une ville durable et intelligente ?", slug="dunkerque-2020")
    session = make_session(edition, paris(2020, 6, 23, 14), paris(2020, 6, 23, 17), broadcast_event=event)
    candidature = shortlisted(
        edition,
        territory_name="Ville de Saint-Omer",
        project_title="Éclairage public sobre",
        contact_name="Sophie Leroy",
        contact_email="sophie.leroy@saint-omer.example",
    )
    slot = place(session, paris(2020, 6, 23, 14), candidature)
    publish(session)
    return edition, session, candidature, slot


def test_a_14h_slot_reads_14h_on_the_pages_and_12h_utc_in_the_calendar_files(client, june_2020):
    edition, session, candidature, slot = june_2020

    programme = client.get(programme_url(edition))
    assert table_rows(programme) == [("14:00", "Ville de Saint-Omer", "Éclairage public sobre")]
    assert "Le mardi 23 juin 2020, de 14:00 à 17:00 (heure de Paris)." in words(programme)

    client.force_login(candidature.owner)
    page = client.get(reverse("label:my_candidatures"))
    assert "Convocation : audition le mardi 23 juin 2020 à 14:00 (heure de Paris)" in words(page)
    assert "Pitch de 10 minutes, puis 10 minutes de questions du jury." in words(page)
    assert 'href="https://visio.label.example/auditions"' in text(page)
    assert f'href="{convocation_url(candidature)}"' in text(page)

    convocation = client.get(convocation_url(candidature))
    assert convocation["Content-Type"] == "text/calendar; charset=utf-8"
    told = candidature.convocations.get()
    assert convocation["Content-Disposition"] == f'attachment; filename="audition-{told.pk}.ics"'
    assert "DTSTART:20200623T120000Z" in convocation.content.decode()
    [entry] = vevents(convocation)
    assert utc_start(entry) == datetime(2020, 6, 23, 12, 0, tzinfo=UTC)
    assert entry.decoded("dtend").astimezone(UTC) == datetime(2020, 6, 23, 12, 20, tzinfo=UTC)

    client.logout()
    feed = client.get(feed_url(session))
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert [utc_start(entry) for entry in vevents(feed)] == [datetime(2020, 6, 23, 12, 0, tzinfo=UTC)]


def test_the_programme_links_the_broadcast_event_its_web_tv_and_the_ical_feed(client, june_2020):
    edition, session, _candidature, _slot = june_2020
    page = text(client.get(programme_url(edition)))
    assert f'href="{reverse("events:detail", kwargs={"slug": "dunkerque-2020"})}"' in page
    assert 'href="https://webtv.label.example/dunkerque-2020"' in page
    assert f'href="{feed_url(session)}"' in page
    assert "S'abonner (iCal)" in page


def test_the_public_programme_and_feed_give_no_contact_details(client, june_2020):
    edition, session, candidature, _slot = june_2020
    owner = candidature.owner
    for response in (client.get(programme_url(edition)), client.get(feed_url(session))):
        content = text(response)
        assert "Ville de Saint-Omer" in content
        assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+", content) == []
        assert [name for name in ("Sophie Leroy", owner.full_name) if name in content] == []


def test_unpublished_sessions_and_editions_stay_private(client, june_2020):
    edition, session, _candidature, _slot = june_2020
    draft = make_session(edition, paris(2020, 6, 24, 14), paris(2020, 6, 24, 17), title="Session en préparation")
    assert "Session en préparation" not in text(client.get(programme_url(edition)))
    assert client.get(feed_url(draft)).status_code == 404
    other = EditionFactory()
    assert (
        client.get(reverse("auditions:session_ics", kwargs={"edition": other.slug, "pk": session.pk})).status_code
        == 404
    )
    edition.published = False
    edition.save()
    assert client.get(programme_url(edition)).status_code == 404
    assert client.get(feed_url(session)).status_code == 404


def test_only_the_owner_downloads_a_convocation(client, june_2020):
    edition, session, candidature, _slot = june_2020
    url = convocation_url(candidature)

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"

    other_candidate = shortlisted(edition).owner
    juror = JuryMemberFactory(jury=JuryFactory(edition=edition)).user
    for intruder in (other_candidate, juror):
        client.force_login(intruder)
        assert client.get(url).status_code == 404

    client.force_login(candidature.owner)
    assert client.get(url).status_code == 200
    session.published = False
    session.save()
    assert client.get(url).status_code == 404


# --- 25 October 2026: the clocks go back from 03:00 to 02:00 ----------------------------------------


@pytest.fixture
def clock_change():
    edition = EditionFactory(slug="2026", year=2026)
    session = make_session(edition, paris(2026, 10, 25, 1, 30), paris(2026, 10, 25, 4), title="Auditions de nuit")
    slots = generate_slots(session)
    for index, slot in enumerate(slots):
        slot.candidature = shortlisted(edition, territory_name=f"Territoire {index + 1}", project_title="Projet")
        slot.save()
    publish(session)
    return session, slots


def test_a_session_across_the_october_clock_change_shows_both_02h_passes(client, clock_change):
    session, slots = clock_change
    assert [slot.starts_at for slot in slots] == [
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC) + timedelta(minutes=25 * index) for index in range(8)
    ]
    summer, winter = "(heure d'été)", "(heure d'hiver)"
    expected = [
        ("01:30", summer),
        ("01:55", summer),
        ("02:20", summer),
        ("02:45", summer),
        ("02:10", winter),
        ("02:35", winter),
        ("03:00", winter),
        ("03:25", winter),
    ]
    response = client.get(programme_url(session.edition))
    assert table_rows(response) == [
        (f"{time} {season}", f"Territoire {index + 1}", "Projet") for index, (time, season) in enumerate(expected)
    ]
    assert "Le dimanche 25 octobre 2026, de 01:30 (heure d'été) à 04:00 (heure d'hiver) (heure de Paris)." in words(
        response
    )


def _repeated_hour(value):
    """02:00–02:59 on 25 October 2026 happens twice; ``fold`` 1 is the second time (winter time)."""
    local = value.astimezone(PARIS)
    return local.replace(fold=1).utcoffset() == local.utcoffset() != local.replace(fold=0).utcoffset()


def test_the_calendar_feed_across_the_clock_change_keeps_the_unambiguous_times(client, clock_change):
    session, slots = clock_change
    read = {str(entry["summary"]): utc_start(entry) for entry in vevents(client.get(feed_url(session)))}
    expected = {f"Territoire {index + 1} — Projet": slot.starts_at for index, slot in enumerate(slots)}
    assert read.keys() == expected.keys()
    unambiguous = {summary for summary, start in expected.items() if not _repeated_hour(start)}
    assert len(unambiguous) == 6
    assert {summary: read[summary] for summary in unambiguous} == {
        summary: expected[summary] for summary in unambiguous
    }


def test_the_calendar_feed_keeps_the_second_pass_of_the_repeated_hour(client, clock_change):
    session, slots = clock_change
    entries = vevents(client.get(feed_url(session)))
    assert sorted(utc_start(entry) for entry in entries) == [slot.starts_at for slot in slots]


# --- availability --------------------------------------------------------------------------------


@pytest.fixture
def candidate():
    edition = EditionFactory()
    return shortlisted(edition, project_title="Éclairage public sobre")


def form_of(response, index=0, candidature_index=0):
    return response.context["entries"][candidature_index]["blocks"][index]["form"]


def test_the_availability_page_lists_ranges_in_paris_time_with_the_deadline(client, candidate):
    session = future_session(candidate.edition, availability_deadline=timezone.now() + timedelta(days=10))
    client.force_login(candidate.owner)
    response = client.get(availability_url(candidate.edition))
    assert response.status_code == 200
    form = form_of(response)
    assert [label for _key, label in form.fields["ranges"].choices] == [
        "14:00 – 15:00",
        "15:00 – 16:00",
        "16:00 – 17:00",
    ]
    content = words(response)
    assert "Je peux participer" in content
    assert "Je ne peux pas" in content
    day = session.starts_at.astimezone(PARIS)
    assert f"Le {date_format(day, 'l j F Y')}, de 14:00 à 17:00 (heure de Paris)." in content
    assert (
        f"Réponse attendue jusqu'au {deadline_phrase(session.availability_deadline)} ; "
        "passé ce délai, les réponses sont closes." in content
    )


def test_the_availability_page_saves_then_prefills_the_answer(client, candidate):
    session = future_session(candidate.edition)
    prefix = f"c{candidate.pk}-s{session.pk}"
    afternoon = session.starts_at + timedelta(hours=1)
    client.force_login(candidate.owner)

    response = client.post(
        availability_url(candidate.edition), {f"{prefix}-available": "yes", f"{prefix}-ranges": [range_key(afternoon)]}
    )
    assert response.status_code == 302
    assert response["Location"] == availability_url(candidate.edition)
    answer = Availability.objects.get(candidature=candidate, session=session)
    assert answer.available is True
    assert [[parse_datetime(value) for value in pair] for pair in answer.ranges] == [
        [afternoon, afternoon + timedelta(hours=1)]
    ]

    page = client.get(availability_url(candidate.edition))
    assert [str(message) for message in page.context["messages"]] == [
        "Vos disponibilités sont enregistrées. Vous pouvez les modifier jusqu'à la date limite."
    ]
    form = form_of(page)
    assert (form["available"].value(), form["ranges"].value()) == ("yes", [range_key(afternoon)])
    content = text(page)
    assert re.search(rf'value="yes"[^>]*id="id_{prefix}-available_0"[^>]*checked', content)
    assert re.search(rf'value="{re.escape(range_key(afternoon))}"[^>]*id="id_{prefix}-ranges_1"[^>]*checked', content)

    client.post(availability_url(candidate.edition), {f"{prefix}-available": "no", f"{prefix}-ranges": []})
    answer.refresh_from_db()
    assert (answer.available, answer.ranges) == (False, [])


def test_je_peux_without_a_range_means_the_whole_session(client, candidate):
    session = future_session(candidate.edition)
    client.force_login(candidate.owner)
    client.post(availability_url(candidate.edition), {f"c{candidate.pk}-s{session.pk}-available": "yes"})
    answer = Availability.objects.get(candidature=candidate, session=session)
    assert (answer.available, answer.ranges) == (True, [])


def _next_october_clock_change():
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        last_sunday = max(
            datetime(year, 10, day).date() for day in range(25, 32) if datetime(year, 10, day).weekday() == 6
        )
        if last_sunday > today:
            return last_sunday


def test_the_ranges_of_a_session_across_the_clock_change_say_which_02h30(client, candidate):
    day = _next_october_clock_change()
    session = make_session(
        candidate.edition,
        paris(day.year, day.month, day.day, 1, 30),
        paris(day.year, day.month, day.day, 4),
    )
    client.force_login(candidate.owner)
    form = form_of(client.get(availability_url(candidate.edition)))
    assert form.session == session
    assert [label for _key, label in form.fields["ranges"].choices] == [
        "01:30 (heure d'été) – 02:30 (heure d'été)",
        "02:30 (heure d'été) – 02:30 (heure d'hiver)",
        "02:30 (heure d'hiver) – 03:30 (heure d'hiver)",
        "03:30 (heure d'hiver) – 04:00 (heure d'hiver)",
    ]


def test_a_bad_answer_is_explained_at_the_field_and_the_input_is_kept(client, candidate):
    session = future_session(candidate.edition)
    other = future_session(candidate.edition, days=21, title="Deuxième session")
    prefix, other_prefix = f"c{candidate.pk}-s{session.pk}", f"c{candidate.pk}-s{other.pk}"
    client.force_login(candidate.owner)
    first = range_key(session.starts_at)
    response = client.post(
        availability_url(candidate.edition),
        {
            f"{prefix}-available": "yes",
            f"{prefix}-ranges": [first, "2020-06-23T12:00:00+00:00"],
            f"{other_prefix}-ranges": [range_key(other.starts_at)],
        },
    )
    assert response.status_code == 200
    assert not Availability.objects.exists()
    form, other_form = form_of(response), form_of(response, 1)
    assert form.errors == {
        "ranges": ["Cette plage horaire ne fait pas partie de la session : cochez l'une des plages proposées."]
    }
    assert other_form.errors == {"available": ["Indiquez si vous pouvez participer à cette session."]}
    assert form["available"].value() == "yes"
    assert other_form["ranges"].value() == [range_key(other.starts_at)]
    content = text(response)
    assert (
        f'<div class="invalid-feedback d-block" id="id_{prefix}-ranges-error">'
        "Cette plage horaire ne fait pas partie de la session : cochez l'une des plages proposées.</div>"
    ) in content
    assert f'aria-describedby="id_{other_prefix}-available-error"' in content
    assert "Le formulaire contient 2 erreurs." in content


def test_answers_after_the_deadline_are_refused(client, candidate):
    closed = future_session(candidate.edition, availability_deadline=timezone.now() - timedelta(minutes=1))
    prefix = f"c{candidate.pk}-s{closed.pk}"
    client.force_login(candidate.owner)

    page = client.get(availability_url(candidate.edition))
    assert form_of(page) is None
    assert "Les réponses sont closes depuis le" in words(page)
    assert f'name="{prefix}-available"' not in text(page)

    # The deadline passed while the page was open: nothing is saved and the visitor is told.
    response = client.post(availability_url(candidate.edition), {f"{prefix}-available": "yes"}, follow=True)
    assert not Availability.objects.exists()
    assert [str(message) for message in response.context["messages"]] == [
        f"Les réponses pour « {closed.title} » sont closes depuis le {deadline_phrase(closed.availability_deadline)} : "
        "votre réponse pour cette session n'a pas été enregistrée."
    ]


def test_a_closed_session_shows_the_answer_given_in_time(client, candidate):
    closed = future_session(candidate.edition, availability_deadline=timezone.now() - timedelta(minutes=1))
    Availability.objects.create(
        candidature=candidate,
        session=closed,
        available=True,
        ranges=[[closed.starts_at.isoformat(), (closed.starts_at + timedelta(hours=1)).isoformat()]],
    )
    client.force_login(candidate.owner)
    assert "Votre réponse : vous pouvez participer (14:00 – 15:00)." in words(
        client.get(availability_url(candidate.edition))
    )


def test_only_the_sessions_open_to_the_candidatures_region_are_shown(client, candidate):
    hauts_de_france, occitanie = Region.objects.get(code="32"), Region.objects.get(code="76")
    future_session(candidate.edition, title="Session Hauts-de-France", regions=[hauts_de_france])
    future_session(candidate.edition, title="Session Occitanie", regions=[occitanie])
    future_session(candidate.edition, title="Session nationale")
    make_session(
        candidate.edition,
        timezone.now() - timedelta(days=2),
        timezone.now() - timedelta(days=2) + timedelta(hours=3),
        title="Session passée",
    )
    future_session(EditionFactory(), title="Session d'une autre édition")
    client.force_login(candidate.owner)
    response = client.get(availability_url(candidate.edition))
    titles = [block["session"].title for block in response.context["entries"][0]["blocks"]]
    assert titles == ["Session Hauts-de-France", "Session nationale"]
    assert "Session Occitanie" not in text(response)


def test_without_a_shortlisted_candidature_the_page_says_so_politely(client, candidate):
    future_session(candidate.edition)
    draft = CandidatureFactory(edition=candidate.edition)
    client.force_login(draft.owner)
    response = client.post(availability_url(candidate.edition), {f"c{candidate.pk}-s1-available": "yes"})
    assert response.status_code == 200
    assert response.context["entries"] == []
    assert "Aucune de vos candidatures à cette édition n'est présélectionnée pour les auditions" in words(response)
    assert not Availability.objects.exists()


def test_the_availability_page_needs_an_account(client, candidate):
    url = availability_url(candidate.edition)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={url}")


def test_the_availability_page_costs_the_same_with_1_and_40_sessions(client, candidate, count_queries):
    future_session(candidate.edition)
    client.force_login(candidate.owner)
    url = availability_url(candidate.edition)
    client.get(url)
    one = count_queries(client, url)
    for index in range(39):
        session = future_session(candidate.edition, days=21 + index, title=f"Session {index}")
        Availability.objects.create(candidature=candidate, session=session, available=bool(index % 2))
    assert count_queries(client, url) == one


# --- query counts of the public programme and of /mes-candidatures/ --------------------------------


def test_the_programme_costs_the_same_with_1_and_40_slots(client, count_queries):
    edition = EditionFactory()
    session = make_session(edition, paris(2030, 3, 5, 9), paris(2030, 3, 5, 19), broadcast_event=EventFactory())
    place(session, session.starts_at, shortlisted(edition))
    publish(session)
    url = programme_url(edition)
    client.get(url)
    one = count_queries(client, url)
    SessionBreak.objects.create(session=session, starts_at=paris(2030, 3, 5, 12), ends_at=paris(2030, 3, 5, 13))
    for index in range(1, 30):
        place(session, session.starts_at + timedelta(minutes=20 * index), shortlisted(edition))
    second = make_session(edition, paris(2030, 3, 6, 9), paris(2030, 3, 6, 19))
    second.regions.set(Region.objects.all()[:3])
    for index in range(10):
        place(second, second.starts_at + timedelta(minutes=20 * index), shortlisted(edition))
    for published in (session, second):
        publish(published)
    assert len(table_rows(client.get(url))) == 41
    assert count_queries(client, url) == one


def test_my_candidatures_with_convocations_costs_the_same_with_1_and_10(client, count_queries):
    owner = UserFactory()
    session = make_session(EditionFactory(), paris(2030, 3, 5, 9), paris(2030, 3, 5, 19))
    place(session, session.starts_at, shortlisted(session.edition, owner=owner))
    publish(session)
    client.force_login(owner)
    url = reverse("label:my_candidatures")
    client.get(url)
    one = count_queries(client, url)
    for index in range(9):
        other = make_session(EditionFactory(), paris(2030, 3, 6 + index, 9), paris(2030, 3, 6 + index, 12))
        place(other, other.starts_at, shortlisted(other.edition, owner=owner))
        publish(other)
    page = client.get(url)
    assert words(page).count("Convocation : audition le") == 10
    assert count_queries(client, url) == one


def test_my_candidatures_shows_no_convocation_before_the_session_is_published(client):
    session = make_session(EditionFactory(), paris(2030, 3, 5, 9), paris(2030, 3, 5, 19))
    slot = place(session, session.starts_at, shortlisted(session.edition))
    client.force_login(slot.candidature.owner)
    page = client.get(reverse("label:my_candidatures"))
    assert "Convocation" not in words(page)
    assert f'href="{availability_url(session.edition)}"' in text(page)


# --- the juror's upcoming sessions ---------------------------------------------------------------


def test_a_juror_sees_the_upcoming_published_sessions_of_their_editions(client):
    member = JuryMemberFactory()
    edition = member.jury.edition
    upcoming = future_session(edition, title="Auditions à venir", published=True)
    future_session(edition, title="Auditions en préparation")
    make_session(
        edition,
        timezone.now() - timedelta(days=3),
        timezone.now() - timedelta(days=3) + timedelta(hours=3),
        title="Auditions passées",
        published=True,
    )
    future_session(EditionFactory(), title="Auditions d'une autre édition", published=True)
    declined = JuryMemberFactory(user=member.user, state=JuryMember.State.DECLINED)
    future_session(declined.jury.edition, title="Auditions d'un jury décliné", published=True)

    client.force_login(member.user)
    response = client.get(reverse("jury:home"))
    assert list(response.context["sessions"]) == [upcoming]
    content = words(response)
    assert "Mes prochaines sessions d'audition" in content
    for hidden in ("Auditions en préparation", "Auditions passées", "d'une autre édition", "d'un jury décliné"):
        assert hidden not in content
    assert f"{paris_datetime(upcoming.starts_at)} – 17:00 (heure de Paris)" in content
    assert 'href="https://visio.label.example/auditions"' in text(response)
    assert f'href="{programme_url(edition)}"' in text(response)


def test_the_jury_home_costs_the_same_with_1_and_5_sessions(client, count_queries):
    member = JuryMemberFactory()
    future_session(member.jury.edition, published=True)
    client.force_login(member.user)
    url = reverse("jury:home")
    client.get(url)
    one = count_queries(client, url)
    for index in range(4):
        future_session(member.jury.edition, days=30 + index, published=True)
    assert count_queries(client, url) == one


def test_statuses_other_than_shortlisted_get_no_availability_form(client, candidate):
    future_session(candidate.edition)
    candidate.status = Status.AUDITIONED
    candidate.save()
    client.force_login(candidate.owner)
    assert client.get(availability_url(candidate.edition)).context["entries"] == []
