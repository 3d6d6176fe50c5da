"""A city's team: invite with a role (page, API, command), resend, change role, deactivate
(sessions and tokens revoked at once), the last admin kept, every step audited, and another
city sees none of it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from shared_apps.accounts.models import ApiToken, Invitation, Role, User
from shared_apps.accounts.services import token_create
from tenant_apps.audit.models import StaffAuditEntry
from tenant_apps.catalogue.models import PartnerMembership
from tenant_apps.staff import services
from tenants.context import in_city
from tests.conftest import PASSWORD
from tests.tenant_apps.catalogue.factories import make_structure


@pytest.fixture
def signed_in(client_for, make_user):
    """signed_in(city, role, email=None) -> (client, user): a session on that city's host."""

    def make(city, role, email=None):
        user = make_user(city, email or f"{role}@{city.slug}.test", role)
        client = client_for(city)
        with in_city(city):
            client.force_login(user)
        return client, user

    return make


def _link(message) -> str:
    return re.search(r"http://\S+/invitation/\S+/", message.body).group(0)


def test_admin_invites_each_role_and_the_invitation_is_the_one_time_link(
    signed_in, client_for, grigny, django_capture_on_commit_callbacks
):
    admin, _ = signed_in(grigny, Role.ADMIN)
    with in_city(grigny):
        club = make_structure(name="Club de boxe")
    with django_capture_on_commit_callbacks(execute=True):
        for email, role in [("edith@grigny.test", "editor"), ("elu@grigny.test", "viewer"),
                            ("conseil@grigny.test", "advisor")]:  # fmt: skip
            response = admin.post("/staff/equipe/", {"email": email, "role": role})
            assert response.status_code == 302, response.content.decode()
        response = admin.post(
            "/staff/equipe/",
            {"email": "asso@grigny.test", "role": "partner", "structures": [club.pk]},
        )
        assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [
        ["edith@grigny.test"],
        ["elu@grigny.test"],
        ["conseil@grigny.test"],
        ["asso@grigny.test"],
    ]
    assert "rejoindre l'équipe Tremplin de Grigny (structure partenaire)" in mail.outbox[3].body
    page = admin.get("/staff/equipe/").content.decode()
    assert "asso@grigny.test" in page and "Club de boxe" in page and "Invitation envoyée" in page
    with in_city(grigny):
        partner = User.objects.get(email="asso@grigny.test")
        assert partner.role == Role.PARTNER and not partner.has_usable_password()
        assert list(
            PartnerMembership.objects.filter(user=partner).values_list("structure__name", flat=True)
        ) == ["Club de boxe"]
        actions = set(StaffAuditEntry.objects.values_list("action", "object_label"))
    assert ("member.invite", "asso@grigny.test") in actions
    # The link is the accounts app's one-time invitation: choose a password, signed in.
    link = _link(mail.outbox[3]).split(":8000", 1)[1]
    invited = client_for(grigny)
    done = invited.post(link, {"password": "une phrase de passe solide"})
    assert done.status_code == 302
    assert invited.get("/staff/offres/").status_code == 200
    assert client_for(grigny).post(link, {"password": "une autre phrase solide"}).status_code == 404


def test_bad_invitations_are_refused_with_a_reason(signed_in, make_user, grigny):
    admin, _ = signed_in(grigny, Role.ADMIN)
    make_user(grigny, "jeune@grigny.test", Role.YOUTH)
    cases = [
        ({"email": "jeune@grigny.test", "role": "editor"}, "compte jeune"),
        ({"email": "admin@grigny.test", "role": "editor"}, "Déjà dans l"),
        ({"email": "x@grigny.test", "role": "partner"}, "au moins une structure"),
        ({"email": "pas-une-adresse", "role": "editor"}, "adresse e-mail valide"),
    ]
    for data, message in cases:
        response = admin.post("/staff/equipe/", data)
        assert response.status_code == 400 and message in response.content.decode(), message
    with in_city(grigny):
        assert not User.objects.filter(email="x@grigny.test").exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.PARTNER, Role.ADVISOR])
def test_only_the_admin_opens_the_team(role, signed_in, grigny):
    client, _ = signed_in(grigny, role)
    assert client.get("/staff/equipe/").status_code == 403
    assert client.post("/staff/equipe/", {"email": "a@b.fr", "role": "admin"}).status_code == 403


