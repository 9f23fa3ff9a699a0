"""The admin pages: themes, services and leads, staff accounts, response templates, and who may use them."""
import re

import pytest
from sqlalchemy import select

from feedback_app.accounts.models import Role, User
from feedback_app.admin.services import check_placeholders
from feedback_app.audit.models import AuditEvent
from feedback_app.cases.models import ResponseTemplate
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db
from tests.factories import make_case, make_service, make_theme, make_user


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def html_of(response):
    return response.get_data(as_text=True)


def assert_page(response, title, status=200):
    """A page a person can use: the status, one h1, and the title (with Error: when it shows errors)."""
    page = html_of(response)
    assert response.status_code == status, page[:2000]
    assert len(re.findall(r"<h1[ >]", page)) == 1
    prefix = "Error: " if status == 400 else ""
    assert f"<title>{prefix}{title} – " in page
    if status == 400:
        assert "govuk-error-summary" in page
    return page


def make_template(name="Thank you", subject="About {reference}", body="Dear {first_name_or_there}, thanks."):
    template = ResponseTemplate(name=name, subject=subject, body=body, active=True)
    db.session.add(template)
    db.session.commit()
    return template


@pytest.fixture
def admin_user(app, auth):
    user = make_user(Role.ADMIN, name="Ada Admin")
    auth.sign_in(user)
    return user


@pytest.fixture
def team_user(app, auth):
    user = make_user(Role.TEAM, name="Tom Team")
    auth.sign_in(user)
    return user


def theme_names(facet="service_area"):
    return [theme.name for theme in db.session.scalars(
        select(Theme).where(Theme.facet == facet).order_by(Theme.position, Theme.id))]


# --- Who may use what ------------------------------------------------------------------------

GET_ROUTES = [
    "/admin",
    "/admin/themes",
    "/admin/themes/new",
    "/admin/themes/{theme}/edit",
    "/admin/services",
    "/admin/services/new",
    "/admin/services/{service}/edit",
    "/admin/services/{service}/leads",
    "/admin/users",
    "/admin/users/new",
    "/admin/response-templates",
    "/admin/response-templates/new",
    "/admin/response-templates/{template}/edit",
]
POST_ROUTES = [
    "/admin/themes/new",
    "/admin/themes/{theme}/edit",
    "/admin/themes/{theme}/move",
    "/admin/themes/{theme}/deactivate",
    "/admin/themes/{theme}/reactivate",
    "/admin/services/new",
    "/admin/services/{service}/edit",
    "/admin/services/{service}/leads",
    "/admin/users/new",
    "/admin/users/{user}/deactivate",
    "/admin/users/{user}/reactivate",
    "/admin/response-templates/new",
    "/admin/response-templates/{template}/edit",
    "/admin/response-templates/{template}/deactivate",
    "/admin/response-templates/{template}/reactivate",
]


def team_may_use(route):
    return route == "/admin" or route.startswith("/admin/response-templates")


def fill(route, objects):
    return route.format(**objects)


@pytest.fixture
def objects(app):
    other = make_user(Role.TEAM, email="other@council.example")
    return {
        "theme": make_theme().id,
        "service": make_service().id,
        "user": other.id,
        "template": make_template().id,
    }


