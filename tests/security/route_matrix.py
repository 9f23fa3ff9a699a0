"""The authorisation matrix as a table: for every route, method and role, the status the server must give.

Roles: "anonymous" (no session); "family" and "partner" hold no account, only a link (the "Did this help?"
vote link, a partner lead's /partner/<token> link) and have opened it first; "other_lead" leads a service
the case was not sent to; "own_lead" leads the case's service; "team"; "admin". On the two link routes,
the link holder uses their real token and everyone else a forged token of the same shape: a staff session
opens nothing there, and the token opens nothing else.

Values: an HTTP status, or SIGN_IN (302 to the sign-in page). Requests carry no form data: a POST that
is let in shows its form again with errors (400) or acts and redirects (302); a refused one (403, 404,
405, or sign-in for someone without an account) must leave the database exactly as it was (checked).
A method a route does not accept gets 405, unless the row says otherwise (another rule answers it).
URL variables name real objects (tests/security/world.py); "params" points a variable at another
object (the published entry, for the public entry page).
"""
ROLES = ("anonymous", "family", "partner", "other_lead", "own_lead", "team", "admin")
LINK_HOLDERS = ("anonymous", "family", "partner")  # no account: sent to sign in wherever staff work
TESTED_METHODS = ("GET", "POST")
SIGN_IN = "302 to sign in"
# What a refused request gets; the test checks that such a request changed nothing in the database.
REFUSED_STATUSES = {403, 404, 405}
# Rules whose requests end the asking client's session: requested after every other rule.
ENDS_SESSION = ("/sign-in/security-code", "/sign-out")


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, **by_role):
    """Anyone signed in gets `status` (or what `by_role` says); people without an account are sent to sign in."""
    return {**dict.fromkeys(LINK_HOLDERS, SIGN_IN), **dict.fromkeys(ROLES[3:], status), **by_role}


def staff(own_lead, other_lead=404, team=None, admin=None):
    """A page about the world's case: a lead of another service is told it does not exist (404)."""
    team = own_lead if team is None else team
    return signed_in(None, other_lead=other_lead, own_lead=own_lead, team=team, admin=team if admin is None else admin)


def team_only(status):
    """Local Offer team and admins; service leads get 403."""
    return signed_in(status, other_lead=403, own_lead=403)


def case_triage(status):
    """Triage pages: a lead who cannot see the case gets 404 before the 403 a lead of its service gets."""
    return signed_in(status, other_lead=404, own_lead=403)


def admin_only(status):
    return signed_in(403, admin=status)


def link_holder(role, status):
    """A route whose token is the credential: only `role`'s real link opens it."""
    return {**everyone(404), role: status}