def test_deactivating_revokes_sessions_and_tokens_at_once(signed_in, api_for, grigny):
    admin, _ = signed_in(grigny, Role.ADMIN)
    editor, editor_user = signed_in(grigny, Role.EDITOR)
    with in_city(grigny):
        token = token_create(user=editor_user)
    assert editor.get("/staff/offres/").status_code == 200
    assert api_for(grigny, token).get("/api/v1/staff/offers/").status_code == 200
    response = admin.post(f"/staff/equipe/{editor_user.pk}/desactiver/")
    assert response.status_code == 302
    assert editor.get("/staff/offres/").status_code == 302  # back to the sign-in page
    refused = api_for(grigny, token).get("/api/v1/staff/offers/")
    assert refused.status_code in (401, 403) and "error" in refused.json()
    with in_city(grigny):
        editor_user.refresh_from_db()
        assert not editor_user.is_active and not ApiToken.objects.filter(user=editor_user).exists()
        assert StaffAuditEntry.objects.filter(action="member.deactivate").exists()
    # Signing in again with the old password does not work either.
    assert (
        api_for(grigny)
        .post(
            "/api/v1/auth/token/", {"email": editor_user.email, "password": PASSWORD}, format="json"
        )
        .status_code
        == 400
    )


def test_a_deactivated_member_invited_again_comes_back_through_a_new_link(
    signed_in, grigny, django_capture_on_commit_callbacks
):
    admin, admin_user = signed_in(grigny, Role.ADMIN)
    _, editor = signed_in(grigny, Role.EDITOR)
    with in_city(grigny):
        services.member_invite(city=grigny, email="new@grigny.test", role="viewer", by=admin_user)
        pending = User.objects.get(email="new@grigny.test")
        old_links = Invitation.objects.filter(user=pending).count()
        services.member_deactivate(member=editor, by=admin_user)
        # A pending invitation dies with the account: it cannot reactivate it.
        services.member_deactivate(member=pending, by=admin_user)
        assert not Invitation.objects.filter(user=pending, revoked_at=None).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/staff/equipe/", {"email": editor.email, "role": "viewer"})
    assert response.status_code == 302
    with in_city(grigny):
        editor.refresh_from_db()
        assert editor.is_active and editor.role == Role.VIEWER
        assert not editor.has_usable_password()
    assert mail.outbox[-1].to == [editor.email]
    assert old_links == 1


def test_resend_gives_a_fresh_link_and_kills_the_old_one(signed_in, grigny):
    admin, admin_user = signed_in(grigny, Role.ADMIN)
    with in_city(grigny):
        first = services.member_invite(
            city=grigny, email="n@grigny.test", role="editor", by=admin_user
        )
        member = first.member
    assert admin.post(f"/staff/equipe/{member.pk}/invitation/").status_code == 302
    with in_city(grigny):
        live = Invitation.objects.filter(user=member, revoked_at=None, used_at=None)
        assert live.count() == 1
        assert StaffAuditEntry.objects.filter(action="member.invitation").count() == 1
    old = first.link.split(":8000", 1)[1]
    from django.test import Client

    assert Client(HTTP_HOST="grigny.localhost").get(old).status_code == 404


def test_the_last_admin_cannot_leave_nor_be_demoted(signed_in, api_for, grigny):
    admin, admin_user = signed_in(grigny, Role.ADMIN)
    with in_city(grigny):
        # The fixture city's first admin never chose a password: it does not count.
        token = token_create(user=admin_user)
    api = api_for(grigny, token)
    demoted = api.patch(
        f"/api/v1/staff/members/{admin_user.pk}/", {"role": "editor"}, format="json"
    )
    assert demoted.status_code == 409 and demoted.json()["error"]["code"] == "last_admin"
    gone = api.delete(f"/api/v1/staff/members/{admin_user.pk}/")
    assert gone.status_code == 409
    page = admin.post(f"/staff/equipe/{admin_user.pk}/", {"role": "viewer"})
    assert page.status_code == 400 and "au moins un administrateur" in page.content.decode()
    with in_city(grigny):
        admin_user.refresh_from_db()
        assert admin_user.role == Role.ADMIN and admin_user.is_active
    # With a second admin who can sign in, the first may step down.
    signed_in(grigny, Role.ADMIN, email="adjointe@grigny.test")
    assert (
        api.patch(
            f"/api/v1/staff/members/{admin_user.pk}/", {"role": "editor"}, format="json"
        ).status_code
        == 200
    )


