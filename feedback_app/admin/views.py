"""Admin pages: themes, services and their leads, staff accounts, response templates."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from feedback_app.accounts.models import Role, User
from feedback_app.accounts.services import AccountError
from feedback_app.admin import bp
from feedback_app.admin import services as admin
from feedback_app.admin.forms import (
    ResponseTemplateForm,
    ServiceForm,
    ServiceLeadsForm,
    ThemeEditForm,
    ThemeForm,
    UserForm,
)
from feedback_app.cases.models import ResponseTemplate
from feedback_app.common.auth import admin_required, team_required
from feedback_app.directory.models import Service, Theme
from feedback_app.extensions import db

SECTIONS = [
    # (endpoint, link text, description, who may use it)
    ("admin.themes", "Themes", "The taxonomy cases are classified by: add, rename, reorder, deactivate.", {Role.ADMIN}),
    ("admin.services", "Services", "The services cases are sent to, and their leads.", {Role.ADMIN}),
    ("admin.users", "Staff accounts", "Who can sign in, and their role.", {Role.ADMIN}),
    ("admin.response_templates", "Response templates", "Replies the team reuses, with placeholders.",
     {Role.ADMIN, Role.TEAM}),
    ("privacy.subject_access", "Subject access and erasure",
     "Download everything held about one person, or anonymise it.", {Role.ADMIN, Role.TEAM}),
    ("privacy.retention_report", "Retention schedule", "What is due to be anonymised, and applying it now.",
     {Role.ADMIN}),
]


def _form_page(page_template, form, **context):
    """Render a form page: 400 when it shows errors, as the sign-in page does."""
    return render_template(page_template, form=form, **context), (400 if form.errors else 200)


def _show_error(form, error):
    field = getattr(form, error.field or "", None) or getattr(form, "name", None)
    field.errors = [*field.errors, str(error)]


@bp.route("")
@team_required
def index():
    sections = [section for section in SECTIONS if current_user.role in section[3]]
    return render_template("admin/index.html", sections=sections)


# --- Themes -----------------------------------------------------------------------------------


@bp.route("/themes")
@admin_required
def themes():
    return render_template("admin/themes.html", groups=admin.list_themes_by_facet(), facet_labels=admin.FACET_LABELS)


@bp.route("/themes/new", methods=["GET", "POST"])
@admin_required
def add_theme():
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            theme = admin.add_theme(name=form.name.data, facet=form.facet.data, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Theme ‘{theme.name}’ added", "success")
            return redirect(url_for("admin.themes"))
    return _form_page("admin/theme-new.html", form)


@bp.route("/themes/<int:theme_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_theme(theme_id):
    theme = db.get_or_404(Theme, theme_id)
    ordered = admin.facet_order(theme)
    form = ThemeEditForm(theme_count=len(ordered))
    if request.method == "GET":
        form.name.data = theme.name
        form.position.data = str(ordered.index(theme) + 1)
    if form.validate_on_submit():
        try:
            admin.update_theme(theme, name=form.name.data, to_index=int(form.position.data) - 1, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Theme ‘{theme.name}’ saved", "success")
            return redirect(url_for("admin.themes"))
    return _form_page("admin/theme-edit.html", form, theme=theme, facet_label=admin.FACET_LABELS[theme.facet])


@bp.route("/themes/<int:theme_id>/move", methods=["POST"])
@admin_required
def move_theme(theme_id):
    theme = db.get_or_404(Theme, theme_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction"))
    if step is None:
        abort(400, "Choose to move the theme up or down")
    index = admin.facet_order(theme).index(theme)
    if admin.move_theme(theme, to_index=index + step, actor=current_user):
        flash(f"Theme ‘{theme.name}’ moved {request.form['direction']}", "success")
    return redirect(url_for("admin.themes", _anchor=f"theme-{theme.id}"))


@bp.route("/themes/<int:theme_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_theme(theme_id):
    theme = db.get_or_404(Theme, theme_id)
    if admin.set_theme_active(theme, active=False, actor=current_user):
        flash(f"Theme ‘{theme.name}’ deactivated. Cases that have it keep it.", "success")
    return redirect(url_for("admin.themes"))


@bp.route("/themes/<int:theme_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_theme(theme_id):
    theme = db.get_or_404(Theme, theme_id)
    if admin.set_theme_active(theme, active=True, actor=current_user):
        flash(f"Theme ‘{theme.name}’ reactivated", "success")
    return redirect(url_for("admin.themes"))


# --- Services ---------------------------------------------------------------------------------


@bp.route("/services")
@admin_required
def services():
    return render_template("admin/services.html", services=admin.list_services())


@bp.route("/services/new", methods=["GET", "POST"])
@admin_required
def add_service():
    form = ServiceForm()
    if form.validate_on_submit():
        try:
            service = admin.add_service(name=form.name.data, description=form.description.data or "",
                                        email=form.email.data or "", active=form.active.data, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Service ‘{service.name}’ added. Now choose its leads.", "success")
            return redirect(url_for("admin.service_leads", service_id=service.id))
    return _form_page("admin/service-form.html", form, service=None)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_service(service_id):
    service = db.get_or_404(Service, service_id)
    form = ServiceForm(obj=service)
    if form.validate_on_submit():
        try:
            admin.update_service(service, name=form.name.data, description=form.description.data or "",
                                 email=form.email.data or "", active=form.active.data, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Service ‘{service.name}’ saved", "success")
            return redirect(url_for("admin.services"))
    return _form_page("admin/service-form.html", form, service=service)


@bp.route("/services/<int:service_id>/leads", methods=["GET", "POST"])
@admin_required
def service_leads(service_id):
    service = db.get_or_404(Service, service_id)
    people = admin.list_possible_leads(service)
    form = ServiceLeadsForm()
    form.set_people(people)
    if request.method == "GET":
        form.leads.data = [lead.id for lead in service.leads]
    if form.validate_on_submit():
        try:
            admin.set_service_leads(service, lead_ids=form.leads.data or [], actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Leads of ‘{service.name}’ saved", "success")
            return redirect(url_for("admin.services"))
    return _form_page("admin/service-leads.html", form, service=service, people=people)


# --- Staff accounts ---------------------------------------------------------------------------


@bp.route("/users")
@admin_required
def users():
    return render_template("admin/users.html", users=admin.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def add_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = admin.add_user(email=form.email.data, name=form.name.data, role=form.role.data,
                                  password=form.password.data, actor=current_user)
        except AccountError as error:
            field = form.password if str(error).startswith("Password") else form.email
            field.errors = [*field.errors, str(error)]
        else:
            flash(f"Account for {user.email} added. Give them their temporary password in person or by phone.",
                  "success")
            return redirect(url_for("admin.users"))
    return _form_page("admin/user-new.html", form)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate_user(user_id):
    user = db.get_or_404(User, user_id)
    try:
        if admin.set_user_active(user, active=False, actor=current_user):
            flash(f"Account for {user.email} deactivated", "success")
    except admin.AdminError as error:
        flash(str(error), "important")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate_user(user_id):
    user = db.get_or_404(User, user_id)
    if admin.set_user_active(user, active=True, actor=current_user):
        flash(f"Account for {user.email} reactivated", "success")
    return redirect(url_for("admin.users"))


# --- Response templates -----------------------------------------------------------------------


@bp.route("/response-templates")
@team_required
def response_templates():
    return render_template("admin/response-templates.html", templates=admin.list_response_templates(),
                           placeholders=admin.PLACEHOLDERS)


@bp.route("/response-templates/new", methods=["GET", "POST"])
@team_required
def add_response_template():
    form = ResponseTemplateForm()
    if form.validate_on_submit():
        try:
            template = admin.add_response_template(name=form.name.data, subject=form.subject.data,
                                                   body=form.body.data, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Response template ‘{template.name}’ added", "success")
            return redirect(url_for("admin.response_templates"))
    return _form_page("admin/response-template-form.html", form, template=None, placeholders=admin.PLACEHOLDERS)


@bp.route("/response-templates/<int:template_id>/edit", methods=["GET", "POST"])
@team_required
def edit_response_template(template_id):
    template = db.get_or_404(ResponseTemplate, template_id)
    form = ResponseTemplateForm(obj=template)
    if form.validate_on_submit():
        try:
            admin.update_response_template(template, name=form.name.data, subject=form.subject.data,
                                           body=form.body.data, actor=current_user)
        except admin.AdminError as error:
            _show_error(form, error)
        else:
            flash(f"Response template ‘{template.name}’ saved", "success")
            return redirect(url_for("admin.response_templates"))
    return _form_page("admin/response-template-form.html", form, template=template, placeholders=admin.PLACEHOLDERS)


@bp.route("/response-templates/<int:template_id>/deactivate", methods=["POST"])
@team_required
def deactivate_response_template(template_id):
    template = db.get_or_404(ResponseTemplate, template_id)
    if admin.set_response_template_active(template, active=False, actor=current_user):
        flash(f"Response template ‘{template.name}’ deactivated", "success")
    return redirect(url_for("admin.response_templates"))


@bp.route("/response-templates/<int:template_id>/reactivate", methods=["POST"])
@team_required
def reactivate_response_template(template_id):
    template = db.get_or_404(ResponseTemplate, template_id)
    if admin.set_response_template_active(template, active=True, actor=current_user):
        flash(f"Response template ‘{template.name}’ reactivated", "success")
    return redirect(url_for("admin.response_templates"))