MATRIX = {
    # --- Public pages and open data ---------------------------------------------------------
    "/": {"GET": everyone(200)},
    "/accessibility-statement": {"GET": everyone(200)},
    "/privacy-notice": {"GET": everyone(200)},
    "/privacy-notice/young-people": {"GET": everyone(200)},
    "/healthz": {"GET": everyone(200)},
    "/assets/<path:filename>": {"GET": everyone(200)},
    "/you-said-we-did": {"GET": everyone(200)},
    "/you-said-we-did/<int:entry_id>": {"GET": everyone(200), "params": {"entry_id": "published_entry_id"}},
    "/you-said-we-did/feed.atom": {"GET": everyone(200)},
    "/api/v1/entries": {"GET": everyone(200)},
    "/api/v1/entries.csv": {"GET": everyone(200)},
    "/api/v1/openapi.json": {"GET": everyone(200)},
    # --- The feedback form: open to all; with no answers so far, every page sends you to the start ---
    "/feedback": {"GET": everyone(302)},
    "/feedback/young-people": {"GET": everyone(302)},
    "/feedback/page": {"GET": everyone(302)},
    '/feedback/<any("your-feedback", "what-it-is-about", "who-you-are", "who-for", "themes", "reply", '
    '"email-address", "phone-number", "publishing"):step>': {"GET": everyone(200), "POST": everyone(400)},
    '/feedback/young-people/<any("your-feedback", "what-it-is-about", "who-you-are", "who-for", "themes", '
    '"reply", "email-address", "phone-number", "publishing"):step>': {"GET": everyone(200), "POST": everyone(400)},
    "/feedback/check-your-answers": {"GET": everyone(302), "POST": everyone(302)},
    "/feedback/young-people/check-your-answers": {"GET": everyone(302), "POST": everyone(302)},
    "/feedback/sent": {"GET": everyone(302)},
    "/feedback/young-people/sent": {"GET": everyone(302)},
    # --- Links that are their own credential ---------------------------------------------------
    "/entries/vote/<token>/<answer>": {"GET": link_holder("family", 200), "POST": link_holder("family", 200)},
    "/partner/<token>": {"GET": link_holder("partner", 200), "POST": link_holder("partner", 400)},
    # --- Accounts --------------------------------------------------------------------------------
    "/sign-in": {"GET": {**everyone(302), **dict.fromkeys(LINK_HOLDERS, 200)},
                 "POST": {**everyone(302), **dict.fromkeys(LINK_HOLDERS, 400)}},
    "/sign-out": {"POST": everyone(SIGN_IN)},
    "/staff": {"GET": signed_in(200)},
    # With no sign-in under way, the security-code page starts again (and ends any session: run last).
    "/sign-in/security-code": {"GET": everyone(SIGN_IN), "POST": everyone(SIGN_IN)},
    "/forgot-password": {"GET": everyone(200), "POST": everyone(400)},
    "/forgot-password/check-your-email": {"GET": everyone(200)},
    "/reset-password/<token>": {"GET": everyone(404), "POST": everyone(404)},  # no reset link is real here
    "/account/two-factor": {"GET": signed_in(200)},
    "/account/two-factor/set-up": {"GET": signed_in(200), "POST": signed_in(400)},
    "/account/two-factor/recovery-codes": {"GET": signed_in(404)},  # shown once, straight after enrolment
    "/admin/security": {"GET": admin_only(200), "POST": admin_only(302)},
    # --- Cases: leads see their services' cases; triage is the team's -----------------------------
    "/cases": {"GET": signed_in(200)},
    "/cases/export.csv": {"GET": signed_in(200)},
    "/cases/bulk": {"POST": signed_in(302, other_lead=403, own_lead=403),
                    "GET": staff(404, other_lead=404)},  # GET reaches /cases/<reference>: no case "bulk"
    "/cases/<reference>": {"GET": staff(200)},
    "/cases/<reference>/note": {"GET": staff(200), "POST": staff(400)},
    "/cases/<reference>/reply": {"GET": staff(200), "POST": staff(400)},
    "/cases/<reference>/resolve": {"GET": staff(200), "POST": staff(400)},
    "/cases/<reference>/clock": {"GET": staff(200), "POST": staff(400)},
    "/cases/<reference>/classify": {"GET": case_triage(200), "POST": case_triage(400)},
    "/cases/<reference>/assign": {"GET": case_triage(200), "POST": case_triage(400)},
    "/cases/<reference>/close": {"GET": case_triage(200), "POST": case_triage(400)},
    "/cases/<reference>/reopen": {"GET": case_triage(200), "POST": case_triage(400)},
    "/cases/<reference>/duplicates": {"GET": case_triage(200), "POST": case_triage(400)},
    "/cases/<reference>/split": {"GET": case_triage(200), "POST": case_triage(400)},
    # --- Actions: leads work their own services' actions; partner links are the team's -----------
    "/cases/<reference>/actions/new": {"GET": staff(200), "POST": staff(400)},
    "/actions/<int:action_id>": {"GET": staff(200), "POST": staff(400)},
    "/actions/<int:action_id>/partner-link": {"GET": staff(403, team=200), "POST": staff(403, team=400)},
    "/actions/<int:action_id>/partner-link/<int:link_id>/revoke": {"POST": staff(403, team=302),
                                                                   "params": {"link_id": "spare_link_id"}},
    # --- Email intake and staff entry: the team's ---------------------------------------------
    "/intake/record": {"GET": team_only(200), "POST": team_only(400)},
    "/intake/held": {"GET": team_only(200)},
    "/intake/emails/<int:inbound_id>": {"GET": team_only(200)},
    "/intake/emails/<int:inbound_id>/release": {"POST": team_only(302)},
    "/intake/attachments/<int:attachment_id>": {"GET": team_only(200)},
    # --- Publishing (staff side): the team's ---------------------------------------------------
    "/entries": {"GET": team_only(200)},
    "/entries/new": {"GET": team_only(200), "POST": team_only(400)},
    "/entries/<int:entry_id>": {"GET": team_only(200)},
    "/entries/<int:entry_id>/edit": {"GET": team_only(200), "POST": team_only(400)},
    # With no data, each step is refused by the service and the entry page shown again (400).
    "/entries/<int:entry_id>/submit": {"POST": team_only(400), "params": {"entry_id": "published_entry_id"}},
    "/entries/<int:entry_id>/approve": {"POST": team_only(400)},
    "/entries/<int:entry_id>/return": {"POST": team_only(400)},
    "/entries/<int:entry_id>/withdraw": {"POST": team_only(400)},
    "/entries/<int:entry_id>/findings/<int:finding_id>/override": {"POST": team_only(400)},
    # --- Administration: response templates are the team's; the rest is the admin's ------------
    "/admin": {"GET": team_only(200)},
    "/admin/response-templates": {"GET": team_only(200)},
    "/admin/response-templates/new": {"GET": team_only(200), "POST": team_only(400)},
    "/admin/response-templates/<int:template_id>/edit": {"GET": team_only(200), "POST": team_only(400)},
    "/admin/response-templates/<int:template_id>/deactivate": {"POST": team_only(302)},
    "/admin/response-templates/<int:template_id>/reactivate": {"POST": team_only(302)},
    "/admin/themes": {"GET": admin_only(200)},
    "/admin/themes/new": {"GET": admin_only(200), "POST": admin_only(400)},
    "/admin/themes/<int:theme_id>/edit": {"GET": admin_only(200), "POST": admin_only(400)},
    "/admin/themes/<int:theme_id>/move": {"POST": admin_only(400)},
    "/admin/themes/<int:theme_id>/deactivate": {"POST": admin_only(302)},
    "/admin/themes/<int:theme_id>/reactivate": {"POST": admin_only(302)},
    "/admin/services": {"GET": admin_only(200)},
    "/admin/services/new": {"GET": admin_only(200), "POST": admin_only(400)},
    "/admin/services/<int:service_id>/edit": {"GET": admin_only(200), "POST": admin_only(400)},
    "/admin/services/<int:service_id>/leads": {"GET": admin_only(200), "POST": admin_only(302)},
    "/admin/users": {"GET": admin_only(200)},
    "/admin/users/new": {"GET": admin_only(200), "POST": admin_only(400)},
    "/admin/users/<int:user_id>/deactivate": {"POST": admin_only(302)},
    "/admin/users/<int:user_id>/reactivate": {"POST": admin_only(302)},
    # --- Privacy: the retention schedule is the admin's; subject access and erasure the team's -----
    "/admin/retention": {"GET": admin_only(200)},
    "/admin/retention/apply": {"POST": admin_only(302)},
    "/privacy/subject-access": {"GET": team_only(200), "POST": team_only(400)},
    "/privacy/subject-access/export": {"POST": team_only(302)},  # no address or number: sent back to search
    "/privacy/subject-access/erase": {"POST": team_only(400)},
    # --- Annual reports: published ones are public; building and publishing are the team's -------
    "/reports": {"GET": everyone(200)},
    "/reports/<int:year>": {"GET": everyone(200)},
    "/reports/<int:year>.pdf": {"GET": everyone(200)},
    "/reports/dashboard": {"GET": team_only(200)},
    "/reports/manage": {"GET": team_only(200), "POST": team_only(400)},
    "/reports/manage/<int:year>/text": {"GET": team_only(200), "POST": team_only(302)},
    "/reports/manage/builds/<int:build_id>": {"GET": team_only(200)},
    "/reports/manage/builds/<int:build_id>/report.html": {"GET": team_only(200)},
    "/reports/manage/builds/<int:build_id>/report.pdf": {"GET": team_only(200)},
    "/reports/manage/builds/<int:build_id>/rebuild": {"POST": team_only(302)},
    "/reports/manage/builds/<int:build_id>/publish": {"POST": team_only(302)},
    # The team's POST withdraws it; the admin's then finds nothing to withdraw and is sent back (302).
    "/reports/manage/builds/<int:build_id>/withdraw": {"POST": team_only(302)},
}


def expectation(row, method, role):
    """What `role` must get for `method` on a row; a method the route does not accept is 405 for all."""
    return row[method][role] if method in row else 405


def is_refusal(expected, role):
    """A refusal changes nothing: 403/404/405, or being sent to sign in when you hold no account."""
    return expected in REFUSED_STATUSES or (expected == SIGN_IN and role in LINK_HOLDERS)