def test_the_matrix_covers_every_admin_route(app):
    rules = {(rule.rule, method) for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    in_matrix = {(re.sub(r"\{(\w+)\}", lambda m: f"<int:{m.group(1)}_id>", route), "GET") for route in GET_ROUTES}
    in_matrix |= {(re.sub(r"\{(\w+)\}", lambda m: f"<int:{m.group(1)}_id>", route), "POST") for route in POST_ROUTES}
    assert rules == in_matrix


@pytest.mark.parametrize("route", GET_ROUTES + POST_ROUTES)
def test_anonymous_people_are_sent_to_sign_in(client, objects, route):
    method = client.get if route in GET_ROUTES else client.post
    response = method(fill(route, objects))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("route", GET_ROUTES)
def test_service_leads_may_not_get_any_admin_page(client, auth, objects, route):
    auth.sign_in(make_user(Role.SERVICE_LEAD))
    assert client.get(fill(route, objects)).status_code == 403


@pytest.mark.parametrize("route", POST_ROUTES)
def test_service_leads_may_not_post_to_any_admin_page(client, auth, objects, route):
    auth.sign_in(make_user(Role.SERVICE_LEAD))
    assert client.post(fill(route, objects), data={"name": "x", "direction": "up"}).status_code == 403
    assert events("theme.added") == [] and events("user.deactivated") == []


@pytest.mark.parametrize("route", GET_ROUTES)
def test_the_team_may_use_response_templates_only(client, auth, objects, route):
    auth.sign_in(make_user(Role.TEAM))
    expected = 200 if team_may_use(route) else 403
    assert client.get(fill(route, objects)).status_code == expected


@pytest.mark.parametrize("route", POST_ROUTES)
def test_the_team_may_not_post_to_admin_only_pages(client, auth, objects, route):
    auth.sign_in(make_user(Role.TEAM))
    response = client.post(fill(route, objects), data={"direction": "up"})
    if team_may_use(route):
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 403
        assert db.session.get(User, objects["user"]).active is True


@pytest.mark.parametrize("route", GET_ROUTES)
def test_admins_may_get_every_admin_page(client, auth, objects, route):
    auth.sign_in(make_user(Role.ADMIN))
    assert client.get(fill(route, objects)).status_code == 200


@pytest.mark.parametrize("route", [route for route in POST_ROUTES if route.endswith(("activate", "move"))])
def test_admins_may_post_every_admin_action(client, auth, objects, route):
    auth.sign_in(make_user(Role.ADMIN))
    response = client.post(fill(route, objects), data={"direction": "up"})
    assert response.status_code == 302


def test_the_index_shows_each_role_what_it_may_use(client, auth):
    auth.sign_in(make_user(Role.ADMIN))
    page = assert_page(client.get("/admin"), "Administration")
    for link in ("/admin/themes", "/admin/services", "/admin/users", "/admin/response-templates"):
        assert f'href="{link}"' in page
    auth.sign_out()
    auth.sign_in(make_user(Role.TEAM))
    page = assert_page(client.get("/admin"), "Administration")
    assert 'href="/admin/response-templates"' in page
    assert 'href="/admin/themes"' not in page and 'href="/admin/users"' not in page


def test_an_unknown_id_is_a_404(client, admin_user):
    assert client.get("/admin/themes/999/edit").status_code == 404
    assert client.post("/admin/users/999/deactivate").status_code == 404
    assert client.get("/admin/response-templates/999/edit").status_code == 404


# --- Themes -----------------------------------------------------------------------------------


def test_themes_are_listed_by_facet_in_order(client, admin_user):
    make_theme("Short breaks")
    make_theme("Travel and transport")
    make_theme("Broken link", facet="website")
    page = assert_page(client.get("/admin/themes"), "Themes")
    assert "Service area" in page and "About the website or directory" in page
    assert page.index("Short breaks") < page.index("Travel and transport") < page.index("Broken link")


def test_adding_a_theme_derives_a_unique_slug_and_puts_it_last(client, admin_user):
    make_theme("Short breaks", slug="short-breaks")
    make_theme("Travel")
    assert_page(client.get("/admin/themes/new"), "Add a theme")
    response = client.post("/admin/themes/new", data={"name": "Short Breaks!", "facet": "website"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/themes")
    theme = db.session.scalar(select(Theme).where(Theme.facet == "website"))
    assert theme.slug == "short-breaks-2"
    assert theme.active is True
    client.post("/admin/themes/new", data={"name": "Holiday clubs", "facet": "service_area"})
    assert theme_names() == ["Short breaks", "Travel", "Holiday clubs"]
    event = events("theme.added")[0]
    assert event.actor_id == admin_user.id
    assert event.after == {"name": "Short Breaks!", "slug": "short-breaks-2", "facet": "website", "position": 1}
    assert "Theme ‘Short Breaks!’ added" in html_of(client.get("/admin/themes"))


@pytest.mark.parametrize("data,message", [
    ({"name": "", "facet": "website"}, "Enter the theme’s name"),
    ({"name": "Jargon"}, "Select which part of the taxonomy the theme is in"),
    ({"name": "Jargon", "facet": "nonsense"}, "Select which part of the taxonomy the theme is in"),
    ({"name": "short BREAKS", "facet": "service_area"},
     "There is already a theme called ‘short BREAKS’ in Service area"),
])
def test_adding_a_theme_with_a_problem_says_what_to_fix(client, admin_user, data, message):
    make_theme("Short breaks")
    response = client.post("/admin/themes/new", data=data)
    page = assert_page(response, "Add a theme", status=400)
    assert message in page
    assert events("theme.added") == []


def test_renaming_and_repositioning_a_theme_is_one_audited_change(client, admin_user):
    first, second, third = make_theme("First"), make_theme("Second"), make_theme("Third")
    slug = third.slug
    page = assert_page(client.get(f"/admin/themes/{third.id}/edit"), "Change a theme")
    assert 'value="Third"' in page and 'value="3"' in page
    response = client.post(f"/admin/themes/{third.id}/edit", data={"name": "Now first", "position": "1"})
    assert response.status_code == 302
    assert theme_names() == ["Now first", "First", "Second"]
    assert db.session.get(Theme, third.id).slug == slug  # links that use it keep working
    renamed = events("theme.renamed")[0]
    assert (renamed.before, renamed.after) == ({"name": "Third"}, {"name": "Now first"})
    assert {event.subject_id for event in events("theme.reordered")} == {first.id, second.id, third.id}


@pytest.mark.parametrize("position", ["0", "4", "two", "1.5", ""])
def test_a_position_outside_the_list_is_refused(client, admin_user, position):
    make_theme("First"), make_theme("Second")
    theme = make_theme("Third")
    page = assert_page(client.post(f"/admin/themes/{theme.id}/edit", data={"name": "Third", "position": position}),
                       "Change a theme", status=400)
    assert ("Position must be a whole number between 1 and 3" in page
            or "Enter the theme’s position in the list, like 1" in page)
    assert theme_names() == ["First", "Second", "Third"]


def test_renaming_to_another_themes_name_is_refused(client, admin_user):
    make_theme("First")
    theme = make_theme("Second")
    page = assert_page(client.post(f"/admin/themes/{theme.id}/edit", data={"name": "first", "position": "2"}),
                       "Change a theme", status=400)
    assert "There is already a theme called ‘first’" in page
    assert events("theme.renamed") == []


def test_moving_themes_up_and_down(client, admin_user):
    first, second, third = make_theme("First"), make_theme("Second"), make_theme("Third")
    other_facet = make_theme("Website theme", facet="website")
    other_position = other_facet.position
    assert client.post(f"/admin/themes/{third.id}/move", data={"direction": "up"}).status_code == 302
    assert theme_names() == ["First", "Third", "Second"]
    client.post(f"/admin/themes/{first.id}/move", data={"direction": "down"})
    assert theme_names() == ["Third", "First", "Second"]
    before = len(events("theme.reordered"))
    client.post(f"/admin/themes/{third.id}/move", data={"direction": "up"})  # already first: nothing changes
    assert theme_names() == ["Third", "First", "Second"]
    assert len(events("theme.reordered")) == before
    assert db.session.get(Theme, other_facet.id).position == other_position
    event = events("theme.reordered")[0]
    assert event.before["position"] != event.after["position"]
    assert client.post(f"/admin/themes/{first.id}/move", data={"direction": "sideways"}).status_code == 400


def test_themes_with_equal_positions_can_still_be_moved(client, admin_user):
    one, two = make_theme("One"), make_theme("Two")
    one.position = two.position = 7
    db.session.commit()
    client.post(f"/admin/themes/{two.id}/move", data={"direction": "up"})
    assert theme_names() == ["Two", "One"]


def test_a_deactivated_theme_stays_on_its_cases_and_can_be_reactivated(client, admin_user):
    theme = make_theme("Short breaks")
    case = make_case(themes=[theme])
    response = client.post(f"/admin/themes/{theme.id}/deactivate")
    assert response.status_code == 302
    page = html_of(client.get("/admin/themes"))
    assert "Cases that have it keep it" in page and "Deactivated" in page
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).active is False
    assert [t.name for t in db.session.get(type(case), case.id).themes] == ["Short breaks"]
    event = events("theme.deactivated")[0]
    assert (event.before, event.after) == ({"active": True}, {"active": False})
    client.post(f"/admin/themes/{theme.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(Theme, theme.id).active is True
    assert len(events("theme.reactivated")) == 1


# --- Services ---------------------------------------------------------------------------------


def test_services_are_listed_with_their_leads(client, admin_user):
    lead = make_user(Role.SERVICE_LEAD, name="Lee Lead")
    make_service("Travel and transport", leads=[lead])
    page = assert_page(client.get("/admin/services"), "Services")
    assert "Travel and transport" in page and "Lee Lead" in page


def test_adding_a_service_then_choosing_its_leads(client, admin_user):
    assert_page(client.get("/admin/services/new"), "Add a service")
    response = client.post("/admin/services/new", data={
        "name": "Short breaks", "description": "Respite for families", "email": "Breaks@Council.example",
        "active": "y",
    })
    service = db.session.scalar(select(Service))
    assert response.headers["Location"].endswith(f"/admin/services/{service.id}/leads")
    assert (service.slug, service.email, service.active) == ("short-breaks", "breaks@council.example", True)
    assert events("service.added")[0].after["name"] == "Short breaks"

    lead_a = make_user(Role.SERVICE_LEAD, name="Ann Lead")
    lead_b = make_user(Role.SERVICE_LEAD, name="Bob Lead")
    make_user(Role.TEAM, name="Not A Lead")
    page = assert_page(client.get(f"/admin/services/{service.id}/leads"), "Leads of Short breaks")
    assert "Ann Lead" in page and "Bob Lead" in page and "Not A Lead" not in page
    response = client.post(f"/admin/services/{service.id}/leads", data={"leads": [str(lead_a.id), str(lead_b.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert sorted(lead.name for lead in db.session.get(Service, service.id).leads) == ["Ann Lead", "Bob Lead"]
    event = events("service.leads_changed")[0]
    assert event.before == {"leads": []}
    assert event.after == {"leads": sorted([lead_a.email, lead_b.email])}

    client.post(f"/admin/services/{service.id}/leads", data={})  # none ticked: no leads
    db.session.expire_all()
    assert db.session.get(Service, service.id).leads == []


def test_only_service_leads_can_be_made_leads(client, admin_user):
    service = make_service("Short breaks")
    team_member = make_user(Role.TEAM)
    page = assert_page(client.post(f"/admin/services/{service.id}/leads", data={"leads": [str(team_member.id)]}),
                       "Leads of Short breaks", status=400)
    assert "Select only people who are service leads" in page
    assert events("service.leads_changed") == []


@pytest.mark.parametrize("data,message", [
    ({"name": ""}, "Enter the service’s name"),
    ({"name": "Transport", "email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"name": "existing service"}, "There is already a service called ‘existing service’"),
])
def test_adding_a_service_with_a_problem_says_what_to_fix(client, admin_user, data, message):
    make_service("Existing service")
    page = assert_page(client.post("/admin/services/new", data=data), "Add a service", status=400)
    assert message in page
    assert events("service.added") == []


def test_editing_a_service_audits_only_what_changed(client, admin_user):
    service = make_service("Transport")
    page = assert_page(client.get(f"/admin/services/{service.id}/edit"), "Change a service")
    assert 'value="Transport"' in page
    response = client.post(f"/admin/services/{service.id}/edit", data={
        "name": "Travel and transport", "description": "", "email": "transport@council.example",
    })  # "active" not ticked: the service is made inactive
    assert response.status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert (service.name, service.active) == ("Travel and transport", False)
    event = events("service.updated")[0]
    assert event.before == {"name": "Transport", "email": "", "active": True}
    assert event.after == {"name": "Travel and transport", "email": "transport@council.example", "active": False}


def test_editing_a_service_with_a_bad_email_is_refused(client, admin_user):
    service = make_service("Transport")
    page = assert_page(client.post(f"/admin/services/{service.id}/edit", data={"name": "Transport", "email": "x@"}),
                       "Change a service", status=400)
    assert "Enter an email address in the correct format" in page


# --- Staff accounts ---------------------------------------------------------------------------


def test_staff_accounts_are_listed(client, admin_user):
    make_user(Role.SERVICE_LEAD, email="lead@council.example", name="Lee Lead")
    page = assert_page(client.get("/admin/users"), "Staff accounts")
    assert "lead@council.example" in page and "Service lead" in page and "This is you" in page


def test_adding_a_staff_account_lets_them_sign_in(client, auth, admin_user):
    assert_page(client.get("/admin/users/new"), "Add a staff account")
    response = client.post("/admin/users/new", data={
        "email": "New.Person@Council.example", "name": "New Person", "role": "service_lead",
        "password": "temporary-password-1",
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@council.example"))
    assert (user.name, user.role) == ("New Person", "service_lead")
    event = events("user.created")[-1]
    assert event.actor_id == admin_user.id and event.subject_id == user.id
    auth.sign_out()
    assert auth.sign_in("new.person@council.example", "temporary-password-1").status_code == 302


@pytest.mark.parametrize("data,message", [
    ({"email": "", "name": "A", "role": "team", "password": "x" * 12}, "Enter their email address"),
    ({"email": "nope", "name": "A", "role": "team", "password": "x" * 12},
     "Enter an email address in the correct format"),
    ({"email": "a@council.example", "name": "", "role": "team", "password": "x" * 12}, "Enter their full name"),
    ({"email": "a@council.example", "name": "A", "password": "x" * 12}, "Select their role"),
    ({"email": "a@council.example", "name": "A", "role": "boss", "password": "x" * 12}, "Select their role"),
    ({"email": "a@council.example", "name": "A", "role": "team", "password": "x" * 11},
     "Password must be 12 characters or more"),
    ({"email": "taken@council.example", "name": "A", "role": "team", "password": "x" * 12},
     "An account for taken@council.example already exists"),
])
def test_adding_a_staff_account_with_a_problem_says_what_to_fix(client, admin_user, data, message):
    make_user(Role.TEAM, email="taken@council.example")
    page = assert_page(client.post("/admin/users/new", data=data), "Add a staff account", status=400)
    assert message in page
    assert "x" * 11 not in page  # the password is never sent back


def test_deactivating_and_reactivating_an_account(client, auth, admin_user):
    other = make_user(Role.TEAM, email="other@council.example")
    assert client.post(f"/admin/users/{other.id}/deactivate").status_code == 302
    assert "Account for other@council.example deactivated" in html_of(client.get("/admin/users"))
    db.session.expire_all()
    assert db.session.get(User, other.id).active is False
    event = events("user.deactivated")[0]
    assert (event.actor_id, event.before, event.after) == (admin_user.id, {"active": True}, {"active": False})
    client.post(f"/admin/users/{other.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(User, other.id).active is True
    assert len(events("user.reactivated")) == 1


def test_a_deactivated_account_cannot_sign_in(client, auth, admin_user):
    other = make_user(Role.TEAM, email="other@council.example")
    client.post(f"/admin/users/{other.id}/deactivate")
    auth.sign_out()
    assert auth.sign_in(other).status_code == 400


def test_a_deactivated_account_is_signed_out_on_its_next_request(app, client, admin_user):
    other = make_user(Role.TEAM, email="other@council.example")
    other_client = app.test_client()

    def as_other(request):
        # Its own app context: the test's one (with `g` and the signed-in user) is the admin's.
        with app.app_context():
            return request()

    as_other(lambda: other_client.post("/sign-in", data={"email": other.email, "password": "correct-horse-battery"}))
    assert as_other(lambda: other_client.get("/admin/response-templates")).status_code == 200
    assert client.post(f"/admin/users/{other.id}/deactivate").status_code == 302
    response = as_other(lambda: other_client.get("/admin/response-templates"))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_admins_cannot_deactivate_themselves(client, admin_user):
    page = assert_page(client.get("/admin/users"), "Staff accounts")
    assert f"/admin/users/{admin_user.id}/deactivate" not in page
    response = client.post(f"/admin/users/{admin_user.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account" in html_of(response)
    db.session.expire_all()
    assert db.session.get(User, admin_user.id).active is True
    assert events("user.deactivated") == []


# --- Response templates -----------------------------------------------------------------------


def test_the_team_adds_a_response_template(client, team_user):
    assert_page(client.get("/admin/response-templates/new"), "Add a response template")
    response = client.post("/admin/response-templates/new", data={
        "name": "Acknowledge", "subject": "Your feedback {reference}",
        "body": "Dear {first_name_or_there},\n{council_name} will reply by {respond_by}.",
    })
    assert response.status_code == 302
    template = db.session.scalar(select(ResponseTemplate))
    assert template.subject == "Your feedback {reference}" and template.active
    event = events("response_template.added")[0]
    assert event.actor_id == team_user.id and event.after["name"] == "Acknowledge"
    page = assert_page(client.get("/admin/response-templates"), "Response templates")
    assert "Acknowledge" in page and "{first_name_or_there}" in page


@pytest.mark.parametrize("field,text,message", [
    ("body", "Dear {child_name}, thanks", "{child_name} is not a placeholder you can use"),
    ("subject", "About {ref}", "{ref} is not a placeholder you can use"),
    ("body", "Reference {reference!r}", "{reference!r} is not a placeholder you can use"),
    ("body", "Reference {}", "{} is not a placeholder you can use"),
    ("body", "Reference {reference", "Placeholders must be written in curly brackets"),
    ("body", "", "Enter the message"),
])
def test_a_response_template_may_use_only_the_known_placeholders(client, team_user, field, text, message):
    data = {"name": "Reply", "subject": "Your feedback", "body": "Thanks"}
    data[field] = text
    page = assert_page(client.post("/admin/response-templates/new", data=data), "Add a response template",
                       status=400)
    assert message in page
    if "not a placeholder" in message:
        assert "Use only {reference}, {council_name}, {respond_by}, {first_name_or_there}" in page
    assert db.session.scalar(select(ResponseTemplate)) is None


def test_editing_a_response_template_audits_the_change(client, team_user):
    template = make_template()
    page = assert_page(client.get(f"/admin/response-templates/{template.id}/edit"), "Change a response template")
    assert 'value="Thank you"' in page
    response = client.post(f"/admin/response-templates/{template.id}/edit", data={
        "name": "Thank you", "subject": "Re: {reference}", "body": template.body,
    })
    assert response.status_code == 302
    event = events("response_template.updated")[0]
    assert (event.before, event.after) == ({"subject": "About {reference}"}, {"subject": "Re: {reference}"})


def test_a_response_template_name_is_unique(client, team_user):
    make_template("Thank you")
    other = make_template("Signpost")
    page = assert_page(client.post(f"/admin/response-templates/{other.id}/edit", data={
        "name": "thank you", "subject": "x", "body": "y"}), "Change a response template", status=400)
    assert "There is already a response template called ‘thank you’" in page


def test_deactivating_and_reactivating_a_response_template(client, team_user):
    template = make_template()
    client.post(f"/admin/response-templates/{template.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(ResponseTemplate, template.id).active is False
    assert "Deactivated" in html_of(client.get("/admin/response-templates"))
    client.post(f"/admin/response-templates/{template.id}/reactivate")
    db.session.expire_all()
    assert db.session.get(ResponseTemplate, template.id).active is True
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "response_templates").order_by(AuditEvent.id))
    assert actions.all() == ["response_template.deactivated", "response_template.reactivated"]


def test_placeholders_are_checked():
    assert check_placeholders("Dear {first_name_or_there}, {{literal braces}} {reference}") is None
    assert check_placeholders("See {complaints_url} or {sendiass_url}") is None
    assert "{name}" in check_placeholders("Dear {name}")