def test_members_api_invites_lists_changes_and_deactivates(api_for, make_user, grigny):
    with in_city(grigny):
        admin = make_user(grigny, "chef@grigny.test", Role.ADMIN)
        token = token_create(user=admin)
        club = make_structure(name="Maison de quartier")
        other = make_structure(name="Club de foot")
    api = api_for(grigny, token)
    created = api.post(
        "/api/v1/staff/members/",
        {"email": "Asso@Grigny.test", "role": "partner", "structures": [str(club.pk)]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    member = created.json()
    assert member["email"] == "asso@grigny.test" and member["role"] == "partner"
    assert member["structures"] == [str(club.pk)] and member["invitation_pending"] is True
    listed = api.get("/api/v1/staff/members/").json()
    assert {"count", "next", "previous", "results"} <= set(listed)
    assert "asso@grigny.test" in [m["email"] for m in listed["results"]]
    changed = api.patch(
        f"/api/v1/staff/members/{member['id']}/",
        {"structures": [str(club.pk), str(other.pk)]},
        format="json",
    )
    assert changed.status_code == 200
    assert sorted(changed.json()["structures"]) == sorted([str(club.pk), str(other.pk)])
    bad = api.post(
        "/api/v1/staff/members/", {"email": "z@grigny.test", "role": "boss"}, format="json"
    )
    assert bad.status_code == 400 and "role" in bad.json()["error"]["fields"]
    assert api.delete(f"/api/v1/staff/members/{member['id']}/").status_code == 204
    assert api.get(f"/api/v1/staff/members/{member['id']}/").json()["is_active"] is False


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER, Role.PARTNER, Role.ADVISOR])
def test_members_api_needs_an_admin_token(role, api_for, make_user, grigny):
    with in_city(grigny):
        token = token_create(user=make_user(grigny, f"{role}@grigny.test", role))
    response = api_for(grigny, token).get("/api/v1/staff/members/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_another_city_sees_none_of_the_team(api_for, make_user, signed_in, grigny, gennevilliers):
    with in_city(grigny):
        member = make_user(grigny, "edith@grigny.test", Role.EDITOR)
    with in_city(gennevilliers):
        token = token_create(user=make_user(gennevilliers, "chef@gennevilliers.test", Role.ADMIN))
    api = api_for(gennevilliers, token)
    assert "edith@grigny.test" not in str(api.get("/api/v1/staff/members/").json())
    assert api.get(f"/api/v1/staff/members/{member.pk}/").status_code == 404
    assert api.delete(f"/api/v1/staff/members/{member.pk}/").status_code == 404
    admin, _ = signed_in(gennevilliers, Role.ADMIN)
    assert admin.post(f"/staff/equipe/{member.pk}/desactiver/").status_code == 404
    assert "edith@grigny.test" not in admin.get("/staff/equipe/").content.decode()
    # The Grigny token is worthless on Gennevilliers' host.
    with in_city(grigny):
        grigny_token = token_create(user=make_user(grigny, "chef@grigny.test", Role.ADMIN))
    assert api_for(gennevilliers, grigny_token).get("/api/v1/staff/members/").status_code == 401
    with in_city(grigny):
        assert User.objects.get(pk=member.pk).is_active


def test_invite_staff_command(grigny, capsys):
    with in_city(grigny):
        club = make_structure(name="Mission locale")
    call_command(
        "invite_staff", "--city", "grigny", "--email", "ml@grigny.test", "--role", "partner",
        "--structure", str(club.pk),
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "ml@grigny.test" in out and "/invitation/" in out
    with in_city(grigny):
        member = User.objects.get(email="ml@grigny.test")
        assert member.role == Role.PARTNER
        assert PartnerMembership.objects.filter(user=member, structure=club).exists()
        entry = StaffAuditEntry.objects.get(action="member.invite")
        assert entry.actor_email == "opérateur (invite_staff)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "atlantis", "--email", "a@b.fr", "--role", "editor"], "Ville inconnue"),
        (["--city", "grigny", "--email", "a@b.fr", "--role", "boss"], "Rôle inconnu"),
        (["--city", "grigny", "--email", "pas-une-adresse", "--role", "editor"], "e-mail"),
        (["--city", "grigny", "--email", "a@b.fr", "--role", "partner"], "structure"),
        (["--city", "grigny", "--email", "a@b.fr", "--role", "partner", "--structure", "x"],
         "Structure inconnue"),
    ],
)  # fmt: skip
def test_invite_staff_refuses_bad_input_in_one_line(args, message, grigny):
    with pytest.raises(CommandError) as refused:
        call_command("invite_staff", *args)
    assert message in str(refused.value) and "\n" not in str(refused.value)
    with in_city(grigny):
        assert not User.objects.filter(email="a@b.fr").exists()
